//! JSON lines (v2's `json` output, gzip or not): read a buffer at a time (the streaming readers'
//! one line loop, `read::read_lines`) into the core's
//! [`JsonBatch`], which turns each object into a record; a line too long, not JSON, or with a
//! value that is not a string is counted as skipped with the reason, the rest kept.

use super::read::{ReadReport, finish_report, read_lines};
use crate::accesslog::input::JsonBatch;
use crate::accesslog::{LineView, Parser};
use std::io::Read;

/// Reads JSON lines from `reader` (`gzip`: it inflates, for messages) into `visit`. A read
/// error (a truncated or corrupt gzip) ends the input: the complete lines before it are kept,
/// the cut one dropped, and the error is counted.
pub(super) fn read_json(
    reader: impl Read,
    name: &str,
    gzip: bool,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let mut report = ReadReport {
        files: 1,
        ..ReadReport::default()
    };
    let (mut parser, mut batch) = (Parser::new(), JsonBatch::new());
    read_lines(
        reader,
        name,
        gzip,
        &mut parser,
        &mut report,
        |p, text, last| {
            if last {
                batch.finish(p, text, visit);
                text.len()
            } else {
                batch.feed(p, text, visit)
            }
        },
    );
    finish_report(&mut report, &parser, name);
    report
}
