//! The execution detail over the pipeline view: one execution's action runs stage by stage —
//! status, start, duration, who answered an approval and their comment, a failed action's
//! error — and the selected run in full, with where its build log is; above them the execution's
//! resolved variables and, for a rollback, the execution it rolled back to.

use super::rows_below_header;
use crate::app::{ExecutionDetail, RunRow, State};
use crate::domain::{
    ActionCategory, ActionExecutionDetail, ActionStatus, ExecutionSummary, Timestamp, human,
};
use crate::tui::widgets::pane::{self, scroll_note, side_inner, side_pane, split, window};
use crate::tui::widgets::status::{DIM, action, execution};
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::{short_id, short_identity};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The columns in display order; lower priority numbers survive narrow terminals.
const COLUMNS: [Col; 7] = [
    Col::fixed("STAGE", 10, 0),
    Col::fixed("ACTION", 14, 1),
    Col::fixed("STATUS", 12, 2),
    Col::fixed("STARTED", 11, 4),
    Col::fixed("DURATION", 8, 5),
    Col::fixed("BY", 10, 6),
    Col::fill("SUMMARY", 10, 3),
];

/// Rows the run's pane takes under the list on a terminal too narrow to put it beside.
const PANE_BELOW: u16 = 9;

/// Width of the field names in the pane.
const NAME: usize = 11;

const RED: Style = Style::new().fg(Color::Red);

/// The execution as the latest refresh lists it (its status moves on while the detail is open),
/// else as it was when opened.
fn current<'a>(state: &'a State, d: &'a ExecutionDetail) -> &'a ExecutionSummary {
    state
        .envs
        .get(d.env)
        .and_then(|e| e.executions.iter().find(|x| x.id == d.execution.id))
        .unwrap_or(&d.execution)
}

/// Body title.
pub fn title(state: &State, d: &ExecutionDetail) -> String {
    match state.envs.get(d.env) {
        Some(env) => format!(
            "Execution {} · {} · {}",
            short_id(&d.execution.id),
            env.spec.name,
            env.spec.pipeline
        ),
        None => format!("Execution {}", short_id(&d.execution.id)),
    }
}

/// Lines of the execution above the runs: two, and its variables when there is room.
fn head_height(inner: Rect) -> u16 {
    if inner.height >= 12 { 3 } else { 2 }
}

/// Where the parts go for a list of `n` rows: the execution's lines, the list of runs, the
/// selected run's pane (beside the list on a wide terminal, else under it with the rows the list
/// does not need, at least [`PANE_BELOW`]).
fn layout(inner: Rect, n: usize) -> (Rect, Rect, Rect) {
    let head = Rect {
        height: inner.height.min(head_height(inner)),
        ..inner
    };
    let rest = Rect {
        y: inner.y.saturating_add(head.height),
        height: inner.height - head.height,
        ..inner
    };
    let list = u16::try_from(n.saturating_add(1)).unwrap_or(u16::MAX);
    let below = if rest.height >= PANE_BELOW + 4 {
        rest.height.saturating_sub(list).max(PANE_BELOW)
    } else {
        0
    };
    let (list, pane) = split(rest, below);
    (head, list, pane)
}

/// Where the rows are; `None` while there are none.
pub fn geometry(state: &State, inner: Rect) -> Option<ListGeom> {
    let d = state.execution.as_ref()?;
    let n = state.execution_rows().len();
    let list = layout(inner, n).1;
    (n > 0).then(|| ListGeom::new(rows_below_header(list), n, Some(d.row)))
}

