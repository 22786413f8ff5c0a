//! The Traffic view's charts for the chosen window: request rate per minute, status mix, cache
//! hit ratio, latency percentiles, and the top paths, client IPs and edge locations; with standard
//! logging v2's fields, the origin latencies and the top countries, ASNs and cache behaviors. Drawn from
//! numbers computed when records landed, never from the records themselves.

use crate::accesslog::{Percentiles, StatsSnapshot, TopEntry, decode, rest_note};
use crate::app::{Marker, MarkerKind, Traffic};
use crate::domain::Timestamp;
use crate::tui::views::traffic::status_style;
use crate::tui::widgets::pane::side_pane;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::{ellipsize, width as width_of};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

const LABEL: Style = Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD);

/// A labelled line in `width` cells: the long label when the line fits with it, else the short
/// one, and the value cut with `…` when even that does not fit.
fn fitted(
    (long, short): (&'static str, &'static str),
    value: String,
    width: usize,
) -> Line<'static> {
    let label = if long.len() + width_of(&value) <= width {
        long
    } else {
        short
    };
    let value = ellipsize(&value, width.saturating_sub(label.len()));
    Line::from(vec![Span::styled(label, LABEL), Span::raw(value)])
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// `n` of `total` as a percentage, `-` without a total (no share to tell, not 0 %).
fn share(n: u64, total: u64) -> String {
    if total == 0 {
        "-".into()
    } else {
        pct(n as f64 / total as f64)
    }
}

fn ms(v: Option<u32>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v}ms"))
}

/// The status mix as a bar of `width` cells coloured by class, and its legend.
fn status_lines(s: &StatsSnapshot, width: usize) -> Vec<Line<'static>> {
    let m = &s.status;
    let classes = [
        ("2xx", m.s2xx, 200),
        ("3xx", m.s3xx, 300),
        ("4xx", m.s4xx, 400),
        ("5xx", m.s5xx, 500),
    ];
    let total = s.requests.max(1) as f64;
    let mut bar = Vec::new();
    let mut used = 0;
    for (i, (_, n, code)) in classes.iter().enumerate() {
        let mut cells = ((*n as f64 / total) * width as f64).round() as usize;
        if i == classes.len() - 1 {
            cells = cells.min(width.saturating_sub(used));
        }
        cells = cells.min(width.saturating_sub(used));
        used += cells;
        if cells > 0 {
            bar.push(Span::styled("█".repeat(cells), status_style(*code)));
        }
    }
    let legend: Vec<Span> = classes
        .iter()
        .flat_map(|(label, n, code)| {
            [
                Span::styled(format!("{label} "), status_style(*code)),
                Span::raw(format!("{}  ", share(*n, s.requests))),
            ]
        })
        .collect();
    vec![Line::from(bar), Line::from(legend)]
}

fn top_lines(
    title: &str,
    (list, rest): (&[TopEntry], u64),
    n: usize,
    width: usize,
) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(Span::styled(title.to_string(), LABEL))];
    let (shown, hidden) = list.split_at(n.min(list.len()));
    for e in shown {
        let count = format!("{:>7} ", e.count_text());
        let key = ellipsize(&decode(&e.key), width.saturating_sub(width_of(&count)));
        out.push(Line::from(vec![Span::styled(count, DIM), Span::raw(key)]));
    }
    // Entries the panel has no room for are left out too: the note bounds them as well.
    let rest = hidden.iter().map(|e| e.count).fold(rest, u64::max);
    if let Some(note) = rest_note(shown, n, rest) {
        out.push(Line::from(Span::styled(
            ellipsize(&format!("  {note}"), width),
            DIM,
        )));
    }
    out
}

