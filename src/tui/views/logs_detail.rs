//! The detail pane of the Logs view: the selected CloudWatch event whole — time, ingestion
//! delay, stream and id, and the message wrapped, with JSON laid out one member per line.

use crate::domain::LogEvent;
use crate::tui::widgets::pane::side_pane;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::hard_wrap;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const NAME: Style = Style::new().fg(Color::Cyan);

/// `text` laid out one member per line, indented two spaces a level, keys in their order;
/// `None` unless it is a JSON object or array.
pub fn pretty_json(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    if !(text.starts_with('{') || text.starts_with('[')) {
        return None;
    }
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let (mut lines, mut cur, mut depth) = (Vec::new(), String::new(), 0usize);
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    let newline = |lines: &mut Vec<String>, cur: &mut String, depth: usize| {
        lines.push(std::mem::take(cur));
        cur.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            cur.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                cur.push(c);
            }
            '{' | '[' => {
                cur.push(c);
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    chars.next();
                    cur.push(close);
                } else {
                    depth += 1;
                    newline(&mut lines, &mut cur, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut lines, &mut cur, depth);
                cur.push(c);
            }
            ',' => {
                cur.push(c);
                newline(&mut lines, &mut cur, depth);
            }
            ':' => cur.push_str(": "),
            c if c.is_whitespace() => {}
            c => cur.push(c),
        }
    }
    lines.push(cur);
    Some(lines)
}

/// The message as lines to read: JSON laid out; tab-separated text (Lambda's `time`, request id,
/// level, text, or its `REPORT` line) one field per line, a JSON field laid out; line breaks kept.
pub fn message_lines(message: &str) -> Vec<String> {
    if let Some(lines) = pretty_json(message) {
        return lines;
    }
    let mut out = Vec::new();
    for line in message.trim_end().lines() {
        for field in line.split('\t') {
            match pretty_json(field) {
                Some(json) => out.extend(json),
                None => out.push(field.to_string()),
            }
        }
    }
    out
}

/// `rows` cut to `height`: when they do not fit, the first `height - 1` and a note of how many
/// rows are left out.
pub fn fit(mut rows: Vec<Line<'static>>, height: usize) -> Vec<Line<'static>> {
    if rows.len() <= height {
        return rows;
    }
    let keep = height.saturating_sub(1);
    let more = rows.len() - keep;
    rows.truncate(keep);
    if height > 0 {
        let s = if more == 1 { "" } else { "s" };
        rows.push(Line::from(Span::styled(
            format!("… {more} more row{s} (`shipdeck logs group … -o jsonl` prints it whole)"),
            DIM,
        )));
    }
    rows
}

/// `name` (styled) and `value` as rows of `width` cells.
fn field_rows(name: &str, value: &str, width: usize) -> Vec<Line<'static>> {
    let text = format!("{name:<9}{value}");
    hard_wrap(&text, width)
        .into_iter()
        .enumerate()
        .map(|(i, row)| match row.split_at_checked(9) {
            Some((head, tail)) if i == 0 && head.trim_end() == name => Line::from(vec![
                Span::styled(head.to_string(), NAME),
                Span::raw(tail.to_string()),
            ]),
            _ => Line::from(row),
        })
        .collect()
}

