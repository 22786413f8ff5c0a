//! The approvals inbox: every pending approval, and a detail panel for the selected one that
//! scrolls.

use super::rows_below_header;
use crate::app::State;
use crate::domain::{Approval, Timestamp, human};
use crate::tui::widgets::pane::{field, scroll_note, window};
use crate::tui::widgets::status::{DIM, env_label, env_name_style};
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::{short_id, wrap};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The columns in display order; lower priority numbers survive narrow terminals.
const COLUMNS: [Col; 8] = [
    Col::fixed("ENV", 6, 0),
    Col::fixed("PIPELINE", 16, 7),
    Col::fixed("RELEASE", 22, 1),
    Col::fixed("EXECUTION", 9, 6),
    Col::fixed("TRIGGERED BY", 12, 5),
    Col::fixed("WAITED", 8, 2),
    Col::fixed("LEFT", 8, 3),
    Col::fill("STAGE / ACTION", 16, 4),
];

/// Time left below which the expiry shows red.
const URGENT: i64 = Timestamp::DAY;

/// Body title: the pending count, and the environments whose approvals are unknown.
pub fn title(state: &State) -> String {
    let unknown: Vec<String> = state
        .approvals_unknown()
        .into_iter()
        .map(|(env, _)| env)
        .collect();
    let known = state.approvals().len();
    let mut title = format!("Approvals · {known} pending");
    if !unknown.is_empty() {
        title += &format!(" · unknown in {}", unknown.join(", "));
    }
    // Shown from an older read: they may have been answered or expired since.
    let stale: Vec<String> = (state.approvals_stale().into_iter())
        .map(|(env, since)| format!("{env} ({})", human(state.now.since(since))))
        .collect();
    if !stale.is_empty() {
        title += &format!(" · stale in {}", stale.join(", "));
    }
    title
}

/// Since when `env`'s approvals are shown from an older read (its refresh failing), if so.
fn stale_since(state: &State, env: &str) -> Option<Timestamp> {
    (state.approvals_stale().into_iter()).find_map(|(e, since)| (e == env).then_some(since))
}

/// Height of the detail panel (with its rule line) for a body of `height` rows over a list of
/// `n` approvals: what the list does not need, at least 8 rows (4 on a low terminal).
fn detail_height(height: u16, n: usize) -> u16 {
    let list = u16::try_from(n.saturating_add(2)).unwrap_or(u16::MAX);
    let least = match height {
        h if h >= 16 => 8,
        h if h >= 9 => 4,
        _ => return 0,
    };
    height.saturating_sub(list).max(least)
}

fn split(inner: Rect, n: usize) -> (Rect, Rect) {
    let d = detail_height(inner.height, n).min(inner.height);
    let list = Rect {
        height: inner.height - d,
        ..inner
    };
    let detail = Rect {
        y: list.bottom(),
        height: d,
        ..inner
    };
    (list, detail)
}

/// Where the rows are; `None` when the inbox is empty.
pub fn geometry(state: &State, inner: Rect) -> Option<ListGeom> {
    let n = state.visible_approvals().len();
    if n == 0 {
        return None;
    }
    let rows = rows_below_header(split(inner, n).0);
    Some(ListGeom::new(rows, n, Some(state.approval_row)))
}

fn left_style(left: i64) -> Style {
    if left < URGENT {
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    }
}

fn release_text(a: &Approval) -> String {
    match &a.release {
        Some(r) => format!("{} {} {}", r.version, r.short_commit(), r.actor),
        None => "unknown".into(),
    }
}

