//! The detail panel under the environments table: URLs, distribution, refresh health, the
//! deployer image, freeze.

use crate::app::{EnvView, State};
use crate::domain::{DeployerCheck, human};
use crate::tui::widgets::status::{DIM, FROZEN, STALE};
use crate::tui::widgets::text::count;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows the panel takes (rule line included).
pub const HEIGHT: u16 = 7;

fn dim(s: &str) -> Span<'static> {
    Span::styled(s.to_string(), DIM)
}

fn lines(state: &State, env: &EnvView) -> Vec<Line<'static>> {
    let spec = &env.spec;
    let mut out = Vec::new();
    let url = |u: &Option<String>| u.clone().unwrap_or_else(|| "—".into());
    out.push(Line::from(vec![
        dim("site "),
        Span::raw(url(&spec.site_url)),
        dim(" · api "),
        Span::raw(url(&spec.api_url)),
    ]));
    out.push(match &env.distribution {
        Some(d) => Line::from(vec![
            dim("distribution "),
            Span::raw(format!("{} ({}) ", d.id, d.domain_name)),
            Span::raw(d.status.clone()),
            dim(&format!(
                " · {} in progress",
                count(
                    d.in_progress_invalidations as usize,
                    "invalidation",
                    "invalidations"
                )
            )),
        ]),
        None => Line::from(vec![
            dim("distribution "),
            Span::raw(spec.distribution_id.clone()),
            dim(" · not read yet"),
        ]),
    });
    let refreshed = env.refreshed_at.map_or_else(
        || "never".to_string(),
        |t| format!("{} ({} ago)", t.clock(), human(state.now.since(t))),
    );
    out.push(Line::from(vec![
        dim("pipeline "),
        Span::raw(spec.pipeline.clone()),
        dim(" · refreshed "),
        Span::raw(refreshed),
    ]));
    if let Some(line) = deployer(state) {
        out.push(line);
    }
    if let Some(why) = crate::app::newest_failure(env) {
        out.push(Line::from(Span::styled(
            format!("✖ {why}"),
            Style::new().fg(Color::Red),
        )));
    } else if let Some(failed) = crate::app::deploy_failure(env) {
        out.push(Line::from(Span::styled(
            format!("✖ {}", failed.describe(state.now)),
            Style::new().fg(Color::Red),
        )));
    }
    if let Some(s) = &env.refresh.error {
        let word = if s.throttled {
            "throttled"
        } else {
            "refresh failing"
        };
        out.push(Line::from(Span::styled(
            format!(
                "{word} since {} ({}): {}",
                s.since.clock(),
                count(s.failures as usize, "failure", "failures"),
                s.error
            ),
            STALE,
        )));
    }
    if let Some(st) = env
        .state
        .as_ref()
        .and_then(|p| p.stages.iter().find(|s| !s.inbound.enabled))
    {
        let reason = st.inbound.disabled_reason.clone().unwrap_or_default();
        let by = st.inbound.last_changed_by.clone().unwrap_or_default();
        out.push(Line::from(vec![
            Span::styled(format!("❄ {} frozen", st.name), FROZEN),
            Span::styled(format!(" {reason} "), Style::new().fg(Color::Cyan)),
            dim(&by),
        ]));
    }
    out.push(Line::from(vec![
        dim("logs "),
        Span::raw(spec.log_groups.join(", ")),
    ]));
    out
}

/// The deployer line: the image the Deploy project runs, and whether it is the newest.
fn deployer(state: &State) -> Option<Line<'static>> {
    let line = match state.deployer(state.selected)? {
        DeployerCheck::Current { newest, .. } => vec![
            dim("deployer "),
            Span::raw(newest),
            dim(" (the newest image)"),
        ],
        DeployerCheck::Stale {
            runs,
            newest,
            pushed_at,
            ..
        } => vec![
            dim("deployer "),
            Span::styled(
                format!("⚠ stale: runs {runs}"),
                Style::new().fg(Color::Yellow),
            ),
            dim(&format!(
                " · newest {newest}, pushed {} ago",
                human(state.now.since(pushed_at))
            )),
        ],
        DeployerCheck::Unknown(why) => vec![
            dim("deployer "),
            Span::styled(format!("unknown: {why}"), Style::new().fg(Color::Red)),
        ],
        DeployerCheck::NoProject(why) => vec![dim("deployer "), dim(&format!("none: {why}"))],
    };
    Some(Line::from(line))
}

/// Draws the selected environment's details in `area` (a rule line, then the facts).
pub fn render(frame: &mut Frame, state: &State, area: Rect) {
    let Some(env) = state.selected_env() else {
        return;
    };
    if area.height == 0 {
        return;
    }
    let rule = format!(
        "── {} {}",
        env.spec.name,
        "─".repeat(usize::from(area.width))
    );
    frame.render_widget(
        Paragraph::new(Span::styled(rule, Style::new().fg(Color::DarkGray))),
        Rect { height: 1, ..area },
    );
    let body = crate::tui::views::rows_below_header(area);
    frame.render_widget(Paragraph::new(lines(state, env)), body);
}
