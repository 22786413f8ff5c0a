//! The fetch plan of a CloudFront log tail (pure): which listings of the logs bucket to make,
//! which new CloudFront log objects to fetch — each at most once — and when to poll again.
//!
//! CloudFront names a file `<prefix><dist>.YYYY-MM-DD-HH.<unique>.gz` (hour in UTC; the prefix
//! is used as configured, usually ending in `/`), so keys sort by distribution and hour, and a
//! listing with `start-after = <prefix><dist>.<hour>` returns that hour's files and every later
//! one. Files arrive up to 24 h late into their own hour, so each poll re-lists the last
//! `recent` hours (2 by default) and, every `deep_every` (5 min), the whole last `horizon` (24 h)
//! — never before the look-back start. The first poll lists the whole look-back window.
//!
//! A key returned by [`TailPlanner::on_listing`] is taken: it is never returned again unless
//! [`TailPlanner::mark_failed`] gives it back. Keys are forgotten once their hour is more than an
//! hour before anything a listing can return (`max(since, now - horizon)`), so memory holds about
//! `horizon + 1 h` of keys.
//!
//! An object read incompletely (cut short in transit, or corrupt at rest) is given back by
//! [`TailPlanner::retry_incomplete`] to be read again, up to [`MAX_READS`] reads in all; after
//! that it is given up (its complete records kept by the caller).
//!
//! The poll interval is `min_interval` after a round that found new files and doubles with each
//! idle round up to `max_interval`.
//!
//! A round can be carried by the read that makes it ([`TailPlanner::round`]): a [`TailRound`]
//! holds the round's listings and the planner as it was when the round started, and picks each
//! listed page's new keys while the pages stream in; the keys the read reached are then taken by
//! the planner itself ([`TailPlanner::took`]), so a key the read did not reach (a read
//! cancelled or stopped partway) is listed and read again, and none is read twice.
//!
//! A partitioned layout (a v2 delivery's suffix path with time variables, see [`KeyTemplate`])
//! is listed partition by partition instead: each round lists the folder of every hour from
//! the same start to now (an hour's folder rendered in UTC, so day, month and year boundaries
//! are only other folders; a day-partitioned template lists each day once), and a key's hour
//! is its partition's.
//!
//! A planner can end its window ([`TailPlanner::ending`]): only the hours holding records
//! before `until` are listed (CloudFront files a record, late or not, under its own hour), and
//! a flat listing that reaches a later hour ends the round's listing ([`TailRound::past_end`]),
//! so reading an old deploy's windows does not read the days since.

use super::layout::KeyTemplate;
use crate::domain::{Millis, ObjectInfo, Timestamp};
use std::collections::HashMap;

/// Reads of an object that keeps coming back incomplete before it is given up.
pub const MAX_READS: u32 = 5;

/// One `ListObjectsV2` call (page through it with the continuation token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    /// Key prefix: `<logs prefix><distribution id>.`.
    pub prefix: String,
    /// List keys after this one: `<logs prefix><distribution id>.<YYYY-MM-DD-HH>`.
    pub start_after: String,
}

/// Cadence and bounds of a tail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TailConfig {
    /// Span re-listed on every poll (back to the start of its first hour).
    pub recent: Millis,
    /// Span re-listed on deep polls: how late CloudFront may deliver.
    pub horizon: Millis,
    /// Time between deep polls.
    pub deep_every: Millis,
    /// Poll interval after a round with new files.
    pub min_interval: Millis,
    /// Longest poll interval when idle.
    pub max_interval: Millis,
}

impl Default for TailConfig {
    fn default() -> Self {
        TailConfig {
            recent: 2 * Timestamp::HOUR,
            horizon: Timestamp::DAY,
            deep_every: 5 * Timestamp::MINUTE,
            min_interval: 15 * Timestamp::SECOND,
            max_interval: 2 * Timestamp::MINUTE,
        }
    }
}

/// Start of the UTC hour holding `t`.
pub fn hour_floor(t: Timestamp) -> Timestamp {
    Timestamp(t.millis().div_euclid(Timestamp::HOUR) * Timestamp::HOUR)
}

/// `YYYY-MM-DD-HH` of `t` (UTC), as CloudFront writes it in keys.
pub fn hour_string(t: Timestamp) -> String {
    match chrono::DateTime::from_timestamp_millis(t.millis()) {
        Some(d) => d.format("%Y-%m-%d-%H").to_string(),
        None => "1970-01-01-00".into(),
    }
}