/// The execution's variables as read by GetPipelineExecution: `name=value · …`, `none`,
/// `reading…`, or `unknown` with the reason.
fn variables_line(d: &ExecutionDetail) -> Line<'static> {
    let mut spans = vec![Span::styled("variables ", DIM)];
    match &d.variables {
        None => spans.push(Span::styled("reading… (GetPipelineExecution)", DIM)),
        Some(Err(why)) => spans.push(Span::styled(format!("unknown: {why}"), RED)),
        Some(Ok(v)) if v.is_empty() => spans.push(Span::styled("none", DIM)),
        Some(Ok(v)) => {
            for (i, var) in v.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" · ", DIM));
                }
                spans.push(Span::styled(format!("{}=", var.name), DIM));
                spans.push(Span::raw(var.value.clone()));
            }
        }
    }
    Line::from(spans)
}

fn head_lines(state: &State, e: &ExecutionSummary) -> Vec<Line<'static>> {
    let (glyph, style) = execution(e.status);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let release = match e.release() {
        Some(r) => format!("{} ({}) by {}", r.version, r.short_commit(), r.actor),
        None => "unknown release".into(),
    };
    let (ran, running) = e.ran(state.now);
    let mut second = vec![
        Span::styled("started ", DIM),
        Span::raw(e.start.short()),
        Span::styled(
            if running {
                " · running for "
            } else {
                " · took "
            },
            DIM,
        ),
        Span::raw(human(ran)),
        Span::styled(" · triggered by ", DIM),
        Span::raw(e.trigger.actor().to_string()),
    ];
    if let Some(target) = &e.rollback_target {
        second.push(Span::styled(
            format!(" · ↶ rollback to {}", short_id(target)),
            Style::new().fg(Color::Magenta),
        ));
    }
    if let Some(summary) = &e.status_summary {
        second.push(Span::styled(format!(" · {summary}"), RED));
    }
    vec![
        Line::from(vec![
            Span::styled(e.id.clone(), bold),
            Span::raw(" "),
            Span::styled(format!("{glyph} {}", e.status.as_str()), style),
            Span::styled(" · release ", DIM),
            Span::styled(release, bold),
        ]),
        Line::from(second),
    ]
}

/// How long a run took (`… so far` while it runs).
fn took(state: &State, run: &ActionExecutionDetail) -> String {
    if run.status == ActionStatus::InProgress {
        format!("{} so far", human(state.now.since(run.start)))
    } else {
        human(run.last_update.since(run.start))
    }
}

/// What a run says of itself: its error, else its summary.
fn said(run: &ActionExecutionDetail) -> Option<(String, bool)> {
    match (&run.error, &run.summary) {
        (Some(e), _) => Some((format!("{}: {}", e.code, e.message), true)),
        (None, Some(s)) if run.status == ActionStatus::Failed => Some((s.clone(), true)),
        (None, Some(s)) => Some((s.clone(), false)),
        (None, None) => None,
    }
}

