//! The mutating commands (`approve`, `reject`, `deploy`, `stop`, `retry`): load, plan, print the
//! plan, confirm, apply once, verify, audit. Exit codes: 0 done, 1 failed, 2 refused, 3 nothing to do.

use super::act_print::{Report, print};
use super::args::{ActFlags, Command, Global};
use super::{Failure, backend};
use crate::cloud::{ApprovalOutcome, RetryMode};
use crate::ops::approve::PipelineData;
use crate::ops::audit::{self, Entry};
use crate::ops::deploy::DeployOptions;
use crate::ops::{
    self, Confirm, Context, ExitClass, Guard, OpKind, Pace, Plan, Planned, Refusal, SimPace,
    WallPace,
};
use crate::runtime::Headless;
use serde_json::{Value, json};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// What one command asks for, independent of its flags.
struct Ask {
    kind: OpKind,
    env: String,
    params: Value,
    flags: ActFlags,
}

fn ask(command: &Command) -> Option<Ask> {
    let (kind, env, params, flags) = match command {
        Command::Approve(a) => (
            OpKind::Approve,
            &a.env,
            json!({ "comment": a.comment }),
            &a.flags,
        ),
        Command::Reject(a) => (
            OpKind::Reject,
            &a.env,
            json!({ "comment": a.comment }),
            &a.flags,
        ),
        Command::Deploy(a) => (
            OpKind::Deploy,
            &a.env,
            json!({ "variables": a.vars, "source_version": a.source_version }),
            &a.flags,
        ),
        Command::Stop(a) => (
            OpKind::Stop,
            &a.env,
            json!({ "abandon": a.abandon, "reason": a.reason }),
            &a.flags,
        ),
        Command::Retry(a) => (OpKind::Retry, &a.env, json!({ "all": a.all }), &a.flags),
        _ => return None,
    };
    Some(Ask {
        kind,
        env: env.clone(),
        params,
        flags: flags.clone(),
    })
}

/// An idempotency token unique to this confirmation.
fn request_token(env: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("shipdeck-{env}-{nanos:x}-{:x}", std::process::id())
}

fn plan_for(command: &Command, ctx: &Context<'_>, data: PipelineData<'_>) -> Planned {
    match command {
        Command::Approve(a) => {
            ops::approve::plan(ctx, data, ApprovalOutcome::Approved, a.comment.as_deref())
        }
        Command::Reject(a) => {
            ops::approve::plan(ctx, data, ApprovalOutcome::Rejected, Some(&a.comment))
        }
        Command::Deploy(a) => {
            let opts = DeployOptions {
                client_request_token: request_token(&ctx.spec.name),
                variables: a.vars.iter().cloned().collect(),
                source_version: a.source_version.clone(),
            };
            ops::deploy::plan(ctx, data, &opts)
        }
        Command::Stop(a) => ops::stop::plan(ctx, data, a.abandon, &a.reason),
        Command::Retry(a) => {
            let mode = if a.all {
                RetryMode::AllActions
            } else {
                RetryMode::FailedActions
            };
            ops::retry::plan(ctx, data, mode)
        }
        _ => Err(Refusal::by(Guard::Input, "not a mutating command")),
    }
}

