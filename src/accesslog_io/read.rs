//! Streaming readers: gzip (single or multi-member, detected by magic bytes) or plain text from
//! bytes, files and stdin, parsed in bounded memory and handed to a visitor record by record.

use crate::accesslog::LineView;
use crate::accesslog::Parser;
use flate2::bufread::MultiGzDecoder;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Bytes decompressed per read; the parser works on the buffer while it is still in cache.
const CHUNK: usize = 128 * 1024;
/// A line longer than this is skipped as malformed instead of growing the buffer further.
const MAX_LINE: usize = 16 * 1024 * 1024;
/// Skipped-line samples kept per report.
const KEPT_SKIPS: usize = 10;

/// What reading one or more inputs produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Inputs opened (files, objects, stdin).
    pub files: usize,
    /// Inputs that could not be read at all or broke part-way (each has a message in `errors`).
    pub failed: usize,
    /// Lines seen, headers and comments included.
    pub lines: u64,
    /// Records handed to the visitor.
    pub records: u64,
    /// Malformed lines skipped.
    pub skipped: u64,
    /// Bytes read from storage (compressed size for gzip).
    pub bytes_in: u64,
    /// Bytes of log text parsed (after decompression).
    pub bytes_text: u64,
    /// One message per unreadable or broken input: `name: what went wrong`.
    pub errors: Vec<String>,
    /// The first few skipped lines: `name:line: why`.
    pub skips: Vec<String>,
}

impl ReadReport {
    /// Adds another report's counts and messages to this one.
    pub fn merge(&mut self, other: ReadReport) {
        self.files += other.files;
        self.failed += other.failed;
        self.lines += other.lines;
        self.records += other.records;
        self.skipped += other.skipped;
        self.bytes_in += other.bytes_in;
        self.bytes_text += other.bytes_text;
        self.errors.extend(other.errors);
        let room = KEPT_SKIPS.saturating_sub(self.skips.len());
        self.skips.extend(other.skips.into_iter().take(room));
    }

    /// A report for an input that could not be opened.
    pub fn failure(name: &str, message: impl std::fmt::Display) -> ReadReport {
        ReadReport {
            files: 1,
            failed: 1,
            errors: vec![format!("{name}: {message}")],
            ..ReadReport::default()
        }
    }
}

