//! JSON lines (v2's `json` output, gzip or not): one object per line, each converted to a record
//! by the core's converter; a line too long, not JSON, or with a value that is not a string is
//! counted as skipped with the reason, the rest kept.

use super::read::{ReadReport, broken, finish_report};
use crate::accesslog::input::{Converter, json_line};
use crate::accesslog::{LineView, Parser};
use std::io::{self, BufRead, BufReader, Read};

/// Bytes read per refill.
const CHUNK: usize = 128 * 1024;
/// A line longer than this is skipped as malformed.
const MAX_LINE: u64 = 16 * 1024 * 1024;

/// Reads JSON lines from `reader` (`gzip`: it inflates, for messages) into `visit`.
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
    let (mut parser, mut conv) = (Parser::new(), Converter::new());
    let mut reader = BufReader::with_capacity(CHUNK, reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line);
        match read {
            Ok(0) => break,
            Ok(n) => {
                report.bytes_text += n as u64;
                if line.last() != Some(&b'\n') && n as u64 == MAX_LINE {
                    // One enormous line: counted, and skipped up to its newline.
                    parser.note_oversized();
                    match reader.skip_until(b'\n') {
                        Ok(skipped) => report.bytes_text += skipped as u64,
                        Err(e) => {
                            report.failed = 1;
                            report.errors.push(broken(name, &parser, &e, gzip));
                            break;
                        }
                    }
                    continue;
                }
                let body = line.strip_suffix(b"\n").unwrap_or(&line);
                json_line(&mut conv, &mut parser, body, visit);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                // A broken stream: the complete lines before it are kept, the cut one dropped.
                report.failed = 1;
                report.errors.push(broken(name, &parser, &e, gzip));
                break;
            }
        }
    }
    finish_report(&mut report, &parser, name);
    report
}
