//! The fields of CloudFront's standard access logs — the 33 of the legacy format and those
//! standard logging v2 adds — with their exact names and value kinds.

/// One field of a CloudFront access log: the 33 of the legacy format in their order, then the
/// ones standard logging (v2) adds.
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
    /// `timestamp(ms)` (v2): the request time, epoch milliseconds.
    TimestampMs,
    /// `timestamp` (v2 and real-time logs): epoch seconds, millisecond precision.
    TimestampSecs,
    /// `origin-fbl` (v2): origin first-byte latency, seconds with millisecond precision.
    OriginFbl,
    /// `origin-lbl` (v2): origin last-byte latency, seconds.
    OriginLbl,
    /// `asn` (v2): the viewer's autonomous system number.
    Asn,
    /// `c-country` (v2): the viewer's country code (ISO 3166-1 alpha-2).
    Country,
    /// `cache-behavior-path-pattern` (v2): the path pattern of the cache behavior that served
    /// the request.
    CacheBehavior,
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
    /// A point in time as epoch seconds, with an optional fraction (`1795597200.123`).
    EpochSeconds,
    /// `YYYY-MM-DD`.
    Date,
    /// `HH:MM:SS`.
    Time,
}

/// The names: the 33 of the legacy format (shared with the writer), then v2's.
const NAMES: [&str; Field::COUNT] = {
    let legacy = super::w3c::FIELDS;
    let v2 = [
        "timestamp(ms)",
        "timestamp",
        "origin-fbl",
        "origin-lbl",
        "asn",
        "c-country",
        "cache-behavior-path-pattern",
    ];
    let mut all = [""; Field::COUNT];
    let mut i = 0;
    while i < Field::COUNT {
        all[i] = if i < Field::LEGACY {
            legacy[i]
        } else {
            v2[i - Field::LEGACY]
        };
        i += 1;
    }
    all
};

impl Field {
    /// Number of known fields.
    pub const COUNT: usize = 40;
    /// Number of fields of the legacy (33-field) format, the first of [`Field::ALL`].
    pub const LEGACY: usize = 33;

    /// The fields a v2 delivery logs when it lists none: the legacy 33, then v2's
    /// (`timestamp(ms)`, `origin-fbl`, `origin-lbl`, `asn`, `c-country`,
    /// `cache-behavior-path-pattern`).
    pub const V2_DEFAULT: [Field; 39] = {
        let mut all = [Field::Date; 39];
        let mut i = 0;
        while i < Field::LEGACY {
            all[i] = Field::ALL[i];
            i += 1;
        }
        all[33] = Field::TimestampMs;
        all[34] = Field::OriginFbl;
        all[35] = Field::OriginLbl;
        all[36] = Field::Asn;
        all[37] = Field::Country;
        all[38] = Field::CacheBehavior;
        all
    };

    /// Every known field: the legacy format's 33 in their order, then v2's.
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
        Field::TimestampMs,
        Field::TimestampSecs,
        Field::OriginFbl,
        Field::OriginLbl,
        Field::Asn,
        Field::Country,
        Field::CacheBehavior,
    ];

    /// Position in [`Field::ALL`] (and, for the first 33, in the legacy format).
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

    /// The name as a Parquet column: lower case, each run of other characters than letters and
    /// digits one `_`, none at the ends (`cs(User-Agent)` is `cs_user_agent`, `timestamp(ms)`
    /// is `timestamp_ms`).
    pub fn column_name(self) -> String {
        normalized(self.name())
    }

    /// The field whose name, or whose Parquet column name, is `name`.
    pub fn from_any_name(name: &str) -> Option<Field> {
        Field::from_name(name).or_else(|| {
            let n = normalized(name);
            Field::ALL.into_iter().find(|f| f.column_name() == n)
        })
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
            | Field::RangeEnd
            | Field::TimestampMs
            | Field::Asn => FieldKind::Integer,
            Field::TimeTaken | Field::TimeToFirstByte | Field::OriginFbl | Field::OriginLbl => {
                FieldKind::Seconds
            }
            Field::TimestampSecs => FieldKind::EpochSeconds,
            _ => FieldKind::Text,
        }
    }
}

/// `name` in lower case with each run of non-alphanumeric characters one `_`, trimmed.
fn normalized(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
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
            if i < Field::LEGACY {
                assert_eq!(f.name(), crate::accesslog::FIELDS[i]);
            }
        }
        assert_eq!(Field::from_name("sc-Status"), None);
        assert_eq!(Field::UserAgent.name(), "cs(User-Agent)");
        assert_eq!(Field::TimeTaken.kind(), FieldKind::Seconds);
    }

    #[test]
    fn v2_fields_and_parquet_column_names() {
        assert_eq!(Field::from_name("timestamp(ms)"), Some(Field::TimestampMs));
        assert_eq!(Field::from_name("c-country"), Some(Field::Country));
        assert_eq!(Field::OriginFbl.kind(), FieldKind::Seconds);
        assert_eq!(Field::Asn.kind(), FieldKind::Integer);
        for (field, column) in [
            (Field::Host, "cs_host"),
            (Field::UserAgent, "cs_user_agent"),
            (Field::EdgeLocation, "x_edge_location"),
            (Field::TimestampMs, "timestamp_ms"),
            (Field::CacheBehavior, "cache_behavior_path_pattern"),
            (Field::ClientIp, "c_ip"),
        ] {
            assert_eq!(field.column_name(), column);
            assert_eq!(Field::from_any_name(column), Some(field));
        }
        assert_eq!(Field::from_any_name("sc-status"), Some(Field::Status));
        assert_eq!(Field::from_any_name("no_such_column"), None);
    }
}
