//! Where `shipdeck logs` records go: the time and filter checks, the chosen output format,
//! buffered writes to stdout that stop quietly when the reader goes away, and the statistics
//! report.

use super::args::LogOutput;
use crate::accesslog::{Exporter, Filter, Format, LineView, Stats, StatsSnapshot, rest_note};
use crate::domain::Timestamp;
use crate::logread::ReadReport;
use std::io::Write;

/// Which records pass: a time range and a filter expression.
#[derive(Debug, Clone, Default)]
pub(super) struct Select {
    /// Records at or after this time.
    pub(super) since: Option<Timestamp>,
    /// The filter expression.
    pub(super) filter: Option<Filter>,
}

impl Select {
    /// Whether `v` passes.
    #[inline]
    pub(super) fn accepts(&self, v: &LineView<'_>) -> bool {
        if let Some(since) = self.since
            && v.timestamp().is_none_or(|t| t < since)
        {
            return false;
        }
        self.filter.as_ref().is_none_or(|f| f.matches(v))
    }
}

/// Records printed to stdout in one format.
pub(super) struct Sink {
    exporter: Exporter,
    buf: String,
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
        };
        Sink {
            exporter: Exporter::new(format),
            buf: String::with_capacity(1 << 17),
            closed: false,
            written: 0,
        }
    }

    /// Writes one record.
    pub(super) fn record(&mut self, v: &LineView<'_>) {
        if self.closed {
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

    /// Sends what is buffered to stdout.
    pub(super) fn flush(&mut self) {
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

/// Prints the read counts, skipped lines and unreadable inputs on stderr.
pub(super) fn report_problems(report: &ReadReport) {
    for e in &report.errors {
        eprintln!("shipdeck: {e}");
    }
    if report.skipped > 0 {
        eprintln!(
            "shipdeck: skipped {} malformed line{} (first: {})",
            report.skipped,
            if report.skipped == 1 { "" } else { "s" },
            report.skips.first().map_or("-", String::as_str)
        );
    }
    if report.records == 0 && report.skipped > 0 {
        eprintln!(
            "shipdeck: no record could be read: every line was malformed (is this a CloudFront standard access log?)"
        );
    }
    if report.failed > 0 {
        eprintln!(
            "shipdeck: {} of {} input{} could not be read completely",
            report.failed,
            report.files,
            if report.files == 1 { "" } else { "s" }
        );
    }
}

/// The statistics as JSON (`summary` over everything read, `windows` ending at the newest
/// record) or as a text report.
pub(super) fn stats_text(stats: &Stats, report: &ReadReport, json: bool) -> String {
    let summary = stats.summary().decoded();
    let windows: Vec<StatsSnapshot> = stats
        .newest()
        .map(|t| stats.windows(t))
        .unwrap_or_default()
        .into_iter()
        .map(StatsSnapshot::decoded)
        .collect();
    if json {
        let value = serde_json::json!({
            "files": report.files,
            "records": report.records,
            "skipped": report.skipped,
            "summary": summary,
            "windows": windows,
        });
        return value.to_string() + "\n";
    }
    let mut out = String::new();
    snapshot_text(&summary, &mut out);
    out
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn ms(v: Option<u32>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v}ms"))
}

fn snapshot_text(s: &StatsSnapshot, out: &mut String) {
    use std::fmt::Write as _;
    let m = &s.status;
    match (&s.from, &s.to) {
        (Some(from), Some(to)) => {
            let _ = writeln!(out, "{from} → {to} ({:.0} s)", s.seconds);
        }
        _ if s.requests == 0 => {
            let _ = writeln!(out, "no records");
        }
        _ => {
            let _ = writeln!(
                out,
                "no timestamps (the layout has no date and time): no rates"
            );
        }
    }
    let rate =
        |r: Option<f64>, digits: usize| r.map_or_else(|| "-".into(), |r| format!("{r:.digits$}/s"));
    let _ = writeln!(
        out,
        "requests   {}  ({})   bytes {} ({})",
        s.requests,
        rate(s.requests_per_sec, 2),
        s.bytes,
        rate(s.bytes_per_sec, 0)
    );
    let _ = writeln!(
        out,
        "status     2xx {}  3xx {}  4xx {}  5xx {}  other {}   errors 4xx {}  5xx {}",
        m.s2xx,
        m.s3xx,
        m.s4xx,
        m.s5xx,
        m.none + m.s1xx,
        pct(s.error_rate_4xx),
        pct(s.error_rate_5xx)
    );
    let _ = writeln!(
        out,
        "cache      hit ratio {} ({} of {} lookups)",
        s.hit_ratio.map_or_else(|| "-".into(), pct),
        s.cache_hits,
        s.cache_lookups
    );
    let p = &s.time_taken_ms;
    let _ = writeln!(
        out,
        "time-taken p50 {}  p95 {}  p99 {}  max {}",
        ms(p.p50),
        ms(p.p95),
        ms(p.p99),
        ms(p.max)
    );
    let (t, r) = (&s.top, &s.top_rest);
    let lists = [
        ("top paths", &t.paths, r.paths),
        ("top client IPs", &t.client_ips, r.client_ips),
        ("top edge locations", &t.edge_locations, r.edge_locations),
        ("top user agents", &t.user_agents, r.user_agents),
        ("top referers", &t.referers, r.referers),
        ("top 4xx paths", &t.paths_4xx, r.paths_4xx),
        ("top 5xx paths", &t.paths_5xx, r.paths_5xx),
    ];
    for (title, list, rest) in lists {
        if list.is_empty() && rest == 0 {
            continue;
        }
        let _ = writeln!(out, "{title}");
        for e in list {
            let (count, key) = (e.count_text(), &e.key);
            match e.status {
                Some(code) => {
                    let _ = writeln!(out, "  {count:>9}  {code} {key}");
                }
                None => {
                    let _ = writeln!(out, "  {count:>9}  {key}");
                }
            }
        }
        if let Some(note) = rest_note(list, s.top_n, rest) {
            let _ = writeln!(out, "  {note}");
        }
    }
}

/// Observes `v` in `stats` when it passes `select`.
#[inline]
pub(super) fn observe(stats: &mut Stats, select: &Select, v: &LineView<'_>) {
    if select.accepts(v) {
        stats.observe(v);
    }
}
