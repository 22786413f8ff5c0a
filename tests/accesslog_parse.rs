//! The CloudFront W3C parser on every variant of the format: header styles, field counts,
//! encodings, line endings, IPv6, multi-header files and malformed input. Decoding, absent
//! values, line endings and malformed lines; the readers (gzip, directories, threads), the round
//! trip, the property tests and the whole-buffer parse are in `accesslog_parse/`.

#[path = "accesslog_parse/indexed.rs"]
mod indexed;
#[path = "accesslog_parse/readers.rs"]
mod readers;
#[path = "accesslog_parse/values.rs"]
mod values;

use flate2::Compression;
use flate2::write::GzEncoder;
use shipdeck::accesslog::{FIELDS, Field, LineView, LogFields, Malformed, Parsed, Parser};
use shipdeck::accesslog_io::{ReadReport, read_bytes};
use shipdeck::domain::Timestamp;
use std::io::Write;
use std::net::IpAddr;

const T: Timestamp = Timestamp(1_795_597_200_000); // 2026-11-25T09:00:00Z

/// One 33-field line with a few interesting values.
const LINE33: &str = "2026-11-25\t09:00:01\tFRA56-P1\t2390\t203.0.113.7\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\thttps://www.google.com/\tMozilla/5.0%2520(X11;%2520Linux%2520x86_64)\tq=red+shoes\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\twww.example.com\thttps\t394\t0.012\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t51432\t0.008\tHit\ttext/html\t1932\t-\t-";

