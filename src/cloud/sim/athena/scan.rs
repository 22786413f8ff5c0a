//! The rows of one log object as a table reads them, decoded by shipdeck's own readers (gzip,
//! W3C, plain lines, JSON lines, Parquet): delimited tables take columns by position, JSON
//! tables by key (through `mapping.*`), Parquet tables by name; text is kept as written, a
//! typed column's value that does not parse is NULL (as the SerDes read it). After the columns
//! come the partition columns, then `"$path"`.

use super::catalog::{RowFormat, Table};
use super::expr::Value;
use crate::accesslog::Field;
use crate::accesslog::input::PlainLayout;
use crate::accesslog_io::{ReadOptions, read_bytes_with};

/// The names of a table's row slots, in order: columns, partition columns, `$path`.
pub(crate) fn slot_names(table: &Table) -> Vec<String> {
    table
        .columns
        .iter()
        .chain(&table.partitions)
        .map(|(n, _)| n.clone())
        .chain(["$path".to_string()])
        .collect()
}

/// A text value as a column of type `ty`.
fn typed(text: Option<&str>, ty: &str) -> Value {
    let Some(t) = text else { return Value::Null };
    match ty {
        "bigint" | "int" | "integer" | "smallint" | "tinyint" => {
            t.parse().map_or(Value::Null, Value::Int)
        }
        "double" | "float" => t.parse().map_or(Value::Null, Value::Double),
        "date" => match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(_) => Value::Str(t.to_string()),
            Err(_) => Value::Null,
        },
        _ => Value::Str(t.to_string()),
    }
}

/// The rows of object `key` (its bytes `body`) of `bucket` in `partition`, each column the
/// statement reads (`needed`, by position) converted, the others NULL; a file the readers
/// cannot read is the failure Athena reports for it.
pub(crate) fn rows(
    table: &Table,
    needed: &[bool],
    bucket: &str,
    key: &str,
    partition: &[String],
    body: &[u8],
) -> Result<Vec<Vec<Value>>, String> {
    let path = format!("s3://{bucket}/{key}");
    let mut opts = ReadOptions::default();
    if let RowFormat::Delimited { delimiter, .. } = &table.format {
        let names: Vec<&str> = table.columns.iter().map(|(n, _)| n.as_str()).collect();
        let layout = PlainLayout::parse(&names.join(","), Some(&delimiter.to_string()))
            .map_err(|e| format!("HIVE_BAD_DATA: {path}: {e}"))?;
        opts.plain = Some(layout);
    }
    // Where each column is found in a record: by position, or by the field its name (or key)
    // names.
    let fields: Vec<Option<Field>> = table
        .columns
        .iter()
        .map(|(name, _)| match &table.format {
            RowFormat::Delimited { .. } => None,
            RowFormat::Json { mapping } => {
                Field::from_any_name(mapping.get(name).map_or(name.as_str(), String::as_str))
            }
            RowFormat::Parquet => Field::from_any_name(name),
        })
        .collect();
    if table.format == RowFormat::Parquet {
        // Parquet is read by column: only those the statement reads (every one when it reads
        // none, so that the rows are still counted).
        let read: Vec<Field> = fields
            .iter()
            .zip(needed)
            .filter(|(_, n)| **n)
            .filter_map(|(f, _)| *f)
            .collect();
        opts.columns = (!read.is_empty()).then_some(read);
    }
    let tail: Vec<Value> = table
        .partitions
        .iter()
        .zip(partition)
        .map(|((_, ty), v)| typed(Some(v), ty))
        .chain([Value::Str(path.clone())])
        .collect();
    let mut out = Vec::new();
    let report = read_bytes_with(body, &path, &opts, &mut |view| {
        let mut row: Vec<Value> = Vec::with_capacity(table.columns.len() + tail.len());
        for (i, (_, ty)) in table.columns.iter().enumerate() {
            if !needed.get(i).copied().unwrap_or(true) {
                row.push(Value::Null);
                continue;
            }
            let text = match &table.format {
                RowFormat::Delimited { .. } => view.column(i),
                _ => fields[i]
                    .and_then(|f| view.schema().column(f))
                    .and_then(|c| view.column(c)),
            };
            row.push(typed(text, ty));
        }
        row.extend(tail.iter().cloned());
        out.push(row);
    });
    if let Some(e) = report.errors.first() {
        return Err(format!("HIVE_CURSOR_ERROR: {e}"));
    }
    Ok(out)
}
