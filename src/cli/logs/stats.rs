//! The statistics report of `shipdeck logs cloudfront --stats`: JSON, or text for people.

use crate::accesslog::{Stats, StatsSnapshot, rest_note};
use crate::accesslog_io::ReadReport;

/// The statistics as JSON (`summary` over everything read, `windows` ending at the newest
/// record — `null` when only the whole run was counted, as for local files: not counted is not
/// zero) or as a text report. When the filter's answer is `unknown` (why), the JSON's `summary`
/// and `windows` are `null` with `unknown` saying why, and the text is empty (the reason goes to
/// stderr).
pub(super) fn stats_text(
    stats: &Stats,
    report: &ReadReport,
    json: bool,
    unknown: Option<&str>,
) -> String {
    if let Some(why) = unknown {
        if !json {
            return String::new();
        }
        let value = serde_json::json!({
            "files": report.files,
            "records": report.records,
            "skipped": report.skipped,
            "summary": null,
            "windows": null,
            "unknown": why,
        });
        return value.to_string() + "\n";
    }
    let summary = stats.summary().decoded();
    let windows: Option<Vec<StatsSnapshot>> = stats.config().windowed.then(|| {
        stats
            .newest()
            .map(|t| stats.windows(t))
            .unwrap_or_default()
            .into_iter()
            .map(StatsSnapshot::decoded)
            .collect()
    });
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
        s.bytes.map_or_else(|| "-".into(), |b| b.to_string()),
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
        s.error_rate_4xx.map_or_else(|| "-".into(), pct),
        s.error_rate_5xx.map_or_else(|| "-".into(), pct)
    );
    if !s.status_codes.is_empty() {
        let codes: Vec<String> = s
            .status_codes
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        let _ = writeln!(out, "codes      {}", codes.join("  "));
    }
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
    for (title, p) in [
        ("origin fbl", &s.origin_fbl_ms),
        ("origin lbl", &s.origin_lbl_ms),
    ] {
        if p.max.is_some() {
            let _ = writeln!(
                out,
                "{title} p50 {}  p95 {}  p99 {}  max {}",
                ms(p.p50),
                ms(p.p95),
                ms(p.p99),
                ms(p.max)
            );
        }
    }
    let (t, r) = (&s.top, &s.top_rest);
    let lists = [
        ("top paths", &t.paths, r.paths),
        ("top client IPs", &t.client_ips, r.client_ips),
        ("top edge locations", &t.edge_locations, r.edge_locations),
        ("top user agents", &t.user_agents, r.user_agents),
        ("top referers", &t.referers, r.referers),
        ("top 4xx paths", &t.paths_4xx, r.paths_4xx),
        ("top 5xx paths", &t.paths_5xx, r.paths_5xx),
        ("top countries", &t.countries, r.countries),
        ("top ASNs", &t.asns, r.asns),
        ("top cache behaviors", &t.cache_behaviors, r.cache_behaviors),
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
