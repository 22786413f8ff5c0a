//! The whole-buffer parse (`Parser::feed`, which indexes a buffer's tabs and newlines at once)
//! against the line-at-a-time parse (`Parser::parse_line`) on random mixes of every line shape:
//! same records, same columns, same counts, same errors, however the input is cut into feeds.

use super::LINE33;
use proptest::prelude::*;
use shipdeck::accesslog::{FIELDS, LineView, Parsed, Parser};

/// Everything a view shows of a record, owned.
fn snapshot(v: &LineView<'_>) -> (String, Vec<Option<String>>, Option<u16>, Option<i64>) {
    let columns = (0..=v.schema().len())
        .map(|i| v.column(i).map(str::to_string))
        .collect();
    (
        v.line().to_string(),
        columns,
        v.status(),
        v.timestamp().map(|t| t.0),
    )
}

type Snap = (String, Vec<Option<String>>, Option<u16>, Option<i64>);

/// How many line shapes there are.
const SHAPES: usize = 17;

/// The line shapes a buffer is made of.
fn shape(i: usize) -> Vec<u8> {
    let bad_utf8 = {
        let mut l = LINE33.as_bytes().to_vec();
        l[40] = 0xff;
        l
    };
    match i % SHAPES {
        0..=4 => LINE33.as_bytes().to_vec(),
        5 => format!("{LINE33}\r").into_bytes(),
        6 => format!("{LINE33}\t").into_bytes(),
        7 => format!("#Fields: {}", FIELDS.join(" ")).into_bytes(),
        8 => b"#Fields:\tdate\ttime\tsc-status".to_vec(),
        9 => b"2026-11-25\t09:00:03\t503".to_vec(),
        10 => Vec::new(),
        11 => bad_utf8,
        12 => LINE33.replacen('\t', "\t\t", 1).into_bytes(),
        13 => LINE33.replace("\t200\t", "\t2x0\t").into_bytes(),
        14 => b"#Version: 1.0".to_vec(),
        15 => b"#Fields: sc-status".to_vec(),
        _ => b"404".to_vec(),
    }
}

fn by_lines(text: &[u8]) -> (Vec<Snap>, (u64, u64, u64), String) {
    let mut p = Parser::new();
    let mut out = Vec::new();
    let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
    for line in &lines[..lines.len() - 1] {
        if let Parsed::Record(v) = p.parse_line(line) {
            out.push(snapshot(&v));
        }
    }
    let c = p.counts();
    (
        out,
        (c.lines, c.records, c.skipped),
        format!("{:?}", p.first_errors()),
    )
}

fn fed(text: &[u8], cuts: &[usize]) -> (Vec<Snap>, (u64, u64, u64), String) {
    let mut p = Parser::new();
    let mut out = Vec::new();
    let (mut pos, mut cuts) = (0, cuts.to_vec());
    cuts.sort_unstable();
    cuts.push(text.len());
    for cut in cuts {
        let end = cut.clamp(pos, text.len());
        pos += p.feed(&text[pos..end], &mut |v| out.push(snapshot(v)));
    }
    assert_eq!(pos, text.len(), "every complete line consumed");
    let c = p.counts();
    (
        out,
        (c.lines, c.records, c.skipped),
        format!("{:?}", p.first_errors()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn feeding_a_buffer_equals_parsing_it_line_by_line(
        shapes in proptest::collection::vec(0usize..SHAPES, 1..60),
        cuts in proptest::collection::vec(0usize..40_000, 0..4),
    ) {
        let mut text = Vec::new();
        for s in &shapes {
            text.extend(shape(*s));
            text.push(b'\n');
        }
        let expected = by_lines(&text);
        if shapes[0] <= 4 {
            prop_assert!(expected.1.1 > 0, "a usual first line is a record");
        }
        prop_assert_eq!(fed(&text, &[]), expected.clone());
        prop_assert_eq!(fed(&text, &cuts), expected);
    }
}

#[test]
fn a_record_from_the_index_shows_its_own_line_and_columns() {
    let text = format!("{LINE33}\n{LINE33}\r\n{LINE33}\t\n");
    let (records, counts, _) = fed(text.as_bytes(), &[]);
    assert_eq!(counts, (3, 3, 0));
    for (line, columns, status, _) in records {
        assert_eq!(line, LINE33);
        assert_eq!(columns.len(), 34);
        assert_eq!(columns[8].as_deref(), Some("200"));
        assert_eq!(columns[32].as_deref(), Some("-"));
        assert_eq!(columns[33], None, "no column past the last");
        assert_eq!(status, Some(200));
    }
}
