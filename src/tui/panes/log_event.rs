//! The detail pane of the Logs view: the selected CloudWatch event whole — time, ingestion
//! delay, log group, stream and id, and the message wrapped, with JSON laid out one member per
//! line — scrolled through with the pane keys and the wheel.

use crate::domain::LogEvent;
use crate::tui::widgets::pane::{scroll_note, side_inner, side_pane, window};
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::{hard_wrap, hard_wrap_upto};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const NAME: Style = Style::new().fg(Color::Cyan);

/// Where laid-out lines go: `false` once it takes no more.
trait LineSink {
    /// Takes one line; `false` when full.
    fn line(&mut self, line: String) -> bool;
    /// Whether it still takes lines.
    fn open(&self) -> bool {
        true
    }
}

impl LineSink for Vec<String> {
    fn line(&mut self, line: String) -> bool {
        self.push(line);
        true
    }
}

/// `text` laid out one member per line into `sink`, indented two spaces a level, keys in their
/// order, stopping when it is full; `false` (nothing sent) unless `text` is a JSON object or
/// array.
fn lay_out_json(text: &str, sink: &mut dyn LineSink) -> bool {
    let text = text.trim();
    if !(text.starts_with('{') || text.starts_with('['))
        || serde_json::from_str::<serde::de::IgnoredAny>(text).is_err()
    {
        return false;
    }
    let (mut cur, mut depth) = (String::new(), 0usize);
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    // Hands the line so far to the sink and starts the next at `depth`; `false` when full.
    let newline = |sink: &mut dyn LineSink, cur: &mut String, depth: usize| {
        let more = sink.line(std::mem::take(cur));
        cur.push_str(&"  ".repeat(depth));
        more
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
        let more = match c {
            '"' => {
                in_string = true;
                cur.push(c);
                true
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
                    true
                } else {
                    depth += 1;
                    newline(sink, &mut cur, depth)
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                let more = newline(sink, &mut cur, depth);
                cur.push(c);
                more
            }
            ',' => {
                cur.push(c);
                newline(sink, &mut cur, depth)
            }
            ':' => {
                cur.push_str(": ");
                true
            }
            c if c.is_whitespace() => true,
            c => {
                cur.push(c);
                true
            }
        };
        if !more {
            return true;
        }
    }
    sink.line(cur);
    true
}

/// The message as lines to read, into `sink` until it is full: JSON laid out; tab-separated text
/// (Lambda's `time`, request id, level, text, or its `REPORT` line) one field per line, a JSON
/// field laid out; line breaks kept.
fn lay_out_message(message: &str, sink: &mut dyn LineSink) {
    if lay_out_json(message, sink) {
        return;
    }
    for line in message.trim_end().lines() {
        for field in line.split('\t') {
            if !sink.open() {
                return;
            }
            if !lay_out_json(field, sink) {
                sink.line(field.to_string());
            }
        }
    }
}

/// Rows of at most `width` cells, up to `limit` of them; `cut` once something did not fit.
struct Rows {
    rows: Vec<Line<'static>>,
    width: usize,
    limit: usize,
    cut: bool,
}

impl LineSink for Rows {
    fn line(&mut self, line: String) -> bool {
        let room = self.limit.saturating_sub(self.rows.len());
        let (rows, cut) = hard_wrap_upto(&line, self.width, room);
        self.rows.extend(rows.into_iter().map(Line::from));
        self.cut |= cut;
        !self.cut
    }

