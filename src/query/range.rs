//! A time range `[since, until)` (UTC) over a setup: the exact record-time condition, the
//! condition on the partitions a query must read (projected `year`/`month`/`day`/`hour`, in
//! whole years, months and days where it can, hours at the ends; or `"$path"` between the first
//! and the last hour's keys for the legacy flat layout), and the key prefixes a listing of the
//! objects in range reads.

use crate::accesslog::{hour_floor, hour_key_prefix};
use crate::domain::Timestamp;
use crate::query::QueryError;
use crate::query::quote::literal;
use crate::query::setup::{Clock, Setup};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

/// A time range, `since` included, `until` not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The first instant.
    pub since: Timestamp,
    /// The instant after the last.
    pub until: Timestamp,
}

impl Range {
    /// The range `[since, until)`; an empty one is an error saying so.
    pub fn new(since: Timestamp, until: Timestamp) -> Result<Range, QueryError> {
        if until.millis() <= since.millis() {
            return Err(QueryError::Range(format!(
                "--until ({until}) must be after --since ({since})"
            )));
        }
        Ok(Range { since, until })
    }

    /// The start of the first hour in range and of the last.
    pub fn hours(&self) -> (Timestamp, Timestamp) {
        (
            hour_floor(self.since),
            hour_floor(Timestamp(self.until.millis() - 1)),
        )
    }

    /// The exact condition on a record's time. With `date` and `time` (second precision) the
    /// bounds are rounded up to the second, so `t >= since` and `t < until` hold exactly.
    pub fn condition(&self, setup: &Setup) -> Result<String, QueryError> {
        match setup.clock()? {
            Clock::DateTime => {
                let text = setup.second_text()?;
                Ok(format!(
                    "{text} >= {} AND {text} < {}",
                    literal(&second_text(ceil_second(self.since))),
                    literal(&second_text(ceil_second(self.until)))
                ))
            }
            Clock::EpochMs => {
                let ms = "TRY_CAST(\"timestamp_ms\" AS bigint)";
                Ok(format!(
                    "{ms} >= {} AND {ms} < {}",
                    self.since.millis(),
                    self.until.millis()
                ))
            }
        }
    }

    /// The condition on the partitions (or, for a flat layout, the object paths) holding the
    /// range.
    pub fn partitions(&self, setup: &Setup) -> Option<String> {
        let (first, last) = self.hours();
        if setup.layout.is_partitioned() {
            let mut parts = Vec::new();
            if setup
                .layout
                .as_str()
                .to_ascii_lowercase()
                .contains("{distributionid}")
            {
                parts.push(format!(
                    "\"distributionid\" = {}",
                    literal(&setup.distribution)
                ));
            }
            let depth = depth(setup);
            let spans = spans(first, last, depth);
            let spans: Vec<String> = spans.iter().map(Span::sql).collect();
            parts.push(if spans.len() == 1 {
                spans.concat()
            } else {
                format!("({})", spans.join(" OR "))
            });
            return Some(parts.join(" AND "));
        }
        // Flat keys, `<prefix><dist>.YYYY-MM-DD-HH.<unique>.gz` (v2 keeps the stem), sort by hour.
        let base = format!("s3://{}/", setup.bucket);
        let prefix = setup.layout.as_str();
        let from = hour_key_prefix(prefix, &setup.distribution, first);
        let to = hour_key_prefix(
            prefix,
            &setup.distribution,
            Timestamp(last.millis() + Timestamp::HOUR),
        );
        Some(format!(
            "\"$path\" >= {} AND \"$path\" < {}",
            literal(&format!("{base}{from}")),
            literal(&format!("{base}{to}"))
        ))
    }

