//! The Logs view's `:insights` answer: a line with the query's groups, range, state, elapsed
//! time, records and bytes scanned, then its rows as a table (each column as wide as its widest
//! cell, at most 40 characters, the last whole), as they come; a refused query shows the
//! service's message with its position.

use crate::app::queries::{LogsInsights, RunState, elapsed, megabytes, overall};
use crate::tui::widgets::status::{DIM, HEADER};
use crate::tui::widgets::text::{ellipsize, fit_line, width as text_width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws `q` in `area`.
pub fn render(frame: &mut Frame, q: &LogsInsights, now: crate::domain::Timestamp, area: Rect) {
    if area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    let state = overall(&[&q.run]);
    let color = match &q.run.state {
        RunState::Failed(_) => Color::Red,
        _ if q.run.running() => Color::Yellow,
        _ => Color::Green,
    };
    let stats = q.run.results.as_ref().map(|r| {
        format!(
            " · {} of {} records · {} scanned",
            r.statistics.records_matched as u64,
            r.statistics.records_scanned as u64,
            megabytes(r.statistics.bytes_scanned)
        )
    });
    let fit = |line: Line<'static>| fit_line(line, width);
    let mut lines = vec![
        fit(Line::from(vec![
            Span::styled(
                "◆ Logs Insights",
                Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!(
                " · {} · {} ({} → {} UTC)",
                q.env_name,
                q.range.text,
                q.range.since.short(),
                q.range.until.short()
            )),
        ])),
        fit(Line::from(vec![
            Span::styled(ellipsize(&state, width / 2), Style::new().fg(color)),
            Span::raw(format!(
                " · {}{}",
                elapsed(q.started, q.finished.unwrap_or(now)),
                stats.unwrap_or_default()
            )),
        ])),
        Line::from(Span::styled(ellipsize(&q.groups.join(", "), width), DIM)),
    ];
    for part in crate::tui::widgets::text::wrap(&q.run.query, width.max(1), 2) {
        lines.push(Line::from(Span::styled(part, DIM)));
    }
    if let RunState::Failed(why) = &q.run.state {
        for part in crate::tui::widgets::text::wrap(why, width.max(1), 3) {
            lines.push(Line::from(Span::styled(part, Style::new().fg(Color::Red))));
        }
    }
    let Some(r) = q.run.results.as_ref() else {
        if q.run.running() {
            lines.push(Line::from(Span::styled(
                "waiting for the first answer…",
                DIM,
            )));
        }
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let columns = r.columns();
    let cell = crate::cloud::QueryResults::cell;
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| {
            r.rows
                .iter()
                .map(|row| text_width(&cell(row, c)))
                .chain([text_width(c)])
                .max()
                .unwrap_or(0)
                .min(40)
        })
        .collect();
    let line = |cells: Vec<String>| -> String {
        let last = cells.len().saturating_sub(1);
        let joined: Vec<String> = cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    c
                } else {
                    format!("{:<w$}", ellipsize(&c, widths[i]), w = widths[i])
                }
            })
            .collect();
        ellipsize(&joined.join("  "), width)
    };
    lines.push(Line::from(Span::styled(line(columns.clone()), HEADER)));
    if r.rows.is_empty() {
        lines.push(Line::from(Span::styled(
            if q.run.running() {
                "no rows yet"
            } else {
                "no rows"
            },
            DIM,
        )));
    }
    let room = usize::from(area.height).saturating_sub(lines.len());
    let first = q.scroll.min(r.rows.len().saturating_sub(room));
    for row in r.rows.iter().skip(first).take(room) {
        lines.push(Line::from(line(
            columns.iter().map(|c| cell(row, c)).collect(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
