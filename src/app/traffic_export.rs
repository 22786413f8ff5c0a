//! Export of the Traffic view's listed records: JSON Lines keyed by the W3C field names, or TSV
//! under a header, with the fields every retained record keeps (decoded, as the CLI writes them),
//! taken out of the view as an [`ExportJob`] and written by the runtime off the UI thread.

use super::traffic::Traffic;
use crate::accesslog::{LogFields, Retained, decode, decode_twice};
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

/// The listed records (filter and preset applied) taken out of the view to be written off the
/// UI thread: a copy of the retained store when most records are listed, else just the listed
/// ones.
#[derive(Debug, Clone)]
pub struct ExportJob {
    /// The format to write.
    pub format: ExportFormat,
    records: Retained,
    rows: Vec<u64>,
}

impl PartialEq for ExportJob {
    fn eq(&self, o: &Self) -> bool {
        self.format == o.format
            && self.rows == o.rows
            && self.records.pushed() == o.records.pushed()
    }
}

impl Eq for ExportJob {}

impl ExportJob {
    /// The records `t` lists now, in `format`.
    pub fn of(t: &Traffic, format: ExportFormat) -> ExportJob {
        if t.rows.len() >= t.records.len() / 4 {
            return ExportJob {
                format,
                records: t.records.clone(),
                rows: t.rows.iter().copied().collect(),
            };
        }
        let mut records = Retained::new(t.rows.len().max(1));
        for r in t.rows.iter().filter_map(|s| t.record(*s)) {
            records.push(&r);
        }
        let rows = (0..records.pushed()).collect();
        ExportJob {
            format,
            records,
            rows,
        }
    }

    /// Records to write.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Writes the records, oldest first; returns how many were written.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<usize> {
        let mut line = String::with_capacity(1024);
        if self.format == ExportFormat::Tsv {
            line.push_str(&NAMES.join("\t"));
            line.push('\n');
        }
        let mut n = 0;
        let listed = self
            .rows
            .iter()
            .filter_map(|s| self.records.get(self.records.position(*s)?));
        for r in listed {
            n += 1;
            format_record(&values(&r), self.format, &mut line);
            out.write_all(line.as_bytes())?;
            line.clear();
        }
        out.write_all(line.as_bytes())?;
        out.flush()?;
        Ok(n)
    }
}

fn number(v: &Value, out: &mut String) {
    match v {
        Value::Int(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Secs(ms) => {
            let _ = write!(out, "{}.{:03}", ms / 1000, ms % 1000);
        }
        Value::Text(_) | Value::Null => {}
    }
}

/// Appends one record's line to `out`.
fn format_record(vals: &[Value; 14], format: ExportFormat, out: &mut String) {
    match format {
        ExportFormat::Jsonl => {
            out.push('{');
            for (i, (name, v)) in NAMES.iter().zip(vals).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(name, out);
                out.push(':');
                match v {
                    Value::Text(s) => json_str(s, out),
                    Value::Null => out.push_str("null"),
                    v => number(v, out),
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
                    Value::Text(s) => tsv(s, out),
                    v => number(v, out),
                }
            }
            out.push('\n');
        }
    }
}
