//! The W3C extended-format parser: maps columns by name from each `#Fields` line, splits records
//! on tabs, validates the typed columns once, and hands out zero-copy [`LineView`]s.

pub(super) mod check;
pub(super) mod feed;
pub(super) mod index;
pub(super) mod scan;
pub(super) mod schema;

use super::parse::check::check_values;
use super::parse::scan::{SLACK, split_columns};
use super::parse::schema::{MAX_COLUMNS, Malformed, Schema};
use super::view::{Hot, LineView};

/// What one line turned out to be.
#[derive(Debug)]
pub enum Parsed<'a> {
    /// A record.
    Record(LineView<'a>),
    /// A `#Fields` line (the layout for the following records changed).
    Header,
    /// Another comment (`#Version: 1.0`, …) or a blank line.
    Comment,
    /// A line that was skipped.
    Malformed(Malformed),
}

/// Counts of what a parser has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseCounts {
    /// Every line, headers and blanks included.
    pub lines: u64,
    /// Records handed out.
    pub records: u64,
    /// Malformed lines skipped.
    pub skipped: u64,
}

/// A streaming parser for one file (or one stream of concatenated files); it keeps the current
/// `#Fields` layout, column scratch space and counts.
#[derive(Debug, Clone)]
pub struct Parser {
    pub(super) schema: Schema,
    starts: Vec<u32>,
    /// The separator index of the buffer being fed (see [`super::parse::index::scan_separators`]).
    pub(super) seps: Vec<u32>,
    /// The newlines of the buffer being fed, in order.
    pub(super) newlines: Vec<u32>,
    pub(super) day_cache: Option<([u8; 10], i64)>,
    pub(super) counts: ParseCounts,
    first_errors: Vec<(u64, Malformed)>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

/// How many malformed lines a parser remembers (with their line numbers) for messages.
pub const KEPT_ERRORS: usize = 5;

/// The largest buffer [`Parser::feed`] indexes whole (4 bytes of index per separator); a bigger
/// one, which only a very long line makes, is parsed a line at a time.
const INDEXED_MAX: usize = 1 << 20;

impl Parser {
    /// A parser that assumes the current 33-field layout until a `#Fields` line says otherwise.
    pub fn new() -> Parser {
        Parser {
            schema: Schema::standard(),
            starts: vec![0; MAX_COLUMNS + SLACK],
            seps: Vec::new(),
            newlines: Vec::new(),
            day_cache: None,
            counts: ParseCounts::default(),
            first_errors: Vec::new(),
        }
    }

    /// A parser for records without a `#Fields` line, in `schema`'s layout (a plain v2 log).
    pub fn with_schema(schema: Schema) -> Parser {
        Parser {
            schema,
            ..Parser::new()
        }
    }

    /// The layout in force.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Puts `schema` in force for the following lines, as a `#Fields` line would (without
    /// counting a line): records converted from JSON or Parquet name their own columns.
    pub fn set_schema(&mut self, schema: Schema) {
        self.schema = schema;
    }

    /// Counts an input line (or row) a converter could not turn into a record, with the reason.
    pub fn note_malformed(&mut self, why: Malformed) {
        self.counts.lines += 1;
        self.skip(why);
    }

    /// What the parser has seen so far.
    pub fn counts(&self) -> ParseCounts {
        self.counts
    }

    /// The first [`KEPT_ERRORS`] malformed lines as (1-based line number, reason).
    pub fn first_errors(&self) -> &[(u64, Malformed)] {
        &self.first_errors
    }

    /// Counts a line the reader dropped because it was too long.
    pub fn note_oversized(&mut self) {
        self.counts.lines += 1;
        self.skip(Malformed::TooLong);
    }

