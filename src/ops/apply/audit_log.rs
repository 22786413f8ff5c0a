//! The audit log files: where each mode's file is, appending a line under the one clock rule,
//! and reading them back.

use crate::domain::Timestamp;
pub use crate::ops::plan::audit::{DEMO_FILE_NAME, Entry, FILE_NAME, Log, Mode};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The file of `log`: the one set, else `<state dir>/audit.jsonl` (`demo-audit.jsonl` for the
/// demo), the state dir being `$XDG_STATE_HOME/shipdeck` or `~/.local/state/shipdeck`.
pub fn path(log: &Log) -> Result<PathBuf, String> {
    match &log.path {
        Some(p) => Ok(p.clone()),
        None => crate::logging::state_dir()
            .map(|d| d.join(log.mode.file_name()))
            .ok_or_else(|| "no state dir: set XDG_STATE_HOME or HOME".to_string()),
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
    let path = path(log)?;
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
    use crate::ops::plan::audit::{DEMO_FILE_NAME, Mode};
    use crate::ops::{Guard, OpKind, Refusal};
    use serde_json::Value;
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
        assert_eq!(path(&log), Ok(set));
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
