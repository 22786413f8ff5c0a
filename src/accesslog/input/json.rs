//! One line of a v2 JSON log: an object whose keys are field names and whose values are all
//! strings (`"asn": "16509"`), `null` for none. Keys and values are borrowed from the line where
//! they need no unescaping.

use crate::accesslog::LineView;
use crate::accesslog::input::convert::{Cell, Converter};
use crate::accesslog::parse::Parser;
use crate::accesslog::parse::schema::Malformed;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

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
    let object: Object<'_> = match serde_json::from_slice(line) {
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
    let mut cells = Vec::with_capacity(object.0.len());
    for (key, value) in &object.0 {
        let cell = match value {
            Scalar::Text(s) => Cell::Text(Cow::Borrowed(s.as_ref())),
            Scalar::Null => Cell::Null,
            Scalar::Wrong(kind) => {
                parser.note_malformed(Malformed::Json(format!(
                    "`{key}` is {kind}, expected a string"
                )));
                return;
            }
        };
        cells.push((key.as_ref(), cell));
    }
    conv.record(parser, &cells, visit);
}

/// A JSON object's members in order.
struct Object<'a>(Vec<(Cow<'a, str>, Scalar<'a>)>);

/// A member's value as the converter sees it.
enum Scalar<'a> {
    Text(Cow<'a, str>),
    Null,
    /// Not a string: what it is, for the message.
    Wrong(&'static str),
}

/// A string borrowed from the input when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Text(Cow::Owned(s)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Null)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Wrong("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Wrong("a number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Wrong("a number"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar<'de>, E> {
                Ok(Scalar::Wrong("a number"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Scalar<'de>, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Wrong("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Scalar<'de>, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Wrong("an object"))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Object<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Object<'de>, A::Error> {
                let mut members = Vec::with_capacity(a.size_hint().unwrap_or(40));
                while let Some((key, value)) = a.next_entry::<Text<'de>, Scalar<'de>>()? {
                    members.push((key.0, value));
                }
                Ok(Object(members))
            }
        }
        d.deserialize_map(V)
    }
}
