//! Parquet objects (v2's `parquet` output to S3): read a row group at a time, only the columns
//! the caller needs, each row converted to a record by the core's converter. Columns are named
//! by the normalized field names (`cs_host`); values are strings. A row group that cannot be
//! read is counted as a failure with the reason, the other row groups kept.

use super::read::{ReadOptions, ReadReport, finish_report};
use crate::accesslog::input::{Cell, Converter};
use crate::accesslog::{Field, LineView, Malformed, Parser};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field as Value;
use parquet::schema::types::Type;
use std::borrow::Cow;
use std::sync::Arc;

/// Reads a whole Parquet file held in memory into `visit`.
pub(super) fn read_parquet(
    bytes: bytes::Bytes,
    name: &str,
    opts: &ReadOptions,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let reader = match SerializedFileReader::new(bytes) {
        Ok(r) => r,
        Err(e) => return ReadReport::failure(name, format!("not a readable Parquet file ({e})")),
    };
    let mut report = ReadReport {
        files: 1,
        ..ReadReport::default()
    };
    let projection = projection(reader.metadata().file_metadata().schema(), opts);
    let (mut parser, mut conv) = (Parser::new(), Converter::new());
    for group in 0..reader.num_row_groups() {
        let rows = reader
            .get_row_group(group)
            .and_then(|g| read_group(&*g, projection.clone(), &mut parser, &mut conv, visit));
        if let Err(e) = rows {
            report.failed = 1;
            report.errors.push(format!(
                "{name}: row group {} of {} unreadable ({e}); its remaining rows are lost",
                group + 1,
                reader.num_row_groups()
            ));
        }
    }
    finish_report(&mut report, &parser, name);
    report
}

/// Reads the rows of one row group.
fn read_group(
    group: &dyn parquet::file::reader::RowGroupReader,
    projection: Option<Type>,
    parser: &mut Parser,
    conv: &mut Converter,
    visit: &mut impl FnMut(&LineView<'_>),
) -> parquet::errors::Result<()> {
    for row in group.get_row_iter(projection)? {
        let row = row?;
        let mut cells: Vec<(&str, Cell<'_>)> = Vec::with_capacity(row.len());
        let mut bad = None;
        for (column, value) in row.get_column_iter() {
            let cell = match value {
                Value::Null => Cell::Null,
                Value::Str(s) => Cell::Text(Cow::Borrowed(s.as_str())),
                Value::Bytes(b) => match b.as_utf8() {
                    Ok(s) => Cell::Text(Cow::Borrowed(s)),
                    Err(_) => {
                        bad = Some(format!("`{column}` is not UTF-8"));
                        break;
                    }
                },
                Value::Group(_) | Value::ListInternal(_) | Value::MapInternal(_) => {
                    bad = Some(format!("`{column}` is nested, expected a string"));
                    break;
                }
                // Numbers and the like, should a writer have typed a column.
                other => Cell::Text(Cow::Owned(other.to_string())),
            };
            cells.push((column.as_str(), cell));
        }
        match bad {
            Some(why) => parser.note_malformed(Malformed::Row(why)),
            None => conv.record(parser, &cells, visit),
        }
    }
    Ok(())
}

/// The file's schema cut to the columns of `opts.columns` (`None`: every column, and also when
/// none of them is in the file).
fn projection(schema: &Type, opts: &ReadOptions) -> Option<Type> {
    let wanted = opts.columns.as_ref()?;
    let fields: Vec<Arc<Type>> = schema
        .get_fields()
        .iter()
        .filter(|f| Field::from_any_name(f.name()).is_some_and(|field| wanted.contains(&field)))
        .cloned()
        .collect();
    if fields.is_empty() {
        return None;
    }
    Type::group_type_builder(schema.name())
        .with_fields(fields)
        .build()
        .ok()
}
