//! The logs view: recent CloudWatch events of an environment, newest at the bottom, following the
//! tail, with the selected event's detail beside them (below on narrow terminals).

use super::traffic::{MATCH, highlight};
use crate::app::State;
use crate::domain::LogEvent;
use crate::tui::widgets::pane::split;
use crate::tui::widgets::status::{DIM, SELECTED};
use crate::tui::widgets::text::ellipsize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Cells of the shortened stream name.
const STREAM_WIDTH: usize = 10;

/// The environment whose events are shown.
fn env_name(state: &State) -> &str {
    state
        .envs
        .get(state.logs.env)
        .or_else(|| state.selected_env())
        .map_or("", |e| e.spec.name.as_str())
}

/// Body title: names the environment (and the build's stream after a build-log jump).
pub fn title(state: &State) -> String {
    match &state.logs.stream {
        Some((_, stream)) => format!("Logs · {} · build log {stream}", env_name(state)),
        None => format!(
            "Logs · {} · CloudWatch events (access logs: Traffic, 5)",
            env_name(state)
        ),
    }
}

/// A log stream name cut to what tells streams apart: its last segment, without `[$LATEST]`.
pub fn short_stream(stream: &str) -> String {
    let last = stream.rsplit('/').find(|s| !s.is_empty()).unwrap_or(stream);
    let last = last.trim_start_matches("[$LATEST]");
    last.chars().take(STREAM_WIDTH).collect()
}

/// The message on one line, without control characters.
fn one_line(message: &str) -> String {
    message
        .trim_end()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn line_style(message: &str) -> Style {
    let head: String = message
        .chars()
        .take(80)
        .collect::<String>()
        .to_ascii_uppercase();
    if head.contains("ERROR") || head.contains("FATAL") {
        Style::new().fg(Color::Red)
    } else if head.contains("WARN") {
        Style::new().fg(Color::Yellow)
    } else {
        Style::new()
    }
}

fn event_line(e: &LogEvent, search: &str, marked: bool) -> Line<'static> {
    let mut spans = vec![
        Span::styled(format!("{} ", e.timestamp.clock()), DIM),
        Span::styled(
            format!("{:<w$} ", short_stream(&e.stream), w = STREAM_WIDTH),
            Style::new().fg(Color::Cyan),
        ),
    ];
    spans.extend(highlight(
        &one_line(&e.message),
        search,
        line_style(&e.message),
    ));
    let line = Line::from(spans);
    if marked {
        line.patch_style(SELECTED)
    } else {
        line
    }
}

/// The range of filtered events shown in `height` rows: the tail, moved back by `scroll`.
pub fn window(count: usize, scroll: usize, height: usize) -> std::ops::Range<usize> {
    let back = scroll.min(count.saturating_sub(height));
    let end = count - back;
    end.saturating_sub(height)..end
}

/// Where the Logs view draws in `inner`.
struct Layout {
    /// The summary line and the read error, if any.
    head: Rect,
    /// Below the head: the rows and the detail pane, or a message when no event is listed.
    body: Rect,
    /// The event rows.
    rows: Rect,
    /// The detail pane (empty when closed): beside the rows, else the lower half — all of the
    /// body below 12 rows.
    side: Rect,
}

impl Layout {
    fn of(state: &State, inner: Rect) -> Layout {
        let head_h = (1 + u16::from(state.logs.error.is_some())).min(inner.height);
        let head = Rect {
            height: head_h,
            ..inner
        };
        let body = Rect {
            y: inner.y.saturating_add(head_h),
            height: inner.height - head_h,
            ..inner
        };
        let (rows, side) = match state.logs.detail {
            Some(_) if body.height < 12 => split(body, body.height),
            Some(_) => split(body, body.height / 2),
            None => (body, Rect::default()),
        };
        Layout {
            head,
            body,
            rows,
            side,
        }
    }
}

/// How many event rows the Logs view shows in `inner` (what the core needs to stop scrolling
/// back once the oldest event is at the top, and to move a page).
pub fn page_rows(state: &State, inner: Rect) -> usize {
    usize::from(Layout::of(state, inner).rows.height)
}

/// Draws the logs view.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    if inner.height == 0 {
        return;
    }
    let groups = match &state.logs.stream {
        Some((group, _)) => group.clone(),
        None => state
            .envs
            .get(state.logs.env)
            .map(|e| e.spec.log_groups.join(", "))
            .unwrap_or_default(),
    };
    let rows = state.visible_log_rows();
    let events: Vec<&LogEvent> = rows.iter().map(|&i| &state.logs.events[i]).collect();
    let follow = if state.logs.scroll == 0 && !state.logs.paused {
        Span::styled("● following", Style::new().fg(Color::Green))
    } else {
        Span::styled(
            format!("‖ paused, {} rows back", state.logs.scroll),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        )
    };
    let mut top = vec![
        Span::styled("groups ", DIM),
        Span::raw(ellipsize(&groups, usize::from(inner.width) / 2)),
        Span::styled(format!(" · {} events · ", events.len()), DIM),
        follow,
    ];
    if !state.logs.search.is_empty() {
        top.push(Span::styled(" · search: ", Style::new().fg(Color::Yellow)));
        top.push(Span::styled(state.logs.search.clone(), MATCH));
    }
    let mut head = vec![Line::from(top)];
    if let Some(err) = &state.logs.error {
        head.push(Line::from(Span::styled(
            format!("read failed: {}", one_line(err)),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        )));
    }
    let layout = Layout::of(state, inner);
    frame.render_widget(Paragraph::new(head), layout.head);
    if events.is_empty() {
        let msg = if !state.logs.events.is_empty() {
            format!("No event matches the filter `{}`.", state.filter)
        } else if state.logs.inflight.is_some() {
            "Reading events…".to_string()
        } else {
            "No events in the last read.".to_string()
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, DIM)), layout.body);
        return;
    }
    let (area, side) = (layout.rows, layout.side);
    let shown = window(events.len(), state.logs.scroll, usize::from(area.height));
    let first = shown.start;
    let detail = state.logs.detail.as_deref();
    let lines: Vec<Line> = events
        .get(shown)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let marked = match detail {
                Some(id) => e.event_id == id,
                None => state.logs.mark == Some(first + k),
            };
            event_line(e, &state.logs.search, marked)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
    if let Some(id) = detail
        && side.height > 0
        && side.width > 0
    {
        let event = state.logs.events.iter().find(|e| e.event_id == id);
        super::logs_detail::render(frame, event, side);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_follows_the_tail_and_scrolls_back() {
        assert_eq!(window(100, 0, 10), 90..100);
        assert_eq!(window(100, 5, 10), 85..95);
        assert_eq!(window(100, 500, 10), 0..10);
        assert_eq!(window(3, 2, 10), 0..3);
        assert_eq!(window(0, 0, 0), 0..0);
        assert_eq!(
            short_stream("2026/11/25/[$LATEST]0123456789abcdef"),
            "0123456789"
        );
        assert_eq!(short_stream("deploy/3f2a"), "3f2a");
    }
}
