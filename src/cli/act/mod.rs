//! The mutating commands (`approve`, `reject`, `deploy`, `stop`, `retry`): load, plan, print the
//! plan, confirm, apply once, verify, audit. Exit codes: 0 done, 1 failed, 2 refused, 3 nothing to do,
//! 4 done but what it started failed, 5 done but not seen within the wait.

mod output;
pub mod plan;
mod refresh;

use crate::cli::Failure;
use crate::cli::args::{ActFlags, Command, Global};
use crate::cli::io::stderr::{errln, errw};
use crate::ops::apply::audit_log;
use crate::ops::plan::audit::{self, Entry};
use crate::ops::{self, Confirm, Context, ExitClass, Guard, Plan, Refusal, Request};
use crate::runtime::Headless;
use output::{Report, print};
use plan::{Asked, ask};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// Runs one mutating command and returns its exit code.
pub async fn run(global: &Global, command: Command) -> ExitCode {
    let Some(mut asked) = ask(&command, crate::domain::Timestamp(0)) else {
        return ExitCode::FAILURE;
    };
    // `shipdeck approve prd --read-only` refuses as `shipdeck --read-only approve prd` does.
    let global = &Global {
        read_only: global.read_only || asked.flags.read_only,
        ..global.clone()
    };
    match act(global, &mut asked).await {
        Ok(Acted::Report(report)) => {
            let code = report.code();
            print(&report, asked.flags.output);
            ExitCode::from(code)
        }
        Ok(Acted::Listed(code)) => ExitCode::from(code),
        Err(f) => {
            errln!("shipdeck: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// What a mutating command did: planned (and maybe sent), or, for `rollback` without `--to`,
/// only listed the candidates (a query: nothing planned, nothing audited).
enum Acted {
    /// The plan and what became of it.
    Report(Box<Report>),
    /// The candidates were printed; the exit code.
    Listed(u8),
}

async fn act(global: &Global, asked: &mut Asked) -> Result<Acted, Failure> {
    let backend = crate::cli::connect(global).map_err(Failure::new)?;
    asked.ask.asked_at = backend.now;
    // The environment's own identity (its account, its role) reads and acts.
    let cloud = backend.clouds.named(&asked.ask.env).clone();
    let release_workflow = backend
        .config
        .github
        .as_ref()
        .map_or("release.yml", |g| g.release_workflow.as_str());
    let workflow = plan::read_workflow(
        asked,
        &cloud,
        release_workflow,
        &backend.config.environments,
    )
    .await?;
    let run = plan::read_run(
        asked,
        &cloud,
        release_workflow,
        &backend.config.environments,
    )
    .await?;
    let ask = &asked.ask;
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    let state = &app.state;
    let index = super::env_position(state.envs.iter().map(|e| e.spec.name.as_str()), &ask.env)?;
    let view = &state.envs[index];
    if let (Some(stale), None) = (&view.refresh.error, &view.def) {
        return Err(Failure::new(format!("{}: {}", ask.env, stale.error)));
    }
    let identity = state.identity_of(index).map(str::to_string);
    // Demo actions go to the demo's own audit file; entries carry the time they acted at on the
    // backend's clock (kept as the simulated time in the demo) and are stamped with the wall
    // clock as they are written.
    let log = audit::Log::of(match backend.sim {
        Some(_) => audit::Mode::Demo,
        None => audit::Mode::Aws,
    });
    let clock = pace(&backend);
    let ctx = Context {
        spec: &view.spec,
        identity: identity.as_deref(),
        now: state.now,
        read_only: global.read_only || state.session.read_only,
        self_approval: backend.config.self_approval(&ask.env),
        aws_identity: state.accounts.cli.get(index),
    };
    let Some(data) = state.pipeline_data(index) else {
        return Err(Failure::new(format!("unknown environment `{}`", ask.env)));
    };
    if let ops::What::Rollback { to: None, .. } = &ask.what {
        let Some(stage) = plan::rollback_stage(ask, &data) else {
            return Err(Failure::new(format!(
                "{}: no deploy stage found; name one with --stage",
                ask.env
            )));
        };
        let listed = plan::candidates(&cloud, &view.spec.pipeline, &stage, data.def).await?;
        output::print_candidates(&ask.env, &stage, &listed, asked.flags.output);
        return Ok(Acted::Listed(0));
    }
    let flags = &asked.flags;
    let mut report = Report::new(ask.kind(), &ask.env, flags.dry_run);
    let plan = match plan::plan(ask, &cloud, &ctx, data, workflow.as_ref(), run.as_ref()).await? {
        Ok(p) => p,
        Err(refusal) => {
            if !flags.dry_run {
                let entry = Entry::refused(
                    ask.kind(),
                    &ask.env,
                    ask.params(),
                    ctx.identity,
                    clock.now(),
                    &refusal,
                );
                report.audit = write(&log, &entry);
            }
            report.refuse(refusal);
            return Ok(Acted::Report(Box::new(report)));
        }
    };
    report.plan = Some(plan.clone());
    if flags.dry_run {
        report.class = ExitClass::Done;
        return Ok(Acted::Report(Box::new(report)));
    }
    if flags.output == crate::cli::Output::Table {
        // The plan goes out before the question, so the operator reads it first.
        print(&report, crate::cli::Output::Table);
        report.plan_printed = true;
    }
    if let Err((refusal, answered)) = confirm(&plan, flags) {
        let entry = if answered {
            Entry::declined(&plan, ctx.identity, clock.now(), &refusal)
        } else {
            Entry::unconfirmed(&plan, ctx.identity, clock.now(), &refusal)
        };
        report.audit = write(&log, &entry);
        report.refuse(refusal);
        return Ok(Acted::Report(Box::new(report)));
    }
    let outcome = match &plan.request {
        Request::Upload { .. } => {
            let mut bar = progress_bar();
            let never = ops::apply::upload::Cancel::never();
            ops::apply::upload::apply(&cloud, &plan.request, &mut bar, &never).await
        }
        _ => ops::apply(&cloud, &plan).await,
    };
    let entry = Entry::applied(&plan, ctx.identity, clock.now(), &outcome);
    report.audit = write(&log, &entry);
    report.class = outcome.class;
    if outcome.class == ExitClass::Done && asked.verify {
        // A release through the workflow is followed step by step: the run, the package it
        // uploaded, the pipeline's execution.
        let table = flags.output == crate::cli::Output::Table;
        let mut step = |note: &str| {
            if table {
                errln!("  … {note}");
            }
        };
        report.verified = Some(
            ops::apply::verify_steps(&cloud, clock.as_ref(), &plan, &outcome, &mut step).await,
        );
    }
    let stale = matches!(
        outcome.guard,
        Some(Guard::ChangedToken | Guard::AlreadyAnswered | Guard::Expired)
    );
    if stale {
        let now = clock.now();
        report.refreshed = refresh::approvals_now(&cloud, ctx.spec, now).await;
    }
    report.outcome = Some(outcome);
    Ok(Acted::Report(Box::new(report)))
}

/// Upload progress on stderr when it is a terminal: `upload 24.0/40.0 MiB (60%)`.
fn progress_bar() -> impl FnMut(u64, u64) + Send {
    let show = std::io::stderr().is_terminal();
    move |sent, total| {
        if !show || total == 0 {
            return;
        }
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        errw!(
            "\rupload {:.1}/{:.1} MiB ({}%)",
            mib(sent),
            mib(total),
            sent * 100 / total
        );
        if sent >= total {
            errln!();
        }
    }
}

/// The wall clock: it stamps every audit line as it is written, also in the demo, so
/// `shipdeck audit --since` reads them right.
fn wall() -> crate::domain::Timestamp {
    crate::runtime::Clock::now(&crate::runtime::WallClock)
}

fn pace(backend: &crate::runtime::Backend) -> Box<dyn crate::cloud::Clock> {
    match &backend.sim {
        Some(sim) => Box::new(crate::cloud::sim::SimClock::driven(sim.clone())),
        None => Box::new(crate::runtime::WallClock),
    }
}

/// Appends to the audit log; the path written, or why not (also told on stderr).
fn write(log: &audit::Log, entry: &Entry) -> Result<String, String> {
    match audit_log::append(log, entry, &wall) {
        Ok(path) => Ok(path.display().to_string()),
        Err(e) => {
            errln!("shipdeck: audit log: {e}");
            Err(e)
        }
    }
}

/// Asks for the confirmation the plan needs (on stderr, answers from stdin).
/// Asks for the plan's confirmation on a terminal. An error says why nothing is sent, and
/// whether the operator was asked (and declined) rather than refused without a terminal.
fn confirm(plan: &Plan, flags: &ActFlags) -> Result<(), (Refusal, bool)> {
    let terminal = std::io::stdin().is_terminal();
    let question = match &plan.confirm {
        Confirm::None => return Ok(()),
        _ if flags.yes => return Ok(()),
        Confirm::YesNo if !terminal => return Ok(()),
        Confirm::TypeName(name) if !terminal => {
            return Err((
                Refusal::by(
                    Guard::Confirmation,
                    format!(
                        "{name} is protected: without a terminal to type its name, pass --yes to confirm"
                    ),
                ),
                false,
            ));
        }
        Confirm::YesNo => "Proceed? [y/N] ".to_string(),
        Confirm::TypeName(name) => format!("Type `{name}` to confirm: "),
    };
    errw!("{question}");
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
        Err((
            Refusal::by(Guard::Confirmation, "not confirmed; nothing was sent"),
            true,
        ))
    }
}
