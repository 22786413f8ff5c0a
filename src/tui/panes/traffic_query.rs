//! The Traffic view's `:query` answer: a marker line saying the numbers come from Logs Insights,
//! Athena or the local engine (environment, filter, range, state, elapsed time, bytes scanned,
//! on Athena the cost; read here, the bytes read and what Athena would have cost), then the
//! totals and status
//! classes, the status codes, requests over time with their errors, and the top paths, edges
//! and countries. What has not answered yet shows `…`; what failed, `unknown` with why.

use crate::app::queries::athena::Phase;
use crate::app::queries::{
    QueryRun, RunState, TrafficQuery, TrafficSummary, elapsed, megabytes, overall,
};
use crate::query::InsightsAsk;
use crate::query::dollars;
use crate::tui::widgets::status::{DIM, HEADER};
use crate::tui::widgets::text::ellipsize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

/// The marker: `◆ Logs Insights · stg · status:5xx · 30d (…)`, then the state, the time it has
/// taken and the bytes scanned.
pub fn marker(q: &TrafficQuery, now: crate::domain::Timestamp, width: usize) -> Vec<Line<'static>> {
    let filter = if q.filter.is_empty() {
        "every request".to_string()
    } else {
        q.filter.clone()
    };
    let mut read = None;
    let (engine, state, cost) = match q.athena.as_deref() {
        None => ("◆ Logs Insights", overall(&q.runs()), String::new()),
        Some(a) => match &a.phase {
            Phase::Local(l) => {
                let p = &l.progress;
                let state = if l.ended {
                    overall(&q.runs())
                } else {
                    format!(
                        "Reading here: {} of {}{} objects",
                        p.read,
                        p.listed,
                        if p.listing { "+" } else { "" }
                    )
                };
                let athena = a.estimated_usd().map_or_else(String::new, |usd| {
                    format!(" (Athena: about {})", dollars(usd))
                });
                read = Some(format!(
                    " · {} read · free{athena}",
                    crate::query::size(p.bytes)
                ));
                ("◇ local engine", state, String::new())
            }
            phase => {
                let usd: f64 = q
                    .parts
                    .iter()
                    .filter_map(|p| p.run.scanned)
                    .map(|s| s.1)
                    .sum();
                let state = match phase {
                    Phase::Planning(_) => "Estimating: listing the objects in range".to_string(),
                    Phase::Asking(_) => "Waiting for your answer".to_string(),
                    Phase::Creating(_) => "Creating the table".to_string(),
                    Phase::Stopped(why) => capitalised(why),
                    Phase::Running | Phase::Local(_) => overall(&q.runs()),
                };
                ("◆ Athena", state, format!(" · {}", dollars(usd)))
            }
        },
    };
    let color = if state.starts_with("Failed") || state.starts_with("Not run") {
        Color::Red
    } else if q.running() {
        Color::Yellow
    } else {
        Color::Green
    };
    vec![
        Line::from(vec![
            Span::styled(
                engine,
                Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            ),
            Span::raw(ellipsize(
                &format!(" · {} · {} · ", q.env_name, filter),
                width / 2,
            )),
            Span::styled(
                format!(
                    "{} ({} → {} UTC)",
                    q.range.text,
                    q.range.since.short(),
                    q.range.until.short()
                ),
                DIM,
            ),
        ]),
        Line::from(vec![
            Span::styled(ellipsize(&state, width / 2), Style::new().fg(color)),
            Span::raw(format!(
                " · {}{}",
                elapsed(q.started, q.finished.unwrap_or(now)),
                read.unwrap_or_else(|| format!(
                    " · {} scanned{cost}",
                    megabytes(q.bytes_scanned())
                ))
            )),
        ]),
    ]
}