/// Draws the detail of `event` (`None`: it is no longer held) into `area`.
pub fn render(frame: &mut Frame, event: Option<&LogEvent>, area: Rect) {
    let inner = side_pane(
        frame,
        area,
        " event detail (↑↓ move · esc closes) ".to_string(),
        Style::new().add_modifier(Modifier::BOLD),
    );
    let Some(e) = event else {
        let msg = "the event is no longer held (the view keeps the newest 2,000)";
        frame.render_widget(
            Paragraph::new(Span::styled(msg, DIM)).wrap(Wrap { trim: false }),
            inner,
        );
        return;
    };
    let width = usize::from(inner.width);
    // AWS leaves the ingestion time out (read as 0) on some answers.
    let ingested = if e.ingestion_time.millis() > 0 {
        let delay = e.ingestion_time.since(e.timestamp) as f64 / 1000.0;
        format!("{} ({delay:.1} s later)", e.ingestion_time.clock())
    } else {
        "-".to_string()
    };
    let mut rows = Vec::new();
    for (name, value) in [
        ("time", e.timestamp.rfc3339_millis()),
        ("ingested", ingested),
        ("stream", e.stream.clone()),
        ("event id", e.event_id.clone()),
    ] {
        rows.extend(field_rows(name, &value, width));
    }
    rows.push(Line::from(""));
    for line in message_lines(&e.message) {
        rows.extend(hard_wrap(&line, width).into_iter().map(Line::from));
    }
    frame.render_widget(Paragraph::new(fit(rows, usize::from(inner.height))), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_laid_out_in_its_own_key_order() {
        let lines = pretty_json(r#" {"timestamp":"t","level":"ERROR","err":{"name":"E","stack":["a, b","c"]},"empty":{},"q":"say \"hi\": {x}"} "#)
            .unwrap();
        assert_eq!(
            lines,
            [
                "{",
                r#"  "timestamp": "t","#,
                r#"  "level": "ERROR","#,
                r#"  "err": {"#,
                r#"    "name": "E","#,
                r#"    "stack": ["#,
                r#"      "a, b","#,
                r#"      "c""#,
                "    ]",
                "  },",
                r#"  "empty": {},"#,
                r#"  "q": "say \"hi\": {x}""#,
                "}",
            ]
        );
        assert_eq!(pretty_json("{not json"), None);
        assert_eq!(pretty_json("plain text"), None);
        assert_eq!(pretty_json("[]"), Some(vec!["[]".to_string()]));
    }

    #[test]
    fn rows_that_do_not_fit_end_with_a_count_of_the_rest() {
        let rows = |n: usize| {
            (0..n)
                .map(|i| Line::from(format!("row {i}")))
                .collect::<Vec<_>>()
        };
        assert_eq!(fit(rows(10), 10), rows(10));
        let cut = fit(rows(10), 5);
        assert_eq!(cut[..4], rows(4)[..]);
        assert!(
            cut[4].to_string().starts_with("… 6 more rows"),
            "{}",
            cut[4]
        );
        assert!(fit(rows(3), 2)[1].to_string().starts_with("… 2 more rows"));
        assert!(fit(rows(2), 1)[0].to_string().starts_with("… 2 more rows"));
        assert!(fit(rows(3), 0).is_empty());
        let one = fit(rows(11), 10);
        assert!(one[9].to_string().starts_with("… 2 more rows"));
        assert!(fit(rows(2), 1)[0].to_string().contains("rows"));
    }

    #[test]
    fn lambda_text_lines_split_on_tabs_with_a_json_tail() {
        let m = "2026-11-25T09:00:00.000Z\tabc-123\tERROR\t{\"errorType\":\"TypeError\"}\n";
        assert_eq!(
            message_lines(m),
            [
                "2026-11-25T09:00:00.000Z",
                "abc-123",
                "ERROR",
                "{",
                r#"  "errorType": "TypeError""#,
                "}"
            ]
        );
        assert_eq!(
            message_lines("2026-11-25T09:00:00.000Z\tabc-123\tINFO\tcart updated\n"),
            [
                "2026-11-25T09:00:00.000Z",
                "abc-123",
                "INFO",
                "cart updated"
            ]
        );
        assert_eq!(
            message_lines("REPORT RequestId: r-1\tDuration: 51.67 ms\tBilled Duration: 52 ms\t"),
            [
                "REPORT RequestId: r-1",
                "Duration: 51.67 ms",
                "Billed Duration: 52 ms"
            ]
        );
        assert_eq!(
            message_lines("Error: boom\n    at handler (index.js:3)"),
            ["Error: boom", "    at handler (index.js:3)"]
        );
    }
}
