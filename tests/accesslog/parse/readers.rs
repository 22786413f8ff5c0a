//! The readers (gzip members and breakage, non-gzip objects, directories, threads), the
//! generator → writer → parser round trip, and property tests that nothing panics.

use super::{LINE33, T, gz, header, read_all};
use proptest::prelude::*;
use shipdeck::accesslog::{FIELDS, Field, LogFields, Parsed, Parser, write_w3c};
use shipdeck::accesslog_io::{list_dir, par_read, read_bytes, read_dir};
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::domain::Timestamp;

#[test]
fn gzip_single_and_multi_member() {
    let one = format!("{}{LINE33}\n", header(&FIELDS, " "));
    let mut body = gz(one.as_bytes());
    body.extend(gz(one.as_bytes()));
    body.extend(gz(format!("{LINE33}\n").as_bytes()));
    let (recs, report) = read_all(&body, "multi.gz");
    assert_eq!((recs.len(), report.skipped, report.failed), (3, 0, 0));
    assert_eq!(report.bytes_in, body.len() as u64);
    assert_eq!(report.bytes_text, (2 * one.len() + LINE33.len() + 1) as u64);
}

#[test]
fn a_truncated_gzip_keeps_every_complete_record_and_counts_an_error() {
    let recs = LogGenerator::new(3, site()).window(T, 300_000, 3000, &Conditions::default());
    let mut text = String::new();
    write_w3c(&recs, &mut text);
    let body = gz(text.as_bytes());
    let cut = &body[..body.len() * 2 / 3];
    let (got, report) = read_all(cut, "cut.gz");
    assert_eq!(report.failed, 1);
    assert_eq!(report.errors.len(), 1);
    assert!(
        report.errors[0].starts_with("cut.gz: truncated gzip after "),
        "{:?}",
        report.errors
    );
    assert!(got.len() > 1000 && got.len() < 3000, "{}", got.len());
    assert_eq!(
        report.skipped, 0,
        "the broken last line is dropped, not counted as malformed"
    );
    let lines: Vec<&str> = text.lines().skip(2).collect();
    for (i, r) in got.iter().enumerate() {
        assert_eq!(r.line, lines[i], "record {i} is complete");
    }
}

#[test]
fn corrupt_or_non_gzip_objects_get_a_clear_error() {
    let mut body = gz(format!("{LINE33}\n{LINE33}\n").as_bytes());
    let n = body.len();
    body[n - 6] ^= 0xff; // break the CRC/size trailer
    let (recs, report) = read_all(&body, "crc.gz");
    assert_eq!(report.failed, 1);
    assert!(
        report.errors[0].contains("corrupt gzip") || report.errors[0].contains("truncated"),
        "{:?}",
        report.errors
    );
    assert!(recs.len() <= 2);
    let (recs, report) = read_all(b"<html>not a log</html>", "E2.2026-11-25-09.abc.gz");
    assert!(recs.is_empty());
    assert_eq!(
        report.errors,
        vec!["E2.2026-11-25-09.abc.gz: not a gzip file (named .gz but no gzip header)"]
    );
    let (_, report) = read_all(b"\x00\x01\x02binary", "blob.bin");
    assert!(
        report.errors[0].contains("binary data"),
        "{:?}",
        report.errors
    );
}

fn site() -> SiteProfile {
    SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: Some("01234567".into()),
    }
}

