//! The question an Athena `:query` asks before it runs, over the query's panel: to scan above
//! `max_scan_bytes` (or an unknown amount), naming the environment, filter, range, source, workgroup and the
//! estimated bytes and cost; or to create the missing table, showing its DDL (or why read-only
//! cannot). Enter answers yes for what is shown, Esc no.

use crate::app::queries::TrafficQuery;
use crate::app::queries::athena::{AthenaQueryState, Phase, Question};
use crate::query::{dollars, size};
use crate::tui::widgets::status::{DIM, HEADER};
use crate::tui::widgets::text::{centered, ellipsize};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

fn filter(q: &TrafficQuery) -> String {
    if q.filter.is_empty() {
        "every request".into()
    } else {
        q.filter.clone()
    }
}

/// The lines of the question, at most `width` wide and `height` high.
fn lines(
    q: &TrafficQuery,
    a: &AthenaQueryState,
    question: &Question,
    width: usize,
    height: usize,
) -> Vec<Line<'static>> {
    let fit = |s: String| ellipsize(&s, width);
    let mut out = vec![
        Line::from(vec![
            Span::styled("environment ", DIM),
            Span::styled(q.env_name.clone(), HEADER),
            Span::styled(" · filter ", DIM),
            Span::raw(ellipsize(&filter(q), width / 2)),
        ]),
        Line::from(Span::raw(fit(format!(
            "range {} ({} → {} UTC)",
            q.range.text,
            q.range.since.short(),
            q.range.until.short()
        )))),
    ];
    let planned = a.planned.as_ref();
    if let Some(p) = planned {
        out.push(Line::from(Span::styled(
            fit(format!("logs {}", p.source)),
            DIM,
        )));
        out.push(Line::from(Span::styled(
            fit(p.work_group.clone().unwrap_or_else(|why| why)),
            DIM,
        )));
    }
    let foot = match question {
        Question::Scan => {
            let n = planned.map_or(0, |p| p.count());
            let est = match planned.map(|p| &p.estimate) {
                Some(Ok(e)) => format!(
                    "estimate {n} SELECTs × {} ({} objects) = {}, about {} at ${:.2}/TB",
                    size(e.bytes),
                    e.objects,
                    size(e.bytes.saturating_mul(n)),
                    dollars(e.usd * n as f64),
                    e.price_per_tb
                ),
                Some(Err(why)) => format!("estimate unknown: {why}"),
                None => "estimate unknown".into(),
            };
            out.push(Line::from(Span::styled(
                fit(est),
                Style::new().fg(Color::Yellow),
            )));
            out.push(Line::from(Span::raw(fit(format!(
                "limit max_scan_bytes {} ({} bytes)",
                size(a.spec.max_scan_bytes),
                a.spec.max_scan_bytes
            )))));
            vec![Line::from(vec![
                Span::styled("enter", HEADER),
                Span::raw(format!(" runs these {n} SELECTs · ")),
                Span::styled("esc", HEADER),
                Span::raw(" does not"),
            ])]
        }
        Question::CreateTable { refused } => {
            if let Some(plan) = planned.and_then(|p| p.first()) {
                out.push(Line::from(Span::raw(fit(format!(
                    "table {}.{} does not exist: creating it runs (workgroup {}, DDL not billed):",
                    plan.names.database, plan.names.table, a.spec.workgroup
                )))));
                let ddl: Vec<String> = plan
                    .ddl
                    .iter()
                    .flat_map(|s| {
                        format!("{s};")
                            .lines()
                            .map(str::to_string)
                            .collect::<Vec<_>>()
                    })
                    .collect();
                let room = height.saturating_sub(out.len() + 2);
                let shown = if ddl.len() > room {
                    room.saturating_sub(1)
                } else {
                    ddl.len()
                };
                for l in &ddl[..shown] {
                    out.push(Line::from(Span::styled(fit(l.clone()), DIM)));
                }
                if shown < ddl.len() {
                    out.push(Line::from(Span::styled(
                        fit(format!(
                            "… {} more lines (shipdeck query {} --dry-run prints them)",
                            ddl.len() - shown,
                            q.env_name
                        )),
                        DIM,
                    )));
                }
            }
            match refused {
                Some(why) => vec![
                    Line::from(Span::styled(fit(why.clone()), Style::new().fg(Color::Red))),
                    Line::from(vec![Span::styled("esc", HEADER), Span::raw(" closes")]),
                ],
                None => vec![Line::from(vec![
                    Span::styled("enter", HEADER),
                    Span::raw(" creates it (audited), then runs the query · "),
                    Span::styled("esc", HEADER),
                    Span::raw(" does not"),
                ])],
            }
        }
    };
    let room = height.saturating_sub(foot.len());
    out.truncate(room);
    out.extend(foot);
    out
}

/// Draws the open question of `q` (if any) over `area`.
pub fn render(frame: &mut Frame, q: &TrafficQuery, area: Rect) {
    let Some(a) = q.athena.as_deref() else {
        return;
    };
    let Phase::Asking(question) = &a.phase else {
        return;
    };
    let title = match question {
        Question::Scan => " Run on Athena? ",
        Question::CreateTable { refused: None } => " Create the Athena table? ",
        Question::CreateTable { refused: Some(_) } => " The Athena table does not exist ",
    };
    let h = match question {
        Question::Scan => 10,
        Question::CreateTable { .. } => area.height,
    };
    let popup = centered(area, area.width.saturating_sub(2).min(110), h);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(Style::new().fg(Color::Magenta))
        .title(Span::styled(
            title,
            Style::new().add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let text = lines(
        q,
        a,
        question,
        usize::from(inner.width),
        usize::from(inner.height),
    );
    frame.render_widget(Paragraph::new(text), inner);
}
