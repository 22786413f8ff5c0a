//! The layout of a plain (headerless) v2 log: its record fields and field delimiter, as the
//! delivery declares them or `--fields` and `--delimiter` give them.

use crate::accesslog::parse::schema::{MAX_COLUMNS, Schema};

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
        let names: Vec<String> = fields
            .split(|c: char| c == ',' || c.is_ascii_whitespace())
            .filter(|n| !n.is_empty())
            .map(|n| {
                crate::accesslog::Field::from_any_name(n)
                    .map_or_else(|| n.to_string(), |f| f.name().to_string())
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
}
