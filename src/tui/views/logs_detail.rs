//! The detail pane of the Logs view: the selected CloudWatch event whole — time, ingestion
//! delay, stream and id, and the message wrapped, with JSON laid out one member per line.

use crate::domain::LogEvent;
use crate::tui::widgets::status::DIM;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

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

/// The message as lines to read: JSON laid out; Lambda's tab-separated form (`time`, request id,
/// level, text) one field after another, a JSON last field laid out; other text as written.
pub fn message_lines(message: &str) -> Vec<String> {
    if let Some(lines) = pretty_json(message) {
        return lines;
    }
    let message = message.trim_end();
    if let Some((head, last)) = message.rsplit_once('\t')
        && let Some(json) = pretty_json(last)
    {
        let mut lines: Vec<String> = head.split('\t').map(str::to_string).collect();
        lines.extend(json);
        return lines;
    }
    message.lines().map(|l| l.replace('\t', "  ")).collect()
}

/// Draws the detail of `event` (`None`: it is no longer held) into `area`.
pub fn render(frame: &mut Frame, event: Option<&LogEvent>, area: Rect) {
    let block = Block::new()
        .borders(Borders::LEFT | Borders::TOP)
        .border_style(DIM)
        .title(Span::styled(
            " event detail (↑↓ move · esc closes) ",
            Style::new().add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(e) = event else {
        let msg = "the event is no longer held (the view keeps the newest 2,000)";
        frame.render_widget(Paragraph::new(Span::styled(msg, DIM)), inner);
        return;
    };
    let field = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{name:<9}"), NAME),
            Span::raw(value),
        ])
    };
    let delay = e.ingestion_time.since(e.timestamp);
    let mut lines = vec![
        field("time", e.timestamp.rfc3339_millis()),
        field(
            "ingested",
            format!(
                "{} ({:.1} s later)",
                e.ingestion_time.clock(),
                delay as f64 / 1000.0
            ),
        ),
        field("stream", e.stream.clone()),
        field("event id", e.event_id.clone()),
        Line::from(""),
    ];
    let room = usize::from(inner.height).saturating_sub(lines.len());
    let (shown, more) = fit(message_lines(&e.message), usize::from(inner.width), room);
    lines.extend(shown.into_iter().map(Line::from));
    if more > 0 {
        lines.push(Line::from(Span::styled(
            format!("… {more} more lines (`shipdeck logs group … -o jsonl` prints it whole)"),
            DIM,
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The first of `lines` that fit in `rows` rows of `width` cells once wrapped (counting one row
/// for the "more" note when they do not all fit), and how many are left out.
pub fn fit(mut lines: Vec<String>, width: usize, rows: usize) -> (Vec<String>, usize) {
    let width = width.max(1);
    let need = |l: &String| l.chars().count().div_ceil(width).max(1);
    if lines.iter().map(need).sum::<usize>() <= rows {
        return (lines, 0);
    }
    let (mut used, mut keep) = (0, 0);
    for l in &lines {
        if used + need(l) > rows.saturating_sub(1) {
            break;
        }
        used += need(l);
        keep += 1;
    }
    let more = lines.len() - keep;
    lines.truncate(keep);
    (lines, more)
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
    fn long_messages_are_cut_to_the_pane_with_a_count_of_the_rest() {
        let lines: Vec<String> = (0..10).map(|i| format!("line {i}")).collect();
        assert_eq!(fit(lines.clone(), 20, 10), (lines.clone(), 0));
        let (shown, more) = fit(lines.clone(), 20, 5);
        assert_eq!((shown.len(), more), (4, 6), "four lines and the note");
        // A line twice the width takes two rows.
        let wide = vec!["x".repeat(40), "y".into(), "z".into()];
        assert_eq!(fit(wide.clone(), 20, 3), (vec!["x".repeat(40)], 2));
        assert_eq!(fit(wide, 20, 4).1, 0);
        assert_eq!(fit(lines, 0, 0), (Vec::new(), 10));
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
            message_lines("Error: boom\n    at handler (index.js:3)\tx"),
            ["Error: boom", "    at handler (index.js:3)  x"]
        );
    }
}