/// The markers under the request-rate chart: a glyph under the minute of each marker among
/// `minutes` (their start times, one a column), then a legend of those (the selected one
/// first, marked `›`), then what is not known of them (`unknown`: invalidations not read).
fn marker_lines(
    minutes: &[i64],
    (markers, selected): (&[Marker], Option<&Marker>),
    unknown: Option<String>,
    width: usize,
) -> Vec<Line<'static>> {
    let (Some(first), Some(last)) = (minutes.first(), minutes.last()) else {
        return Vec::new();
    };
    let shown: Vec<&Marker> = markers
        .iter()
        .filter(|m| m.at.millis() >= *first && m.at.millis() < last + 60_000)
        .collect();
    let unknown = unknown.map(|u| {
        Line::from(Span::styled(
            ellipsize(&format!("{} {u}", MarkerKind::Invalidation.glyph()), width),
            Style::new().fg(Color::Yellow),
        ))
    });
    if shown.is_empty() && selected.is_none() {
        return unknown.into_iter().collect();
    }
    // Newest first; at one time, a deploy before an invalidation (on the axis too).
    let mut shown = shown;
    shown.sort_by_key(|m| (std::cmp::Reverse(m.at), m.kind.rank()));
    let mut axis: Vec<Option<MarkerKind>> = vec![None; minutes.len().min(width)];
    for m in &shown {
        let col = minutes
            .partition_point(|s| *s <= m.at.millis())
            .saturating_sub(1);
        if let Some(c) = axis.get_mut(col)
            && c.is_none_or(|k| m.kind.rank() < k.rank())
        {
            *c = Some(m.kind);
        }
    }
    let axis: String = axis
        .into_iter()
        .map(|k| k.map_or(' ', MarkerKind::glyph))
        .collect();
    let mut out = vec![Line::from(Span::styled(
        axis,
        Style::new().fg(Color::Magenta),
    ))];
    let item = |m: &Marker| format!("{} {} {}", m.kind.glyph(), m.at.clock(), m.label);
    if let Some(s) = selected {
        out.push(Line::from(vec![
            Span::styled("› ", LABEL),
            Span::raw(ellipsize(&item(s), width.saturating_sub(2))),
        ]));
    }
    let legend = shown
        .iter()
        .filter(|m| Some(**m) != selected)
        .map(|m| item(m))
        .collect::<Vec<_>>()
        .join("  ");
    if !legend.is_empty() {
        out.push(Line::from(Span::styled(ellipsize(&legend, width), DIM)));
    }
    out.extend(unknown);
    out
}

