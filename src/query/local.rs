//! The local engine's answer to a grouped query: records read here, counted as the SELECT that
//! [`select`](super::select) writes counts them — the same group keys (the times as
//! `substr` of `YYYY-MM-DD HH:MM:SS`, UTC), the same columns (`key`, `requests`, `bytes`,
//! `status_000` … `status_5xx`) and the same order and limit (requests descending, then key) —
//! so that the Traffic view's `:query` over a small range answers without Athena, with the same
//! numbers. The caller applies the range and the filter, as the SELECT's WHERE does.

use super::{BYTES, GroupBy, KEY, REQUESTS};
use crate::accesslog::LogFields;
use crate::domain::Timestamp;
use std::collections::HashMap;

/// One group's counts: requests, bytes sent, then the requests of status 000 (the viewer left
/// first), 2xx, 3xx, 4xx and 5xx.
pub type Counts = [u64; 7];

/// The status classes' columns, in [`Counts`]' order from its third place.
const CLASSES: [&str; 5] = [
    "status_000",
    "status_2xx",
    "status_3xx",
    "status_4xx",
    "status_5xx",
];

/// Where status `code` counts in [`Counts`], if in a class.
fn class(code: u16) -> Option<usize> {
    match code {
        0 => Some(2),
        200..=299 => Some(3),
        300..=399 => Some(4),
        400..=499 => Some(5),
        500..=599 => Some(6),
        _ => None,
    }
}

/// The key of record `v` under `g`, as the SELECT writes it.
pub fn key<V: LogFields + ?Sized>(g: GroupBy, v: &V) -> String {
    match g {
        GroupBy::Path => v.path().to_string(),
        GroupBy::Status => v.status().to_string(),
        GroupBy::Edge => v.edge_location().to_string(),
        GroupBy::Country => v.country().to_string(),
        GroupBy::Asn => v.asn().to_string(),
        GroupBy::Ip => v.client_ip().to_string(),
        GroupBy::Minute => time_key(v.timestamp_ms(), 16),
        GroupBy::Hour => time_key(v.timestamp_ms(), 13),
        GroupBy::Day => time_key(v.timestamp_ms(), 10),
    }
}

/// The first `n` characters of `YYYY-MM-DD HH:MM:SS` at `ms` (UTC).
fn time_key(ms: i64, n: usize) -> String {
    let text = chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default();
    text.get(..n).unwrap_or(&text).to_string()
}

/// The length of a time key's bucket in milliseconds (records of one bucket share the key).
fn bucket(g: GroupBy) -> Option<i64> {
    match g {
        GroupBy::Minute => Some(Timestamp::MINUTE),
        GroupBy::Hour => Some(Timestamp::HOUR),
        GroupBy::Day => Some(Timestamp::DAY),
        _ => None,
    }
}

/// One grouped count over the records it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    group: Option<GroupBy>,
    top: usize,
    groups: HashMap<String, Counts>,
    /// Whether any record carried `sc-bytes` (else the bytes are unknown, not zero).
    bytes: bool,
    /// The last time bucket seen and its key (records come in runs of one minute or hour).
    last: Option<(i64, String)>,
}

impl Grouping {
    /// Counts grouped by `group` (none: one total), keeping the `top` largest groups.
    pub fn new(group: Option<GroupBy>, top: usize) -> Grouping {
        Grouping {
            group,
            top,
            groups: HashMap::new(),
            bytes: false,
            last: None,
        }
    }

    /// Counts record `v` (already in range and through the filter).
    pub fn observe<V: LogFields + ?Sized>(&mut self, v: &V) {
        let bytes = v.sc_bytes_opt();
        self.bytes |= bytes.is_some();
        let counts = match self.group {
            None => self.groups.entry(String::new()).or_default(),
            Some(g) => match bucket(g) {
                Some(len) => {
                    let b = v.timestamp_ms().div_euclid(len);
                    if self.last.as_ref().is_none_or(|(at, _)| *at != b) {
                        self.last = Some((b, key(g, v)));
                    }
                    let k = self.last.as_ref().map_or("", |(_, k)| k.as_str());
                    entry(&mut self.groups, k)
                }
                None if g == GroupBy::Status => entry(&mut self.groups, &v.status().to_string()),
                None => {
                    let k: &str = match g {
                        GroupBy::Path => v.path(),
                        GroupBy::Edge => v.edge_location(),
                        GroupBy::Country => v.country(),
                        GroupBy::Asn => v.asn(),
                        _ => v.client_ip(),
                    };
                    entry(&mut self.groups, k)
                }
            },
        };
        counts[0] += 1;
        counts[1] += bytes.unwrap_or(0);
        if let Some(c) = class(v.status()) {
            counts[c] += 1;
        }
    }

    /// Every group and its counts.
    pub fn groups(&self) -> &HashMap<String, Counts> {
        &self.groups
    }

