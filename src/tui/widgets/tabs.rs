//! The view tabs, each with the key that shows it and the pending-approvals count, and the
//! environment strip beside them.

use super::status::{PROTECTED_MARK, SELECTED, env_name_style};
use super::text::width;
use crate::app::{State, View};
use crate::tui::render::Hints;
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

/// Style of a tab's key.
const KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);

/// One tab: its view, key, label and horizontal extent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab {
    /// The view it shows.
    pub view: View,
    /// The key that shows it (from the keymap), if one is bound.
    pub key: Option<String>,
    /// Label as drawn after the key, with padding.
    pub label: String,
    /// First column.
    pub x: u16,
    /// Width in cells.
    pub width: u16,
}

/// How much of the titles fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Every title whole.
    Full,
    /// `Envs` for Environments.
    Short,
    /// Every title in four letters or fewer (`Pipe`, `Appr`, `Attn`); where even that does not
    /// fit, the last tabs (never the current one) show their key (and count) only.
    Tiny,
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

/// The key that shows `view`, as the keymap binds it.
fn key_of(hints: &Hints, view: View) -> Option<String> {
    hints
        .tabs
        .iter()
        .find(|(v, _)| *v == view)
        .map(|(_, k)| k.clone())
}

/// A title in four letters or fewer.
fn tiny(view: View) -> &'static str {
    match view {
        View::Environments => "Env",
        View::Pipeline => "Pipe",
        View::Approvals => "Appr",
        View::Logs => "Logs",
        View::Traffic => "Traf",
        View::Audit => "Aud",
        View::Runs => "Runs",
        View::Map => "Map",
        View::Attention => "Attn",
    }
}

/// A tab's label; `bare`: its key (and its count) only.
fn label(state: &State, view: View, key: Option<&str>, fit: Fit, bare: bool) -> String {
    let pending = state.approvals().len();
    // An environment whose approvals are unknown adds a `?`: never a plain count that may be
    // short.
    let unknown = !state.approvals_unknown().is_empty();
    // Shown from an older read: a count that may no longer hold.
    let stale = !state.approvals_stale().is_empty();
    let title = match view {
        _ if bare && key.is_some() && view != state.view => "",
        _ if fit == Fit::Tiny => tiny(view),
        View::Environments if fit != Fit::Full => "Envs",
        View::Audit => "Audit",
        v => v.title(),
    };
    let count = match view {
        View::Approvals if unknown && pending > 0 => format!("({pending}+?)"),
        View::Approvals if unknown => "(?)".to_string(),
        View::Approvals if stale => format!("({pending}?)"),
        View::Approvals if pending > 0 => format!("({pending})"),
        View::Attention if state.attention.unseen() > 0 => {
            format!("({})", state.attention.unseen())
        }
        _ => String::new(),
    };
    let words: Vec<&str> = [key.unwrap_or(""), title, count.as_str()]
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect();
    format!(" {} ", words.join(" "))
}

/// The tabs as drawn in `area`: a leading space, then labels separated by `│`; the titles are
/// shortened when they would not fit beside the environment strip, to four letters when they
/// would not fit at all, and then, from the last tab on (never the current one), to their keys.
pub fn tabs(state: &State, hints: &Hints, area: Rect) -> Vec<Tab> {
    let keys: Vec<(View, Option<String>)> =
        View::ALL.iter().map(|v| (*v, key_of(hints, *v))).collect();
    let total = |fit: Fit, bare: &[bool]| -> usize {
        keys.iter()
            .zip(bare)
            .map(|((v, k), b)| width(&label(state, *v, k.as_deref(), fit, *b)) + 1)
            .sum()
    };
    let room = usize::from(area.width);
    let mut bare = vec![false; keys.len()];
    let fit = if total(Fit::Full, &bare) + strip_width(state) + 2 <= room {
        Fit::Full
    } else if total(Fit::Short, &bare) <= room {
        Fit::Short
    } else {
        Fit::Tiny
    };
    for i in (0..keys.len()).rev() {
        if total(fit, &bare) <= room {
            break;
        }
        bare[i] = keys[i].0 != state.view;
    }
    let mut x = area.x.saturating_add(1);
    let mut out = Vec::new();
    for ((view, key), bare) in keys.into_iter().zip(bare) {
        let text = label(state, view, key.as_deref(), fit, bare);
        let w = u16::try_from(width(&text)).unwrap_or(u16::MAX);
        out.push(Tab {
            view,
            key,
            label: text,
            x,
            width: w,
        });
        x = x.saturating_add(w).saturating_add(1);
    }
    out
}

/// The view whose tab is at `column` of the tabs line.
pub fn hit(state: &State, hints: &Hints, area: Rect, column: u16) -> Option<View> {
    tabs(state, hints, area)
        .into_iter()
        .find(|t| column >= t.x && column < t.x.saturating_add(t.width) && column < area.right())
        .map(|t| t.view)
}

/// The spans of one tab: its key in the key colour (unless it is the current tab), the rest.
fn tab_spans(state: &State, tab: &Tab) -> Vec<Span<'static>> {
    let style = if tab.view == state.view {
        CURRENT
    } else if tab.view == View::Approvals && tab.label.contains('(') {
        Style::new()
            .fg(Color::LightYellow)
            .add_modifier(Modifier::BOLD)
    } else if tab.view == View::Attention && state.attention.unseen() > 0 {
        // Marked while something unseen waits: red when one of them is bad news.
        let bad = state
            .attention
            .since(state.attention.seen)
            .iter()
            .any(|e| e.kind.is_failure());
        let colour = if bad {
            Color::LightRed
        } else {
            Color::LightYellow
        };
        Style::new()
            .fg(colour)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::new()
    };
    match tab.key.as_deref() {
        Some(key) if tab.view != state.view => {
            let rest = tab.label.get(1 + key.len()..).unwrap_or_default();
            vec![
                Span::styled(" ", style),
                Span::styled(key.to_string(), KEY),
                Span::styled(rest.to_string(), style),
            ]
        }
        _ => vec![Span::styled(tab.label.clone(), style)],
    }
}

/// Draws the tabs line.
pub fn render(frame: &mut Frame, state: &State, hints: &Hints, area: Rect) {
    let all = tabs(state, hints, area);
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in all.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("│", Style::new().fg(Color::DarkGray)));
        }
        spans.extend(tab_spans(state, tab));
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
