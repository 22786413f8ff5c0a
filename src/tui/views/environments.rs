//! The home view: one row per environment with its release, health, approval, CDN, lag and markers.

use super::rows_below_header;
use crate::app::{Deployed, EnvSummary, EnvView, Lag, State, deploy_failure, newest_failure};
use crate::domain::{DeployerCheck, human};
use crate::tui::panes::{environment, glance};
use crate::tui::widgets::status::{DIM, FROZEN, STALE, env_label, env_name_style, health};
use crate::tui::widgets::table::{self, Col, ListGeom};
use crate::tui::widgets::text::{ellipsize, fit_line, width};
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
    if !state.accounts.shared() {
        // Environments in several accounts: each row's account, by its last digits (the
        // header and the detail panel show it whole).
        cols.insert(1, Col::fixed("ACCT", 5, 3));
    }
    cols
}

/// The ACCT cell: the last four digits of the environment's account; `?` when its identity
/// could not be read, `…` until it is.
fn account(state: &State, index: usize) -> Line<'static> {
    match (state.accounts.who(index), state.accounts.unknown(index)) {
        (Some(who), _) => {
            let tail = who.account.len().saturating_sub(4);
            Line::from(format!("…{}", who.account.get(tail..).unwrap_or_default()))
        }
        (None, Some(_)) => Line::from(Span::styled("?", Style::new().fg(Color::Red))),
        (None, None) => Line::from(Span::styled("…", DIM)),
    }
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

/// What the body holds: the table, under it each environment at a glance (as much as fits, in
/// priority order), and the selected environment's detail panel at the bottom.
struct Layout {
    table: Rect,
    /// The rule line over the glances, when there is room for it.
    rule: Option<Rect>,
    blocks: Vec<Block>,
    panel: Rect,
}

/// One environment's glance and the rows each part takes (0: left out).
#[derive(Debug, Clone, Copy, Default)]
struct Block {
    env: usize,
    strip: bool,
    held: usize,
    impact: bool,
    numbers: bool,
    sparks: u16,
    gap: bool,
}

/// Rows of the sparklines when there is room to spare.
const TALL_SPARKS: u16 = 3;
/// Rows the sparklines grow by at most beyond [`TALL_SPARKS`] when nothing else needs them.
const MORE_SPARKS: u16 = 3;

/// Lays the body out. The table comes first; then, level by level while each fits whole: every
/// environment's stage strip, what is queued or held, the newest deploy's impact, the
/// sparklines, the spacing, the detail panel, the impact numbers and taller sparklines.
fn layout(state: &State, inner: Rect) -> Layout {
    let visible = state.visible_envs();
    let rows = u16::try_from(visible.len()).unwrap_or(u16::MAX);
    let table = Rect {
        height: inner.height.min(rows.saturating_add(1)),
        ..inner
    };
    let mut room = inner.height - table.height;
    let mut blocks: Vec<Block> = visible
        .iter()
        .map(|&env| Block {
            env,
            ..Block::default()
        })
        .collect();
    for b in blocks.iter_mut().take(usize::from(room)) {
        b.strip = true;
        room -= 1;
    }
    let held: Vec<usize> = visible
        .iter()
        .map(|&i| glance::held(state, i, usize::MAX).len())
        .collect();
    let numbers: Vec<bool> = visible
        .iter()
        .map(|&i| glance::numbers(state, i, usize::MAX).is_some())
        .collect();
    // Only a glance read has sparklines to draw taller.
    let read: Vec<bool> = visible
        .iter()
        .map(|&i| state.envs.get(i).is_some_and(|e| e.glance.is_some()))
        .collect();
    let n = blocks.len();
    let count = |k: usize| u16::try_from(k).unwrap_or(u16::MAX);
    let mut rule = false;
    let mut panel = 0;
    // Each level's cost in rows, in priority order.
    let costs = [
        count(held.iter().sum()),
        count(n),
        count(n),
        count(n),
        environment::HEIGHT,
        count(numbers.iter().filter(|&&x| x).count()),
        count(read.iter().filter(|&&x| x).count()) * (TALL_SPARKS - 1),
    ];
    let all = blocks.iter().all(|b| b.strip);
    for (level, cost) in costs.into_iter().enumerate() {
        if !all || cost > room {
            break;
        }
        room -= cost;
        let last = n.saturating_sub(1);
        for (i, b) in blocks.iter_mut().enumerate() {
            match level {
                0 => b.held = held[i],
                1 => b.impact = true,
                2 => b.sparks = 1,
                3 => b.gap = i < last,
                5 => b.numbers = numbers[i],
                6 if read[i] => b.sparks = TALL_SPARKS,
                _ => {}
            }
        }
        match level {
            3 => rule = true,
            4 => panel = environment::HEIGHT,
            _ => {}
        }
    }
    // Rows left over make the sparklines read taller still.
    let tall = read.iter().filter(|&&x| x).count();
    if let Some(extra) = usize::from(room).checked_div(tall)
        && blocks.iter().any(|b| b.sparks == TALL_SPARKS)
    {
        let extra = count(extra).min(MORE_SPARKS);
        for b in blocks.iter_mut().filter(|b| b.sparks == TALL_SPARKS) {
            b.sparks += extra;
        }
    }
    blocks.retain(|b| b.strip);
    let rule = rule.then(|| Rect {
        y: table.bottom(),
        height: 1,
        ..inner
    });
    Layout {
        table,
        rule,
        blocks,
        panel: Rect {
            y: inner.bottom() - panel,
            height: panel,
            ..inner
        },
    }
}