/// Draws the charts into `area`, with the `markers` (deploys, approvals, rollbacks,
/// invalidations; and the selected one) on the request-rate chart's time axis.
pub fn render(frame: &mut Frame, t: &Traffic, area: Rect, markers: (&[Marker], Option<&Marker>)) {
    let inner = side_pane(
        frame,
        area,
        format!(
            " {} · last {}{}{} ",
            if t.filter.is_all() {
                "all requests"
            } else {
                "filtered"
            },
            t.preset.label(),
            // The chart covers an hour at most: said when the preset is longer.
            if t.preset.window().is_none() {
                " · chart: last hour"
            } else {
                ""
            },
            t.charts_progress()
                .map(|p| format!(" · counting {:.0}%", p * 100.0))
                .unwrap_or_default()
        ),
        LABEL,
    );
    let not_kept = t.records.not_kept(&t.filter);
    if !t.records.is_empty() && !not_kept.is_empty() {
        // The filter tests a field no record read has: its counts are unknown, not zero.
        let msg = format!("unknown: {}", t.filter.unknown_reason(&not_kept));
        frame.render_widget(
            Paragraph::new(Span::styled(msg, DIM)).wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    let Some(s) = &t.panel.snapshot else {
        frame.render_widget(Paragraph::new(Span::styled("no data yet", DIM)), inner);
        return;
    };
    let width = usize::from(inner.width);
    let minutes = if t.preset.window() == Some(crate::accesslog::Window::M15) {
        15
    } else {
        60
    };
    let series = &t.panel.series[t.panel.series.len().saturating_sub(minutes)..];
    // Minutes not read are unknown (drawn as a dim dot), never a zero bar.
    let rate: Vec<Option<u64>> = series.iter().map(|p| p.requests_read()).collect();
    let peak = rate.iter().flatten().copied().max().unwrap_or(0);
    let mut y = inner.y;
    let bottom = inner.bottom();
    let line = |frame: &mut Frame, l: Line<'static>, y: &mut u16| {
        if *y < bottom {
            frame.render_widget(Paragraph::new(l), Rect::new(inner.x, *y, inner.width, 1));
            *y += 1;
        }
    };
    let per_sec = s
        .requests_per_sec
        .map_or_else(|| "-".into(), |r| format!("{r:.1}"));
    // The chart stops at an hour: over 24 h it says so, and its peak is the hour's.
    let counts = if t.preset.window().is_none() {
        format!(
            "{} in {} · {per_sec}/s · 1h peak {peak}/min",
            s.requests,
            t.preset.label()
        )
    } else {
        format!(
            "{} in {} · {per_sec}/s · peak {peak}/min",
            s.requests,
            t.preset.label()
        )
    };
    line(
        frame,
        fitted(("requests/min ", "requests "), counts, width),
        &mut y,
    );
    let spark_h: u16 = if inner.height >= 20 { 4 } else { 2 };
    if y + spark_h <= bottom {
        let data: Vec<Option<u64>> = rate.iter().rev().take(width).rev().copied().collect();
        frame.render_widget(
            Sparkline::default()
                .data(&data)
                .absent_value_symbol(" ")
                .style(Style::new().fg(Color::Cyan)),
            Rect::new(inner.x, y, inner.width, spark_h),
        );
        let buf = frame.buffer_mut();
        for (i, _) in data.iter().enumerate().filter(|(_, v)| v.is_none()) {
            let cx = inner.x + u16::try_from(i).unwrap_or(u16::MAX);
            if let Some(cell) = buf.cell_mut((cx, y + spark_h - 1)) {
                cell.set_symbol("·").set_style(DIM);
            }
        }
        y += spark_h;
        // What the dots are: minutes before the read started, or read but before the preset's
        // window (a shorter preset over a longer read).
        let note = data.iter().any(Option::is_none).then(|| {
            let from = Timestamp(t.list_from).clock();
            if t.list_from > t.since.millis() {
                format!("· before the last {} (from {from})", t.preset.label())
            } else {
                format!("· not read (the read starts {from})")
            }
        });
        let minutes: Vec<i64> = series
            .iter()
            .rev()
            .take(width)
            .rev()
            .map(|p| p.start_ms)
            .collect();
        // On a short pane the markers' time axis stays, then the status mix's numbers and the
        // cache/5xx line (without the mix's bar when there is no room for it), and the markers'
        // legend gets what is left.
        let left = bottom.saturating_sub(y);
        let room = usize::from(left.saturating_sub(if left >= 4 { 3 } else { 2 }));
        for l in marker_lines(
            &minutes,
            markers,
            t.marks.invalidations_unknown(t.since),
            width,
        )
        .into_iter()
        .take(room)
        {
            line(frame, l, &mut y);
        }
        if let Some(note) = note {
            line(
                frame,
                Line::from(Span::styled(ellipsize(&note, width), DIM)),
                &mut y,
            );
        }
    }
    let status = status_lines(s, width);
    let bar_fits = bottom.saturating_sub(y) >= 3;
    for (i, l) in status.into_iter().enumerate() {
        if i > 0 || bar_fits {
            line(frame, l, &mut y);
        }
    }
    let hit = s.hit_ratio.map_or_else(|| "-".into(), pct);
    line(
        frame,
        Line::from(vec![
            Span::styled("cache hit ", LABEL),
            Span::raw(format!("{hit} ({} of {})", s.cache_hits, s.cache_lookups)),
            Span::styled("  5xx ", LABEL),
            Span::styled(
                s.error_rate_5xx.map_or_else(|| "-".into(), pct),
                status_style(500),
            ),
        ]),
        &mut y,
    );
    line(
        frame,
        latency_line(("latency ", "latency "), &s.time_taken_ms, width),
        &mut y,
    );
    // Standard logging v2's origin latencies, when the records have them.
    for (labels, p) in [
        (("origin first byte ", "ofbl "), &s.origin_fbl_ms),
        (("origin last byte ", "olbl "), &s.origin_lbl_ms),
    ] {
        if p.max.is_some() {
            line(frame, latency_line(labels, p, width), &mut y);
        }
    }
    let left = usize::from(bottom.saturating_sub(y));
    let (t, r) = (&s.top, &s.top_rest);
    let tops = [
        ("top paths", (t.paths.as_slice(), r.paths)),
        ("top client IPs", (t.client_ips.as_slice(), r.client_ips)),
        (
            "top edge locations",
            (t.edge_locations.as_slice(), r.edge_locations),
        ),
    ];
    // v2's top lists, when the records have the field.
    let v2: Vec<(&str, (&[TopEntry], u64))> = [
        ("top countries", (t.countries.as_slice(), r.countries)),
        ("top ASNs", (t.asns.as_slice(), r.asns)),
        (
            "top cache behaviors",
            (t.cache_behaviors.as_slice(), r.cache_behaviors),
        ),
    ]
    .into_iter()
    .filter(|(_, (list, rest))| !list.is_empty() || *rest > 0)
    .collect();
    let each = |lists: usize, rows: usize| (rows / lists.max(1)).saturating_sub(1).min(5);
    let all = each(tops.len() + v2.len(), left);
    if all >= 2 || v2.is_empty() {
        if all == 0 {
            return;
        }
        for (title, list) in tops.into_iter().chain(v2) {
            for l in top_lines(title, list, all, width) {
                line(frame, l, &mut y);
            }
        }
        return;
    }
    // Short of rows: v2's lists a line each, then the others in what is left.
    for (title, (list, _)) in &v2 {
        line(frame, inline_top(title, list, width), &mut y);
    }
    let each = each(tops.len(), left.saturating_sub(v2.len()));
    if each == 0 {
        return;
    }
    for (title, list) in tops {
        for l in top_lines(title, list, each, width) {
            line(frame, l, &mut y);
        }
    }
}

/// A percentiles line (`p50 … p95 … p99 … max …`) under `labels`; when narrow, the unit once,
/// in the label.
fn latency_line(
    (long, short): (&'static str, &'static str),
    p: &Percentiles,
    width: usize,
) -> Line<'static> {
    let full = format!(
        "p50 {}  p95 {}  p99 {}  max {}",
        ms(p.p50),
        ms(p.p95),
        ms(p.p99),
        ms(p.max)
    );
    if short.len() + width_of(&full) <= width {
        return fitted((long, short), full, width);
    }
    let bare = |v: Option<u32>| v.map_or_else(|| "-".into(), |v| v.to_string());
    let values = format!(
        "p50 {} p95 {} p99 {} max {}",
        bare(p.p50),
        bare(p.p95),
        bare(p.p99),
        bare(p.max)
    );
    let unit = if long.starts_with("latency") {
        ("latency ms ", "ms ")
    } else {
        (short, short)
    };
    fitted(unit, values, width)
}

