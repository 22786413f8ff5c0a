//! When to ask for the token again while the operator approves the sign-in: every `interval`
//! the portal gave, 5 s more after each `slow_down`, and never past the code's expiry.

use crate::domain::{Millis, Timestamp};

/// What the portal answers when the AWS CLI does not give it one (RFC 8628 §3.2).
pub const DEFAULT_INTERVAL: Millis = 5 * Timestamp::SECOND;

/// How much longer to wait after a `slow_down` (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: Millis = 5 * Timestamp::SECOND;

/// The portal's answer to one CreateToken that did not give the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// `AuthorizationPendingException`: not approved yet.
    Pending,
    /// `SlowDownException`: asked too often.
    SlowDown,
}

/// The polling of one device authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The wait between two CreateToken calls.
    pub interval: Millis,
    /// When the code stops being valid.
    pub expires_at: Timestamp,
}

impl Schedule {
    /// The schedule of a code issued at `now` with the portal's `interval` and `expires_in` (in
    /// seconds; an interval of 0 or less means the default).
    pub fn new(now: Timestamp, interval_secs: i32, expires_in_secs: i32) -> Schedule {
        let interval = if interval_secs > 0 {
            Millis::from(interval_secs) * Timestamp::SECOND
        } else {
            DEFAULT_INTERVAL
        };
        Schedule {
            interval,
            expires_at: now + Millis::from(expires_in_secs.max(0)) * Timestamp::SECOND,
        }
    }

    /// After an answer at `now`: how long to wait before the next call, or `None` when the code
    /// expires before then (stop: the operator has to start again).
    pub fn next(&mut self, answer: Wait, now: Timestamp) -> Option<Millis> {
        if answer == Wait::SlowDown {
            self.interval += SLOW_DOWN_STEP;
        }
        (now + self.interval < self.expires_at).then_some(self.interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Millis = Timestamp::SECOND;

    #[test]
    fn polls_every_interval_until_the_code_expires() {
        let t0 = Timestamp(1_000_000);
        let mut s = Schedule::new(t0, 5, 12);
        assert_eq!(s.next(Wait::Pending, t0), Some(5 * S));
        assert_eq!(s.next(Wait::Pending, t0 + 5 * S), Some(5 * S));
        assert_eq!(
            s.next(Wait::Pending, t0 + 10 * S),
            None,
            "15 s is past 12 s"
        );
    }

    #[test]
    fn slow_down_adds_five_seconds_each_time() {
        let t0 = Timestamp(0);
        let mut s = Schedule::new(t0, 2, 600);
        assert_eq!(s.next(Wait::SlowDown, t0), Some(7 * S));
        assert_eq!(s.next(Wait::Pending, t0 + 7 * S), Some(7 * S));
        assert_eq!(s.next(Wait::SlowDown, t0 + 14 * S), Some(12 * S));
    }

    #[test]
    fn a_missing_interval_is_the_default() {
        let mut s = Schedule::new(Timestamp(0), 0, 600);
        assert_eq!(s.next(Wait::Pending, Timestamp(0)), Some(DEFAULT_INTERVAL));
    }
}
