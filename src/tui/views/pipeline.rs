//! The selected environment's pipeline: its execution mode, the latest execution (a rollback with
//! its target), its stages as boxes (queues, conditions, retries), and the history.

use super::history;
use crate::app::{EnvView, State};
use crate::domain::{ExecutionType, PipelineType, StageDef, human};
use crate::tui::widgets::stage_box::StageBox;
use crate::tui::widgets::status::{DIM, FROZEN, execution};
use crate::tui::widgets::table::ListGeom;
use crate::tui::widgets::text::{fit_line, short_id};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Rows kept for the history at least (rule, header, three rows).
const HISTORY_MIN: u16 = 5;
/// Narrowest stage box when laid out left to right.
const BOX_MIN_WIDTH: u16 = 24;

/// How the stages are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageMode {
    /// Boxes left to right, each `width` wide.
    Row {
        /// Width of one box.
        width: u16,
    },
    /// Boxes top to bottom.
    Column,
    /// One line per stage.
    Compact,
}

/// Where the parts of the pipeline view go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineLayout {
    /// The latest execution's title lines.
    pub head: Rect,
    /// The stages.
    pub stages: Rect,
    /// How the stages are drawn.
    pub mode: StageMode,
    /// The history section.
    pub history: Rect,
}

fn boxes<'a>(state: &State, env: &'a EnvView) -> Vec<StageBox<'a>> {
    let Some(ps) = &env.state else {
        return Vec::new();
    };
    ps.stages
        .iter()
        .map(|stage| StageBox {
            stage,
            def: env
                .def
                .as_ref()
                .and_then(|d| d.stages.iter().find(|s: &&StageDef| s.name == stage.name)),
            now: state.now,
            latest: env.executions.first().map(|e| e.id.as_str()),
        })
        .collect()
}

fn cut(area: Rect, top: u16) -> (Rect, Rect) {
    let top = top.min(area.height);
    (
        Rect {
            height: top,
            ..area
        },
        Rect {
            y: area.y.saturating_add(top),
            height: area.height - top,
            ..area
        },
    )
}

/// The layout of the view in `inner`; deterministic so that clicks map back to rows.
pub fn layout(state: &State, inner: Rect) -> PipelineLayout {
    let (head, rest) = cut(inner, if inner.height >= 12 { 2 } else { 1 });
    let avail = rest.height.saturating_sub(HISTORY_MIN);
    let all = state
        .selected_env()
        .map(|env| boxes(state, env))
        .unwrap_or_default();
    let n = u16::try_from(all.len()).unwrap_or(u16::MAX);
    let (height, mode) = if n == 0 {
        (avail.min(1), StageMode::Compact)
    } else {
        let gaps = n - 1;
        let row_width = rest.width.saturating_sub(gaps) / n;
        let compact = (n.min(avail), StageMode::Compact);
        if row_width >= BOX_MIN_WIDTH {
            let tallest = all.iter().map(|b| b.height(row_width)).max().unwrap_or(0);
            match tallest.min(avail) {
                h if h >= 3 => (h, StageMode::Row { width: row_width }),
                _ => compact,
            }
        } else {
            let total = all
                .iter()
                .fold(0u16, |sum, b| sum.saturating_add(b.height(rest.width)));
            if total <= avail {
                (total, StageMode::Column)
            } else {
                compact
            }
        }
    };
    let (stages, history) = cut(rest, height);
    PipelineLayout {
        head,
        stages,
        mode,
        history,
    }
}

/// Body title.
pub fn title(state: &State) -> String {
    match state.selected_env() {
        Some(env) => format!("Pipeline · {} · {}", env.spec.name, env.spec.pipeline),
        None => "Pipeline".into(),
    }
}

/// Where the history rows are.
pub fn geometry(state: &State, inner: Rect) -> Option<ListGeom> {
    state.selected_env()?;
    Some(history::geometry(state, layout(state, inner).history))
}