fn cells(state: &State, row: &RunRow<'_>) -> Vec<Line<'static>> {
    let (glyph, style) = action(row.run.map(|r| r.status));
    let Some(run) = row.run else {
        return vec![
            Line::from(row.stage.to_string()),
            Line::from(row.action.to_string()),
            Line::from(Span::styled(format!("{glyph} not run"), DIM)),
        ];
    };
    let said = said(run).map_or_else(Line::default, |(text, bad)| {
        Line::from(Span::styled(text, if bad { RED } else { DIM }))
    });
    vec![
        Line::from(row.stage.to_string()),
        Line::from(row.action.to_string()),
        Line::from(Span::styled(
            format!("{glyph} {}", run.status.as_str()),
            style,
        )),
        Line::from(run.start.short()),
        Line::from(took(state, run)),
        Line::from(
            run.updated_by
                .as_deref()
                .map_or("—", short_identity)
                .to_string(),
        ),
        said,
    ]
}

/// The action's declaration in the environment's definition, if known.
fn action_def<'a>(state: &'a State, row: &RunRow<'_>) -> Option<&'a crate::domain::ActionDef> {
    let def = state.execution_def()?;
    let stage = def.stages.iter().find(|s| s.name == row.stage)?;
    stage.actions.iter().find(|a| a.name == row.action)
}

/// The category of an action in the environment's definition, if known.
fn category(state: &State, row: &RunRow<'_>) -> Option<ActionCategory> {
    action_def(state, row).map(|a| a.category)
}

/// `name` in the names' column and `value` wrapped beside it.
fn field(out: &mut Vec<Line<'static>>, name: &str, value: &str, style: Style, width: usize) {
    pane::field(out, name, NAME, value, style, width);
}

/// Who answered an approval, from its run: approved or rejected by whom, or why no one did. A
/// failed run that no one answered and that waited its whole `timeout` expired.
fn answer(run: &ActionExecutionDetail, timeout: Option<crate::domain::Millis>) -> (String, Style) {
    let by = run.updated_by.clone();
    let waited = run.last_update.since(run.start);
    match (run.status, by) {
        (ActionStatus::Succeeded, Some(by)) => (format!("approved by {by}"), Style::new()),
        (ActionStatus::Succeeded, None) => ("approved".into(), Style::new()),
        (ActionStatus::Failed, Some(by)) => (format!("rejected by {by}"), RED),
        (ActionStatus::Failed, None) if timeout.is_some_and(|t| waited >= t) => (
            format!("expired unanswered after {}", crate::domain::human(waited)),
            RED,
        ),
        (ActionStatus::Failed, None) => ("not approved (rejected, expired or failed)".into(), RED),
        (ActionStatus::InProgress, _) => ("waiting for an answer".into(), Style::new()),
        (ActionStatus::Abandoned, _) => ("abandoned by a stop".into(), DIM),
    }
}

/// The selected row in full, as rows of `width` cells.
pub fn pane_lines(state: &State, row: &RunRow<'_>, width: usize) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut out = vec![Line::from(Span::styled(
        format!("{} / {}", row.stage, row.action),
        bold,
    ))];
    let Some(run) = row.run else {
        out.push(Line::from(Span::styled(
            "did not run in this execution",
            DIM,
        )));
        return out;
    };
    let (_, style) = action(Some(run.status));
    field(&mut out, "status", run.status.as_str(), style, width);
    if category(state, row) == Some(ActionCategory::Approval) {
        let timeout = action_def(state, row).map(crate::domain::ActionDef::approval_timeout);
        let (text, style) = answer(run, timeout);
        field(&mut out, "answer", &text, style, width);
        let comment = run.summary.as_deref().unwrap_or("(none)");
        field(&mut out, "comment", comment, Style::new(), width);
    } else {
        if let Some(by) = &run.updated_by {
            field(&mut out, "by", by, Style::new(), width);
        }
        // A failed run's summary is often its error's message: said once.
        let repeated = |s: &String| run.error.as_ref().is_some_and(|e| e.message == *s);
        if let Some(summary) = run.summary.as_ref().filter(|s| !repeated(s)) {
            field(&mut out, "summary", summary, Style::new(), width);
        }
    }
    if let Some(e) = &run.error {
        field(
            &mut out,
            "error",
            &format!("{}: {}", e.code, e.message),
            RED,
            width,
        );
    }
    let stamp = |t: Timestamp| t.rfc3339();
    field(&mut out, "started", &stamp(run.start), Style::new(), width);
    field(
        &mut out,
        "updated",
        &stamp(run.last_update),
        Style::new(),
        width,
    );
    field(&mut out, "took", &took(state, run), Style::new(), width);
    let env = state.execution.as_ref().map_or(state.selected, |d| d.env);
    if let Some((group, stream)) = state.build_log_of(env, run) {
        let text = format!("{group} · {stream}");
        field(&mut out, "build log", &text, Style::new(), width);
    }
    if let Some(url) = &run.external_execution_url {
        field(&mut out, "link", url, DIM, width);
    }
    field(&mut out, "run id", &run.action_execution_id, DIM, width);
    out
}

