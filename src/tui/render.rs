//! Drawing `&State` into a frame and mapping mouse clicks back to actions; pure, no I/O.

use super::keymap::KeyMode;
use super::widgets::status::{PROTECTED_BAR, protected};
use super::widgets::{footer, header, tabs, text};
use super::{overlays, views};
use crate::app::{Action, Overlay, PaneMax, State, View};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use std::collections::BTreeMap;

/// Narrowest terminal the views are drawn in.
pub const MIN_WIDTH: u16 = 60;
/// Lowest terminal the views are drawn in.
pub const MIN_HEIGHT: u16 = 15;

/// One row of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    /// Keys, e.g. `q ctrl-c`.
    pub keys: String,
    /// Action name, e.g. `quit`.
    pub action: String,
    /// What it does.
    pub desc: String,
    /// Where it applies, e.g. `views`, `typing`.
    pub context: String,
}

/// Help rows, footer hints and tab keys, generated from the keymap so that what is shown is
/// what is bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hints {
    /// Rows of the help overlay.
    pub help: Vec<HelpEntry>,
    /// The first key of each action, by section and action name (the footer's keys).
    pub keys: BTreeMap<(KeyMode, String), String>,
    /// The key that shows each view, for the tabs.
    pub tabs: Vec<(View, String)>,
}

impl Default for Hints {
    /// The hints of the default keymap (empty if it could not be read, which its tests rule out).
    fn default() -> Self {
        super::keymap::Keymap::load(None)
            .map(|k| super::hints::hints(&k))
            .unwrap_or(Hints {
                help: Vec::new(),
                keys: BTreeMap::new(),
                tabs: Vec::new(),
            })
    }
}

/// Where the parts of the screen go: header (row 0), the credentials banner while there is one,
/// tabs, body, footer (last row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The header line.
    pub header: Rect,
    /// The credentials banner (no rows when there is none).
    pub banner: Rect,
    /// The tabs line.
    pub tabs: Rect,
    /// The view, with its border.
    pub body: Rect,
    /// The footer line (status, hints, or the `:` / `/` prompt).
    pub footer: Rect,
}

impl Areas {
    /// The layout of `area` without a banner; `None` when it is smaller than
    /// [`MIN_WIDTH`]×[`MIN_HEIGHT`].
    pub fn new(area: Rect) -> Option<Areas> {
        Areas::with_banner(area, 0)
    }

    /// The layout of `area` for `state`: with the credentials banner's rows while there is one.
    pub fn of(area: Rect, state: &State) -> Option<Areas> {
        Areas::with_banner(area, banner(state, area).len() as u16)
    }

    /// The layout of `area` with `banner` rows under the header.
    fn with_banner(area: Rect, banner: u16) -> Option<Areas> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let line = |y: u16| Rect::new(area.x, y, area.width, 1);
        let bottom = area.bottom().saturating_sub(1);
        let tabs = area.y.saturating_add(1).saturating_add(banner);
        Some(Areas {
            header: line(area.y),
            banner: Rect::new(area.x, area.y.saturating_add(1), area.width, banner),
            tabs: line(tabs),
            body: Rect::new(
                area.x,
                tabs.saturating_add(1),
                area.width,
                area.height.saturating_sub(3).saturating_sub(banner),
            ),
            footer: line(bottom),
        })
    }
}

/// The credentials banner's lines for a screen of `area`: up to 4 rows, 2 on a short screen.
fn banner(state: &State, area: Rect) -> Vec<String> {
    let rows = if area.height >= 24 { 4 } else { 2 };
    header::banner_lines(state, area.width, rows)
}

