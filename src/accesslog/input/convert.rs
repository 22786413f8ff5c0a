//! Records given as named values (a JSON object, a Parquet row) turned into W3C lines for the
//! parser: the layout follows the names (set again only when they change), values are written
//! as the log would hold them.

use crate::accesslog::LineView;
use crate::accesslog::field::Field;
use crate::accesslog::parse::schema::{Malformed, Schema};
use crate::accesslog::parse::{Parsed, Parser};
use std::borrow::Cow;

/// One value of a converted record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// No value (`null`), written `-`.
    Null,
    /// A value as the log holds it (still URL-encoded where CloudFront encodes).
    Text(Cow<'a, str>),
}

/// Turns named values into records; keeps the last layout and a line buffer.
#[derive(Debug, Default)]
pub struct Converter {
    names: Vec<String>,
    line: String,
}

impl Converter {
    /// A converter with no layout yet.
    pub fn new() -> Converter {
        Converter::default()
    }

    /// Converts one record of `(name, value)` cells: the names are field names (`cs(Host)`)
    /// or Parquet column names (`cs_host`), unknown ones kept as untyped columns. The record
    /// goes through `parser` (its typed values checked as in a W3C log) to `visit`; a bad
    /// value skips it as a W3C line would be.
    pub fn record<'c>(
        &mut self,
        parser: &mut Parser,
        cells: &[(&str, Cell<'c>)],
        visit: &mut impl FnMut(&LineView<'_>),
    ) {
        let same = self.names.len() == cells.len()
            && self.names.iter().zip(cells).all(|(a, (b, _))| a == b);
        if !same && !self.layout(parser, cells.iter().map(|(n, _)| *n)) {
            parser.note_malformed(Malformed::Row(format!(
                "{} fields (none, or too many)",
                cells.len()
            )));
            return;
        }
        self.line.clear();
        for (i, (_, cell)) in cells.iter().enumerate() {
            if i > 0 {
                self.line.push('\t');
            }
            match cell {
                Cell::Null => self.line.push('-'),
                Cell::Text(t) if t.is_empty() => self.line.push('-'),
                Cell::Text(t) => push_value(&mut self.line, t, i == 0),
            }
        }
        if let Parsed::Record(view) = parser.parse_line(self.line.as_bytes()) {
            visit(&view);
        }
    }
}

impl Converter {
    /// The column names of the layout in force, as given.
    pub(super) fn names(&self) -> &[String] {
        &self.names
    }

    /// Puts the layout of the column `names` in force in `parser` (field names or Parquet
    /// column names, unknown ones kept as untyped columns), as [`Converter::record`] does when
    /// the names change; `false` (nothing changed) for no names or too many.
    pub fn layout<'n>(
        &mut self,
        parser: &mut Parser,
        names: impl IntoIterator<Item = &'n str>,
    ) -> bool {
        self.names = names.into_iter().map(str::to_string).collect();
        let canonical: Vec<String> = self
            .names
            .iter()
            .map(|n| Field::from_any_name(n).map_or_else(|| n.clone(), |f| f.name().into()))
            .collect();
        match Schema::new(&canonical) {
            Some(schema) => {
                parser.set_schema(schema);
                true
            }
            None => {
                self.names.clear();
                false
            }
        }
    }
}

/// Many records of one layout written as W3C lines into one buffer, for the parser to take
/// whole ([`Parser::feed`]): a Parquet row group's rows become lines without a record, a cell
/// list or a UTF-8 check each. Values are written as [`Converter::record`] writes them (null
/// and empty as `-`, tabs, line ends and a leading `#` encoded), so the records are the same.
#[derive(Debug, Default)]
pub struct Lines {
    buf: Vec<u8>,
    /// Columns written of the row being written.
    column: usize,
    /// Rows ended.
    rows: usize,
}

impl Lines {
    /// An empty buffer.
    pub fn new() -> Lines {
        Lines::default()
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Rows ended so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends the next column of the current row (`None`: null); bytes that are not UTF-8 are
    /// written as they are and found by [`Lines::feed`].
    #[inline]
    pub fn value(&mut self, value: Option<&[u8]>) {
        if self.column > 0 {
            self.buf.push(b'\t');
        }
        let first = self.column == 0;
        self.column += 1;
        match value {
            None | Some([]) => self.buf.push(b'-'),
            Some(v) => push_bytes(&mut self.buf, v, first),
        }
    }

    /// Ends the current row.
    #[inline]
    pub fn end_row(&mut self) {
        self.buf.push(b'\n');
        self.column = 0;
        self.rows += 1;
    }

    /// Parses every line written, in order, into `visit`, and empties the buffer; returns
    /// `false` (nothing parsed, the buffer kept) when the text is not UTF-8, for the caller to
    /// take those rows one at a time and name the column at fault.
    pub fn feed(&mut self, parser: &mut Parser, visit: &mut impl FnMut(&LineView<'_>)) -> bool {
        let Ok(text) = simdutf8::basic::from_utf8(&self.buf) else {
            return false;
        };
        parser.feed_text(text, visit);
        self.clear();
        true
    }

    /// Forgets every line written.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.column = 0;
        self.rows = 0;
    }
}

/// [`push_value`] for bytes: the characters it encodes are ASCII, so bytes do as well.
#[inline]
fn push_bytes(out: &mut Vec<u8>, value: &[u8], first: bool) {
    if memchr::memchr3(b'\t', b'\n', b'\r', value).is_none()
        && !(first && value.first() == Some(&b'#'))
    {
        out.extend_from_slice(value);
        return;
    }
    for (i, &b) in value.iter().enumerate() {
        match b {
            b'\t' => out.extend_from_slice(b"%09"),
            b'\n' => out.extend_from_slice(b"%0A"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'#' if first && i == 0 => out.extend_from_slice(b"%23"),
            b => out.push(b),
        }
    }
}

/// Appends `value` with what would break a W3C line encoded: tabs, line ends, and a `#` that
/// would start the line (and so make it a comment).
fn push_value(out: &mut String, value: &str, first: bool) {
    if !(value.contains(['\t', '\n', '\r']) || first && value.starts_with('#')) {
        out.push_str(value);
        return;
    }
    for (i, c) in value.char_indices() {
        match c {
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            '#' if first && i == 0 => out.push_str("%23"),
            c => out.push(c),
        }
    }
}
