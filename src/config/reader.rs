//! Typed, located access to a parsed TOML table: the walker behind every config error's `file:line:column`.

use super::error::{ConfigError, Location};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A located value borrowed from the document.
type Value<'i> = Spanned<DeValue<'i>>;

/// The text being read and the file name its messages use.
pub(crate) struct Source<'i> {
    /// File name as messages show it.
    pub file: String,
    /// The whole document.
    pub text: &'i str,
}

impl Source<'_> {
    /// The `file:line:column` of the start of `span`.
    pub fn at(&self, span: &Range<usize>) -> Location {
        Location::from_offset(&self.file, self.text, span.start)
    }
}

/// One table of the document, with its key path (`""`, `aws`, `environments[1]`) and span.
pub(crate) struct Table<'a, 'i> {
    src: &'a Source<'i>,
    path: String,
    span: Range<usize>,
    map: &'a DeTable<'i>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// The document's root table.
    pub fn root(src: &'a Source<'i>, doc: &'a Spanned<DeTable<'i>>) -> Self {
        Table {
            src,
            path: String::new(),
            span: doc.span(),
            map: doc.get_ref(),
        }
    }

    /// The table's key path, e.g. `environments[1]` (empty for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Where the table starts (its header for `[x]` and `[[x]]` tables).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Full path of `key` in this table, e.g. `polling.idle`.
    pub fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Rejects the first key (in file order) that is not in `known`.
    pub fn deny_unknown(&self, known: &'static [&'static str]) -> Result<(), ConfigError> {
        let unknown = self
            .map
            .keys()
            .filter(|k| !known.contains(&k.get_ref().as_ref()))
            .min_by_key(|k| k.span().start);
        match unknown {
            None => Ok(()),
            Some(key) => Err(ConfigError::UnknownKey {
                at: self.src.at(&key.span()),
                key: key.get_ref().to_string(),
                table: match self.path.as_str() {
                    "" => "the top-level table".to_string(),
                    p if p.contains('[') => p.to_string(),
                    p => format!("[{p}]"),
                },
                expected: known,
            }),
        }
    }

    /// An error about the value of `key` at `span`.
    pub fn invalid(
        &self,
        key: &str,
        span: &Range<usize>,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError::Invalid {
            at: self.src.at(span),
            key: self.key_path(key),
            message: message.into(),
        }
    }

    /// The error for a required `key` absent from this table, located at the table.
    pub fn missing(&self, key: &str) -> ConfigError {
        ConfigError::MissingKey {
            at: self.src.at(&self.span),
            table: self.path.clone(),
            key: key.to_string(),
        }
    }

    fn wrong_type(&self, key: &str, value: &Value<'_>, expected: &str) -> ConfigError {
        let found = value.get_ref().type_str();
        let article = if found.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        self.invalid(
            key,
            &value.span(),
            format!("expected {expected}, found {article} {found}"),
        )
    }

    /// An optional string.
    pub fn str(&self, key: &str) -> Result<Option<Spanned<&'a str>>, ConfigError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::String(s) => Ok(Some(Spanned::new(v.span(), s.as_ref()))),
                _ => Err(self.wrong_type(key, v, "a string")),
            },
        }
    }

    /// A required, non-empty string.
    pub fn required_str(&self, key: &str) -> Result<Spanned<&'a str>, ConfigError> {
        let value = self.str(key)?.ok_or_else(|| self.missing(key))?;
        if value.get_ref().trim().is_empty() {
            return Err(self.invalid(key, &value.span(), "must not be empty"));
        }
        Ok(value)
    }

    /// An optional boolean.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::Boolean(b) => Ok(Some(*b)),
                _ => Err(self.wrong_type(key, v, "a boolean (true or false)")),
            },
        }
    }

    /// An optional integer.
    pub fn int(&self, key: &str) -> Result<Option<Spanned<i64>>, ConfigError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .map(|n| Some(Spanned::new(v.span(), n)))
                    .map_err(|_| self.invalid(key, &v.span(), "integer out of range")),
                _ => Err(self.wrong_type(key, v, "an integer")),
            },
        }
    }

    /// An optional number, integer or float.
    pub fn number(&self, key: &str) -> Result<Option<Spanned<f64>>, ConfigError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                    .map(|n| Some(Spanned::new(v.span(), n as f64)))
                    .map_err(|_| self.invalid(key, &v.span(), "number out of range")),
                DeValue::Float(f) => match f.as_str().parse::<f64>() {
                    Ok(n) if n.is_finite() => Ok(Some(Spanned::new(v.span(), n))),
                    _ => Err(self.invalid(key, &v.span(), "expected a finite number")),
                },
                _ => Err(self.wrong_type(key, v, "a number")),
            },
        }
    }

    /// An optional array of strings.
    pub fn str_list(&self, key: &str) -> Result<Option<Vec<Spanned<&'a str>>>, ConfigError> {
        let Some(v) = self.map.get(key) else {
            return Ok(None);
        };
        let DeValue::Array(items) = v.get_ref() else {
            return Err(self.wrong_type(key, v, "an array of strings"));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Spanned::new(item.span(), s.as_ref())),
                _ => return Err(self.wrong_type(&format!("{key}[{i}]"), item, "a string")),
            }
        }
        Ok(Some(out))
    }

    /// An optional sub-table such as `[aws]`.
    pub fn table(&self, key: &str) -> Result<Option<Table<'a, 'i>>, ConfigError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::Table(map) => Ok(Some(Table {
                    src: self.src,
                    path: self.key_path(key),
                    span: v.span(),
                    map,
                })),
                _ => Err(self.wrong_type(key, v, "a table")),
            },
        }
    }

    /// An optional array of tables such as `[[environments]]`, with the array's own span.
    pub fn tables(&self, key: &str) -> Result<Option<Spanned<Vec<Table<'a, 'i>>>>, ConfigError> {
        let Some(v) = self.map.get(key) else {
            return Ok(None);
        };
        let expected = format!("an array of tables ([[{key}]])");
        let DeValue::Array(items) = v.get_ref() else {
            return Err(self.wrong_type(key, v, &expected));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{i}]", self.key_path(key));
            match item.get_ref() {
                DeValue::Table(map) => out.push(Table {
                    src: self.src,
                    path,
                    span: item.span(),
                    map,
                }),
                _ => return Err(self.wrong_type(&format!("{key}[{i}]"), item, "a table")),
            }
        }
        Ok(Some(Spanned::new(v.span(), out)))
    }
}
