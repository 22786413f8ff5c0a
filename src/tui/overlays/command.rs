//! The prompts at the bottom: the `:` command line with its completions, the `/` filter and
//! search, and the question before an export replaces a file.

use crate::app::{LineInput, ReplaceFile, State, TextInput, View, describe, size_text};
use crate::tui::render::Areas;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::{ellipsize, width};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// Most completions listed above the command line.
const MAX_COMPLETIONS: usize = 8;

/// Draws a prompt (`:` or `/`) with its text and the cursor on the footer line: a text longer
/// than the line scrolls sideways so that the cursor stays in sight.
fn prompt(frame: &mut Frame, area: Rect, sigil: &str, text: &TextInput, right: Option<String>) {
    let room = usize::from(area.width).saturating_sub(width(sigil));
    let shown = text.window(room);
    let style = Style::new().fg(Color::White).bg(Color::Black);
    let line = Line::from(vec![
        Span::styled(
            sigil.to_string(),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ),
        Span::raw(shown.text.clone()),
    ]);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(line).style(style), area);
    let used = width(sigil) + width(&shown.text);
    if let Some(r) = right.filter(|r| used + width(r) + 2 <= usize::from(area.width)) {
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(r, DIM)).right_aligned()),
            area,
        );
    }
    let x = area
        .x
        .saturating_add(u16::try_from(width(sigil) + shown.cursor).unwrap_or(u16::MAX))
        .min(area.right().saturating_sub(1));
    frame.set_cursor_position(Position::new(x, area.y));
}

/// Draws the `:` command line with the completions listed above it.
pub fn render(frame: &mut Frame, line: &LineInput, areas: &Areas) {
    prompt(
        frame,
        areas.footer,
        ":",
        &line.text,
        Some("tab complete · enter run · esc cancel ".into()),
    );
    let n = line.completions.len().min(MAX_COMPLETIONS);
    if n == 0 {
        return;
    }
    let rows: Vec<Line> = line
        .completions
        .iter()
        .take(n)
        .map(|c| {
            let word = c.split_whitespace().next().unwrap_or("");
            let desc = describe(word).unwrap_or("");
            Line::from(vec![
                Span::styled(
                    format!("{c:<14} "),
                    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                ),
                Span::styled(ellipsize(desc, 60), DIM),
            ])
        })
        .collect();
    let body = areas.body;
    let height = u16::try_from(n)
        .unwrap_or(0)
        .saturating_add(2)
        .min(body.height);
    let width = body.width.min(80);
    let popup = Rect::new(body.x, body.bottom().saturating_sub(height), width, height);
    let more = line.completions.len() - n;
    let mut block = Block::bordered()
        .border_style(Style::new().fg(Color::Yellow))
        .title(" completions ");
    if more > 0 {
        block = block.title_bottom(format!(" +{more} more "));
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(rows).block(block), popup);
}

/// Rows of the current view that pass the filter.
fn matches(state: &State) -> usize {
    match state.view {
        View::Environments => state.visible_envs().len(),
        View::Pipeline => state.visible_history().len(),
        View::Approvals => state.visible_approvals().len(),
        View::Logs => state.visible_log_count(),
        View::Audit => crate::app::visible_audit(state).len(),
        View::Traffic => state.traffic.rows.len(),
        View::Runs => state.runs.rows().len(),
        View::Attention => crate::app::attention::rows(state).len(),
        View::Map => crate::app::health::NODES,
    }
}

/// Draws the filter prompt with the number of matching rows (`/` in the lists, `filter:` with
/// the expression's error in the Traffic view).
pub fn render_filter(frame: &mut Frame, state: &State, line: &LineInput, areas: &Areas) {
    if state.view == View::Traffic {
        let right = match &state.traffic.filter_error {
            Some(e) => format!("{e} · esc clear "),
            None => format!("{} matching · enter keep · esc clear ", matches(state)),
        };
        prompt(frame, areas.footer, "filter: ", &line.text, Some(right));
        return;
    }
    let sigil = if state.view == View::Logs {
        "filter: "
    } else {
        "/"
    };
    let right = format!("{} matching · enter keep · esc clear ", matches(state));
    prompt(frame, areas.footer, sigil, &line.text, Some(right));
}

/// Draws the `/` search prompt of a log view.
pub fn render_search(frame: &mut Frame, _state: &State, line: &LineInput, areas: &Areas) {
    let right = "enter next match · n/N move · esc clear ".to_string();
    prompt(frame, areas.footer, "/", &line.text, Some(right));
}

/// Draws the question before an export replaces an existing file.
pub fn render_replace(frame: &mut Frame, q: &ReplaceFile, areas: &Areas) {
    let text = format!(
        "{} exists ({}): replace it with {} records? y/N",
        q.path,
        size_text(q.bytes),
        q.job.len()
    );
    // On a narrow terminal the question takes the whole line: the file it names matters more
    // than the hint (the question ends `y/N`).
    let right =
        (areas.footer.width >= 100).then(|| "y replaces · any other key keeps it ".to_string());
    // The cursor after the question: its end (`y/N`) stays in sight.
    prompt(
        frame,
        areas.footer,
        "export: ",
        &TextInput::new(text),
        right,
    );
}
