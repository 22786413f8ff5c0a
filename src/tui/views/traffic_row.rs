//! One row of the Traffic view's list: the columns that fit, the status coloured, search
//! matches highlighted.

use crate::accesslog::LogFields;
use crate::app::contains_ci;
use crate::tui::widgets::status::{DIM, SELECTED};
use crate::tui::widgets::text::ellipsize;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Style of a search match.
pub const MATCH: Style = Style::new().fg(Color::Black).bg(Color::Yellow);

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
pub fn row<R: LogFields>(r: &R, width: usize, search: &str, selected: bool) -> Line<'static> {
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
        // An IPv6 address is longer than the column: cut with `…`, never silently.
        spans.extend(highlight(
            &format!("{:<15}", ellipsize(r.client_ip(), 15)),
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
