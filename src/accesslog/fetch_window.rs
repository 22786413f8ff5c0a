//! How many log objects to fetch at once (pure): an AIMD-style window that starts small,
//! doubles while throughput rises, then grows by an eighth while it still rises, up to a
//! ceiling (64); halves on a SlowDown / 503 and holds new fetches back for a doubling back-off;
//! and never lets the bytes held (fetched bodies waiting their turn, plus the fetches in flight
//! at the mean object size seen so far) pass a memory budget. Time is passed in (milliseconds
//! since the read began); the runtime only runs the decisions.

/// Limits of a [`FetchWindow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowConfig {
    /// Fetches in flight at the start.
    pub start: usize,
    /// Most fetches in flight.
    pub max: usize,
    /// Most bytes held: bodies fetched and waiting, plus the fetches in flight (estimated).
    pub budget: u64,
    /// First back-off after a SlowDown / 503, in ms (doubling with each one in a row).
    pub backoff_ms: u64,
    /// Longest back-off, in ms.
    pub max_backoff_ms: u64,
}

impl Default for WindowConfig {
    fn default() -> Self {
        WindowConfig {
            start: 4,
            max: 64,
            budget: 256 << 20,
            backoff_ms: 100,
            max_backoff_ms: 5_000,
        }
    }
}

/// Throughput must rise by this fraction over the previous round to grow while doubling…
const RISE_DOUBLING: f64 = 0.10;
/// …and by this fraction once growing additively.
const RISE_ADDITIVE: f64 = 0.03;

/// The fetch window of one read.
#[derive(Debug, Clone)]
pub struct FetchWindow {
    cfg: WindowConfig,
    limit: usize,
    doubling: bool,
    /// The current measuring round: its start, bytes and objects fetched.
    round_start: u64,
    round_bytes: u64,
    round_done: usize,
    /// Throughput of the last round, bytes per ms.
    last_rate: Option<f64>,
    /// No fetch starts before this time.
    hold_until: u64,
    /// SlowDowns in a row (each doubles the back-off).
    strikes: u32,
    fetched: u64,
    fetched_bytes: u64,
}

impl FetchWindow {
    /// A window with the limits `cfg` (a ceiling below the start is raised to it; at least 1).
    pub fn new(cfg: WindowConfig) -> FetchWindow {
        let start = cfg.start.max(1);
        let cfg = WindowConfig {
            start,
            max: cfg.max.max(start),
            ..cfg
        };
        FetchWindow {
            cfg,
            limit: start,
            doubling: true,
            round_start: 0,
            round_bytes: 0,
            round_done: 0,
            last_rate: None,
            hold_until: 0,
            strikes: 0,
            fetched: 0,
            fetched_bytes: 0,
        }
    }

    /// Fetches allowed in flight now.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The estimated size of an object not fetched yet: the mean of those fetched (0 before
    /// the first).
    pub fn mean_size(&self) -> u64 {
        self.fetched_bytes.checked_div(self.fetched).unwrap_or(0)
    }

    /// Whether another fetch may start at `now` with `in_flight` running and `held` bytes of
    /// fetched bodies waiting. One fetch may always run when nothing is held or running, so a
    /// single object larger than the budget is still read.
    pub fn may_start(&self, now: u64, in_flight: usize, held: u64) -> bool {
        if now < self.hold_until || in_flight >= self.limit {
            return false;
        }
        if in_flight == 0 && held == 0 {
            return true;
        }
        let estimate = self.mean_size().saturating_mul(in_flight as u64 + 1);
        held.saturating_add(estimate) <= self.cfg.budget
    }

    /// When new fetches may start again after a back-off (`None`: now).
    pub fn held_until(&self, now: u64) -> Option<u64> {
        (self.hold_until > now).then_some(self.hold_until)
    }

    /// A fetch of `bytes` ended well at `now`. Each round of `limit` fetches measures the
    /// throughput; the window grows while it rises.
    pub fn fetched(&mut self, now: u64, bytes: u64) {
        self.strikes = 0;
        self.fetched += 1;
        self.fetched_bytes = self.fetched_bytes.saturating_add(bytes);
        self.round_bytes = self.round_bytes.saturating_add(bytes);
        self.round_done += 1;
        if self.round_done < self.limit {
            return;
        }
        let elapsed = now.saturating_sub(self.round_start).max(1);
        let rate = self.round_bytes as f64 / elapsed as f64;
        let rise = if self.doubling {
            RISE_DOUBLING
        } else {
            RISE_ADDITIVE
        };
        let rising = self.last_rate.is_none_or(|last| rate > last * (1.0 + rise));
        if rising {
            self.limit = if self.doubling {
                self.limit * 2
            } else {
                self.limit + (self.limit / 8).max(1)
            }
            .min(self.cfg.max);
        } else {
            self.doubling = false;
        }
        self.last_rate = Some(rate);
        self.round_start = now;
        self.round_bytes = 0;
        self.round_done = 0;
    }