/// `<prefix><dist>.<YYYY-MM-DD-HH>`: the start-after key for the hour holding `t`.
pub fn hour_key_prefix(prefix: &str, dist: &str, t: Timestamp) -> String {
    format!("{prefix}{dist}.{}", hour_string(t))
}

/// The hour (its start) of a key `<prefix><dist>.YYYY-MM-DD-HH.<unique>…`, if it is one.
pub fn key_hour(key: &str, prefix: &str, dist: &str) -> Option<Timestamp> {
    let rest = key
        .strip_prefix(prefix)?
        .strip_prefix(dist)?
        .strip_prefix('.')?;
    let (stamp, tail) = (rest.get(..13)?, rest.get(13..)?);
    if !tail.starts_with('.') {
        return None;
    }
    let num = |a: usize, b: usize| -> Option<u32> {
        let s = stamp.get(a..b)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let sep = stamp.as_bytes();
    if sep[4] != b'-' || sep[7] != b'-' || sep[10] != b'-' {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?;
    let t = date.and_hms_opt(num(11, 13)?, 0, 0)?.and_utc();
    Some(Timestamp(t.timestamp_millis()))
}

/// Plans the listings and fetches of one distribution's log tail; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailPlanner {
    prefix: String,
    layout: KeyTemplate,
    dist: String,
    since: Timestamp,
    /// The end of the window, if it has one: records before it are read.
    until: Option<Timestamp>,
    /// This round's flat listing reached a key filed after the window's last hour.
    past_end: bool,
    cfg: TailConfig,
    taken: HashMap<String, i64>,
    /// Incomplete reads per key (with the key's hour, for forgetting).
    attempts: HashMap<String, (i64, u32)>,
    last_deep: Option<Timestamp>,
    /// The next round is deep whenever it comes (a listing failed).
    relist: bool,
    idle: u32,
    round_new: usize,
    round_open: bool,
    next_at: Option<Timestamp>,
}

impl TailPlanner {
    /// A planner for `dist` under the logs `prefix`, looking back to `since`.
    pub fn new(prefix: &str, dist: &str, since: Timestamp) -> TailPlanner {
        TailPlanner::with_config(prefix, dist, since, TailConfig::default())
    }

    /// A planner for `dist`'s objects laid out by `layout` (flat or partitioned), looking back
    /// to `since`.
    pub fn for_layout(layout: &KeyTemplate, dist: &str, since: Timestamp) -> TailPlanner {
        let mut p = TailPlanner::new(layout.as_str(), dist, since);
        p.layout = layout.clone();
        p
    }

    /// [`TailPlanner::new`] with another cadence.
    pub fn with_config(prefix: &str, dist: &str, since: Timestamp, cfg: TailConfig) -> Self {
        TailPlanner {
            prefix: prefix.to_string(),
            layout: KeyTemplate::flat(prefix),
            dist: dist.to_string(),
            since,
            until: None,
            past_end: false,
            cfg,
            taken: HashMap::new(),
            attempts: HashMap::new(),
            last_deep: None,
            relist: false,
            idle: 0,
            round_new: 0,
            round_open: false,
            next_at: None,
        }
    }

    /// The start of the look-back window.
    pub fn since(&self) -> Timestamp {
        self.since
    }

    /// The planner with its window ending at `until` (records before it), or open (`None`):
    /// hours after the one holding `until`'s last moment are neither listed nor read.
    pub fn ending(mut self, until: Option<Timestamp>) -> TailPlanner {
        self.until = until;
        self
    }

    /// The last hour holding records of the window, when it ends.
    fn last_hour(&self) -> Option<Timestamp> {
        self.until.map(|u| hour_floor(u - 1))
    }

    /// The listing prefix of the flat layout: `<prefix><dist>.`.
    pub fn list_prefix(&self) -> String {
        format!("{}{}.", self.prefix, self.dist)
    }

    /// The hour a key is filed under (its partition's, for a partitioned layout), with the last
    /// hour its partition spans; `None` for a key that is not one of this distribution's.
    fn hours_of(&self, key: &str) -> Option<(Timestamp, Timestamp)> {
        if !self.layout.is_partitioned() {
            let hour = key_hour(key, &self.prefix, &self.dist)?;
            return Some((hour, hour));
        }
        let start = self.layout.partition_of(key, &self.dist)?;
        let last = if self.layout.has_hour() {
            start
        } else {
            // The partition's last hour: the last one rendering the same folder (a day at most
            // scanned; a coarser template is counted by its first day).
            let folder = self.layout.render(&self.dist, start);
            (1..24)
                .map(|h| start + h * Timestamp::HOUR)
                .take_while(|t| self.layout.render(&self.dist, *t) == folder)
                .last()
                .unwrap_or(start)
        };
        Some((start, last))
    }

    /// Keys taken and still remembered.
    pub fn remembered(&self) -> usize {
        self.taken.len()
    }

    /// The earliest hour any later listing can return at `now`.
    fn floor_hour(&self, now: Timestamp) -> Timestamp {
        hour_floor(self.since.max(now - self.cfg.horizon))
    }

    /// Starts a poll round at `now`: the listings to make (one, paged by the caller).
    pub fn listings(&mut self, now: Timestamp) -> Vec<ListRequest> {
        self.close_round(now);
        self.round_open = true;
        self.next_at = None;
        self.past_end = false;
        let deep = std::mem::take(&mut self.relist)
            || self
                .last_deep
                .is_none_or(|t| now.since(t) >= self.cfg.deep_every);
        let from = if self.last_deep.is_none() {
            hour_floor(self.since)
        } else if deep {
            self.floor_hour(now)
        } else {
            hour_floor(self.since.max(now - self.cfg.recent))
        };
        if deep {
            self.last_deep = Some(now);
        }
        let forget = self.floor_hour(now).millis() - Timestamp::HOUR;
        self.taken.retain(|_, hour| *hour >= forget);
        self.attempts.retain(|_, (hour, _)| *hour >= forget);
        if !self.layout.is_partitioned() {
            return vec![ListRequest {
                prefix: self.list_prefix(),
                start_after: hour_key_prefix(&self.prefix, &self.dist, from),
            }];
        }
        let mut out: Vec<ListRequest> = Vec::new();
        let mut hour = from;
        let last = self
            .last_hour()
            .map_or(hour_floor(now), |l| l.min(hour_floor(now)));
        while hour <= last {
            let folder = self.layout.render(&self.dist, hour);
            if out.last().is_none_or(|l| l.prefix != folder) {
                out.push(ListRequest {
                    start_after: folder.clone(),
                    prefix: folder,
                });
            }
            hour = hour + Timestamp::HOUR;
        }
        out
    }

    /// Takes one listing page: the keys of this distribution's log files, in the look-back
    /// window, not taken before — to fetch now.
    pub fn on_listing(&mut self, objects: &[ObjectInfo]) -> Vec<String> {
        let first = hour_floor(self.since).millis();
        let end = self.last_hour();
        let mut fresh = Vec::new();
        for o in objects {
            let Some((start, last)) = self.hours_of(&o.key) else {
                continue;
            };
            if end.is_some_and(|end| start > end) {
                // Flat keys sort by hour: every later key is past the window too.
                self.past_end |= !self.layout.is_partitioned();
                continue;
            }
            if last.millis() < first || self.taken.contains_key(&o.key) {
                continue;
            }
            self.taken.insert(o.key.clone(), last.millis());
            fresh.push(o.key.clone());
        }
        self.round_new += fresh.len();
        fresh
    }

    /// Starts a poll round at `now` ([`TailPlanner::listings`]) to be carried by the read that
    /// lists and fetches it: its listings, and a copy of the planner that picks each page's new
    /// keys. The planner takes the keys the read reached with [`TailPlanner::took`].
    pub fn round(&mut self, now: Timestamp) -> TailRound {
        let listings = self.listings(now);
        TailRound {
            listings,
            picker: self.clone(),
        }
    }

    /// Takes `key`, which a round's read reached (fetched, or failed to): not returned by a
    /// later listing (unless given back), and counted as new in this round when it was.
    pub fn took(&mut self, key: &str) {
        if self.taken.contains_key(key) {
            return;
        }
        let Some((_, last)) = self.hours_of(key) else {
            return;
        };
        self.taken.insert(key.to_string(), last.millis());
        self.round_new += 1;
    }

    /// The round's listing failed partway: the next round is a deep one, listing the whole
    /// late window again (its keys already taken are not read twice; hours before the window,
    /// whose keys are forgotten, are not listed again).
    pub fn listing_failed(&mut self) {
        self.relist = true;
    }

    /// Gives back a key whose fetch or read failed: a later listing returns it again.
    pub fn mark_failed(&mut self, key: &str) {
        self.taken.remove(key);
    }

    /// An object was read incompletely: gives it back to be read again (`true`) unless it has
    /// now been read [`MAX_READS`] times, when it is given up for good (`false`).
    pub fn retry_incomplete(&mut self, key: &str) -> bool {
        let hour = self.hours_of(key).map_or(0, |(_, last)| last.millis());
        let entry = self.attempts.entry(key.to_string()).or_insert((hour, 0));
        entry.1 += 1;
        if entry.1 >= MAX_READS {
            return false;
        }
        self.taken.remove(key);
        true
    }

    /// Whether `key` was given back after an incomplete read and waits to be read again.
    pub fn awaits_reread(&self, key: &str) -> bool {
        self.attempts.contains_key(key) && !self.taken.contains_key(key)
    }

    fn close_round(&mut self, now: Timestamp) {
        if !self.round_open {
            return;
        }
        self.round_open = false;
        self.idle = if self.round_new > 0 {
            0
        } else {
            self.idle.saturating_add(1)
        };
        self.round_new = 0;
        let interval = self.cfg.min_interval.saturating_mul(1 << self.idle.min(20));
        self.next_at = Some(now + interval.min(self.cfg.max_interval));
    }

    /// Ends the round (if open) and says when to poll next: soon after new files, later and
    /// later (up to the maximum) while idle; `now` before the first round.
    pub fn next_poll(&mut self, now: Timestamp) -> Timestamp {
        self.close_round(now);
        self.next_at.unwrap_or(now)
    }
}

/// One poll round carried by the read that makes it ([`TailPlanner::round`]): its listings, and
/// the planner as the round started, which picks each listed page's new keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TailRound {
    /// The listings to make, in order.
    pub listings: Vec<ListRequest>,
    picker: TailPlanner,
}

