//! What a mutating command prints: the plan, then the outcome and what verify saw, as text or
//! one JSON object.

/// `println!` to stdout without panicking when the reader went away.
macro_rules! outln {
    ($($arg:tt)*) => {
        crate::cli::io::stdout::line(&format!($($arg)*))
    };
}

use crate::cli::args::Output;
use crate::cli::io::stderr::errln;
use crate::domain::ExecutionSummary;
use crate::ops::{Delivery, ExitClass, Guard, OpKind, Outcome, Plan, Refusal, Verified, Watched};
use serde::Serialize;

/// The result of one mutating command.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The action.
    pub action: OpKind,
    /// Environment.
    pub environment: String,
    /// `--dry-run`: only the plan.
    pub dry_run: bool,
    /// The plan, when one was made.
    pub plan: Option<Plan>,
    /// Why nothing was sent, if so.
    pub refusal: Option<Refusal>,
    /// What the call did.
    pub outcome: Option<Outcome>,
    /// What was seen afterwards.
    pub verified: Option<Verified>,
    /// After a last-moment refusal: what waits now.
    pub refreshed: Vec<String>,
    /// The audit log written (or why it could not be).
    #[serde(serialize_with = "audit_path")]
    pub audit: Result<String, String>,
    /// Exit class.
    pub class: ExitClass,
    /// Exit code.
    pub exit_code: u8,
    /// The plan was already printed (before the confirmation question).
    #[serde(skip)]
    pub plan_printed: bool,
}

fn audit_path<S: serde::Serializer>(r: &Result<String, String>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Ok(p) => s.serialize_some(p),
        Err(_) => s.serialize_none(),
    }
}

impl Report {
    /// An empty report.
    pub fn new(action: OpKind, environment: &str, dry_run: bool) -> Self {
        Report {
            action,
            environment: environment.to_string(),
            dry_run,
            plan: None,
            refusal: None,
            outcome: None,
            verified: None,
            refreshed: Vec::new(),
            audit: Err("not written".into()),
            class: ExitClass::Failed,
            exit_code: 1,
            plan_printed: false,
        }
    }

    /// Records a refusal (exit 2 or 3).
    pub fn refuse(&mut self, refusal: Refusal) {
        self.class = refusal.class;
        self.refusal = Some(refusal);
    }

    /// The process exit code: the call's class (0 done, 1 failed or unknown, 2 refused, 3
    /// nothing to do; a dry run that planned is 0), then, for a change that was made, what verify
    /// saw of it: [`VERIFY_FAILED`] when what it started ended badly, [`VERIFY_UNOBSERVED`] when
    /// it did not show within the wait. A script tells "done and seen" from "sent, not seen".
    pub fn code(&self) -> u8 {
        if self.dry_run && self.plan.is_some() {
            return 0;
        }
        match (self.class, &self.verified) {
            (ExitClass::Done, Some(v)) => match v.state {
                Watched::Seen => 0,
                Watched::Failed => VERIFY_FAILED,
                Watched::Unobserved => VERIFY_UNOBSERVED,
            },
            (class, _) => class.code(),
        }
    }
}

/// Exit code of a change that was made but whose result failed (a failed execution, a run that
/// did not succeed): do not send it again blindly; look at why.
pub const VERIFY_FAILED: u8 = 4;

/// Exit code of a change that was made but not seen within the wait: unknown, not failed.
pub const VERIFY_UNOBSERVED: u8 = 5;

/// The plan as text.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    for line in &plan.summary {
        out.push_str(line);
        out.push('\n');
    }
    for w in &plan.warnings {
        out.push_str(&format!("warning:       {w}\n"));
    }
    if let Some(note) = &plan.note {
        out.push_str(&format!("note:      {note}\n"));
    }
    out.push_str(&format!(
        "\nAPI call:  {} {} {}\n",
        plan.call.service,
        plan.call.operation,
        plan.call.params_text()
    ));
    let cli = if plan.call.service == "github" {
        "gh CLI:   "
    } else {
        "aws CLI:  "
    };
    // A role's line comes first, the command under it, each at the column of the first.
    let command = plan
        .aws_command
        .replace('\n', &format!("\n{}", " ".repeat(cli.len() + 1)));
    out.push_str(&format!("{cli} {command}\n"));
    let guards: Vec<String> = plan
        .guards
        .iter()
        .map(|g| format!("{}: {}", g.guard.name(), g.note))
        .collect();
    out.push_str(&format!("guards:    {}\n", guards.join("; ")));
    out
}

