//! The fields statistics, filters and retention read from a log record, whatever stores it.

/// Read access to one access-log record's hot fields; empty strings and zeros stand for `-` or
/// absent columns.
pub trait LogFields {
    /// Request time, epoch milliseconds UTC (0 if unknown).
    fn timestamp_ms(&self) -> i64;
    /// `sc-status` (0 if unknown).
    fn status(&self) -> u16;
    /// `sc-bytes`.
    fn sc_bytes(&self) -> u64;
    /// `time-taken` in milliseconds.
    fn time_taken_ms(&self) -> u32;
    /// `time-to-first-byte` in milliseconds.
    fn ttfb_ms(&self) -> u32;
    /// `sc-bytes`, `None` when the record has none (`-`, or a layout without the field).
    fn sc_bytes_opt(&self) -> Option<u64> {
        Some(self.sc_bytes())
    }
    /// `time-taken` in milliseconds, `None` when the record has none.
    fn time_taken_opt(&self) -> Option<u32> {
        Some(self.time_taken_ms())
    }
    /// `time-to-first-byte` in milliseconds, `None` when the record has none.
    fn ttfb_opt(&self) -> Option<u32> {
        Some(self.ttfb_ms())
    }
    /// `cs-method`.
    fn method(&self) -> &str;
    /// `cs-uri-stem`, raw (still encoded); cheap.
    fn path(&self) -> &str;
    /// `cs-uri-query`, raw.
    fn query(&self) -> &str;
    /// `c-ip`.
    fn client_ip(&self) -> &str;
    /// `x-edge-location`.
    fn edge_location(&self) -> &str;
    /// `x-edge-result-type`.
    fn result_type(&self) -> &str;
    /// `cs(User-Agent)`, raw (encoded) — decode only for display.
    fn user_agent(&self) -> &str;
    /// `cs(Referer)`, raw.
    fn referer(&self) -> &str;
    /// `cs(Host)`.
    fn host(&self) -> &str;
    /// `origin-fbl` (v2) in milliseconds, `None` when the record has none.
    fn origin_fbl_opt(&self) -> Option<u32> {
        None
    }
    /// `origin-lbl` (v2) in milliseconds, `None` when the record has none.
    fn origin_lbl_opt(&self) -> Option<u32> {
        None
    }
    /// `c-country` (v2), empty when unknown.
    fn country(&self) -> &str {
        ""
    }
    /// `asn` (v2) as written, empty when unknown.
    fn asn(&self) -> &str {
        ""
    }
    /// `cache-behavior-path-pattern` (v2), raw; empty when unknown.
    fn cache_behavior(&self) -> &str {
        ""
    }
    /// Whether the record was logged with v2's `timestamp(ms)` field (its time is known to the
    /// millisecond), so that an export writes that field too.
    fn logs_timestamp_ms(&self) -> bool {
        false
    }
}

use super::AccessRecord;

/// The generator's owned record; its strings are stored decoded, so `path` and `user_agent` are
/// the decoded values here (identical to the raw ones for the generator's plain ASCII paths).
impl LogFields for AccessRecord {
    fn timestamp_ms(&self) -> i64 {
        self.time.millis()
    }
    fn status(&self) -> u16 {
        self.status
    }
    fn sc_bytes(&self) -> u64 {
        self.sc_bytes
    }
    fn time_taken_ms(&self) -> u32 {
        self.time_taken_ms
    }
    fn ttfb_ms(&self) -> u32 {
        self.time_to_first_byte_ms
    }
    fn method(&self) -> &str {
        &self.method
    }
    fn path(&self) -> &str {
        &self.uri_stem
    }
    fn query(&self) -> &str {
        self.query.as_deref().unwrap_or("")
    }
    fn client_ip(&self) -> &str {
        &self.client_ip
    }
    fn edge_location(&self) -> &str {
        &self.edge_location
    }
    fn result_type(&self) -> &str {
        &self.edge_result_type
    }
    fn user_agent(&self) -> &str {
        self.user_agent.as_deref().unwrap_or("")
    }
    fn referer(&self) -> &str {
        self.referer.as_deref().unwrap_or("")
    }
    fn host(&self) -> &str {
        &self.host
    }
    fn origin_fbl_opt(&self) -> Option<u32> {
        self.origin_fbl_ms
    }
    fn origin_lbl_opt(&self) -> Option<u32> {
        self.origin_lbl_ms
    }
    fn country(&self) -> &str {
        self.country.as_deref().unwrap_or("")
    }
    fn asn(&self) -> &str {
        self.asn.as_deref().unwrap_or("")
    }
    fn cache_behavior(&self) -> &str {
        self.cache_behavior.as_deref().unwrap_or("")
    }
}
