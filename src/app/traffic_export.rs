//! Export of the Traffic view's listed records: JSON Lines keyed by the W3C field names, or TSV
//! under a header, with the fields every retained record keeps (decoded, as the CLI writes them),
//! taken out of the view as an [`ExportJob`] and written by the runtime off the UI thread.

use super::traffic::Traffic;
use crate::accesslog::{LogFields, Retained, decode, decode_twice};
use crate::domain::Timestamp;
use std::fmt::Write;
use std::sync::Arc;

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

/// Why an export file was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// The file exists and the export was not asked to replace it: nothing was written.
    Exists {
        /// The existing file's size.
        bytes: u64,
        /// The records the operator exported, kept for the question whether to replace it.
        job: Arc<ExportJob>,
    },
    /// The write failed (the OS error); the file is as it was before.
    Failed(String),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Exists { bytes, .. } => {
                write!(f, "the file exists ({})", size_text(*bytes))
            }
            ExportError::Failed(e) => f.write_str(e),
        }
    }
}

/// `12,345 bytes`.
pub fn size_text(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(if bytes == 1 { " byte" } else { " bytes" });
    out
}

/// The question an export asks before it replaces an existing file: `y` replaces it with the
/// records taken when the export was asked for, any other key keeps the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaceFile {
    /// The path as the operator typed it.
    pub path: String,
    /// The existing file's size.
    pub bytes: u64,
    /// The records to write.
    pub job: Arc<ExportJob>,
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
        let mut line: Vec<u8> = Vec::with_capacity(1024);
        if self.format == ExportFormat::Tsv {
            line.extend_from_slice(NAMES.join("\t").as_bytes());
            line.push(b'\n');
        }
        let mut n = 0;
        let listed = self
            .rows
            .iter()
            .filter_map(|s| self.records.get(self.records.position(*s)?));
        for r in listed {
            n += 1;
            format_record(&values(&r), self.format, &mut line)?;
            out.write_all(&line)?;
            line.clear();
        }
        out.write_all(&line)?;
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

/// One record as a JSON object: the W3C names as keys, in log order (serialized by serde_json).
struct JsonRecord<'a>(&'a [Value; 14]);

impl serde::Serialize for JsonRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(NAMES.len()))?;
        for (name, v) in NAMES.iter().zip(self.0) {
            map.serialize_entry(name, v)?;
        }
        map.end()
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Text(t) => s.serialize_str(t),
            Value::Int(x) => s.serialize_u64(*x),
            // Milliseconds as seconds: exact to the millisecond in an f64, written shortest.
            Value::Secs(ms) => s.serialize_f64(f64::from(*ms) / 1000.0),
            Value::Null => s.serialize_none(),
        }
    }
}

/// Appends one record's line to `out`.
fn format_record(
    vals: &[Value; 14],
    format: ExportFormat,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    match format {
        ExportFormat::Jsonl => {
            serde_json::to_writer(&mut *out, &JsonRecord(vals))?;
            out.push(b'\n');
        }
        ExportFormat::Tsv => {
            let mut text = String::with_capacity(512);
            for (i, v) in vals.iter().enumerate() {
                if i > 0 {
                    text.push('\t');
                }
                match v {
                    Value::Text(s) => tsv(s, &mut text),
                    v => number(v, &mut text),
                }
            }
            text.push('\n');
            out.extend_from_slice(text.as_bytes());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A record with the values a log may hold at its edges.
    struct Edge {
        status: u16,
        bytes: u64,
        taken: u32,
        path: &'static str,
        agent: &'static str,
    }

    impl LogFields for Edge {
        fn timestamp_ms(&self) -> i64 {
            1_795_597_201_000
        }
        fn status(&self) -> u16 {
            self.status
        }
        fn sc_bytes(&self) -> u64 {
            self.bytes
        }
        fn time_taken_ms(&self) -> u32 {
            self.taken
        }
        fn ttfb_ms(&self) -> u32 {
            self.taken / 2
        }
        fn method(&self) -> &str {
            "GET"
        }
        fn path(&self) -> &str {
            self.path
        }
        fn query(&self) -> &str {
            "-"
        }
        fn client_ip(&self) -> &str {
            "2001:db8::7"
        }
        fn edge_location(&self) -> &str {
            "FRA56-P1"
        }
        fn result_type(&self) -> &str {
            "Error"
        }
        fn user_agent(&self) -> &str {
            self.agent
        }
        fn referer(&self) -> &str {
            ""
        }
        fn host(&self) -> &str {
            "d111111abcdef8.cloudfront.net"
        }
    }

    #[test]
    fn jsonl_lines_are_json_whatever_the_values() {
        let edges = [
            Edge {
                status: 0,
                bytes: 0,
                taken: 0,
                path: "/%22quoted%22%5C%00%01%0A%09",
                agent: "curl%252F8%2520%2522x%2522",
            },
            Edge {
                status: 504,
                bytes: 9_999_999_999_999_999_999,
                taken: u32::MAX,
                path: "/bad%FF%FEutf8/caf%C3%A9/%E2%80%A8",
                agent: "-",
            },
        ];
        let mut records = Retained::new(4);
        for e in &edges {
            records.push(e);
        }
        let job = ExportJob {
            format: ExportFormat::Jsonl,
            records,
            rows: vec![0, 1],
        };
        let mut out = Vec::new();
        assert_eq!(job.write_to(&mut out).ok(), Some(2));
        let text = String::from_utf8(out).unwrap_or_default();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert_eq!(lines.len(), 2);
        let keys: Vec<&str> = lines[0]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, NAMES, "the W3C names in log order");
        let (a, b) = (&lines[0], &lines[1]);
        assert_eq!(a["sc-status"], json!(0), "the 000 status is 0");
        assert_eq!(a["cs-uri-stem"], json!("/\"quoted\"\\\u{0}\u{1}\n\t"));
        assert_eq!(a["cs(User-Agent)"], json!("curl/8 \"x\""));
        assert_eq!(a["time-taken"], json!(0.0));
        assert_eq!(a["cs-uri-query"], serde_json::Value::Null);
        assert_eq!(a["cs(Referer)"], serde_json::Value::Null);
        assert_eq!(b["sc-bytes"], json!(9_999_999_999_999_999_999_u64));
        assert_eq!(b["time-taken"], json!(4_294_967.295));
        assert_eq!(
            b["cs-uri-stem"],
            json!("/bad\u{FFFD}\u{FFFD}utf8/café/\u{2028}")
        );
        assert_eq!(b["cs(User-Agent)"], serde_json::Value::Null);
    }
}
