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
        if !same {
            self.names = cells.iter().map(|(n, _)| n.to_string()).collect();
            let canonical: Vec<String> = self
                .names
                .iter()
                .map(|n| Field::from_any_name(n).map_or_else(|| n.clone(), |f| f.name().into()))
                .collect();
            match Schema::new(&canonical) {
                Some(schema) => parser.set_schema(schema),
                None => {
                    self.names.clear();
                    let why = format!("{} fields (none, or too many)", cells.len());
                    parser.note_malformed(Malformed::Row(why));
                    return;
                }
            }
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
