//! Unit tests of format detection, JSON lines, plain layouts and the record converter.

use super::*;
use crate::accesslog::{Field, LineView, LogFields, Parser};
use std::borrow::Cow;

#[derive(Debug, PartialEq)]
struct Got {
    ts: i64,
    status: Option<u16>,
    path: Option<String>,
    asn: Option<String>,
    country: Option<String>,
    ofbl: Option<u32>,
    extra: Option<String>,
}

fn got(v: &LineView<'_>) -> Got {
    let extra = v
        .schema()
        .names()
        .iter()
        .position(|n| n.as_ref() == "x-custom")
        .and_then(|c| v.column(c))
        .map(str::to_string);
    Got {
        ts: v.timestamp_ms(),
        status: v.status(),
        path: v.path().map(str::to_string),
        asn: v.asn().map(str::to_string),
        country: v.country().map(str::to_string),
        ofbl: v.origin_fbl_ms(),
        extra,
    }
}

fn json(lines: &[&str]) -> (Vec<Got>, Parser) {
    let (mut conv, mut parser, mut out) = (Converter::new(), Parser::new(), Vec::new());
    for l in lines {
        json_line(&mut conv, &mut parser, l.as_bytes(), &mut |v| {
            out.push(got(v))
        });
    }
    (out, parser)
}

#[test]
fn formats_are_detected_from_the_first_bytes() {
    for (head, want) in [
        (&b"PAR1\x15\x04"[..], InputFormat::Parquet),
        (b"{\"date\":\"2026-11-25\"}\n", InputFormat::JsonLines),
        (b"\n  {\"a\":\"b\"}", InputFormat::JsonLines),
        (b"#Version: 1.0\n#Fields: date\n", InputFormat::W3c),
        (b"", InputFormat::W3c),
        (b"2026-11-25\t09:00:00\tFRA56-P1\n", InputFormat::Plain),
        (b"text\0with nul", InputFormat::Binary),
    ] {
        assert_eq!(InputFormat::detect(head), want, "{head:?}");
    }
    let legacy = vec!["x"; 33].join("\t") + "\n";
    assert!(legacy_columns(legacy.as_bytes()));
    assert!(!legacy_columns(b"a,b,c\n"));
}

#[test]
fn json_lines_become_records_with_typed_v2_fields_and_extra_keys() {
    let (recs, parser) = json(&[
        r#"{"timestamp(ms)":"1795597200123","sc-status":"502","cs-uri-stem":"/api/pay","asn":"16509","c-country":"DE","origin-fbl":"0.250","x-custom":"kept"}"#,
        r#"{"timestamp(ms)":"1795597201000","sc-status":"200","cs-uri-stem":"/","asn":null,"c-country":"","origin-fbl":"-","x-custom":"a\tb"}"#,
        "",
        r#"{"date":"2026-11-25","time":"09:00:02","sc-status":"304"}"#,
    ]);
    assert_eq!(
        recs,
        vec![
            Got {
                ts: 1_795_597_200_123,
                status: Some(502),
                path: Some("/api/pay".into()),
                asn: Some("16509".into()),
                country: Some("DE".into()),
                ofbl: Some(250),
                extra: Some("kept".into()),
            },
            Got {
                ts: 1_795_597_201_000,
                status: Some(200),
                path: Some("/".into()),
                asn: None,
                country: None,
                ofbl: None,
                extra: Some("a%09b".into()),
            },
            Got {
                ts: 1_795_597_202_000,
                status: Some(304),
                path: None,
                asn: None,
                country: None,
                ofbl: None,
                extra: None,
            },
        ]
    );
    assert_eq!(parser.counts().lines, 4);
    assert_eq!(parser.counts().skipped, 0);
}

#[test]
fn bad_json_lines_are_skipped_with_their_reason_and_the_rest_kept() {
    let (recs, parser) = json(&[
        r#"{"sc-status":"200","cs-uri-stem":"/a"}"#,
        r#"{"sc-status":200,"cs-uri-stem":"/b"}"#,
        r#"{"sc-status":"200","cs-uri-stem":["/c"]}"#,
        r#"["not","an","object"]"#,
        r#"{"sc-status":"2"#,
        r#"{"sc-status":"abc","cs-uri-stem":"/d"}"#,
        r#"{"sc-status":"404","cs-uri-stem":"/e"}"#,
    ]);
    let paths: Vec<_> = recs.iter().map(|r| r.path.clone().unwrap()).collect();
    assert_eq!(paths, vec!["/a", "/e"]);
    let why: Vec<String> = parser
        .first_errors()
        .iter()
        .map(|(line, why)| format!("{line}: {why}"))
        .collect();
    assert_eq!(why.len(), 5, "{why:?}");
    assert!(
        why[0].starts_with("2: not a JSON log record: `sc-status` is a number"),
        "{why:?}"
    );
    assert!(why[1].contains("`cs-uri-stem` is an array"), "{why:?}");
    assert!(why[2].contains("not an object"), "{why:?}");
    assert!(
        why[3].starts_with("5: not a JSON log record: EOF"),
        "{why:?}"
    );
    assert_eq!(why[4], "6: bad value in `sc-status`");
}

