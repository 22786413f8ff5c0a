//! The Traffic view: the selected environment's CloudFront access logs, live — the record list
//! (follow/pause, filter expression with its error caret, search highlight), with the charts or
//! the selected record's detail beside it (below it on narrow terminals).

use super::{traffic_detail, traffic_panel};
use crate::accesslog::LogFields;
use crate::app::{State, Traffic, contains_ci};
use crate::tui::widgets::status::{DIM, SELECTED};
use crate::tui::widgets::text::ellipsize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Style of a search match.
pub const MATCH: Style = Style::new().fg(Color::Black).bg(Color::Yellow);
/// Width from which the charts (or detail) sit beside the list.
const SIDE_BY_SIDE: u16 = 120;

/// Body title: environment and distribution.
pub fn title(state: &State) -> String {
    let env = state
        .envs
        .get(state.traffic.env)
        .or_else(|| state.selected_env());
    match env {
        Some(e) => format!(
            "Traffic · {} · CloudFront {} access logs",
            e.spec.name, e.spec.distribution_id
        ),
        None => "Traffic".into(),
    }
}

/// The style of a status code: 5xx red, 4xx yellow, 3xx cyan, 2xx green.
pub fn status_style(status: u16) -> Style {
    match status {
        500..=599 => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        400..=499 => Style::new().fg(Color::Yellow),
        300..=399 => Style::new().fg(Color::Cyan),
        200..=299 => Style::new().fg(Color::Green),
        _ => DIM,
    }
}

/// `text` split into spans with every case-insensitive occurrence of `needle` highlighted.
pub fn highlight(text: &str, needle: &str, base: Style) -> Vec<Span<'static>> {
    let lower = needle.to_lowercase();
    if lower.is_empty() || !contains_ci(text, &lower) || !text.is_ascii() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let (bytes, n) = (text.as_bytes(), lower.len());
    let mut out = Vec::new();
    let (mut from, mut i) = (0, 0);
    while i + n <= bytes.len() {
        if bytes[i..i + n].eq_ignore_ascii_case(lower.as_bytes()) {
            if i > from {
                out.push(Span::styled(text[from..i].to_string(), base));
            }
            out.push(Span::styled(text[i..i + n].to_string(), base.patch(MATCH)));
            i += n;
            from = i;
        } else {
            i += 1;
        }
    }
    if from < text.len() {
        out.push(Span::styled(text[from..].to_string(), base));
    }
    out
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

fn ms(v: u32) -> String {
    if v < 1000 {
        format!("{v}ms")
    } else {
        format!("{:.1}s", f64::from(v) / 1000.0)
    }
}

fn bytes(b: u64) -> String {
    match b {
        0..1_000 => format!("{b}B"),
        1_000..1_000_000 => format!("{:.1}k", b as f64 / 1e3),
        _ => format!("{:.1}M", b as f64 / 1e6),
    }
}

/// Which optional columns fit in `width` (edge, bytes, ip, result), the path keeping ≥ 16 cells.
fn columns(width: usize) -> [bool; 4] {
    let base = 9 + 4 + 8 + 7 + 16; // time, status, method, latency, path
    let extra = [9, 8, 16, 11]; // edge, bytes, ip, result
    let mut used = base;
    let mut show = [false; 4];
    for i in [3, 2, 0, 1] {
        if used + extra[i] <= width {
            show[i] = true;
            used += extra[i];
        }
    }
    show
}