impl TailRound {
    /// The keys of one listed page to fetch: this distribution's, in the look-back window, not
    /// taken before this round nor earlier in it.
    pub fn on_listing(&mut self, objects: &[ObjectInfo]) -> Vec<String> {
        self.picker.on_listing(objects)
    }

    /// Whether a listed page reached a key filed after the window's end: no later page holds
    /// one to read, so the listing can stop.
    pub fn past_end(&self) -> bool {
        self.picker.past_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        let t = chrono::DateTime::parse_from_rfc3339(s).unwrap();
        Timestamp(t.timestamp_millis())
    }

    fn object(key: &str) -> ObjectInfo {
        ObjectInfo {
            key: key.into(),
            size: 1,
            last_modified: Timestamp(0),
            etag: String::new(),
        }
    }

    fn prefixes(requests: &[ListRequest]) -> Vec<&str> {
        requests.iter().map(|r| r.prefix.as_str()).collect()
    }

    const HOURLY: &str = "cf/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}";

    #[test]
    fn partitions_are_listed_across_the_year_boundary() {
        let layout = KeyTemplate::parse(HOURLY).unwrap();
        let since = at("2026-12-31T22:30:00Z");
        let mut p = TailPlanner::for_layout(&layout, "E1", since);
        let first = p.listings(at("2027-01-01T00:20:00Z"));
        assert_eq!(
            prefixes(&first),
            [
                "cf/E1/2026/12/31/22/",
                "cf/E1/2026/12/31/23/",
                "cf/E1/2027/01/01/00/"
            ]
        );
        assert!(first.iter().all(|r| r.start_after == r.prefix));
    }

