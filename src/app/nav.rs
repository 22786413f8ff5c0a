//! Lists and selection: which rows each view shows under the filter, and moving through them.

use super::{State, View};
use crate::domain::{Approval, ExecutionSummary};

/// The text a filter matches against for an execution row.
pub fn execution_row_text(e: &ExecutionSummary) -> String {
    let version = e
        .release()
        .map(|r| format!("{} {} {}", r.version, r.commit, r.actor));
    format!(
        "{} {} {} {}",
        e.id,
        e.status.as_str(),
        version.unwrap_or_default(),
        e.trigger.actor()
    )
}

/// The text a filter matches against for an approval row.
pub fn approval_row_text(a: &Approval) -> String {
    let release = a
        .release
        .as_ref()
        .map(|r| format!("{} {} {}", r.version, r.commit, r.actor));
    format!(
        "{} {} {} {}",
        a.environment,
        a.pipeline,
        release.unwrap_or_default(),
        a.triggered_by.clone().unwrap_or_default()
    )
}

impl State {
    /// Indices of the environments shown under the filter.
    pub fn visible_envs(&self) -> Vec<usize> {
        (0..self.envs.len())
            .filter(|&i| {
                let s = self.summary(i);
                let text = s.map(|s| {
                    let v = s.deployed.version_text();
                    format!("{} {} {}", s.name, v, s.health.label())
                });
                text.is_some_and(|t| self.matches_filter(&t))
            })
            .collect()
    }

    /// Indices into the selected environment's executions shown under the filter.
    pub fn visible_history(&self) -> Vec<usize> {
        let Some(env) = self.selected_env() else {
            return Vec::new();
        };
        (0..env.executions.len())
            .filter(|&i| self.matches_filter(&execution_row_text(&env.executions[i])))
            .collect()
    }

    /// Pending approvals shown under the filter, oldest first.
    pub fn visible_approvals(&self) -> Vec<Approval> {
        self.approvals()
            .into_iter()
            .filter(|a| self.matches_filter(&approval_row_text(a)))
            .collect()
    }

    /// Number of log events shown under the filter.
    pub fn visible_log_count(&self) -> usize {
        self.visible_log_rows().len()
    }

    /// Position of the current selection among the visible rows of the current view.
    pub fn selected_row(&self) -> Option<usize> {
        match self.view {
            View::Environments => self.visible_envs().iter().position(|&i| i == self.selected),
            View::Pipeline => self
                .visible_history()
                .iter()
                .position(|&i| i == self.history_row),
            View::Approvals => {
                let n = self.visible_approvals().len();
                (self.approval_row < n).then_some(self.approval_row)
            }
            View::Runs => Some(self.runs.open.as_ref().map_or(self.runs.row, |o| o.job)),
            View::Attention => Some(self.attention.row),
            View::Map => Some(self.map.node),
            View::Logs | View::Traffic | View::Audit => None,
        }
    }

    /// Moves the selection to visible row `row` (clamped) of the current view.
    pub(super) fn select_row(&mut self, row: usize) {
        match self.view {
            View::Environments => {
                let rows = self.visible_envs();
                if let Some(&i) = rows.get(row.min(rows.len().saturating_sub(1))) {
                    self.select_env(i);
                }
            }
            View::Pipeline => {
                let rows = self.visible_history();
                if let Some(&i) = rows.get(row.min(rows.len().saturating_sub(1))) {
                    self.history_row = i;
                }
            }
            View::Approvals => {
                let n = self.visible_approvals().len();
                self.approval_row = row.min(n.saturating_sub(1));
            }
            View::Runs => {
                let jobs = self.runs.open_jobs();
                match self.runs.open.as_mut() {
                    Some(o) => o.job = row.min(jobs.saturating_sub(1)),
                    None => {
                        let n = self.runs.rows().len();
                        self.runs.row = row.min(n.saturating_sub(1));
                    }
                }
            }
            View::Attention => {
                let n = super::attention::rows(self).len();
                self.attention.row = row.min(n.saturating_sub(1));
            }
            View::Map => self.map.node = row.min(super::health::NODES - 1),
            View::Logs | View::Traffic | View::Audit => {}
        }
    }

    /// Moves the selection by `delta` visible rows; in the logs view, scrolls instead.
    pub(super) fn move_selection(&mut self, delta: isize) {
        if self.view == View::Logs {
            let max = self.max_log_scroll(self.visible_log_count());
            self.logs.scroll = self.logs.scroll.saturating_add_signed(-delta).min(max);
            return;
        }
        if self.view == View::Audit {
            let max = self.ops.audit.entries.len().saturating_sub(1);
            self.ops.audit.scroll = self.ops.audit.scroll.saturating_add_signed(delta).min(max);
            return;
        }
        let current = self.selected_row().unwrap_or(0) as isize;
        self.select_row((current + delta).max(0) as usize);
    }

    /// Selects environment `index`, resetting what belonged to the previous one.
    pub(super) fn select_env(&mut self, index: usize) {
        if index >= self.envs.len() || index == self.selected {
            return;
        }
        self.selected = index;
        self.drop_left_behind();
        self.ops.dialog = None; // no confirmation survives an environment switch
        self.history_row = 0;
        self.close_execution();
        self.logs.scroll = 0;
    }
}
