//! The detail pane of the Traffic view: every field of the selected record, decoded, with
//! cookie values masked. The newest records keep their whole line; older ones their kept fields.

use crate::accesslog::{LogFields, decode, decode_twice};
use crate::app::{DETAIL_KEEP, Traffic};
use crate::domain::Timestamp;
use crate::tui::widgets::pane::side_pane;
use crate::tui::widgets::status::DIM;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const NAME: Style = Style::new().fg(Color::Cyan);

/// A `cs(Cookie)` value with every cookie's value masked: `session=•••; theme=•••`.
pub fn mask_cookies(raw: &str) -> String {
    decode(raw)
        .split(';')
        .map(|c| {
            let c = c.trim();
            match c.split_once('=') {
                Some((name, _)) => format!("{name}=•••"),
                None => "•••".to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A field's value for people: decoded (the user agent twice), cookies masked, `-` for empty.
pub fn shown_value(name: &str, raw: &str) -> String {
    if raw.is_empty() || raw == "-" {
        return "-".into();
    }
    match name {
        "cs(Cookie)" => mask_cookies(raw),
        "cs(User-Agent)" => decode_twice(raw).into_owned(),
        _ => decode(raw).into_owned(),
    }
}

/// (name, value) pairs of the record with sequence number `seq`.
pub fn fields(t: &Traffic, seq: u64) -> Option<(Vec<(String, String)>, bool)> {
    if let Some(full) = t.full_line(seq) {
        let pairs = full
            .names
            .iter()
            .zip(full.line.split('\t'))
            .map(|(n, v)| (n.to_string(), shown_value(n, v)))
            .collect();
        return Some((pairs, true));
    }
    let r = t.record(seq)?;
    let kept = [
        ("timestamp", Timestamp(r.timestamp_ms()).rfc3339()),
        ("x-edge-location", shown_value("", r.edge_location())),
        ("sc-bytes", r.sc_bytes().to_string()),
        ("c-ip", shown_value("", r.client_ip())),
        ("cs-method", shown_value("", r.method())),
        ("cs(Host)", shown_value("", r.host())),
        ("cs-uri-stem", shown_value("", r.path())),
        ("sc-status", r.status().to_string()),
        ("cs(Referer)", shown_value("", r.referer())),
        (
            "cs(User-Agent)",
            shown_value("cs(User-Agent)", r.user_agent()),
        ),
        ("cs-uri-query", shown_value("", r.query())),
        ("x-edge-result-type", shown_value("", r.result_type())),
        (
            "time-taken",
            format!("{:.3}", f64::from(r.time_taken_ms()) / 1000.0),
        ),
        (
            "time-to-first-byte",
            format!("{:.3}", f64::from(r.ttfb_ms()) / 1000.0),
        ),
    ];
    Some((
        kept.into_iter().map(|(n, v)| (n.to_string(), v)).collect(),
        false,
    ))
}

/// Draws the detail pane of the selected record into `area`.
pub fn render(frame: &mut Frame, t: &Traffic, area: Rect) {
    let inner = side_pane(
        frame,
        area,
        " record detail (esc closes) ".to_string(),
        Style::new().add_modifier(Modifier::BOLD),
    );
    let Some((pairs, whole)) = t.selected_seq().and_then(|s| fields(t, s)) else {
        frame.render_widget(
            Paragraph::new(Span::styled("no record selected", DIM)),
            inner,
        );
        return;
    };
    let name_w = pairs
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0)
        .min(28);
    let mut lines: Vec<Line> = pairs
        .into_iter()
        .map(|(n, v)| {
            Line::from(vec![
                Span::styled(format!("{n:<name_w$} "), NAME),
                Span::raw(v),
            ])
        })
        .collect();
    if !whole {
        lines.push(Line::from(Span::styled(
            format!("(older record: the newest {DETAIL_KEEP} keep every field)"),
            DIM,
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
