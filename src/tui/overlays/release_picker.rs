//! The release picker: the packages under the release prefix, newest first, with version,
//! commit, actor and age; the one deployed in the environment and in the one it promotes from
//! marked; then the row that uploads a local package instead; below them how many older
//! packages there are and the keys skipped for want of a version.

use crate::app::{State, deployed_version};
use crate::domain::Timestamp;
use crate::tui::widgets::status::{DIM, PROTECTED_BAR};
use crate::tui::widgets::text::{centered, ellipsize};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

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

/// The rows `text` takes wrapped at spaces to `width` columns (a longer word is broken).
fn wrapped_rows(text: &str, width: usize) -> usize {
    let (mut rows, mut col) = (1, 0);
    for word in text.split(' ') {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > width {
            rows += 1;
            col = 0;
        }
        col += if col > 0 { 1 + w } else { w };
        while col > width {
            rows += 1;
            col -= width;
        }
    }
    rows
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
        format!(" Release · {name} · direct upload (no workflow) "),
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
    let catalogue = match &p.packages {
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
        Some(Ok(c)) => Some(c),
    };
    let mut notes = Vec::new();
    if let Some(c) = catalogue {
        let shown = c.newest().len();
        let older = c.packages.len() - shown;
        if c.packages.is_empty() {
            lines.push(Line::from("no release packages under the prefix"));
        } else if older > 0 {
            notes.push(format!(
                "the newest {shown} of {} packages; {older} older (down to {}): `:release {name} \
                 VERSION` finds any of them",
                c.packages.len(),
                c.packages
                    .last()
                    .map_or(String::new(), |k| k.release.version.to_string())
            ));
        }
        notes.extend(c.notes());
    }
    // The notes wrap at the picker's width, under the rows and above the help line.
    let width = usize::from(inner.width).max(1);
    let note_rows: usize = notes.iter().map(|n| wrapped_rows(n, width)).sum();
    let note_rows = note_rows.min(usize::from(inner.height).saturating_sub(4));
    let room = usize::from(inner.height)
        .saturating_sub(3 + note_rows)
        .max(1);
    if let Some(c) = catalogue {
        let list = c.newest();
        let mut rows: Vec<String> = Vec::new();
        if !list.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "  {:<10} {:<9} {:<14} {:>5}  {}",
                    "VERSION", "COMMIT", "ACTOR", "AGE", "DEPLOYED"
                ),
                Style::new().add_modifier(Modifier::BOLD),
            )));
        }
        for k in list {
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
            rows.push(format!(
                "{:<10} {:<9} {:<14} {:>5}  {}",
                r.version.to_string(),
                r.short_commit(),
                ellipsize(&r.actor, 14),
                age(state.now, k.last_modified),
                marks.join("  ")
            ));
        }
        // The last row: a local file instead of a package already uploaded.
        rows.push("upload a local package… (path prompt, Tab completes)".into());
        let skip = p.row.saturating_sub(room.saturating_sub(1));
        for (i, text) in rows.into_iter().enumerate().skip(skip).take(room) {
            let text = ellipsize(
                &format!("{} {text}", if i == p.row { "▶" } else { " " }),
                width,
            );
            let style = if i == p.row {
                Style::new().add_modifier(Modifier::REVERSED)
            } else if i == list.len() {
                Style::new().fg(Color::Cyan)
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
    }
    let notes: Vec<Line> = notes
        .into_iter()
        .map(|n| Line::from(Span::styled(n, Style::new().fg(Color::Yellow))))
        .collect();
    let help = Line::from(Span::styled(
        "↑/↓ choose · enter plan · end: upload a local file · esc cancel",
        Style::new().fg(Color::Yellow),
    ));
    let note_rows = u16::try_from(note_rows).unwrap_or(u16::MAX);
    let top = Rect {
        height: inner.height.saturating_sub(note_rows.saturating_add(1)),
        ..inner
    };
    let middle = Rect {
        y: top.bottom(),
        height: note_rows,
        ..inner
    };
    let low = Rect {
        y: middle.bottom(),
        height: inner.height.min(1),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines), top);
    frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: false }), middle);
    frame.render_widget(Paragraph::new(help), low);
}
