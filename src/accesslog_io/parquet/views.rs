//! The fast path for the flat string schema CloudFront writes: the arrow reader decodes a row
//! group's projected columns into views (a dictionary-encoded column's values borrowed from its
//! dictionary, no allocation or reference count per value), a batch at a time, and the rows are
//! written as W3C lines for the parser. A value that is not UTF-8 (found by the reader for text
//! columns, by the lines' check for others) stops it, saying how many rows it handed on.

use super::{FlatColumn, LINES_CHUNK};
use crate::accesslog::input::{Converter, Lines};
use crate::accesslog::{LineView, Parser};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BinaryViewArray};
use arrow_schema::{DataType, Schema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::{ProjectionMask, parquet_to_arrow_schema};
use parquet::schema::types::SchemaDescriptor;
use std::sync::Arc;

/// Rows decoded at a time: a batch's views (16 bytes a value) stay in cache.
const BATCH_ROWS: usize = 4096;

/// A file set up for the arrow reader: its metadata read once with every column as a view
/// (string or byte, as the column is annotated), and the projection of the wanted columns.
pub(super) struct Views {
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
}

/// Why a row group was not read whole on the fast path, and how many of its rows were.
pub(super) struct Stopped {
    /// Rows already handed to the parser, in order; the caller reads the rest another way.
    pub rows: usize,
    /// What stopped it (a value that is not UTF-8 among them).
    pub why: String,
}

impl Views {
    /// Sets `bytes` up for the fast path when every column of `schema` is a top-level byte array
    /// (`columns`, the wanted ones, as [`super::flat_columns`] found them); `None` when the arrow
    /// reader will not take the file so (the caller reads it column by column instead).
    pub(super) fn new(
        bytes: &bytes::Bytes,
        schema: &SchemaDescriptor,
        columns: &[FlatColumn],
    ) -> Option<Views> {
        // Each column as a view of its inferred type: text (checked as UTF-8 by the reader) or
        // bytes (checked by the lines' own check); any other type leaves the fast path.
        let inferred = parquet_to_arrow_schema(schema, None).ok()?;
        let mut fields = Vec::with_capacity(inferred.fields().len());
        for f in inferred.fields() {
            let view = match f.data_type() {
                DataType::Utf8 | DataType::Utf8View => DataType::Utf8View,
                DataType::Binary | DataType::BinaryView => DataType::BinaryView,
                _ => return None,
            };
            fields.push(f.as_ref().clone().with_data_type(view));
        }
        let options = ArrowReaderOptions::new().with_schema(Arc::new(Schema::new(fields)));
        let meta = ArrowReaderMetadata::load(bytes, options).ok()?;
        let mask = ProjectionMask::leaves(schema, columns.iter().map(|c| c.leaf));
        Some(Views { meta, mask })
    }

    /// Reads row group `group` into `visit`; on an error, the rows read before it and why.
    pub(super) fn read_group(
        &self,
        bytes: &bytes::Bytes,
        group: usize,
        columns: &[FlatColumn],
        parser: &mut Parser,
        conv: &mut Converter,
        visit: &mut impl FnMut(&LineView<'_>),
    ) -> Result<(), Stopped> {
        let stopped = |rows: usize, why: String| Stopped { rows, why };
        let batches =
            ParquetRecordBatchReaderBuilder::new_with_metadata(bytes.clone(), self.meta.clone())
                .with_row_groups(vec![group])
                .with_projection(self.mask.clone())
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| stopped(0, e.to_string()))?;
        if !conv.layout(parser, columns.iter().map(|c| c.name.as_str())) {
            return Err(stopped(0, "no columns, or too many".into()));
        }
        let mut lines = Lines::new();
        // Rows handed to the parser.
        let mut fed = 0;
        for batch in batches {
            let batch = batch.map_err(|e| stopped(fed, e.to_string()))?;
            let arrays: Vec<BinaryViewArray> =
                batch.columns().iter().filter_map(bytes_view).collect();
            if arrays.len() != columns.len() {
                return Err(stopped(fed, "a column did not decode as a view".into()));
            }
            for row in 0..batch.num_rows() {
                for a in &arrays {
                    lines.value(a.is_valid(row).then(|| a.value(row)));
                }
                lines.end_row();
                if lines.len() >= LINES_CHUNK || row + 1 == batch.num_rows() {
                    let rows = lines.rows();
                    if !lines.feed(parser, visit) {
                        return Err(stopped(fed, "a value that is not UTF-8".into()));
                    }
                    fed += rows;
                }
            }
        }
        Ok(())
    }
}

/// A column decoded as a string or byte view, as bytes (sharing its buffers).
fn bytes_view(array: &ArrayRef) -> Option<BinaryViewArray> {
    match array.as_string_view_opt() {
        Some(text) => Some(text.clone().to_binary_view()),
        None => array.as_binary_view_opt().cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::flat_columns;
    use super::*;
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    const ROWS: usize = 10_000;
    const BAD: usize = 9_000;

    fn path(row: usize) -> Vec<u8> {
        if row == BAD {
            return b"/bad-\xff".to_vec();
        }
        format!("/assets/{row}.js").into_bytes()
    }

    /// One row group of `ROWS` rows, plain-encoded pages of 1,000 rows, a value that is not
    /// UTF-8 at row `BAD` (past the fast path's first two batches); the columns annotated
    /// `annotation` (`(STRING)`: the reader checks the text; none: the lines' check does).
    fn file(annotation: &str) -> bytes::Bytes {
        let schema = parse_message_type(&format!(
            "message m {{ optional binary sc_status {annotation}; optional binary cs_uri_stem {annotation}; }}",
        ))
        .unwrap();
        let props = WriterProperties::builder()
            .set_dictionary_enabled(false)
            .set_data_page_row_count_limit(1_000)
            .set_write_batch_size(1_000)
            .build();
        let mut w =
            SerializedFileWriter::new(Vec::new(), Arc::new(schema), Arc::new(props)).unwrap();
        let mut rg = w.next_row_group().unwrap();
        for col in 0..2 {
            let values: Vec<ByteArray> = (0..ROWS)
                .map(|r| match col {
                    0 => ByteArray::from("200"),
                    _ => ByteArray::from(path(r)),
                })
                .collect();
            let mut c = rg.next_column().unwrap().unwrap();
            c.typed::<ByteArrayType>()
                .write_batch(&values, Some(&vec![1; ROWS]), None)
                .unwrap();
            c.close().unwrap();
        }
        rg.close().unwrap();
        bytes::Bytes::from(w.into_inner().unwrap())
    }

    #[test]
    fn the_fast_path_stops_at_the_batch_holding_a_value_that_is_not_utf8_and_says_how_far_it_read()
    {
        for annotation in ["(STRING)", ""] {
            stops_partway(annotation);
        }
    }

    fn stops_partway(annotation: &str) {
        let bytes = file(annotation);
        let reader = SerializedFileReader::new(bytes.clone()).unwrap();
        let schema = reader.metadata().file_metadata().schema_descr_ptr();
        let columns = flat_columns(&schema, None).unwrap();
        let views = Views::new(&bytes, &schema, &columns).unwrap();
        let (mut parser, mut conv, mut paths) = (Parser::new(), Converter::new(), Vec::new());
        let stopped = views
            .read_group(&bytes, 0, &columns, &mut parser, &mut conv, &mut |v| {
                paths.push(v.raw(crate::accesslog::Field::UriStem).map(str::to_string))
            })
            .err()
            .unwrap();
        assert_eq!(
            stopped.rows,
            2 * BATCH_ROWS,
            "{annotation}: {}",
            stopped.why
        );
        assert!(
            stopped.why.to_lowercase().contains("utf"),
            "{}",
            stopped.why
        );
        let want: Vec<Option<String>> = (0..2 * BATCH_ROWS)
            .map(|r| Some(format!("/assets/{r}.js")))
            .collect();
        assert!(
            paths == want,
            "the rows before the batch, each once, in order"
        );
    }

    #[test]
    fn a_row_group_the_fast_path_stopped_in_is_finished_column_by_column_with_no_row_twice() {
        for annotation in ["(STRING)", ""] {
            finished_column_by_column(annotation);
        }
    }

    fn finished_column_by_column(annotation: &str) {
        let mut paths = Vec::new();
        let report = crate::accesslog_io::read_bytes(&file(annotation), "odd.parquet", &mut |v| {
            paths.push(v.raw(crate::accesslog::Field::UriStem).map(str::to_string))
        });
        let want: Vec<Option<String>> = (0..ROWS)
            .filter(|r| *r != BAD)
            .map(|r| Some(format!("/assets/{r}.js")))
            .collect();
        assert!(
            paths == want,
            "{annotation}: every other row once, in order"
        );
        assert_eq!((report.records, report.skipped), (ROWS as u64 - 1, 1));
        assert!(
            report
                .skips
                .iter()
                .any(|s| s.contains("`cs_uri_stem` is not UTF-8")),
            "{:?}",
            report.skips
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
    }
}
