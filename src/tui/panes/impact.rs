//! The Traffic view's release-health panel: the selected deploy's before/after numbers from the
//! access logs read, the verdict and why, the paths and status codes whose share changed most,
//! and the rollback offer when it made things worse.

use crate::accesslog::decode;
use crate::accesslog::impact::{Impact, MIN_AFTER, Shift, Side, Verdict, WARMUP, WINDOW};
use crate::app::{Marker, MarkerKind, State};
use crate::domain::Timestamp;
use crate::tui::widgets::pane::side_pane;
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::ellipsize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const LABEL: Style = Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD);

/// The verdict's colour.
pub fn verdict_style(v: Verdict) -> Style {
    let color = match v {
        Verdict::Worse => Color::Red,
        Verdict::Better => Color::Green,
        Verdict::NoChange => Color::Gray,
        Verdict::TooEarly | Verdict::Unknown => Color::Yellow,
    };
    Style::new().fg(color).add_modifier(Modifier::BOLD)
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "-".into(), |r| format!("{:.2}%", r * 100.0))
}

fn ms(v: Option<u32>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v}ms"))
}

/// One row of the before/after table: the label, then both values in columns.
fn row(label: &str, before: String, after: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<10}"), LABEL),
        Span::raw(format!("{before:>14} {after:>14}")),
    ])
}

fn table(i: &Impact) -> Vec<Line<'static>> {
    let (b, a) = (&i.before, &i.after);
    let t = |s: &Side| {
        format!(
            "{}/{}",
            s.time_taken_ms[1].map_or("-".into(), |v| v.to_string()),
            ms(s.time_taken_ms[2])
        )
    };
    let hit = |s: &Side| {
        s.hit_ratio
            .map_or("-".into(), |r| format!("{:.1}%", r * 100.0))
    };
    let mut rows = vec![
        Line::from(vec![
            Span::styled(format!("{:<10}", ""), LABEL),
            Span::styled(format!("{:>14} {:>14}", "before", "after"), LABEL),
        ]),
        row("requests", b.requests.to_string(), a.requests.to_string()),
        row("4xx", pct(b.rate_4xx), pct(a.rate_4xx)),
        row("5xx", pct(b.rate_5xx), pct(a.rate_5xx)),
        row("p50", ms(b.time_taken_ms[0]), ms(a.time_taken_ms[0])),
        row("p95/p99", t(b), t(a)),
    ];
    if b.origin_ms[1].is_some() || a.origin_ms[1].is_some() {
        rows.push(row("origin p95", ms(b.origin_ms[1]), ms(a.origin_ms[1])));
    }
    rows.push(row("cache hit", hit(b), hit(a)));
    // What the rule compares: each side's hits once the cache refilled after its deploy.
    let warm = |(lookups, hits): (u64, u64)| {
        if lookups == 0 {
            "-".into()
        } else {
            format!("{:.1}%", hits as f64 * 100.0 / lookups as f64)
        }
    };
    rows.push(row(
        &format!("hit ≥{}m", WARMUP / Timestamp::MINUTE),
        warm(i.warm_cache_before),
        warm(i.warm_cache),
    ));
    rows
}

