//! The header line: name, mode, read-only and protected badges, profile, region, identity, clock.

use super::status::{PROTECTED_BAR, protected};
use super::text::{short_identity, width};
use crate::app::{Mode, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Background of the header when the selected environment is not protected.
const BAR: Style = Style::new().fg(Color::White).bg(Color::DarkGray);

fn badge(text: String, fg: Color, bg: Color) -> Span<'static> {
    Span::styled(
        text,
        Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD),
    )
}

/// The text of the protected badge, e.g. `⚑ PROTECTED: prd`.
pub fn protected_label(name: &str) -> String {
    format!(" ⚑ PROTECTED: {name} ")
}

/// Draws the header in `area` (one line).
pub fn render(frame: &mut Frame, state: &State, area: Rect) {
    let is_protected = protected(state);
    let bar = if is_protected { PROTECTED_BAR } else { BAR };
    let mut spans = vec![Span::styled(
        " shipdeck ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    spans.push(match state.session.mode {
        Mode::Demo => badge(" DEMO ".into(), Color::Black, Color::Magenta),
        Mode::Aws => badge(" AWS ".into(), Color::Black, Color::Yellow),
    });
    if state.session.read_only {
        spans.push(Span::raw(" "));
        spans.push(badge(" READ-ONLY ".into(), Color::Black, Color::Cyan));
    }
    if let Some(env) = state.selected_env() {
        spans.push(Span::raw(" "));
        if is_protected {
            spans.push(badge(
                protected_label(&env.spec.name),
                Color::Red,
                Color::White,
            ));
        } else {
            spans.push(Span::raw(format!(" env {}", env.spec.name)));
        }
    }
    let clock = format!("{} UTC ", state.now.clock());
    let optional = [
        state
            .session
            .profile
            .as_ref()
            .map(|p| format!("profile {p}")),
        state.session.region.as_ref().map(|r| format!("region {r}")),
        state
            .session
            .identity
            .as_deref()
            .map(|i| format!("as {}", short_identity(i))),
    ];
    let avail = usize::from(area.width);
    let mut used: usize = spans.iter().map(Span::width).sum::<usize>() + width(&clock) + 1;
    for text in optional.into_iter().flatten() {
        let w = width(&text) + 2;
        if used + w <= avail {
            used += w;
            spans.push(Span::raw("  "));
            spans.push(Span::raw(text));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
    if used <= avail {
        let right = Line::from(Span::styled(
            clock,
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .right_aligned();
        frame.render_widget(Paragraph::new(right), area);
    }
}
