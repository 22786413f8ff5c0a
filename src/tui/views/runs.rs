//! The Runs view: the recent GitHub Actions runs of the deploy and release workflows, newest
//! first — status, branch, commit, actor, event, start, duration and where a failed run failed —
//! and one run's jobs and steps once opened. A workflow whose runs could not be read says so
//! (unknown, with the reason); without a token, a read-only hint.

use super::rows_below_header;
use crate::app::State;
use crate::app::runs::{ListedRun, OpenRun};
use crate::domain::github::{Conclusion, Job, RunStatus, WorkflowRun};
use crate::domain::human;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::fit_line;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The columns in display order; lower priority numbers survive narrow terminals.
const COLUMNS: [Col; 11] = [
    Col::fixed("RUN ID", 10, 8),
    Col::fixed("WORKFLOW", 11, 1),
    Col::fixed("#", 4, 2),
    Col::fixed("STATUS", 11, 0),
    Col::fixed("BRANCH", 8, 6),
    Col::fixed("COMMIT", 7, 3),
    Col::fixed("ACTOR", 8, 7),
    Col::fixed("EVENT", 17, 9),
    Col::fixed("STARTED", 11, 4),
    Col::fixed("DURATION", 8, 5),
    // `build › Run npm run lint` and `… build` differ at their ends.
    Col::fill("FAILED AT", 14, 2).cut_middle(),
];

/// Body title: the repository, how many runs, and whether a read is under way.
pub fn title(state: &State) -> String {
    let r = &state.runs;
    if r.workflows.is_empty() {
        return "Runs · GitHub is not configured".into();
    }
    let loading = if r.loading.is_some() {
        " · reading…"
    } else {
        ""
    };
    let repo = r
        .read
        .as_ref()
        .map_or("GitHub Actions", |read| read.repository.as_str());
    match (&r.open, r.rows().len()) {
        (Some(o), _) => format!("Runs · {repo} · run {}{loading}", o.run_id),
        (None, n) => format!("Runs · {repo} · {n} runs{loading}"),
    }
}

fn state_text(run: &WorkflowRun) -> String {
    run.conclusion
        .as_ref()
        .map_or_else(|| run.status.to_string(), ToString::to_string)
}

fn state_style(conclusion: Option<&Conclusion>, status: &RunStatus) -> Style {
    match conclusion {
        Some(Conclusion::Success) => Style::new().fg(Color::Green),
        Some(c) if c.is_failure() => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        Some(_) => Style::new().fg(Color::Yellow),
        None if *status == RunStatus::InProgress => Style::new().fg(Color::Cyan),
        None => DIM,
    }
}

/// Where a failed run failed: `build › Run npm test`, unknown with the reason, or `-`.
fn failed_cell(r: &ListedRun) -> String {
    match &r.jobs {
        Some(Ok(jobs)) => jobs
            .iter()
            .find(|j| j.conclusion.as_ref().is_some_and(Conclusion::is_failure))
            .map_or_else(
                || "-".to_string(),
                |j| match j.failed_step() {
                    Some(s) => format!("{} › {}", j.name, s.name),
                    None => j.name.clone(),
                },
            ),
        Some(Err(e)) => format!("unknown ({e})"),
        None => "-".into(),
    }
}

/// Lines above the list: the hold of GitHub's rate limit when another read met it, the
/// workflows that could not be read, and the read-only hint.
fn notes(state: &State) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let runs = &state.runs;
    if let Some(until) = runs.limited_until.filter(|_| runs.limited(state.now))
        && runs.read.as_ref().is_none_or(|r| r.limited_until.is_none())
    {
        out.push(Line::from(Span::styled(
            format!(
                "GitHub rate limit: resets at {} UTC; the runs are read again then",
                until.clock().get(..5).unwrap_or("--:--")
            ),
            Style::new().fg(Color::Yellow),
        )));
    }
    let Some(read) = &state.runs.read else {
        return out;
    };
    for (workflow, runs) in &read.workflows {
        if let Err(e) = runs {
            out.push(Line::from(Span::styled(
                format!("{workflow}: runs unknown: {e}"),
                Style::new().fg(Color::Red),
            )));
        }
    }
    if let Err(hint) = &read.writable {
        out.push(Line::from(Span::styled(
            format!("read-only: {hint} (to re-run or cancel runs)"),
            Style::new().fg(Color::Yellow),
        )));
    }
    out
}

