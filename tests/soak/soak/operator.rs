//! The scripted operator: acts through the console's keys and dialogs, as a person would, and
//! releases as the CLI does; sometimes the reply of the call it confirms is lost on the way.

use shipdeck::app::{Action, Phase, View};
use shipdeck::cloud::Cloud;
use shipdeck::cloud::sim::{Fault, SimCloud};
use shipdeck::domain::ExecutionStatus;
use shipdeck::ops::{self, Context, OpKind, Outcome, Plan, SelfApproval};
use shipdeck::runtime::Headless;

use super::world::Dice;

/// Selects environment `env` on the Pipeline view.
pub fn select(app: &mut Headless, env: &str) {
    app.dispatch(Action::Show(View::Pipeline));
    for _ in 0..app.state.envs.len() {
        if app.state.selected_env().map(|e| e.spec.name.as_str()) == Some(env) {
            return;
        }
        app.dispatch(Action::NextEnv);
    }
}

/// What one action came to: the plan confirmed and what `apply` reported (both `None` when
/// nothing was confirmed), and the screens drawn meanwhile.
pub struct Acted {
    pub sent: Option<(Plan, Outcome)>,
    pub screens: String,
}

/// The text the dialog of `kind` asks for.
fn text_for(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Stop => "soak: stopping a run",
        OpKind::Reject => "soak: not this one",
        OpKind::Freeze => "soak freeze",
        OpKind::Invalidate => "/index.html /assets/*",
        _ => "",
    }
}

/// Opens the dialog of `kind` on `env`, fills in what it asks (a reason, a comment, paths, the
/// first older rollback candidate, the name of a protected environment), makes the reply of
/// the call it sends lost when `lose` says so, confirms (twice: a repeated Enter must not send
/// twice) and closes the dialog once it has answered.
pub async fn act(
    app: &mut Headless,
    sim: &SimCloud,
    kind: OpKind,
    env: &str,
    lose: bool,
    draw: impl Fn(&Headless) -> String,
) -> Acted {
    select(app, env);
    app.dispatch(Action::Op(kind));
    app.settle().await;
    let mut screens = draw(app);
    if app.state.ops.dialog.is_none() {
        return Acted {
            sent: None,
            screens,
        };
    }
    for c in text_for(kind).chars() {
        app.dispatch(Action::Input(c));
    }
    if kind == OpKind::Rollback {
        app.dispatch(Action::Down);
    }
    let must_type = app
        .state
        .ops
        .dialog
        .as_ref()
        .and_then(|d| d.must_type().map(str::to_string));
    if let Some(name) = must_type {
        app.dispatch(Action::DialogNext);
        for c in name.chars() {
            app.dispatch(Action::Input(c));
        }
    }
    if app
        .state
        .ops
        .dialog
        .as_ref()
        .is_some_and(|d| d.changed.is_some())
    {
        // A refresh changed the target while the dialog was open: read it (Enter), then type
        // the name again where it is asked for.
        app.dispatch(Action::Submit);
        if let Some(name) = app
            .state
            .ops
            .dialog
            .as_ref()
            .and_then(|d| d.must_type().map(str::to_string))
        {
            for c in name.chars() {
                app.dispatch(Action::Input(c));
            }
        }
    }
    let planned = app
        .state
        .ops
        .dialog
        .as_ref()
        .and_then(|d| d.planned.clone().ok());
    let mut sent = None;
    if let Some(plan) = planned {
        if lose {
            sim.with(|s| s.force_faults(plan.call.operation, &[Fault::LostReply]));
        }
        screens.push_str(&draw(app));
        app.dispatch(Action::Submit);
        let confirmed = app.state.ops.dialog.as_ref().and_then(|d| match d.phase {
            Phase::Sending(_) => d.planned.clone().ok(),
            _ => None,
        });
        app.dispatch(Action::Submit);
        app.settle().await;
        screens.push_str(&draw(app));
        let answered = app.state.ops.dialog.as_ref().and_then(|d| match &d.phase {
            Phase::Done(o) => Some(o.clone()),
            _ => None,
        });
        sent = confirmed.zip(answered);
    }
    app.dispatch(Action::Back);
    app.dispatch(Action::Back);
    app.settle().await;
    Acted { sent, screens }
}