fn gz(text: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

/// Owned copies of what a view shows, so tests can look at records after reading.
#[derive(Debug, Clone, PartialEq)]
struct Rec {
    line: String,
    ts: Option<Timestamp>,
    status: Option<u16>,
    path: Option<String>,
    ua: Option<String>,
    ip: Option<IpAddr>,
}

fn rec(v: &LineView<'_>) -> Rec {
    Rec {
        line: v.line().to_string(),
        ts: v.timestamp(),
        status: v.status(),
        path: v.text(Field::UriStem).map(|c| c.into_owned()),
        ua: v.text(Field::UserAgent).map(|c| c.into_owned()),
        ip: v.client_ip(),
    }
}

fn read_all(bytes: &[u8], name: &str) -> (Vec<Rec>, ReadReport) {
    let mut out = Vec::new();
    let report = read_bytes(bytes, name, &mut |v| out.push(rec(v)));
    (out, report)
}

fn header(names: &[&str], sep: &str) -> String {
    format!("#Version: 1.0\n#Fields:{sep}{}\n", names.join(sep))
}

#[test]
fn a_33_field_line_has_typed_and_decoded_values() {
    let text = format!("{}{LINE33}\n", header(&FIELDS, " "));
    let mut seen = 0;
    let report = read_bytes(text.as_bytes(), "one.log", &mut |v| {
        seen += 1;
        assert_eq!(v.timestamp(), Some(T + 1000));
        assert_eq!(v.status(), Some(200));
        assert_eq!(v.sc_bytes(), Some(2390));
        assert_eq!(v.cs_bytes(), Some(394));
        assert_eq!(v.time_taken_ms(), Some(12));
        assert_eq!(v.ttfb_ms(), Some(8));
        assert_eq!(v.client_port(), Some(51432));
        assert_eq!(v.edge_location(), Some("FRA56-P1"));
        assert_eq!(v.result_type(), Some("Hit"));
        assert_eq!(v.response_result_type(), Some("Hit"));
        assert_eq!(v.detailed_result_type(), Some("Hit"));
        assert_eq!(v.method(), Some("GET"));
        assert_eq!(v.host(), Some("d111111abcdef8.cloudfront.net"));
        assert_eq!(v.host_header(), Some("www.example.com"));
        assert_eq!(v.path(), Some("/index.html"));
        assert_eq!(v.query(), Some("q=red+shoes"));
        assert_eq!(v.client_ip(), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(v.client_ip_raw(), Some("203.0.113.7"));
        assert_eq!(
            v.user_agent(),
            Some("Mozilla/5.0%2520(X11;%2520Linux%2520x86_64)")
        );
        assert_eq!(
            v.text(Field::UserAgent).as_deref(),
            Some("Mozilla/5.0 (X11; Linux x86_64)")
        );
        assert_eq!(v.referer(), Some("https://www.google.com/"));
        assert_eq!(v.cookie(), None);
        assert_eq!(v.protocol(), Some("https"));
        assert_eq!(v.protocol_version(), Some("HTTP/2.0"));
        assert_eq!(v.tls_protocol(), Some("TLSv1.3"));
        assert_eq!(v.tls_cipher(), Some("TLS_AES_128_GCM_SHA256"));
        assert_eq!(v.content_type(), Some("text/html"));
        assert_eq!(v.integer(Field::ContentLen), Some(1932));
        assert_eq!(v.raw(Field::RangeStart), None);
        assert_eq!(v.text(Field::ForwardedFor), None);
        // The trait the statistics use: zeros and empty strings for absent values.
        assert_eq!(LogFields::timestamp_ms(v), (T + 1000).millis());
        assert_eq!(LogFields::status(v), 200);
        assert_eq!(LogFields::path(v), "/index.html");
        assert_eq!(LogFields::referer(v), "https://www.google.com/");
        assert_eq!(
            LogFields::user_agent(v),
            "Mozilla/5.0%2520(X11;%2520Linux%2520x86_64)"
        );
        assert_eq!(LogFields::query(v), "q=red+shoes");
        assert_eq!(LogFields::host(v), "d111111abcdef8.cloudfront.net");
    });
    assert_eq!(seen, 1);
    assert_eq!((report.lines, report.records, report.skipped), (3, 1, 0));
    assert!(report.errors.is_empty());
}

#[test]
fn header_fields_may_be_separated_by_spaces_or_tabs() {
    for sep in [" ", "\t", "  ", " \t"] {
        let text = format!("{}{LINE33}\n", header(&FIELDS, sep));
        let (recs, report) = read_all(text.as_bytes(), "h.log");
        assert_eq!((recs.len(), report.skipped), (1, 0), "separator {sep:?}");
        assert_eq!(recs[0].status, Some(200));
    }
}

/// The first `n` columns of LINE33, as an older format with `n` fields would write it.
fn prefix_line(n: usize) -> String {
    LINE33.split('\t').take(n).collect::<Vec<_>>().join("\t")
}

#[test]
fn older_logs_with_18_24_and_26_fields_map_by_name() {
    for n in [18, 24, 26, 33] {
        let text = format!("{}{}\n", header(&FIELDS[..n], " "), prefix_line(n));
        let mut got = Vec::new();
        let report = read_bytes(text.as_bytes(), "old.log", &mut |v| {
            got.push((
                v.status(),
                v.time_taken_ms(),
                v.ttfb_ms(),
                v.raw(Field::RangeEnd).map(str::to_string),
                v.cs_bytes(),
            ))
        });
        assert_eq!(report.skipped, 0, "{n} fields");
        let taken = (n >= 19).then_some(12);
        let ttfb = (n >= 28).then_some(8);
        assert_eq!(
            got,
            vec![(Some(200), taken, ttfb, None, Some(394))],
            "{n} fields"
        );
    }
}

#[test]
fn a_subset_in_any_order_with_unknown_fields() {
    let text = "#Fields: sc-status c-country cs-uri-stem date time c-ip\n\
                404\tDE\t/missing%20page\t2026-11-25\t09:00:02\t2001:db8::7\n";
    let mut got = Vec::new();
    let report = read_bytes(text.as_bytes(), "v2.log", &mut |v| {
        assert_eq!(v.schema().names()[1].as_ref(), "c-country");
        assert_eq!(v.column(1), Some("DE"));
        assert_eq!(v.method(), None);
        assert_eq!(LogFields::method(v), "");
        assert_eq!(LogFields::sc_bytes(v), 0);
        got.push(rec(v));
    });
    assert_eq!(report.skipped, 0);
    assert_eq!(got[0].status, Some(404));
    assert_eq!(got[0].path.as_deref(), Some("/missing page"));
    assert_eq!(got[0].ts, Some(T + 2000));
    assert_eq!(got[0].ip, Some("2001:db8::7".parse().unwrap()));
}

#[test]
fn several_header_blocks_in_one_file() {
    let text = format!(
        "{}{}\n{}{}\n#Fields: date time sc-status\n2026-11-25\t09:00:03\t503\n",
        header(&FIELDS[..18], " "),
        prefix_line(18),
        header(&FIELDS, "\t"),
        LINE33,
    );
    let (recs, report) = read_all(text.as_bytes(), "multi.log");
    assert_eq!(report.skipped, 0);
    let statuses: Vec<_> = recs.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Some(200), Some(200), Some(503)]);
    assert_eq!(recs[2].ts, Some(T + 3000));
    assert_eq!(recs[2].path, None);
}

#[test]
fn records_before_any_header_use_the_33_field_layout() {
    let (recs, report) = read_all(format!("{LINE33}\n").as_bytes(), "bare.log");
    assert_eq!((recs.len(), report.skipped), (1, 0));
}
