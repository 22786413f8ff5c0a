//! A job's log as GitHub serves it: one line per output line, each prefixed with its UTC time
//! (`2026-12-06T07:01:02.0000000Z`), steps in `##[group]` … `##[endgroup]`, cut at "now".

use super::{PlannedJob, SimRun};
use crate::domain::Timestamp;
use crate::domain::github::Conclusion;

fn stamp(t: Timestamp) -> String {
    let text = t.rfc3339_millis();
    // `…SS.mmmZ` → `…SS.mmm0000Z`, GitHub's seven digits.
    match text.strip_suffix('Z') {
        Some(head) => format!("{head}0000Z"),
        None => text,
    }
}

/// The log text of `job` of `run` at `now`.
pub(crate) fn job_log(run: &SimRun, job: &PlannedJob, now: Timestamp) -> String {
    let cancel = run.cancelled.filter(|c| *c <= now);
    let cut = cancel.map_or(now, |c| c.min(now));
    let mut out = String::new();
    for step in &job.steps {
        if step.conclusion == Conclusion::Skipped || step.start > cut {
            continue;
        }
        out.push_str(&format!("{} ##[group]{}\n", stamp(step.start), step.name));
        let n = step.output.len().max(1) as i64;
        let span = step.end.since(step.start);
        for (i, line) in step.output.iter().enumerate() {
            let at = step.start + span * (i as i64 + 1) / (n + 1);
            if at > cut {
                break;
            }
            out.push_str(&format!("{} {line}\n", stamp(at)));
        }
        if step.end <= cut {
            out.push_str(&format!("{} ##[endgroup]\n", stamp(step.end)));
        }
    }
    if let Some(c) = cancel
        && job.steps.iter().any(|s| s.end > c && s.start <= c)
    {
        out.push_str(&format!(
            "{} ##[error]The operation was canceled.\n",
            stamp(c)
        ));
    }
    out
}
