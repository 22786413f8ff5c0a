//! The W3C extended format CloudFront writes: header lines, field order and value encoding.

use super::AccessRecord;
use super::field::Field;
use std::fmt::Write;

/// The 33 fields of the current standard log format, in file order.
pub const FIELDS: [&str; 33] = [
    "date",
    "time",
    "x-edge-location",
    "sc-bytes",
    "c-ip",
    "cs-method",
    "cs(Host)",
    "cs-uri-stem",
    "sc-status",
    "cs(Referer)",
    "cs(User-Agent)",
    "cs-uri-query",
    "cs(Cookie)",
    "x-edge-result-type",
    "x-edge-request-id",
    "x-host-header",
    "cs-protocol",
    "cs-bytes",
    "time-taken",
    "x-forwarded-for",
    "ssl-protocol",
    "ssl-cipher",
    "x-edge-response-result-type",
    "cs-protocol-version",
    "fle-status",
    "fle-encrypted-fields",
    "c-port",
    "time-to-first-byte",
    "x-edge-detailed-result-type",
    "sc-content-type",
    "sc-content-len",
    "sc-range-start",
    "sc-range-end",
];

/// Writes the two header lines (`#Version: 1.0`, `#Fields: …`).
pub fn write_header(out: &mut String) {
    out.push_str("#Version: 1.0\n#Fields: ");
    out.push_str(&FIELDS.join(" "));
    out.push('\n');
}

/// Writes a whole file body: the headers, then one line per record.
pub fn write_w3c(records: &[AccessRecord], out: &mut String) {
    write_header(out);
    for r in records {
        write_line(r, out);
    }
}

/// Appends `value` URL-encoded the way CloudFront does it: control characters, space,
/// `< > " # % { } | \ ^ ~ [ ] '`, backtick and bytes ≥ 127 become `%XX`; empty becomes `-`.
pub fn encode_value(value: &str, out: &mut String) {
    if value.is_empty() {
        out.push('-');
        return;
    }
    for &b in value.as_bytes() {
        let escape = !(0x21..0x7f).contains(&b)
            || matches!(
                b,
                b'<' | b'>'
                    | b'"'
                    | b'#'
                    | b'%'
                    | b'{'
                    | b'}'
                    | b'|'
                    | b'\\'
                    | b'^'
                    | b'~'
                    | b'['
                    | b']'
                    | b'\''
                    | b'`'
            );
        if escape {
            let _ = write!(out, "%{b:02X}");
        } else {
            out.push(b as char);
        }
    }
}

fn opt(value: Option<&str>, out: &mut String) {
    encode_value(value.unwrap_or(""), out);
}

fn num<T: std::fmt::Display>(value: Option<T>, out: &mut String) {
    match value {
        Some(v) => {
            let _ = write!(out, "{v}");
        }
        None => out.push('-'),
    }
}

fn seconds(ms: u32, out: &mut String) {
    let _ = write!(out, "{}.{:03}", ms / 1000, ms % 1000);
}

