//! Writing records out — the one exporter of `shipdeck logs` and the console's `:export`: JSON
//! Lines keyed by the W3C field names, TSV with a header, the W3C lines themselves under their
//! `#Fields` header, and a short one-line form for people. Records known only by their fields
//! (the Traffic view's retained ones) are written as the lines of a log with the columns they
//! keep ([`RETAINED_FIELDS`], and standard logging v2's [`RETAINED_V2`] when they carry them;
//! see [`FieldLines`]), so both front ends write the same bytes.

use super::decode::decode;
use super::field::{Field, FieldKind};
use super::fields::LogFields;
use super::parse::scan::{parse_epoch_seconds_ms, parse_u64};
use super::parse::schema::Schema;
use super::parse::{Parsed, Parser};
use super::view::LineView;
use crate::domain::Timestamp;
use std::borrow::Cow;
use std::fmt::Write;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `2026-11-25T09:00:01Z FRA56-P1 200 Hit GET /index.html 12ms 203.0.113.7`.
    Pretty,
    /// One JSON object per record.
    Jsonl,
    /// Tab-separated values under a header line.
    Tsv,
    /// The lines as CloudFront wrote them, under `#Version` and `#Fields` header lines (again
    /// whenever the fields change), readable by `shipdeck logs cloudfront --file`.
    W3c,
}

impl Format {
    /// The format a file name asks for: `.jsonl` (or `.json`, `.ndjson`), `.tsv`, or `.log`
    /// (W3C); `None` for any other name.
    pub fn of_path(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        let is = |ends: &[&str]| ends.iter().any(|e| lower.ends_with(e));
        if is(&[".jsonl", ".json", ".ndjson"]) {
            Some(Format::Jsonl)
        } else if is(&[".tsv"]) {
            Some(Format::Tsv)
        } else if is(&[".log"]) {
            Some(Format::W3c)
        } else {
            None
        }
    }
}

