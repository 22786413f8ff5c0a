//! One CloudFront access-log record: the 33 fields of the legacy format and those v2 adds.

use crate::domain::Timestamp;

/// One request as CloudFront logs it; values are stored decoded (the W3C writer encodes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRecord {
    /// Request time (the log has second precision: `date` and `time` in UTC).
    pub time: Timestamp,
    /// `x-edge-location`, e.g. `FRA56-P1`.
    pub edge_location: String,
    /// `sc-bytes`: bytes served to the viewer, headers included.
    pub sc_bytes: u64,
    /// `c-ip`: viewer IPv4 or IPv6 address.
    pub client_ip: String,
    /// `cs-method`.
    pub method: String,
    /// `cs(Host)`: the distribution's `dxxxx.cloudfront.net` name.
    pub host: String,
    /// `cs-uri-stem`: the path.
    pub uri_stem: String,
    /// `sc-status`; 0 when the viewer closed the connection first.
    pub status: u16,
    /// `cs(Referer)`.
    pub referer: Option<String>,
    /// `cs(User-Agent)`.
    pub user_agent: Option<String>,
    /// `cs-uri-query`, without the `?`.
    pub query: Option<String>,
    /// `cs(Cookie)` (logged only when cookie logging is on).
    pub cookie: Option<String>,
    /// `x-edge-result-type`: Hit, RefreshHit, Miss, LimitExceeded, CapacityExceeded, Error, Redirect.
    pub edge_result_type: String,
    /// `x-edge-request-id`.
    pub request_id: String,
    /// `x-host-header`: the Host the viewer sent (the alias).
    pub host_header: String,
    /// `cs-protocol`: http, https, ws or wss.
    pub protocol: String,
    /// `cs-bytes`: request size.
    pub cs_bytes: u64,
    /// `time-taken` in milliseconds.
    pub time_taken_ms: u32,
    /// `x-forwarded-for`.
    pub forwarded_for: Option<String>,
    /// `ssl-protocol`, e.g. `TLSv1.3`.
    pub ssl_protocol: Option<String>,
    /// `ssl-cipher`.
    pub ssl_cipher: Option<String>,
    /// `x-edge-response-result-type`.
    pub response_result_type: String,
    /// `cs-protocol-version`, e.g. `HTTP/2.0`.
    pub protocol_version: String,
    /// `fle-status` (field-level encryption).
    pub fle_status: Option<String>,
    /// `fle-encrypted-fields`.
    pub fle_encrypted_fields: Option<u32>,
    /// `c-port`.
    pub client_port: u16,
    /// `time-to-first-byte` in milliseconds.
    pub time_to_first_byte_ms: u32,
    /// `x-edge-detailed-result-type`, e.g. `OriginConnectError`.
    pub detailed_result_type: String,
    /// `sc-content-type`.
    pub content_type: Option<String>,
    /// `sc-content-len`.
    pub content_len: Option<u64>,
    /// `sc-range-start`.
    pub range_start: Option<u64>,
    /// `sc-range-end`.
    pub range_end: Option<u64>,
    /// `origin-fbl` (v2) in milliseconds: origin first-byte latency (`None` for a cache hit).
    pub origin_fbl_ms: Option<u32>,
    /// `origin-lbl` (v2) in milliseconds: origin last-byte latency.
    pub origin_lbl_ms: Option<u32>,
    /// `asn` (v2): the viewer's autonomous system number, as written (`16509`).
    pub asn: Option<String>,
    /// `c-country` (v2): the viewer's country code.
    pub country: Option<String>,
    /// `cache-behavior-path-pattern` (v2): the cache behavior that served the request.
    pub cache_behavior: Option<String>,
}

impl AccessRecord {
    /// Whether the response was a server error (5xx).
    pub fn is_server_error(&self) -> bool {
        (500..600).contains(&self.status)
    }
}