    #[test]
    fn hive_partitions_cross_the_month_boundary() {
        let hive = crate::accesslog::delivery_template("v2", Some(HOURLY), true, "1");
        let layout = KeyTemplate::parse(&hive).unwrap();
        let mut p = TailPlanner::for_layout(&layout, "E1", at("2027-02-28T23:10:00Z"));
        let first = p.listings(at("2027-03-01T00:05:00Z"));
        assert_eq!(
            prefixes(&first),
            [
                "v2/cf/distributionid=E1/year=2027/month=02/day=28/hour=23/",
                "v2/cf/distributionid=E1/year=2027/month=03/day=01/hour=00/"
            ]
        );
    }

    #[test]
    fn a_deep_poll_lists_every_hour_of_the_late_window() {
        let layout = KeyTemplate::parse(HOURLY).unwrap();
        let now = at("2027-01-01T10:00:00Z");
        let mut p = TailPlanner::for_layout(&layout, "E1", now - 3 * Timestamp::DAY);
        p.listings(now);
        p.next_poll(now);
        // A recent poll: the last two hours and the current one.
        let recent = p.listings(now + Timestamp::MINUTE);
        assert_eq!(
            prefixes(&recent),
            [
                "cf/E1/2027/01/01/08/",
                "cf/E1/2027/01/01/09/",
                "cf/E1/2027/01/01/10/"
            ]
        );
        let deep = p.listings(now + 6 * Timestamp::MINUTE);
        assert_eq!(deep.len(), 25, "{:?}", prefixes(&deep));
        assert_eq!(deep[0].prefix, "cf/E1/2026/12/31/10/");
        assert_eq!(deep[24].prefix, "cf/E1/2027/01/01/10/");
        for pair in deep.windows(2) {
            let (a, b) = (&pair[0].prefix, &pair[1].prefix);
            let ha = layout.partition_of(&format!("{a}x"), "E1").unwrap();
            let hb = layout.partition_of(&format!("{b}x"), "E1").unwrap();
            assert_eq!(hb.since(ha), Timestamp::HOUR, "{a} → {b}");
        }
    }

