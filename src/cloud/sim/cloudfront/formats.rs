//! The simulator's log objects in every format standard logging (v2) delivers: W3C with a chosen
//! field list, JSON lines (every value a string), plain delimited lines without a header, and
//! Parquet (string columns named with underscores, snappy-compressed, in row groups).

use crate::accesslog::{AccessRecord, Field, record_values};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::sync::Arc;

/// The fields a v2 delivery logs by default: the legacy 33, then v2's.
pub const V2_FIELDS: [Field; 39] = Field::V2_DEFAULT;

/// An output format of a v2 delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// `#Version` and `#Fields` headers, then tab-separated lines.
    W3c,
    /// One JSON object per line, keyed by field name, every value a string (`null` for none).
    Json,
    /// Lines of the fields joined by the delimiter (URL-encoded inside values), no header.
    Plain {
        /// The delivery's field delimiter.
        delimiter: u8,
    },
    /// A Parquet file with this many rows per row group.
    Parquet {
        /// Rows per row group.
        rows_per_group: usize,
    },
}

/// Writes `records` with `fields` (in that order) in `format`.
pub fn write_log(
    records: &[AccessRecord],
    fields: &[Field],
    format: LogFormat,
) -> Result<Vec<u8>, String> {
    let rows = records.iter().map(|r| record_values(r, fields));
    match format {
        LogFormat::W3c => {
            let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
            let mut out = format!("#Version: 1.0\n#Fields: {}\n", names.join(" "));
            for row in rows {
                let cells: Vec<&str> = row.iter().map(|v| v.as_deref().unwrap_or("-")).collect();
                out.push_str(&cells.join("\t"));
                out.push('\n');
            }
            Ok(out.into_bytes())
        }
        LogFormat::Json => {
            let mut out = Vec::new();
            for row in rows {
                let object: serde_json::Map<String, serde_json::Value> = fields
                    .iter()
                    .zip(row)
                    .map(|(f, v)| {
                        (
                            f.name().to_string(),
                            v.map_or(serde_json::Value::Null, Into::into),
                        )
                    })
                    .collect();
                serde_json::to_writer(&mut out, &object).map_err(|e| e.to_string())?;
                out.push(b'\n');
            }
            Ok(out)
        }
        LogFormat::Plain { delimiter } => {
            let mut out = Vec::new();
            for row in rows {
                for (i, v) in row.iter().enumerate() {
                    if i > 0 {
                        out.push(delimiter);
                    }
                    // The delimiter inside a value (a comma in a user agent) is URL-encoded.
                    for &b in v.as_deref().unwrap_or("-").as_bytes() {
                        if b == delimiter {
                            out.extend_from_slice(format!("%{b:02X}").as_bytes());
                        } else {
                            out.push(b);
                        }
                    }
                }
                out.push(b'\n');
            }
            Ok(out)
        }
        LogFormat::Parquet { rows_per_group } => {
            let rows: Vec<Vec<Option<String>>> = rows.collect();
            write_parquet(&rows, fields, rows_per_group.max(1)).map_err(|e| e.to_string())
        }
    }
}

fn write_parquet(
    rows: &[Vec<Option<String>>],
    fields: &[Field],
    rows_per_group: usize,
) -> parquet::errors::Result<Vec<u8>> {
    let columns: Vec<String> = fields
        .iter()
        .map(|f| format!("optional binary {} (STRING);", f.column_name()))
        .collect();
    let schema = Arc::new(parse_message_type(&format!(
        "message cloudfront_log {{ {} }}",
        columns.join(" ")
    ))?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut writer = SerializedFileWriter::new(Vec::new(), schema, props)?;
    for group in rows.chunks(rows_per_group) {
        let mut rg = writer.next_row_group()?;
        let mut col = 0;
        while let Some(mut column) = rg.next_column()? {
            let (mut values, mut defs) = (Vec::new(), Vec::new());
            for row in group {
                match row.get(col).and_then(Option::as_deref) {
                    Some(v) => {
                        values.push(ByteArray::from(v));
                        defs.push(1);
                    }
                    None => defs.push(0),
                }
            }
            column
                .typed::<ByteArrayType>()
                .write_batch(&values, Some(&defs), None)?;
            column.close()?;
            col += 1;
        }
        rg.close()?;
    }
    writer.into_inner()
}
