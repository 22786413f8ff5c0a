//! The layout of a plain (headerless) v2 log: its record fields and field delimiter, as the
//! delivery declares them or `--fields` and `--delimiter` give them.

use crate::accesslog::Field;
use crate::accesslog::parse::schema::{MAX_COLUMNS, Schema};
use crate::domain::spelling::nearest;

/// Columns and delimiter of plain lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainLayout {
    /// The columns, as a `#Fields` line would name them.
    pub schema: Schema,
    /// The byte between fields (a tab unless the delivery chose another).
    pub delimiter: u8,
}

impl PlainLayout {
    /// Parses `--fields` (names separated by commas or blanks; field names such as `cs(Host)`
    /// or Parquet-style `cs_host`) and `--delimiter` (one ASCII character, or `\t`, `tab`,
    /// `space`; default a tab).
    pub fn parse(fields: &str, delimiter: Option<&str>) -> Result<PlainLayout, String> {
        let names: Vec<String> = names(fields)
            .map(|n| {
                Field::from_any_name(n).map_or_else(|| n.to_string(), |f| f.name().to_string())
            })
            .collect();
        if names.is_empty() {
            return Err(
                "--fields needs field names, e.g. --fields date,time,sc-status,cs-uri-stem".into(),
            );
        }
        let schema = Schema::new(&names).ok_or_else(|| {
            format!(
                "--fields takes at most {MAX_COLUMNS} names, got {}",
                names.len()
            )
        })?;
        let delimiter = match delimiter {
            None | Some("\\t" | "tab" | "\t") => b'\t',
            Some("space" | " ") => b' ',
            Some(d) if d.len() == 1 && d.is_ascii() && d != "\n" && d != "\r" => d.as_bytes()[0],
            Some(d) => {
                return Err(format!(
                    "--delimiter takes one ASCII character (or \\t, tab, space), got `{d}`"
                ));
            }
        };
        Ok(PlainLayout { schema, delimiter })
    }

    /// Parses the operator's `--fields` and `--delimiter` as [`PlainLayout::parse`] does, and
    /// refuses a name that is no field shipdeck knows (a typo would read as a column of its own,
    /// every record's value of the field meant shown as missing), naming it and the closest
    /// known name. `-` stands for a column shipdeck does not model (a real-time log field a
    /// delivery chose, such as `cs-header-names`): read as text and named `column-N` by its
    /// position from 1, so exports keep its values. A delivery's declared fields go through
    /// [`PlainLayout::parse`], which keeps names it does not know as untyped columns.
    pub fn parse_flag(fields: &str, delimiter: Option<&str>) -> Result<PlainLayout, String> {
        let given: Vec<&str> = names(fields).collect();
        if let Some(bad) = (given.iter()).find(|n| **n != "-" && Field::from_any_name(n).is_none())
        {
            return Err(unknown_field(bad));
        }
        let named: Vec<String> = (given.iter().enumerate())
            .map(|(i, n)| match *n {
                "-" => format!("column-{}", i + 1),
                n => n.to_string(),
            })
            .collect();
        PlainLayout::parse(&named.join(","), delimiter)
    }
}

/// The names of a `--fields` value: separated by commas or blanks.
fn names(fields: &str) -> impl Iterator<Item = &str> {
    fields
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|n| !n.is_empty())
}

/// `--fields: unknown field `sc-satus`; did you mean `sc-status`?` (or, with no close name,
/// the known ones).
fn unknown_field(name: &str) -> String {
    // Parquet-style names (`sc_satus`) are compared in that form, and the W3C name suggested.
    let column = Field::ALL.map(Field::column_name);
    let near = nearest(name, Field::ALL.iter().map(|f| f.name())).or_else(|| {
        let found = nearest(
            &name.to_ascii_lowercase(),
            column.iter().map(String::as_str),
        )?;
        Field::from_any_name(found).map(Field::name)
    });
    match near {
        Some(n) => format!(
            "--fields: unknown field `{name}`; did you mean `{n}`? (`-` stands for a column \
             shipdeck does not model)"
        ),
        None => {
            let all: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
            format!(
                "--fields: unknown field `{name}`; the fields are {}, and `-` for a column \
                 shipdeck does not model",
                all.join(", ")
            )
        }
    }
}
