//! The `:trace` overlay: a commit's workflow runs and the deployer image they pushed, the
//! packages that carried it, each environment's executions of it (their CodeBuild build and
//! CodeDeploy deployment) and where it is now, scrollable, closed with Esc.

use crate::app::State;
use crate::app::trace::TraceOverlay;
use crate::domain::{Timestamp, short_digest};
use crate::ops::plan::trace::Trace;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

/// Widest the popup grows.
const MAX_WIDTH: u16 = 180;

/// From this inner width on, runs and executions show their links.
const LINKS_FROM: u16 = 110;

fn when(rfc3339: &str) -> String {
    Timestamp::parse_rfc3339(rfc3339).map_or_else(|| "?".into(), Timestamp::short)
}

fn heading(text: &str) -> Line<'static> {
    Line::from(Span::styled(
        text.to_string(),
        Style::new().add_modifier(Modifier::BOLD),
    ))
}

/// The overlay's lines for a trace at `width` columns: links and keys only where there is room
/// (a link is never cut).
pub fn lines(t: &Trace, width: u16) -> Vec<Line<'static>> {
    let links = width >= LINKS_FROM;
    let fits = |text: &str| text.chars().count() <= usize::from(width);
    let mut out = Vec::new();
    out.push(match &t.commit {
        Some(c) => Line::from(vec![
            Span::styled(
                c.sha.get(..7).unwrap_or(&c.sha).to_string(),
                Style::new().fg(Color::Yellow),
            ),
            Span::raw(format!(
                " {} ({}, {})",
                c.message.as_deref().unwrap_or(""),
                c.author.as_deref().unwrap_or("?"),
                c.date.as_deref().map_or_else(|| "?".into(), when)
            )),
        ]),
        None => Line::from(format!("commit {}: unknown", t.query)),
    });
    if !t.versions.is_empty() {
        out.push(Line::from(format!("release {}", t.versions.join(", "))));
    }
    out.push(Line::from(vec![
        Span::styled("now ", DIM),
        Span::styled(t.summary.clone(), Style::new().fg(Color::Cyan)),
    ]));
    out.push(Line::default());
    out.push(heading("Workflow runs"));
    match &t.runs {
        Some(runs) if runs.is_empty() => out.push(Line::styled("  none", DIM)),
        Some(runs) => {
            for r in runs {
                out.push(Line::from(format!(
                    "  {} #{} {} {}",
                    r.workflow,
                    r.number,
                    r.conclusion.as_deref().unwrap_or(&r.status),
                    when(&r.started_at)
                )));
                if links {
                    out.push(Line::styled(format!("    {}", r.html_url), DIM));
                }
            }
        }
        None => out.push(Line::from("  unknown")),
    }
    if let Some(i) = &t.deployer_image {
        out.push(Line::from(vec![
            Span::styled("  deployer image ", DIM),
            Span::raw(format!(
                "{}:{} pushed {}",
                i.repository,
                i.tags
                    .first()
                    .cloned()
                    .unwrap_or_else(|| short_digest(&i.digest)),
                when(&i.pushed_at)
            )),
        ]));
    }
    out.push(heading("Packages"));
    if let Some(none) = t.no_packages() {
        out.push(Line::styled(format!("  {none}"), DIM));
    }
    for p in &t.packages {
        let key = if links {
            format!("{} ", p.key)
        } else {
            String::new()
        };
        out.push(Line::from(format!(
            "  {} {} {key}version id {}",
            p.environment, p.version, p.version_id
        )));
    }
    out.push(heading("Environments"));
    for e in &t.environments {
        out.push(Line::from(vec![
            Span::styled(
                format!("  {} ", e.name),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(e.now.clone().unwrap_or_else(|| "unknown".into())),
        ]));
        for x in e.executions.iter().flatten() {
            out.push(Line::from(format!(
                "    {} {} {} {} → {}",
                x.id.get(..8).unwrap_or(&x.id),
                x.version.as_deref().unwrap_or("?"),
                x.status,
                when(&x.start),
                x.end.as_deref().map_or_else(|| "…".into(), when)
            )));
            if let Some(u) = &x.console_url {
                let link = format!("      {u}");
                if links && fits(&link) {
                    out.push(Line::styled(link, DIM));
                }
            }
            for (what, hop) in [("build", &x.build), ("deployment", &x.deployment)] {
                let Some(h) = hop else { continue };
                let line = if links {
                    h.line()
                } else {
                    // Narrow: the build's uuid cut, not its project name (the environment's).
                    let mut short = h.clone();
                    short.id = h.id.as_deref().map(|id| {
                        let tail = id.rsplit(':').next().unwrap_or(id);
                        tail.get(..8).unwrap_or(tail).to_string()
                    });
                    short.line()
                };
                out.push(Line::styled(format!("      {what} {line}"), DIM));
                for l in h.build_lines() {
                    // The log link only where links are shown and it fits whole; else its group
                    // and stream (what the Logs view and `logs group` take), where they fit.
                    if l.starts_with("log ") && !(links && fits(&format!("        {l}"))) {
                        if let Some(where_) = h.codebuild.as_ref().and_then(|b| {
                            let (g, s) = (b.log_group.as_ref()?, b.log_stream.as_ref()?);
                            Some(format!("        log group {g} stream {s}"))
                        }) && fits(&where_)
                        {
                            out.push(Line::styled(where_, DIM));
                        }
                        continue;
                    }
                    let style = if h.codebuild_unknown.is_some() {
                        Style::new().fg(Color::Red)
                    } else {
                        DIM
                    };
                    out.push(Line::styled(format!("        {l}"), style));
                }
            }
        }
    }
    for e in &t.errors {
        out.push(Line::styled(
            format!("unknown: {}: {}", e.what, e.error),
            Style::new().fg(Color::Red),
        ));
    }
    out
}

