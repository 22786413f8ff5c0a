//! The audit view of the console's actions: reading the log when shown, and the entries the
//! filter lets through; the session's audit file (the demo's apart from the real one).

use crate::app::ops::state::AuditLine;
use crate::app::{Effect, Mode, State, View, poll};
use crate::ops::plan::audit;

/// The audit file of the session: the demo writes and reads its own, never the real one.
pub fn log(state: &State) -> audit::Log {
    let mode = match state.session.mode {
        Mode::Demo => audit::Mode::Demo,
        Mode::Aws => audit::Mode::Aws,
    };
    audit::Log {
        mode,
        path: state.ops.audit_path.clone(),
    }
}

/// The audit file the view reads, as the operator should know it: its path when known, else
/// its name in the state dir.
pub fn audit_file(state: &State) -> String {
    let log = log(state);
    match &log.path {
        Some(p) => p.display().to_string(),
        None => log.mode.file_name().to_string(),
    }
}

pub(in crate::app) fn read_audit(state: &mut State) -> Option<Effect> {
    state.ops.audit.loading = true;
    Some(Effect::ReadAudit { log: log(state) })
}

/// The audit log was read (entries oldest first), or why it could not be.
pub(in crate::app) fn loaded(state: &mut State, result: Result<Vec<AuditLine>, String>) {
    let a = &mut state.ops.audit;
    a.loading = false;
    match result {
        Ok(mut entries) => {
            entries.reverse();
            a.entries = entries;
            a.error = None;
            a.scroll = a.scroll.min(a.entries.len().saturating_sub(1));
        }
        Err(e) => a.error = Some(e),
    }
}

/// Shows the audit view and reads the log (nothing while a dialog is open).
pub(in crate::app) fn show_audit(state: &mut State) -> Vec<Effect> {
    if state.ops.dialog.is_some() {
        return Vec::new();
    }
    if state.view != View::Audit {
        state.filter.clear();
        state.ops.audit.scroll = 0;
    }
    state.view = View::Audit;
    state.overlay = None;
    let mut fx: Vec<Effect> = read_audit(state).into_iter().collect();
    fx.extend(poll::due(state));
    fx
}

/// Entries of the audit view shown under the filter, newest first.
pub fn visible_audit(state: &State) -> Vec<&AuditLine> {
    state
        .ops
        .audit
        .entries
        .iter()
        .filter(|l| {
            let e = &l.0;
            state.matches_filter(&format!(
                "{} {} {} {} {}",
                e.environment, e.action, e.outcome, e.message, e.time
            ))
        })
        .collect()
}
