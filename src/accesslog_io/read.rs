//! Streaming readers of bytes, files and stdin, gzip (single or multi-member; a single-member
//! object or file held in memory is inflated whole with libdeflate) or not, in every
//! format CloudFront delivers (detected from the first bytes, after inflating): W3C, JSON lines,
//! plain lines (with a layout from `--fields`) and Parquet; parsed in bounded memory (Parquet
//! whole) and handed to a visitor record by record.

use crate::accesslog::input::{InputFormat, PlainLayout, legacy_columns};
use crate::accesslog::{Field, LineView, Parser};
use flate2::bufread::MultiGzDecoder;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// How to read inputs beyond what their bytes say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The layout of plain (headerless) lines, from `--fields` and `--delimiter`.
    pub plain: Option<PlainLayout>,
    /// The fields the reader needs (Parquet reads only their columns); `None`: every column.
    pub columns: Option<Vec<Field>>,
}

/// Bytes looked at to tell the format.
const HEAD: usize = 64 * 1024;

/// Bytes decompressed per read; the parser works on the buffer while it is still in cache.
const CHUNK: usize = 128 * 1024;
/// A line longer than this is skipped as malformed instead of growing the buffer further.
pub(super) const MAX_LINE: usize = 16 * 1024 * 1024;
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

/// Reads one whole input held in memory (an S3 object body, a test fixture) in any format (see
/// the module docs), with the default options. `name` is used in messages.
pub fn read_bytes(bytes: &[u8], name: &str, visit: &mut impl FnMut(&LineView<'_>)) -> ReadReport {
    read_bytes_with(bytes, name, &ReadOptions::default(), visit)
}

/// [`read_bytes`] with options.
pub fn read_bytes_with(
    bytes: &[u8],
    name: &str,
    opts: &ReadOptions,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let mut report = if is_gzip(bytes) {
        let whole = super::inflate::with_inflated(bytes, |text| match InputFormat::detect(text) {
            // Text is parsed where it was inflated.
            InputFormat::Plain | InputFormat::W3c => match text_parser(name, text, true, opts) {
                Err(why) => ReadReport::failure(name, why),
                Ok((parser, None)) => plain_bytes(text, name, parser, visit),
                Ok((_, Some(_))) => read_stream(text, name, true, opts, visit),
            },
            _ => read_stream(text, name, true, opts, visit),
        });
        match whole {
            Some(report) => report,
            None => read_stream(MultiGzDecoder::new(bytes), name, true, opts, visit),
        }
    } else {
        match InputFormat::detect(bytes) {
            InputFormat::Parquet => {
                let mut r = super::parquet::read_parquet(
                    bytes::Bytes::copy_from_slice(bytes),
                    name,
                    opts,
                    visit,
                );
                r.bytes_text = bytes.len() as u64;
                r
            }
            InputFormat::JsonLines => super::json::read_json(bytes, name, false, visit),
            InputFormat::Plain | InputFormat::W3c | InputFormat::Binary => {
                match text_parser(name, bytes, false, opts) {
                    Err(why) => ReadReport::failure(name, why),
                    Ok((parser, Some(delimiter))) => {
                        let tabbed: Vec<u8> = bytes
                            .iter()
                            .map(|b| if *b == delimiter { b'\t' } else { *b })
                            .collect();
                        plain_bytes(&tabbed, name, parser, visit)
                    }
                    Ok((parser, None)) => plain_bytes(bytes, name, parser, visit),
                }
            }
        }
    };
    report.bytes_in = bytes.len() as u64;
    report
}

/// The parser for text starting with `head` (W3C, or plain lines in the layout of `--fields`),
/// and the delimiter to turn into tabs, if not a tab; or why the text cannot be read.
fn text_parser(
    name: &str,
    head: &[u8],
    gzip: bool,
    opts: &ReadOptions,
) -> Result<(Parser, Option<u8>), String> {
    if let Some(why) = not_text(name, head, gzip) {
        return Err(why.to_string());
    }
    match (InputFormat::detect(head), &opts.plain) {
        (InputFormat::Plain, Some(layout)) => Ok((
            Parser::with_schema(layout.schema.clone()),
            (layout.delimiter != b'\t').then_some(layout.delimiter),
        )),
        (InputFormat::Plain, None) if !legacy_columns(head) => Err(
            "no #Fields header: a plain log (standard logging v2) needs its layout, e.g. \
             --fields date,time,sc-status,cs-uri-stem (and --delimiter if not a tab)"
                .to_string(),
        ),
        _ => Ok((Parser::new(), None)),
    }
}

/// Plain text in memory: parsed in place, without copying, a cache-sized window at a time.
pub(super) fn plain_bytes(
    bytes: &[u8],
    name: &str,
    mut parser: Parser,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let mut report = ReadReport {
        files: 1,
        bytes_text: bytes.len() as u64,
        ..ReadReport::default()
    };
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

/// A reason to refuse text (`head` inflated if `gzip`): a `.gz` name on what was not gzip, or
/// binary data.
fn not_text(name: &str, head: &[u8], gzip: bool) -> Option<&'static str> {
    let head = head.get(..head.len().min(4096)).unwrap_or_default();
    if !gzip && name.ends_with(".gz") && !head.is_empty() {
        return Some("not a gzip file (named .gz but no gzip header)");
    }
    head.contains(&0)
        .then_some("binary data, not a W3C log (neither gzip nor text)")
}

/// Reads a stream in any format (gzip or not, detected from its first bytes), e.g. a file or
/// stdin, with the default options. `name` is used in messages.
pub fn read_reader(
    reader: impl Read,
    name: &str,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    read_reader_with(reader, name, &ReadOptions::default(), visit)
}

/// [`read_reader`] with options.
pub fn read_reader_with(
    reader: impl Read,
    name: &str,
    opts: &ReadOptions,
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
        read_stream(MultiGzDecoder::new(buffered), name, true, opts, visit)
    } else {
        read_stream(buffered, name, false, opts, visit)
    };
    report.bytes_in = counted.count;
    report
}

