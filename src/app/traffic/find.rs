//! Finding rows in the Traffic view: search matches (next / previous) and the first record at a
//! time.

use crate::accesslog::LogFields;
use crate::app::traffic::Traffic;
use crate::domain::Timestamp;

impl Traffic {
    /// The next (or previous) listed row after the selection whose text holds the search.
    pub fn find(&self, forward: bool) -> Option<usize> {
        let needle = self.search.to_lowercase();
        if needle.is_empty() {
            return None;
        }
        let n = self.rows.len();
        let cur = self.selected_row()?;
        (1..=n)
            .map(|k| {
                if forward {
                    (cur + k) % n
                } else {
                    (cur + n - k % n) % n
                }
            })
            .find(|&i| {
                self.rows
                    .get(i)
                    .and_then(|s| self.record(*s))
                    .is_some_and(|r| row_matches(&r, &needle))
            })
    }

    /// The listed row of the earliest record at or after `t` (the first listed of those at
    /// that time); the list is in time order.
    pub fn row_at_time(&self, t: Timestamp) -> Option<usize> {
        let row = self.rows.partition_point(|s| self.time_of(*s) < t.millis());
        (row < self.rows.len()).then_some(row)
    }
}

/// Whether a record's shown text (path, query, client IP, edge, method, result, user agent,
/// status) holds `needle` (lowercase), ignoring case.
pub fn row_matches<R: LogFields + ?Sized>(r: &R, needle: &str) -> bool {
    let has = |s: &str| contains_ci(s, needle);
    has(r.path())
        || has(r.query())
        || has(r.client_ip())
        || has(r.edge_location())
        || has(r.method())
        || has(r.result_type())
        || has(r.user_agent())
        || r.status().to_string().contains(needle)
}

/// Case-insensitive (ASCII) substring test; `needle` is lowercase.
pub fn contains_ci(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.len() >= n.len()
        && h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}
