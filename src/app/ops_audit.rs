//! The audit view of the console's actions: reading the log when shown, and the entries the
//! filter lets through.

use super::ops_state::AuditLine;
use super::{Effect, State, View, poll};

pub(super) fn read_audit(state: &mut State) -> Option<Effect> {
    state.ops.audit.loading = true;
    Some(Effect::ReadAudit {
        path: state.ops.audit_path.clone(),
    })
}

pub(super) fn show_audit(state: &mut State) -> Vec<Effect> {
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
