//! The audit log: one JSON line per mutating action, confirmed or refused, appended to
//! `audit.jsonl` in the XDG state dir — or, for the demo, to `demo-audit.jsonl` beside it, never
//! the real one. One clock rule: an entry's `time` is the wall-clock time it was written, and a
//! demo entry also keeps the simulated time it acted at. Secrets never reach it: approval tokens
//! are shortened wherever they appear.

use super::plan::{OpKind, Outcome, Plan, Refusal, Request};
use super::text::short_token;
use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

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

/// The audit file a front end writes and reads: its mode's own in the state dir, or one set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    /// AWS or the demo: which file, and whether entries keep the simulated time.
    pub mode: Mode,
    /// Another file than the mode's own in the state dir.
    pub path: Option<PathBuf>,
}

impl Log {
    /// The mode's own file in the state dir.
    pub fn of(mode: Mode) -> Log {
        Log { mode, path: None }
    }

    /// The file: the one set, else `<state dir>/audit.jsonl` (`demo-audit.jsonl` for the demo),
    /// the state dir being `$XDG_STATE_HOME/shipdeck` or `~/.local/state/shipdeck`.
    pub fn path(&self) -> Result<PathBuf, String> {
        match &self.path {
            Some(p) => Ok(p.clone()),
            None => crate::logging::state_dir()
                .map(|d| d.join(self.mode.file_name()))
                .ok_or_else(|| "no state dir: set XDG_STATE_HOME or HOME".to_string()),
        }
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

/// One writer at a time in this process, so that each file is in time order: the time is read
/// and the line appended under it.
static WRITING: Mutex<()> = Mutex::new(());

/// Appends `entry` to the audit file of `log` (creating its directory) under the clock rule: its
/// `time` is what `wall` says at the moment of writing, so the lines of a file are in time
/// order; a demo entry keeps the time it was made at as `simulated_time`. The path written, or
/// why not.
pub fn append(log: &Log, entry: &Entry, wall: &dyn Fn() -> Timestamp) -> Result<PathBuf, String> {
    let path = log.path()?;
    let _writing = WRITING.lock().unwrap_or_else(PoisonError::into_inner);
    let line = serde_json::to_string(&entry.stamped(log.mode, wall()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    write_line(&path, &line).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn write_line(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(format!("{line}\n").as_bytes())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Guard, Refusal};
    use std::sync::atomic::{AtomicI64, Ordering};

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("shipdeck-audit-unit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join(DEMO_FILE_NAME)
    }

    fn entry(at: Timestamp) -> Entry {
        let why = Refusal::by(Guard::ReadOnly, "refused: dev is read-only");
        Entry::refused(OpKind::Deploy, "dev", Value::Null, None, at, &why)
    }

    #[test]
    fn each_mode_has_its_own_file() {
        assert_eq!(Mode::Aws.file_name(), "audit.jsonl");
        assert_eq!(Mode::Demo.file_name(), "demo-audit.jsonl");
        let set = PathBuf::from("/tmp/x.jsonl");
        let log = Log {
            mode: Mode::Demo,
            path: Some(set.clone()),
        };
        assert_eq!(log.path(), Ok(set));
    }

    #[test]
    fn a_demo_entry_is_stamped_with_the_wall_clock_and_keeps_its_simulated_time() {
        let simulated = Timestamp::parse_rfc3339("2026-11-25T09:00:00Z").unwrap();
        let wall = Timestamp::parse_rfc3339("2026-12-06T05:10:11.042Z").unwrap();
        let e = entry(simulated).stamped(Mode::Demo, wall);
        assert_eq!(e.time, "2026-12-06T05:10:11.042Z");
        assert_eq!(e.mode, Some(Mode::Demo));
        assert_eq!(e.simulated_time.as_deref(), Some("2026-11-25T09:00:00Z"));
        let line = serde_json::to_string(&e).unwrap();
        assert!(
            line.starts_with(
                r#"{"time":"2026-12-06T05:10:11.042Z","mode":"demo","simulated_time":"2026-11-25T09:00:00Z","#
            ),
            "{line}"
        );
        let aws = entry(wall).stamped(Mode::Aws, wall);
        assert_eq!((aws.mode, aws.simulated_time), (Some(Mode::Aws), None));
    }

    #[test]
    fn an_entry_of_an_older_version_stays_readable_and_its_mode_unknown() {
        let path = scratch("older");
        let old = r#"{"time":"2026-11-25T09:00:00Z","identity":null,"environment":"dev","action":"deploy","parameters":{},"aws_command":null,"outcome":"done","guard":null,"message":"started"}"#;
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{old}\n")).unwrap();
        let read = read(&path, None).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!((read[0].mode, &read[0].simulated_time), (None, &None));
        let json = serde_json::to_value(&read[0]).unwrap();
        assert_eq!(json["mode"], Value::Null, "unknown, not aws: {json}");
    }

    #[test]
    fn lines_are_in_time_order_whatever_the_writers() {
        let path = scratch("order");
        let log = Log {
            mode: Mode::Demo,
            path: Some(path.clone()),
        };
        // A clock read by eight writers at once: each reading is later than the one before.
        let clock = AtomicI64::new(1_800_000_000_000);
        let wall = || Timestamp(clock.fetch_add(1, Ordering::SeqCst));
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..25 {
                        append(&log, &entry(Timestamp(0)), &wall).unwrap();
                    }
                });
            }
        });
        let times: Vec<Timestamp> = read(&path, None)
            .unwrap()
            .iter()
            .filter_map(|e| Timestamp::parse_rfc3339(&e.time))
            .collect();
        assert_eq!(times.len(), 200);
        assert!(
            times.windows(2).all(|w| w[0] < w[1]),
            "in time order: {times:?}"
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