/// The bordered block around the view: thick and red while a protected environment is selected.
pub fn body_block(state: &State) -> Block<'static> {
    let title = views::title(state);
    let block = Block::bordered().title(Span::styled(
        format!(" {title} "),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    match state.selected_env().filter(|_| protected(state)) {
        Some(env) => block
            .border_type(BorderType::Thick)
            .border_style(Style::new().fg(Color::Red))
            .title_top(
                Span::styled(header::protected_label(&env.spec.name), PROTECTED_BAR)
                    .into_right_aligned_line(),
            ),
        None => block.border_style(Style::new().fg(Color::DarkGray)),
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let msg = format!(
        "terminal too small ({}x{}); need at least {MIN_WIDTH}×{MIN_HEIGHT}",
        area.width, area.height
    );
    let lines =
        u16::try_from(text::width(&msg) / usize::from(area.width.max(1)) + 1).unwrap_or(u16::MAX);
    let rect = text::centered(area, area.width, lines);
    let p = Paragraph::new(msg)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(p, rect);
}

/// Draws the whole screen for `state`.
pub fn draw(frame: &mut Frame, state: &State, hints: &Hints) {
    let area = frame.area();
    let Some(areas) = Areas::of(area, state) else {
        too_small(frame, area);
        return;
    };
    header::render(frame, state, areas.header);
    if areas.banner.height > 0 {
        header::render_banner(frame, &banner(state, area), areas.banner);
    }
    tabs::render(frame, state, hints, areas.tabs);
    let block = body_block(state);
    let inner = block.inner(areas.body);
    frame.render_widget(block, areas.body);
    views::render(frame, state, inner);
    match &state.overlay {
        None => footer::render(frame, state, hints, areas.footer),
        Some(Overlay::Help) => {
            footer::render(frame, state, hints, areas.footer);
            overlays::help::render(frame, state, hints, areas.body);
        }
        Some(Overlay::Command(line)) => overlays::command::render(frame, line, &areas),
        Some(Overlay::Filter(line)) => overlays::command::render_filter(frame, state, line, &areas),
        Some(Overlay::Search(line)) => overlays::command::render_search(frame, state, line, &areas),
        Some(Overlay::ReplaceFile(q)) => overlays::command::render_replace(frame, q, &areas),
        Some(Overlay::Trace(t)) => {
            footer::render(frame, state, hints, areas.footer);
            overlays::trace::render(frame, state, t, areas.body);
        }
        Some(Overlay::Systems) => {
            footer::render(frame, state, hints, areas.footer);
            overlays::systems::render(frame, state, areas.body);
        }
    }
    overlays::dialog::render(frame, state, hints, areas.body);
    overlays::sign_in::render(frame, state, areas.body);
}

/// The action of a left click at (`column`, `row`) on a screen of `area`, drawn as [`draw`] does
/// with `hints`: a tab shows its view, a list row selects it. Nothing while typing in a prompt.
pub fn hit_test(state: &State, hints: &Hints, area: Rect, column: u16, row: u16) -> Option<Action> {
    let areas = Areas::of(area, state)?;
    if matches!(
        state.overlay,
        Some(
            Overlay::Command(_) | Overlay::Filter(_) | Overlay::Search(_) | Overlay::ReplaceFile(_)
        )
    ) {
        return None;
    }
    if row == areas.tabs.y {
        return tabs::hit(state, hints, areas.tabs, column).map(Action::Show);
    }
    if state.overlay.is_some() || state.ops.dialog.is_some() {
        return None;
    }
    let inner = body_block(state).inner(areas.body);
    views::list_geometry(state, inner)?
        .row_at(column, row)
        .map(Action::SelectRow)
}

/// The [`Action::PageRows`] a screen of `area` calls for: the rows [`draw`] would show in the
/// Logs or Traffic list, when one is on screen and the core does not know it yet; first the
/// [`Action::PlanRows`] of an open dialog's plan area, likewise.
pub fn page_rows(state: &State, area: Rect) -> Option<Action> {
    let areas = Areas::of(area, state)?;
    if let Some(d) = &state.ops.dialog
        && let Some(rows) = overlays::dialog::plan_rows(state, areas.body)
        && d.rows != Some(rows)
    {
        return Some(Action::PlanRows {
            shown: rows.shown,
            total: rows.total,
        });
    }
    let inner = body_block(state).inner(areas.body);
    let (rows, known) = match state.view {
        View::Logs => (views::logs::page_rows(state, inner), state.logs.page),
        View::Traffic => (views::traffic::page_rows(state, inner), state.traffic.page),
        _ => return None,
    };
    (rows != known).then_some(Action::PageRows(rows))
}

/// The [`Action::PaneRows`] a screen of `area` calls for: how far the detail pane [`draw`] would
/// show can scroll, when one is on screen and the core does not know it yet. An event of the Logs
/// view (which may be 256 KB) is laid out whole only when it or the pane's size changed.
pub fn pane_rows(state: &State, area: Rect) -> Option<Action> {
    let areas = Areas::of(area, state)?;
    let inner = body_block(state).inner(areas.body);
    let subject = state.pane_subject()?;
    let pane = views::pane_area(state, inner)?;
    let size = (pane.width, pane.height);
    let known = state.pane.max.as_ref();
    if state.view == View::Logs && known.is_some_and(|m| m.subject == subject && m.size == size) {
        return None;
    }
    let (rows, total) = views::pane(state, inner)?;
    let max = PaneMax {
        subject,
        rows: super::widgets::pane::max_scroll(total, usize::from(rows.height)),
        size,
    };
    (known != Some(&max)).then_some(Action::PaneRows(max))
}

/// The [`Action::OverlayRows`] a screen of `area` calls for: how far the open help or trace
/// overlay can scroll, when the core does not know it yet.
pub fn overlay_rows(state: &State, hints: &Hints, area: Rect) -> Option<Action> {
    let areas = Areas::of(area, state)?;
    let max = match &state.overlay {
        Some(Overlay::Help) => overlays::help::max_scroll(state, hints, areas.body),
        Some(Overlay::Trace(t)) => overlays::trace::max_scroll(state, t, areas.body),
        _ => return None,
    };
    (state.help_max != Some(max)).then_some(Action::OverlayRows(max))
}

/// Rows the wheel moves a list that scrolls (the Logs events, the help) or a detail pane.
const WHEEL_ROWS: usize = 3;

/// The actions of a turn of the mouse wheel (`down` or up) with the pointer at (`column`, `row`)
/// on a screen of `area`: the detail pane under the pointer scrolls; else the help, or the
/// current view's list, moves (a list with a selection one row, the Logs events three). Nothing
/// while typing in a prompt or while a dialog is open.
pub fn wheel(state: &State, area: Rect, column: u16, row: u16, down: bool) -> Vec<Action> {
    let Some(areas) = Areas::of(area, state) else {
        return Vec::new();
    };
    if state.ops.dialog.is_some() || state.ops.picker.is_some() {
        return Vec::new();
    }
    let line = if down { Action::Down } else { Action::Up };
    match state.overlay {
        None => {}
        Some(Overlay::Help | Overlay::Trace(_)) => return vec![line; WHEEL_ROWS],
        Some(_) => return Vec::new(),
    }
    let inner = body_block(state).inner(areas.body);
    let at = ratatui::layout::Position::new(column, row);
    if let Some(pane) = views::pane_area(state, inner)
        && pane.contains(at)
    {
        let n = WHEEL_ROWS as isize;
        return vec![Action::ScrollPane(if down { n } else { -n })];
    }
    let rows = if state.view == View::Logs {
        WHEEL_ROWS
    } else {
        1
    };
    vec![line; rows]
}
