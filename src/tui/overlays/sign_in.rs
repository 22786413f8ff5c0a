//! The sign-in dialog (`:login`): which environments the expired SSO session stopped, the page
//! to open and the code it must show while shipdeck waits for the approval, or why it failed.

use crate::app::{SignIn, SignInStep, State};
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

/// Widest the dialog grows.
const MAX_WIDTH: u16 = 90;

/// The dialog's lines.
pub fn lines(s: &SignIn, now: crate::domain::Timestamp) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let profiles = s.profiles.join(", ");
    out.push(Line::from(format!(
        "Signing in to IAM Identity Center for profile {profiles}."
    )));
    if !s.affected.is_empty() {
        out.push(Line::styled(
            format!("Not read until then: {}", s.affected.join(", ")),
            DIM,
        ));
    }
    out.push(Line::default());
    match &s.step {
        SignInStep::Starting => out.push(Line::from("Asking the portal for a code…")),
        SignInStep::Waiting {
            session,
            url,
            code,
            expires_at,
        } => {
            out.push(Line::from(format!(
                "Open this page and approve {session} there:"
            )));
            out.push(Line::styled(
                url.clone(),
                Style::new()
                    .fg(Color::Cyan)
                    .add_modifier(Modifier::UNDERLINED),
            ));
            out.push(Line::from(vec![
                Span::raw("The page must show the code "),
                Span::styled(
                    code.clone(),
                    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
                ),
            ]));
            out.push(Line::default());
            let left = crate::domain::human(expires_at.since(now).max(0));
            out.push(Line::styled(
                format!(
                    "Waiting for the approval… (the code expires at {} UTC, in {left})",
                    expires_at.clock()
                ),
                DIM,
            ));
        }
        SignInStep::Failed(why) => {
            out.push(Line::styled(
                format!("Not signed in: {why}"),
                Style::new().fg(Color::Red),
            ));
        }
    }
    out.push(Line::default());
    out.push(Line::styled(
        match s.step {
            SignInStep::Failed(_) => "Esc closes; :login tries again",
            _ => "Esc cancels; the AWS CLI shares the session once signed in",
        },
        DIM,
    ));
    out
}

/// Draws the dialog over `body` when a sign-in is open.
pub fn render(frame: &mut Frame, state: &State, body: Rect) {
    let Some(s) = &state.sign_in else {
        return;
    };
    let width = body.width.min(MAX_WIDTH);
    let text = Paragraph::new(lines(s, state.now)).wrap(Wrap { trim: false });
    let inner_width = width.saturating_sub(2);
    let height = u16::try_from(text.line_count(inner_width))
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let popup = centered(body, width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Sign in (SSO) ")
        .border_style(Style::new().fg(Color::Yellow));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    frame.render_widget(text, inner);
}