/// Prints the report: JSON on stdout, or text (refusals and failures on stderr).
pub fn print(report: &Report, output: Output) {
    let report_code = report.code();
    if output == Output::Json {
        let mut value = serde_json::to_value(report).unwrap_or_default();
        value["exit_code"] = report_code.into();
        match serde_json::to_string_pretty(&value) {
            Ok(text) => outln!("{text}"),
            Err(e) => errln!("shipdeck: cannot write JSON: {e}"),
        }
        return;
    }
    if let Some(plan) = &report.plan
        && !report.plan_printed
    {
        crate::cli::io::stdout::write(&plan_text(plan));
        if report.dry_run {
            outln!("dry run: nothing was sent");
        }
        return;
    }
    if let Some(r) = &report.refusal {
        let label = match r.guard {
            Guard::NothingToDo => "nothing to do".to_string(),
            Guard::Unread => "unknown".to_string(),
            g => format!("refused ({})", g.name()),
        };
        // The label says it was refused; the reason need not say it again.
        let reason = r.reason.strip_prefix("refused: ").unwrap_or(&r.reason);
        match r.flag {
            Some(flag) => errln!("shipdeck: {label}: {reason} ({flag})"),
            None => errln!("shipdeck: {label}: {reason}"),
        }
    }
    if let Some(o) = &report.outcome {
        match o.class {
            ExitClass::Done => outln!("done: {}", o.message),
            ExitClass::Failed if o.delivery == Delivery::Unknown => {
                errln!("shipdeck: {}", o.message)
            }
            ExitClass::Failed => errln!("shipdeck: failed: {}", o.message),
            _ => errln!(
                "shipdeck: refused ({}): {}",
                o.guard.map_or("check", Guard::name),
                o.message
            ),
        }
    }
    for line in &report.refreshed {
        errln!("shipdeck: {line}");
    }
    if let Some(v) = &report.verified {
        outln!(
            "{}: {}",
            if v.ok { "verified" } else { "not verified" },
            v.message
        );
    } else if let Some(line) = not_followed(report) {
        outln!("{line}");
    }
}

/// The last line of a change made but not followed (an invalidation without `--wait`): it says
/// so, rather than end on "created" as if that were the end of it.
fn not_followed(report: &Report) -> Option<&'static str> {
    let done = report
        .outcome
        .as_ref()
        .is_some_and(|o| o.class == ExitClass::Done);
    (done && report.action == OpKind::Invalidate).then_some(
        "not followed: the invalidation completes on its own, usually within minutes; `--wait` \
         follows it until Completed",
    )
}

/// The rollback candidates of `rollback ENV` without `--to`: the execution deployed now, then
/// the earlier ones to choose from, as a table or one JSON object.
pub fn print_candidates(env: &str, stage: &str, listed: &[ExecutionSummary], output: Output) {
    let deployed = listed.first();
    let older = listed.get(1..).unwrap_or_default();
    if output == Output::Json {
        let value = serde_json::json!({
            "environment": env,
            "stage": stage,
            "deployed": deployed,
            "candidates": older,
        });
        match serde_json::to_string_pretty(&value) {
            Ok(text) => outln!("{text}"),
            Err(e) => errln!("shipdeck: cannot write JSON: {e}"),
        }
        return;
    }
    let line = |e: &ExecutionSummary| {
        crate::ops::plan::rollback::candidate_lines(std::slice::from_ref(e)).join("")
    };
    match deployed {
        Some(d) => outln!("{env} {stage} runs:  {}", line(d)),
        None => outln!("{env}: no execution succeeded in {stage}"),
    }
    if older.is_empty() {
        outln!("no earlier execution succeeded in {stage}: nothing to roll back to");
        return;
    }
    outln!("roll back to one of these, newest first:");
    for e in older {
        outln!("  {}", line(e));
    }
    outln!("then: shipdeck rollback {env} --to EXECUTION");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(verified: Option<Verified>) -> Report {
        let mut r = Report::new(OpKind::Approve, "prd", false);
        r.class = ExitClass::Done;
        r.verified = verified;
        r
    }

    #[test]
    fn a_change_made_exits_by_what_verify_saw_of_it() {
        assert_eq!(done(None).code(), 0, "not verified when not asked: done");
        assert_eq!(done(Some(Verified::seen("moved on".into()))).code(), 0);
        assert_eq!(
            done(Some(Verified::failed("execution Failed".into()))).code(),
            VERIFY_FAILED
        );
        assert_eq!(
            done(Some(Verified::unobserved("not observed within 10m".into()))).code(),
            VERIFY_UNOBSERVED
        );
    }

    #[test]
    fn a_call_that_was_not_made_keeps_its_class_whatever_verify_holds() {
        let mut r = done(Some(Verified::unobserved("never looked".into())));
        r.class = ExitClass::Failed;
        assert_eq!(r.code(), 1);
        r.class = ExitClass::Refused;
        assert_eq!(r.code(), 2);
        r.class = ExitClass::NothingToDo;
        assert_eq!(r.code(), 3);
    }
}
