//! One environment at a glance under the home table: its pipeline as a strip of stages, what is
//! queued or held, the newest deploy's impact and the requests/5xx sparklines of the access logs.

use crate::accesslog::impact::{Impact, Verdict, WARMUP};
use crate::app::{DeployImpact, Deployed, EnvView, Glance, State};
use crate::domain::{
    ActionCategory, ActionStatus, ConditionKind, ConditionStatus, StageState, StageStatus,
    Timestamp, condition_views, human,
};
use crate::tui::panes::impact::verdict_style;
use crate::tui::widgets::status::{DIM, FROZEN, STALE, env_label, env_name_style, stage};
use crate::tui::widgets::text::{ellipsize, short_id, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

/// Lines of queued and held executions shown at most per environment.
pub const HELD_LINES: usize = 3;

const RED: Style = Style::new().fg(Color::Red);

/// The glyph of a stage's latest run in the strip.
fn stage_glyph(s: Option<StageStatus>) -> &'static str {
    match s {
        None => "○",
        Some(StageStatus::InProgress | StageStatus::Stopping) => "●",
        Some(StageStatus::Succeeded) => "✔",
        Some(StageStatus::Failed) => "✖",
        Some(StageStatus::Skipped) => "↷",
        Some(StageStatus::Cancelled | StageStatus::Stopped) => "■",
    }
}

/// Whether an approval action of the stage waits for an answer.
fn approval_waits(env: &EnvView, st: &StageState) -> bool {
    let def = env
        .def
        .as_ref()
        .and_then(|d| d.stages.iter().find(|s| s.name == st.name));
    st.actions.iter().any(|a| {
        a.latest
            .as_ref()
            .is_some_and(|l| l.status == ActionStatus::InProgress)
            && def.is_some_and(|d| {
                d.actions
                    .iter()
                    .any(|x| x.name == a.name && x.category == ActionCategory::Approval)
            })
    })
}

/// Whether a condition of the stage holds it (entry in progress) or fails it.
fn condition_mark(env: &EnvView, st: &StageState) -> Option<(&'static str, Style)> {
    let def = env
        .def
        .as_ref()
        .and_then(|d| d.stages.iter().find(|s| s.name == st.name));
    let views = condition_views(def.map_or(&[][..], |d| &d.conditions), &st.conditions);
    let held = views.iter().any(|c| {
        c.kind == ConditionKind::BeforeEntry && c.status == Some(ConditionStatus::InProgress)
    });
    let failed = views.iter().any(|c| {
        matches!(
            c.status,
            Some(ConditionStatus::Failed | ConditionStatus::Errored)
        )
    });
    if held {
        Some(("⏸", STALE))
    } else if failed {
        Some(("◇", RED))
    } else {
        None
    }
}

