//! The typed columns of a record, validated once (status, bytes, times, date and time, every
//! other integer column) from the column table the parser built.

use crate::accesslog::field::Field;
use crate::accesslog::parse::scan::{
    parse_date_days, parse_epoch_seconds_ms, parse_seconds_ms, parse_time_secs, parse_u64_at,
};
use crate::accesslog::parse::schema::{Malformed, Schema};
use crate::accesslog::view::Hot;

/// Checks the typed columns of the record whose column `i` is `buf[starts[i]..starts[i + 1] - 1]`
/// and returns their values; `day_cache` remembers the last date parsed.
#[inline]
pub(in crate::accesslog) fn check_values(
    schema: &Schema,
    day_cache: &mut Option<([u8; 10], i64)>,
    buf: &[u8],
    starts: &[u32],
) -> Result<Hot, Malformed> {
    let mut hot = Hot::default();
    let (mut day, mut secs, mut epoch_ms) = (None, None, None);
    for &(col, field) in &schema.checks {
        let (Some(&a), Some(&b)) = (starts.get(col), starts.get(col + 1)) else {
            return Err(Malformed::Columns {
                expected: schema.len(),
                found: starts.len().saturating_sub(1),
            });
        };
        let (a, b) = (a as usize, (b as usize).saturating_sub(1));
        let v = buf.get(a..b).unwrap_or_default();
        if v == b"-" {
            continue;
        }
        let ok = match field {
            Field::Date => {
                day = cached_day(day_cache, v);
                day.is_some()
            }
            Field::Time => {
                secs = parse_time_secs(v);
                secs.is_some()
            }
            Field::Status => {
                hot.status = parse_u64_at(buf, a, b).and_then(|s| u16::try_from(s).ok());
                hot.status.is_some()
            }
            Field::ScBytes => {
                hot.sc_bytes = parse_u64_at(buf, a, b);
                hot.sc_bytes.is_some()
            }
            Field::TimeTaken => {
                hot.time_taken_ms = parse_seconds_ms(v);
                hot.time_taken_ms.is_some()
            }
            Field::TimeToFirstByte => {
                hot.ttfb_ms = parse_seconds_ms(v);
                hot.ttfb_ms.is_some()
            }
            Field::OriginFbl => {
                hot.origin_fbl_ms = parse_seconds_ms(v);
                hot.origin_fbl_ms.is_some()
            }
            Field::OriginLbl => {
                hot.origin_lbl_ms = parse_seconds_ms(v);
                hot.origin_lbl_ms.is_some()
            }
            Field::TimestampMs => {
                let ms = parse_u64_at(buf, a, b);
                epoch_ms = epoch_ms.or(ms
                    .filter(|ms| *ms < MAX_EPOCH_MS)
                    .and_then(|ms| i64::try_from(ms).ok()));
                ms.is_some()
            }
            Field::TimestampSecs => {
                let ms = parse_epoch_seconds_ms(v);
                epoch_ms = epoch_ms.or(ms);
                ms.is_some()
            }
            _ => parse_u64_at(buf, a, b).is_some(),
        };
        if !ok {
            return Err(Malformed::Value(field));
        }
    }
    if let (Some(d), Some(s)) = (day, secs) {
        let second = (d * 86_400 + s) * 1000;
        // A v2 record's `timestamp(ms)` in the same second as its date and time adds the
        // milliseconds they lack; one that disagrees is not taken over them.
        hot.timestamp_ms = Some(match epoch_ms {
            Some(ms) if ms - ms.rem_euclid(1000) == second => ms,
            _ => second,
        });
    } else if schema.column(Field::Date).is_none() || schema.column(Field::Time).is_none() {
        // A v2 layout without `date` and `time`: the time from `timestamp(ms)` or `timestamp`.
        hot.timestamp_ms = epoch_ms;
    }
    Ok(hot)
}

/// 10000-01-01T00:00:00Z in epoch milliseconds: later `timestamp(ms)` values are no time.
const MAX_EPOCH_MS: u64 = 253_402_300_800_000;

/// Days since the epoch for a `YYYY-MM-DD` value, remembering the last date seen (a log file
/// rarely spans more than one).
#[inline]
fn cached_day(cache: &mut Option<([u8; 10], i64)>, v: &[u8]) -> Option<i64> {
    if let Some((text, days)) = cache
        && text.as_slice() == v
    {
        return Some(*days);
    }
    let days = parse_date_days(v)?;
    let text: [u8; 10] = v.try_into().ok()?;
    *cache = Some((text, days));
    Some(days)
}

#[cfg(test)]
mod tests {
    use crate::accesslog::{Parsed, Parser};

    /// The time of the one record of a v2 log with `date`, `time` and `timestamp(ms)`.
    fn time_of(date: &str, time: &str, ms: &str) -> Option<i64> {
        let mut p = Parser::new();
        let _ = p.parse_line(b"#Fields: date time timestamp(ms) sc-status");
        let line = format!("{date}\t{time}\t{ms}\t200");
        match p.parse_line(line.as_bytes()) {
            Parsed::Record(v) => v.timestamp().map(|t| t.0),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn timestamp_ms_adds_the_milliseconds_date_and_time_lack() {
        // 2026-11-25T20:13:58Z.
        assert_eq!(
            time_of("2026-11-25", "20:13:58", "1795637638042"),
            Some(1_795_637_638_042)
        );
        assert_eq!(
            time_of("2026-11-25", "20:13:58", "1795637638999"),
            Some(1_795_637_638_999)
        );
        // In another second than date and time say: date and time stand.
        assert_eq!(
            time_of("2026-11-25", "20:13:58", "1795637639042"),
            Some(1_795_637_638_000)
        );
        assert_eq!(
            time_of("2026-11-25", "20:13:58", "-"),
            Some(1_795_637_638_000)
        );
    }
}
