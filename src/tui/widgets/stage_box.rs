//! One pipeline stage drawn as a box: status, each action with a glyph, errors, waits, freezes,
//! and the V2 parts: the queue at its entry, its conditions with their live state, its retries.

use super::status::{DIM, FROZEN, STALE, action, stage};
use super::text::{ellipsize, short_id, width, wrap};
use crate::domain::{
    ActionCategory, ActionState, ActionStatus, ConditionKind, ConditionStatus, ConditionView,
    StageDef, StageState, StageStatus, Timestamp, condition_views, human,
};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget};

/// Lines of a failed action's error shown at most.
const ERROR_LINES: usize = 2;

/// A stage with its definition, ready to draw.
#[derive(Debug, Clone, Copy)]
pub struct StageBox<'a> {
    /// Live state.
    pub stage: &'a StageState,
    /// Definition (action categories), if loaded.
    pub def: Option<&'a StageDef>,
    /// Current time, for waiting times.
    pub now: Timestamp,
    /// The pipeline's latest execution (the one the view's head names), if any: a stage whose
    /// run is of another execution names it.
    pub latest: Option<&'a str>,
}

impl StageBox<'_> {
    fn status(&self) -> Option<StageStatus> {
        self.stage.latest.as_ref().map(|l| l.status)
    }

    fn is_approval(&self, a: &ActionState) -> bool {
        self.def
            .and_then(|d| d.actions.iter().find(|x| x.name == a.name))
            .is_some_and(|x| x.category == ActionCategory::Approval)
    }

    /// What an action is doing, e.g. `Succeeded`, `InProgress 45%`, `waiting 2h 05m`.
    fn action_status(&self, a: &ActionState) -> String {
        let Some(latest) = &a.latest else {
            return "never run".into();
        };
        match latest.status {
            ActionStatus::InProgress if self.is_approval(a) => {
                format!(
                    "waiting {}",
                    human(self.now.since(latest.last_status_change))
                )
            }
            ActionStatus::InProgress => match latest.percent_complete {
                Some(p) => format!("InProgress {p}%"),
                None => "InProgress".into(),
            },
            s => s.as_str().into(),
        }
    }

    /// The stage's conditions, declared and live.
    fn conditions(&self) -> Vec<ConditionView> {
        let def = self.def.map_or(&[][..], |d| d.conditions.as_slice());
        condition_views(def, &self.stage.conditions)
    }

    /// The V2 lines: the queue at the entry, each condition's live state, the retries.
    fn v2_lines(&self, w: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        if !self.stage.queued.is_empty() {
            let ids: Vec<&str> = self
                .stage
                .queued
                .iter()
                .map(|q| short_id(&q.pipeline_execution_id))
                .collect();
            let text = format!("⧗ queued {}: {}", ids.len(), ids.join(" "));
            out.push(Line::from(Span::styled(ellipsize(&text, w), STALE)));
        } else if let Some(waiting) = &self.stage.inbound_execution {
            let text = format!("⧗ entering: {}", short_id(&waiting.pipeline_execution_id));
            out.push(Line::from(Span::styled(ellipsize(&text, w), STALE)));
        }
        for c in self.conditions() {
            let label = match c.kind {
                ConditionKind::BeforeEntry => "entry",
                ConditionKind::OnSuccess => "on success",
                ConditionKind::OnFailure => "on failure",
            };
            let style = match c.status {
                Some(ConditionStatus::InProgress) => STALE,
                Some(ConditionStatus::Failed | ConditionStatus::Errored) => {
                    Style::new().fg(Color::Red)
                }
                Some(ConditionStatus::Succeeded) => Style::new().fg(Color::Green),
                Some(ConditionStatus::Overridden) => Style::new().fg(Color::Magenta),
                _ => DIM,
            };
            let text = format!("◇ {label}: {}", c.live_text(self.now));
            for line in wrap(&text, w, 3) {
                out.push(Line::from(Span::styled(line, style)));
            }
        }
        if let Some(r) = self
            .stage
            .retries
            .as_ref()
            .filter(|r| r.auto_attempts + r.manual_attempts > 0)
        {
            let text = format!(
                "↻ retried {}× automatically, {}× by hand",
                r.auto_attempts, r.manual_attempts
            );
            out.push(Line::from(Span::styled(ellipsize(&text, w), STALE)));
        }
        out
    }

    /// The freeze bar text when the inbound transition is disabled.
    fn frozen(&self) -> Option<String> {
        (!self.stage.inbound.enabled).then(|| {
            let reason = self.stage.inbound.disabled_reason.as_deref().unwrap_or("");
            format!("❄ frozen: {reason}")
        })
    }

    /// The content lines for an inner width of `width` cells.
    pub fn lines(&self, inner_width: u16) -> Vec<Line<'static>> {
        let w = usize::from(inner_width);
        let mut out = Vec::new();
        if let Some(text) = self.frozen() {
            let text = ellipsize(&text, w);
            let fill = w.saturating_sub(width(&text));
            out.push(Line::from(Span::styled(
                format!("{text}{}", " ".repeat(fill)),
                FROZEN,
            )));
        }
        out.push(match &self.stage.latest {
            Some(l) => Line::from(vec![
                Span::styled(l.status.as_str(), stage(Some(l.status))),
                Span::styled(format!(" · {}", short_id(&l.pipeline_execution_id)), DIM),
            ]),
            None => Line::from(Span::styled("never run", DIM)),
        });
        for a in &self.stage.actions {
            let status = a.latest.as_ref().map(|l| l.status);
            let (glyph, style) = action(status);
            let status = self.action_status(a);
            let mut first = vec![
                Span::styled(format!("{glyph} "), style),
                Span::styled(a.name.clone(), Style::new().add_modifier(Modifier::BOLD)),
            ];
            // The status follows the name, or goes on its own line when both do not fit.
            if width(&a.name) + width(&status) + 3 <= w {
                first.push(Span::raw(" "));
                first.push(Span::styled(status, style));
                out.push(Line::from(first));
            } else {
                out.push(Line::from(first));
                out.push(Line::from(Span::styled(format!("  {status}"), style)));
            }
            if let Some(err) = a.latest.as_ref().and_then(|l| l.error.as_ref()) {
                let text = format!("{}: {}", err.code, err.message);
                for line in wrap(&text, w.saturating_sub(2), ERROR_LINES) {
                    out.push(Line::from(Span::styled(
                        format!("  {line}"),
                        Style::new().fg(Color::Red),
                    )));
                }
            }
        }
        out.extend(self.v2_lines(w));
        out
    }

    /// Height of the box for a total width of `width` cells (borders included).
    pub fn height(&self, width: u16) -> u16 {
        let n = self.lines(width.saturating_sub(2)).len();
        u16::try_from(n).unwrap_or(u16::MAX).saturating_add(2)
    }

    /// The stage in one line: name, status, the execution it runs when not the latest (unless it
    /// succeeded), `⧗ID` the one waiting to enter (unless a condition holding it says so),
    /// action glyphs, freeze.
    pub fn compact(&self) -> Line<'static> {
        let status = self.status();
        let style = stage(status);
        let mut spans = vec![
            Span::styled(
                format!("{:<12}", self.stage.name),
                style.add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!("{:<11}", status.map_or("never run", StageStatus::as_str)),
                style,
            ),
        ];
        // The execution the stage runs or ran, when it is not the latest the head names and
        // did not succeed (an approval of an older release while a newer one waits behind it).
        if let Some(l) = &self.stage.latest
            && l.status != StageStatus::Succeeded
            && self.latest != Some(l.pipeline_execution_id.as_str())
        {
            spans.push(Span::styled(
                format!("{} ", short_id(&l.pipeline_execution_id)),
                DIM,
            ));
        }
        // What holds the stage comes first (its queue, the execution waiting to enter, a
        // condition in progress or failed): the line has no room for passed conditions, and the
        // actions follow.
        let holding: Vec<ConditionView> = (self.conditions().into_iter())
            .filter(|c| {
                matches!(
                    c.status,
                    Some(ConditionStatus::InProgress | ConditionStatus::Failed)
                )
            })
            .collect();
        if !self.stage.queued.is_empty() {
            spans.push(Span::styled(
                format!("⧗ {} queued  ", self.stage.queued.len()),
                STALE,
            ));
        } else if let Some(waiting) = &self.stage.inbound_execution
            && holding.is_empty()
        {
            // (A condition that holds it says so itself, below.)
            spans.push(Span::styled(
                format!("⧗{}  ", short_id(&waiting.pipeline_execution_id)),
                STALE,
            ));
        }
        for c in &holding {
            spans.push(Span::styled(
                format!("◇ {}  ", c.short_text(self.now)),
                STALE,
            ));
        }
        for a in &self.stage.actions {
            let (glyph, style) = action(a.latest.as_ref().map(|l| l.status));
            spans.push(Span::styled(format!("{glyph} "), style));
            spans.push(Span::raw(format!("{} {}  ", a.name, self.action_status(a))));
        }
        if let Some(text) = self.frozen() {
            spans.insert(0, Span::styled(format!("{text} "), FROZEN));
        }
        Line::from(spans)
    }
}

impl Widget for StageBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let style = stage(self.status());
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(style)
            .title(Span::styled(
                format!(" {} ", self.stage.name),
                style.add_modifier(Modifier::BOLD),
            ));
        let inner = block.inner(area);
        block.render(area, buf);
        Paragraph::new(self.lines(inner.width)).render(inner, buf);
    }
}