/// The first line of an environment's block: its name, the execution mode, and each stage with
/// the state of its latest run (`❄` frozen, `⧗n` queued at its entry, `⏸` held by a condition,
/// `◆` an approval waiting); the reason when the state is unknown.
pub fn strip(state: &State, index: usize, max: usize) -> Line<'static> {
    let Some(env) = state.envs.get(index) else {
        return Line::default();
    };
    let name = env_label(&env.spec.name, env.spec.protected);
    let mut name_style = env_name_style(env.spec.protected).add_modifier(Modifier::BOLD);
    if index == state.selected {
        name_style = name_style.add_modifier(Modifier::REVERSED);
    }
    let mut spans = vec![Span::styled(name, name_style)];
    if let Some(def) = &env.def {
        let mode = match def.pipeline_type {
            Some(t) => format!(" {t:?} {} ", def.execution_mode.as_str()),
            None => format!(" {} ", def.execution_mode.as_str()),
        };
        spans.push(Span::styled(mode, DIM));
    } else {
        spans.push(Span::raw(" "));
    }
    let Some(ps) = &env.state else {
        let why = env.approvals_known().err().unwrap_or_default();
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        let text = if env.refreshed_at.is_none() && env.refresh.error.is_none() {
            Span::styled("pipeline reading…", DIM)
        } else {
            Span::styled(
                ellipsize(
                    &format!("pipeline state unknown: {why}"),
                    max.saturating_sub(used),
                ),
                RED,
            )
        };
        spans.push(text);
        return Line::from(spans);
    };
    for (i, st) in ps.stages.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", DIM));
        }
        if !st.inbound.enabled {
            spans.push(Span::styled("❄", FROZEN));
        }
        let waiting =
            st.queued.len() + usize::from(st.queued.is_empty() && st.inbound_execution.is_some());
        if waiting > 0 {
            spans.push(Span::styled(format!("⧗{waiting} "), STALE));
        }
        let status = st.latest.as_ref().map(|l| l.status);
        let style = stage(status);
        spans.push(Span::styled(st.name.clone(), style));
        spans.push(Span::raw(" "));
        if approval_waits(env, st) {
            spans.push(Span::styled(
                "◆",
                Style::new()
                    .fg(Color::LightYellow)
                    .add_modifier(Modifier::BOLD),
            ));
        } else {
            spans.push(Span::styled(stage_glyph(status), style));
        }
        if let Some((glyph, style)) = condition_mark(env, st) {
            spans.push(Span::styled(glyph, style));
        }
    }
    if let (Some(_), Some(at)) = (&env.refresh.error, env.refreshed_at) {
        // The last good read, not the pipeline now.
        spans.push(Span::styled(
            format!("  as of {}, stale", at.clock()),
            STALE,
        ));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    if held(state, index, usize::MAX).is_empty() && used + 26 <= max {
        spans.push(Span::styled("   nothing queued or held", DIM));
    }
    Line::from(spans)
}

/// What is queued or held in the environment's pipeline, a line each (at most
/// [`HELD_LINES`]): the queue at a stage's entry, an execution waiting to enter, a condition
/// holding or failing a stage, a frozen transition.
pub fn held(state: &State, index: usize, max: usize) -> Vec<Line<'static>> {
    let Some(env) = state.envs.get(index) else {
        return Vec::new();
    };
    let Some(ps) = &env.state else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |text: String, style: Style| {
        out.push(Line::from(Span::styled(
            ellipsize(&format!("  {text}"), max),
            style,
        )));
    };
    for st in &ps.stages {
        if !st.inbound.enabled {
            let why = st
                .inbound
                .disabled_reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            push(format!("❄ {} frozen{why}", st.name), FROZEN);
        }
        if !st.queued.is_empty() {
            let ids: Vec<&str> = st
                .queued
                .iter()
                .map(|q| short_id(&q.pipeline_execution_id))
                .collect();
            push(
                format!("⧗ {} queued at {}: {}", ids.len(), st.name, ids.join(" ")),
                STALE,
            );
        } else if let Some(w) = &st.inbound_execution {
            push(
                format!(
                    "⧗ {} waits to enter {}",
                    short_id(&w.pipeline_execution_id),
                    st.name
                ),
                STALE,
            );
        }
        let def = env
            .def
            .as_ref()
            .and_then(|d| d.stages.iter().find(|s| s.name == st.name));
        for c in condition_views(def.map_or(&[][..], |d| &d.conditions), &st.conditions) {
            let style = match c.status {
                Some(ConditionStatus::InProgress) => STALE,
                Some(ConditionStatus::Failed | ConditionStatus::Errored) => RED,
                _ => continue,
            };
            push(format!("◇ {}: {}", st.name, c.short_text(state.now)), style);
        }
    }
    out.truncate(HELD_LINES);
    out
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "-".into(), |r| format!("{:.2}%", r * 100.0))
}

/// The verdict's glyph.
fn verdict_glyph(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "✔",
        Verdict::NoChange => "≈",
        Verdict::Worse => "✖",
        Verdict::TooEarly => "…",
        Verdict::Unknown => "?",
    }
}

/// The glance of the environment, if the Traffic view read it.
fn glance(state: &State, index: usize) -> Option<&Glance> {
    state.envs.get(index)?.glance.as_ref()
}