/// Reads a file, or stdin for `-`, with the default options.
pub fn read_path(path: &Path, visit: &mut impl FnMut(&LineView<'_>)) -> ReadReport {
    read_path_with(path, &ReadOptions::default(), visit)
}

/// [`read_path`] with options.
pub fn read_path_with(
    path: &Path,
    opts: &ReadOptions,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let name = path.display().to_string();
    if name == "-" {
        return read_reader_with(io::stdin().lock(), "<stdin>", opts, visit);
    }
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return ReadReport::failure(&name, e),
    };
    // A gzip file small enough to hold is read whole, to be inflated in one call.
    let small = file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() <= super::inflate::WHOLE_MAX_IN as u64);
    let mut magic = [0u8; 2];
    let gzip = small && file.read_exact(&mut magic).is_ok() && is_gzip(&magic);
    if io::Seek::rewind(&mut file).is_err() {
        return match std::fs::File::open(path) {
            Ok(file) => read_reader_with(file, &name, opts, visit),
            Err(e) => ReadReport::failure(&name, e),
        };
    }
    if gzip {
        let mut bytes = Vec::new();
        return match file.read_to_end(&mut bytes) {
            Ok(_) => read_bytes_with(&bytes, &name, opts, visit),
            Err(e) => ReadReport::failure(&name, e),
        };
    }
    read_reader_with(file, &name, opts, visit)
}

/// Reads a (possibly inflating) stream: its first bytes tell the format, then they and the
/// rest go to that format's reader. A read error among the first bytes is met again after them.
fn read_stream(
    mut reader: impl Read,
    name: &str,
    gzip: bool,
    opts: &ReadOptions,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let (mut head, error) = peek(&mut reader, HEAD);
    let format = InputFormat::detect(&head);
    if format == InputFormat::Parquet && error.is_none() {
        if let Err(e) = reader.read_to_end(&mut head) {
            return ReadReport::failure(name, broken_read(&e, gzip));
        }
        let size = head.len() as u64;
        let mut report = super::parquet::read_parquet(bytes::Bytes::from(head), name, opts, visit);
        report.bytes_text = size;
        return report;
    }
    let replay = Replay {
        head: io::Cursor::new(head),
        error,
        rest: reader,
    };
    if format == InputFormat::JsonLines {
        return super::json::read_json(replay, name, gzip, visit);
    }
    match text_parser(name, replay.head.get_ref(), gzip, opts) {
        Err(why) => ReadReport::failure(name, why),
        Ok((parser, Some(delimiter))) => {
            let tabbed = Tabbed {
                inner: replay,
                delimiter,
            };
            read_text(tabbed, name, gzip, parser, visit)
        }
        Ok((parser, None)) => read_text(replay, name, gzip, parser, visit),
    }
}