#[test]
fn parquet_column_names_map_to_fields_and_a_leading_hash_is_no_comment() {
    let (mut conv, mut parser) = (Converter::new(), Parser::new());
    let mut out = Vec::new();
    let cells = [
        ("cs_uri_stem", Cell::Text(Cow::Borrowed("#frag"))),
        ("sc_status", Cell::Text(Cow::Borrowed("200"))),
        ("timestamp_ms", Cell::Text(Cow::Borrowed("1795597200000"))),
        ("cs_user_agent", Cell::Null),
    ];
    conv.record(&mut parser, &cells, &mut |v| out.push(got(v)));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].path.as_deref(), Some("%23frag"));
    assert_eq!(out[0].ts, 1_795_597_200_000);
    assert_eq!(
        parser.schema().column(Field::UserAgent),
        Some(3),
        "{:?}",
        parser.schema().names()
    );
}

#[test]
fn plain_layouts_take_field_names_and_one_delimiter() {
    let l = PlainLayout::parse("date,time,sc-status,cs_host asn", None).unwrap();
    assert_eq!(l.delimiter, b'\t');
    let names: Vec<&str> = l.schema.names().iter().map(|n| n.as_ref()).collect();
    assert_eq!(names, vec!["date", "time", "sc-status", "cs(Host)", "asn"]);
    assert_eq!(
        PlainLayout::parse("date", Some(",")).unwrap().delimiter,
        b','
    );
    assert_eq!(
        PlainLayout::parse("date", Some("space")).unwrap().delimiter,
        b' '
    );
    assert!(
        PlainLayout::parse(" , ", None)
            .unwrap_err()
            .contains("--fields")
    );
    assert!(
        PlainLayout::parse("date", Some("::"))
            .unwrap_err()
            .contains("--delimiter")
    );
}

#[test]
fn the_fields_flag_refuses_a_name_that_is_no_known_field() {
    let l = PlainLayout::parse_flag("date,time,sc-status,cs_host asn", Some(",")).unwrap();
    assert_eq!(
        l,
        PlainLayout::parse("date,time,sc-status,cs_host asn", Some(",")).unwrap()
    );
    assert_eq!(
        PlainLayout::parse_flag("date,time,sc-satus,cs-uri-stem", None).unwrap_err(),
        "--fields: unknown field `sc-satus`; did you mean `sc-status`? (`-` stands for a column \
         shipdeck does not model)"
    );
    assert_eq!(
        PlainLayout::parse_flag("date,cs_user_agnt", None).unwrap_err(),
        "--fields: unknown field `cs_user_agnt`; did you mean `cs(User-Agent)`? (`-` stands for \
         a column shipdeck does not model)"
    );
    let far = PlainLayout::parse_flag("date,banana", None).unwrap_err();
    assert!(
        far.starts_with("--fields: unknown field `banana`; the fields are date, time, "),
        "{far}"
    );
    assert!(
        far.ends_with(", and `-` for a column shipdeck does not model"),
        "{far}"
    );
    // `-` holds the place of a column shipdeck does not model, named by its position.
    let l = PlainLayout::parse_flag("date,time,-,sc-status,-", None).unwrap();
    let names: Vec<String> = l.schema.names().iter().map(|n| n.to_string()).collect();
    assert_eq!(names, ["date", "time", "column-3", "sc-status", "column-5"]);
    // A delivery's declared fields keep a name shipdeck does not know, as an untyped column.
    assert!(PlainLayout::parse("DistributionId,date", None).is_ok());
}

/// Every column of a record as text, and its typed values: what two readers must agree on.
fn whole(v: &LineView<'_>) -> (Vec<String>, Vec<Option<String>>, Option<u16>, i64) {
    let names = v.schema().names().iter().map(|n| n.to_string()).collect();
    let columns = (0..v.schema().len())
        .map(|c| v.column(c).map(str::to_string))
        .collect();
    (names, columns, v.status(), v.timestamp_ms())
}

