//! A zero-copy view of one parsed access-log line: raw slices per field, typed accessors, and
//! percent-decoded text for people.

use super::decode::{decode, decode_twice};
use super::field::Field;
use super::fields::LogFields;
use super::parse::scan::{parse_seconds_ms, parse_u64};
use super::parse::schema::Schema;
use crate::domain::Timestamp;
use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

/// The typed values the parser validates (and so computes) for every record anyway.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Hot {
    pub(super) timestamp_ms: Option<i64>,
    pub(super) status: Option<u16>,
    pub(super) sc_bytes: Option<u64>,
    pub(super) time_taken_ms: Option<u32>,
    pub(super) ttfb_ms: Option<u32>,
    pub(super) origin_fbl_ms: Option<u32>,
    pub(super) origin_lbl_ms: Option<u32>,
}

/// One record as the parser saw it, borrowing the text it is in (the line, or the whole buffer
/// it was parsed from) and the parser's column table (`n + 1` offsets into that text for `n`
/// columns: column `i` is `starts[i]..starts[i + 1] - 1`).
/// Raw accessors return the value still URL-encoded, `None` for `-` or a column the file's
/// `#Fields` line does not have; [`LineView::text`] decodes.
#[derive(Clone, Copy)]
pub struct LineView<'a> {
    text: &'a str,
    starts: &'a [u32],
    schema: &'a Schema,
    hot: Hot,
}

impl fmt::Debug for LineView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineView")
            .field("line", &self.line())
            .finish()
    }
}

impl<'a> LineView<'a> {
    pub(super) fn new(text: &'a str, starts: &'a [u32], schema: &'a Schema, hot: Hot) -> Self {
        LineView {
            text,
            starts,
            schema,
            hot,
        }
    }