    fn open(&self) -> bool {
        !self.cut
    }
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

/// Most rows an event is laid out in (the pane scrolls through them); a longer message is cut
/// there, and the last row says so.
const MAX_ROWS: usize = 2_000;

/// The rows of `e` at `width` cells: its fields, a blank row, then its message — at most `limit`
/// rows (and never more than [`MAX_ROWS`], where a cut message says so). A frame lays out only
/// the rows it shows, so a 256 KB message costs what the pane holds.
pub fn lines(e: &LogEvent, width: usize, limit: usize) -> Vec<Line<'static>> {
    let limit = limit.min(MAX_ROWS);
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
        ("group", e.group.clone()),
        ("stream", e.stream.clone()),
        ("event id", e.event_id.clone()),
    ] {
        rows.extend(field_rows(name, &value, width));
    }
    rows.push(Line::from(""));
    let mut message = Rows {
        rows,
        width,
        limit,
        cut: false,
    };
    lay_out_message(&e.message, &mut message);
    let mut rows = message.rows;
    let cut = message.cut || rows.len() > limit;
    rows.truncate(limit);
    if cut && limit == MAX_ROWS {
        rows.truncate(MAX_ROWS - 1);
        let note = format!(
            "… cut here: the message has {} bytes (`shipdeck logs group … -o jsonl` prints it whole)",
            e.message.len()
        );
        rows.push(Line::from(Span::styled(note, DIM)));
    }
    rows
}

/// The area inside the pane drawn into `area`.
pub fn inside(area: Rect) -> Rect {
    side_inner(area)
}

/// How many rows `event` takes in the pane drawn into `area` (all of them: for how far the pane
/// scrolls, worked out once per event and pane size).
pub fn rows(event: Option<&LogEvent>, area: Rect) -> usize {
    let width = usize::from(side_inner(area).width);
    event.map_or(1, |e| lines(e, width, MAX_ROWS).len())
}

/// Draws the detail of `event` (`None`: it is no longer held) into `area`, scrolled `offset`
/// rows; `total` is how many rows it takes, when known.
pub fn render(
    frame: &mut Frame,
    event: Option<&LogEvent>,
    area: Rect,
    offset: usize,
    total: Option<usize>,
) {
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
    let height = usize::from(inner.height);
    // The rows shown, and one more to know whether there is more below.
    let offset = total.map_or(offset, |t| offset.min(t.saturating_sub(height)));
    let laid = lines(e, usize::from(inner.width), offset + height + 1);
    let (laid_rows, more) = (laid.len(), laid.len() > offset + height);
    let (shown, first) = window(laid, offset, height);
    frame.render_widget(Paragraph::new(shown), inner);
    match total {
        Some(total) => scroll_note(frame, area, first, height, total, true),
        // How many rows in all is not known yet: one more at least.
        None if more => scroll_note(frame, area, first, height, first + height + 1, false),
        None => scroll_note(frame, area, first, height, laid_rows, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty_json(text: &str) -> Option<Vec<String>> {
        let mut lines = Vec::new();
        lay_out_json(text, &mut lines).then_some(lines)
    }

    fn message_lines(message: &str) -> Vec<String> {
        let mut lines = Vec::new();
        lay_out_message(message, &mut lines);
        lines
    }

    fn event(message: String) -> LogEvent {
        LogEvent {
            group: "g".into(),
            event_id: "e".into(),
            stream: "s".into(),
            timestamp: crate::domain::Timestamp(0),
            ingestion_time: crate::domain::Timestamp(0),
            message,
        }
    }

    #[test]
    fn a_frame_lays_out_the_rows_it_shows_and_a_message_is_cut_at_the_most() {
        let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let e = event(words.join(" "));
        assert_eq!(lines(&e, 40, 10).len(), 10);
        let all = lines(&e, 40, MAX_ROWS);
        assert!(all.len() > 10 && all.len() < MAX_ROWS);
        let last: String = all[all.len() - 1].to_string();
        assert!(last.ends_with("w399"), "{last}");
        let huge = event("xxxxxxxxx ".repeat(26_000));
        let cut = lines(&huge, 40, MAX_ROWS);
        assert_eq!(cut.len(), MAX_ROWS);
        assert!(
            cut[MAX_ROWS - 1]
                .to_string()
                .starts_with("… cut here: the message has 260000 bytes")
        );
        assert!(
            !lines(&huge, 40, 20)
                .iter()
                .any(|l| l.to_string().contains("cut here"))
        );
    }

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