/// Draws the list of runs, or the open run's jobs and steps.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    let r = &state.runs;
    if r.workflows.is_empty() {
        let p = Paragraph::new(Line::from(Span::styled(
            "GitHub is not configured: add a [github] table with repository = \"owner/name\" \
             (see \"Connecting GitHub\" in the README) to see the deploy and release runs here.",
            DIM,
        )))
        .wrap(Wrap { trim: true });
        frame.render_widget(p, inner);
        return;
    }
    if let Some(open) = &r.open {
        render_open(frame, state, open, inner);
        return;
    }
    let notes = notes(state);
    let [top, list_area] =
        Layout::vertical([Constraint::Length(notes.len() as u16), Constraint::Min(0)]).areas(inner);
    let notes: Vec<Line> = notes
        .into_iter()
        .map(|line| fit_line(line, usize::from(top.width)))
        .collect();
    frame.render_widget(Paragraph::new(notes), top);
    let rows = r.rows();
    if rows.is_empty() {
        let text = match (&r.read, r.loading) {
            (None, _) | (_, Some(_)) => "reading the runs…",
            (Some(_), None) => "no runs of the deploy or release workflow yet",
        };
        frame.render_widget(Paragraph::new(Span::styled(text, DIM)), list_area);
        return;
    }
    let selected = r.row.min(rows.len().saturating_sub(1));
    let geom = ListGeom::new(rows_below_header(list_area), rows.len(), Some(selected));
    table::render(frame, list_area, &COLUMNS, &geom, Some(selected), |i| {
        let Some(row) = rows.get(i) else {
            return Vec::new();
        };
        let run = &row.run;
        vec![
            Line::from(run.id.to_string()),
            Line::from(run.workflow.clone()),
            Line::from(run.run_number.to_string()),
            Line::from(Span::styled(
                state_text(run),
                state_style(run.conclusion.as_ref(), &run.status),
            )),
            Line::from(run.branch.clone()),
            Line::from(run.short_sha().to_string()),
            Line::from(run.actor.clone()),
            Line::from(run.event.clone()),
            Line::from(run.run_started_at.map_or_else(|| "-".to_string(), started)),
            Line::from(
                run.duration(state.now)
                    .map_or_else(|| "-".to_string(), human),
            ),
            Line::from(failed_cell(row)),
        ]
    });
}

/// `11-25 08:59` of a time.
fn started(t: crate::domain::Timestamp) -> String {
    let text = t.rfc3339();
    text.get(5..16)
        .map_or(text.clone(), |s| s.replace('T', " "))
}

/// The open run: its facts, then each job with its steps.
fn render_open(frame: &mut Frame, state: &State, open: &OpenRun, inner: Rect) {
    let run = state
        .runs
        .rows()
        .into_iter()
        .find(|r| r.run.id == open.run_id)
        .map(|r| r.run.clone());
    let mut lines = Vec::new();
    if let Some(run) = &run {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} #{} ", run.workflow, run.run_number),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                state_text(run),
                state_style(run.conclusion.as_ref(), &run.status),
            ),
            Span::raw(format!(
                " · {} at {} · {} by {} · attempt {}",
                run.branch,
                run.short_sha(),
                run.event,
                run.actor,
                run.run_attempt
            )),
        ]));
        lines.push(Line::from(Span::styled(run.html_url.clone(), DIM)));
    }
    match &open.jobs {
        None => lines.push(Line::from(Span::styled("reading the jobs…", DIM))),
        Some(Err(e)) => lines.push(Line::from(Span::styled(
            format!("jobs unknown: {e}"),
            Style::new().fg(Color::Red),
        ))),
        Some(Ok(jobs)) if jobs.is_empty() => {
            lines.push(Line::from(Span::styled("no jobs yet", DIM)))
        }
        Some(Ok(jobs)) => {
            for (i, job) in jobs.iter().enumerate() {
                lines.extend(job_lines(job, state, i == open.job));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// A job's line (marked when selected: Enter opens its log) and its steps.
fn job_lines(job: &Job, state: &State, selected: bool) -> Vec<Line<'static>> {
    let took = match (job.started_at, job.completed_at) {
        (Some(s), Some(e)) => format!(" · {}", human(e.since(s).max(0))),
        (Some(s), None) => format!(" · {} so far", human(state.now.since(s).max(0))),
        _ => String::new(),
    };
    let state_of = |c: Option<&Conclusion>, s: &RunStatus| {
        c.map_or_else(|| s.to_string(), ToString::to_string)
    };
    let name = Span::styled(
        format!("{}{} ", if selected { "▸ " } else { "  " }, job.name),
        if selected {
            crate::tui::widgets::status::SELECTED
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        },
    );
    let mut out = vec![Line::from(vec![
        name,
        Span::styled(
            state_of(job.conclusion.as_ref(), &job.status),
            state_style(job.conclusion.as_ref(), &job.status),
        ),
        Span::raw(took),
    ])];
    for step in &job.steps {
        out.push(Line::from(vec![
            Span::raw(format!("    {:>2}. {} ", step.number, step.name)),
            Span::styled(
                state_of(step.conclusion.as_ref(), &step.status),
                state_style(step.conclusion.as_ref(), &step.status),
            ),
        ]));
    }
    out
}
