//! `shipdeck [--demo] audit [--since WINDOW] [--output json]`: the audit log of mutating actions,
//! the real one or, with `--demo`, the demo's own.

use super::args::Global;
use super::args::Since;
use super::{Failure, Output, columns, json};
use crate::ops::apply::audit_log;
use crate::ops::plan::audit::{Log, Mode};

/// Prints the audit log of the mode asked for (oldest first), saying which file it is.
pub fn run(global: &Global, since: Option<Since>, output: Output) -> Result<String, Failure> {
    let mode = if global.demo { Mode::Demo } else { Mode::Aws };
    let path = audit_log::path(&Log::of(mode)).map_err(Failure::new)?;
    let now = crate::runtime::Clock::now(&crate::runtime::WallClock);
    let entries = audit_log::read(&path, since.map(|s| s.at(now))).map_err(Failure::new)?;
    if output == Output::Json {
        return json(&entries);
    }
    let what = match mode {
        Mode::Demo => "demo actions (--demo)",
        Mode::Aws => "actions on AWS",
    };
    if entries.is_empty() {
        return Ok(format!("No audited {what} in {}.\n", path.display()));
    }
    // A demo entry also says the simulated time it acted at.
    let simulated = entries.iter().any(|e| e.simulated_time.is_some());
    let mut head = vec!["TIME"];
    if simulated {
        head.push("SIMULATED");
    }
    head.extend(["IDENTITY", "ENV", "ACTION", "OUTCOME", "MESSAGE"]);
    let mut rows = vec![head.into_iter().map(String::from).collect::<Vec<_>>()];
    for e in &entries {
        let outcome = match &e.guard {
            Some(g) if e.outcome != "done" => format!("{} ({g})", e.outcome),
            _ => e.outcome.clone(),
        };
        let mut row = vec![e.time.clone()];
        if simulated {
            row.push(e.simulated_time.clone().unwrap_or_else(|| "-".into()));
        }
        row.extend([
            e.identity
                .as_deref()
                .map_or("-".to_string(), crate::ops::plan::guards::person),
            e.environment.clone(),
            e.action.clone(),
            outcome,
            e.message.clone(),
        ]);
        rows.push(row);
    }
    Ok(format!(
        "Audit log of {what}: {}\n{}",
        path.display(),
        columns(&rows)
    ))
}