fn shifts(title: &str, list: &[Shift], width: usize) -> Option<Line<'static>> {
    if list.is_empty() {
        return None;
    }
    let text = list
        .iter()
        .take(3)
        .map(|s| {
            format!(
                "{} {:.1}→{:.1}%",
                decode(&s.key),
                s.before * 100.0,
                s.after * 100.0
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    Some(Line::from(vec![
        Span::styled(format!("{title} "), LABEL),
        Span::raw(ellipsize(&text, width.saturating_sub(title.len() + 1))),
    ]))
}

/// The invalidations within the impact's windows (a cache refilled after one, not only after
/// the deploy), or what is not known of them.
fn invalidations_line(state: &State, i: Option<&Impact>, width: usize) -> Option<Line<'static>> {
    if let Some(unknown) = state
        .traffic
        .marks
        .invalidations_unknown(state.traffic.since)
    {
        return Some(Line::from(Span::styled(
            ellipsize(&format!("* {unknown}"), width),
            verdict_style(Verdict::Unknown),
        )));
    }
    let i = i?;
    let within: Vec<String> = state
        .traffic_markers()
        .iter()
        .filter(|m| m.kind == MarkerKind::Invalidation)
        .filter(|m| m.at >= i.before.from && m.at <= i.after.to)
        .map(|m| m.at.clock())
        .collect();
    (!within.is_empty()).then(|| {
        Line::from(vec![
            Span::styled("invalidated ", LABEL),
            Span::raw(ellipsize(
                &format!("* {} (within the windows)", within.join(", ")),
                width.saturating_sub(12),
            )),
        ])
    })
}

/// What was measured: the windows before and after (times of another day than `now`'s carry
/// their date); for an unknown verdict, nothing was measured, so only when the deploy reached
/// the environment.
fn measured(i: &Impact, now: Timestamp) -> String {
    let today = |t: Timestamp| {
        t.millis().div_euclid(Timestamp::DAY) == now.millis().div_euclid(Timestamp::DAY)
    };
    let when = |t: Timestamp| if today(t) { t.clock() } else { t.short() };
    if i.verdict == Verdict::Unknown {
        return format!("reached it at {}", when(i.at));
    }
    let window = |s: &Side| {
        if today(s.from) && today(s.to) {
            format!("{}–{}", s.from.clock(), s.to.clock())
        } else {
            format!("{}–{}", s.from.short(), s.to.short())
        }
    };
    format!("before {} · after {}", window(&i.before), window(&i.after))
}

/// The lines of the panel for `marker` (the deploy measured) and its `impact`.
fn lines(state: &State, marker: Option<&Marker>, width: usize) -> Vec<Line<'static>> {
    let t = &state.traffic;
    let mut out = Vec::new();
    if let Some(Err(why)) = &t.marks.runs {
        out.push(Line::from(Span::styled(
            ellipsize(&format!("deploys unknown: {why}"), width),
            verdict_style(Verdict::Unknown),
        )));
        return out;
    }
    let (Some(m), Some(i)) = (marker, &t.marks.impact) else {
        let text = match (&t.marks.runs, marker) {
            (None, _) => "reading the deploys…",
            (_, Some(m)) if m.kind == MarkerKind::Approval => {
                "an approval: m selects a deploy to measure"
            }
            (_, Some(m)) if m.kind == MarkerKind::Invalidation => {
                "an invalidation: m selects a deploy to measure"
            }
            _ => "no deploy among the newest executions",
        };
        if let Some(m) = marker.filter(|m| !m.kind.is_deploy()) {
            out.push(Line::from(format!(
                "{} {} {}",
                m.kind.glyph(),
                m.at.clock(),
                m.label
            )));
        }
        out.push(Line::from(Span::styled(text, DIM)));
        out.extend(invalidations_line(state, None, width));
        return out;
    };
    out.push(Line::from(vec![
        Span::styled(
            format!("{} ", i.verdict.label().to_uppercase()),
            verdict_style(i.verdict),
        ),
        Span::raw(i.reasons.join("; ")),
    ]));
    let measured = measured(i, state.now);
    out.push(Line::from(Span::styled(
        format!("{} {} · {measured}", m.kind.glyph(), m.label),
        DIM,
    )));
    if i.verdict != Verdict::Unknown {
        out.extend(table(i));
    }
    if !matches!(i.verdict, Verdict::Unknown | Verdict::TooEarly) {
        out.extend(shifts("paths", &i.paths, width));
        out.extend(shifts("status", &i.status_codes, width));
    }
    out.extend(invalidations_line(state, Some(i), width));
    if i.verdict == Verdict::Worse {
        out.push(Line::from(vec![
            Span::styled("B", LABEL),
            Span::raw(" roll back to the execution before it (plan and confirmation first)"),
        ]));
    }
    out.push(Line::from(Span::styled(
        format!(
            "up to {}m each side, judged from {}m after · m next marker · i close",
            WINDOW / Timestamp::MINUTE,
            MIN_AFTER / Timestamp::MINUTE
        ),
        DIM,
    )));
    out
}

/// Draws the panel into `area`.
pub fn render(frame: &mut Frame, state: &State, area: Rect) {
    let marker = state.selected_marker();
    let inner = side_pane(frame, area, " release health ".into(), LABEL);
    let width = usize::from(inner.width);
    let text = lines(state, marker.as_ref(), width);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_verdict_shows_no_windows_and_another_days_times_carry_their_date() {
        let now = Timestamp::parse_rfc3339("2026-11-25T09:00:00Z").unwrap();
        let today = now - 30 * Timestamp::MINUTE;
        let unknown = Impact::unknown(today, "the logs were not read".into());
        assert_eq!(measured(&unknown, now), "reached it at 08:30:00");
        let older = Impact::unknown(now - 2 * Timestamp::DAY, "not read".into());
        assert_eq!(measured(&older, now), "reached it at 11-23 09:00");
        let known = Impact {
            verdict: Verdict::NoChange,
            ..Impact::unknown(today, String::new())
        };
        let text = measured(&known, now);
        assert!(
            text.starts_with("before 08:00:00–08:30:00 · after "),
            "{text}"
        );
        let old = Impact {
            verdict: Verdict::NoChange,
            ..Impact::unknown(now - 2 * Timestamp::DAY, String::new())
        };
        assert!(
            measured(&old, now).starts_with("before 11-23 08:30–11-23 09:00"),
            "{}",
            measured(&old, now)
        );
    }
}
