//! The plan/confirm dialog of an action: the plan's facts, the API call and the `aws` command,
//! the fields, an inline refusal, and where the one call is. Red and thick on a protected env.

use crate::app::{Dialog, Field, Phase, State};
use crate::ops::{ExitClass, Plan};
use crate::tui::render::Hints;
use crate::tui::widgets::status::{DIM, PROTECTED_BAR};
use crate::tui::widgets::text::{centered, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// Widest the dialog grows.
const MAX_WIDTH: u16 = 120;

const LABEL: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const BAD: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
const GOOD: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
const WARN: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);

/// The first key bound to a dialog action, from the keymap's help rows.
fn key<'a>(hints: &'a Hints, action: &str, fallback: &'a str) -> &'a str {
    hints
        .help
        .iter()
        .find(|e| e.context == "dialog" && e.action == action)
        .and_then(|e| e.keys.split(' ').next())
        .unwrap_or(fallback)
}

fn field_line(label: &str, value: &str, focused: bool, width: usize) -> Line<'static> {
    let cursor = if focused { "▏" } else { "" };
    let room = width.saturating_sub(label.chars().count() + 4);
    let shown: String = {
        let n = value.chars().count();
        value.chars().skip(n.saturating_sub(room)).collect()
    };
    let style = if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    };
    Line::from(vec![
        Span::styled(format!("{label}: "), LABEL),
        Span::styled(format!("{shown}{cursor} "), style),
    ])
}

/// The lines under the plan: fields, option, inline refusal and the phase.
fn bottom(d: &Dialog, hints: &Hints, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let editing = d.phase == Phase::Editing;
    if let Some(p) = &d.package {
        out.push(field_line(
            "Package",
            &p.release.summary(),
            editing && d.field == Field::Package,
            width,
        ));
    }
    if let Some(label) = d.text_label() {
        out.push(field_line(
            label,
            &d.text,
            editing && d.field == Field::Text,
            width,
        ));
    }
    if let Some(label) = d.toggle_label() {
        let mark = if d.toggle { "[x]" } else { "[ ]" };
        out.push(Line::from(vec![
            Span::styled(format!("{mark} "), LABEL),
            Span::raw(format!("{label} ({})", key(hints, "toggle", "ctrl-t"))),
        ]));
    }
    if let Some(name) = d.must_type() {
        let label = format!("Type `{name}` to confirm");
        out.push(field_line(
            &label,
            &d.typed,
            editing && d.field == Field::Confirm,
            width,
        ));
    }
    if let (Phase::Editing, Some(was)) = (&d.phase, &d.changed) {
        let now = d.pinned.as_ref().map_or("?", |t| t.text.as_str());
        let text = format!(
            "⚠ changed while open: it was {was}; it is now {now}. Nothing was sent. {} accepts \
             the new target · {} cancel",
            key(hints, "submit", "enter"),
            key(hints, "back", "esc")
        );
        for l in wrap(&text, width, 4) {
            out.push(Line::from(Span::styled(l, WARN)));
        }
        return out;
    }
    match (&d.phase, &d.planned) {
        (Phase::Editing, Err(r)) => {
            for l in wrap(&format!("✗ {}", r.reason), width, 3) {
                out.push(Line::from(Span::styled(l, BAD)));
            }
        }
        (Phase::Editing, Ok(_)) if d.field == Field::Package => out.push(Line::from(Span::styled(
            format!(
                "{} to the {} · {} cancel",
                key(hints, "next_field", "tab"),
                if d.must_type().is_some() {
                    "typed name"
                } else {
                    "send line"
                },
                key(hints, "back", "esc")
            ),
            Style::new().fg(Color::Yellow),
        ))),
        (Phase::Editing, Ok(_)) if d.ready() => out.push(Line::from(Span::styled(
            format!(
                "{} send (exactly one call) · {} cancel",
                key(hints, "submit", "enter"),
                key(hints, "back", "esc")
            ),
            GOOD,
        ))),
        (Phase::Editing, Ok(_)) => out.push(Line::from(Span::styled(
            format!(
                "type the name to confirm · {} field · {} cancel",
                key(hints, "next_field", "tab"),
                key(hints, "back", "esc")
            ),
            Style::new().fg(Color::Yellow),
        ))),
        (Phase::Sending(id), _) => out.push(Line::from(Span::styled(
            format!("sending… (request {id}); keys wait for the answer"),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ))),
        (Phase::Done(o), _) => {
            let style = if o.class == ExitClass::Done {
                GOOD
            } else {
                BAD
            };
            for l in wrap(&o.message, width, 2) {
                out.push(Line::from(Span::styled(l, style)));
            }
            if let Some(note) = &d.watch_note {
                out.push(Line::from(Span::styled(note.clone(), DIM)));
            } else if o.class == ExitClass::Done {
                out.push(Line::from(Span::styled("watching…", DIM)));
            }
            out.push(Line::from(Span::styled(
                format!("{} close", key(hints, "submit", "enter")),
                DIM,
            )));
        }
    }
    out
}

