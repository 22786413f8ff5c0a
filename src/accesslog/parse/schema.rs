//! The column layout of a W3C log (from its `#Fields` line) and the reasons a line is skipped.

use crate::accesslog::field::{Field, FieldKind};
use std::fmt;

/// Most columns a record may have (CloudFront's v2 logs have about 60 fields).
pub const MAX_COLUMNS: usize = 250;
pub(in crate::accesslog) const NONE: u8 = u8::MAX;

/// The column layout announced by a `#Fields` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    names: Vec<Box<str>>,
    fields: Vec<Option<Field>>,
    slot: [u8; Field::COUNT],
    pub(in crate::accesslog) checks: Vec<(usize, Field)>,
}

impl Schema {
    /// A layout from column names in order; unknown names are kept (and exported) but not typed.
    /// Returns `None` for no names or more than [`MAX_COLUMNS`].
    pub fn new<S: AsRef<str>>(names: &[S]) -> Option<Schema> {
        if names.is_empty() || names.len() > MAX_COLUMNS {
            return None;
        }
        let mut slot = [NONE; Field::COUNT];
        let mut fields = Vec::with_capacity(names.len());
        let mut checks = Vec::new();
        for (col, name) in names.iter().enumerate() {
            let field = Field::from_name(name.as_ref());
            if let Some(f) = field {
                // The first column with a name wins; a repeated name is kept as an untyped column.
                if slot[f.index()] == NONE {
                    slot[f.index()] = col as u8;
                    if f.kind() != FieldKind::Text {
                        checks.push((col, f));
                    }
                    fields.push(Some(f));
                    continue;
                }
            }
            fields.push(None);
        }
        Some(Schema {
            names: names.iter().map(|n| n.as_ref().into()).collect(),
            fields,
            slot,
            checks,
        })
    }

    /// The legacy 33-field layout (used for records that arrive before any `#Fields` line).
    pub fn standard() -> Schema {
        Schema::new(&crate::accesslog::w3c::FIELDS).unwrap_or_else(|| Schema {
            names: Vec::new(),
            fields: Vec::new(),
            slot: [NONE; Field::COUNT],
            checks: Vec::new(),
        })
    }

    /// Parses the text after `#Fields:` (names separated by spaces or tabs).
    pub fn from_fields_line(text: &str) -> Option<Schema> {
        let names: Vec<&str> = text.split_ascii_whitespace().collect();
        Schema::new(&names)
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the layout has no columns (never true for a parsed header).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Column names exactly as in the `#Fields` line.
    pub fn names(&self) -> &[Box<str>] {
        &self.names
    }

    /// The known field of each column (`None` for names this parser does not know).
    pub fn fields(&self) -> &[Option<Field>] {
        &self.fields
    }

    /// The column holding `field`, if the layout has it.
    #[inline]
    pub fn column(&self, field: Field) -> Option<usize> {
        let c = self.slot[field.index()];
        (c != NONE).then_some(c as usize)
    }
}

/// Why a line was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// The line has a different number of columns than its `#Fields` line.
    Columns {
        /// Columns the header announced.
        expected: usize,
        /// Columns the line has.
        found: usize,
    },
    /// A typed column holds something that is not its type (a bad date, time or number).
    Value(Field),
    /// The line is not valid UTF-8.
    Encoding,
    /// A `#Fields` line with no (or too many) names.
    Header,
    /// A line longer than the reader's limit.
    TooLong,
    /// A JSON line that is not an object of string values.
    Json(String),
    /// A Parquet row that could not be turned into a record.
    Row(String),
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Columns { expected, found } => {
                write!(f, "expected {expected} fields, found {found}")
            }
            Malformed::Value(field) => write!(f, "bad value in `{field}`"),
            Malformed::Encoding => f.write_str("not valid UTF-8"),
            Malformed::Header => f.write_str("a #Fields line without usable field names"),
            Malformed::TooLong => f.write_str("line too long"),
            Malformed::Json(why) => write!(f, "not a JSON log record: {why}"),
            Malformed::Row(why) => write!(f, "unreadable row: {why}"),
        }
    }
}