/// Runs one mutating command and returns its exit code.
pub async fn run(global: &Global, command: Command) -> ExitCode {
    let Some(ask) = ask(&command) else {
        return ExitCode::FAILURE;
    };
    match act(global, &command, &ask).await {
        Ok(report) => {
            let code = report.class.code();
            print(&report, ask.flags.output);
            ExitCode::from(code)
        }
        Err(f) => {
            eprintln!("shipdeck: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

async fn act(global: &Global, command: &Command, ask: &Ask) -> Result<Report, Failure> {
    let backend = backend::connect(global).map_err(Failure::new)?;
    let mut app = Headless::new(backend.state(), backend.cloud.clone());
    app.start(backend.now).await;
    let state = &app.state;
    let Some(index) = state.env_index(&ask.env) else {
        let names: Vec<&str> = state.envs.iter().map(|e| e.spec.name.as_str()).collect();
        return Err(Failure::new(format!(
            "unknown environment `{}`; expected one of {}",
            ask.env,
            names.join(", ")
        )));
    };
    let view = &state.envs[index];
    if let (Some(stale), None) = (&view.stale, &view.def) {
        return Err(Failure::new(format!("{}: {}", ask.env, stale.error)));
    }
    let identity = state.session.identity.clone();
    let ctx = Context {
        spec: &view.spec,
        identity: identity.as_deref(),
        now: state.now,
        read_only: global.read_only || state.session.read_only,
        self_approval: backend.config.self_approval(&ask.env),
    };
    let data = PipelineData {
        def: view.def.as_ref(),
        state: view.state.as_ref(),
        executions: &view.executions,
    };
    let mut report = Report::new(ask.kind, &ask.env, ask.flags.dry_run);
    let plan = match plan_for(command, &ctx, data) {
        Ok(p) => p,
        Err(refusal) => {
            if !ask.flags.dry_run {
                let entry = Entry::refused(
                    ask.kind,
                    &ask.env,
                    ask.params.clone(),
                    ctx.identity,
                    wall(),
                    &refusal,
                );
                report.audit = write(&entry);
            }
            report.refuse(refusal);
            return Ok(report);
        }
    };
    report.plan = Some(plan.clone());
    if ask.flags.dry_run {
        report.class = ExitClass::Done;
        return Ok(report);
    }
    if ask.flags.output == super::Output::Table {
        // The plan goes out before the question, so the operator reads it first.
        print(&report, super::Output::Table);
        report.plan_printed = true;
    }
    if let Err(refusal) = confirm(&plan, &ask.flags) {
        report.audit = write(&Entry::declined(&plan, ctx.identity, wall(), &refusal));
        report.refuse(refusal);
        return Ok(report);
    }
    let outcome = ops::apply(&backend.cloud, &plan).await;
    let entry = Entry::applied(&plan, ctx.identity, wall(), &outcome);
    report.audit = write(&entry);
    report.class = outcome.class;
    if outcome.class == ExitClass::Done {
        let pace = pace(&backend);
        report.verified = Some(ops::verify(&backend.cloud, pace.as_ref(), &plan, &outcome).await);
    }
    report.outcome = Some(outcome);
    Ok(report)
}

/// Audit lines carry wall time, also in the demo, so `shipdeck audit --since` reads them right.
fn wall() -> crate::domain::Timestamp {
    crate::runtime::Clock::now(&crate::runtime::WallClock)
}

fn pace(backend: &backend::Backend) -> Box<dyn Pace> {
    match &backend.sim {
        Some(sim) => Box::new(SimPace(sim.clone())),
        None => Box::new(WallPace),
    }
}

/// Appends to the audit log; the path written, or why not (also told on stderr).
fn write(entry: &Entry) -> Result<String, String> {
    match audit::append(entry) {
        Ok(path) => Ok(path.display().to_string()),
        Err(e) => {
            eprintln!("shipdeck: audit log: {e}");
            Err(e)
        }
    }
}

/// Asks for the confirmation the plan needs (on stderr, answers from stdin).
fn confirm(plan: &Plan, flags: &ActFlags) -> Result<(), Refusal> {
    let terminal = std::io::stdin().is_terminal();
    let question = match &plan.confirm {
        Confirm::None => return Ok(()),
        _ if flags.yes => return Ok(()),
        Confirm::YesNo if !terminal => return Ok(()),
        Confirm::TypeName(name) if !terminal => {
            return Err(Refusal::by(
                Guard::Confirmation,
                format!(
                    "{name} is protected: without a terminal to type its name, pass --yes to confirm"
                ),
            ));
        }
        Confirm::YesNo => "Proceed? [y/N] ".to_string(),
        Confirm::TypeName(name) => format!("Type `{name}` to confirm: "),
    };
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    let answer = line.trim();
    let ok = match &plan.confirm {
        Confirm::TypeName(name) => answer == name,
        _ => matches!(answer, "y" | "Y" | "yes" | "YES" | "Yes"),
    };
    if ok {
        Ok(())
    } else {
        Err(Refusal::by(
            Guard::Confirmation,
            "not confirmed; nothing was sent",
        ))
    }
}
