//! The Traffic view: the selected environment's CloudFront access logs, live — the record list
//! (follow/pause, filter expression with its error caret, search highlight), with the charts or
//! the selected record's detail beside it (below it on narrow terminals).

pub use super::traffic_row::{MATCH, highlight, row, status_style};
use crate::app::{State, Traffic};
use crate::tui::panes::{impact, traffic_charts, traffic_record};
use crate::tui::widgets::pane::split;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::{count, ellipsize, fit_line, fit_spans, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Body title: environment and distribution (and the environment of a `:query` answer shown
/// when it is another).
pub fn title(state: &State) -> String {
    let env = state
        .envs
        .get(state.traffic.env)
        .or_else(|| state.selected_env());
    let Some(e) = env else {
        return "Traffic".into();
    };
    // A query keeps the environment it started on: the title says so when the view moved on.
    let query = match state.queries.traffic.as_ref() {
        Some(q) if e.spec.name != q.env_name => format!(" · :query on {}", q.env_name),
        _ => String::new(),
    };
    format!(
        "Traffic · {}{query} · CloudFront {} access logs",
        e.spec.name, e.spec.distribution_id
    )
}

/// The first listed row drawn when `height` rows fit: the tail while following, else a window
/// that keeps the selection near the middle.
pub fn first_row(count: usize, selected: Option<usize>, follow: bool, height: usize) -> usize {
    let max = count.saturating_sub(height);
    match selected {
        Some(sel) if !follow => sel.saturating_sub(height / 2).min(max),
        _ => max,
    }
}

fn header_line(t: &Traffic, width: usize) -> Line<'static> {
    let mode = if t.follow {
        Span::styled("● following", Style::new().fg(Color::Green))
    } else {
        Span::styled(
            "‖ paused",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        )
    };
    // Objects read, for a bucket (a log group's events are its records).
    let objects = match t.target.as_ref().and_then(|t| t.group()) {
        Some(_) => String::new(),
        None => format!(
            " · {}",
            count(
                usize::try_from(t.objects).unwrap_or(usize::MAX),
                "object",
                "objects"
            )
        ),
    };
    // A long read shows how far it is while its first parts are drawn: objects read of those
    // listed (so far, while the listing goes on) and the bytes fetched.
    let progress = t.reading.map(|p| {
        format!(
            " · reading {}/{}{} · {:.1} MB",
            p.read,
            p.listed,
            if p.listing { " listed so far" } else { "" },
            p.bytes as f64 / 1e6
        )
    });
    // A filter on a field no record read has: how many match is unknown, not none.
    let listed = if !t.records.is_empty() && !t.records.not_kept(&t.filter).is_empty() {
        "unknown".to_string()
    } else {
        t.rows.len().to_string()
    };
    let counts = match &progress {
        // On a narrow terminal the progress goes before the counts, which it would push out.
        Some(progress) if width < 110 => format!(" · last {}{progress}", t.preset.label()),
        _ => format!(
            " · {} listed of {} kept · last {}{objects}{}",
            listed,
            count(t.records.len(), "record", "records"),
            t.preset.label(),
            progress.as_deref().unwrap_or("")
        ),
    };
    let mut spans = vec![mode, Span::styled(counts, DIM)];
    if t.object_errors > 0 || t.skipped > 0 {
        spans.push(Span::styled(
            format!(
                " · {} unreadable, {}",
                t.object_errors,
                count(
                    usize::try_from(t.skipped).unwrap_or(usize::MAX),
                    "bad line",
                    "bad lines"
                )
            ),
            Style::new().fg(Color::Red),
        ));
    }
    if let Some(e) = &t.load.error {
        spans.push(Span::styled(
            format!(" · {}", ellipsize(e, width / 2)),
            Style::new().fg(Color::Red),
        ));
    }
    // A discovered or picked source says which it is (a configured bucket is the usual); it
    // comes after what went wrong, which a narrow terminal must not push out.
    if let Some(target) = t.target.as_ref().filter(|t| t.label != "configured") {
        spans.push(Span::styled(format!(" · {}", target.label), DIM));
    }
    Line::from(fit_spans(spans, width))
}

/// The filter line, and under it a caret at the error's position with the message (wrapped
/// under the caret in up to three lines of `width`, the last ending with `…` if cut).
fn filter_lines(t: &Traffic, width: usize) -> Vec<Line<'static>> {
    if t.filter_text.is_empty() && t.search.is_empty() {
        return Vec::new();
    }
    let label = "filter: ";
    let mut first = Vec::new();
    if !t.filter_text.is_empty() {
        first.push(Span::styled(label, Style::new().fg(Color::Yellow)));
        first.push(Span::raw(t.filter_text.clone()));
        first.push(Span::raw("   "));
    }
    if !t.search.is_empty() {
        first.push(Span::styled("search: ", Style::new().fg(Color::Yellow)));
        first.push(Span::styled(t.search.clone(), MATCH));
    }
    let mut out = vec![fit_line(Line::from(first), width)];
    if let Some(e) = &t.filter_error {
        let style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
        let at = label.len() + e.position.min(t.filter_text.chars().count());
        // Under the caret when there is room for it, else from the left edge under a caret alone.
        let (indent, text) = if width.saturating_sub(at) >= 30 {
            (at, format!("^ {e}"))
        } else {
            out.push(fit_line(
                Line::from(vec![Span::raw(" ".repeat(at)), Span::styled("^", style)]),
                width,
            ));
            (0, e.to_string())
        };
        for l in wrap(&text, width.saturating_sub(indent).max(1), 3) {
            out.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(l, style),
            ]));
        }
    }
    out
}