/// Appends one tab-separated line (with its newline) for `r`; the user agent is encoded twice.
pub fn write_line(r: &AccessRecord, out: &mut String) {
    write_date_time(r.time.millis(), out);
    let t = '\t';
    let _ = write!(out, "{t}{}{t}{}{t}", r.edge_location, r.sc_bytes);
    encode_value(&r.client_ip, out);
    out.push(t);
    encode_value(&r.method, out);
    out.push(t);
    encode_value(&r.host, out);
    out.push(t);
    encode_value(&r.uri_stem, out);
    // CloudFront writes `000` when the viewer left before a status was sent.
    let _ = write!(out, "{t}{:03}{t}", r.status);
    opt(r.referer.as_deref(), out);
    out.push(t);
    match &r.user_agent {
        Some(ua) => {
            let mut once = String::with_capacity(ua.len() + 16);
            encode_value(ua, &mut once);
            encode_value(&once, out);
        }
        None => out.push('-'),
    }
    out.push(t);
    opt(r.query.as_deref(), out);
    out.push(t);
    opt(r.cookie.as_deref(), out);
    let _ = write!(out, "{t}{}{t}{}{t}", r.edge_result_type, r.request_id);
    encode_value(&r.host_header, out);
    let _ = write!(out, "{t}{}{t}{}{t}", r.protocol, r.cs_bytes);
    seconds(r.time_taken_ms, out);
    out.push(t);
    opt(r.forwarded_for.as_deref(), out);
    out.push(t);
    opt(r.ssl_protocol.as_deref(), out);
    out.push(t);
    opt(r.ssl_cipher.as_deref(), out);
    let _ = write!(
        out,
        "{t}{}{t}{}{t}",
        r.response_result_type, r.protocol_version
    );
    opt(r.fle_status.as_deref(), out);
    out.push(t);
    num(r.fle_encrypted_fields, out);
    let _ = write!(out, "{t}{}{t}", r.client_port);
    seconds(r.time_to_first_byte_ms, out);
    let _ = write!(out, "{t}{}{t}", r.detailed_result_type);
    opt(r.content_type.as_deref(), out);
    out.push(t);
    num(r.content_len, out);
    out.push(t);
    num(r.range_start, out);
    out.push(t);
    num(r.range_end, out);
    out.push('\n');
}

/// The values of `fields` for `r` as a log holds them (URL-encoded text, seconds with three
/// decimals), `None` for `-`: for writers of other layouts and formats than the 33 columns.
pub fn record_values(r: &AccessRecord, fields: &[Field]) -> Vec<Option<String>> {
    let mut line = String::new();
    write_line(r, &mut line);
    let cols: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
    let secs = |ms: Option<u32>| ms.map(|ms| format!("{}.{:03}", ms / 1000, ms % 1000));
    let text = |v: Option<&str>| {
        v.map(|v| {
            let mut out = String::new();
            encode_value(v, &mut out);
            out
        })
    };
    fields
        .iter()
        .map(|f| {
            let value = match f {
                Field::TimestampMs => Some(r.time.millis().to_string()),
                Field::TimestampSecs => Some(format!(
                    "{}.{:03}",
                    r.time.millis().div_euclid(1000),
                    r.time.millis().rem_euclid(1000)
                )),
                Field::OriginFbl => secs(r.origin_fbl_ms),
                Field::OriginLbl => secs(r.origin_lbl_ms),
                Field::Asn => r.asn.clone(),
                Field::Country => text(r.country.as_deref()),
                Field::CacheBehavior => text(r.cache_behavior.as_deref()),
                legacy => cols.get(legacy.index()).map(|c| c.to_string()),
            };
            value.filter(|v| v != "-" && !v.is_empty())
        })
        .collect()
}

/// Writes `YYYY-MM-DD<TAB>HH:MM:SS` for a UTC millisecond timestamp (no allocation, no clock).
fn write_date_time(ms: i64, out: &mut String) {
    let secs = ms.div_euclid(1000);
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}\t{:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_cloudfront() {
        let mut s = String::new();
        encode_value("a b<c>%~", &mut s);
        assert_eq!(s, "a%20b%3Cc%3E%25%7E");
        s.clear();
        encode_value("", &mut s);
        assert_eq!(s, "-");
        s.clear();
        encode_value("é", &mut s);
        assert_eq!(s, "%C3%A9");
    }

    #[test]
    fn dates_are_utc_civil() {
        let mut s = String::new();
        write_date_time(1_795_597_200_000, &mut s); // 2026-11-25T09:00:00Z
        assert_eq!(s, "2026-11-25\t09:00:00");
        s.clear();
        write_date_time(951_782_400_000, &mut s); // 2000-02-29T00:00:00Z
        assert_eq!(s, "2000-02-29\t00:00:00");
    }
}
