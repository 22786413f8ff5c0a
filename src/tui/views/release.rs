//! The release picker: the packages under the release prefix, newest first, with version,
//! commit, actor and age; the one deployed in the environment and in the one it promotes from
//! marked.

use crate::app::{State, deployed_version};
use crate::domain::Timestamp;
use crate::tui::widgets::status::{DIM, PROTECTED_BAR};
use crate::tui::widgets::text::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// Widest the picker grows.
const MAX_WIDTH: u16 = 110;

/// A compact age: `42m`, `5h`, `3d`.
fn age(now: Timestamp, then: Timestamp) -> String {
    let mins = (now.0 - then.0).max(0) / Timestamp::MINUTE;
    match mins {
        m if m < 60 => format!("{m}m"),
        m if m < 48 * 60 => format!("{}h", m / 60),
        m => format!("{}d", m / (24 * 60)),
    }
}

/// Draws the open picker over the body.
pub fn render(frame: &mut Frame, state: &State, body: Rect) {
    let Some(p) = state.ops.picker.as_ref() else {
        return;
    };
    let Some(env) = state.envs.get(p.env) else {
        return;
    };
    let name = env.spec.name.as_str();
    let popup = centered(
        body,
        body.width.saturating_sub(4).min(MAX_WIDTH),
        body.height.saturating_sub(1),
    );
    let mut block = Block::bordered().title(Span::styled(
        format!(" Release · {name} · choose a package "),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    block = if env.spec.protected {
        block
            .border_type(BorderType::Thick)
            .border_style(Style::new().fg(Color::Red))
            .title_top(
                Span::styled(format!(" PROTECTED · {name} "), PROTECTED_BAR)
                    .into_right_aligned_line(),
            )
    } else {
        block
            .border_type(BorderType::Double)
            .border_style(Style::new().fg(Color::Cyan))
    };
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let here = deployed_version(state, p.env);
    let from = env.spec.promotes_from.as_deref().and_then(|from| {
        let i = state.env_index(from)?;
        Some((from.to_string(), deployed_version(state, i)?))
    });
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "s3://{}/{}  →  s3://{}/{}",
            env.spec.source_bucket,
            env.spec.release_prefix,
            env.spec.source_bucket,
            env.spec.source_key
        ),
        DIM,
    ))];
    let list = match &p.packages {
        None => {
            lines.push(Line::from("reading the release packages…"));
            None
        }
        Some(Err(e)) => {
            lines.push(Line::from(Span::styled(
                format!("✗ {e}"),
                Style::new().fg(Color::Red),
            )));
            None
        }
        Some(Ok(list)) if list.is_empty() => {
            lines.push(Line::from("no release packages under the prefix"));
            None
        }
        Some(Ok(list)) => Some(list),
    };
    let room = usize::from(inner.height).saturating_sub(3).max(1);
    if let Some(list) = list {
        lines.push(Line::from(Span::styled(
            format!(
                "  {:<10} {:<9} {:<14} {:>5}  {}",
                "VERSION", "COMMIT", "ACTOR", "AGE", "DEPLOYED"
            ),
            Style::new().add_modifier(Modifier::BOLD),
        )));
        let skip = p.row.saturating_sub(room.saturating_sub(1));
        for (i, k) in list.iter().enumerate().skip(skip).take(room) {
            let r = &k.release;
            let mut marks = Vec::new();
            if here.as_ref() == Some(&r.version) {
                marks.push(format!("● in {name}"));
            }
            if let Some((from_name, v)) = &from
                && *v == r.version
            {
                marks.push(format!("◆ in {from_name}"));
            }
            let text = format!(
                "{} {:<10} {:<9} {:<14} {:>5}  {}",
                if i == p.row { "▶" } else { " " },
                r.version.to_string(),
                r.short_commit(),
                r.actor,
                age(state.now, k.last_modified),
                marks.join("  ")
            );
            let style = if i == p.row {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
    }
    let help = Line::from(Span::styled(
        "↑/↓ choose · enter plan the release · esc cancel (nothing sent)",
        Style::new().fg(Color::Yellow),
    ));
    let top = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let low = Rect {
        y: top.bottom(),
        height: inner.height.min(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines), top);
    frame.render_widget(Paragraph::new(help), low);
}