/// Why the environment's traffic is not known when it has no glance: read now, failed, or
/// never read.
fn unread(state: &State, index: usize) -> (String, Style) {
    let t = &state.traffic;
    if t.env == index {
        if let Some(e) = &t.load.error {
            return (format!("traffic unknown: {e}"), RED);
        }
        if t.load.inflight.is_some() {
            return ("traffic reading…".into(), DIM);
        }
    }
    (
        "traffic not read: the Traffic view reads it (select it first)".into(),
        STALE,
    )
}

/// The newest deploy and its impact verdict: `▲ deploy 1.44.3 (ec9ee554) 08:15 · = no change`.
pub fn impact(state: &State, index: usize, max: usize) -> Line<'static> {
    let summary = state.summary(index);
    let not_read = |why: &str| {
        let deployed = summary
            .as_ref()
            .map(|s| match (&s.deployed, s.last_deploy) {
                (Deployed::Execution(_, Some(r)), Some(t)) => {
                    format!("deploy {} {} ago", r.version, human(state.now.since(t)))
                }
                (d, _) => format!("deployed {}", d.version_text()),
            })
            .unwrap_or_default();
        Line::from(vec![
            Span::styled(format!("  {deployed} · "), DIM),
            Span::styled(
                ellipsize(why, max.saturating_sub(width(&deployed) + 5)),
                STALE,
            ),
        ])
    };
    let Some(g) = glance(state, index) else {
        return not_read("impact not read");
    };
    // A deploy newer than the one the Traffic view measured: that one's verdict is not this one's.
    let current = summary.as_ref().and_then(|s| match &s.deployed {
        Deployed::Execution(e, _) => Some(e.id.clone()),
        _ => None,
    });
    if let (DeployImpact::Measured(m), Some(current)) = (&g.deploy, &current)
        && m.0.execution != *current
    {
        return not_read("impact not read (newer than the traffic read)");
    }
    match &g.deploy {
        DeployImpact::Unknown(why) => Line::from(Span::styled(
            ellipsize(&format!("  impact unknown: {why}"), max),
            STALE,
        )),
        DeployImpact::None => Line::from(Span::styled(
            ellipsize("  no deploy among the newest executions", max),
            DIM,
        )),
        DeployImpact::Measured(m) => {
            let (marker, i) = m.as_ref();
            let head = format!(
                "  {} {} {} · ",
                marker.kind.glyph(),
                marker.label,
                marker.at.clock()
            );
            let verdict = format!("{} {}", verdict_glyph(i.verdict), i.verdict.label());
            let why = reasons(i);
            let rest = max.saturating_sub(width(&head) + width(&verdict));
            let mut spans = vec![
                Span::raw(head),
                Span::styled(verdict, verdict_style(i.verdict)),
            ];
            if !why.is_empty() && rest > 8 {
                spans.push(Span::styled(ellipsize(&format!(": {why}"), rest), DIM));
            }
            Line::from(spans)
        }
    }
}

/// Why the verdict is what it is, in a phrase.
fn reasons(i: &Impact) -> String {
    i.reasons.join("; ")
}

/// The before/after numbers of the newest deploy, when measured.
pub fn numbers(state: &State, index: usize, max: usize) -> Option<Line<'static>> {
    let g = glance(state, index)?;
    let DeployImpact::Measured(m) = &g.deploy else {
        return None;
    };
    let i = &m.1;
    if i.verdict == Verdict::Unknown {
        return None;
    }
    let (b, a) = (&i.before, &i.after);
    let ms = |v: Option<u32>| v.map_or_else(|| "-".into(), |v| format!("{v}"));
    // The cache as the rule compares it: once refilled after each side's deploy.
    let warm = |(lookups, hits): (u64, u64)| (lookups > 0).then(|| hits as f64 / lookups as f64);
    let text = format!(
        "    before → after: {} → {} requests · 5xx {} → {} · p95 {} → {} ms · cache hit ≥{}m {} → {}",
        b.requests,
        a.requests,
        pct(b.rate_5xx),
        pct(a.rate_5xx),
        ms(b.time_taken_ms[1]),
        ms(a.time_taken_ms[1]),
        WARMUP / Timestamp::MINUTE,
        pct(warm(i.warm_cache_before)),
        pct(warm(i.warm_cache)),
    );
    Some(Line::from(Span::styled(ellipsize(&text, max), DIM)))
}