fn head_lines(state: &State, env: &EnvView, two: bool) -> Vec<Line<'static>> {
    let Some(e) = env.executions.first() else {
        return vec![Line::from(Span::styled("No executions yet.", DIM))];
    };
    let (glyph, style) = execution(e.status);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut first = vec![
        Span::styled("latest ", DIM),
        Span::styled(short_id(&e.id).to_string(), bold),
        Span::raw(" "),
        Span::styled(format!("{glyph} {}", e.status.as_str()), style),
    ];
    let release = match e.release() {
        Some(r) => format!("{} ({}) by {}", r.version, r.short_commit(), r.actor),
        None => "unknown release".into(),
    };
    let (ran, running) = e.ran(state.now);
    let mut second = vec![
        Span::styled("release ", DIM),
        Span::styled(release, bold),
        Span::styled(" · started ", DIM),
        Span::raw(e.start.short()),
        Span::styled(
            if running {
                " · running for "
            } else {
                " · took "
            },
            DIM,
        ),
        Span::raw(human(ran)),
        Span::styled(" · triggered by ", DIM),
        Span::raw(e.trigger.actor().to_string()),
    ];
    if e.execution_type == ExecutionType::Rollback {
        let target = e.rollback_target.as_deref().map_or("?", short_id);
        first.push(Span::styled(
            format!(" · ↶ rollback to {target}"),
            Style::new().fg(Color::Magenta),
        ));
    }
    if let Some(summary) = e.summary_in(env.state.as_ref()) {
        first.push(Span::styled(
            format!(" · {summary}"),
            Style::new().fg(Color::Red),
        ));
    }
    // The pipeline's execution mode (V2), after what matters more.
    if let Some(def) = env
        .def
        .as_ref()
        .filter(|d| d.pipeline_type == Some(PipelineType::V2))
    {
        first.push(Span::styled(" · mode ", DIM));
        first.push(Span::raw(def.execution_mode.as_str()));
    }
    if two {
        vec![Line::from(first), Line::from(second)]
    } else {
        first.push(Span::styled(" · ", DIM));
        first.append(&mut second);
        vec![Line::from(first)]
    }
}

fn render_stages(frame: &mut Frame, all: &[StageBox<'_>], area: Rect, mode: StageMode) {
    match mode {
        StageMode::Row { width } => {
            let mut x = area.x;
            for (i, b) in all.iter().enumerate() {
                let w = width.min(area.right().saturating_sub(x));
                frame.render_widget(*b, Rect::new(x, area.y, w, area.height));
                x = x.saturating_add(w);
                if i + 1 < all.len() && x < area.right() {
                    let frozen = all.get(i + 1).is_some_and(|n| !n.stage.inbound.enabled);
                    let (glyph, style) = if frozen {
                        ("❄", FROZEN)
                    } else {
                        ("▶", DIM)
                    };
                    let mid = Rect::new(x, area.y.saturating_add(area.height / 2), 1, 1);
                    frame.render_widget(Span::styled(glyph, style), mid.intersection(area));
                    x = x.saturating_add(1);
                }
            }
        }
        StageMode::Column => {
            let mut y = area.y;
            for b in all {
                let h = b.height(area.width).min(area.bottom().saturating_sub(y));
                frame.render_widget(*b, Rect::new(area.x, y, area.width, h));
                y = y.saturating_add(h);
            }
        }
        StageMode::Compact => {
            let lines: Vec<Line> = all.iter().map(StageBox::compact).collect();
            frame.render_widget(Paragraph::new(lines), area);
        }
    }
}

/// Draws the pipeline view.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    let Some(env) = state.selected_env() else {
        frame.render_widget(
            Paragraph::new(Span::styled("No environment selected.", DIM)),
            inner,
        );
        return;
    };
    let l = layout(state, inner);
    let two = l.head.height >= 2;
    let head: Vec<Line> = head_lines(state, env, two)
        .into_iter()
        .map(|line| fit_line(line, usize::from(l.head.width)))
        .collect();
    frame.render_widget(Paragraph::new(head), l.head);
    let all = boxes(state, env);
    if all.is_empty() {
        let msg = match &env.refresh.error {
            Some(s) => format!("Pipeline state not loaded: {}", s.error),
            None => "Loading the pipeline state…".to_string(),
        };
        frame.render_widget(Paragraph::new(Span::styled(msg, DIM)), l.stages);
    } else {
        render_stages(frame, &all, l.stages, l.mode);
    }
    history::render(frame, state, l.history);
}
