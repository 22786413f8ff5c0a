//! Unit tests of the impact rule: windows, the too-early rule and each verdict.

use super::{Impact, MIN_AFTER, Verdict, WARMUP, WINDOW, z_score};
use crate::accesslog::LogFields;
use crate::domain::Timestamp;

pub(crate) const AT: Timestamp = Timestamp(1_795_597_200_000); // 2026-11-25T09:00:00Z

#[derive(Debug, Clone)]
pub(crate) struct Rec {
    ts: i64,
    status: u16,
    taken: u32,
    hit: bool,
    path: &'static str,
}

impl LogFields for Rec {
    fn timestamp_ms(&self) -> i64 {
        self.ts
    }
    fn status(&self) -> u16 {
        self.status
    }
    fn sc_bytes(&self) -> u64 {
        100
    }
    fn time_taken_ms(&self) -> u32 {
        self.taken
    }
    fn ttfb_ms(&self) -> u32 {
        self.taken / 2
    }
    fn method(&self) -> &str {
        "GET"
    }
    fn path(&self) -> &str {
        self.path
    }
    fn query(&self) -> &str {
        ""
    }
    fn client_ip(&self) -> &str {
        "192.0.2.1"
    }
    fn edge_location(&self) -> &str {
        "FRA56-P1"
    }
    fn result_type(&self) -> &str {
        if self.hit { "Hit" } else { "Miss" }
    }
    fn user_agent(&self) -> &str {
        "curl"
    }
    fn referer(&self) -> &str {
        ""
    }
    fn host(&self) -> &str {
        "d1.cloudfront.net"
    }
}

/// `n` records evenly over `[from, from + span)`: one in `every_5xx` a 503 on `/api/cart`
/// (0: none), taking `taken` ms, one in `every_miss` a miss.
pub(crate) fn traffic(
    from: Timestamp,
    span: i64,
    n: i64,
    every_5xx: i64,
    taken: u32,
    every_miss: i64,
) -> Vec<Rec> {
    (0..n)
        .map(|i| {
            let bad = every_5xx > 0 && i % every_5xx == 0;
            Rec {
                ts: from.millis() + i * span / n,
                status: if bad { 503 } else { 200 },
                taken,
                hit: i % every_miss != 0,
                path: if bad { "/api/cart" } else { "/" },
            }
        })
        .collect()
}

#[test]
fn a_5xx_rise_beyond_the_noise_is_worse_and_names_what_changed() {
    let mut recs = traffic(AT - WINDOW, WINDOW, 600, 200, 40, 4);
    recs.extend(traffic(AT, WINDOW, 600, 20, 40, 4));
    let i = Impact::measure(recs, AT, AT + 2 * WINDOW, None);
    assert_eq!(i.verdict, Verdict::Worse, "{:?}", i.reasons);
    assert_eq!((i.before.requests, i.before.s5xx), (600, 3));
    assert_eq!((i.after.requests, i.after.s5xx), (600, 30));
    assert_eq!(
        i.after.to,
        AT + WINDOW,
        "the after-window stops at 30 minutes"
    );
    assert!(
        i.reasons[0].starts_with("5xx 0.50% → 5.00%"),
        "{:?}",
        i.reasons
    );
    let keys = |v: &[super::Shift]| v.iter().map(|s| s.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&i.status_codes), ["200", "503"]);
    assert_eq!(keys(&i.paths), ["/", "/api/cart"]);
    assert_eq!((i.paths[1].before, i.paths[1].after), (0.005, 0.05));
}

#[test]
fn the_same_rates_are_no_change_and_a_few_5xx_are_noise() {
    let mut recs = traffic(AT - WINDOW, WINDOW, 600, 200, 40, 4);
    recs.extend(traffic(AT, WINDOW, 600, 150, 41, 4));
    let i = Impact::measure(recs, AT, AT + WINDOW, None);
    assert_eq!(i.verdict, Verdict::NoChange, "{:?}", i.reasons);
}