/// `why` with its first letter upper-case.
fn capitalised(why: &str) -> String {
    let mut c = why.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// What a part shows while it has no answer.
fn pending(run: Option<&QueryRun>) -> String {
    match run.map(|r| &r.state) {
        Some(RunState::Failed(why)) => format!("unknown: {why}"),
        Some(RunState::Ended(s)) => format!("unknown: the query ended {}", s.name()),
        _ => "…".into(),
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Draws the answer of `q` in `area`.
pub fn render(frame: &mut Frame, q: &TrafficQuery, now: crate::domain::Timestamp, area: Rect) {
    if area.height == 0 {
        return;
    }
    let s = TrafficSummary::of(q);
    let width = usize::from(area.width);
    let mut lines = marker(q, now, width);
    match s.requests {
        Some(n) => {
            let pct = |k: u64| {
                if n == 0 {
                    0.0
                } else {
                    k as f64 * 100.0 / n as f64
                }
            };
            let bytes = s.bytes.map_or("bytes unknown".into(), |b| {
                format!("{} sent", megabytes(b as f64))
            });
            lines.push(Line::from(vec![
                Span::styled(format!("{} requests", thousands(n)), HEADER),
                Span::raw(format!(" · {bytes} · ")),
                Span::styled(
                    format!("2xx {:.1}%", pct(s.class(200, 299))),
                    Style::new().fg(Color::Green),
                ),
                Span::raw(format!(" · 3xx {:.1}% · ", pct(s.class(300, 399)))),
                Span::styled(
                    format!("4xx {:.1}%", pct(s.class(400, 499))),
                    Style::new().fg(Color::Yellow),
                ),
                Span::raw(" · "),
                Span::styled(
                    format!("5xx {:.1}%", pct(s.class(500, 599))),
                    Style::new().fg(Color::Red),
                ),
                Span::styled(format!(" · 000 {}", s.class(0, 0)), DIM),
            ]));
            let codes: Vec<String> = s
                .codes
                .iter()
                .map(|(c, n)| format!("{c:03} {}", thousands(*n)))
                .collect();
            lines.push(Line::from(Span::styled(
                ellipsize(&format!("codes: {}", codes.join(" · ")), width),
                DIM,
            )));
        }
        None => lines.push(Line::from(Span::styled(
            format!("totals: {}", pending(q.part(InsightsAsk::Totals))),
            DIM,
        ))),
    }
    let head = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines), area);
    let rest = Rect {
        y: area.y + head.min(area.height),
        height: area.height.saturating_sub(head),
        ..area
    };
    if rest.height == 0 {
        return;
    }
    // Requests over time: a sparkline of the bins, with the errors' share said beside.
    let spark_h = if rest.height >= 10 { 3 } else { 1 };
    let spark = Rect {
        height: spark_h.min(rest.height),
        ..rest
    };
    match &s.series {
        Some(series) if !series.is_empty() => {
            let errors: u64 = series.iter().map(|b| b.2 + b.3).sum();
            let label = format!(
                "per {} · {} bins · 4xx+5xx {} ",
                q.step.period(),
                series.len(),
                thousands(errors)
            );
            let label_w = u16::try_from(label.chars().count())
                .unwrap_or(0)
                .min(spark.width / 2);
            frame.render_widget(
                Paragraph::new(Span::styled(label, DIM)),
                Rect {
                    width: label_w,
                    ..spark
                },
            );
            let bars = Rect {
                x: spark.x + label_w,
                width: spark.width - label_w,
                ..spark
            };
            // The newest bins that fit, one column each.
            let take = usize::from(bars.width);
            let data: Vec<u64> = series
                .iter()
                .skip(series.len().saturating_sub(take))
                .map(|b| b.1)
                .collect();
            frame.render_widget(
                Sparkline::default()
                    .data(&data)
                    .style(Style::new().fg(Color::Cyan)),
                bars,
            );
        }
        Some(_) => frame.render_widget(
            Paragraph::new(Span::styled("no requests in the range", DIM)),
            spark,
        ),
        None => frame.render_widget(
            Paragraph::new(Span::styled(
                format!(
                    "over time: {}",
                    pending(q.part(InsightsAsk::Series(q.step)))
                ),
                DIM,
            )),
            spark,
        ),
    }
    let tops_area = Rect {
        y: rest.y + spark.height,
        height: rest.height - spark.height,
        ..rest
    };
    if tops_area.height == 0 || s.tops.is_empty() {
        return;
    }
    let n = u16::try_from(s.tops.len()).unwrap_or(1);
    let col_w = tops_area.width / n;
    for (i, (name, group, list)) in s.tops.iter().enumerate() {
        let x = tops_area.x + col_w * u16::try_from(i).unwrap_or(0);
        let col = Rect {
            x,
            width: if i + 1 == s.tops.len() {
                tops_area.width - col_w * (n - 1)
            } else {
                col_w
            },
            ..tops_area
        };
        let w = usize::from(col.width).saturating_sub(1);
        let mut lines = vec![Line::from(Span::styled(format!("top {name}"), HEADER))];
        match list {
            Some(list) if list.is_empty() => lines.push(Line::from(Span::styled("none", DIM))),
            Some(list) => {
                for (key, n) in list {
                    let count = thousands(*n);
                    let key = if key.is_empty() { "(none)" } else { key };
                    let room = w.saturating_sub(count.len() + 1);
                    lines.push(Line::from(vec![
                        Span::raw(format!("{:<room$}", ellipsize(key, room))),
                        Span::raw(" "),
                        Span::styled(count, DIM),
                    ]));
                }
            }
            None => {
                let run = q.part(InsightsAsk::Top(*group, crate::app::queries::traffic::TOP));
                lines.push(Line::from(Span::styled(ellipsize(&pending(run), w), DIM)));
            }
        }
        frame.render_widget(Paragraph::new(lines), col);
    }
}
