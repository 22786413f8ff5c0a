//! The formats CloudFront delivers access logs in, detected from their first bytes, and the
//! conversion of the ones without W3C lines (JSON lines, Parquet rows, plain delimited text) into
//! records of the one parser: each record's named values become a W3C line under a layout of
//! those names, so every format gets the same typed fields, filters, statistics and exports.

mod convert;
mod json;
mod json_batch;
mod plain;

pub use convert::{Cell, Converter, Lines};
pub use json::json_line;
pub use json_batch::JsonBatch;
pub use plain::PlainLayout;

/// What an input (inflated, if it was gzip) turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// W3C lines under `#Version` / `#Fields` headers (legacy logging, and v2's `w3c`).
    W3c,
    /// One JSON object per line (v2's `json`).
    JsonLines,
    /// A Parquet file (v2's `parquet`).
    Parquet,
    /// Delimited lines without a header (v2's `plain`): the layout comes from elsewhere.
    Plain,
    /// Not text (a NUL byte in the first bytes).
    Binary,
}

impl InputFormat {
    /// The format of an input starting with `head` (already inflated): Parquet magic `PAR1`, a
    /// first `{` (after blanks) for JSON lines, a first `#` for W3C headers, text without
    /// either as plain lines; empty input reads as W3C (nothing in it).
    pub fn detect(head: &[u8]) -> InputFormat {
        if head.starts_with(b"PAR1") {
            return InputFormat::Parquet;
        }
        let sample = head.get(..head.len().min(4096)).unwrap_or_default();
        if sample.contains(&0) {
            return InputFormat::Binary;
        }
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            None | Some(b'#') => InputFormat::W3c,
            Some(b'{') => InputFormat::JsonLines,
            Some(_) => InputFormat::Plain,
        }
    }

    /// The name, as messages use it.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::W3c => "W3C",
            InputFormat::JsonLines => "JSON lines",
            InputFormat::Parquet => "Parquet",
            InputFormat::Plain => "plain",
            InputFormat::Binary => "binary",
        }
    }
}

/// Whether the first line of `head` splits on tabs into the 33 columns of the legacy format: a
/// headerless piece of a legacy log, read in the standard layout as before.
pub fn legacy_columns(head: &[u8]) -> bool {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.iter().filter(|b| **b == b'\t').count() + 1 == crate::accesslog::Field::LEGACY
}

#[cfg(test)]
mod tests;