/// Releases to `env` as the CLI does (`shipdeck release ENV --from VERSION`): the catalogue, a
/// plan promoting one of its newest packages (picked by `pick`), then `ops::apply`, the reply
/// of its `CopyObject` lost when `lose` says so. `None` when the catalogue could not be read
/// or the plan was refused.
pub async fn release(
    app: &Headless,
    sim: &SimCloud,
    cloud: &Cloud,
    env: &str,
    pick: usize,
    lose: bool,
) -> Option<(Plan, Outcome)> {
    let i = app.state.envs.iter().position(|e| e.spec.name == env)?;
    let e = &app.state.envs[i];
    let packages = shipdeck::ops::apply::catalogue::catalogue(cloud, &e.spec)
        .await
        .ok()?;
    let version = packages
        .get(pick % packages.len().clamp(1, 3))?
        .release
        .version
        .to_string();
    let ctx = Context {
        spec: &e.spec,
        identity: app.state.session.identity.as_deref(),
        now: app.state.now,
        read_only: false,
        self_approval: SelfApproval::default(),
        aws_identity: None,
    };
    let data = app.state.pipeline_data(i)?;
    // A V2 pipeline starts on the source key's version holding the package, if one does.
    let versions = if ops::plan::release::starts_on_versions(&data) {
        Some(shipdeck::ops::apply::catalogue::source_versions(cloud, &e.spec).await)
    } else {
        None
    };
    let token = format!("soak-release-{}-{pick}", app.state.now.millis());
    let plan = ops::plan::release::plan_promote(
        &ctx,
        data,
        &packages,
        &version,
        versions.as_ref(),
        &token,
    )
    .ok()?;
    if lose {
        sim.with(|s| s.force_faults(plan.call.operation, &[Fault::LostReply]));
    }
    let outcome = ops::apply(cloud, &plan).await;
    Some((plan, outcome))
}

/// The operator's next console action, by the dice and what the pipelines show: answer prd's
/// approval (one in four a rejection), invalidate prd, freeze or unfreeze stg, retry a failed
/// run, stop a running one, roll stg back, deploy dev.
pub fn choose(sim: &SimCloud, dice: &mut Dice) -> Option<(OpKind, &'static str)> {
    let pipeline = |env: &str| format!("storefront-deployer-{env}");
    let latest = |env: &str| {
        sim.with(|s| s.executions(&pipeline(env)))
            .first()
            .map(|e| e.status)
    };
    let approvals = sim.with(|s| s.pending_approvals());
    let env = ["dev", "stg", "prd"][dice.below(3) as usize];
    if approvals.iter().any(|a| a.environment == "prd") && dice.below(2) == 0 {
        let kind = if dice.below(4) == 0 {
            OpKind::Reject
        } else {
            OpKind::Approve
        };
        return Some((kind, "prd"));
    }
    match dice.below(10) {
        0 => return Some((OpKind::Invalidate, "prd")),
        1 => {
            let frozen = sim
                .with(|s| s.pipeline_state(&pipeline("stg")))
                .is_some_and(|st| st.stages.iter().any(|s| !s.inbound.enabled));
            let kind = if frozen {
                OpKind::Unfreeze
            } else {
                OpKind::Freeze
            };
            return Some((kind, "stg"));
        }
        _ => {}
    }
    match latest(env) {
        Some(ExecutionStatus::Failed) => Some((OpKind::Retry, env)),
        Some(ExecutionStatus::InProgress) if dice.below(4) == 0 => Some((OpKind::Stop, env)),
        Some(ExecutionStatus::Succeeded) if env == "stg" && dice.below(3) == 0 => {
            Some((OpKind::Rollback, "stg"))
        }
        _ if env == "dev" => Some((OpKind::Deploy, "dev")),
        _ => None,
    }
}
