//! The release through the release workflow in the console: its dialog (the ref's commit, the
//! workflow file and the token read through an effect; inputs typed as `NAME=VALUE`), the
//! switch to the direct upload, and the watch's looks at GitHub after the call.

use crate::app::ops::state::WorkflowAsk;
use crate::app::{Effect, Level, RequestId, State, ops};
use crate::ops::OpKind;
use crate::ops::plan::follow::Verdict;
use crate::ops::plan::follow_workflow::{Hold, Trail, Unseen};
use crate::ops::plan::release_workflow::WorkflowRead;

/// The branch the console's release workflow runs on.
pub const DEFAULT_REF: &str = "main";

/// Whether the release key offers the workflow on `env`: `[github]` is configured and the
/// environment is a protected one (where release managers ship); elsewhere the direct upload.
pub(in crate::app) fn offered(state: &State, env: usize) -> bool {
    state.ops.release_workflow.is_some() && state.envs.get(env).is_some_and(|e| e.spec.protected)
}

/// Whether the open dialog is a release through the workflow, still being edited.
pub(in crate::app) fn is_open(state: &State) -> bool {
    state
        .ops
        .dialog
        .as_ref()
        .is_some_and(|d| d.workflow.is_some() && d.phase == crate::app::ops::state::Phase::Editing)
}

/// Opens the release dialog of the workflow on `env` and reads what it is planned with.
pub(in crate::app) fn open_dialog(state: &mut State, env: usize) -> Vec<Effect> {
    let Some(file) = state.ops.release_workflow.clone() else {
        return Vec::new();
    };
    let nonce = state.take_request();
    let request = state.take_request();
    let mut d = ops::dialog::new(state, OpKind::Release, env, nonce, None);
    d.workflow = Some(WorkflowAsk {
        git_ref: DEFAULT_REF.into(),
        file: file.clone(),
        reading: Some(request),
        read: None,
    });
    d.field = crate::app::ops::state::Field::Text;
    state.ops.dialog = Some(d);
    ops::dialog::replan(state);
    vec![Effect::ReadWorkflow {
        request,
        workflow: file,
        git_ref: DEFAULT_REF.into(),
    }]
}

/// The workflow was read: the dialog that asked plans with it.
pub(in crate::app) fn read_loaded(state: &mut State, request: RequestId, read: WorkflowRead) {
    let Some(w) = state
        .ops
        .dialog
        .as_mut()
        .and_then(|d| d.workflow.as_mut())
        .filter(|w| w.reading == Some(request))
    else {
        return;
    };
    w.reading = None;
    w.read = Some(read);
    ops::dialog::replan(state);
}

/// The toggle key in the workflow's dialog: the direct upload instead (nothing was sent, so
/// nothing is declined).
pub(in crate::app) fn to_direct(state: &mut State) -> Vec<Effect> {
    let Some(d) = state.ops.dialog.take() else {
        return Vec::new();
    };
    state.say(
        Level::Info,
        "release: direct upload (no workflow): choose a package",
    );
    ops::release::open_picker(state, d.env, None)
}

/// On each tick: the next look of a watch on GitHub, when it is due and GitHub's rate limit
/// (the hold the Runs view and the lag compare share) does not hold it.
pub(in crate::app) fn tick(state: &mut State) -> Vec<Effect> {
    let now = state.now;
    let Some(w) = state.ops.watch.as_ref() else {
        return Vec::new();
    };
    let Some(g) = w
        .github
        .as_ref()
        .filter(|g| g.looking.is_none() && now >= g.due)
    else {
        return Vec::new();
    };
    if state.runs.limited(now) {
        let unseen = Unseen {
            message: String::new(),
            limited_until: state.runs.limited_until,
        };
        let until = w.until;
        hold(state, unseen.hold(now, until));
        return Vec::new();
    }
    let (applied, trail) = (Box::new(w.plan.request.clone()), Box::new(g.trail.clone()));
    let request = state.take_request();
    if let Some(g) = state.ops.watch.as_mut().and_then(|w| w.github.as_mut()) {
        g.looking = Some(request);
    }
    vec![Effect::LookGitHub {
        request,
        applied,
        trail,
    }]
}

/// A look came back: keep what it found and judge (a failed read is unknown, said, and read
/// again at the next look; a rate limit holds the next look, and every GitHub read, until it
/// resets).
pub(in crate::app) fn looked(
    state: &mut State,
    request: RequestId,
    trail: Trail,
    result: Result<Verdict, Unseen>,
) {
    let now = state.now;
    let Some(w) = state.ops.watch.as_mut().filter(|w| {
        w.github
            .as_ref()
            .is_some_and(|g| g.looking == Some(request))
    }) else {
        return;
    };
    let until = w.until;
    if let Some(g) = w.github.as_mut() {
        g.looking = None;
        g.trail = trail;
    }
    match result {
        Ok(verdict) => ops::watch::settle(state, verdict),
        Err(unseen) => {
            if let Some(reset) = unseen.limited_until.filter(|at| *at > now) {
                state.runs.limited_until = state.runs.limited_until.max(Some(reset));
            }
            hold(state, unseen.hold(now, until));
        }
    }
}

/// What the watch does after a look that could not judge: look again at the usual pace, wait
/// for GitHub's rate limit to reset, or stop with unknown when it resets after the watch's limit.
fn hold(state: &mut State, hold: Hold) {
    match hold {
        Hold::Now(note) => ops::watch::settle(state, Verdict::Waiting(note)),
        Hold::Until(reset, note) => {
            ops::watch::settle(state, Verdict::Waiting(note));
            if let Some(g) = state.ops.watch.as_mut().and_then(|w| w.github.as_mut()) {
                g.due = reset;
            }
        }
        Hold::Beyond(text) => {
            let Some(w) = state.ops.watch.take() else {
                return;
            };
            state.say(
                Level::Warn,
                format!("{} {}: {text}", w.plan.kind.name(), w.plan.environment),
            );
            if let Some(d) = state.ops.dialog.as_mut()
                && d.env == w.env
                && matches!(d.phase, crate::app::ops::state::Phase::Done(_))
            {
                d.watch_note = Some(text);
            }
        }
    }
}
