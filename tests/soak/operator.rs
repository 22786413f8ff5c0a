//! The scripted operator: acts through the console's keys and dialogs, as a person would.

use shipdeck::app::{Action, View};
use shipdeck::ops::OpKind;
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