#[test]
fn generator_writer_parser_round_trip_on_10k_records() {
    let recs = LogGenerator::new(11, site()).window(
        T,
        3_600_000,
        10_000,
        &Conditions {
            error_boost: 0.02,
            miss_boost: 0.1,
            latency_boost: 0.0,
        },
    );
    let mut text = String::new();
    write_w3c(&recs, &mut text);
    let mut i = 0;
    let report = read_bytes(&gz(text.as_bytes()), "round.gz", &mut |v| {
        let r = &recs[i];
        i += 1;
        let t = |f| v.text(f).map(|c| c.into_owned());
        assert_eq!(
            v.timestamp(),
            Some(Timestamp(r.time.millis() / 1000 * 1000))
        );
        assert_eq!(v.edge_location(), Some(r.edge_location.as_str()));
        assert_eq!(v.sc_bytes(), Some(r.sc_bytes));
        assert_eq!(v.client_ip(), r.client_ip.parse().ok());
        assert_eq!(t(Field::Method).as_deref(), Some(r.method.as_str()));
        assert_eq!(t(Field::Host).as_deref(), Some(r.host.as_str()));
        assert_eq!(t(Field::UriStem).as_deref(), Some(r.uri_stem.as_str()));
        assert_eq!(v.status(), Some(r.status));
        assert_eq!(t(Field::Referer), r.referer);
        assert_eq!(t(Field::UserAgent), r.user_agent);
        assert_eq!(t(Field::UriQuery), r.query);
        assert_eq!(t(Field::Cookie), r.cookie);
        assert_eq!(v.result_type(), Some(r.edge_result_type.as_str()));
        assert_eq!(v.raw(Field::EdgeRequestId), Some(r.request_id.as_str()));
        assert_eq!(v.host_header(), Some(r.host_header.as_str()));
        assert_eq!(v.protocol(), Some(r.protocol.as_str()));
        assert_eq!(v.cs_bytes(), Some(r.cs_bytes));
        assert_eq!(v.time_taken_ms(), Some(r.time_taken_ms));
        assert_eq!(t(Field::ForwardedFor), r.forwarded_for);
        assert_eq!(t(Field::SslProtocol), r.ssl_protocol);
        assert_eq!(t(Field::SslCipher), r.ssl_cipher);
        assert_eq!(
            v.response_result_type(),
            Some(r.response_result_type.as_str())
        );
        assert_eq!(v.protocol_version(), Some(r.protocol_version.as_str()));
        assert_eq!(t(Field::FleStatus), r.fle_status);
        assert_eq!(
            v.integer(Field::FleEncryptedFields),
            r.fle_encrypted_fields.map(u64::from)
        );
        assert_eq!(v.client_port(), Some(r.client_port));
        assert_eq!(v.ttfb_ms(), Some(r.time_to_first_byte_ms));
        assert_eq!(
            v.detailed_result_type(),
            Some(r.detailed_result_type.as_str())
        );
        assert_eq!(t(Field::ContentType), r.content_type);
        assert_eq!(v.integer(Field::ContentLen), r.content_len);
        assert_eq!(v.integer(Field::RangeStart), r.range_start);
        assert_eq!(v.integer(Field::RangeEnd), r.range_end);
    });
    assert_eq!((i, report.records, report.skipped), (10_000, 10_000, 0));
}

#[test]
fn directories_and_parallel_reading_see_the_same_records() {
    let dir = std::env::temp_dir().join(format!("shipdeck-parse-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut expected = 0;
    for i in 0..6u64 {
        let recs = LogGenerator::new(i, site()).window(
            T,
            300_000,
            300 + i as usize * 50,
            &Conditions::default(),
        );
        expected += recs.len() as u64;
        let mut text = String::new();
        write_w3c(&recs, &mut text);
        let name = format!(
            "E2.2026-11-25-09.{i}{}",
            if i % 2 == 0 { ".gz" } else { ".log" }
        );
        let body = if i % 2 == 0 {
            gz(text.as_bytes())
        } else {
            text.into_bytes()
        };
        std::fs::write(dir.join(name), body).unwrap();
    }
    std::fs::write(dir.join(".hidden"), b"junk").unwrap();
    assert_eq!(list_dir(&dir).unwrap().len(), 6);
    let mut seq = 0u64;
    let report = read_dir(&dir, &mut |v| seq += u64::from(LogFields::status(v)));
    assert_eq!(
        (report.files, report.records, report.skipped),
        (6, expected, 0)
    );
    let files = list_dir(&dir).unwrap();
    for threads in [1, 2, 3, 0] {
        let (sum, r) = par_read(
            &files,
            threads,
            || 0u64,
            |a, v| *a += u64::from(LogFields::status(v)),
            |a, b| a + b,
        );
        assert_eq!(
            (sum, r.records, r.files),
            (seq, expected, 6),
            "{threads} threads"
        );
    }
    let (_, r) = par_read(&[dir.join("missing.gz")], 2, || (), |_, _| {}, |_, _| ());
    assert_eq!(r.failed, 1);
    assert!(r.errors[0].contains("missing.gz"));
    std::fs::remove_dir_all(&dir).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_parser_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut n = 0u64;
        let report = read_bytes(&bytes, "fuzz", &mut |v| { n += 1; let _ = (v.text(Field::UserAgent), v.client_ip(), v.timestamp()); });
        prop_assert_eq!(report.records, n);
        let mut with_header = format!("#Fields: {}\n", FIELDS.join(" ")).into_bytes();
        with_header.extend_from_slice(&bytes);
        read_bytes(&with_header, "fuzz.log", &mut |v| { let _ = v.text(Field::UriStem); });
    }

    #[test]
    fn mutated_valid_lines_never_panic(edits in proptest::collection::vec((0usize..LINE33.len(), any::<u8>()), 0..8), cut in 0usize..=LINE33.len()) {
        let mut line = LINE33.as_bytes().to_vec();
        for (at, b) in edits {
            line[at] = b;
        }
        line.truncate(cut.max(1));
        let mut p = Parser::new();
        if let Parsed::Record(v) = p.parse_line(&line) {
            for f in Field::ALL {
                let _ = (v.raw(f), v.text(f));
            }
            let _ = (v.status(), v.client_ip(), v.cs_bytes(), v.client_port());
        }
        let c = p.counts();
        prop_assert_eq!(c.lines, 1);
        prop_assert!(c.records + c.skipped <= 1);
    }
}
