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
        }
    }

    /// `flypy time`'s: the count of worker processes done, rewritten with a carriage return
    /// (which no terminal shows as garbage), a newline after the last.
    pub fn workers() -> Terminal {
        Terminal {
            steps: Steps::Hidden,
            workers: true,
        }
    }
}

impl Terminal {
    /// What `event` draws, written to `out`; a reader that has gone is ignored, as with notes.
    fn draw(&self, event: Event, out: &mut dyn std::io::Write) {
        let _ = match event {
            Event::Step(what) => match self.steps {
                Steps::InPlace => write!(out, "\r\x1b[Kflypy: {what}…"),
                Steps::Lines => writeln!(out, "flypy: {what}…"),
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
        let in_place = Terminal {
            steps: Steps::InPlace,
            workers: false,
        };
        assert_eq!(
            drawn(&in_place, &DIVE),
            "\r\x1b[Kflypy: compiling…\r\x1b[Kflypy: timing (worker processes)…\r\x1b[K"
        );
        let lines = Terminal {
            steps: Steps::Lines,
            workers: false,
        };
        assert_eq!(
            drawn(&lines, &DIVE),
            "flypy: compiling…\nflypy: timing (worker processes)…\n"
        );
    }

    #[test]
    fn time_draws_the_count_of_workers_done() {
        assert_eq!(
            drawn(&Terminal::workers(), &DIVE),
            "\rflypy: 1 worker processes done\rflypy: 2 worker processes done\n"
        );
    }
}
