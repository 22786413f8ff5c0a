//! The audit log: one JSON line per mutating action, confirmed or refused, appended to
//! `audit.jsonl` in the XDG state dir — or, for the demo, to `demo-audit.jsonl` beside it, never
//! the real one. One clock rule: an entry's `time` is the wall-clock time it was written, and a
//! demo entry also keeps the simulated time it acted at. Secrets never reach it: approval tokens
//! are shortened wherever they appear.

use super::shapes::{OpKind, Outcome, Plan, Refusal, Request};
use super::text::short_token;
use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The real audit log's file name inside the state dir.
pub const FILE_NAME: &str = "audit.jsonl";
/// The demo's audit log, beside the real one.
pub const DEMO_FILE_NAME: &str = "demo-audit.jsonl";

/// What an entry acted on: AWS, or the simulator of `--demo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A real AWS account.
    Aws,
    /// The embedded simulator.
    Demo,
}

impl Mode {
    /// The mode's audit file name in the state dir.
    pub fn file_name(self) -> &'static str {
        match self {
            Mode::Aws => FILE_NAME,
            Mode::Demo => DEMO_FILE_NAME,
        }
    }
}

/// The audit file a front end writes and reads: its mode's own in the state dir, or one set
/// (where it is: `apply::audit_log::path`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    /// AWS or the demo: which file, and whether entries keep the simulated time.
    pub mode: Mode,
    /// Another file than the mode's own in the state dir.
    pub path: Option<std::path::PathBuf>,
}

impl Log {
    /// The mode's own file in the state dir.
    pub fn of(mode: Mode) -> Log {
        Log { mode, path: None }
    }
}

/// One audited action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When it was written: the wall clock, RFC 3339 UTC with milliseconds. Until then, the time
    /// of the front end's clock it acted at (simulated in the demo).
    pub time: String,
    /// `aws` or `demo`; `None` in entries written before the demo had its own file.
    #[serde(default)]
    pub mode: Option<Mode>,
    /// A demo entry: the simulated time it acted at (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulated_time: Option<String>,
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
    /// The entry of creating an Athena table (`create-athena-table`) for environment `env`:
    /// the database, table, workgroup and statements of `plan`, and the `aws athena` command
    /// that runs them; the same from `shipdeck query` and the Traffic view's `:query`.
    #[allow(clippy::too_many_arguments)]
    pub fn create_athena_table(
        env: &str,
        identity: Option<&str>,
        athena: &crate::config::AthenaSpec,
        plan: &crate::query::Plan,
        now: Timestamp,
        outcome: &str,
        guard: Option<&str>,
        message: &str,
    ) -> Self {
        let names = &plan.names;
        let mut command = vec![
            "aws".to_string(),
            "athena".into(),
            "start-query-execution".into(),
            "--work-group".into(),
            athena.workgroup.clone(),
            "--query-string".into(),
            plan.ddl.join(";\n"),
        ];
        if let Some(out) = &athena.output_location {
            command.push("--result-configuration".into());
            command.push(format!("OutputLocation={out}"));
        }
        Entry {
            time: now.rfc3339(),
            mode: None,
            simulated_time: None,
            identity: identity.map(str::to_string),
            environment: env.to_string(),
            action: "create-athena-table".to_string(),
            parameters: serde_json::json!({
                "database": names.database,
                "table": names.table,
                "workgroup": athena.workgroup,
                "statements": plan.ddl,
            }),
            aws_command: shlex::try_join(command.iter().map(String::as_str)).ok(),
            outcome: outcome.to_string(),
            guard: guard.map(str::to_string),
            message: message.to_string(),
            note: None,
        }
    }

    /// The entry for an applied plan.
    pub fn applied(plan: &Plan, identity: Option<&str>, now: Timestamp, outcome: &Outcome) -> Self {
        Entry {
            time: now.rfc3339(),
            mode: None,
            simulated_time: None,
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
            mode: None,
            simulated_time: None,
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

    /// The entry as written under the clock rule: `time` is the wall-clock time `wall`, and a
    /// demo entry keeps the time it was made at (the simulator's) as `simulated_time`.
    pub fn stamped(&self, mode: Mode, wall: Timestamp) -> Entry {
        Entry {
            time: wall.rfc3339_millis(),
            mode: Some(mode),
            simulated_time: (mode == Mode::Demo).then(|| self.time.clone()),
            ..self.clone()
        }
    }
}

/// The outcome's audit name: its class, or `unknown` when the call may have reached AWS.
fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome.delivery {
        super::Delivery::Unknown => "unknown",
        super::Delivery::Cancelled => "declined",
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
