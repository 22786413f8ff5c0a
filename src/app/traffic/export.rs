//! Export of the Traffic view's listed records: taken out of the view as an [`ExportJob`] and
//! written by the runtime off the UI thread, through the one exporter (`accesslog::Exporter`):
//! JSON Lines, TSV or W3C, as `shipdeck logs cloudfront` writes a log with the columns every
//! retained record keeps.

use super::Traffic;
use crate::accesslog::{Exporter, FieldLines, Format, Retained};
use std::sync::Arc;

/// An export format: JSON Lines, TSV or W3C ([`Format::of_path`] reads it off the file name).
pub type ExportFormat = Format;

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

    /// Writes the records, oldest first, as `shipdeck logs cloudfront -o FORMAT` writes a log
    /// with the columns they keep; returns how many were written.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<usize> {
        let mut exporter = Exporter::new(self.format);
        let mut lines = FieldLines::new();
        // The columns are known before the first record: an export of none still has its header.
        let mut text = exporter.header_of(lines.schema()).unwrap_or_default();
        let mut n = 0;
        let listed = self
            .rows
            .iter()
            .filter_map(|s| self.records.get(self.records.position(*s)?));
        for r in listed {
            if lines.view(&r, |v| exporter.write(v, &mut text)) {
                n += 1;
            }
            out.write_all(text.as_bytes())?;
            text.clear();
        }
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accesslog::{LogFields, RETAINED_FIELDS};
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
        let mut names = vec!["timestamp"];
        names.extend(RETAINED_FIELDS);
        assert_eq!(keys, names, "the W3C names in log order, after the time");
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