    /// The key prefixes to list for the objects in range, one a day (whatever the layout), and
    /// whether a listed key is in range.
    pub fn listing(&self, setup: &Setup) -> Vec<String> {
        let (first, last) = self.hours();
        let mut out = Vec::new();
        let mut day = day_floor(first);
        while day.millis() <= last.millis() {
            let prefix = if setup.layout.is_partitioned() {
                let a = setup.layout.render(&setup.distribution, day);
                let b = setup.layout.render(
                    &setup.distribution,
                    Timestamp(day.millis() + 23 * Timestamp::HOUR),
                );
                common_prefix(&a, &b)
            } else {
                let stamp = hour_key_prefix(setup.layout.as_str(), &setup.distribution, day);
                // `…dist.YYYY-MM-DD-HH` less `-HH`.
                stamp[..stamp.len() - 3].to_string()
            };
            if out.last() != Some(&prefix) {
                out.push(prefix);
            }
            day = Timestamp(day.millis() + Timestamp::DAY);
        }
        out
    }

    /// Whether an object `key` holds records of the range (by its partition or its hour stamp).
    pub fn holds(&self, setup: &Setup, key: &str) -> bool {
        let (first, last) = self.hours();
        let hour = if setup.layout.is_partitioned() {
            let Some(start) = setup.layout.partition_of(key, &setup.distribution) else {
                return false;
            };
            // A partition without hours holds a day (or a month): in range if it overlaps.
            let end = partition_end(start, depth(setup));
            return start.millis() <= last.millis() && end.millis() > first.millis();
        } else {
            crate::accesslog::key_hour(key, setup.layout.as_str(), &setup.distribution)
        };
        hour.is_some_and(|h| h.millis() >= first.millis() && h.millis() <= last.millis())
    }
}

/// How deep the layout's time partitions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// `{yyyy}` only.
    Year,
    /// Down to `{MM}`.
    Month,
    /// Down to `{dd}`.
    Day,
    /// Down to `{HH}`.
    Hour,
}

/// The partition depth of a setup's layout.
pub fn depth(setup: &Setup) -> Depth {
    let t = setup.layout.as_str();
    if t.contains("{HH}") {
        Depth::Hour
    } else if t.contains("{dd}") {
        Depth::Day
    } else if t.contains("{MM}") {
        Depth::Month
    } else {
        Depth::Year
    }
}

fn partition_end(start: Timestamp, depth: Depth) -> Timestamp {
    let d = utc(start);
    let next = match depth {
        Depth::Hour => return Timestamp(start.millis() + Timestamp::HOUR),
        Depth::Day => return Timestamp(start.millis() + Timestamp::DAY),
        Depth::Month => add_months(d.date_naive(), 1),
        Depth::Year => NaiveDate::from_ymd_opt(d.year() + 1, 1, 1),
    };
    next.map_or(start, midnight)
}

/// One block of partitions: a year range, months of a year, days of a month, or hours of a
/// day.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Span {
    Years(i32, i32),
    Months(i32, u32, u32),
    Days(i32, u32, u32, u32),
    Hours(i32, u32, u32, u32, u32),
}

impl Span {
    fn sql(&self) -> String {
        let between = |col: &str, a: u32, b: u32| {
            if a == b {
                format!("\"{col}\" = {a}")
            } else {
                format!("\"{col}\" BETWEEN {a} AND {b}")
            }
        };
        match *self {
            Span::Years(a, b) if a == b => format!("\"year\" = {a}"),
            Span::Years(a, b) => format!("\"year\" BETWEEN {a} AND {b}"),
            Span::Months(y, a, b) => format!("(\"year\" = {y} AND {})", between("month", a, b)),
            Span::Days(y, m, a, b) => format!(
                "(\"year\" = {y} AND \"month\" = {m} AND {})",
                between("day", a, b)
            ),
            Span::Hours(y, m, d, a, b) => format!(
                "(\"year\" = {y} AND \"month\" = {m} AND \"day\" = {d} AND {})",
                between("hour", a, b)
            ),
        }
    }
}