/// The columns every retained record keeps, as the standard log names them, in its order.
pub const RETAINED_FIELDS: [&str; 15] = [
    "date",
    "time",
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

/// Standard logging v2's fields a retained record can carry, in the order a v2 delivery logs
/// them by default (after the legacy ones): written after [`RETAINED_FIELDS`] when the records
/// carry them.
pub const RETAINED_V2: [Field; 6] = [
    Field::TimestampMs,
    Field::OriginFbl,
    Field::OriginLbl,
    Field::Asn,
    Field::Country,
    Field::CacheBehavior,
];

/// Records known only by their fields ([`LogFields`]) seen as the lines of a log under
/// `#Fields:` [`RETAINED_FIELDS`] (then the v2 fields asked for, of [`RETAINED_V2`]): text as
/// the log has it (still URL-encoded; empty is `-`), the status in three digits, seconds to the
/// millisecond, so that the [`Exporter`] writes them exactly as it writes such a log read from
/// a file.
#[derive(Debug)]
pub struct FieldLines {
    parser: Parser,
    v2: Vec<Field>,
    line: String,
}

impl Default for FieldLines {
    fn default() -> Self {
        FieldLines::with_v2(&[])
    }
}

impl FieldLines {
    /// Ready for the first record, with the columns every retained record keeps.
    pub fn new() -> FieldLines {
        FieldLines::default()
    }

    /// Ready for the first record, with the columns every retained record keeps and then those
    /// of `v2` that are in [`RETAINED_V2`], in its order (others are ignored).
    pub fn with_v2(v2: &[Field]) -> FieldLines {
        let v2: Vec<Field> = RETAINED_V2.into_iter().filter(|f| v2.contains(f)).collect();
        let mut parser = Parser::new();
        let mut header = format!("#Fields: {}", RETAINED_FIELDS.join(" "));
        for f in &v2 {
            header.push(' ');
            header.push_str(f.name());
        }
        let _ = parser.parse_line(header.as_bytes());
        FieldLines {
            parser,
            v2,
            line: String::with_capacity(512),
        }
    }

    /// The layout of the lines: [`RETAINED_FIELDS`].
    pub fn schema(&self) -> &Schema {
        self.parser.schema()
    }

    /// Calls `visit` with `r` as a line; `false` (and no call) if the line does not read back,
    /// which a record's own fields never cause short of a time beyond the year 9999.
    pub fn view<R: LogFields + ?Sized>(
        &mut self,
        r: &R,
        visit: impl FnOnce(&LineView<'_>),
    ) -> bool {
        let out = &mut self.line;
        out.clear();
        match chrono::DateTime::from_timestamp_millis(r.timestamp_ms()) {
            Some(t) => {
                let _ = write!(out, "{}", t.format("%Y-%m-%d\t%H:%M:%S"));
            }
            None => out.push_str("-\t-"),
        }
        let t = '\t';
        out.push(t);
        as_logged(r.edge_location(), out);
        let _ = write!(out, "{t}{}{t}", r.sc_bytes());
        for text in [r.client_ip(), r.method(), r.host(), r.path()] {
            as_logged(text, out);
            out.push(t);
        }
        let _ = write!(out, "{:03}{t}", r.status());
        for text in [r.referer(), r.user_agent(), r.query(), r.result_type()] {
            as_logged(text, out);
            out.push(t);
        }
        let seconds = |ms: u32| format!("{}.{:03}", ms / 1000, ms % 1000);
        let _ = write!(
            out,
            "{}{t}{}",
            seconds(r.time_taken_ms()),
            seconds(r.ttfb_ms())
        );
        for f in &self.v2 {
            out.push(t);
            match f {
                Field::TimestampMs => {
                    let _ = write!(out, "{}", r.timestamp_ms());
                }
                Field::OriginFbl | Field::OriginLbl => {
                    let ms = match f {
                        Field::OriginFbl => r.origin_fbl_opt(),
                        _ => r.origin_lbl_opt(),
                    };
                    match ms {
                        Some(ms) => out.push_str(&seconds(ms)),
                        None => out.push('-'),
                    }
                }
                Field::Asn => as_logged(r.asn(), out),
                Field::Country => as_logged(r.country(), out),
                Field::CacheBehavior => as_logged(r.cache_behavior(), out),
                // Not reached: `with_v2` keeps only the fields above.
                _ => out.push('-'),
            }
        }
        match self.parser.parse_line(self.line.as_bytes()) {
            Parsed::Record(v) => {
                visit(&v);
                true
            }
            _ => false,
        }
    }
}

/// Appends a field's text as the log holds it: `-` when empty, and the characters that would
/// break the line (tab, newline, carriage return, space) percent-encoded.
fn as_logged(text: &str, out: &mut String) {
    if text.is_empty() {
        out.push('-');
        return;
    }
    for c in text.chars() {
        match c {
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
}

/// Writes records in one format, remembering the TSV columns chosen from the first record.
#[derive(Debug, Clone)]
pub struct Exporter {
    format: Format,
    tsv: Option<Vec<Column>>,
    /// The `#Fields` names last written (W3C).
    w3c: Option<Vec<Box<str>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Known(Field),
    Other(Box<str>),
}

impl Exporter {
    /// An exporter for `format`.
    pub fn new(format: Format) -> Exporter {
        Exporter {
            format,
            tsv: None,
            w3c: None,
        }
    }

    /// Appends one record, after the header lines it needs (the first TSV record's, a W3C
    /// record's when its fields differ from the last one's).
    pub fn write(&mut self, v: &LineView<'_>, out: &mut String) {
        if let Some(header) = self.header(v) {
            out.push_str(&header);
        }
        self.row(v, out);
    }

    /// The header lines to write before `v`, if it needs any; they count as written.
    pub fn header(&mut self, v: &LineView<'_>) -> Option<String> {
        self.header_of(v.schema())
    }

    /// The header lines to write before records under `schema`, if they need any; they count as
    /// written.
    pub fn header_of(&mut self, schema: &Schema) -> Option<String> {
        match self.format {
            Format::Pretty | Format::Jsonl => None,
            Format::Tsv if self.tsv.is_some() => None,
            Format::Tsv => {
                let cols = tsv_columns(schema);
                let mut out = String::from("timestamp");
                for c in &cols {
                    out.push('\t');
                    out.push_str(match c {
                        Column::Known(f) => f.name(),
                        Column::Other(n) => n,
                    });
                }
                out.push('\n');
                self.tsv = Some(cols);
                Some(out)
            }
            Format::W3c => {
                let names = schema.names();
                if self.w3c.as_deref() == Some(names) {
                    return None;
                }
                let mut out = String::new();
                if self.w3c.is_none() {
                    out.push_str("#Version: 1.0\n");
                }
                out.push_str("#Fields: ");
                out.push_str(&names.join(" "));
                out.push('\n');
                self.w3c = Some(names.to_vec());
                Some(out)
            }
        }
    }

    /// Appends the record itself (its header lines must have been written).
    pub fn row(&mut self, v: &LineView<'_>, out: &mut String) {
        match self.format {
            Format::Pretty => write_pretty(v, out),
            Format::Jsonl => write_jsonl(v, out),
            Format::Tsv => match &self.tsv {
                Some(columns) => write_tsv_row(v, columns, out),
                None => {
                    let columns = tsv_columns(v.schema());
                    write_tsv_row(v, &columns, out);
                }
            },
            Format::W3c => {
                out.push_str(v.line());
                out.push('\n');
            }
        }
    }
}

fn tsv_columns(s: &Schema) -> Vec<Column> {
    s.names()
        .iter()
        .zip(s.fields())
        .map(|(name, field)| match field {
            Some(f) => Column::Known(*f),
            None => Column::Other(name.clone()),
        })
        .collect()
}

/// The decoded value of column `col` (`None` for `-`).
fn cell<'a>(v: &LineView<'a>, col: usize, field: Option<Field>) -> Option<Cow<'a, str>> {
    match field {
        Some(f) => v.text(f),
        None => v
            .column(col)
            .filter(|s| !s.is_empty() && *s != "-")
            .map(decode),
    }
}

/// Appends a JSON object for the record (see [`JsonRecord`]) and a newline.
pub fn write_jsonl(v: &LineView<'_>, out: &mut String) {
    let mut bytes = Vec::with_capacity(1024);
    if serde_json::to_writer(&mut bytes, &JsonRecord(v)).is_ok() {
        out.push_str(&String::from_utf8_lossy(&bytes));
    } else {
        // Not reached: the record serializes to a map of strings, numbers and nulls.
        out.push_str("{}");
    }
    out.push('\n');
}

/// One record as `-o jsonl` writes it, serialized by serde_json: `timestamp` (RFC 3339 UTC,
/// unless the layout has a column of that name), then its `#Fields` names as keys in the
/// file's order, with decoded text, `null` for `-` (or an empty value), and numbers for the
/// numeric fields — the value as a JSON integer, so the log's `000` status (the viewer closed
/// the connection) is `0` and `0042` is `42`, and the seconds fields (`time-taken`,
/// `time-to-first-byte`) as fractional numbers. A name repeated in the `#Fields` line keys its
/// later columns as `name#2`, `name#3`, … so that no value is lost to a duplicate key.
struct JsonRecord<'v, 'a>(&'v LineView<'a>);

/// One value of [`JsonRecord`].
enum JsonValue<'a> {
    Null,
    Int(u64),
    Millis(u32),
    EpochMillis(i64),
    Text(Cow<'a, str>),
}

impl serde::Serialize for JsonValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            JsonValue::Null => s.serialize_none(),
            JsonValue::Int(n) => s.serialize_u64(*n),
            // A u32 of milliseconds divided by 1000 is exact to the millisecond in an f64, and
            // serde_json writes the shortest form that reads back the same (0.012, 1.5, 3.0).
            JsonValue::Millis(ms) => s.serialize_f64(f64::from(*ms) / 1000.0),
            // Epoch seconds with milliseconds: 13 significant digits, exact in an f64's 15.
            JsonValue::EpochMillis(ms) => s.serialize_f64(*ms as f64 / 1000.0),
            JsonValue::Text(t) => s.serialize_str(t),
        }
    }
}