/// The popup's area over `body`.
fn popup(body: Rect) -> Rect {
    let w = body.width.saturating_sub(4).min(MAX_WIDTH);
    centered(body, w, body.height.saturating_sub(2))
}

/// How far the trace can scroll over `body`: its wrapped rows past the ones the popup shows.
pub fn max_scroll(state: &State, t: &TraceOverlay, body: Rect) -> usize {
    let inner = frame_block(t).inner(popup(body));
    content(state, t, inner.width)
        .line_count(inner.width)
        .saturating_sub(usize::from(inner.height))
}

/// The popup's text at `width`, wrapped.
fn content(state: &State, t: &TraceOverlay, width: u16) -> Paragraph<'static> {
    let text = match &t.read {
        Some(read) => lines(
            &state.trace_of(read, &t.query, &t.sha, t.version.as_ref()),
            width,
        ),
        None => vec![Line::styled(
            format!("reading commit {} and its runs from GitHub…", t.sha),
            DIM,
        )],
    };
    Paragraph::new(text).wrap(Wrap { trim: false })
}

fn frame_block(t: &TraceOverlay) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Double)
        .border_style(Style::new().fg(Color::Cyan))
        .title(Span::styled(
            format!(" Trace · {} ", t.query),
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .title_bottom(Line::from(" ↑↓ scroll · esc close ").right_aligned())
}

/// Draws the trace popup over the body, scrolled no further than its end.
pub fn render(frame: &mut Frame, state: &State, t: &TraceOverlay, body: Rect) {
    let popup = popup(body);
    let block = frame_block(t);
    let inner = block.inner(popup);
    let text = content(state, t, inner.width);
    let max = text
        .line_count(inner.width)
        .saturating_sub(usize::from(inner.height));
    let scroll = u16::try_from(state.help_scroll.min(max)).unwrap_or(u16::MAX);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    frame.render_widget(text.scroll((scroll, 0)), inner);
}
