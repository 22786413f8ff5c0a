//! Unit tests of the readers on the simulator's objects in every format: the same records from
//! W3C, JSON lines, plain lines and Parquet (gzip or not), and the bad inputs of each, counted
//! with their reason while the rest is kept.

use super::*;
use crate::accesslog::input::PlainLayout;
use crate::accesslog::{AccessRecord, Field, LineView, LogFields};
use crate::cloud::sim::cloudfront::{
    Conditions, LogFormat, LogGenerator, SiteProfile, V2_FIELDS, write_log,
};
use crate::domain::Timestamp;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

fn records(n: usize) -> Vec<AccessRecord> {
    let site = SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: None,
    };
    let mut recs = LogGenerator::new(7, site).window(
        Timestamp(1_795_597_200_000),
        600_000,
        n,
        &Conditions::default(),
    );
    recs.sort_by_key(|r| r.time);
    recs
}

/// What the tests compare of each record: time, status, path, country, ASN, origin first-byte
/// latency, user agent.
type Key = (i64, u16, String, String, String, Option<u32>, String);

fn key(v: &LineView<'_>) -> Key {
    (
        v.timestamp_ms(),
        LogFields::status(v),
        LogFields::path(v).to_string(),
        LogFields::country(v).to_string(),
        LogFields::asn(v).to_string(),
        v.origin_fbl_ms(),
        v.text(Field::UserAgent).unwrap_or_default().into_owned(),
    )
}