/// The JSON value of column `col` (of `field`, if it is a known one).
fn json_value<'a>(v: &LineView<'a>, col: usize, field: Option<Field>) -> JsonValue<'a> {
    let Some(raw) = v.column(col).filter(|s| !s.is_empty() && *s != "-") else {
        return JsonValue::Null;
    };
    let number = match (field, field.map(Field::kind)) {
        (Some(_), Some(FieldKind::Integer)) => parse_u64(raw.as_bytes()).map(JsonValue::Int),
        (Some(f), Some(FieldKind::Seconds)) => v.millis(f).map(JsonValue::Millis),
        (Some(_), Some(FieldKind::EpochSeconds)) => {
            parse_epoch_seconds_ms(raw.as_bytes()).map(JsonValue::EpochMillis)
        }
        _ => return cell(v, col, field).map_or(JsonValue::Null, JsonValue::Text),
    };
    // The parser checked every typed column, so a number is always read; should one not be,
    // its text goes out as a string rather than as something that is not JSON.
    number.unwrap_or(JsonValue::Text(Cow::Borrowed(raw)))
}

impl serde::Serialize for JsonRecord<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let v = self.0;
        let names = v.schema().names();
        let mut map = s.serialize_map(None)?;
        if !names.iter().any(|n| n.as_ref() == "timestamp") {
            map.serialize_entry("timestamp", &v.timestamp().map(Timestamp::rfc3339))?;
        }
        for (col, (name, field)) in names.iter().zip(v.schema().fields()).enumerate() {
            let value = json_value(v, col, *field);
            // Only an untyped column can repeat a name (a known field's first column is typed).
            let before = match field {
                Some(_) => 0,
                None => names.iter().take(col).filter(|n| *n == name).count(),
            };
            if before == 0 {
                map.serialize_entry(name.as_ref(), &value)?;
            } else {
                map.serialize_entry(&format!("{name}#{}", before + 1), &value)?;
            }
        }
        map.end()
    }
}

