//! One read kept fresh by polling: the request in flight, when the next read is due and why the
//! last one failed — the bookkeeping every polled feature shares (an environment's refresh, the
//! release catalogue, the Logs view's and the Traffic view's reads).

use super::RequestId;
use crate::domain::Timestamp;

/// A polled read: at most one request in flight, whose answer alone is taken (an answer to any
/// other request is outdated and dropped); the time the next read is due; and why the last read
/// failed (`E`: the error text, or a richer record such as an environment's [`super::Stale`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loadable<E = String> {
    /// The request in flight.
    pub inflight: Option<RequestId>,
    /// When the next read is due ([`Loadable::NEVER_READ`] until the first: due at once).
    pub next_poll: Timestamp,
    /// Why the last read failed, if it did.
    pub error: Option<E>,
}

impl<E> Default for Loadable<E> {
    fn default() -> Self {
        Loadable {
            inflight: None,
            next_poll: Self::NEVER_READ,
            error: None,
        }
    }
}

impl<E> Loadable<E> {
    /// The next poll time of a read that never started: due at once.
    pub const NEVER_READ: Timestamp = Timestamp(i64::MIN);

    /// Whether a read is due at `now`: none in flight and its time has come.
    pub fn due(&self, now: Timestamp) -> bool {
        self.inflight.is_none() && now >= self.next_poll
    }

    /// Whether no read was ever scheduled.
    pub fn never_read(&self) -> bool {
        self.next_poll == Self::NEVER_READ
    }

    /// A read starts as `request`.
    pub fn start(&mut self, request: RequestId) {
        self.inflight = Some(request);
    }

    /// Takes the answer to `request` if it is the read in flight (which then ends); `false`
    /// for an outdated answer, to be dropped.
    pub fn accept(&mut self, request: RequestId) -> bool {
        if self.inflight == Some(request) {
            self.inflight = None;
            true
        } else {
            false
        }
    }

    /// The read succeeded: no error, the next at `next`.
    pub fn succeeded(&mut self, next: Timestamp) {
        self.error = None;
        self.next_poll = next;
    }

    /// The read failed with `error`: try again at `next`.
    pub fn failed(&mut self, error: E, next: Timestamp) {
        self.error = Some(error);
        self.next_poll = next;
    }

    /// The next read is due by `at` at the latest (sooner stays sooner).
    pub fn due_by(&mut self, at: Timestamp) {
        self.next_poll = self.next_poll.min(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_answer_to_the_read_in_flight_is_taken() {
        let mut l: Loadable = Loadable::default();
        assert!(l.never_read() && l.due(Timestamp(0)));
        l.start(7);
        assert!(!l.due(Timestamp(0)), "one read at a time");
        assert!(!l.accept(6), "an outdated answer is dropped");
        assert_eq!(l.inflight, Some(7));
        assert!(l.accept(7));
        assert_eq!(l.inflight, None);
        assert!(!l.accept(7), "an answer is taken once");
    }

    #[test]
    fn success_clears_the_error_and_failure_records_it() {
        let mut l: Loadable = Loadable::default();
        l.failed("throttled".into(), Timestamp(50));
        assert_eq!(
            (l.error.as_deref(), l.next_poll),
            (Some("throttled"), Timestamp(50))
        );
        assert!(!l.due(Timestamp(49)) && l.due(Timestamp(50)));
        l.due_by(Timestamp(60));
        assert_eq!(l.next_poll, Timestamp(50), "sooner stays sooner");
        l.due_by(Timestamp(10));
        assert_eq!(l.next_poll, Timestamp(10));
        l.succeeded(Timestamp(100));
        assert_eq!((l.error, l.next_poll), (None, Timestamp(100)));
    }
}