/// The fewest aligned blocks covering the hours `first..=last` at `depth`: hours to the first
/// midnight, days to the first month, months to the first year, whole years, then down again.
fn spans(first: Timestamp, last: Timestamp, depth: Depth) -> Vec<Span> {
    let (a, b) = (utc(first), utc(last));
    let mut out = Vec::new();
    let mut date = a.date_naive();
    let end = b.date_naive();
    // Hours of the first day (when it starts after midnight).
    if depth == Depth::Hour && a.hour() > 0 {
        let last_hour = if date == end { b.hour() } else { 23 };
        out.push(Span::Hours(
            date.year(),
            date.month(),
            date.day(),
            a.hour(),
            last_hour,
        ));
        if date == end {
            return out;
        }
        date = date.succ_opt().unwrap_or(date);
    }
    // The last day counts whole when it reaches hour 23 (or hours are not partitioned).
    let whole_last = depth < Depth::Hour || b.hour() == 23;
    let last_whole_day = if whole_last {
        Some(end)
    } else {
        end.pred_opt()
    };
    if let Some(last_whole) = last_whole_day.filter(|d| *d >= date) {
        whole_days(date, last_whole, depth, &mut out);
        date = last_whole.succ_opt().unwrap_or(last_whole);
    }
    if !whole_last && date <= end {
        out.push(Span::Hours(end.year(), end.month(), end.day(), 0, b.hour()));
    }
    out
}

/// Blocks covering the whole days `from..=to`.
fn whole_days(from: NaiveDate, to: NaiveDate, depth: Depth, out: &mut Vec<Span>) {
    if depth == Depth::Year {
        out.push(Span::Years(from.year(), to.year()));
        return;
    }
    let mut d = from;
    while d <= to {
        let month_end = last_day(d.year(), d.month()).unwrap_or(d);
        let year_end = last_day(d.year(), 12).unwrap_or(d);
        if d.month() == 1 && d.day() == 1 && year_end <= to {
            let mut y = d.year();
            while last_day(y + 1, 12).is_some_and(|e| e <= to) {
                y += 1;
            }
            out.push(Span::Years(d.year(), y));
            let Some(next) = NaiveDate::from_ymd_opt(y + 1, 1, 1) else {
                return;
            };
            d = next;
        } else if depth == Depth::Month || (d.day() == 1 && month_end <= to) {
            let mut m = d.month();
            if depth == Depth::Month {
                m = if to.year() == d.year() {
                    to.month()
                } else {
                    12
                };
            } else {
                while m < 12 && last_day(d.year(), m + 1).is_some_and(|e| e <= to) {
                    m += 1;
                }
            }
            out.push(Span::Months(d.year(), d.month(), m));
            let Some(next) = last_day(d.year(), m).and_then(|e| e.succ_opt()) else {
                return;
            };
            d = next;
        } else {
            let last = month_end.min(to);
            out.push(Span::Days(d.year(), d.month(), d.day(), last.day()));
            let Some(next) = last.succ_opt() else {
                return;
            };
            d = next;
        }
    }
}

/// The last day of month `m` of year `y`.
fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    add_months(NaiveDate::from_ymd_opt(y, m, 1)?, 1)?.pred_opt()
}

fn add_months(d: NaiveDate, n: u32) -> Option<NaiveDate> {
    d.checked_add_months(chrono::Months::new(n))
}

fn midnight(d: NaiveDate) -> Timestamp {
    Timestamp(
        d.and_hms_opt(0, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp_millis()),
    )
}

fn utc(t: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.millis()).unwrap_or_default()
}

fn day_floor(t: Timestamp) -> Timestamp {
    Timestamp(t.millis().div_euclid(Timestamp::DAY) * Timestamp::DAY)
}

/// `t` rounded up to a whole second.
fn ceil_second(t: Timestamp) -> Timestamp {
    let s = Timestamp::SECOND;
    Timestamp((t.millis() + s - 1).div_euclid(s) * s)
}

