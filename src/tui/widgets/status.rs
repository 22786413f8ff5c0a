//! Colours and glyphs of statuses, coloured like the AWS console, and the shared styles.

use crate::app::{Level, PipelineHealth, State};
use crate::domain::{ActionStatus, ExecutionStatus, StageStatus};
use ratatui::style::{Color, Modifier, Style};

/// Style of a protected environment's name.
pub const PROTECTED: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);

/// Style of the header and body border while a protected environment is selected.
pub const PROTECTED_BAR: Style = Style::new()
    .fg(Color::White)
    .bg(Color::Red)
    .add_modifier(Modifier::BOLD);

/// Style of the selected row of a list.
pub const SELECTED: Style = Style::new().add_modifier(Modifier::REVERSED);

/// Style of table headers.
pub const HEADER: Style = Style::new()
    .fg(Color::Gray)
    .add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED));

/// Style of secondary text.
pub const DIM: Style = Style::new().fg(Color::DarkGray);

/// Style of a stale or throttled marker.
pub const STALE: Style = Style::new().fg(Color::Yellow);

/// Style of a frozen (disabled transition) marker.
pub const FROZEN: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Cyan)
    .add_modifier(Modifier::BOLD);

/// The marker after a protected environment's name.
pub const PROTECTED_MARK: &str = "⚑";

/// Whether the selected environment is protected.
pub fn protected(state: &State) -> bool {
    state.selected_env().is_some_and(|e| e.spec.protected)
}

/// Style of an environment name.
pub fn env_name_style(protected: bool) -> Style {
    if protected {
        PROTECTED
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// An environment name with its protected marker.
pub fn env_label(name: &str, protected: bool) -> String {
    if protected {
        format!("{name} {PROTECTED_MARK}")
    } else {
        name.to_string()
    }
}

/// Glyph and style of a pipeline's health.
pub fn health(h: PipelineHealth) -> (&'static str, Style) {
    match h {
        PipelineHealth::Unknown => ("○", DIM),
        PipelineHealth::Stopped => ("■", DIM),
        PipelineHealth::Running => ("●", Style::new().fg(Color::Blue)),
        PipelineHealth::AwaitingApproval => (
            "◆",
            Style::new()
                .fg(Color::LightYellow)
                .add_modifier(Modifier::BOLD),
        ),
        PipelineHealth::Succeeded => ("✔", Style::new().fg(Color::Green)),
        PipelineHealth::Failed => (
            "✖",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ),
    }
}

/// Glyph and style of an execution status.
pub fn execution(s: ExecutionStatus) -> (&'static str, Style) {
    match s {
        ExecutionStatus::InProgress | ExecutionStatus::Stopping => {
            ("●", Style::new().fg(Color::Blue))
        }
        ExecutionStatus::Succeeded => ("✔", Style::new().fg(Color::Green)),
        ExecutionStatus::Failed => ("✖", Style::new().fg(Color::Red)),
        ExecutionStatus::Cancelled | ExecutionStatus::Stopped | ExecutionStatus::Superseded => {
            ("■", DIM)
        }
    }
}

/// Glyph and style of an action status (`None`: never run).
pub fn action(s: Option<ActionStatus>) -> (&'static str, Style) {
    match s {
        None => ("○", DIM),
        Some(ActionStatus::InProgress) => ("●", Style::new().fg(Color::Blue)),
        Some(ActionStatus::Succeeded) => ("✔", Style::new().fg(Color::Green)),
        Some(ActionStatus::Failed) => ("✖", Style::new().fg(Color::Red)),
        Some(ActionStatus::Abandoned) => ("■", DIM),
    }
}

/// Style of a stage box border by the stage status (`None`: never run).
pub fn stage(s: Option<StageStatus>) -> Style {
    match s {
        None | Some(StageStatus::Cancelled | StageStatus::Skipped | StageStatus::Stopped) => DIM,
        Some(StageStatus::InProgress | StageStatus::Stopping) => Style::new().fg(Color::Blue),
        Some(StageStatus::Succeeded) => Style::new().fg(Color::Green),
        Some(StageStatus::Failed) => Style::new().fg(Color::Red),
    }
}

/// Style of a status-bar message.
pub fn level(l: Level) -> Style {
    match l {
        Level::Info => Style::new().fg(Color::Green),
        Level::Warn => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        Level::Error => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    }
}
