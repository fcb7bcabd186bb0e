//! The engine's progress (`flypy_measure::progress`) drawn on stderr, in the words flypy has
//! always used: a dive's steps on one line rewritten in place where stderr takes escape codes,
//! else a line per step; `flypy time`'s count of worker processes done. Where nothing is
//! drawn (stderr is no terminal, JSON or HTML output) the commands pass `NoProgress` instead.

use flypy_measure::progress::{Event, Progress};

/// How a step is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Steps {
    /// Not at all (`flypy time` reports none: its progress is the count of workers).
    Hidden,
    /// A line per step (stderr is a terminal that takes no escape codes, `TERM=dumb`).
    Lines,
    /// One line, rewritten in place and erased at the end.
    InPlace,
}

/// Progress on stderr.
pub struct Terminal {
    steps: Steps,
    /// Whether the count of worker processes done is drawn.
    workers: bool,
    /// A step's line is on the screen, to be erased (at `Done`, or when the command ends
    /// early with an error, which would otherwise be appended to it).
    shown: std::cell::Cell<bool>,
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if self.shown.get() {
            let _ = std::io::Write::write_all(&mut std::io::stderr(), b"\r\x1b[K");
        }
    }
}

impl Terminal {
    /// `flypy dive`'s: each step. The count of timing workers is not drawn: the step already
    /// says the workers are timing, and a count would replace it.
    pub fn steps() -> Terminal {
        let steps = if crate::output::takes_escapes(&std::io::stderr()) {
            Steps::InPlace
        } else {
            Steps::Lines
        };
        Terminal {
            steps,
            workers: false,
            shown: std::cell::Cell::new(false),
        }
    }

    /// `flypy time`'s: the count of worker processes done, rewritten with a carriage return
    /// (which no terminal shows as garbage), a newline after the last.
    pub fn workers() -> Terminal {
        Terminal {
            steps: Steps::Hidden,
            workers: true,
            shown: std::cell::Cell::new(false),
        }
    }
}

/// A command's progress: drawn on stderr by the terminal `draw` makes when stderr is a
/// terminal (whatever the output format: a JSON or HTML dive takes as long), nothing otherwise
/// (issue 17: a log or a pipe gets no progress lines).
pub fn on_terminal(draw: fn() -> Terminal) -> Box<dyn Progress> {
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        Box::new(draw())
    } else {
        Box::new(flypy_measure::progress::NoProgress)
    }
}

/// [`on_terminal`] with each step drawn ([`Terminal::steps`]): most commands' progress.
pub fn steps_on_terminal() -> Box<dyn Progress> {
    on_terminal(Terminal::steps)
}

impl Terminal {
    /// What `event` draws, written to `out`; a reader that has gone is ignored, as with notes.
    fn draw(&self, event: Event, out: &mut dyn std::io::Write) {
        if self.steps == Steps::InPlace {
            match event {
                Event::Step(_) | Event::Part { .. } => self.shown.set(true),
                Event::Done => self.shown.set(false),
                _ => {}
            }
        }
        let _ = match event {
            Event::Step(what) => match self.steps {
                Steps::InPlace => write!(out, "\r\x1b[Kflypy: {what}…"),
                Steps::Lines => writeln!(out, "flypy: {what}…"),
                Steps::Hidden => Ok(()),
            },
            Event::Part { what, k, n } => match self.steps {
                Steps::InPlace => write!(out, "\r\x1b[Kflypy: {what} {k} of {n}…"),
                Steps::Lines => writeln!(out, "flypy: {what} {k} of {n}…"),
                Steps::Hidden => Ok(()),
            },
            Event::Workers { done, .. } if self.workers => {
                write!(out, "\rflypy: {done} worker processes done")
            }
            Event::WorkersEnded if self.workers => writeln!(out),
            Event::Done if self.steps == Steps::InPlace => write!(out, "\r\x1b[K"),
            _ => Ok(()),
        };
    }
}

impl Progress for Terminal {
    fn report(&self, event: Event) {
        self.draw(event, &mut std::io::stderr());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A terminal drawing steps as `steps` says, not the count of workers.
    fn stepping(steps: Steps) -> Terminal {
        Terminal {
            steps,
            workers: false,
            shown: std::cell::Cell::new(false),
        }
    }

    fn drawn(terminal: &Terminal, events: &[Event]) -> String {
        let mut out = Vec::new();
        for e in events {
            terminal.draw(*e, &mut out);
        }
        String::from_utf8(out).expect("UTF-8")
    }

    const DIVE: [Event; 6] = [
        Event::Step("compiling"),
        Event::Step("timing (worker processes)"),
        Event::Workers {
            done: 1,
            planned: 2,
        },
        Event::Workers {
            done: 2,
            planned: 2,
        },
        Event::WorkersEnded,
        Event::Done,
    ];

    #[test]
    fn a_dive_draws_its_steps_in_place_or_a_line_each() {
        let in_place = stepping(Steps::InPlace);
        assert_eq!(
            drawn(&in_place, &DIVE),
            "\r\x1b[Kflypy: compiling…\r\x1b[Kflypy: timing (worker processes)…\r\x1b[K"
        );
        let lines = stepping(Steps::Lines);
        assert_eq!(
            drawn(&lines, &DIVE),
            "flypy: compiling…\nflypy: timing (worker processes)…\n"
        );
    }

    #[test]
    fn a_part_says_which_of_how_many() {
        let events = [
            Event::Part {
                what: "statement",
                k: 1,
                n: 2,
            },
            Event::Done,
        ];
        let in_place = stepping(Steps::InPlace);
        assert_eq!(
            drawn(&in_place, &events),
            "\r\x1b[Kflypy: statement 1 of 2…\r\x1b[K"
        );
        assert_eq!(drawn(&Terminal::workers(), &events), "");
    }

    #[test]
    fn time_draws_the_count_of_workers_done() {
        assert_eq!(
            drawn(&Terminal::workers(), &DIVE),
            "\rflypy: 1 worker processes done\rflypy: 2 worker processes done\n"
        );
    }
}