    /// The rows the SELECT would give: by requests descending, then key, at most `top`; the
    /// totals (no group) give one row, also over no record. Columns as the SELECT names them;
    /// `bytes` only when a record carried it.
    pub fn rows(&self) -> Vec<Vec<(String, String)>> {
        let mut groups: Vec<(&String, &Counts)> = self.groups.iter().collect();
        let zero = [0; 7];
        let empty = String::new();
        if self.group.is_none() && groups.is_empty() {
            groups.push((&empty, &zero));
        }
        groups.sort_by(|a, b| b.1[0].cmp(&a.1[0]).then_with(|| a.0.cmp(b.0)));
        if self.group.is_some() {
            groups.truncate(self.top);
        }
        groups
            .into_iter()
            .map(|(k, c)| {
                let mut row = Vec::with_capacity(8);
                if self.group.is_some() {
                    row.push((KEY.to_string(), k.clone()));
                }
                row.push((REQUESTS.to_string(), c[0].to_string()));
                if self.bytes {
                    row.push((BYTES.to_string(), c[1].to_string()));
                }
                for (i, name) in CLASSES.iter().enumerate() {
                    row.push(((*name).to_string(), c[2 + i].to_string()));
                }
                row
            })
            .collect()
    }
}

/// `key`'s counts in `groups`, added at zero (the key copied only then).
fn entry<'a>(groups: &'a mut HashMap<String, Counts>, key: &str) -> &'a mut Counts {
    if !groups.contains_key(key) {
        groups.insert(key.to_string(), [0; 7]);
    }
    groups
        .get_mut(key)
        .unwrap_or_else(|| unreachable!("inserted above"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accesslog::Parser;

    /// Feeds W3C `lines` under `fields` through the parser to `each` record.
    fn read(fields: &str, lines: &[&str], each: &mut impl FnMut(&crate::accesslog::LineView<'_>)) {
        let text = format!("#Version: 1.0\n#Fields: {fields}\n{}\n", lines.join("\n"));
        let mut p = Parser::new();
        let used = p.feed_text(&text, each);
        p.finish(&text.as_bytes()[used..], each);
        assert_eq!(p.counts().records, lines.len() as u64);
    }

    fn value<'a>(row: &'a [(String, String)], name: &str) -> &'a str {
        row.iter().find(|(c, _)| c == name).map_or("", |(_, v)| v)
    }

    #[test]
    fn groups_order_and_limit_as_the_select_does() {
        let mut paths = Grouping::new(Some(GroupBy::Path), 2);
        let mut hours = Grouping::new(Some(GroupBy::Hour), 10);
        let mut minutes = Grouping::new(Some(GroupBy::Minute), 10);
        let mut total = Grouping::new(None, 1);
        read(
            "date time cs-uri-stem sc-status sc-bytes",
            &[
                "2026-12-07\t05:59:59\t/b\t200\t10",
                "2026-12-07\t06:00:00\t/a\t502\t20",
                "2026-12-07\t06:00:01\t/b\t504\t30",
                "2026-12-07\t06:01:00\t/c\t000\t0",
                "2026-12-07\t06:02:00\t/a\t404\t5",
            ],
            &mut |v| {
                paths.observe(v);
                hours.observe(v);
                minutes.observe(v);
                total.observe(v);
            },
        );
        let rows = paths.rows();
        // Two keys of 2 requests: the key breaks the tie; /c is past the limit.
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (value(&rows[0], KEY), value(&rows[0], REQUESTS)),
            ("/a", "2")
        );
        assert_eq!(value(&rows[0], "status_4xx"), "1");
        assert_eq!(value(&rows[0], "status_5xx"), "1");
        assert_eq!(value(&rows[1], KEY), "/b");
        assert_eq!(value(&rows[1], BYTES), "40");
        let hours = hours.rows();
        assert_eq!(value(&hours[0], KEY), "2026-12-07 06");
        assert_eq!(value(&hours[0], REQUESTS), "4");
        assert_eq!(value(&hours[1], KEY), "2026-12-07 05");
        let minutes = minutes.rows();
        assert_eq!(minutes.len(), 4);
        assert_eq!(value(&minutes[0], KEY), "2026-12-07 06:00");
        assert_eq!(value(&minutes[0], REQUESTS), "2");
        let total = total.rows();
        assert_eq!(total.len(), 1);
        assert_eq!(value(&total[0], REQUESTS), "5");
        assert_eq!(value(&total[0], "status_000"), "1");
        assert!(!total[0].iter().any(|(c, _)| c == KEY));
    }

    #[test]
    fn no_record_totals_zero_and_bytes_no_record_carried_are_unknown() {
        assert_eq!(Grouping::new(Some(GroupBy::Edge), 10).rows().len(), 0);
        let t = Grouping::new(None, 1).rows();
        assert_eq!(value(&t[0], REQUESTS), "0");
        let mut g = Grouping::new(Some(GroupBy::Status), 10);
        read(
            "date time cs-uri-stem sc-status",
            &["2026-12-07\t06:00:00\t/a\t200"],
            &mut |v| g.observe(v),
        );
        let rows = g.rows();
        assert_eq!(value(&rows[0], KEY), "200");
        // No record carried sc-bytes: the bytes are unknown, not zero.
        assert!(!rows[0].iter().any(|(c, _)| c == BYTES), "{rows:?}");
    }
}