    #[test]
    fn partitioned_keys_are_taken_once_and_not_before_the_look_back() {
        let layout = KeyTemplate::parse(HOURLY).unwrap();
        let since = at("2027-01-01T00:30:00Z");
        let mut p = TailPlanner::for_layout(&layout, "E1", since);
        p.listings(since);
        let listed = [
            object("cf/E1/2026/12/31/23/E1.2026-12-31-23.a.gz"),
            object("cf/E1/2027/01/01/00/E1.2027-01-01-00.b.gz"),
            object("cf/E2/2027/01/01/00/E2.2027-01-01-00.c.gz"),
            object("cf/E1/2027/01/01/00/E1.2027-01-01-00.d.parquet"),
        ];
        assert_eq!(
            p.on_listing(&listed),
            [
                "cf/E1/2027/01/01/00/E1.2027-01-01-00.b.gz",
                "cf/E1/2027/01/01/00/E1.2027-01-01-00.d.parquet"
            ]
        );
        assert!(p.on_listing(&listed).is_empty(), "no object read twice");
        p.mark_failed("cf/E1/2027/01/01/00/E1.2027-01-01-00.b.gz");
        assert_eq!(p.on_listing(&listed).len(), 1);
    }

    #[test]
    fn a_day_partition_is_listed_once_and_remembered_all_day() {
        let layout = KeyTemplate::parse("cf/{yyyy}-{MM}-{dd}/").unwrap();
        let since = at("2027-01-01T20:00:00Z");
        let mut p = TailPlanner::for_layout(&layout, "E1", since);
        let first = p.listings(at("2027-01-02T03:00:00Z"));
        assert_eq!(prefixes(&first), ["cf/2027-01-01/", "cf/2027-01-02/"]);
        let day = [object("cf/2027-01-01/E1.2027-01-01-21.a.gz")];
        assert_eq!(p.on_listing(&day).len(), 1);
        // The day's folder is listed until the late window has passed its last hour.
        p.listings(at("2027-01-02T23:30:00Z"));
        assert!(p.on_listing(&day).is_empty());
    }

    #[test]
    fn a_round_picks_new_keys_and_the_planner_takes_only_those_its_read_reached() {
        let since = at("2027-01-01T00:30:00Z");
        let mut p = TailPlanner::new("logs/", "E1", since);
        let mut round = p.round(at("2027-01-01T02:00:00Z"));
        assert_eq!(
            round.listings,
            p.clone().listings(at("2027-01-01T02:00:00Z"))
        );
        let keys = ["a", "b", "c"].map(|u| format!("logs/E1.2027-01-01-01.{u}.gz"));
        let listed: Vec<ObjectInfo> = keys.iter().map(|k| object(k)).collect();
        assert_eq!(round.on_listing(&listed), keys);
        assert!(round.on_listing(&listed).is_empty(), "once in a round");
        // The read reached `a` and `b` (then it was cancelled): `c` is picked again.
        p.took(&keys[0]);
        p.took(&keys[1]);
        let mut next = p.round(at("2027-01-01T02:01:00Z"));
        assert_eq!(next.on_listing(&listed), [keys[2].clone()]);
        p.took(&keys[2]);
        assert_eq!(
            p.next_poll(at("2027-01-01T02:02:00Z")),
            at("2027-01-01T02:02:15Z")
        );
    }

