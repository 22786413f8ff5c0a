//! Export of the Traffic view's listed records: JSON Lines keyed by the W3C field names, or TSV
//! under a header, with the fields every retained record keeps (decoded, as the CLI writes them).

use super::traffic::Traffic;
use crate::accesslog::{LogFields, decode, decode_twice};
use crate::domain::Timestamp;
use std::fmt::Write;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per record.
    Jsonl,
    /// Tab-separated values under a header line.
    Tsv,
}

impl ExportFormat {
    /// The format a file name asks for (`.jsonl`/`.json`/`.ndjson` or `.tsv`).
    pub fn of_path(path: &str) -> Option<ExportFormat> {
        let lower = path.to_ascii_lowercase();
        if [".jsonl", ".json", ".ndjson"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            Some(ExportFormat::Jsonl)
        } else if lower.ends_with(".tsv") {
            Some(ExportFormat::Tsv)
        } else {
            None
        }
    }
}

/// The exported columns: W3C names (after `timestamp`), in log order.
const NAMES: [&str; 14] = [
    "timestamp",
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
    "x-edge-result-type",
    "time-taken",
    "time-to-first-byte",
];

enum Value {
    Text(String),
    Int(u64),
    Secs(u32),
    Null,
}

fn values<R: LogFields + ?Sized>(r: &R) -> [Value; 14] {
    let text = |s: &str| {
        if s.is_empty() || s == "-" {
            Value::Null
        } else {
            Value::Text(decode(s).into_owned())
        }
    };
    let ua = r.user_agent();
    [
        Value::Text(Timestamp(r.timestamp_ms()).rfc3339()),
        text(r.edge_location()),
        Value::Int(r.sc_bytes()),
        text(r.client_ip()),
        text(r.method()),
        text(r.host()),
        text(r.path()),
        Value::Int(u64::from(r.status())),
        text(r.referer()),
        if ua.is_empty() || ua == "-" {
            Value::Null
        } else {
            Value::Text(decode_twice(ua).into_owned())
        },
        text(r.query()),
        text(r.result_type()),
        Value::Secs(r.time_taken_ms()),
        Value::Secs(r.ttfb_ms()),
    ]
}

fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn tsv(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// The listed records (filter and preset applied), oldest first, in `format`; and their count.
pub fn export_records(t: &Traffic, format: ExportFormat) -> (String, usize) {
    let mut out = String::with_capacity(t.rows.len() * 256);
    if format == ExportFormat::Tsv {
        out.push_str(&NAMES.join("\t"));
        out.push('\n');
    }
    let mut n = 0;
    for r in t.rows.iter().filter_map(|s| t.record(*s)) {
        n += 1;
        let vals = values(&r);
        match format {
            ExportFormat::Jsonl => {
                out.push('{');
                for (i, (name, v)) in NAMES.iter().zip(&vals).enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_str(name, &mut out);
                    out.push(':');
                    match v {
                        Value::Text(s) => json_str(s, &mut out),
                        Value::Int(x) => {
                            let _ = write!(out, "{x}");
                        }
                        Value::Secs(ms) => {
                            let _ = write!(out, "{}.{:03}", ms / 1000, ms % 1000);
                        }
                        Value::Null => out.push_str("null"),
                    }
                }
                out.push_str("}\n");
            }
            ExportFormat::Tsv => {
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        out.push('\t');
                    }
                    match v {
                        Value::Text(s) => tsv(s, &mut out),
                        Value::Int(x) => {
                            let _ = write!(out, "{x}");
                        }
                        Value::Secs(ms) => {
                            let _ = write!(out, "{}.{:03}", ms / 1000, ms % 1000);
                        }
                        Value::Null => {}
                    }
                }
                out.push('\n');
            }
        }
    }
    (out, n)
}
