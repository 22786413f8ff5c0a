//! The rollback dialog's list of candidates: the stage's listing (or the history while it
//! loads, saying so), newest first, the chosen one marked.

use crate::app::{Dialog, State, older_candidates};
use crate::ops::OpKind;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::ellipsize;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Candidates shown at most.
const SHOWN: usize = 5;

/// The candidate lines of a rollback dialog (nothing for other actions), in at most `rows`
/// lines: fewer candidates on a small screen, the chosen one always among them (none in fewer
/// than 2 lines: the field and the dialog's first line name the chosen one).
pub fn lines(state: &State, d: &Dialog, width: usize, rows: usize) -> Vec<Line<'static>> {
    if d.kind != OpKind::Rollback || rows < 2 {
        return Vec::new();
    }
    let shown = SHOWN.min(rows - 1);
    let (older, listed) = older_candidates(state, d);
    let head = match (&d.candidates, listed) {
        (_, true) => "Earlier executions that succeeded in the stage (↑/↓ choose):".to_string(),
        (Some(Err(_)), _) => "Listing failed; from the history (↑/↓ choose):".to_string(),
        _ => "From the history while the stage's listing loads (↑/↓ choose):".to_string(),
    };
    let mut out = vec![Line::from(Span::styled(
        head,
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    ))];
    if older.is_empty() {
        out.push(Line::from(Span::styled("  none", DIM)));
        return out;
    }
    let at = older
        .iter()
        .position(|e| e.id == d.text.trim())
        .unwrap_or(0);
    let skip = at.saturating_sub(shown - 1);
    for e in older.iter().skip(skip).take(shown) {
        let chosen = e.id == d.text.trim();
        let release = e.release().map_or("-".to_string(), |r| {
            format!("{} (commit {}) by {}", r.version, r.short_commit(), r.actor)
        });
        let text = ellipsize(
            &format!(
                "{} {}  {}  {}",
                if chosen { "▶" } else { " " },
                e.id,
                e.start.short(),
                release
            ),
            width,
        );
        let style = if chosen {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        out.push(Line::from(Span::styled(text, style)));
    }
    out
}