/// Up to `n` bytes from the start of `reader`, and the error that stopped it short, if any.
fn peek(reader: &mut impl Read, n: usize) -> (Vec<u8>, Option<io::Error>) {
    let mut head = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        match reader.read(head.get_mut(filled..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(k) => filled += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                head.truncate(filled);
                return (head, Some(e));
            }
        }
    }
    head.truncate(filled);
    (head, None)
}

/// The bytes [`peek`] took, then the error it met (once), then the rest of the stream.
pub(super) struct Replay<R> {
    head: io::Cursor<Vec<u8>>,
    error: Option<io::Error>,
    rest: R,
}

impl<R: Read> Read for Replay<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 || buf.is_empty() {
            return Ok(n);
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.rest.read(buf)
    }
}

/// A stream with one delimiter byte turned into tabs (plain lines with another delimiter).
struct Tabbed<R> {
    inner: R,
    delimiter: u8,
}

impl<R: Read> Read for Tabbed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for b in buf.iter_mut().take(n) {
            if *b == self.delimiter {
                *b = b'\t';
            }
        }
        Ok(n)
    }
}

/// Parses a text stream in chunks, carrying the incomplete last line over to the next read.
/// A read error (a truncated or corrupt gzip) ends the input: the complete lines before it
/// are kept, the broken last line is dropped, and the error is counted.
fn read_text(
    reader: impl Read,
    name: &str,
    gzip: bool,
    mut parser: Parser,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let mut report = ReadReport {
        files: 1,
        ..ReadReport::default()
    };
    read_lines(
        reader,
        name,
        gzip,
        &mut parser,
        &mut report,
        |p, text, last| {
            if last {
                p.finish(text, visit);
                text.len()
            } else {
                p.feed(text, visit)
            }
        },
    );
    finish_report(&mut report, &parser, name);
    report
}

/// The one buffered line loop of the streaming readers (W3C and plain text, JSON lines): reads
/// `reader` [`CHUNK`] bytes at a time and hands `step` the bytes buffered (`last` false), which
/// answers how many it took (whole lines); the rest is carried over to the next read. At the
/// end `step` gets the unterminated last line (`last` true). A line longer than [`MAX_LINE`] is
/// skipped up to its newline and counted by the parser as oversized. A read error ends the
/// input: the lines before it are kept, the cut one dropped, and the error counted.
pub(super) fn read_lines(
    mut reader: impl Read,
    name: &str,
    gzip: bool,
    parser: &mut Parser,
    report: &mut ReadReport,
    mut step: impl FnMut(&mut Parser, &[u8], bool) -> usize,
) {
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
                report.errors.push(broken(name, parser, &e, gzip));
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
        let used = step(parser, buf.get(start..end).unwrap_or_default(), false);
        buf.copy_within(start + used..end, 0);
        filled = end - start - used;
        if buf.len() > CHUNK && filled < CHUNK / 2 {
            buf.truncate(CHUNK);
            buf.shrink_to_fit();
        }
    }
    if discarding {
        // The input ended inside the enormous line.
        parser.note_oversized();
        filled = 0;
    }
    step(parser, buf.get(..filled).unwrap_or_default(), true);
}

fn broken(name: &str, parser: &Parser, e: &io::Error, gzip: bool) -> String {
    format!(
        "{name}: {} after {} complete records; the rest of the file is lost",
        broken_read(e, gzip),
        parser.counts().records
    )
}

fn broken_read(e: &io::Error, gzip: bool) -> String {
    if !gzip {
        format!("read error ({e})")
    } else if e.kind() == io::ErrorKind::UnexpectedEof {
        "truncated gzip".to_string()
    } else {
        format!("corrupt gzip ({e})")
    }
}

pub(super) fn finish_report(report: &mut ReadReport, parser: &Parser, name: &str) {
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
