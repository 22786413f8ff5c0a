//! The scripted operator: acts through the console's keys and dialogs, as a person would.

use shipdeck::app::{Action, View};
use shipdeck::cloud::Cloud;
use shipdeck::ops::approve::PipelineData;
use shipdeck::ops::{self, Context, ExitClass, OpKind, SelfApproval};
use shipdeck::runtime::Headless;

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

/// Opens the dialog of `kind` on `env`, fills in a reason (stop) and the environment's name where
/// the dialog asks for it, confirms (twice: a repeated Enter must not send twice) and closes the
/// dialog once it has answered. Returns the screen drawn while the dialog was open.
pub async fn act(
    app: &mut Headless,
    kind: OpKind,
    env: &str,
    draw: impl Fn(&Headless) -> String,
) -> String {
    select(app, env);
    app.dispatch(Action::Op(kind));
    app.settle().await;
    let mut shown = draw(app);
    if app.state.ops.dialog.is_none() {
        return shown;
    }
    // A reason where one is asked for (stop), then the name of a protected environment.
    if kind == OpKind::Stop {
        for c in "soak: stopping a run".chars() {
            app.dispatch(Action::Input(c));
        }
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
        .is_some_and(|d| d.planned.is_ok())
    {
        shown.push_str(&draw(app));
        app.dispatch(Action::Submit);
        app.dispatch(Action::Submit);
        app.settle().await;
        shown.push_str(&draw(app));
    }
    app.dispatch(Action::Back);
    app.dispatch(Action::Back);
    app.settle().await;
    shown
}

/// Releases to `env` as the CLI does (`shipdeck release ENV --from VERSION`): the catalogue, a
/// plan promoting one of its newest packages (picked by `pick`), then `ops::apply`. Returns the
/// outcome's class, or `None` when the catalogue could not be read or the plan was refused.
pub async fn release(app: &Headless, cloud: &Cloud, env: &str, pick: usize) -> Option<ExitClass> {
    let i = app.state.envs.iter().position(|e| e.spec.name == env)?;
    let e = &app.state.envs[i];
    let packages = ops::release::catalogue(cloud, &e.spec).await.ok()?;
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
    };
    let data = PipelineData {
        def: e.def.as_ref(),
        state: e.state.as_ref(),
        executions: &e.executions,
    };
    let plan = ops::release::plan_promote(&ctx, data, &packages, &version).ok()?;
    Some(ops::apply(cloud, &plan).await.class)
}
