//! `shipdeck audit [--since WINDOW] [--output json]`: the audit log of mutating actions.

use super::logs::Since;
use super::{Failure, Output, columns, json};
use crate::ops::audit;

/// Prints the audit log (oldest first).
pub fn run(since: Option<Since>, output: Output) -> Result<String, Failure> {
    let path =
        audit::path().ok_or_else(|| Failure::new("no state dir: set XDG_STATE_HOME or HOME"))?;
    let now = crate::runtime::Clock::now(&crate::runtime::WallClock);
    let entries = audit::read(&path, since.map(|s| s.at(now))).map_err(Failure::new)?;
    if output == Output::Json {
        return json(&entries);
    }
    if entries.is_empty() {
        return Ok(format!("No audited actions in {}.\n", path.display()));
    }
    let mut rows = vec![
        ["TIME", "IDENTITY", "ENV", "ACTION", "OUTCOME", "MESSAGE"]
            .map(String::from)
            .to_vec(),
    ];
    for e in &entries {
        let outcome = match &e.guard {
            Some(g) if e.outcome != "done" => format!("{} ({g})", e.outcome),
            _ => e.outcome.clone(),
        };
        rows.push(vec![
            e.time.clone(),
            e.identity
                .as_deref()
                .map_or("-".to_string(), crate::ops::guards::person),
            e.environment.clone(),
            e.action.clone(),
            outcome,
            e.message.clone(),
        ]);
    }
    Ok(columns(&rows))
}