/// A top list on one line: `countries US 412 · DE 120 · …`, cut to `width`.
fn inline_top(title: &str, list: &[TopEntry], width: usize) -> Line<'static> {
    let label = format!("{} ", title.trim_start_matches("top "));
    let entries: Vec<String> = list
        .iter()
        .map(|e| format!("{} {}", decode(&e.key), e.count_text()))
        .collect();
    let value = if entries.is_empty() {
        "none stands out".to_string()
    } else {
        entries.join(" · ")
    };
    let value = ellipsize(&value, width.saturating_sub(label.len()));
    Line::from(vec![Span::styled(label, LABEL), Span::raw(value)])
}

#[cfg(test)]
mod tests {
    use super::fitted;

    fn text(width: usize, value: &str) -> String {
        let line = fitted(("requests/min ", "requests "), value.to_string(), width);
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn entries_the_panel_has_no_room_for_are_bounded_by_the_note() {
        use crate::accesslog::TopEntry;
        let entry = |key: &str, count, error| TopEntry {
            key: key.into(),
            status: None,
            count,
            error,
        };
        // `/b` is certainly seen 60 times; `/c`, left out for room, may have been seen 80.
        let list = [entry("/a", 100, 0), entry("/b", 90, 30), entry("/c", 80, 0)];
        let lines: Vec<String> = super::top_lines("top paths", (&list, 0), 2, 40)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(
            lines,
            [
                "top paths",
                "    100 /a",
                "  60–90 /b",
                "  others: each at most 80"
            ]
        );
    }

    #[test]
    fn a_line_too_wide_takes_the_short_label_then_an_ellipsis() {
        assert_eq!(text(40, "441 in 1h"), "requests/min 441 in 1h");
        assert_eq!(text(20, "441 in 1h"), "requests 441 in 1h");
        assert_eq!(text(12, "441 in 1h"), "requests 44…");
    }
}
