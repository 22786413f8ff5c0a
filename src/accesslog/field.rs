//! The 33 fields of CloudFront's standard access log, with their exact W3C names and value kinds.

/// One W3C field of a CloudFront access log, in the order of the current 33-field format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `date` (UTC, `YYYY-MM-DD`).
    Date,
    /// `time` (UTC, `HH:MM:SS`).
    Time,
    /// `x-edge-location`.
    EdgeLocation,
    /// `sc-bytes`.
    ScBytes,
    /// `c-ip`.
    ClientIp,
    /// `cs-method`.
    Method,
    /// `cs(Host)`.
    Host,
    /// `cs-uri-stem`.
    UriStem,
    /// `sc-status`.
    Status,
    /// `cs(Referer)`.
    Referer,
    /// `cs(User-Agent)`.
    UserAgent,
    /// `cs-uri-query`.
    UriQuery,
    /// `cs(Cookie)`.
    Cookie,
    /// `x-edge-result-type`.
    EdgeResultType,
    /// `x-edge-request-id`.
    EdgeRequestId,
    /// `x-host-header`.
    HostHeader,
    /// `cs-protocol`.
    Protocol,
    /// `cs-bytes`.
    CsBytes,
    /// `time-taken` (seconds, millisecond precision).
    TimeTaken,
    /// `x-forwarded-for`.
    ForwardedFor,
    /// `ssl-protocol`.
    SslProtocol,
    /// `ssl-cipher`.
    SslCipher,
    /// `x-edge-response-result-type`.
    EdgeResponseResultType,
    /// `cs-protocol-version`.
    ProtocolVersion,
    /// `fle-status`.
    FleStatus,
    /// `fle-encrypted-fields`.
    FleEncryptedFields,
    /// `c-port`.
    ClientPort,
    /// `time-to-first-byte` (seconds, millisecond precision).
    TimeToFirstByte,
    /// `x-edge-detailed-result-type`.
    EdgeDetailedResultType,
    /// `sc-content-type`.
    ContentType,
    /// `sc-content-len`.
    ContentLen,
    /// `sc-range-start`.
    RangeStart,
    /// `sc-range-end`.
    RangeEnd,
}

/// How a field's value is written in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// URL-encoded text.
    Text,
    /// A non-negative integer.
    Integer,
    /// Seconds with a fractional part (`0.123`).
    Seconds,
    /// `YYYY-MM-DD`.
    Date,
    /// `HH:MM:SS`.
    Time,
}

/// The W3C names, in the order of the current 33-field format (shared with the writer).
const NAMES: [&str; Field::COUNT] = super::w3c::FIELDS;

impl Field {
    /// Number of known fields.
    pub const COUNT: usize = 33;

    /// Every field in the order of the current 33-field format.
    pub const ALL: [Field; Field::COUNT] = [
        Field::Date,
        Field::Time,
        Field::EdgeLocation,
        Field::ScBytes,
        Field::ClientIp,
        Field::Method,
        Field::Host,
        Field::UriStem,
        Field::Status,
        Field::Referer,
        Field::UserAgent,
        Field::UriQuery,
        Field::Cookie,
        Field::EdgeResultType,
        Field::EdgeRequestId,
        Field::HostHeader,
        Field::Protocol,
        Field::CsBytes,
        Field::TimeTaken,
        Field::ForwardedFor,
        Field::SslProtocol,
        Field::SslCipher,
        Field::EdgeResponseResultType,
        Field::ProtocolVersion,
        Field::FleStatus,
        Field::FleEncryptedFields,
        Field::ClientPort,
        Field::TimeToFirstByte,
        Field::EdgeDetailedResultType,
        Field::ContentType,
        Field::ContentLen,
        Field::RangeStart,
        Field::RangeEnd,
    ];

    /// Position in [`Field::ALL`] (and in the 33-field format).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The exact W3C name, as in a `#Fields` line (`sc-status`, `cs(User-Agent)`, …).
    pub fn name(self) -> &'static str {
        NAMES[self.index()]
    }

    /// The field with this W3C name (exact match; CloudFront's names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Field> {
        NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|i| Field::ALL.get(i).copied())
    }

    /// How the value is written.
    pub fn kind(self) -> FieldKind {
        match self {
            Field::Date => FieldKind::Date,
            Field::Time => FieldKind::Time,
            Field::ScBytes
            | Field::Status
            | Field::CsBytes
            | Field::FleEncryptedFields
            | Field::ClientPort
            | Field::ContentLen
            | Field::RangeStart
            | Field::RangeEnd => FieldKind::Integer,
            Field::TimeTaken | Field::TimeToFirstByte => FieldKind::Seconds,
            _ => FieldKind::Text,
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_the_writer() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(f.index(), i);
            assert_eq!(Field::from_name(f.name()), Some(*f));
            assert_eq!(f.name(), crate::accesslog::FIELDS[i]);
        }
        assert_eq!(Field::from_name("sc-Status"), None);
        assert_eq!(Field::UserAgent.name(), "cs(User-Agent)");
        assert_eq!(Field::TimeTaken.kind(), FieldKind::Seconds);
    }
}
