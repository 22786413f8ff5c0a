//! The footer line: filter and status message on the left, on the right the keys of the actions
//! that apply where the operator is.

use super::status::level;
use super::text::{ellipsize, width};
use crate::app::{Level, Overlay, State, StatusMsg};
use crate::domain::Timestamp;
use crate::tui::render::Hints;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Information messages are hidden this long (wall clock) after they were set.
pub const INFO_TTL: i64 = 10 * Timestamp::SECOND;

/// The status message to show now, if any. `state.now` runs `clock_speed` times faster than the
/// wall clock in the demo, so an information message lasts `INFO_TTL × clock_speed` of it.
pub fn visible_status(state: &State) -> Option<&StatusMsg> {
    let ttl = (INFO_TTL as f64 * state.clock_speed.max(0.0)) as i64;
    state
        .status
        .as_ref()
        .filter(|m| m.level != Level::Info || state.now.since(m.at) <= ttl)
}

/// How long (wall clock) the answer to the operator's own key or command comes before the
/// attention events reported before it; then the newest event shows again.
pub const ANSWER_TTL: i64 = 5 * Timestamp::SECOND;

/// Whether the message answers the operator's own key or command, set in the last
/// [`ANSWER_TTL`] (at the demo's speed, as for [`visible_status`]) with no event reported since.
fn answering(state: &State, msg: &StatusMsg) -> bool {
    let ttl = (ANSWER_TTL as f64 * state.clock_speed.max(0.0)) as i64;
    msg.answer
        .is_some_and(|events| events >= state.attention.total)
        && state.now.since(msg.at) <= ttl
}

/// The notification line: the newest event not seen yet (and how many more), unless the
/// Attention view, which lists them, is shown.
pub fn notice(state: &State) -> Option<(String, Style)> {
    let unseen = state.attention.unseen();
    if unseen == 0 || state.view == crate::app::View::Attention {
        return None;
    }
    let e = state.attention.latest()?;
    let more = match unseen {
        1 => String::new(),
        n => format!(" (+{} more: :attention)", n - 1),
    };
    let style = crate::tui::views::attention::kind_style(e.kind);
    Some((format!("● {}{more}", e.summary), style))
}

/// The key hints of the current view and state as spans, as many as fit in `max` cells.
fn hint_spans(state: &State, hints: &Hints, max: usize) -> Vec<Span<'static>> {
    let pairs = hints.footer(state);
    let key = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let mut out = Vec::new();
    let mut used = 0;
    for (keys, label) in &pairs {
        let w = width(keys) + width(label) + 3;
        if used + w > max {
            break;
        }
        used += w;
        out.push(Span::styled(keys.clone(), key));
        out.push(Span::styled(
            format!(" {label}  "),
            Style::new().fg(Color::Gray),
        ));
    }
    out
}

/// Draws the footer in `area` (one line).
pub fn render(frame: &mut Frame, state: &State, hints: &Hints, area: Rect) {
    let avail = usize::from(area.width);
    let mut left: Vec<Span> = vec![Span::raw(" ")];
    let editing_filter = matches!(state.overlay, Some(Overlay::Filter(_)));
    if !state.filter.is_empty() && !editing_filter && state.view != crate::app::View::Traffic {
        let text = ellipsize(&state.filter, 20);
        left.push(Span::styled(
            format!("filter: {text}"),
            Style::new().fg(Color::Black).bg(Color::Yellow),
        ));
        left.push(Span::raw("  "));
    }
    let mut used: usize = left.iter().map(Span::width).sum();
    let status = visible_status(state);
    // The newest unseen event comes before information, after a warning or an error, and
    // after the answer to what the operator just did.
    let event = notice(state)
        .filter(|_| status.is_none_or(|m| m.level == Level::Info && !answering(state, m)));
    if let Some((text, style)) = event {
        // Room is left for the first key hints.
        let room = avail.saturating_sub(used + 1).min(avail * 3 / 5);
        let text = ellipsize(&text, room);
        used += width(&text);
        left.push(Span::styled(text, style));
    } else if let Some(msg) = status {
        let room = avail.saturating_sub(used + 1);
        let text = ellipsize(&msg.text, room);
        used += width(&text);
        left.push(Span::styled(text, level(msg.level)));
    }
    frame.render_widget(Paragraph::new(Line::from(left)), area);
    let right = hint_spans(state, hints, avail.saturating_sub(used + 2));
    if !right.is_empty() {
        frame.render_widget(Paragraph::new(Line::from(right).right_aligned()), area);
    }
}
