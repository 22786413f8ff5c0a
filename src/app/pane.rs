//! Scrolling the detail pane on screen (the Traffic record, the Logs event, the approval, the run
//! of the execution detail): one offset, kept with the subject it was scrolled on so that a pane
//! showing something else starts at its top, and held within how far the pane can scroll once
//! the terminal loop has said so.

use super::{State, View};

/// The scroll of the detail pane.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaneScroll {
    /// What the pane showed when it was scrolled ([`State::pane_subject`]).
    pub subject: String,
    /// Rows scrolled past the top.
    pub offset: usize,
    /// How far the pane on screen can scroll (from [`super::Action::PaneRows`]; `None` until the
    /// terminal loop has said).
    pub max: Option<PaneMax>,
}

/// How far the detail pane can scroll, as the terminal loop worked it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneMax {
    /// The subject it was worked out for ([`State::pane_subject`]).
    pub subject: String,
    /// Rows it can scroll.
    pub rows: usize,
    /// The pane's size then, inside its frame: (width, height).
    pub size: (u16, u16),
}

impl State {
    /// What the detail pane on screen shows, if one is: the run of the execution detail, the
    /// selected approval, the Logs event or the Traffic record whose detail is open.
    pub fn pane_subject(&self) -> Option<String> {
        match self.view {
            View::Pipeline => {
                let d = self.execution.as_ref()?;
                let shown = !self.execution_rows().is_empty();
                shown.then(|| format!("run {} {}", d.execution.id, d.row))
            }
            View::Approvals => {
                let a = self
                    .visible_approvals()
                    .into_iter()
                    .nth(self.approval_row)?;
                Some(format!("approval {} {}", a.environment, a.execution_id))
            }
            View::Logs => {
                let (group, id) = self.logs.detail.as_ref()?;
                Some(format!("event {group} {id}"))
            }
            View::Traffic if self.traffic.detail => {
                Some(format!("record {}", self.traffic.selected_seq()?))
            }
            View::Environments
            | View::Traffic
            | View::Audit
            | View::Runs
            | View::Attention
            | View::Map => None,
        }
    }

    /// How far the detail pane on screen is scrolled: 0 for a subject it was not scrolled on.
    pub fn pane_offset(&self) -> usize {
        match self.pane_subject() {
            Some(s) if s == self.pane.subject => self.pane.offset,
            _ => 0,
        }
    }

    /// Scrolls the detail pane on screen by `delta` rows (down when positive), not past its end
    /// once that is known.
    pub(super) fn scroll_pane(&mut self, delta: isize) {
        let Some(subject) = self.pane_subject() else {
            return;
        };
        let offset = self.pane_offset().saturating_add_signed(delta);
        let max = match &self.pane.max {
            Some(m) if m.subject == subject => m.rows,
            _ => usize::MAX,
        };
        self.pane.offset = offset.min(max);
        self.pane.subject = subject;
    }

    /// The terminal loop says how far the pane can scroll.
    pub(super) fn pane_rows(&mut self, max: PaneMax) {
        if self.pane.subject == max.subject {
            self.pane.offset = self.pane.offset.min(max.rows);
        }
        self.pane.max = Some(max);
    }

    /// How many rows the pane showing its current subject at `size` takes, when the terminal
    /// loop has worked it out.
    pub fn pane_total(&self, size: (u16, u16)) -> Option<usize> {
        let m = self.pane.max.as_ref()?;
        let subject = self.pane_subject()?;
        (m.subject == subject && m.size == size).then(|| m.rows + usize::from(size.1))
    }
}