/// Whether `bytes` start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Reads one whole input held in memory (an S3 object body, a test fixture): gzip when it
/// starts with the gzip magic, else plain text. `name` is used in messages.
pub fn read_bytes(bytes: &[u8], name: &str, visit: &mut impl FnMut(&LineView<'_>)) -> ReadReport {
    let mut report = if is_gzip(bytes) {
        read_text(MultiGzDecoder::new(bytes), name, true, visit)
    } else {
        plain_bytes(bytes, name, visit)
    };
    report.bytes_in = bytes.len() as u64;
    report
}

/// Plain text in memory: parsed in place, without copying, a cache-sized window at a time.
fn plain_bytes(bytes: &[u8], name: &str, visit: &mut impl FnMut(&LineView<'_>)) -> ReadReport {
    let mut report = ReadReport {
        files: 1,
        bytes_text: bytes.len() as u64,
        ..ReadReport::default()
    };
    if let Some(why) = not_text(name, bytes) {
        report.failed = 1;
        report.errors.push(format!("{name}: {why}"));
        return report;
    }
    let mut parser = Parser::new();
    // Cache-sized windows: the UTF-8 check and the parse then read the same bytes from cache.
    let (mut pos, mut window) = (0, CHUNK);
    while pos < bytes.len() {
        let end = (pos + window).min(bytes.len());
        let used = parser.feed(bytes.get(pos..end).unwrap_or_default(), visit);
        if used == 0 {
            if end == bytes.len() {
                break;
            }
            window *= 2; // a line longer than the window
            continue;
        }
        pos += used;
        window = CHUNK;
    }
    parser.finish(bytes.get(pos..).unwrap_or_default(), visit);
    finish_report(&mut report, &parser, name);
    report
}

/// A reason to refuse an input that is not gzip: a `.gz` name, or binary data.
fn not_text(name: &str, head: &[u8]) -> Option<&'static str> {
    let head = head.get(..head.len().min(4096)).unwrap_or_default();
    if name.ends_with(".gz") && !head.is_empty() {
        return Some("not a gzip file (named .gz but no gzip header)");
    }
    head.contains(&0)
        .then_some("binary data, not a W3C log (neither gzip nor text)")
}

/// Reads a stream that may be gzip or plain (detected from its first bytes), e.g. a file or
/// stdin. `name` is used in messages.
pub fn read_reader(
    reader: impl Read,
    name: &str,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let mut counted = Counted {
        inner: reader,
        count: 0,
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, &mut counted);
    let head = match buffered.fill_buf() {
        Ok(h) => h,
        Err(e) => return ReadReport::failure(name, e),
    };
    let mut report = if is_gzip(head) {
        read_text(MultiGzDecoder::new(buffered), name, true, visit)
    } else if let Some(why) = not_text(name, head) {
        ReadReport::failure(name, why)
    } else {
        read_text(buffered, name, false, visit)
    };
    report.bytes_in = counted.count;
    report
}

/// Reads a file, or stdin for `-`.
pub fn read_path(path: &Path, visit: &mut impl FnMut(&LineView<'_>)) -> ReadReport {
    let name = path.display().to_string();
    if name == "-" {
        return read_reader(io::stdin().lock(), "<stdin>", visit);
    }
    match std::fs::File::open(path) {
        Ok(file) => read_reader(file, &name, visit),
        Err(e) => ReadReport::failure(&name, e),
    }
}

/// Parses a text stream in chunks, carrying the incomplete last line over to the next read.
/// A read error (a truncated or corrupt gzip) ends the input: the complete lines before it
/// are kept, the broken last line is dropped, and the error is counted.
fn read_text(
    mut reader: impl Read,
    name: &str,
    gzip: bool,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let mut report = ReadReport {
        files: 1,
        ..ReadReport::default()
    };
    let mut parser = Parser::new();
    let mut buf = vec![0u8; CHUNK];
    let (mut filled, mut discarding) = (0usize, false);
    loop {
        if filled == buf.len() {
            if buf.len() < MAX_LINE {
                buf.resize(buf.len() * 2, 0);
            } else {
                // One enormous line: skip it up to its newline.
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
        let used = parser.feed(buf.get(start..end).unwrap_or_default(), visit);
        buf.copy_within(start + used..end, 0);
        filled = end - start - used;
        if buf.len() > CHUNK && filled < CHUNK / 2 {
            buf.truncate(CHUNK);
            buf.shrink_to_fit();
        }
    }
    parser.finish(buf.get(..filled).unwrap_or_default(), visit);
    finish_report(&mut report, &parser, name);
    report
}

fn broken(name: &str, parser: &Parser, e: &io::Error, gzip: bool) -> String {
    let what = if !gzip {
        format!("read error ({e})")
    } else if e.kind() == io::ErrorKind::UnexpectedEof {
        "truncated gzip".to_string()
    } else {
        format!("corrupt gzip ({e})")
    };
    format!(
        "{name}: {what} after {} complete records; the rest of the file is lost",
        parser.counts().records
    )
}

fn finish_report(report: &mut ReadReport, parser: &Parser, name: &str) {
    let c = parser.counts();
    report.lines = c.lines;
    report.records = c.records;
    report.skipped = c.skipped;
    report.skips = parser
        .first_errors()
        .iter()
        .take(KEPT_SKIPS)
        .map(|(line, why)| format!("{name}:{line}: {why}"))
        .collect();
}

/// A reader that counts the bytes it passes on.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}