#[test]
fn slower_or_fewer_hits_are_worse_and_the_reverse_better() {
    let mut slow = traffic(AT - WINDOW, WINDOW, 600, 0, 40, 4);
    slow.extend(traffic(AT, WINDOW, 600, 0, 90, 4));
    let i = Impact::measure(slow, AT, AT + WINDOW, None);
    assert_eq!(i.verdict, Verdict::Worse);
    assert!(i.reasons[0].starts_with("p95 "), "{:?}", i.reasons);
    let mut misses = traffic(AT - WINDOW, WINDOW, 600, 0, 40, 8);
    misses.extend(traffic(AT, WINDOW, 600, 0, 40, 2));
    let i = Impact::measure(misses, AT, AT + WINDOW, None);
    assert_eq!(i.verdict, Verdict::Worse);
    assert_eq!(i.reasons, ["cache hits 87.5% → 50.0%"]);
    let mut healed = traffic(AT - WINDOW, WINDOW, 600, 20, 40, 4);
    healed.extend(traffic(AT, WINDOW, 600, 0, 40, 4));
    assert_eq!(
        Impact::measure(healed, AT, AT + WINDOW, None).verdict,
        Verdict::Better
    );
}

#[test]
fn it_is_too_early_while_the_after_window_is_short_or_quiet() {
    let mut recs = traffic(AT - WINDOW, WINDOW, 600, 200, 40, 4);
    recs.extend(traffic(AT, WINDOW, 600, 10, 40, 4));
    let short = Impact::measure(recs.clone(), AT, AT + MIN_AFTER - 1, None);
    assert_eq!(short.verdict, Verdict::TooEarly);
    assert_eq!(
        short.reasons,
        ["the after-window spans 9m 59s of the 10m 00s needed"]
    );
    let quiet = traffic(AT - WINDOW, WINDOW, 600, 200, 40, 4);
    let i = Impact::measure(quiet, AT, AT + WINDOW, None);
    assert_eq!(i.verdict, Verdict::TooEarly);
    assert_eq!(
        i.reasons,
        ["600 requests before and 0 after; 50 needed each side"]
    );
}

#[test]
fn the_z_score_is_signed_and_undefined_without_data() {
    assert_eq!(z_score(0, 0, 1, 10), None);
    assert_eq!(z_score(0, 10, 0, 10), None);
    let z = z_score(3, 600, 30, 600).unwrap_or(0.0);
    assert!((z - 4.77).abs() < 0.01, "{z}");
    assert!(z_score(30, 600, 3, 600).unwrap_or(0.0) < 0.0);
}

/// A deploy shortly after another is compared with the release it replaced only: the
/// before-window starts at the previous deploy, and that deploy's cache warm-up (every deploy
/// empties the cache) is not counted as "before", so a cache that merely refilled is not
/// "better".
#[test]
fn the_before_window_starts_at_the_previous_deploy_and_skips_its_warm_up() {
    let previous = AT - 20 * Timestamp::MINUTE;
    // An older release, then the previous deploy's cold cache (every other request a miss) for
    // its warm-up, then a warm cache (one in four a miss) before and after this deploy.
    let mut recs = traffic(AT - WINDOW, 10 * Timestamp::MINUTE, 300, 0, 40, 4);
    recs.extend(traffic(previous, WARMUP, 600, 0, 40, 2));
    recs.extend(traffic(
        previous + WARMUP,
        AT.since(previous + WARMUP),
        300,
        0,
        40,
        4,
    ));
    recs.extend(traffic(AT, WINDOW, 1800, 0, 40, 4));
    let i = Impact::measure(recs.iter().cloned(), AT, AT + WINDOW, Some(previous));
    assert_eq!(i.before.from, previous);
    assert_eq!(
        i.before.requests, 900,
        "the older release is not before this deploy"
    );
    assert_eq!(i.warm_cache_before, (300, 225));
    assert_eq!(i.verdict, Verdict::NoChange, "{:?}", i.reasons);
    // Without knowing the previous deploy, its cold cache makes this one look better.
    let blind = Impact::measure(recs.iter().cloned(), AT, AT + WINDOW, None);
    assert_eq!(blind.verdict, Verdict::Better, "{:?}", blind.reasons);
}
