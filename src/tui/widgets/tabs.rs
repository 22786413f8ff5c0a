//! The view tabs (with the pending-approvals count) and the environment strip beside them.

use super::status::{PROTECTED_MARK, SELECTED, env_name_style};
use super::text::width;
use crate::app::{State, View};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Style of the current tab.
const CURRENT: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::White)
    .add_modifier(Modifier::BOLD);

/// One tab: its view, label and horizontal extent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab {
    /// The view it shows.
    pub view: View,
    /// Label as drawn, with padding.
    pub label: String,
    /// First column.
    pub x: u16,
    /// Width in cells.
    pub width: u16,
}

/// Cells the environment strip takes (`env  dev  stg  prd⚑ `).
fn strip_width(state: &State) -> usize {
    let names: usize = state
        .envs
        .iter()
        .map(|e| width(&e.spec.name) + 2 + usize::from(e.spec.protected))
        .sum();
    4 + names + 1
}

/// The tabs as drawn in `area`: a leading space, then labels separated by `│`; the first tab
/// is shortened to `Envs` when the labels and the environment strip would not both fit.
pub fn tabs(state: &State, area: Rect) -> Vec<Tab> {
    let pending = state.approvals().len();
    // An environment whose approvals are unknown adds a `?`: never a plain count that may be
    // short.
    let unknown = !state.approvals_unknown().is_empty();
    let label_of = |view: View, short: bool| {
        let title = match view {
            View::Environments if short => "Envs",
            v => v.title(),
        };
        match view {
            View::Approvals if unknown && pending > 0 => format!(" {title} ({pending}+?) "),
            View::Approvals if unknown => format!(" {title} (?) "),
            View::Approvals if pending > 0 => format!(" {title} ({pending}) "),
            _ => format!(" {title} "),
        }
    };
    let full: usize = View::ALL
        .iter()
        .map(|v| width(&label_of(*v, false)) + 1)
        .sum();
    let short = full + strip_width(state) + 2 > usize::from(area.width);
    let mut x = area.x.saturating_add(1);
    let mut out = Vec::new();
    for view in View::ALL {
        let label = label_of(view, short);
        let w = u16::try_from(width(&label)).unwrap_or(u16::MAX);
        out.push(Tab {
            view,
            label,
            x,
            width: w,
        });
        x = x.saturating_add(w).saturating_add(1);
    }
    out
}

/// The view whose tab is at `column` of the tabs line.
pub fn hit(state: &State, area: Rect, column: u16) -> Option<View> {
    tabs(state, area)
        .into_iter()
        .find(|t| column >= t.x && column < t.x.saturating_add(t.width) && column < area.right())
        .map(|t| t.view)
}

/// Draws the tabs line.
pub fn render(frame: &mut Frame, state: &State, area: Rect) {
    let all = tabs(state, area);
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in all.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("│", Style::new().fg(Color::DarkGray)));
        }
        let style = if tab.view == state.view {
            CURRENT
        } else if tab.view == View::Approvals && tab.label.contains('(') {
            Style::new()
                .fg(Color::LightYellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        spans.push(Span::styled(tab.label.clone(), style));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let mut envs = vec![Span::styled("env ", Style::new().fg(Color::DarkGray))];
    for (i, env) in state.envs.iter().enumerate() {
        let mut name = env.spec.name.clone();
        if env.spec.protected {
            name = format!("{name}{PROTECTED_MARK}");
        }
        let mut style = env_name_style(env.spec.protected);
        if i == state.selected {
            style = style.patch(SELECTED);
        }
        envs.push(Span::styled(format!(" {name} "), style));
    }
    envs.push(Span::raw(" "));
    let right: usize = envs.iter().map(Span::width).sum();
    if used + right + 2 <= usize::from(area.width) && !state.envs.is_empty() {
        frame.render_widget(Paragraph::new(Line::from(envs).right_aligned()), area);
    }
}
