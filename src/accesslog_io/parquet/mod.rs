//! Parquet objects (v2's `parquet` output to S3): read a row group at a time, only the columns
//! the caller needs (for the flat string schema CloudFront writes: as string views through the
//! arrow reader, or column by column where that stops, say at a value that is not UTF-8; through
//! the row API for any other schema), each row converted to a record by the core's converter.
//! Columns are named by the normalized field names (`cs_host`); values are strings. A row group
//! that cannot be read is counted as a failure with the reason, the other row groups kept.

mod views;

use super::read::{ReadOptions, ReadReport, finish_report};
use crate::accesslog::input::{Cell, Converter, Lines};
use crate::accesslog::{Field, LineView, Malformed, Parser};
use parquet::basic::Type as PhysicalType;
use parquet::column::reader::ColumnReader;
use parquet::data_type::ByteArray;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field as Value;
use parquet::schema::types::{SchemaDescriptor, Type};
use std::borrow::Cow;
use std::sync::Arc;

/// Reads a whole Parquet file held in memory into `visit`.
pub(super) fn read_parquet(
    bytes: bytes::Bytes,
    name: &str,
    opts: &ReadOptions,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let reader = match SerializedFileReader::new(bytes.clone()) {
        Ok(r) => r,
        Err(e) => return ReadReport::failure(name, format!("not a readable Parquet file ({e})")),
    };
    let mut report = ReadReport {
        files: 1,
        ..ReadReport::default()
    };
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let projection = projection(schema.root_schema(), opts);
    let columns = flat_columns(&schema, projection.as_ref());
    let fast = columns
        .as_ref()
        .and_then(|c| views::Views::new(&bytes, &schema, c));
    let (mut parser, mut conv) = (Parser::new(), Converter::new());
    for group in 0..reader.num_row_groups() {
        // The rows of the group already read on the fast path; the rest are read column by
        // column, which names a column at fault row by row (or fails the group as before).
        let mut from = 0;
        if let (Some(fast), Some(columns)) = (&fast, &columns) {
            match fast.read_group(&bytes, group, columns, &mut parser, &mut conv, visit) {
                Ok(()) => continue,
                Err(stopped) => {
                    tracing::debug!(name, group, rows = stopped.rows, why = %stopped.why, "parquet: read column by column");
                    from = stopped.rows;
                }
            }
        }
        let rows = reader.get_row_group(group).and_then(|g| match &columns {
            Some(columns) => read_columns(&*g, columns, from, &mut parser, &mut conv, visit),
            None => read_group(&*g, projection.clone(), &mut parser, &mut conv, visit),
        });
        if let Err(e) = rows {
            report.failed = 1;
            report.errors.push(format!(
                "{name}: row group {} of {} unreadable ({e}); its rows not yet read are lost",
                group + 1,
                reader.num_row_groups()
            ));
        }
    }
    finish_report(&mut report, &parser, name);
    report
}

/// A column of a flat schema of optional or required byte arrays: its leaf index, name, and
/// whether it has definition levels (optional).
struct FlatColumn {
    leaf: usize,
    name: String,
    optional: bool,
}