/// Draws the execution detail into the body.
pub fn render(frame: &mut Frame, state: &State, d: &ExecutionDetail, inner: Rect) {
    let rows = state.execution_rows();
    let (head, list, pane) = layout(inner, rows.len());
    let mut lines = head_lines(state, current(state, d));
    lines.push(variables_line(d));
    frame.render_widget(Paragraph::new(lines), head);
    let why = match &d.runs {
        None => Some(Span::styled(
            format!(
                "Reading the action runs of execution {} (ListActionExecutions)…",
                d.execution.id
            ),
            DIM,
        )),
        Some(Err(e)) => Some(Span::styled(
            format!(
                "Action runs unknown: they could not be read ({e}); a refresh reads them again"
            ),
            RED,
        )),
        Some(Ok(_)) => None,
    };
    if let Some(why) = why {
        let below_head = Rect {
            y: head.bottom(),
            height: inner.height - head.height,
            ..inner
        };
        let p = Paragraph::new(Line::from(why)).wrap(Wrap { trim: true });
        frame.render_widget(p, below_head);
        return;
    }
    let Some(geom) = geometry(state, inner) else {
        let msg = "No action ran in this execution (and the pipeline's definition is unknown).";
        frame.render_widget(Paragraph::new(Span::styled(msg, DIM)), list);
        return;
    };
    table::render(frame, list, &COLUMNS, &geom, Some(d.row), |i| {
        rows.get(i).map(|r| cells(state, r)).unwrap_or_default()
    });
    let Some(row) = rows.get(d.row) else {
        return;
    };
    if pane.height == 0 || pane.width == 0 {
        return;
    }
    let inside = side_pane(
        frame,
        pane,
        " run detail ".to_string(),
        Style::new().add_modifier(Modifier::BOLD),
    );
    let lines = pane_lines(state, row, usize::from(inside.width));
    let (total, height) = (lines.len(), usize::from(inside.height));
    let (shown, first) = window(lines, state.pane_offset(), height);
    frame.render_widget(Paragraph::new(shown), inside);
    scroll_note(frame, pane, first, height, total, true);
}

/// The run pane on screen: the area inside its frame and how many rows the selected run takes
/// there.
pub fn pane(state: &State, inner: Rect) -> Option<(Rect, usize)> {
    let d = state.execution.as_ref()?;
    let rows = state.execution_rows();
    let row = rows.get(d.row)?;
    let area = layout(inner, rows.len()).2;
    let inside = side_inner(area);
    (inside.height > 0 && inside.width > 0).then(|| {
        (
            inside,
            pane_lines(state, row, usize::from(inside.width)).len(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DEFAULT_APPROVAL_TIMEOUT, Timestamp};

    fn run(waited: crate::domain::Millis, by: Option<&str>) -> ActionExecutionDetail {
        let start = Timestamp(1_795_597_200_000);
        ActionExecutionDetail {
            pipeline_execution_id: "e-1".into(),
            action_execution_id: "a-1".into(),
            stage: "Approval".into(),
            action: "ApproveRelease".into(),
            status: ActionStatus::Failed,
            start,
            last_update: start + waited,
            updated_by: by.map(str::to_string),
            summary: None,
            external_execution_url: None,
            external_execution_id: None,
            log_stream_arn: None,
            error: None,
        }
    }

    #[test]
    fn an_approval_no_one_answered_within_its_timeout_expired() {
        let week = Some(DEFAULT_APPROVAL_TIMEOUT);
        let expired = answer(&run(DEFAULT_APPROVAL_TIMEOUT, None), week).0;
        assert_eq!(expired, "expired unanswered after 7d 00h");
        // Failed sooner, or with the timeout unknown: not said to have expired.
        let sooner = answer(&run(Timestamp::HOUR, None), week).0;
        assert_eq!(sooner, "not approved (rejected, expired or failed)");
        let unknown = answer(&run(DEFAULT_APPROVAL_TIMEOUT, None), None).0;
        assert_eq!(unknown, "not approved (rejected, expired or failed)");
        let by = answer(&run(Timestamp::HOUR, Some("alice")), week).0;
        assert_eq!(by, "rejected by alice");
    }
}