/// The plan's facts, one per line, a long one wrapped.
fn facts(summary: &[String], width: usize) -> Vec<Line<'static>> {
    let mut out: Vec<Line> = Vec::new();
    for s in summary {
        if crate::tui::widgets::text::width(s) <= width {
            out.push(Line::from(s.clone()));
        } else {
            out.extend(wrap(s, width, 2).into_iter().map(Line::from));
        }
    }
    out
}

/// The plan's lines: facts, warnings, the call, the `aws` command, the guards.
fn top(plan: &Plan, width: usize) -> Vec<Line<'static>> {
    let mut out = facts(&plan.summary, width);
    for w in &plan.warnings {
        for l in wrap(&format!("⚠ {w}"), width, 3) {
            out.push(Line::from(Span::styled(l, WARN)));
        }
    }
    if let Some(note) = &plan.note {
        out.push(Line::from(note.clone()));
    }
    let call = format!(
        "call: {} {} {}",
        plan.call.service,
        plan.call.operation,
        plan.call.params_text()
    );
    for l in wrap(&call, width, 3) {
        out.push(Line::from(Span::styled(l, DIM)));
    }
    for l in wrap(&plan.aws_command, width, 4) {
        out.push(Line::from(Span::styled(l, DIM)));
    }
    let guards: Vec<String> = plan
        .guards
        .iter()
        .map(|g| format!("✓ {}", g.note))
        .collect();
    for l in wrap(&guards.join("  "), width, 2) {
        out.push(Line::from(Span::styled(l, Style::new().fg(Color::Green))));
    }
    out
}

/// The dialog's area inside `body`.
pub fn area(body: Rect) -> Rect {
    centered(
        body,
        body.width.saturating_sub(4).min(MAX_WIDTH),
        body.height.saturating_sub(1),
    )
}

/// Draws the open dialog over the body.
pub fn render(frame: &mut Frame, state: &State, hints: &Hints, body: Rect) {
    let Some(d) = state.ops.dialog.as_ref() else {
        super::release::render(frame, state, body);
        return;
    };
    let env = state.envs.get(d.env);
    let name = env.map_or("?", |e| e.spec.name.as_str());
    let protected = env.is_some_and(|e| e.spec.protected);
    let popup = area(body);
    let mut block = Block::bordered().title(Span::styled(
        format!(" {} · {name} ", capitalised(d.kind.name())),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    block = if protected {
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
    let width = usize::from(inner.width);
    let mut low = super::dialog_pick::lines(state, d, width);
    low.extend(bottom(d, hints, width));
    let low_h = u16::try_from(low.len())
        .unwrap_or(u16::MAX)
        .min(inner.height);
    let top_area = Rect {
        height: inner.height - low_h,
        ..inner
    };
    let low_area = Rect {
        y: top_area.bottom(),
        height: low_h,
        ..inner
    };
    let high = match &d.planned {
        Ok(plan) => top(plan, width),
        Err(r) => match &r.draft {
            Some(draft) => {
                let mut out = facts(&draft.summary, width);
                out.push(Line::from(Span::styled(
                    "The call and its aws command show once the fields below are filled in.",
                    DIM,
                )));
                out
            }
            None => Vec::new(),
        },
    };
    frame.render_widget(Paragraph::new(high), top_area);
    frame.render_widget(Paragraph::new(low), low_area);
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