#[test]
fn json_read_a_buffer_at_a_time_reads_as_line_by_line() {
    let mut lines: Vec<Vec<u8>> = vec![
        br#"{"timestamp(ms)":"1795597200123","sc-status":"502","cs-uri-stem":"/api/pay","asn":"16509"}"#.to_vec(),
        br#"{"timestamp(ms)":"1795597200124","sc-status":"200","cs-uri-stem":"/","asn":null}"#.to_vec(),
        br##" { "timestamp(ms)" : "1795597200125" , "sc-status":"200","cs-uri-stem":"#top","asn":""} "##.to_vec(),
        b"".to_vec(),
        b"   ".to_vec(),
        br#"{"timestamp(ms)":"1795597200126","sc-status":"200","cs-uri-stem":"/a\tb\"c","asn":"1"}"#.to_vec(),
        br#"{"timestamp(ms)":"1795597200127","sc-status":200,"cs-uri-stem":"/n","asn":"1"}"#.to_vec(),
        br#"{"timestamp(ms)":"1795597200128","sc-status":"abc","cs-uri-stem":"/bad","asn":"1"}"#.to_vec(),
        br#"{"sc-status":"304","cs-uri-stem":"/other-layout","date":"2026-11-25","time":"09:00:02"}"#.to_vec(),
        br#"{"sc-status":"404","cs-uri-stem":"/crlf","date":"2026-11-25","time":"09:00:03"}"#.to_vec(),
        br#"{"sc-status":"200","cs-uri-stem":"/x","date":"2026-11-25","time":"09:00:04"} trailing"#.to_vec(),
        b"{}".to_vec(),
        br#"{"sc-status":"200","cs-uri-stem":"/tab	raw","date":"2026-11-25","time":"09:00:05"}"#.to_vec(),
        br#"{"sc-status":"200","cs-uri-stem":"/y","date":"2026-11-25","time":"09:00:06""#.to_vec(),
        br#"["sc-status"]"#.to_vec(),
        br#"{"sc-status":"200","cs-uri-stem":"/z","date":"2026-11-25","time":"09:00:07"}"#.to_vec(),
    ];
    // A value that is not UTF-8, among good lines of the same layout.
    let mut bad = br#"{"sc-status":"200","cs-uri-stem":"/caf"#.to_vec();
    bad.extend([0xE9, b'"']);
    bad.extend(br#","date":"2026-11-25","time":"09:00:08"}"#);
    lines.insert(10, bad);
    lines[9].push(b'\r');

    let (mut conv, mut one, mut want) = (Converter::new(), Parser::new(), Vec::new());
    for l in &lines {
        json_line(&mut conv, &mut one, l, &mut |v| want.push(whole(v)));
    }
    let mut text = lines.join(&b"\n"[..]);
    text.push(b'\n');
    // Whole, and in pieces that cut lines (each piece's complete lines, the rest carried over).
    for piece in [text.len(), 7, 64, 200] {
        let (mut batch, mut parser, mut got) = (JsonBatch::new(), Parser::new(), Vec::new());
        let mut carried: Vec<u8> = Vec::new();
        for chunk in text.chunks(piece) {
            carried.extend_from_slice(chunk);
            let used = batch.feed(&mut parser, &carried, &mut |v| got.push(whole(v)));
            carried.drain(..used);
        }
        batch.finish(&mut parser, &carried, &mut |v| got.push(whole(v)));
        assert_eq!(got, want, "pieces of {piece}");
        assert_eq!(parser.counts(), one.counts(), "pieces of {piece}");
        assert_eq!(
            parser.first_errors(),
            one.first_errors(),
            "pieces of {piece}"
        );
    }
    assert_eq!(want.len(), 7, "{want:#?}");
    assert_eq!(one.counts().skipped, 8);
}

#[test]
fn json_read_a_buffer_at_a_time_names_a_late_bad_line_by_its_number() {
    let good = r#"{"sc-status":"200","cs-uri-stem":"/a","date":"2026-11-25","time":"09:00:00"}"#;
    let bad = r#"{"sc-status":"2x0","cs-uri-stem":"/a","date":"2026-11-25","time":"09:00:00"}"#;
    let wrong = r#"{"sc-status":true,"cs-uri-stem":"/a","date":"2026-11-25","time":"09:00:00"}"#;
    let mut text = String::new();
    for i in 1..=3000 {
        text.push_str(match i {
            1234 => bad,
            2345 => wrong,
            _ => good,
        });
        text.push('\n');
    }
    let (mut batch, mut parser, mut n) = (JsonBatch::new(), Parser::new(), 0);
    assert_eq!(
        batch.feed(&mut parser, text.as_bytes(), &mut |_| n += 1),
        text.len()
    );
    assert_eq!(n, 2998);
    let why: Vec<String> = parser
        .first_errors()
        .iter()
        .map(|(line, why)| format!("{line}: {why}"))
        .collect();
    assert_eq!(
        why,
        vec![
            "1234: bad value in `sc-status`".to_string(),
            "2345: not a JSON log record: `sc-status` is a boolean, expected a string".to_string()
        ]
    );
}
