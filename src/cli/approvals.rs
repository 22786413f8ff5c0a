//! `shipdeck approvals`: pending manual approvals across environments. An environment whose
//! pipeline state could not be read is reported as unknown (exit 1), never as "no approvals".

use super::{Answer, Failure, Global, Output, columns, json, load, report};
use crate::app::State;
use crate::domain::human;
use serde::Serialize;

#[derive(Serialize)]
struct ApprovalsReport {
    now: String,
    /// Every pending approval, oldest first; `null` when an environment could not be read.
    pending_approvals: Option<Vec<report::ApprovalReport>>,
    /// When some environment could not be read: the approvals of those that could.
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_approvals_read: Option<Vec<report::ApprovalReport>>,
    /// What could not be read.
    errors: Vec<report::ErrorReport>,
}

/// The approvals as a table, then one line per environment whose approvals are unknown
/// (shared with `status`).
pub fn table(state: &State) -> String {
    let approvals = state.approvals();
    let unknown = report::unknown_approvals(state);
    let mut out = String::new();
    if approvals.is_empty() {
        out.push_str(if unknown.is_empty() {
            "No pending approvals.\n"
        } else {
            "No pending approvals in the environments that could be read.\n"
        });
    } else {
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
        out.push_str(&columns(&rows));
    }
    for e in &unknown {
        out.push_str(&format!(
            "{}: pending approvals unknown: {}\n",
            e.environment, e.error
        ));
    }
    out
}

/// Prints pending approvals; exit 1 when an environment's approvals are unknown.
pub async fn run(global: &Global, output: Output) -> Result<Answer, Failure> {
    let app = load(global).await?;
    let state = &app.state;
    let errors = report::unknown_approvals(state);
    let unknowns = errors.len();
    if output == Output::Json {
        let read: Vec<_> = state
            .approvals()
            .iter()
            .map(|a| report::approval(a, state))
            .collect();
        let (pending_approvals, pending_approvals_read) = if errors.is_empty() {
            (Some(read), None)
        } else {
            (None, Some(read))
        };
        let text = json(&ApprovalsReport {
            now: state.now.rfc3339(),
            pending_approvals,
            pending_approvals_read,
            errors,
        })?;
        return Ok(Answer::with_unknowns(text, unknowns));
    }
    Ok(Answer::with_unknowns(table(state), unknowns))
}