/// One record as a list row.
fn row<R: LogFields>(r: &R, width: usize, search: &str, selected: bool) -> Line<'static> {
    let [edge, bytes_col, ip, result] = columns(width);
    let t = crate::domain::Timestamp(r.timestamp_ms()).clock();
    let mut fixed = 9 + 4 + 8 + 7;
    let mut tail: Vec<Span<'static>> = Vec::new();
    if edge {
        fixed += 9;
        tail.push(Span::raw(format!(
            " {:<8}",
            ellipsize(r.edge_location(), 8)
        )));
    }
    if result {
        fixed += 11;
        let style = if r.result_type().contains("Hit") {
            Style::new().fg(Color::Green)
        } else {
            Style::new()
        };
        tail.push(Span::styled(
            format!(" {:<10}", ellipsize(r.result_type(), 10)),
            style,
        ));
    }
    tail.push(Span::raw(format!(" {:>6}", ms(r.time_taken_ms()))));
    if bytes_col {
        fixed += 8;
        tail.push(Span::raw(format!(" {:>7}", bytes(r.sc_bytes()))));
    }
    let path_w = width.saturating_sub(fixed + if ip { 16 } else { 0 }).max(8);
    let mut path = r.path().to_string();
    if !r.query().is_empty() {
        path = format!("{path}?{}", r.query());
    }
    let path = ellipsize(&path, path_w);
    let pad = path_w.saturating_sub(path.chars().count());
    let mut spans = vec![
        Span::styled(format!("{t} "), DIM),
        Span::styled(format!("{:>3} ", r.status()), status_style(r.status())),
        Span::raw(format!("{:<7} ", ellipsize(r.method(), 7))),
    ];
    spans.extend(highlight(&path, search, Style::new()));
    spans.push(Span::raw(" ".repeat(pad)));
    spans.extend(tail);
    if ip {
        spans.push(Span::raw(" "));
        spans.extend(highlight(
            &format!("{:<15}", r.client_ip()),
            search,
            Style::new().fg(Color::Cyan),
        ));
    }
    let line = Line::from(spans);
    if selected {
        line.patch_style(SELECTED)
    } else {
        line
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
    let mut spans = vec![
        mode,
        Span::styled(
            format!(
                " · {} of {} records · last {} · {} objects",
                t.rows.len(),
                t.records.len(),
                t.preset.label(),
                t.objects
            ),
            DIM,
        ),
    ];
    if t.object_errors > 0 || t.skipped > 0 {
        spans.push(Span::styled(
            format!(" · {} unreadable, {} bad lines", t.object_errors, t.skipped),
            Style::new().fg(Color::Red),
        ));
    }
    if let Some(e) = &t.error {
        spans.push(Span::styled(
            format!(" · {}", ellipsize(e, width / 2)),
            Style::new().fg(Color::Red),
        ));
    }
    Line::from(spans)
}

/// The filter line, and under it a caret at the error's position with the message.
fn filter_lines(t: &Traffic) -> Vec<Line<'static>> {
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
    let mut out = vec![Line::from(first)];
    if let Some(e) = &t.filter_error {
        let at = label.len() + e.position.min(t.filter_text.chars().count());
        out.push(Line::from(vec![
            Span::raw(" ".repeat(at)),
            Span::styled(
                format!("^ {e}"),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        ]));
    }
    out
}

/// Draws the Traffic view.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    if inner.height < 3 {
        return;
    }
    let t = &state.traffic;
    let mut head = vec![header_line(t, usize::from(inner.width))];
    head.extend(filter_lines(t));
    let head_h = u16::try_from(head.len()).unwrap_or(1).min(inner.height);
    frame.render_widget(
        Paragraph::new(head),
        Rect {
            height: head_h,
            ..inner
        },
    );
    let body = Rect {
        y: inner.y + head_h,
        height: inner.height - head_h,
        ..inner
    };
    let (list, side) = if inner.width >= SIDE_BY_SIDE {
        let side_w = inner.width * 2 / 5;
        (
            Rect {
                width: inner.width - side_w - 1,
                ..body
            },
            Rect {
                x: body.x + inner.width - side_w,
                width: side_w,
                ..body
            },
        )
    } else {
        let side_h = if t.detail {
            body.height / 2
        } else {
            body.height.min(7)
        };
        let side_h = if body.height >= 12 { side_h } else { 0 };
        (
            Rect {
                height: body.height - side_h,
                ..body
            },
            Rect {
                y: body.y + body.height - side_h,
                height: side_h,
                ..body
            },
        )
    };
    render_list(frame, state, list);
    if side.height > 0 && side.width > 0 {
        if t.detail {
            traffic_detail::render(frame, t, side);
        } else {
            traffic_panel::render(frame, t, side);
        }
    }
}

fn render_list(frame: &mut Frame, state: &State, area: Rect) {
    let t = &state.traffic;
    if t.rows.is_empty() {
        let msg = if !t.records.is_empty() {
            format!("No record matches the filter `{}`.", t.filter.source())
        } else if t.inflight.is_some() || t.planner.is_none() {
            "Reading access logs…".to_string()
        } else {
            let spec = state.envs.get(t.env).map(|e| &e.spec);
            spec.map_or_else(String::new, |s| {
                format!(
                    "No access-log records in s3://{}/{}{}.* since {}.",
                    s.logs_bucket, s.logs_prefix, s.distribution_id, t.since
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
