//! The home view: one row per environment with its release, health, approval, CDN, lag and markers.

use super::rows_below_header;
use crate::app::{Deployed, EnvSummary, EnvView, Lag, State};
use crate::domain::{ActionStatus, DeployerCheck, ExecutionStatus, StageStatus, human};
use crate::tui::panes::environment;
use crate::tui::widgets::status::{DIM, FROZEN, STALE, env_label, env_name_style, health};
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::width;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The columns in display order; lower priority numbers survive narrow terminals. MAIN (the
/// lag behind GitHub's `main`) only with `[github]`; it gives way first (not at 80 columns).
fn columns(state: &State) -> Vec<Col> {
    let name = state
        .envs
        .iter()
        .map(|e| width(&env_label(&e.spec.name, e.spec.protected)))
        .max()
        .unwrap_or(0)
        .max(3);
    let mut cols = vec![
        Col::fixed("ENV", u16::try_from(name).unwrap_or(12).min(12), 0),
        Col::fixed("VERSION", 15, 1),
        Col::fixed("HEALTH", 19, 2),
        Col::fixed("STAGE", 10, 7),
        Col::fixed("WAITING", 8, 5),
        Col::fixed("CDN", 10, 8),
        Col::fixed("DEPLOYED", 11, 6),
        Col::fixed("LAG", 13, 4),
        Col::fixed("MAIN", 10, 9),
        Col::fill("NOTES", 12, 3),
    ];
    if !github(state) {
        cols.retain(|c| c.title != "MAIN");
    }
    cols
}

/// Whether GitHub is configured (the MAIN column shows).
fn github(state: &State) -> bool {
    !state.runs.workflows.is_empty()
}

/// Body title.
pub fn title(state: &State) -> String {
    let shown = state.visible_envs().len();
    if state.filter.is_empty() {
        format!("Environments ({shown})")
    } else {
        format!("Environments ({shown} of {})", state.envs.len())
    }
}

/// The table and the detail panel (empty when there is no room for it).
fn split(state: &State, inner: Rect) -> (Rect, Rect) {
    let rows = u16::try_from(state.envs.len()).unwrap_or(u16::MAX);
    let detail = if inner.height >= rows.saturating_add(2 + environment::HEIGHT) {
        environment::HEIGHT
    } else {
        0
    };
    let table = Rect {
        height: inner.height - detail,
        ..inner
    };
    let panel = Rect {
        y: table.bottom(),
        height: detail,
        ..inner
    };
    (table, panel)
}

/// Where the rows are: the table header takes the first line of the body.
pub fn geometry(state: &State, inner: Rect) -> ListGeom {
    let visible = state.visible_envs();
    let selected = visible.iter().position(|&i| i == state.selected);
    let table = split(state, inner).0;
    ListGeom::new(rows_below_header(table), visible.len(), selected)
}

fn dash() -> Line<'static> {
    Line::from(Span::styled("—", DIM))
}

/// Why the environment's newest execution failed, if it did: the stage it failed in and the
/// failed action's error (else the execution's own summary).
pub fn failure(env: &EnvView) -> Option<String> {
    let e = env
        .executions
        .first()
        .filter(|e| e.status == ExecutionStatus::Failed)?;
    let stage = env.state.as_ref().and_then(|s| {
        s.stages.iter().find(|st| {
            st.latest
                .as_ref()
                .is_some_and(|l| l.pipeline_execution_id == e.id && l.status == StageStatus::Failed)
        })
    });
    let error = stage.and_then(|st| {
        st.actions.iter().find_map(|a| {
            let l = a
                .latest
                .as_ref()
                .filter(|l| l.status == ActionStatus::Failed)?;
            match (&l.error, &l.summary) {
                (Some(err), _) => Some(format!("{}: {}", err.code, err.message)),
                (None, Some(summary)) => Some(summary.clone()),
                (None, None) => None,
            }
        })
    });
    let why = error.or_else(|| e.status_summary.clone());
    Some(match (stage, why) {
        (Some(st), Some(why)) => format!("failed in {}: {why}", st.name),
        (Some(st), None) => format!("failed in {} (no reason given)", st.name),
        (None, Some(why)) => format!("failed: {why}"),
        (None, None) => "failed (no reason given)".to_string(),
    })
}

/// The markers column: frozen, stale or throttled, loading, then why the newest execution
/// failed.
/// The MAIN cell: how many commits the environment's commit lags `main`.
fn main_lag(lag: Lag) -> Line<'static> {
    match lag {
        Lag::None => Line::default(),
        Lag::Reading => Line::from(Span::styled("…", DIM)),
        Lag::Behind(0) => Line::from(Span::styled("up to date", Style::new().fg(Color::Green))),
        Lag::Behind(n) => Line::from(Span::styled(
            format!("{n} behind"),
            Style::new().fg(Color::Yellow),
        )),
        Lag::NotInRepository => Line::from(Span::styled("not in repo", DIM)),
        Lag::Unknown(_) => Line::from(Span::styled("unknown", Style::new().fg(Color::Red))),
    }
}

