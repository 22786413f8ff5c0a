//! The audit log: one JSON line per mutating action, confirmed or refused, appended to
//! `audit.jsonl` in the XDG state dir. Secrets never reach it: approval tokens are shortened
//! wherever they appear.

use super::plan::{OpKind, Outcome, Plan, Refusal, Request};
use super::text::short_token;
use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file name inside the state dir.
pub const FILE_NAME: &str = "audit.jsonl";

/// One audited action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The operator's identity (caller ARN), if known.
    pub identity: Option<String>,
    /// Environment.
    pub environment: String,
    /// Action (`approve`, `deploy`, …).
    pub action: String,
    /// Parameters of the call (secrets shortened).
    pub parameters: Value,
    /// The equivalent `aws` command.
    pub aws_command: Option<String>,
    /// `done`, `failed`, `unknown` (the reply was lost and re-reading could not tell whether
    /// the call reached AWS), `refused`, `nothing-to-do` or `declined`.
    pub outcome: String,
    /// The guard that refused, if any.
    pub guard: Option<String>,
    /// What the operator was told.
    pub message: String,
    /// What the operator gave that the call does not carry (an unfreeze's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Entry {
    /// The entry for an applied plan.
    pub fn applied(plan: &Plan, identity: Option<&str>, now: Timestamp, outcome: &Outcome) -> Self {
        Entry {
            time: now.rfc3339(),
            identity: identity.map(str::to_string),
            environment: plan.environment.clone(),
            action: plan.kind.name().to_string(),
            parameters: params(plan),
            aws_command: Some(mask(plan, &plan.aws_command)),
            outcome: outcome_name(outcome).to_string(),
            guard: outcome.guard.map(|g| g.name().to_string()),
            message: outcome.message.clone(),
            note: plan.note.clone(),
        }
    }

    /// The entry for a plan that could not be confirmed (a guard refused it: `refused`).
    pub fn unconfirmed(plan: &Plan, identity: Option<&str>, now: Timestamp, why: &Refusal) -> Self {
        Entry {
            outcome: class_name(why.class).to_string(),
            guard: Some(why.guard.name().to_string()),
            message: why.reason.clone(),
            ..Entry::applied(plan, identity, now, &Outcome::done("", None))
        }
    }

    /// The entry for a plan the operator was shown and declined (`declined`).
    pub fn declined(plan: &Plan, identity: Option<&str>, now: Timestamp, why: &Refusal) -> Self {
        Entry {
            outcome: "declined".to_string(),
            ..Entry::unconfirmed(plan, identity, now, why)
        }
    }

    /// The entry for an action refused while planning.
    pub fn refused(
        kind: OpKind,
        environment: &str,
        parameters: Value,
        identity: Option<&str>,
        now: Timestamp,
        why: &Refusal,
    ) -> Self {
        Entry {
            time: now.rfc3339(),
            identity: identity.map(str::to_string),
            environment: environment.to_string(),
            action: kind.name().to_string(),
            parameters,
            aws_command: None,
            outcome: class_name(why.class).to_string(),
            guard: Some(why.guard.name().to_string()),
            message: why.reason.clone(),
            note: None,
        }
    }
}

/// The outcome's audit name: its class, or `unknown` when the call may have reached AWS.
fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome.delivery {
        super::Delivery::Unknown => "unknown",
        _ => class_name(outcome.class),
    }
}

fn class_name(class: super::ExitClass) -> &'static str {
    match class {
        super::ExitClass::Done => "done",
        super::ExitClass::Failed => "failed",
        super::ExitClass::Refused => "refused",
        super::ExitClass::NothingToDo => "nothing-to-do",
    }
}

/// The plan's call parameters as JSON, the approval token shortened.
fn params(plan: &Plan) -> Value {
    let mut params = plan.call.params.clone();
    if let Some(Value::String(token)) = params.get_mut("token") {
        *token = short_token(token);
    }
    Value::Object(params)
}

/// `text` with the plan's approval token shortened wherever it appears.
fn mask(plan: &Plan, text: &str) -> String {
    match &plan.request {
        Request::Answer { token, .. } if !token.is_empty() => {
            text.replace(token, &short_token(token))
        }
        _ => text.to_string(),
    }
}

/// `<state dir>/audit.jsonl`: `$XDG_STATE_HOME/shipdeck` or `~/.local/state/shipdeck`.
pub fn path() -> Option<PathBuf> {
    crate::logging::state_dir().map(|d| d.join(FILE_NAME))
}

/// Appends one line to the audit log at `path`, creating its directory.
pub fn append_to(path: &Path, entry: &Entry) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(line.as_bytes())
}

/// Appends one line to the audit log in the state dir.
pub fn append(entry: &Entry) -> Result<PathBuf, String> {
    let path = path().ok_or("no state dir: set XDG_STATE_HOME or HOME")?;
    append_to(&path, entry).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Reads the audit log at `path`, keeping entries at or after `since`; a missing file is empty.
/// A line that is not an entry is an error naming the file and line.
pub fn read(path: &Path, since: Option<Timestamp>) -> Result<Vec<Entry>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entry: Entry = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: not an audit entry: {e}", path.display(), i + 1))?;
        let keep = match since {
            None => true,
            Some(t) => Timestamp::parse_rfc3339(&entry.time).is_some_and(|at| at >= t),
        };
        if keep {
            out.push(entry);
        }
    }
    Ok(out)
}
