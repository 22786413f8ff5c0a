//! `shipdeck approvals`: pending manual approvals across environments — of every system when the
//! configuration names several and `--system` picks none, one block each. An environment (or a
//! system) that could not be read is reported as unknown (exit 1), never as "no approvals".

use super::report;
use crate::app::State;
use crate::cli::{Answer, Failure, Global, Output, columns, json, load};
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
    let names = crate::cli::systems::every(global);
    if !names.is_empty() {
        let loads = names.iter().map(|name| {
            let global = crate::cli::systems::narrowed(global, name);
            async move { load(&global).await }
        });
        let loaded = futures::future::join_all(loads).await;
        let systems: Vec<(&str, Result<&State, &str>)> = (names.iter().zip(&loaded))
            .map(|(name, load)| {
                let read = load.as_ref().map(|app| &app.state);
                (name.as_str(), read.map_err(|f| f.message.as_str()))
            })
            .collect();
        return grouped(&systems, output);
    }
    let app = load(global).await?;
    let state = &app.state;
    let errors = report::unknown_approvals(state);
    let unknowns = errors.len();
    if output == Output::Json {
        let read: Vec<_> = (state.approvals().iter())
            .map(|a| report::ApprovalReport {
                system: state.systems.current.clone(),
                ..report::approval(a, state)
            })
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

/// Every system's approvals, one titled block each (`== system NAME ==`) or one JSON report
/// whose approvals and errors each name their `system`. A system that could not be read is said
/// unknown with its reason: its approvals are not "none", and the list is of those read.
fn grouped(systems: &[(&str, Result<&State, &str>)], output: Output) -> Result<Answer, Failure> {
    let mut text = String::new();
    let mut read = Vec::new();
    let mut errors = Vec::new();
    let mut now = None;
    for (name, state) in systems {
        text.push_str(&format!("== system {name} ==\n"));
        let named = Some(name.to_string());
        match state {
            Ok(state) => {
                text.push_str(&table(state));
                now.get_or_insert(state.now);
                read.extend(state.approvals().iter().map(|a| report::ApprovalReport {
                    system: named.clone(),
                    ..report::approval(a, state)
                }));
                errors.extend(report::unknown_approvals(state).into_iter().map(|e| {
                    report::ErrorReport {
                        system: named.clone(),
                        ..e
                    }
                }));
            }
            Err(why) => {
                text.push_str(&format!("pending approvals unknown: {why}\n"));
                errors.push(report::ErrorReport {
                    system: named,
                    environment: String::new(),
                    unknown: "pending approvals",
                    error: why.to_string(),
                });
            }
        }
        text.push('\n');
    }
    let unknowns = errors.len();
    if output == Output::Table {
        return Ok(Answer::with_unknowns(text, unknowns));
    }
    let Some(now) = now else {
        // No system could be read at all: nothing to show but why.
        let why: Vec<String> = (errors.iter())
            .map(|e| format!("system {}: {}", e.system.as_deref().unwrap_or(""), e.error))
            .collect();
        return Err(Failure::new(why.join("\n")));
    };
    let (pending_approvals, pending_approvals_read) = if errors.is_empty() {
        (Some(read), None)
    } else {
        (None, Some(read))
    };
    let text = json(&ApprovalsReport {
        now: now.rfc3339(),
        pending_approvals,
        pending_approvals_read,
        errors,
    })?;
    Ok(Answer::with_unknowns(text, unknowns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Connection, connect};

    /// A system's state as the demo starts it, nothing read yet.
    fn unread(system: &str) -> State {
        let demo = Connection {
            demo: true,
            seed: 42,
            speed: 30.0,
            system: Some(system.into()),
            ..Connection::default()
        };
        connect(&demo).unwrap().state()
    }

    #[test]
    fn a_system_not_read_is_unknown_with_its_reason_never_no_approvals() {
        let storefront = unread("storefront");
        let systems = [
            ("storefront", Ok(&storefront)),
            ("backoffice", Err("network error: cannot reach it")),
        ];
        let answer = grouped(&systems, Output::Table).unwrap();
        assert_eq!(answer.code, 1);
        let (first, second) = answer.text.split_once("== system backoffice ==\n").unwrap();
        assert!(first.starts_with("== system storefront ==\n"), "{first}");
        assert!(
            first.contains("dev: pending approvals unknown: "),
            "nothing read is unknown: {first}"
        );
        assert_eq!(
            second,
            "pending approvals unknown: network error: cannot reach it\n\n"
        );
        let answer = grouped(&systems, Output::Json).unwrap();
        let v: serde_json::Value = serde_json::from_str(&answer.text).unwrap();
        assert_eq!(v["pending_approvals"], serde_json::Value::Null, "{v}");
        let last = v["errors"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["system"], "backoffice");
        assert_eq!(last["unknown"], "pending approvals");
        assert_eq!(v["errors"][0]["system"], "storefront");
        let none = [("backoffice", Err("refused"))];
        let failure = grouped(&none, Output::Json).err().unwrap();
        assert_eq!(failure.message, "system backoffice: refused");
    }
}