/// Where the Traffic view draws in `inner` under `head_lines` lines of header: the header, the
/// list, and the charts or the detail pane (beside the list on wide terminals, else below).
fn layout(t: &Traffic, inner: Rect, head_lines: usize) -> (Rect, Rect, Rect) {
    let head_h = u16::try_from(head_lines).unwrap_or(1).min(inner.height);
    let head = Rect {
        height: head_h,
        ..inner
    };
    let body = Rect {
        y: inner.y + head_h,
        height: inner.height - head_h,
        ..inner
    };
    let below = if body.height < 12 {
        0
    } else if t.detail || t.marks.open {
        body.height / 2
    } else {
        body.height.min(7)
    };
    let (list, side) = split(body, below);
    (head, list, side)
}

/// How many records the Traffic list shows in `inner` (for the page keys).
pub fn page_rows(state: &State, inner: Rect) -> usize {
    let t = &state.traffic;
    if inner.height < 3 {
        return 0;
    }
    usize::from(
        layout(
            t,
            inner,
            1 + filter_lines(t, usize::from(inner.width)).len(),
        )
        .1
        .height,
    )
}

/// Draws the Traffic view.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    if inner.height < 3 {
        return;
    }
    let t = &state.traffic;
    let mut head = vec![header_line(t, usize::from(inner.width))];
    head.extend(filter_lines(t, usize::from(inner.width)));
    let (head_area, list, side) = layout(t, inner, head.len());
    frame.render_widget(Paragraph::new(head), head_area);
    // A `:query`'s answer takes the list and charts until Esc closes it.
    if let Some(q) = &state.queries.traffic {
        let body = Rect {
            y: list.y,
            height: inner.height.saturating_sub(list.y - inner.y),
            ..inner
        };
        crate::tui::panes::traffic_query::render(frame, q, state.now, body);
        crate::tui::panes::athena_question::render(frame, q, body);
        return;
    }
    render_list(frame, state, list);
    if side.height > 0 && side.width > 0 {
        if t.detail {
            traffic_record::render(frame, t, side, state.pane_offset());
        } else if t.marks.open {
            impact::render(frame, state, side);
        } else {
            let markers = state.traffic_markers();
            let selected = t.marks.selected.and_then(|i| markers.get(i));
            traffic_charts::render(frame, t, side, (&markers, selected));
        }
    }
}

fn render_list(frame: &mut Frame, state: &State, area: Rect) {
    let t = &state.traffic;
    if t.rows.is_empty() {
        let not_kept = t.records.not_kept(&t.filter);
        let msg = if !t.records.is_empty() && !not_kept.is_empty() {
            format!("Unknown: {}.", t.filter.unknown_reason(&not_kept))
        } else if !t.records.is_empty() && !t.filter.is_all() {
            format!("No record matches the filter `{}`.", t.filter.source())
        } else if !t.records.is_empty() {
            // Records were read, none of them in the preset's window (yet).
            let reading = if t.load.inflight.is_some() {
                "; reading on…"
            } else {
                ""
            };
            format!(
                "No record in the last {}: the {} read are older{reading}",
                t.preset.label(),
                count(t.records.len(), "record", "records")
            )
        } else if let (Some(why), None) = (&t.load.error, &t.target) {
            format!("No access logs to read: {why}")
        } else if t.load.inflight.is_some() || t.planner.is_none() {
            "Reading access logs…".to_string()
        } else {
            let dist = state
                .envs
                .get(t.env)
                .map_or("", |e| &e.spec.distribution_id);
            t.target.as_ref().map_or_else(String::new, |target| {
                format!(
                    "No access-log records in {} ({}) since {}.",
                    target.keys(dist),
                    target.label,
                    t.since
                )
            })
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, DIM)), area);
        return;
    }
    let h = usize::from(area.height);
    let sel = t.selected_row();
    let first = first_row(t.rows.len(), sel, t.follow, h);
    let width = usize::from(area.width);
    let lines: Vec<Line> = t
        .rows
        .range(first..(first + h).min(t.rows.len()))
        .enumerate()
        .filter_map(|(k, seq)| {
            let r = t.record(*seq)?;
            Some(row(&r, width, &t.search, Some(first + k) == sel))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The record detail on screen: the area inside its pane and how many rows the record takes.
pub fn pane(state: &State, inner: Rect) -> Option<(Rect, usize)> {
    let t = &state.traffic;
    if !t.detail || inner.height < 3 {
        return None;
    }
    let side = layout(
        t,
        inner,
        1 + filter_lines(t, usize::from(inner.width)).len(),
    )
    .2;
    let (area, rows) = traffic_record::extent(t, side);
    (area.height > 0 && area.width > 0).then_some((area, rows))
}
