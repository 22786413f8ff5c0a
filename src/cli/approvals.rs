//! `shipdeck approvals`: pending manual approvals across environments.

use super::{Failure, Global, Output, columns, json, load, report};
use crate::app::State;
use crate::domain::human;
use serde::Serialize;

#[derive(Serialize)]
struct ApprovalsReport {
    now: String,
    pending_approvals: Vec<report::ApprovalReport>,
}

/// The approvals as a table (shared with `status`).
pub fn table(state: &State) -> String {
    let approvals = state.approvals();
    if approvals.is_empty() {
        return "No pending approvals.\n".to_string();
    }
    let mut rows = vec![
        [
            "ENV",
            "VERSION",
            "COMMIT",
            "BY",
            "TRIGGERED BY",
            "WAITING",
            "EXPIRES IN",
            "EXECUTION",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for a in &approvals {
        let dash = || "-".to_string();
        rows.push(vec![
            a.environment.clone(),
            a.release
                .as_ref()
                .map_or_else(dash, |r| r.version.to_string()),
            a.release
                .as_ref()
                .map_or_else(dash, |r| r.short_commit().to_string()),
            a.release.as_ref().map_or_else(dash, |r| r.actor.clone()),
            a.triggered_by.clone().unwrap_or_else(dash),
            human(state.now.since(a.waiting_since)),
            human(a.time_left(state.now)),
            a.execution_id.clone(),
        ]);
    }
    columns(&rows)
}

/// Prints pending approvals.
pub async fn run(global: &Global, output: Output) -> Result<String, Failure> {
    let app = load(global).await?;
    let state = &app.state;
    if output == Output::Json {
        let pending_approvals = state
            .approvals()
            .iter()
            .map(|a| report::approval(a, state))
            .collect();
        return json(&ApprovalsReport {
            now: state.now.rfc3339(),
            pending_approvals,
        });
    }
    Ok(table(state))
}