    /// The whole line (without its line ending).
    pub fn line(&self) -> &'a str {
        let (Some(&a), Some(&b)) = (self.starts.first(), self.starts.last()) else {
            return "";
        };
        self.text
            .get(a as usize..(b as usize).saturating_sub(1))
            .unwrap_or_default()
    }

    /// The layout of the `#Fields` line this record belongs to.
    pub fn schema(&self) -> &'a Schema {
        self.schema
    }

    /// Column `i` exactly as written (`-` included), `None` past the last column.
    #[inline]
    pub fn column(&self, i: usize) -> Option<&'a str> {
        let a = *self.starts.get(i)? as usize;
        let b = (*self.starts.get(i + 1)? as usize).checked_sub(1)?;
        self.text.get(a..b)
    }

    /// The value of `field` still URL-encoded; `None` for `-`, empty or absent.
    #[inline]
    pub fn raw(&self, field: Field) -> Option<&'a str> {
        let v = self.column(self.schema.column(field)?)?;
        (!v.is_empty() && v != "-").then_some(v)
    }

    /// The value of `field` decoded for reading (`None` for `-`); borrowed when nothing needed
    /// decoding. The user agent, which CloudFront encodes twice, is decoded twice.
    pub fn text(&self, field: Field) -> Option<Cow<'a, str>> {
        let raw = self.raw(field)?;
        Some(if field == Field::UserAgent {
            decode_twice(raw)
        } else {
            decode(raw)
        })
    }

    /// `sc-status` (`0` when the viewer closed the connection before the response).
    #[inline]
    pub fn status(&self) -> Option<u16> {
        self.hot.status
    }
    /// `sc-bytes`.
    #[inline]
    pub fn sc_bytes(&self) -> Option<u64> {
        self.hot.sc_bytes
    }
    /// `cs-bytes`.
    pub fn cs_bytes(&self) -> Option<u64> {
        parse_u64(self.raw(Field::CsBytes)?.as_bytes())
    }
    /// `time-taken` in milliseconds.
    #[inline]
    pub fn time_taken_ms(&self) -> Option<u32> {
        self.hot.time_taken_ms
    }
    /// `time-to-first-byte` in milliseconds.
    #[inline]
    pub fn ttfb_ms(&self) -> Option<u32> {
        self.hot.ttfb_ms
    }
    /// `date` + `time` (UTC).
    #[inline]
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.hot.timestamp_ms.map(Timestamp)
    }
    /// `c-port`.
    pub fn client_port(&self) -> Option<u16> {
        parse_u64(self.raw(Field::ClientPort)?.as_bytes()).and_then(|p| u16::try_from(p).ok())
    }
    /// An integer field (`sc-content-len`, `sc-range-start`, …) as a number.
    pub fn integer(&self, field: Field) -> Option<u64> {
        parse_u64(self.raw(field)?.as_bytes())
    }
    /// A seconds field (`time-taken`, `time-to-first-byte`) in milliseconds.
    pub fn millis(&self, field: Field) -> Option<u32> {
        parse_seconds_ms(self.raw(field)?.as_bytes())
    }
    /// `x-edge-location`.
    pub fn edge_location(&self) -> Option<&'a str> {
        self.raw(Field::EdgeLocation)
    }
    /// `x-edge-result-type`.
    pub fn result_type(&self) -> Option<&'a str> {
        self.raw(Field::EdgeResultType)
    }
    /// `x-edge-response-result-type`.
    pub fn response_result_type(&self) -> Option<&'a str> {
        self.raw(Field::EdgeResponseResultType)
    }
    /// `x-edge-detailed-result-type`.
    pub fn detailed_result_type(&self) -> Option<&'a str> {
        self.raw(Field::EdgeDetailedResultType)
    }
    /// `cs-method`.
    pub fn method(&self) -> Option<&'a str> {
        self.raw(Field::Method)
    }
    /// `cs(Host)`: the distribution's domain.
    pub fn host(&self) -> Option<&'a str> {
        self.raw(Field::Host)
    }
    /// `x-host-header`: the host the viewer asked for.
    pub fn host_header(&self) -> Option<&'a str> {
        self.raw(Field::HostHeader)
    }
    /// `cs-uri-stem`, raw (decode with `text(Field::UriStem)`).
    pub fn path(&self) -> Option<&'a str> {
        self.raw(Field::UriStem)
    }
    /// `cs-uri-query`, raw.
    pub fn query(&self) -> Option<&'a str> {
        self.raw(Field::UriQuery)
    }
    /// `c-ip` as an address (IPv4 or IPv6).
    pub fn client_ip(&self) -> Option<IpAddr> {
        self.client_ip_raw()?.parse().ok()
    }
    /// `c-ip` as written.
    pub fn client_ip_raw(&self) -> Option<&'a str> {
        self.raw(Field::ClientIp)
    }
    /// `cs(User-Agent)`, raw (encoded twice; decode with `text(Field::UserAgent)`).
    pub fn user_agent(&self) -> Option<&'a str> {
        self.raw(Field::UserAgent)
    }
    /// `cs(Referer)`, raw.
    pub fn referer(&self) -> Option<&'a str> {
        self.raw(Field::Referer)
    }
    /// `cs(Cookie)`, raw.
    pub fn cookie(&self) -> Option<&'a str> {
        self.raw(Field::Cookie)
    }
    /// `cs-protocol` (http, https, ws, wss).
    pub fn protocol(&self) -> Option<&'a str> {
        self.raw(Field::Protocol)
    }
    /// `cs-protocol-version` (`HTTP/2.0`, …).
    pub fn protocol_version(&self) -> Option<&'a str> {
        self.raw(Field::ProtocolVersion)
    }
    /// `ssl-protocol` (`TLSv1.3`, …).
    pub fn tls_protocol(&self) -> Option<&'a str> {
        self.raw(Field::SslProtocol)
    }
    /// `ssl-cipher`.
    pub fn tls_cipher(&self) -> Option<&'a str> {
        self.raw(Field::SslCipher)
    }
    /// `sc-content-type`.
    pub fn content_type(&self) -> Option<&'a str> {
        self.raw(Field::ContentType)
    }
    /// `origin-fbl` (v2) in milliseconds.
    pub fn origin_fbl_ms(&self) -> Option<u32> {
        self.hot.origin_fbl_ms
    }
    /// `origin-lbl` (v2) in milliseconds.
    pub fn origin_lbl_ms(&self) -> Option<u32> {
        self.hot.origin_lbl_ms
    }
    /// `c-country` (v2).
    pub fn country(&self) -> Option<&'a str> {
        self.raw(Field::Country)
    }
    /// `asn` (v2), as written.
    pub fn asn(&self) -> Option<&'a str> {
        self.raw(Field::Asn)
    }
    /// `cache-behavior-path-pattern` (v2), raw.
    pub fn cache_behavior(&self) -> Option<&'a str> {
        self.raw(Field::CacheBehavior)
    }
}