    /// Parses every complete (newline-terminated) line of `buf`, calling `visit` for each record;
    /// returns how many bytes were consumed (the rest is an incomplete last line). UTF-8 is
    /// checked once for the whole buffer, not line by line, so feed it cache-sized pieces.
    pub fn feed(&mut self, buf: &[u8], visit: &mut impl FnMut(&LineView<'_>)) -> usize {
        // simdutf8 (SIMD, several times std's speed) for the usual valid buffer; std on failure,
        // to know where the valid part ends.
        let text = match simdutf8::basic::from_utf8(buf) {
            Ok(t) => t,
            Err(_) => match std::str::from_utf8(buf) {
                Ok(t) => t,
                Err(e) => std::str::from_utf8(buf.get(..e.valid_up_to()).unwrap_or_default())
                    .unwrap_or_default(),
            },
        };
        if buf.len() <= INDEXED_MAX {
            self.feed_indexed(buf, text, visit)
        } else {
            self.feed_lines(buf, text, visit)
        }
    }

    /// [`Parser::feed`] for text already known to be UTF-8 (no second check).
    pub fn feed_text(&mut self, text: &str, visit: &mut impl FnMut(&LineView<'_>)) -> usize {
        let buf = text.as_bytes();
        if buf.len() <= INDEXED_MAX {
            self.feed_indexed(buf, text, visit)
        } else {
            self.feed_lines(buf, text, visit)
        }
    }

    /// [`Parser::feed`] a line at a time: for buffers too big to index (a very long line).
    pub(super) fn feed_lines(
        &mut self,
        buf: &[u8],
        text: &str,
        visit: &mut impl FnMut(&LineView<'_>),
    ) -> usize {
        let mut pos = 0;
        while let Some(rel) = buf.get(pos..).and_then(|rest| memchr::memchr(b'\n', rest)) {
            let end = pos + rel;
            let line = buf.get(pos..end).unwrap_or_default();
            if let Parsed::Record(view) = self.parse_with(line, text.get(pos..end)) {
                visit(&view);
            }
            pos = end + 1;
        }
        pos
    }

    /// Parses a final line that has no newline (an empty `rest` is ignored).
    pub fn finish(&mut self, rest: &[u8], visit: &mut impl FnMut(&LineView<'_>)) {
        if !rest.is_empty()
            && let Parsed::Record(view) = self.parse_line(rest)
        {
            visit(&view);
        }
    }

    /// Parses one line (without its `\n`; a trailing `\r` and a stray trailing tab are tolerated).
    pub fn parse_line<'s>(&'s mut self, line: &'s [u8]) -> Parsed<'s> {
        self.parse_with(line, None)
    }

    /// Parses one line; `checked` is the same line already known to be UTF-8, if it is.
    #[inline]
    pub(super) fn parse_with<'s>(
        &'s mut self,
        line: &'s [u8],
        checked: Option<&'s str>,
    ) -> Parsed<'s> {
        self.counts.lines += 1;
        let line = match line {
            [rest @ .., b'\r'] => rest,
            _ => line,
        };
        if line.first() == Some(&b'#') {
            return self.comment(line);
        }
        if line.is_empty() {
            return Parsed::Comment;
        }
        match self.record(line) {
            Ok((hot, found)) => {
                let text = match checked {
                    Some(t) => Some(t),
                    None => std::str::from_utf8(line).ok(),
                };
                let Some(text) = text else {
                    return self.skip(Malformed::Encoding);
                };
                self.counts.records += 1;
                let starts = self.starts.get(..=found).unwrap_or_default();
                Parsed::Record(LineView::new(text, starts, &self.schema, hot))
            }
            Err(why) => self.skip(why),
        }
    }

    pub(super) fn skip<'s>(&mut self, why: Malformed) -> Parsed<'s> {
        self.counts.skipped += 1;
        if self.first_errors.len() < KEPT_ERRORS {
            self.first_errors.push((self.counts.lines, why.clone()));
        }
        Parsed::Malformed(why)
    }

    fn comment<'s>(&mut self, line: &[u8]) -> Parsed<'s> {
        let Some(rest) = line.strip_prefix(b"#Fields:") else {
            return Parsed::Comment;
        };
        match std::str::from_utf8(rest)
            .ok()
            .and_then(Schema::from_fields_line)
        {
            Some(schema) => {
                self.schema = schema;
                Parsed::Header
            }
            None => self.skip(Malformed::Header),
        }
    }

    /// Splits and validates a record line, leaving column offsets in `self.starts`; returns the
    /// typed values and the number of columns (a stray trailing tab dropped).
    #[inline]
    fn record(&mut self, line: &[u8]) -> Result<(Hot, usize), Malformed> {
        let expected = self.schema.len();
        let Some(mut found) = split_columns(line, &mut self.starts) else {
            return Err(Malformed::Columns {
                expected,
                found: line.iter().filter(|b| **b == b'\t').count() + 1,
            });
        };
        if found == expected + 1 && self.starts[found - 1] as usize == line.len() {
            // A stray tab at the end: drop the empty last column.
            found -= 1;
        }
        if found != expected {
            return Err(Malformed::Columns { expected, found });
        }
        let starts = self.starts.get(..=found).unwrap_or_default();
        let hot = check_values(&self.schema, &mut self.day_cache, line, starts)?;
        Ok((hot, found))
    }
}
