//! What a measurement is doing, told as it goes. The engine reports its steps through
//! [`Progress`] instead of writing to stderr itself: the binary draws them on a terminal, and
//! tests and the HTML report ignore them ([`NoProgress`]) or record them.

/// One thing a measurement reports, in the order it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A step begins, said for a person: "compiling", "running the variants", "counting
    /// executed instructions", "reading what specialized", "timing (worker processes)",
    /// "counting machine instructions (callgrind)".
    Step(&'static str),
    /// Item `k` of `n` of a step begins (a statement under callgrind, a chunk of files), said
    /// as "`what` `k` of `n`".
    Part {
        what: &'static str,
        k: usize,
        n: usize,
    },
    /// Another timing worker process is done: `done` so far, of `planned` (with
    /// `flypy time --until`, more may follow the planned ones).
    Workers { done: usize, planned: usize },
    /// The last timing worker is done.
    WorkersEnded,
    /// The measurement is over, measured (not after a failure: the error says what happened).
    Done,
}

/// Where a measurement's [`Event`]s go.
pub trait Progress {
    fn report(&self, event: Event);
}

/// Progress nobody is shown: for tests, JSON and HTML.
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _event: Event) {}
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Progress kept in order, for tests to check.
    #[derive(Default)]
    pub struct Recorded(pub std::cell::RefCell<Vec<Event>>);

    impl Progress for Recorded {
        fn report(&self, event: Event) {
            self.0.borrow_mut().push(event);
        }
    }
}