impl LogFields for LineView<'_> {
    #[inline]
    fn timestamp_ms(&self) -> i64 {
        self.hot.timestamp_ms.unwrap_or(0)
    }
    fn logs_timestamp_ms(&self) -> bool {
        self.schema.column(Field::TimestampMs).is_some()
    }
    #[inline]
    fn status(&self) -> u16 {
        self.hot.status.unwrap_or(0)
    }
    #[inline]
    fn sc_bytes(&self) -> u64 {
        self.hot.sc_bytes.unwrap_or(0)
    }
    #[inline]
    fn time_taken_ms(&self) -> u32 {
        self.hot.time_taken_ms.unwrap_or(0)
    }
    #[inline]
    fn ttfb_ms(&self) -> u32 {
        self.hot.ttfb_ms.unwrap_or(0)
    }
    #[inline]
    fn sc_bytes_opt(&self) -> Option<u64> {
        self.hot.sc_bytes
    }
    #[inline]
    fn time_taken_opt(&self) -> Option<u32> {
        self.hot.time_taken_ms
    }
    #[inline]
    fn ttfb_opt(&self) -> Option<u32> {
        self.hot.ttfb_ms
    }
    #[inline]
    fn method(&self) -> &str {
        self.raw(Field::Method).unwrap_or("")
    }
    #[inline]
    fn path(&self) -> &str {
        self.raw(Field::UriStem).unwrap_or("")
    }
    #[inline]
    fn query(&self) -> &str {
        self.raw(Field::UriQuery).unwrap_or("")
    }
    #[inline]
    fn client_ip(&self) -> &str {
        self.raw(Field::ClientIp).unwrap_or("")
    }
    #[inline]
    fn edge_location(&self) -> &str {
        self.raw(Field::EdgeLocation).unwrap_or("")
    }
    #[inline]
    fn result_type(&self) -> &str {
        self.raw(Field::EdgeResultType).unwrap_or("")
    }
    #[inline]
    fn user_agent(&self) -> &str {
        self.raw(Field::UserAgent).unwrap_or("")
    }
    #[inline]
    fn referer(&self) -> &str {
        self.raw(Field::Referer).unwrap_or("")
    }
    #[inline]
    fn host(&self) -> &str {
        self.raw(Field::Host).unwrap_or("")
    }
    #[inline]
    fn origin_fbl_opt(&self) -> Option<u32> {
        self.hot.origin_fbl_ms
    }
    #[inline]
    fn origin_lbl_opt(&self) -> Option<u32> {
        self.hot.origin_lbl_ms
    }
    #[inline]
    fn country(&self) -> &str {
        self.raw(Field::Country).unwrap_or("")
    }
    #[inline]
    fn asn(&self) -> &str {
        self.raw(Field::Asn).unwrap_or("")
    }
    #[inline]
    fn cache_behavior(&self) -> &str {
        self.raw(Field::CacheBehavior).unwrap_or("")
    }
}