fn expected(recs: &[AccessRecord]) -> Vec<Key> {
    recs.iter()
        .map(|r| {
            (
                r.time.millis(),
                r.status,
                r.uri_stem.clone(),
                r.country.clone().unwrap_or_default(),
                r.asn.clone().unwrap_or_default(),
                r.origin_fbl_ms,
                r.user_agent.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn read(bytes: &[u8], name: &str, opts: &ReadOptions) -> (Vec<Key>, ReadReport) {
    let mut got = Vec::new();
    let report = read_bytes_with(bytes, name, opts, &mut |v| got.push(key(v)));
    (got, report)
}

#[test]
fn every_format_gzip_or_not_reads_the_same_records() {
    let recs = records(300);
    let want = expected(&recs);
    // Without date and time: the record time comes from timestamp(ms).
    let v2_no_date: Vec<Field> = V2_FIELDS.iter().copied().skip(2).collect();
    let names: Vec<&str> = v2_no_date.iter().map(|f| f.name()).collect();
    let comma = PlainLayout::parse(&names.join(","), Some(",")).unwrap();
    let tab = PlainLayout::parse(&names.join(","), None).unwrap();
    for (format, plain) in [
        (LogFormat::W3c, None),
        (LogFormat::Json, None),
        (LogFormat::Plain { delimiter: b'\t' }, Some(tab)),
        (LogFormat::Plain { delimiter: b',' }, Some(comma)),
        (
            LogFormat::Parquet {
                rows_per_group: 128,
            },
            None,
        ),
    ] {
        let bytes = write_log(&recs, &v2_no_date, format).unwrap();
        let opts = ReadOptions {
            plain,
            columns: None,
        };
        for (name, input) in [("obj", bytes.clone()), ("obj.gz", gzip(&bytes))] {
            let (got, report) = read(&input, name, &opts);
            assert_eq!(report.errors, Vec::<String>::new(), "{format:?} {name}");
            assert_eq!(report.skipped, 0, "{format:?} {name}: {:?}", report.skips);
            assert_eq!(got, want, "{format:?} {name}");
            // The same through the streaming reader (files, stdin).
            let mut n = 0;
            let r = read_reader_with(&input[..], name, &opts, &mut |_| n += 1);
            assert_eq!((n, r.records, r.failed), (recs.len(), recs.len() as u64, 0));
        }
    }
}

#[test]
fn parquet_reads_only_the_columns_asked_for() {
    let recs = records(50);
    let bytes = write_log(&recs, &V2_FIELDS, LogFormat::Parquet { rows_per_group: 20 }).unwrap();
    let opts = ReadOptions {
        plain: None,
        columns: Some(vec![Field::TimestampMs, Field::Status]),
    };
    let mut seen = Vec::new();
    let report = read_bytes_with(&bytes, "p.parquet", &opts, &mut |v| {
        seen.push((v.schema().len(), v.status(), v.path().is_some()));
    });
    assert_eq!(report.records, 50);
    assert!(
        seen.iter().all(|s| s.0 == 2 && s.1.is_some() && !s.2),
        "{seen:?}"
    );
}

#[test]
fn a_bad_row_group_is_counted_with_its_reason_and_the_others_kept() {
    let recs = records(300);
    let bytes = write_log(
        &recs,
        &V2_FIELDS,
        LogFormat::Parquet {
            rows_per_group: 100,
        },
    )
    .unwrap();
    // Overwrite the middle of the file (the second row group's pages), keeping the footer.
    let mut broken = bytes.clone();
    let mid = broken.len() / 2;
    for b in broken.iter_mut().skip(mid - 200).take(400) {
        *b = 0xAA;
    }
    let (got, report) = read(&broken, "bad.parquet", &ReadOptions::default());
    assert_eq!(report.failed, 1, "{report:?}");
    assert!(
        report.errors[0].starts_with("bad.parquet: row group ")
            && report.errors[0].contains(" of 3 unreadable"),
        "{:?}",
        report.errors
    );
    assert!(got.len() >= 100 && got.len() < 300, "{}", got.len());
    // A cut file has no footer: unreadable as a whole, said so.
    let (got, report) = read(
        &bytes[..bytes.len() - 10],
        "cut.parquet",
        &ReadOptions::default(),
    );
    assert!(got.is_empty());
    assert!(
        report.errors[0].contains("not a readable Parquet file"),
        "{:?}",
        report.errors
    );
}

#[test]
fn json_with_bad_lines_and_a_cut_gzip_keeps_the_good_records() {
    let recs = records(20);
    let mut bytes = write_log(&recs, &V2_FIELDS, LogFormat::Json).unwrap();
    bytes.extend_from_slice(b"{\"sc-status\": 200}\nnot json\n");
    let gz = gzip(&bytes);
    let (got, report) = read(&gz, "j.gz", &ReadOptions::default());
    assert_eq!((got.len(), report.skipped), (20, 2));
    assert!(
        report.skips[0]
            .ends_with(":21: not a JSON log record: `sc-status` is a number, expected a string"),
        "{:?}",
        report.skips
    );
    let (got, report) = read(&gz[..gz.len() / 2], "j.gz", &ReadOptions::default());
    assert!(!got.is_empty() && got.len() < 20);
    assert_eq!(report.failed, 1);
    assert!(
        report.errors[0].contains("truncated gzip"),
        "{:?}",
        report.errors
    );
}

#[test]
fn formats_are_told_by_content_not_by_name_and_plain_needs_its_layout() {
    let recs = records(10);
    let json = write_log(&recs, &V2_FIELDS, LogFormat::Json).unwrap();
    // JSON in an object named like Parquet: read as JSON.
    let (got, report) = read(
        &json,
        "E2.2026-11-25-09.abc.parquet",
        &ReadOptions::default(),
    );
    assert_eq!((got.len(), report.failed), (10, 0));
    let plain = write_log(&recs, &V2_FIELDS, LogFormat::Plain { delimiter: b'\t' }).unwrap();
    let (got, report) = read(&plain, "plain.log", &ReadOptions::default());
    assert!(got.is_empty());
    assert!(report.errors[0].contains("--fields"), "{:?}", report.errors);
    // The legacy 33 columns without their header read as before.
    let legacy = write_log(
        &recs,
        &V2_FIELDS[..33],
        LogFormat::Plain { delimiter: b'\t' },
    )
    .unwrap();
    let (got, _) = read(&legacy, "legacy.log", &ReadOptions::default());
    assert_eq!(got.len(), 10);
}

#[test]
fn a_directory_tree_is_listed_in_path_order_partitions_included() {
    let dir = std::env::temp_dir().join(format!("shipdeck-io-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let hour = |h: u32| {
        dir.join(format!(
            "distributionid=E2/year=2026/month=11/day=25/hour={h:02}"
        ))
    };
    for h in [10, 9] {
        std::fs::create_dir_all(hour(h)).unwrap();
        std::fs::write(hour(h).join("b.gz"), b"").unwrap();
        std::fs::write(hour(h).join("a.parquet"), b"").unwrap();
    }
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    std::fs::write(dir.join(".hidden/x.gz"), b"").unwrap();
    let files: Vec<String> = list_dir(&dir)
        .unwrap()
        .iter()
        .map(|p| p.strip_prefix(&dir).unwrap().display().to_string())
        .collect();
    let p = "distributionid=E2/year=2026/month=11/day=25";
    assert_eq!(
        files,
        vec![
            format!("{p}/hour=09/a.parquet"),
            format!("{p}/hour=09/b.gz"),
            format!("{p}/hour=10/a.parquet"),
            format!("{p}/hour=10/b.gz"),
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parquet_with_typed_columns_reads_through_rows() {
    use ::parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
    use ::parquet::file::properties::WriterProperties;
    use ::parquet::file::writer::SerializedFileWriter;
    use ::parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema = parse_message_type(
        "message m { optional binary sc_status (STRING); optional int64 asn; required binary c_country (STRING); }",
    )
    .unwrap();
    let props = Arc::new(WriterProperties::builder().build());
    let mut w = SerializedFileWriter::new(Vec::new(), Arc::new(schema), props).unwrap();
    let mut rg = w.next_row_group().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    col.typed::<ByteArrayType>()
        .write_batch(
            &[ByteArray::from("200"), ByteArray::from("502")],
            Some(&[1, 1]),
            None,
        )
        .unwrap();
    col.close().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    col.typed::<Int64Type>()
        .write_batch(&[16509], Some(&[1, 0]), None)
        .unwrap();
    col.close().unwrap();
    let mut col = rg.next_column().unwrap().unwrap();
    col.typed::<ByteArrayType>()
        .write_batch(&[ByteArray::from("DE"), ByteArray::from("US")], None, None)
        .unwrap();
    col.close().unwrap();
    rg.close().unwrap();
    let bytes = w.into_inner().unwrap();
    let mut got = Vec::new();
    let report = read_bytes(&bytes, "typed.parquet", &mut |v| {
        got.push((
            v.status(),
            v.asn().map(str::to_string),
            v.country().map(str::to_string),
        ));
    });
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(
        got,
        vec![
            (Some(200), Some("16509".into()), Some("DE".into())),
            (Some(502), None, Some("US".into())),
        ]
    );
}

#[test]
fn a_multi_member_gzip_of_equal_members_keeps_every_member_in_memory_and_from_a_file() {
    let recs = records(200);
    let w3c = write_log(&recs, &V2_FIELDS, LogFormat::W3c).unwrap();
    let one = gzip(&w3c);
    // What the object's text reads as, without gzip.
    let (whole, _) = read(&w3c, "plain", &ReadOptions::default());
    assert_eq!(whole.len(), recs.len());
    let twice: Vec<Key> = whole.iter().chain(&whole).cloned().collect();
    // Two identical members: the same sizes and the same trailer.
    let object = [one.clone(), one.clone()].concat();
    let (got, report) = read(&object, "two.gz", &ReadOptions::default());
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(
        (got.len(), report.skipped),
        (twice.len(), 0),
        "{:?}",
        report.skips
    );
    assert!(got == twice, "both members read, in order");
    let path = std::env::temp_dir().join(format!("shipdeck-io-multi-{}.gz", std::process::id()));
    std::fs::write(&path, &object).unwrap();
    let mut from_file = Vec::new();
    let report = read_path(&path, &mut |v| from_file.push(key(v)));
    let _ = std::fs::remove_file(&path);
    assert_eq!(report.errors, Vec::<String>::new());
    assert!(from_file == twice, "both members read from a file");
    // A single member is inflated whole; a truncated one keeps its complete records.
    let (got, _) = read(&one, "one.gz", &ReadOptions::default());
    assert!(got == whole);
    let (got, report) = read(&one[..one.len() - 4], "cut.gz", &ReadOptions::default());
    assert!(!got.is_empty() && got.len() <= whole.len());
    assert!(
        got[..] == whole[..got.len()],
        "the complete records, in order"
    );
    assert_eq!(report.failed, 1, "{:?}", report.errors);
}

#[test]
fn parquet_rows_read_as_lines_in_bulk_are_the_records_the_converter_makes_row_by_row() {
    use crate::accesslog::Parser;
    use crate::accesslog::input::{Cell, Converter};
    use ::parquet::data_type::{ByteArray, ByteArrayType};
    use ::parquet::file::properties::WriterProperties;
    use ::parquet::file::writer::SerializedFileWriter;
    use ::parquet::schema::parser::parse_message_type;
    use std::borrow::Cow;
    use std::sync::Arc;
    // More than one chunk of lines; odd values among the usual: a first column starting with
    // `#`, a tab and a line end inside values, nulls and empty strings, a bad status, and bytes
    // that are not UTF-8 (in the second chunk, which is then taken row by row).
    let rows = 3_000;
    let names = [
        "c_ip",
        "sc_status",
        "cs_user_agent",
        "x_edge_location",
        "cs_uri_stem",
    ];
    let value = |row: usize, col: usize| -> Option<Vec<u8>> {
        let v = match (col, row % 500) {
            (0, 7) => "#10.0.0.7".to_string(),
            (0, _) => format!("10.0.{}.{}", row / 256, row % 256),
            (1, 11) => "2x0".into(),
            (1, _) => ["200", "304", "502"][row % 3].into(),
            (2, 13) => "Mozilla/5.0\tTab".into(),
            (2, 17) => "line\r\nend".into(),
            (2, _) => format!(
                "Mozilla/5.0%20(X11;%20Linux%20x86_64)%20build%20{row:08}%20{}",
                "x".repeat(60)
            ),
            (3, 19) => return None,
            (3, 23) => String::new(),
            (3, _) => "FRA56-P1".into(),
            (4, _) if row == 2_222 => return Some(b"/bad-\xff-utf8".to_vec()),
            (_, _) => format!("/assets/{}.js", row % 97),
        };
        Some(v.into_bytes())
    };
    let schema = parse_message_type(&format!(
        "message m {{ {} }}",
        names
            .iter()
            .map(|n| format!("optional binary {n};"))
            .collect::<String>()
    ))
    .unwrap();
    let props = Arc::new(WriterProperties::builder().build());
    let mut w = SerializedFileWriter::new(Vec::new(), Arc::new(schema), props).unwrap();
    for group in [0..1_700, 1_700..rows] {
        let mut rg = w.next_row_group().unwrap();
        for col in 0..names.len() {
            let cells: Vec<Option<Vec<u8>>> = group.clone().map(|r| value(r, col)).collect();
            let values: Vec<ByteArray> = cells
                .iter()
                .flatten()
                .map(|v| ByteArray::from(v.clone()))
                .collect();
            let defs: Vec<i16> = cells.iter().map(|c| i16::from(c.is_some())).collect();
            let mut c = rg.next_column().unwrap().unwrap();
            c.typed::<ByteArrayType>()
                .write_batch(&values, Some(&defs), None)
                .unwrap();
            c.close().unwrap();
        }
        rg.close().unwrap();
    }
    let bytes = w.into_inner().unwrap();
    let mut got = Vec::new();
    let report = read_bytes(&bytes, "odd.parquet", &mut |v| {
        got.push(v.line().to_string())
    });
    // The converter, a row at a time, on the same values.
    let (mut parser, mut conv, mut want) = (Parser::new(), Converter::new(), Vec::new());
    for row in 0..rows {
        let cells: Vec<Option<Vec<u8>>> = (0..names.len()).map(|c| value(row, c)).collect();
        match cells
            .iter()
            .flatten()
            .find(|v| std::str::from_utf8(v).is_err())
        {
            Some(_) => parser.note_malformed(crate::accesslog::Malformed::Row(
                "`cs_uri_stem` is not UTF-8".into(),
            )),
            None => {
                let cells: Vec<(&str, Cell<'_>)> = names
                    .iter()
                    .zip(&cells)
                    .map(|(n, c)| {
                        let cell = c.as_ref().map_or(Cell::Null, |v| {
                            Cell::Text(Cow::Borrowed(std::str::from_utf8(v).unwrap()))
                        });
                        (*n, cell)
                    })
                    .collect();
                conv.record(&mut parser, &cells, &mut |v| {
                    want.push(v.line().to_string())
                });
            }
        }
    }
    let mut expected = ReadReport::default();
    super::read::finish_report(&mut expected, &parser, "odd.parquet");
    assert_eq!(report.errors, Vec::<String>::new());
    assert_eq!(got.len(), want.len());
    assert!(got == want, "the same records, in order");
    assert_eq!(
        (report.lines, report.records, report.skipped, &report.skips),
        (
            expected.lines,
            expected.records,
            expected.skipped,
            &expected.skips
        )
    );
    // Six bad statuses and the row that is not UTF-8.
    assert_eq!(report.skipped, 7, "{:?}", report.skips);
}

#[test]
fn a_line_past_the_limit_is_skipped_and_counted_in_every_format_streamed_or_in_memory() {
    let recs = records(10);
    let long = vec![b'x'; read::MAX_LINE + 1024];
    for format in [LogFormat::W3c, LogFormat::Json] {
        let bytes = write_log(&recs, &V2_FIELDS, format).unwrap();
        let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
        // One enormous line before the last five records, one more unterminated at the end.
        let cut = lines.len() - 5;
        let mut input = lines[..cut].concat();
        input.extend_from_slice(&long);
        input.push(b'\n');
        input.extend_from_slice(&lines[cut..].concat());
        input.extend_from_slice(&long);
        for (name, input) in [("obj", input.clone()), ("obj.gz", gzip(&input))] {
            // Streamed (a file, stdin) and in memory (an object, inflated whole or plain).
            let mut streamed = Vec::new();
            let r = read_reader_with(&input[..], name, &ReadOptions::default(), &mut |v| {
                streamed.push(key(v));
            });
            let (held, h) = read(&input, name, &ReadOptions::default());
            for (got, r, how) in [(streamed, r, "streamed"), (held, h, "in memory")] {
                assert_eq!(got, expected(&recs), "{format:?} {name} {how}");
                assert_eq!(
                    (r.skipped, r.failed),
                    (2, 0),
                    "{format:?} {name} {how}: {r:?}"
                );
                // W3C in memory has no line limit: the line is read, and skipped for its fields.
                // Not gzip here: this object inflates past the 32 MiB inflated whole, so it
                // streams, as a file does.
                let why = if how == "in memory" && format == LogFormat::W3c && name == "obj" {
                    "expected 39 fields, found 1"
                } else {
                    "line too long"
                };
                assert!(
                    r.skips.iter().all(|s| s.contains(why)),
                    "{format:?} {name} {how}: {:?}",
                    r.skips
                );
            }
        }
    }
}
