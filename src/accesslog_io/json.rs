//! JSON lines (v2's `json` output, gzip or not): read a buffer at a time into the core's
//! [`JsonBatch`], which turns each object into a record; a line too long, not JSON, or with a
//! value that is not a string is counted as skipped with the reason, the rest kept.

use super::read::{ReadReport, broken, finish_report};
use crate::accesslog::input::JsonBatch;
use crate::accesslog::{LineView, Parser};
use std::io::{self, Read};

/// Bytes read per refill.
const CHUNK: usize = 128 * 1024;
/// A line longer than this is skipped as malformed.
const MAX_LINE: usize = 16 * 1024 * 1024;

/// Reads JSON lines from `reader` (`gzip`: it inflates, for messages) into `visit`. A read
/// error (a truncated or corrupt gzip) ends the input: the complete lines before it are kept,
/// the cut one dropped, and the error is counted.
pub(super) fn read_json(
    mut reader: impl Read,
    name: &str,
    gzip: bool,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let mut report = ReadReport {
        files: 1,
        ..ReadReport::default()
    };
    let (mut parser, mut batch) = (Parser::new(), JsonBatch::new());
    let mut buf = vec![0u8; CHUNK];
    let (mut filled, mut discarding) = (0usize, false);
    loop {
        if filled == buf.len() {
            if buf.len() < MAX_LINE {
                buf.resize(buf.len() * 2, 0);
            } else {
                // One enormous line: counted, and skipped up to its newline.
                discarding = true;
                filled = 0;
            }
        }
        let n = match reader.read(buf.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                report.failed = 1;
                report.errors.push(broken(name, &parser, &e, gzip));
                filled = 0;
                break;
            }
        };
        report.bytes_text += n as u64;
        let mut start = 0;
        if discarding {
            match buf
                .get(filled..filled + n)
                .and_then(|b| memchr::memchr(b'\n', b))
            {
                Some(nl) => {
                    discarding = false;
                    start = filled + nl + 1;
                    parser.note_oversized();
                }
                None => continue,
            }
        }
        let end = filled + n;
        let used = batch.feed(&mut parser, buf.get(start..end).unwrap_or_default(), visit);
        buf.copy_within(start + used..end, 0);
        filled = end - start - used;
        if buf.len() > CHUNK && filled < CHUNK / 2 {
            buf.truncate(CHUNK);
            buf.shrink_to_fit();
        }
    }
    if discarding {
        parser.note_oversized();
        filled = 0;
    }
    batch.finish(&mut parser, buf.get(..filled).unwrap_or_default(), visit);
    finish_report(&mut report, &parser, name);
    report
}