fn notes(state: &State, env: &EnvView, s: &EnvSummary, index: usize) -> Line<'static> {
    let mut spans = Vec::new();
    if let Some((stage, _)) = &s.frozen {
        spans.push(Span::styled(format!("❄ frozen {stage}"), FROZEN));
        spans.push(Span::raw(" "));
    }
    if let Some(stale) = &env.refresh.error {
        let word = if stale.throttled {
            "throttled"
        } else {
            "stale"
        };
        let age = human(state.now.since(stale.since));
        spans.push(Span::styled(format!("{word} {age}"), STALE));
        spans.push(Span::raw(" "));
    } else if let (Some(pause), Some(at)) = (&state.credentials, env.refreshed_at) {
        // Polls are paused for the credentials: what shows is as old as its last read.
        let age = human(state.now.since(at.min(pause.since)));
        spans.push(Span::styled(format!("paused, {age} old"), STALE));
        spans.push(Span::raw(" "));
    } else if env.refreshed_at.is_none() {
        spans.push(Span::styled("loading… ", DIM));
    }
    if let Some(why) = failure(env) {
        spans.push(Span::styled(why, Style::new().fg(Color::Red)));
    }
    match state.deployer(index) {
        // Short enough for 80 columns; the detail pane says which image and since when.
        Some(DeployerCheck::Stale { .. }) => {
            spans.push(Span::styled("⚠ deployer ", Style::new().fg(Color::Yellow)));
        }
        Some(DeployerCheck::Unknown(_)) => {
            spans.push(Span::styled("deployer ? ", Style::new().fg(Color::Red)));
        }
        Some(DeployerCheck::Current { .. } | DeployerCheck::NoProject(_)) | None => {}
    }
    if let Lag::Unknown(why) = state.main_lag(index) {
        spans.push(Span::styled(
            format!("lag behind main unknown: {why}"),
            Style::new().fg(Color::Red),
        ));
    }
    Line::from(spans)
}

fn cells(state: &State, index: usize) -> Vec<Line<'static>> {
    let (Some(env), Some(s)) = (state.envs.get(index), state.summary(index)) else {
        return Vec::new();
    };
    let (glyph, style) = health(s.health);
    let version = match &s.deployed {
        Deployed::Execution(_, Some(r)) => Line::from(vec![
            Span::raw(format!("{} ", r.version)),
            Span::styled(r.short_commit().to_string(), DIM),
        ]),
        Deployed::SourceObject(r) => Line::from(vec![
            Span::styled("source ", DIM),
            Span::raw(r.version.to_string()),
        ]),
        Deployed::Unknown(_) => Line::from(Span::styled("unknown", Style::new().fg(Color::Red))),
        other => Line::from(Span::styled(other.version_text(), DIM)),
    };
    let unknown = || Line::from(Span::styled("unknown", Style::new().fg(Color::Red)));
    let waiting = match s.approval_since {
        Some(t) => Line::from(Span::styled(
            human(state.now.since(t)),
            Style::new().fg(Color::LightYellow),
        )),
        // The pipeline state was never read: whether an approval waits is unknown.
        None if env.approvals_known().is_err() && env.refreshed_at.is_some() => unknown(),
        None => dash(),
    };
    let cdn = s.distribution_status.as_deref().map_or_else(
        || {
            if env.distribution_error.is_some() {
                unknown()
            } else {
                dash()
            }
        },
        |d| {
            let style = match d {
                "Deployed" => Style::new().fg(Color::Green),
                _ => Style::new().fg(Color::Blue),
            };
            Line::from(Span::styled(d.to_string(), style))
        },
    );
    let deployed = s.last_deploy.map_or_else(dash, |t| {
        Line::from(format!("{} ago", human(state.now.since(t))))
    });
    let lag = match &s.behind {
        Some((0, _)) => Line::from(Span::styled("up to date", Style::new().fg(Color::Green))),
        Some((n, from)) => Line::from(Span::styled(
            format!("{n} behind {from}"),
            Style::new().fg(Color::Yellow),
        )),
        None if s.behind_unknown.is_some() => unknown(),
        None => dash(),
    };
    let mut cells = vec![
        Line::from(Span::styled(
            env_label(&s.name, s.protected),
            env_name_style(s.protected),
        )),
        version,
        Line::from(Span::styled(format!("{glyph} {}", s.health.label()), style)),
        s.current_stage.clone().map_or_else(dash, Line::from),
        waiting,
        cdn,
        deployed,
        lag,
        main_lag(state.main_lag(index)),
        notes(state, env, &s, index),
    ];
    if !github(state) {
        cells.remove(8);
    }
    cells
}

/// Draws the environments table.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    let visible = state.visible_envs();
    if visible.is_empty() {
        let msg = if state.envs.is_empty() {
            "No environments configured.".to_string()
        } else {
            format!("No environment matches the filter `{}`.", state.filter)
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, DIM)), inner);
        return;
    }
    let geom = geometry(state, inner);
    let selected = visible.iter().position(|&i| i == state.selected);
    let cols = columns(state);
    let (list, panel) = split(state, inner);
    table::render(frame, list, &cols, &geom, selected, |row| {
        visible
            .get(row)
            .map(|&i| cells(state, i))
            .unwrap_or_default()
    });
    environment::render(frame, state, panel);
}