/// Where the rows are: the table header takes the first line of the body.
pub fn geometry(state: &State, inner: Rect) -> ListGeom {
    let visible = state.visible_envs();
    let selected = visible.iter().position(|&i| i == state.selected);
    let table = layout(state, inner).table;
    ListGeom::new(rows_below_header(table), visible.len(), selected)
}

fn dash() -> Line<'static> {
    Line::from(Span::styled("—", DIM))
}

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

/// The markers column: frozen, stale or throttled, loading, then why the newest execution
/// failed (or the deploy that failed since what runs), the deployer image and the lag's reason.
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
    } else if let (Some(pause), Some(at)) = (state.pause_of(index), env.refreshed_at) {
        // Polls are paused for the credentials: what shows is as old as its last read.
        let age = human(state.now.since(at.min(pause.since)));
        spans.push(Span::styled(format!("paused, {age} old"), STALE));
        spans.push(Span::raw(" "));
    } else if env.refreshed_at.is_none() {
        spans.push(Span::styled("loading… ", DIM));
    }
    if let Some(why) = newest_failure(env) {
        spans.push(Span::styled(why, Style::new().fg(Color::Red)));
    } else if let Some(failed) = deploy_failure(env) {
        // What runs is older than what was last tried: the detail pane says why.
        spans.push(Span::styled(
            format!("{} ", failed.short(state.now)),
            Style::new().fg(Color::Red),
        ));
    }
    match state.deployer(index) {
        // Which image runs and which is newest (cut with … where the column is narrow); the
        // detail pane says which image and since when.
        Some(DeployerCheck::Stale { runs, newest, .. }) => {
            spans.push(Span::styled(
                format!("⚠ deployer {runs} < {newest} "),
                Style::new().fg(Color::Yellow),
            ));
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
    if !state.accounts.shared() {
        cells.insert(1, account(state, index));
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
    let l = layout(state, inner);
    table::render(frame, l.table, &cols, &geom, selected, |row| {
        visible
            .get(row)
            .map(|&i| cells(state, i))
            .unwrap_or_default()
    });
    if let Some(rule) = l.rule {
        let text = "── at a glance: pipeline, queue, newest deploy's impact, traffic ";
        let fill = usize::from(rule.width).saturating_sub(width(text));
        let text = format!("{text}{}", "─".repeat(fill));
        frame.render_widget(
            Paragraph::new(Span::styled(ellipsize(&text, usize::from(rule.width)), DIM)),
            rule,
        );
    }
    let mut y = l.rule.map_or(l.table.bottom(), |r| r.bottom());
    let w = usize::from(inner.width);
    for b in &l.blocks {
        let line = |frame: &mut Frame, text: Line<'static>, y: &mut u16| {
            frame.render_widget(
                Paragraph::new(fit_line(text, w)),
                Rect::new(inner.x, *y, inner.width, 1),
            );
            *y += 1;
        };
        line(frame, glance::strip(state, b.env, w), &mut y);
        for h in glance::held(state, b.env, w).into_iter().take(b.held) {
            line(frame, h, &mut y);
        }
        if b.impact {
            line(frame, glance::impact(state, b.env, w), &mut y);
        }
        if b.numbers
            && let Some(n) = glance::numbers(state, b.env, w)
        {
            line(frame, n, &mut y);
        }
        if b.sparks > 0 {
            let area = Rect::new(inner.x, y, inner.width, b.sparks);
            glance::render_sparks(frame, state, b.env, area);
            y += b.sparks;
        }
        y += u16::from(b.gap);
    }
    environment::render(frame, state, l.panel);
}
