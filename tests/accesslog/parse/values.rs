//! Decoding for people, absent values, line endings and malformed lines.

use super::*;

#[test]
fn percent_encodings_decode_for_people_and_borrow_when_clean() {
    let line = LINE33
        .replace("/index.html", "/search/caf%C3%A9%20%3Cb%3E")
        .replace("q=red+shoes", "q=bags+%2526+totes");
    let text = format!("{}{line}\n", header(&FIELDS, " "));
    read_bytes(text.as_bytes(), "enc.log", &mut |v| {
        assert_eq!(v.text(Field::UriStem).as_deref(), Some("/search/café <b>"));
        assert_eq!(v.text(Field::UriQuery).as_deref(), Some("q=bags+%26+totes"));
        assert!(matches!(
            v.text(Field::EdgeLocation),
            Some(std::borrow::Cow::Borrowed(_))
        ));
    });
}

#[test]
fn dashes_are_absent_values() {
    let dashes: Vec<&str> = (0..33).map(|i| if i < 2 { "" } else { "-" }).collect();
    let line = format!(
        "2026-11-25\t09:00:00{}",
        dashes[2..]
            .iter()
            .map(|d| format!("\t{d}"))
            .collect::<String>()
    );
    let text = format!("{}{line}\n", header(&FIELDS, " "));
    let mut n = 0;
    let report = read_bytes(text.as_bytes(), "dash.log", &mut |v| {
        n += 1;
        assert_eq!(v.status(), None);
        assert_eq!(v.time_taken_ms(), None);
        assert_eq!(v.client_ip(), None);
        assert_eq!(v.text(Field::UserAgent), None);
        for f in Field::ALL.iter().skip(2) {
            assert_eq!(v.raw(*f), None, "{f}");
        }
        assert_eq!(LogFields::status(v), 0);
        assert_eq!(LogFields::user_agent(v), "");
    });
    assert_eq!((n, report.skipped), (1, 0));
}

#[test]
fn crlf_and_a_stray_trailing_tab_are_tolerated() {
    let text = format!(
        "#Version: 1.0\r\n#Fields: {}\r\n{LINE33}\r\n{LINE33}\t\n{LINE33}\t\r\n{LINE33}",
        FIELDS.join(" ")
    );
    let (recs, report) = read_all(text.as_bytes(), "crlf.log");
    assert_eq!((recs.len(), report.skipped), (4, 0));
    assert!(recs.iter().all(|r| r.line == LINE33));
    assert!(recs.iter().all(|r| r.status == Some(200)));
}

#[test]
fn ipv6_clients() {
    let line = LINE33.replace("203.0.113.7", "2a02:1234:5678:9abc::12f");
    let (recs, _) = read_all(format!("{line}\n").as_bytes(), "v6.log");
    assert_eq!(
        recs[0].ip,
        Some("2a02:1234:5678:9abc::12f".parse().unwrap())
    );
}

#[test]
fn malformed_lines_are_skipped_and_counted() {
    let bad = [
        prefix_line(20),                            // too few columns
        format!("{LINE33}\textra\tcolumns"),        // too many
        LINE33.replace("2026-11-25", "2026-02-30"), // not a date
        LINE33.replace("09:00:01", "9h00"),         // not a time
        LINE33.replace("\t200\t", "\tOK\t"),        // status not a number
        LINE33.replace("\t0.012\t", "\tfast\t"),    // time-taken not seconds
        LINE33.replace("\t51432\t", "\t-1\t"),      // c-port not a number
        "#Fields:".to_string(),                     // a header without names
    ];
    let mut text = header(&FIELDS, " ");
    for (i, b) in bad.iter().enumerate() {
        text.push_str(b);
        text.push('\n');
        if i % 2 == 0 {
            text.push_str(LINE33);
            text.push('\n');
        }
    }
    let (recs, report) = read_all(text.as_bytes(), "bad.log");
    assert_eq!(recs.len(), 4);
    assert_eq!(report.skipped, bad.len() as u64);
    assert!(
        report.errors.is_empty(),
        "malformed lines are not file errors"
    );
    assert!(
        report.skips[0].starts_with("bad.log:3: expected 33 fields, found 20"),
        "{:?}",
        report.skips
    );
    assert!(
        report
            .skips
            .iter()
            .any(|s| s.contains("bad value in `date`"))
    );
    let mut p = Parser::new();
    assert!(matches!(
        p.parse_line(LINE33.replace("\t200\t", "\t70000\t").as_bytes()),
        Parsed::Malformed(Malformed::Value(Field::Status))
    ));
    assert!(matches!(p.parse_line(b""), Parsed::Comment));
    assert!(matches!(p.parse_line(b"#Version: 1.0"), Parsed::Comment));
}

#[test]
fn non_utf8_bytes_skip_the_line_not_the_file() {
    let mut text = header(&FIELDS, " ").into_bytes();
    let mut broken = LINE33.as_bytes().to_vec();
    broken[60] = 0xff;
    text.extend_from_slice(&broken);
    text.push(b'\n');
    text.extend_from_slice(LINE33.replace("/index.html", "/café").as_bytes());
    text.extend_from_slice(b"\n\xff\xfe\n");
    let (recs, report) = read_all(&text, "bytes.log");
    assert_eq!(recs.len(), 1, "valid UTF-8 beyond ASCII is kept");
    assert_eq!(recs[0].path.as_deref(), Some("/café"));
    assert_eq!(report.skipped, 2);
}