fn write_tsv_row(v: &LineView<'_>, columns: &[Column], out: &mut String) {
    if let Some(t) = v.timestamp() {
        out.push_str(&t.rfc3339());
    }
    let schema = v.schema();
    for c in columns {
        out.push('\t');
        let value = match c {
            Column::Known(f) => v.text(*f),
            Column::Other(name) => schema
                .names()
                .iter()
                .position(|n| n == name)
                .and_then(|col| cell(v, col, None)),
        };
        if let Some(text) = value {
            tsv_escape(&text, out);
        }
    }
    out.push('\n');
}

/// Appends `s` with backslash, tab, newline and carriage return escaped as `\\`, `\t`, `\n`, `\r`.
fn tsv_escape(s: &str, out: &mut String) {
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Appends the short form: time, edge, status, result, method, path (with query), time taken,
/// client IP; `-` for what the record does not have.
pub fn write_pretty(v: &LineView<'_>, out: &mut String) {
    let dash = |s: Option<&str>| s.unwrap_or("-").to_string();
    let time = v
        .timestamp()
        .map_or_else(|| "-".to_string(), Timestamp::rfc3339);
    let status = v
        .status()
        .map_or_else(|| "-".to_string(), |s| format!("{s:03}"));
    let taken = match v.time_taken_ms() {
        Some(ms) if ms < 1000 => format!("{ms}ms"),
        Some(ms) => format!("{:.2}s", f64::from(ms) / 1000.0),
        None => "-".to_string(),
    };
    let _ = write!(
        out,
        "{time} {} {status} {} {} ",
        dash(v.edge_location()),
        dash(v.result_type()),
        dash(v.method()),
    );
    match v.text(Field::UriStem) {
        Some(p) => tsv_escape(&p, out),
        None => out.push('-'),
    }
    if let Some(q) = v.text(Field::UriQuery) {
        out.push('?');
        tsv_escape(&q, out);
    }
    let _ = writeln!(out, " {taken} {}", dash(v.client_ip_raw()));
}