    #[test]
    fn after_a_failed_listing_the_next_round_lists_the_whole_late_window_and_no_further() {
        let layout = KeyTemplate::parse(HOURLY).unwrap();
        let now = at("2027-01-01T10:00:00Z");
        let mut p = TailPlanner::for_layout(&layout, "E1", now - 6 * Timestamp::HOUR);
        assert_eq!(p.listings(now).len(), 7);
        p.next_poll(now);
        assert_eq!(
            p.listings(now + Timestamp::MINUTE).len(),
            3,
            "a recent poll"
        );
        p.listing_failed();
        p.next_poll(now);
        assert_eq!(p.listings(now + 2 * Timestamp::MINUTE).len(), 7);
        assert_eq!(p.listings(now + 3 * Timestamp::MINUTE).len(), 3, "once");
        // Days later, the late window only: the hours before it, forgotten, are not listed.
        let later = now + 3 * Timestamp::DAY;
        p.listings(later);
        p.listing_failed();
        let deep = p.listings(later + Timestamp::MINUTE);
        assert_eq!(deep.len(), 25, "{:?}", prefixes(&deep));
    }

    #[test]
    fn a_window_that_ends_lists_only_its_hours_and_takes_no_later_key() {
        // Partitioned: the hours up to the one holding the end's last moment (an end on the
        // hour stops before that hour), across the year boundary, however late the round.
        let layout = KeyTemplate::parse(HOURLY).unwrap();
        let since = at("2026-12-31T22:30:00Z");
        let end = Some(at("2027-01-01T01:00:00Z"));
        let mut p = TailPlanner::for_layout(&layout, "E1", since).ending(end);
        let first = p.listings(at("2027-01-03T12:00:00Z"));
        assert_eq!(
            prefixes(&first),
            [
                "cf/E1/2026/12/31/22/",
                "cf/E1/2026/12/31/23/",
                "cf/E1/2027/01/01/00/"
            ]
        );
        // An end still to come lists up to now.
        let mut p = TailPlanner::for_layout(&layout, "E1", since).ending(end);
        assert_eq!(p.listings(at("2026-12-31T23:10:00Z")).len(), 2);
        // Flat: one listing as before; the keys of later hours are not taken, and the first of
        // them says that the listing is past the end (keys sort by hour).
        let end = Some(at("2027-01-01T00:30:00Z"));
        let mut flat = TailPlanner::new("cf/", "E1", since).ending(end);
        let mut round = flat.round(at("2027-01-03T12:00:00Z"));
        assert_eq!(round.listings.len(), 1);
        let keys = round.on_listing(&[
            object("cf/E1.2026-12-31-23.a.gz"),
            object("cf/E1.2027-01-01-00.b.gz"),
        ]);
        assert_eq!(
            keys,
            ["cf/E1.2026-12-31-23.a.gz", "cf/E1.2027-01-01-00.b.gz"]
        );
        assert!(!round.past_end());
        assert!(
            round
                .on_listing(&[object("cf/E1.2027-01-01-01.c.gz")])
                .is_empty()
        );
        assert!(round.past_end());
        // An open window takes every later hour.
        let mut open = TailPlanner::new("cf/", "E1", since);
        let mut round = open.round(at("2027-01-03T12:00:00Z"));
        assert_eq!(
            round
                .on_listing(&[object("cf/E1.2027-01-01-01.c.gz")])
                .len(),
            1
        );
        assert!(!round.past_end());
    }

    #[test]
    fn a_flat_layout_keeps_the_legacy_plan() {
        let since = at("2027-01-01T00:30:00Z");
        let mut flat = TailPlanner::for_layout(&KeyTemplate::flat("logs/"), "E1", since);
        let mut legacy = TailPlanner::new("logs/", "E1", since);
        let now = at("2027-01-01T02:00:00Z");
        assert_eq!(flat.listings(now), legacy.listings(now));
        assert_eq!(
            flat.listings(now)[0],
            ListRequest {
                prefix: "logs/E1.".into(),
                start_after: "logs/E1.2027-01-01-00".into()
            }
        );
    }
}
