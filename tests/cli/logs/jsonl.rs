//! Every field of every layout through `-o jsonl`: each output line is JSON, keyed as the
//! `#Fields` line names the columns, with the value the README promises for each edge case —
//! the `000` status and leading zeros as plain integers, `-` as null, 19-digit counts exact,
//! control characters, quotes and bad UTF-8 in text escaped.

use super::*;
use serde_json::json;
use shipdeck::accesslog::{FIELDS, Field, FieldKind, decode, decode_twice};

/// The values a column of each kind may hold, each with the JSON value it becomes
/// (`None`: the text decoded, as the README says for text).
fn cases(name: &str, kind: Option<FieldKind>) -> Vec<(&'static str, Option<Value>)> {
    let n = |v: Value| Some(v);
    match kind {
        Some(FieldKind::Date) => vec![("2026-11-25", None), ("-", n(Value::Null))],
        Some(FieldKind::Time) => vec![
            ("09:00:01", None),
            ("23:59:59", None),
            ("-", n(Value::Null)),
        ],
        Some(FieldKind::Integer) if name == "sc-status" => vec![
            ("000", n(json!(0))),
            ("0", n(json!(0))),
            ("404", n(json!(404))),
            ("099", n(json!(99))),
            ("65535", n(json!(65535))),
            ("-", n(Value::Null)),
        ],
        Some(FieldKind::Integer) => vec![
            ("-", n(Value::Null)),
            ("0", n(json!(0))),
            ("000", n(json!(0))),
            ("0042", n(json!(42))),
            ("200", n(json!(200))),
            ("9007199254740993", n(json!(9_007_199_254_740_993_u64))),
            (
                "9999999999999999999",
                n(json!(9_999_999_999_999_999_999_u64)),
            ),
        ],
        Some(FieldKind::Seconds) => vec![
            ("-", n(Value::Null)),
            ("0.000", n(json!(0.0))),
            ("0.0", n(json!(0.0))),
            ("00.012", n(json!(0.012))),
            ("12", n(json!(12.0))),
            (".5", n(json!(0.5))),
            ("0.0005", n(json!(0.0))),
            ("4294967.295", n(json!(4_294_967.295))),
        ],
        Some(FieldKind::EpochSeconds) => vec![
            ("-", n(Value::Null)),
            ("1795597200", n(json!(1_795_597_200.0))),
            ("1795597200.123", n(json!(1_795_597_200.123))),
            ("1795597200.5", n(json!(1_795_597_200.5))),
        ],
        Some(FieldKind::Text) | None => vec![
            ("-", n(Value::Null)),
            ("plain", None),
            ("%22quoted%22", None),
            ("back%5Cslash", None),
            ("tab%09nl%0Acr%0D", None),
            ("nul%00ctl%01%1Fdel%7F", None),
            ("bad%FF%FEutf8", None),
            ("caf%C3%A9", None),
            ("raw\"quote", None),
            ("raw\\back", None),
            ("100%", None),
            ("%2", None),
            ("%E2%80%A8sep", None),
            ("%2522twice%2520", None),
            ("{\"json\":[1,\"x\"]}", None),
            ("\u{1F600}", None),
            ("000", None),
        ],
    }
}

/// The layouts: the 33 fields and the older 18, 24 and 26, and a standard logging v2 subset
/// with fields shipdeck does not type, a name given twice and a column named `timestamp`.
fn layouts() -> Vec<Vec<&'static str>> {
    let v2 = vec![
        "timestamp(ms)",
        "date",
        "time",
        "c-country",
        "asn",
        "sc-status",
        "cs-uri-stem",
        "time-to-first-byte",
        "sc-bytes",
        "sc-status",
        "origin-fbl",
        "cs(User-Agent)",
        "asn",
    ];
    let named = vec!["timestamp", "sc-status", "cs-uri-query", "c-port"];
    vec![
        FIELDS.to_vec(),
        FIELDS[..18].to_vec(),
        FIELDS[..24].to_vec(),
        FIELDS[..26].to_vec(),
        v2,
        named,
    ]
}

/// The key and kind of each column: a repeated name is an untyped column keyed `name#2`.
fn columns(names: &[&str]) -> Vec<(String, Option<FieldKind>)> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let before = names[..i].iter().filter(|n| *n == name).count();
            match before {
                0 => (name.to_string(), Field::from_name(name).map(Field::kind)),
                _ => (format!("{name}#{}", before + 1), None),
            }
        })
        .collect()
}

#[test]
fn every_field_of_every_layout_is_json_with_the_documented_values() {
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-jsonl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (l, names) in layouts().into_iter().enumerate() {
        let cols = columns(&names);
        let rows = cols
            .iter()
            .map(|(name, kind)| cases(name, *kind).len())
            .max()
            .unwrap();
        // Row k gives column c its case (k + c) mod n: every column meets every one of its cases.
        let mut file = format!("#Version: 1.0\n#Fields: {}\n", names.join(" "));
        let mut expected: Vec<Vec<(String, Value)>> = Vec::new();
        for k in 0..rows {
            let mut raw = Vec::new();
            let mut want: Vec<(String, Value)> = Vec::new();
            let (mut date, mut time) = (None, None);
            for (c, (key, kind)) in cols.iter().enumerate() {
                let cs = cases(key, *kind);
                let (text, value) = cs[(k + c) % cs.len()].clone();
                raw.push(text);
                let value = value.unwrap_or_else(|| {
                    let decoded = if key == "cs(User-Agent)" {
                        decode_twice(text)
                    } else {
                        decode(text)
                    };
                    Value::String(decoded.into_owned())
                });
                if key == "date" {
                    date = Some(text);
                }
                if key == "time" {
                    time = Some(text);
                }
                want.push((key.clone(), value));
            }
            if !names.contains(&"timestamp") {
                let at = match (date, time) {
                    (Some(d), Some(t)) if d != "-" && t != "-" => json!(format!("{d}T{t}Z")),
                    _ => Value::Null,
                };
                want.insert(0, ("timestamp".to_string(), at));
            }
            file.push_str(&raw.join("\t"));
            file.push('\n');
            expected.push(want);
        }
        let path = dir.join(format!("layout-{l}.log"));
        std::fs::write(&path, &file).unwrap();
        let out = shipdeck(&[
            "logs",
            "cloudfront",
            "--file",
            &path.display().to_string(),
            "-o",
            "jsonl",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("skipped"),
            "layout {l}: {}",
            text(&out.stderr)
        );
        let stdout = text(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines.len(),
            expected.len(),
            "layout {l}: one line per record"
        );
        for (line, want) in lines.iter().zip(&expected) {
            let got: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("layout {l}: not JSON ({e}): {line}"));
            let got = got.as_object().unwrap();
            let keys: Vec<&str> = got.keys().map(String::as_str).collect();
            let want_keys: Vec<&str> = want.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, want_keys, "layout {l}: keys in the file's order");
            for (key, value) in want {
                assert_eq!(&got[key], value, "layout {l}, {key}: {line}");
            }
        }
        // The statistics of the same file are JSON too.
        let out = shipdeck(&[
            "logs",
            "cloudfront",
            "--file",
            &path.display().to_string(),
            "--stats",
            "-o",
            "jsonl",
        ]);
        let stats: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("layout {l}: stats not JSON ({e}): {}", text(&out.stdout)));
        assert_eq!(stats["records"], expected.len());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