/// Draws the requests and 5xx sparklines of the environment's glance in `area` (one row or
/// more), or why there are none.
pub fn render_sparks(frame: &mut Frame, state: &State, index: usize, area: Rect) {
    let w = usize::from(area.width);
    let Some(g) = glance(state, index) else {
        let (text, style) = unread(state, index);
        frame.render_widget(
            Paragraph::new(Span::styled(ellipsize(&format!("  {text}"), w), style)),
            Rect { height: 1, ..area },
        );
        return;
    };
    let req_label = "  requests ";
    // Minutes not read are unknown: the sums are of the minutes read, and say so.
    let read = g.read_minutes();
    let (per, span) = if read == g.requests.len() {
        ("h".to_string(), "hour".to_string())
    } else {
        (format!("{read}m"), format!("{read}m read"))
    };
    let req_value = format!(" {:>6}/{per}", g.requests.iter().flatten().sum::<u64>());
    let err_label = "  5xx ";
    let err_value = format!(
        " {} ({})",
        g.errors.iter().flatten().sum::<u64>(),
        pct(g.error_rate())
    );
    let tail = format!("  {span} to {}", g.as_of.clock());
    let fixed = width(req_label) + width(&req_value) + width(err_label) + width(&err_value);
    let with_tail = fixed + width(&tail);
    let (tail, fixed) = if w >= with_tail + 2 * 16 {
        (tail, with_tail)
    } else {
        (String::new(), fixed)
    };
    let spark = (w.saturating_sub(fixed) / 2).min(g.requests.len());
    let mut x = area.x;
    let text = |frame: &mut Frame, s: &str, style: Style, x: &mut u16| {
        let cw = u16::try_from(width(s)).unwrap_or(0);
        let cw = cw.min(area.right().saturating_sub(*x));
        frame.render_widget(
            Paragraph::new(Span::styled(s.to_string(), style)),
            Rect::new(*x, area.bottom() - 1, cw, 1),
        );
        *x += cw;
    };
    let chart = |frame: &mut Frame, data: &[Option<u64>], color: Color, x: &mut u16| {
        let sw = u16::try_from(spark).unwrap_or(0);
        let area = Rect::new(
            *x,
            area.y,
            sw.min(area.right().saturating_sub(*x)),
            area.height,
        );
        let data: Vec<Option<u64>> = data.iter().rev().take(spark).rev().copied().collect();
        frame.render_widget(
            Sparkline::default()
                .data(&data)
                .absent_value_symbol(" ")
                .style(Style::new().fg(color)),
            area,
        );
        // A minute without any is a dim baseline on the bottom row: counted, and none; a minute
        // not read is a dim dot: unknown.
        let buf = frame.buffer_mut();
        for (i, v) in data.iter().enumerate() {
            let cx = area.x + u16::try_from(i).unwrap_or(u16::MAX);
            let mark = match v {
                None => "·",
                Some(0) => "▁",
                Some(_) => continue,
            };
            if cx < area.right()
                && let Some(cell) = buf.cell_mut((cx, area.bottom() - 1))
            {
                cell.set_symbol(mark).set_style(DIM);
            }
        }
        *x += sw;
    };
    text(frame, req_label, DIM, &mut x);
    chart(frame, &g.requests, Color::Cyan, &mut x);
    text(frame, &req_value, Style::new(), &mut x);
    text(frame, err_label, DIM, &mut x);
    chart(frame, &g.errors, Color::Red, &mut x);
    let err_style = if g.errors.iter().flatten().any(|&e| e > 0) {
        RED
    } else {
        Style::new()
    };
    text(frame, &err_value, err_style, &mut x);
    text(frame, &tail, DIM, &mut x);
}