    /// The service said SlowDown (or 503) at `now`: the window halves, growth turns additive,
    /// and no fetch starts for the back-off, which doubles with each one in a row. Returns when
    /// fetches may start again.
    pub fn slowed(&mut self, now: u64) -> u64 {
        self.limit = (self.limit / 2).max(1);
        self.doubling = false;
        let wait = self
            .cfg
            .backoff_ms
            .saturating_mul(1u64 << self.strikes.min(16))
            .min(self.cfg.max_backoff_ms);
        self.strikes = self.strikes.saturating_add(1);
        self.hold_until = self.hold_until.max(now + wait);
        // The round restarts after the back-off, so the wait is not counted as slowness.
        self.round_start = self.hold_until;
        self.round_bytes = 0;
        self.round_done = 0;
        self.last_rate = None;
        self.hold_until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> FetchWindow {
        FetchWindow::new(WindowConfig::default())
    }

    /// Runs rounds from `now` where the window's fetches of 1,000 bytes take `latency` ms,
    /// with throughput capped at `cap` bytes/ms; returns the time after `rounds` rounds.
    fn run(w: &mut FetchWindow, mut now: u64, rounds: usize, latency: u64, cap: f64) -> u64 {
        for _ in 0..rounds {
            let n = w.limit() as u64;
            let capped = (n as f64 * 1000.0 / cap).ceil() as u64;
            now += latency.max(capped);
            for _ in 0..n {
                w.fetched(now, 1000);
            }
        }
        now
    }

    #[test]
    fn grows_from_four_to_sixty_four_while_throughput_rises() {
        let mut w = window();
        assert_eq!(w.limit(), 4);
        let now = run(&mut w, 0, 1, 50, f64::INFINITY);
        assert_eq!(w.limit(), 8, "the first round doubles");
        run(&mut w, now, 10, 50, f64::INFINITY);
        assert_eq!(w.limit(), 64, "capped at the ceiling");
    }

    #[test]
    fn stops_growing_when_throughput_does_not_rise() {
        let mut w = window();
        // 400 bytes/ms: 8 fetches of 1,000 bytes fill 20 ms, more only queue.
        let now = run(&mut w, 0, 12, 10, 400.0);
        let held = w.limit();
        assert!(held < 64, "a saturated link holds the window at {held}");
        run(&mut w, now, 10, 10, 400.0);
        assert_eq!(w.limit(), held, "no growth while throughput is flat");
    }

    #[test]
    fn halves_and_backs_off_on_slow_down_doubling_in_a_row() {
        let mut w = window();
        run(&mut w, 0, 3, 50, f64::INFINITY);
        assert_eq!(w.limit(), 32);
        assert_eq!(w.slowed(1_000), 1_100);
        assert_eq!(w.limit(), 16);
        assert!(!w.may_start(1_050, 0, 0), "held back during the back-off");
        assert!(w.may_start(1_100, 0, 0));
        assert_eq!(
            w.slowed(1_100),
            1_300,
            "a second one in a row waits twice as long"
        );
        assert_eq!(w.limit(), 8);
        for _ in 0..10 {
            w.slowed(2_000);
        }
        assert_eq!(w.limit(), 1, "never below one");
        assert!(w.held_until(2_000).is_some_and(|t| t <= 2_000 + 5_000));
        // Growth after a back-off is additive.
        let mut now = w.held_until(0).unwrap_or(0);
        for _ in 0..20 {
            now += 50;
            let n = w.limit();
            for _ in 0..n {
                w.fetched(now, 1000);
            }
        }
        assert!(w.limit() > 1 && w.limit() < 32, "{}", w.limit());
    }

    #[test]
    fn the_memory_budget_bounds_the_bytes_held_and_in_flight() {
        let mut w = FetchWindow::new(WindowConfig {
            budget: 10_000,
            ..WindowConfig::default()
        });
        w.fetched(10, 3_000);
        assert_eq!(w.mean_size(), 3_000);
        assert!(w.may_start(10, 2, 0), "three of 3,000 fit in 10,000");
        assert!(!w.may_start(10, 3, 0), "a fourth would not");
        assert!(!w.may_start(10, 1, 5_000), "bodies waiting count too");
        assert!(w.may_start(10, 0, 0), "one fetch may always run");
        // A single object larger than the budget is still fetched, alone.
        w.fetched(20, 100_000);
        assert!(w.may_start(20, 0, 0));
        assert!(!w.may_start(20, 1, 0));
    }
}
