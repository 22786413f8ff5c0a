//! Export of the Traffic view's listed records: taken out of the view as an [`ExportJob`] and
//! written by the runtime off the UI thread, through the one exporter (`accesslog::Exporter`):
//! JSON Lines, TSV or W3C, as `shipdeck logs cloudfront` writes a log with the columns every
//! retained record keeps (and standard logging v2's, when the records carry them).

use super::Traffic;
use crate::accesslog::{Exporter, Field, FieldLines, Format, LogFields, Retained};
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
    /// The v2 fields the view's records carry (none for a legacy delivery), written after the
    /// retained ones.
    v2: Vec<Field>,
}

impl PartialEq for ExportJob {
    fn eq(&self, o: &Self) -> bool {
        self.format == o.format
            && self.rows == o.rows
            && self.v2 == o.v2
            && self.records.pushed() == o.records.pushed()
    }
}

impl Eq for ExportJob {}

impl ExportJob {
    /// The records `t` lists now, in `format`, oldest first: in the list's order, which is time
    /// order (sorted again here, stably, so a file is oldest first whatever the list holds).
    pub fn of(t: &Traffic, format: ExportFormat) -> ExportJob {
        let v2 = t.records.v2_fields();
        let mut timed: Vec<(i64, u64)> = t
            .rows
            .iter()
            .filter_map(|s| Some((t.record(*s)?.timestamp_ms(), *s)))
            .collect();
        timed.sort_by_key(|(ms, _)| *ms);
        if t.rows.len() >= t.records.len() / 4 {
            return ExportJob {
                format,
                records: t.records.clone(),
                rows: timed.into_iter().map(|(_, s)| s).collect(),
                v2,
            };
        }
        let mut records = Retained::new(t.rows.len().max(1));
        for r in timed.iter().filter_map(|(_, s)| t.record(*s)) {
            records.push(&r);
        }
        let rows = (0..records.pushed()).collect();
        ExportJob {
            format,
            records,
            rows,
            v2,
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
    /// with the columns they keep (v2's keyed by CloudFront's field names, when they carry
    /// them); returns how many were written.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<usize> {
        let mut exporter = Exporter::new(self.format);
        let mut lines = FieldLines::with_v2(&self.v2);
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
            v2: records.v2_fields(),
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

    /// A v2 log's records, parsed and retained as the Traffic view keeps them.
    fn v2_records(text: &str) -> Retained {
        let mut parser = crate::accesslog::Parser::new();
        let mut records = Retained::new(8);
        let used = parser.feed(text.as_bytes(), &mut |v| records.push(v));
        assert_eq!((used, parser.counts().skipped), (text.len(), 0));
        records
    }

    fn written(job: &ExportJob) -> String {
        let mut out = Vec::new();
        assert_eq!(job.write_to(&mut out).ok(), Some(job.len()));
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn records_carrying_v2_fields_export_them_by_their_field_names() {
        let mut text = format!(
            "#Fields: {} timestamp(ms) c-country asn cache-behavior-path-pattern origin-fbl origin-lbl\n",
            crate::accesslog::FIELDS.join(" ")
        );
        let legacy = "FRA56-P1\t512\t203.0.113.7\tGET\td1.cloudfront.net\t/api/x\t200\t-\tcurl\t-\t-\tMiss\tid\td1\thttps\t90\t0.120\t-\tTLSv1.3\tc\tMiss\tHTTP/2.0\t-\t-\t443\t0.050\tMiss\ttext/html\t512\t-\t-";
        text.push_str(&format!(
            "2026-11-25\t20:13:58\t{legacy}\t1795637638042\tDE\t16509\t/api/*\t0.040\t0.110\n"
        ));
        text.push_str(&format!(
            "2026-11-25\t20:13:59\t{legacy}\t1795637639500\t-\t-\t-\t-\t-\n"
        ));
        let records = v2_records(&text);
        let job = |format| ExportJob {
            format,
            v2: records.v2_fields(),
            records: records.clone(),
            rows: vec![0, 1],
        };
        let jsonl = written(&job(ExportFormat::Jsonl));
        let lines: Vec<serde_json::Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        let keys: Vec<&str> = lines[0]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut names = vec!["timestamp"];
        names.extend(RETAINED_FIELDS);
        names.extend([
            "timestamp(ms)",
            "origin-fbl",
            "origin-lbl",
            "asn",
            "c-country",
            "cache-behavior-path-pattern",
        ]);
        assert_eq!(
            keys, names,
            "v2's fields after the retained ones, by CloudFront's names"
        );
        let (a, b) = (&lines[0], &lines[1]);
        assert_eq!(a["timestamp(ms)"], json!(1_795_637_638_042_u64));
        assert_eq!(a["c-country"], json!("DE"));
        assert_eq!(a["asn"], json!(16509));
        assert_eq!(a["cache-behavior-path-pattern"], json!("/api/*"));
        assert_eq!(a["origin-fbl"], json!(0.04));
        assert_eq!(a["origin-lbl"], json!(0.11));
        assert_eq!(b["timestamp(ms)"], json!(1_795_637_639_500_u64));
        for key in [
            "c-country",
            "asn",
            "cache-behavior-path-pattern",
            "origin-fbl",
        ] {
            assert_eq!(
                b[key],
                serde_json::Value::Null,
                "{key} of a record without it"
            );
        }

        // The W3C export reads back as the same records, v2 fields included.
        let w3c = written(&job(ExportFormat::W3c));
        let again = v2_records(&w3c);
        assert_eq!(again.v2_fields(), records.v2_fields());
        for (x, y) in records.iter().zip(again.iter()) {
            assert_eq!(x.timestamp_ms(), y.timestamp_ms());
            assert_eq!(
                (x.country(), x.asn(), x.cache_behavior()),
                (y.country(), y.asn(), y.cache_behavior())
            );
            assert_eq!(
                (x.origin_fbl_opt(), x.origin_lbl_opt()),
                (y.origin_fbl_opt(), y.origin_lbl_opt())
            );
        }
        let tsv = written(&job(ExportFormat::Tsv));
        let header = tsv.lines().next().unwrap_or_default();
        assert!(
            header.ends_with("\ttimestamp(ms)\torigin-fbl\torigin-lbl\tasn\tc-country\tcache-behavior-path-pattern"),
            "{header}"
        );
    }

    #[test]
    fn a_delivery_with_timestamp_ms_alone_of_v2_fields_exports_it() {
        let legacy = "FRA56-P1\t512\t203.0.113.7\tGET\td1.cloudfront.net\t/x\t200\t-\tcurl\t-\t-\tMiss\tid\td1\thttps\t90\t0.120\t-\tTLSv1.3\tc\tMiss\tHTTP/2.0\t-\t-\t443\t0.050\tMiss\ttext/html\t512\t-\t-";
        let text = format!(
            "#Fields: {} timestamp(ms)\n2026-11-25\t20:13:58\t{legacy}\t1795637638042\n",
            crate::accesslog::FIELDS.join(" ")
        );
        let records = v2_records(&text);
        assert_eq!(records.v2_fields(), vec![Field::TimestampMs]);
        let job = |format| ExportJob {
            format,
            v2: records.v2_fields(),
            records: records.clone(),
            rows: vec![0],
        };
        let jsonl = written(&job(ExportFormat::Jsonl));
        let line: serde_json::Value = serde_json::from_str(jsonl.trim_end()).unwrap();
        assert_eq!(line["timestamp(ms)"], json!(1_795_637_638_042_u64));
        let w3c = written(&job(ExportFormat::W3c));
        assert_eq!(
            w3c.lines().nth(1),
            Some(format!("#Fields: {} timestamp(ms)", RETAINED_FIELDS.join(" ")).as_str()),
            "the milliseconds kept in the W3C export"
        );
        let again = v2_records(&w3c);
        assert_eq!(again.v2_fields(), vec![Field::TimestampMs]);
        assert_eq!(
            again.iter().next().map(|r| r.timestamp_ms()),
            Some(1_795_637_638_042)
        );
    }

    #[test]
    fn legacy_records_export_the_retained_columns_only() {
        let text = format!(
            "#Fields: {}\n2026-11-25\t20:13:58\tFRA56-P1\t512\t203.0.113.7\tGET\td1.cloudfront.net\t/x\t200\t-\tcurl\t-\t-\tMiss\tid\td1\thttps\t90\t0.120\t-\tTLSv1.3\tc\tMiss\tHTTP/2.0\t-\t-\t443\t0.050\tMiss\ttext/html\t512\t-\t-\n",
            crate::accesslog::FIELDS.join(" ")
        );
        let records = v2_records(&text);
        assert!(records.v2_fields().is_empty());
        let job = ExportJob {
            format: ExportFormat::W3c,
            v2: records.v2_fields(),
            records,
            rows: vec![0],
        };
        let w3c = written(&job);
        assert_eq!(
            w3c.lines().nth(1),
            Some(format!("#Fields: {}", RETAINED_FIELDS.join(" ")).as_str())
        );
    }
}