/// The columns to read column by column, when every one (of the projection, if any) is a
/// top-level, non-repeated byte array, as CloudFront writes them; `None`: read rows instead.
fn flat_columns(schema: &SchemaDescriptor, projection: Option<&Type>) -> Option<Vec<FlatColumn>> {
    let wanted =
        |name: &str| projection.is_none_or(|p| p.get_fields().iter().any(|f| f.name() == name));
    let mut out = Vec::new();
    for leaf in 0..schema.num_columns() {
        let c = schema.column(leaf);
        if c.path().parts().len() != 1
            || c.max_rep_level() != 0
            || c.max_def_level() > 1
            || c.physical_type() != PhysicalType::BYTE_ARRAY
        {
            return None;
        }
        if wanted(c.name()) {
            out.push(FlatColumn {
                leaf,
                name: c.name().to_string(),
                optional: c.max_def_level() == 1,
            });
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The rows written as W3C lines before the parser takes them: large enough to amortize the
/// call, small enough to stay in cache and under the parser's whole-buffer limit.
const LINES_CHUNK: usize = 256 * 1024;

/// Reads one row group column by column from row `from` on (no row objects: each value borrowed
/// where it lies), then writes the rows as W3C lines into one buffer that the parser takes
/// whole, a chunk at a time (the layout set once per file, the text checked once per chunk). A
/// chunk that is not UTF-8 is taken again row by row, to name the column at fault as before.
fn read_columns(
    group: &dyn parquet::file::reader::RowGroupReader,
    columns: &[FlatColumn],
    from: usize,
    parser: &mut Parser,
    conv: &mut Converter,
    visit: &mut impl FnMut(&LineView<'_>),
) -> parquet::errors::Result<()> {
    let rows = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
    let mut data: Vec<ColumnData> = Vec::with_capacity(columns.len());
    for c in columns {
        data.push(read_column(group, c, rows)?);
    }
    if !conv.layout(parser, columns.iter().map(|c| c.name.as_str())) {
        for _ in from..rows {
            let why = format!("{} fields (none, or too many)", columns.len());
            parser.note_malformed(Malformed::Row(why));
        }
        return Ok(());
    }
    let mut next = vec![0usize; columns.len()];
    for row in 0..from.min(rows) {
        for (i, d) in data.iter().enumerate() {
            d.value(row, &mut next[i]);
        }
    }
    let mut lines = Lines::new();
    let mut chunk = (from, next.clone());
    for row in from..rows {
        for (i, d) in data.iter().enumerate() {
            lines.value(d.value(row, &mut next[i]).map(ByteArray::data));
        }
        lines.end_row();
        if lines.len() >= LINES_CHUNK || row + 1 == rows {
            if !lines.feed(parser, visit) {
                lines.clear();
                let (first, mut at) = std::mem::take(&mut chunk);
                for r in first..=row {
                    read_row(columns, &data, r, &mut at, parser, conv, visit);
                }
            }
            chunk = (row + 1, next.clone());
        }
    }
    Ok(())
}

/// One column of a row group: its values (nulls left out) and, when optional, the definition
/// level of each row.
struct ColumnData {
    values: Vec<ByteArray>,
    defs: Vec<i16>,
    optional: bool,
}

impl ColumnData {
    /// The value of `row` (`None`: null); `next` is the index of the column's next value.
    #[inline]
    fn value(&self, row: usize, next: &mut usize) -> Option<&ByteArray> {
        if self.optional && self.defs.get(row) != Some(&1) {
            return None;
        }
        let v = self.values.get(*next);
        *next += 1;
        v
    }
}

/// Reads all `rows` values of column `c`.
fn read_column(
    group: &dyn parquet::file::reader::RowGroupReader,
    c: &FlatColumn,
    rows: usize,
) -> parquet::errors::Result<ColumnData> {
    let ColumnReader::ByteArrayColumnReader(mut reader) = group.get_column_reader(c.leaf)? else {
        return Err(parquet::errors::ParquetError::General(format!(
            "column `{}` is not a byte array",
            c.name
        )));
    };
    let (mut values, mut defs) = (Vec::with_capacity(rows), Vec::with_capacity(rows));
    let mut read = 0;
    while read < rows {
        let levels = c.optional.then_some(&mut defs);
        let (records, _, _) = reader.read_records(rows - read, levels, None, &mut values)?;
        if records == 0 {
            break;
        }
        read += records;
    }
    if read != rows {
        return Err(parquet::errors::ParquetError::General(format!(
            "column `{}` has {read} of {rows} rows",
            c.name
        )));
    }
    Ok(ColumnData {
        values,
        defs,
        optional: c.optional,
    })
}

/// Hands one row to the converter as named cells (a value that is not UTF-8 makes the row
/// unreadable, naming its column); `next` as in [`ColumnData::value`].
fn read_row(
    columns: &[FlatColumn],
    data: &[ColumnData],
    row: usize,
    next: &mut [usize],
    parser: &mut Parser,
    conv: &mut Converter,
    visit: &mut impl FnMut(&LineView<'_>),
) {
    let mut cells: Vec<(&str, Cell<'_>)> = Vec::with_capacity(columns.len());
    let mut bad = None;
    for (i, (c, d)) in columns.iter().zip(data).enumerate() {
        let Some(at) = next.get_mut(i) else {
            break;
        };
        let cell = match d.value(row, at).map(ByteArray::as_utf8) {
            None => Cell::Null,
            Some(Ok(s)) => Cell::Text(Cow::Borrowed(s)),
            Some(Err(_)) => {
                bad.get_or_insert_with(|| format!("`{}` is not UTF-8", c.name));
                Cell::Null
            }
        };
        cells.push((c.name.as_str(), cell));
    }
    match bad {
        Some(why) => parser.note_malformed(Malformed::Row(why)),
        None => conv.record(parser, &cells, visit),
    }
}

/// Reads the rows of one row group through the row API (any schema).
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