fn cells(state: &State, a: &Approval) -> Vec<Line<'static>> {
    let protected = state
        .env_index(&a.environment)
        .and_then(|i| state.envs.get(i))
        .is_some_and(|e| e.spec.protected);
    let left = a.time_left(state.now);
    // A stale row says so first in its last column, which a narrow terminal keeps.
    let mut stage = Vec::new();
    if let Some(since) = stale_since(state, &a.environment) {
        stage.push(Span::styled(
            format!("stale {} · ", human(state.now.since(since))),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    }
    stage.push(Span::raw(format!("{} / {}", a.stage, a.action)));
    vec![
        Line::from(Span::styled(
            env_label(&a.environment, protected),
            env_name_style(protected),
        )),
        Line::from(a.pipeline.clone()),
        Line::from(release_text(a)),
        Line::from(short_id(&a.execution_id).to_string()),
        Line::from(a.triggered_by.clone().unwrap_or_else(|| "—".into())),
        Line::from(human(state.now.since(a.waiting_since))),
        Line::from(Span::styled(human(left), left_style(left))),
        Line::from(stage),
    ]
}

/// Width of the field names in the detail.
const NAME: usize = 13;

/// The selected approval in full, as rows of `width` cells.
fn detail_lines(state: &State, a: &Approval, width: usize) -> Vec<Line<'static>> {
    let left = a.time_left(state.now);
    let expiry = if left > 0 {
        format!("in {}", human(left))
    } else {
        "expired".to_string()
    };
    let release = match &a.release {
        Some(r) => format!("{} (commit {}) by {}", r.version, r.commit, r.actor),
        None => "unknown release".into(),
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut out = vec![Line::from(vec![
        Span::styled(a.environment.clone(), bold),
        Span::raw(format!(" · {} / {}", a.stage, a.action)),
    ])];
    if let Some(since) = stale_since(state, &a.environment) {
        let why = (state.env_index(&a.environment))
            .and_then(|i| state.envs.get(i))
            .and_then(|e| e.state_error())
            .unwrap_or("");
        let text = format!(
            "stale: not read for {}, it may have been answered or expired since ({why})",
            human(state.now.since(since))
        );
        for l in wrap(&text, width, 3) {
            out.push(Line::from(Span::styled(
                l,
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            )));
        }
    }
    let plain = Style::new();
    let waited = format!(
        "since {} ({})",
        a.waiting_since.short(),
        human(state.now.since(a.waiting_since))
    );
    let expires = format!("{} ({expiry})", a.expires_at().rfc3339());
    let instructions = a.custom_data.as_deref().unwrap_or("(no instructions)");
    let token = a
        .token
        .as_deref()
        .map_or_else(|| "none".into(), crate::ops::short_token);
    let by = a.triggered_by.clone().unwrap_or_else(|| "—".into());
    let yellow = Style::new().fg(Color::LightYellow);
    for (name, value, style) in [
        ("release", release.as_str(), bold),
        ("waiting", waited.as_str(), plain),
        ("expires", expires.as_str(), left_style(left)),
        ("instructions", instructions, yellow),
        ("token", token.as_str(), plain),
        ("execution", a.execution_id.as_str(), plain),
        ("pipeline", a.pipeline.as_str(), plain),
        ("triggered by", by.as_str(), plain),
    ] {
        field(&mut out, name, NAME, value, style, width);
    }
    out
}

fn render_empty(frame: &mut Frame, state: &State, inner: Rect) {
    let unknown = state.approvals_unknown();
    if state.approvals().is_empty() && !unknown.is_empty() {
        // Unknown is not none: say which environments could not be read, and why.
        let mut lines = vec![Line::from(Span::styled(
            "Pending approvals unknown",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ))];
        for (env, why) in &unknown {
            for l in wrap(&format!("{env}: {why}"), usize::from(inner.width), 3) {
                lines.push(Line::from(Span::styled(l, DIM)));
            }
        }
        let h = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let y = inner.y.saturating_add(inner.height.saturating_sub(h) / 2);
        let area = Rect::new(inner.x, y, inner.width, h).intersection(inner);
        frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), area);
        return;
    }
    let (head, sub) = if state.approvals().is_empty() {
        (
            "No pending approvals".to_string(),
            "Approvals waiting in any environment show up here.".to_string(),
        )
    } else {
        (
            "No pending approval matches the filter".to_string(),
            format!("filter: {}", state.filter),
        )
    };
    crate::tui::widgets::pane::empty_note(frame, inner, &head, &sub);
}

/// Draws the inbox.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    let visible = state.visible_approvals();
    let Some(geom) = geometry(state, inner) else {
        render_empty(frame, state, inner);
        return;
    };
    let (list, detail) = split(inner, visible.len());
    let selected = (state.approval_row < visible.len()).then_some(state.approval_row);
    table::render(frame, list, &COLUMNS, &geom, selected, |row| {
        visible
            .get(row)
            .map(|a| cells(state, a))
            .unwrap_or_default()
    });
    let Some(a) = selected.and_then(|i| visible.get(i)) else {
        return;
    };
    if detail.height == 0 {
        return;
    }
    let rule = format!("── Approval {} ", "─".repeat(usize::from(detail.width)));
    let rule_row = Rect {
        height: 1,
        ..detail
    };
    frame.render_widget(
        Paragraph::new(Span::styled(rule, Style::new().fg(Color::DarkGray))),
        rule_row,
    );
    let body = rows_below_header(detail);
    let lines = detail_lines(state, a, usize::from(body.width));
    let (total, height) = (lines.len(), usize::from(body.height));
    let (shown, first) = window(lines, state.pane_offset(), height);
    frame.render_widget(Paragraph::new(shown), body);
    scroll_note(frame, rule_row, first, height, total, true);
}

/// The detail on screen: the area of its rows and how many rows the selected approval takes.
pub fn pane(state: &State, inner: Rect) -> Option<(Rect, usize)> {
    let visible = state.visible_approvals();
    let a = visible.get(state.approval_row)?;
    let body = rows_below_header(split(inner, visible.len()).1);
    (body.height > 0 && body.width > 0)
        .then(|| (body, detail_lines(state, a, usize::from(body.width)).len()))
}