/// `YYYY-MM-DD HH:MM:SS` (UTC).
fn second_text(t: Timestamp) -> String {
    utc(t).format("%Y-%m-%d %H:%M:%S").to_string()
}

fn common_prefix(a: &str, b: &str) -> String {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    a[..n].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    fn sql(a: &str, b: &str, depth: Depth) -> String {
        let s: Vec<String> = spans(at(a), at(b), depth).iter().map(Span::sql).collect();
        s.join(" OR ")
    }

    #[test]
    fn spans_take_whole_days_months_and_years_and_hours_at_the_ends() {
        assert_eq!(
            sql("2026-11-05T10:00:00Z", "2026-11-05T12:00:00Z", Depth::Hour),
            "(\"year\" = 2026 AND \"month\" = 11 AND \"day\" = 5 AND \"hour\" BETWEEN 10 AND 12)"
        );
        assert_eq!(
            sql("2026-11-05T10:00:00Z", "2026-11-07T03:00:00Z", Depth::Hour),
            "(\"year\" = 2026 AND \"month\" = 11 AND \"day\" = 5 AND \"hour\" BETWEEN 10 AND 23) OR \
             (\"year\" = 2026 AND \"month\" = 11 AND \"day\" = 6) OR \
             (\"year\" = 2026 AND \"month\" = 11 AND \"day\" = 7 AND \"hour\" BETWEEN 0 AND 3)"
        );
        assert_eq!(
            sql("2025-11-30T00:00:00Z", "2027-02-02T23:00:00Z", Depth::Hour),
            "(\"year\" = 2025 AND \"month\" = 11 AND \"day\" = 30) OR \
             (\"year\" = 2025 AND \"month\" = 12) OR \"year\" = 2026 OR \
             (\"year\" = 2027 AND \"month\" = 1) OR \
             (\"year\" = 2027 AND \"month\" = 2 AND \"day\" BETWEEN 1 AND 2)"
        );
        assert_eq!(
            sql("2026-11-05T10:00:00Z", "2026-12-07T03:00:00Z", Depth::Day),
            "(\"year\" = 2026 AND \"month\" = 11 AND \"day\" BETWEEN 5 AND 30) OR \
             (\"year\" = 2026 AND \"month\" = 12 AND \"day\" BETWEEN 1 AND 7)"
        );
    }

    #[test]
    fn every_hour_is_covered_once() {
        // Each hour of a few awkward ranges lies in exactly one span.
        let cases = [
            ("2024-02-28T22:00:00Z", "2024-03-01T01:00:00Z"),
            ("2025-12-31T23:00:00Z", "2026-01-01T00:00:00Z"),
            ("2026-01-01T00:00:00Z", "2026-12-31T23:00:00Z"),
            ("2026-03-15T05:00:00Z", "2026-05-01T00:00:00Z"),
        ];
        for (a, b) in cases {
            let spans = spans(at(a), at(b), Depth::Hour);
            let mut t = at(a).millis() - 48 * Timestamp::HOUR;
            while t <= at(b).millis() + 48 * Timestamp::HOUR {
                let d = utc(Timestamp(t));
                let n = spans
                    .iter()
                    .filter(|s| match **s {
                        Span::Years(x, y) => (x..=y).contains(&d.year()),
                        Span::Months(y, m0, m1) => d.year() == y && (m0..=m1).contains(&d.month()),
                        Span::Days(y, m, d0, d1) => {
                            d.year() == y && d.month() == m && (d0..=d1).contains(&d.day())
                        }
                        Span::Hours(y, m, dd, h0, h1) => {
                            d.year() == y
                                && d.month() == m
                                && d.day() == dd
                                && (h0..=h1).contains(&d.hour())
                        }
                    })
                    .count();
                let inside = t >= at(a).millis() && t <= at(b).millis();
                assert_eq!(n, usize::from(inside), "{a}..{b} at {d}: {spans:?}");
                t += Timestamp::HOUR;
            }
        }
    }
}
