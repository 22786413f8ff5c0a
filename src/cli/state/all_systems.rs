//! `shipdeck status` over several systems (`[[systems]]`, no `--system`): each system loaded as
//! `--system NAME` would load it, shown one after the other; a system that cannot be read is
//! said unknown, with its reason, and the others still show.

use super::report;
use super::report::{ErrorReport, StatusReport};
use crate::cli::{Answer, Failure, Global, Output, json, load_with};

/// Every system of `names`, grouped: a titled block of text each, or one JSON report whose
/// environments, approvals and errors each carry their `system`.
pub async fn run(global: &Global, output: Output, names: &[String]) -> Result<Answer, Failure> {
    let loads = names.iter().map(|name| {
        let global = crate::cli::systems::narrowed(global, name);
        async move { load_with(&global, true).await }
    });
    let loaded = futures::future::join_all(loads).await;
    let mut text = String::new();
    let mut merged: Option<StatusReport> = None;
    let mut failed: Vec<ErrorReport> = Vec::new();
    for (name, load) in names.iter().zip(loaded) {
        text.push_str(&format!("== system {name} ==\n"));
        let app = match load {
            Ok(app) => app,
            Err(f) => {
                text.push_str(&format!("unknown: {}\n\n", f.message));
                failed.push(ErrorReport {
                    system: Some(name.clone()),
                    environment: String::new(),
                    unknown: "system",
                    error: f.message,
                });
                continue;
            }
        };
        let one = report::status(&app.state);
        text.push_str(&super::status::text(&app.state, &one));
        text.push('\n');
        merged = Some(match merged {
            None => one,
            Some(all) => merge(all, one),
        });
    }
    let unknowns = failed.len() + merged.as_ref().map_or(0, |r| r.errors.len());
    if output == Output::Table {
        return Ok(Answer::with_unknowns(text, unknowns));
    }
    let Some(mut all) = merged else {
        // No system could be read at all: nothing to show but why.
        let why: Vec<String> = (failed.iter())
            .map(|f| format!("system {}: {}", f.system.as_deref().unwrap_or(""), f.error))
            .collect();
        return Err(Failure::new(why.join("\n")));
    };
    if !failed.is_empty() {
        // A system not read: its approvals are unknown, so the list is of those read.
        if let Some(read) = all.pending_approvals.take() {
            all.pending_approvals_read = Some(read);
        }
    }
    all.errors.extend(failed);
    Ok(Answer::with_unknowns(json(&all)?, unknowns))
}

/// Two systems' reports as one: environments, approvals and errors one after the other (each
/// names its system); the approvals list is complete only when both are.
fn merge(mut all: StatusReport, one: StatusReport) -> StatusReport {
    all.environments.extend(one.environments);
    all.errors.extend(one.errors);
    if all.identity != one.identity {
        // Each environment says its own account and caller.
        all.identity = None;
    }
    let read = |r: (Option<Vec<_>>, Option<Vec<_>>)| r.0.or(r.1).unwrap_or_default();
    let complete = all.pending_approvals.is_some() && one.pending_approvals.is_some();
    let mut approvals = read((
        all.pending_approvals.take(),
        all.pending_approvals_read.take(),
    ));
    approvals.extend(read((one.pending_approvals, one.pending_approvals_read)));
    if complete {
        all.pending_approvals = Some(approvals);
    } else {
        all.pending_approvals_read = Some(approvals);
    }
    all
}
