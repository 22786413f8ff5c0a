//! Where `shipdeck logs` records go: the time and filter checks, the chosen output format,
//! buffered writes to stdout that stop quietly when the reader goes away, in time order when
//! asked (see [`super::stats`] for the statistics report).

use crate::accesslog::{Exporter, Filter, Format, LineView, LogFields, Seen, Stats};
use crate::accesslog_io::ReadReport;
use crate::cli::args::LogOutput;
use crate::cli::io::stderr::errln;
use crate::domain::Timestamp;
use std::io::Write;

/// Which records pass: a time range and a filter expression.
#[derive(Debug, Clone, Default)]
pub(super) struct Select {
    /// Records at or after this time.
    pub(super) since: Option<Timestamp>,
    /// Records before this time.
    pub(super) until: Option<Timestamp>,
    /// The filter expression.
    pub(super) filter: Option<Filter>,
}

impl Select {
    /// Whether `v` passes.
    #[inline]
    pub(super) fn accepts(&self, v: &LineView<'_>) -> bool {
        if (self.since.is_some() || self.until.is_some())
            && v.timestamp().is_none_or(|t| {
                self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u)
            })
        {
            return false;
        }
        self.filter.as_ref().is_none_or(|f| f.matches(v))
    }

    /// Watches the fields the filter tests that a record may lack (see [`Select::unknown`]).
    pub(super) fn seen(&self) -> Seen {
        self.filter.as_ref().map(Seen::of).unwrap_or_default()
    }

    /// Why the filter's answer is unknown over the `records` read, all of them watched by
    /// `seen`: it tests a field none of them had (`no record read has c-country, which the
    /// filter `country:DE` tests`); the Traffic view's check ([`crate::accesslog::Retained::not_kept`]).
    /// `None` when nothing was read (nothing to tell) or every such field was seen.
    pub(super) fn unknown(&self, seen: &Seen, records: u64) -> Option<String> {
        let filter = self.filter.as_ref().filter(|_| records > 0)?;
        let missing = filter.unknown_over(|f| seen.has(f));
        (!missing.is_empty()).then(|| filter.unknown_reason(&missing))
    }
}

/// Records printed to stdout in one format.
pub(super) struct Sink {
    exporter: Exporter,
    buf: String,
    /// Records held to be written in time order ([`Sink::ordered`]): (time, start, end) in
    /// `held_text`.
    held: Vec<(i64, usize, usize)>,
    held_text: String,
    ordered: bool,
    /// Stdout was closed (a pipe reader such as `head` went away): stop reading.
    pub(super) closed: bool,
    /// Records written.
    pub(super) written: u64,
}

impl Sink {
    /// A sink for `output`.
    pub(super) fn new(output: LogOutput) -> Sink {
        let format = match output {
            LogOutput::Pretty => Format::Pretty,
            LogOutput::Jsonl => Format::Jsonl,
            LogOutput::Tsv => Format::Tsv,
            LogOutput::W3c => Format::W3c,
        };
        Sink {
            exporter: Exporter::new(format),
            buf: String::with_capacity(1 << 17),
            held: Vec::new(),
            held_text: String::new(),
            ordered: false,
            closed: false,
            written: 0,
        }
    }

    /// A sink that holds the records until [`Sink::flush`] and writes them in time order (at
    /// most [`HOLD`] at a time): CloudFront writes a file's records out of order.
    pub(super) fn ordered(output: LogOutput) -> Sink {
        Sink {
            ordered: true,
            ..Sink::new(output)
        }
    }

    /// Writes one record.
    pub(super) fn record(&mut self, v: &LineView<'_>) {
        if self.closed {
            return;
        }
        if self.ordered {
            if let Some(header) = self.exporter.header(v) {
                // Rows under the header before it go out first: sorting stays within one block.
                self.release();
                self.buf.push_str(&header);
            }
            let start = self.held_text.len();
            self.exporter.row(v, &mut self.held_text);
            self.held
                .push((v.timestamp_ms(), start, self.held_text.len()));
            self.written += 1;
            if self.held.len() >= HOLD {
                self.release();
            }
            return;
        }
        self.exporter.write(v, &mut self.buf);
        self.written += 1;
        if self.buf.len() >= 1 << 16 {
            self.flush();
        }
    }

    /// Writes a line of text as it is.
    pub(super) fn text(&mut self, line: &str) {
        self.buf.push_str(line);
        self.buf.push('\n');
        self.flush();
    }

    /// Moves the held records, sorted by time (stable), to the output buffer.
    fn release(&mut self) {
        let mut held = std::mem::take(&mut self.held);
        held.sort_by_key(|&(ts, _, _)| ts);
        for (_, a, b) in held {
            self.buf
                .push_str(self.held_text.get(a..b).unwrap_or_default());
            if self.buf.len() >= 1 << 16 {
                self.write_out();
            }
        }
        self.held_text.clear();
    }

    /// Sends what is buffered (and held) to stdout.
    pub(super) fn flush(&mut self) {
        if !self.held.is_empty() {
            self.release();
        }
        self.write_out();
    }

    fn write_out(&mut self) {
        if self.closed || self.buf.is_empty() {
            self.buf.clear();
            return;
        }
        let mut out = std::io::stdout().lock();
        if out
            .write_all(self.buf.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            self.closed = true;
        }
        self.buf.clear();
    }
}

/// Records an ordered [`Sink`] holds at most before writing them out (about 300 bytes each).
pub(super) const HOLD: usize = 1 << 18;

/// Prints the read counts, skipped lines and unreadable inputs on stderr.
pub(super) fn report_problems(report: &ReadReport) {
    for e in &report.errors {
        errln!("shipdeck: {e}");
    }
    if report.skipped > 0 {
        errln!(
            "shipdeck: skipped {} malformed line{} (first: {})",
            report.skipped,
            if report.skipped == 1 { "" } else { "s" },
            report.skips.first().map_or("-", String::as_str)
        );
    }
    if report.records == 0 && report.skipped > 0 {
        errln!(
            "shipdeck: no record could be read: every line was malformed (is this a CloudFront standard access log?)"
        );
    }
    if report.failed > 0 {
        errln!(
            "shipdeck: {} of {} input{} could not be read completely",
            report.failed,
            report.files,
            if report.files == 1 { "" } else { "s" }
        );
    }
}

/// Notes the fields `v` has in `seen`, and observes it in `stats` when it passes `select`.
#[inline]
pub(super) fn observe(stats: &mut Stats, seen: &mut Seen, select: &Select, v: &LineView<'_>) {
    seen.observe(v);
    if select.accepts(v) {
        stats.observe(v);
    }
}

/// Notes the fields `v` has in `seen`, and writes it to `sink` when it passes `select`.
#[inline]
pub(super) fn print(sink: &mut Sink, seen: &mut Seen, select: &Select, v: &LineView<'_>) {
    seen.observe(v);
    if select.accepts(v) {
        sink.record(v);
    }
}

/// Says on stderr why the answer is unknown ([`Select::unknown`]).
pub(super) fn report_unknown(why: &str) {
    errln!("shipdeck: unknown: {why}");
}
