//! The W3C extended-format parser: maps columns by name from each `#Fields` line, splits records
//! on tabs, validates the typed columns once, and hands out zero-copy [`LineView`]s.

use super::field::Field;
use super::parse_scan::{
    SLACK, parse_date_days, parse_seconds_ms, parse_time_secs, parse_u64_at, split_columns,
};
use super::parse_schema::{MAX_COLUMNS, Malformed, Schema};
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
    schema: Schema,
    starts: Vec<u32>,
    day_cache: Option<([u8; 10], i64)>,
    counts: ParseCounts,
    first_errors: Vec<(u64, Malformed)>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

/// How many malformed lines a parser remembers (with their line numbers) for messages.
pub const KEPT_ERRORS: usize = 5;

impl Parser {
    /// A parser that assumes the current 33-field layout until a `#Fields` line says otherwise.
    pub fn new() -> Parser {
        Parser {
            schema: Schema::standard(),
            starts: vec![0; MAX_COLUMNS + SLACK],
            day_cache: None,
            counts: ParseCounts::default(),
            first_errors: Vec::new(),
        }
    }

    /// The layout in force.
    pub fn schema(&self) -> &Schema {
        &self.schema
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
    fn parse_with<'s>(&'s mut self, line: &'s [u8], checked: Option<&'s str>) -> Parsed<'s> {
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
            Ok((hot, len)) => {
                let text = match checked {
                    Some(t) => t.get(..len),
                    None => line.get(..len).and_then(|l| std::str::from_utf8(l).ok()),
                };
                let Some(text) = text else {
                    return self.skip(Malformed::Encoding);
                };
                self.counts.records += 1;
                Parsed::Record(LineView::new(text, &self.starts, &self.schema, hot))
            }
            Err(why) => self.skip(why),
        }
    }

    fn skip<'s>(&mut self, why: Malformed) -> Parsed<'s> {
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
    /// typed values and the line's length without a stray trailing tab.
    #[inline]
    fn record(&mut self, line: &[u8]) -> Result<(Hot, usize), Malformed> {
        let expected = self.schema.len();
        let Some(mut found) = split_columns(line, &mut self.starts) else {
            return Err(Malformed::Columns {
                expected,
                found: line.iter().filter(|b| **b == b'\t').count() + 1,
            });
        };
        let mut len = line.len();
        if found == expected + 1 && self.starts[found - 1] as usize == len {
            // A stray tab at the end: drop the empty last column.
            found -= 1;
            len -= 1;
        }
        if found != expected {
            return Err(Malformed::Columns { expected, found });
        }
        let mut hot = Hot::default();
        let (mut day, mut secs) = (None, None);
        for &(col, field) in &self.schema.checks {
            let (a, b) = (self.starts[col] as usize, self.starts[col + 1] as usize - 1);
            let v = line.get(a..b).unwrap_or_default();
            if v == b"-" {
                continue;
            }
            let ok = match field {
                Field::Date => {
                    day = cached_day(&mut self.day_cache, v);
                    day.is_some()
                }
                Field::Time => {
                    secs = parse_time_secs(v);
                    secs.is_some()
                }
                Field::Status => {
                    hot.status = parse_u64_at(line, a, b).and_then(|s| u16::try_from(s).ok());
                    hot.status.is_some()
                }
                Field::ScBytes => {
                    hot.sc_bytes = parse_u64_at(line, a, b);
                    hot.sc_bytes.is_some()
                }
                Field::TimeTaken => {
                    hot.time_taken_ms = parse_seconds_ms(v);
                    hot.time_taken_ms.is_some()
                }
                Field::TimeToFirstByte => {
                    hot.ttfb_ms = parse_seconds_ms(v);
                    hot.ttfb_ms.is_some()
                }
                _ => parse_u64_at(line, a, b).is_some(),
            };
            if !ok {
                return Err(Malformed::Value(field));
            }
        }
        if let (Some(d), Some(s)) = (day, secs) {
            hot.timestamp_ms = Some((d * 86_400 + s) * 1000);
        }
        Ok((hot, len))
    }
}

/// Days since the epoch for a `YYYY-MM-DD` value, remembering the last date seen (a log file
/// rarely spans more than one).
#[inline]
fn cached_day(cache: &mut Option<([u8; 10], i64)>, v: &[u8]) -> Option<i64> {
    if let Some((text, days)) = cache
        && text.as_slice() == v
    {
        return Some(*days);
    }
    let days = parse_date_days(v)?;
    let text: [u8; 10] = v.try_into().ok()?;
    *cache = Some((text, days));
    Some(days)
}
