//! The detail pane of the Traffic view: every field of the selected record, decoded, with
//! cookie values masked. The newest records keep their whole line; older ones their kept fields.

use crate::accesslog::{Field, LogFields, decode, decode_twice};
use crate::app::{DETAIL_KEEP, Traffic};
use crate::domain::Timestamp;
use crate::tui::widgets::pane::{scroll_note, side_inner, side_pane, window};
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::{width as width_of, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const NAME: Style = Style::new().fg(Color::Cyan);
/// Below this many cells for values, a value too long for its row goes under its name instead.
const NARROW: usize = 32;

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
    let mut pairs: Vec<(String, String)> =
        kept.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
    // Standard logging v2's fields, when the delivery has them.
    let secs = |ms: Option<u32>| {
        ms.map_or_else(|| "-".into(), |ms| format!("{:.3}", f64::from(ms) / 1000.0))
    };
    let v2 = [
        (Field::Country, shown_value("", r.country())),
        (Field::Asn, shown_value("", r.asn())),
        (Field::CacheBehavior, shown_value("", r.cache_behavior())),
        (Field::OriginFbl, secs(r.origin_fbl_opt())),
        (Field::OriginLbl, secs(r.origin_lbl_opt())),
    ];
    for (field, value) in v2 {
        if t.records.keeps(field) {
            pairs.push((field.name().to_string(), value));
        }
    }
    Some((pairs, false))
}

/// The rows of the selected record at `width` cells, every field laid out (the pane scrolls
/// through them); `None` without a selected record.
fn rows(t: &Traffic, width: usize) -> Option<Vec<Line<'static>>> {
    let (pairs, whole) = t.selected_seq().and_then(|s| fields(t, s))?;
    let name_w = pairs
        .iter()
        .map(|(n, _)| n.len())
        .max()
        .unwrap_or(0)
        .min(28);
    Some(lay_out(&pairs, whole, name_w, width, usize::MAX))
}

/// The area inside the pane drawn into `area` and how many rows the selected record takes.
pub fn extent(t: &Traffic, area: Rect) -> (Rect, usize) {
    let inner = side_inner(area);
    let n = rows(t, usize::from(inner.width)).map_or(1, |r| r.len());
    (inner, n)
}

/// Draws the detail pane of the selected record into `area`, scrolled `offset` rows.
pub fn render(frame: &mut Frame, t: &Traffic, area: Rect, offset: usize) {
    let inner = side_pane(
        frame,
        area,
        " record detail (esc closes) ".to_string(),
        Style::new().add_modifier(Modifier::BOLD),
    );
    let Some(lines) = rows(t, usize::from(inner.width)) else {
        frame.render_widget(
            Paragraph::new(Span::styled("no record selected", DIM)),
            inner,
        );
        return;
    };
    let (total, height) = (lines.len(), usize::from(inner.height));
    let (shown, first) = window(lines, offset, height);
    frame.render_widget(Paragraph::new(shown), inner);
    scroll_note(frame, area, first, height, total, true);
}

/// The pane's rows: each field with a value beside its name (long values wrapped at spaces under
/// the value column, or in a narrow pane under the name at the pane's width), then a line naming
/// the empty ones; when `rows` cannot hold them all, the last row says how many fields are left
/// out.
fn lay_out(
    pairs: &[(String, String)],
    whole: bool,
    name_w: usize,
    width: usize,
    rows: usize,
) -> Vec<Line<'static>> {
    let value_w = width.saturating_sub(name_w + 1).max(8);
    let (set, empty): (Vec<_>, Vec<_>) = pairs.iter().partition(|(_, v)| v != "-");
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut shown = 0;
    for (n, v) in &set {
        // Keep a row for the "more" note unless this is the last thing to show.
        let last = shown + 1 == set.len() && empty.is_empty() && whole;
        let room = rows.saturating_sub(out.len() + usize::from(!last));
        if room == 0 {
            break;
        }
        if width_of(v) > value_w && value_w < NARROW && room > 1 {
            // A narrow pane: the name on its own row, the value under it at the pane's width.
            out.push(Line::from(Span::styled(n.clone(), NAME)));
            for part in wrap(v, width.saturating_sub(2).max(8), room - 1) {
                out.push(Line::from(format!("  {part}")));
            }
            shown += 1;
            continue;
        }
        let mut parts = wrap(v, value_w, room);
        if parts.is_empty() {
            parts.push(String::new());
        }
        for (i, part) in parts.into_iter().enumerate() {
            let name = if i == 0 { n.as_str() } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!("{name:<name_w$} "), NAME),
                Span::raw(part),
            ]));
        }
        shown += 1;
    }
    // Fields left out, with the empty ones that would have been named after them.
    let left = set.len() - shown + if shown < set.len() { empty.len() } else { 0 };
    if left > 0 {
        out.push(Line::from(Span::styled(
            format!("… {left} more fields: a taller pane shows them"),
            DIM,
        )));
        return out;
    }
    if !empty.is_empty() {
        let names: Vec<&str> = empty.iter().map(|(n, _)| n.as_str()).collect();
        let text = format!("empty (-): {}", names.join(", "));
        let room = rows.saturating_sub(out.len() + usize::from(!whole));
        for part in wrap(&text, width.max(1), room) {
            out.push(Line::from(Span::styled(part, DIM)));
        }
    }
    if !whole && out.len() < rows {
        out.push(Line::from(Span::styled(
            format!("(older record: the newest {DETAIL_KEEP} keep every field)"),
            DIM,
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    fn pairs(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                let v = if i % 3 == 2 { "-" } else { "value" };
                (format!("f{i}"), v.to_string())
            })
            .collect()
    }

    #[test]
    fn every_field_is_shown_or_counted() {
        // 9 fields, 3 of them empty: 6 rows of values and one naming the empty ones.
        let all = text(&lay_out(&pairs(9), true, 3, 40, 20));
        assert_eq!(all.len(), 7, "{all:?}");
        assert_eq!(all[6], "empty (-): f2, f5, f8");
        // Three rows: two values and the count of the rest (4 with values, 3 empty), never a
        // silent cut.
        let cut = text(&lay_out(&pairs(9), true, 3, 40, 3));
        assert_eq!(
            cut,
            [
                "f0  value",
                "f1  value",
                "… 7 more fields: a taller pane shows them"
            ]
        );
        // A long value wraps at spaces under the value column...
        let long = vec![("ua".to_string(), "aaaa ".repeat(12).trim_end().to_string())];
        let wide = text(&lay_out(&long, true, 2, 40, 5));
        assert_eq!(wide.len(), 2, "{wide:?}");
        assert!(wide[0].starts_with("ua aaaa") && wide[1].starts_with("   aaaa"));
        // ...or, in a narrow pane, under its name at the pane's width.
        let short = vec![("ua".to_string(), "aaa bbb ccc".to_string())];
        let narrow = text(&lay_out(&short, true, 2, 10, 5));
        assert_eq!(narrow, ["ua", "  aaa bbb", "  ccc"]);
    }
}
