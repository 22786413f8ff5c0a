//! One line of a v2 JSON log: an object whose keys are field names and whose values are all
//! strings (`"asn": "16509"`), `null` for none.

use crate::accesslog::LineView;
use crate::accesslog::input::convert::{Cell, Converter};
use crate::accesslog::parse::Parser;
use crate::accesslog::parse::schema::Malformed;
use serde_json::Value;
use std::borrow::Cow;

/// Parses one JSON line (without its newline) into a record for `visit`; a line that is not an
/// object of strings is counted as skipped, with the reason. A blank line is no record.
pub fn json_line(
    conv: &mut Converter,
    parser: &mut Parser,
    line: &[u8],
    visit: &mut impl FnMut(&LineView<'_>),
) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        let _ = parser.parse_line(b"");
        return;
    }
    let object: serde_json::Map<String, Value> = match serde_json::from_slice(line) {
        Ok(o) => o,
        Err(e) => {
            let why = if e.is_data() {
                "not an object".to_string()
            } else {
                e.to_string()
            };
            parser.note_malformed(Malformed::Json(why));
            return;
        }
    };
    let mut cells = Vec::with_capacity(object.len());
    for (key, value) in &object {
        let cell = match value {
            Value::String(s) => Cell::Text(Cow::Borrowed(s.as_str())),
            Value::Null => Cell::Null,
            other => {
                let kind = match other {
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    Value::Array(_) => "an array",
                    _ => "an object",
                };
                parser.note_malformed(Malformed::Json(format!(
                    "`{key}` is {kind}, expected a string"
                )));
                return;
            }
        };
        cells.push((key.as_str(), cell));
    }
    conv.record(parser, &cells, visit);
}
