//! The watch after a done call (pure): each refresh of the watched environment (and, for an
//! invalidation, each read of it) is judged by the rules the CLI's `verify` follows
//! ([`crate::ops::plan::follow`]) until the change is seen, the action failed, or the limit passed.

use crate::app::ops::state::{Phase, Watch};
use crate::app::{Effect, EnvView, Level, State};
use crate::cloud::Invalidation;
use crate::ops::Request;
use crate::ops::plan::follow::default_limit;
use crate::ops::plan::follow::{self, Followed, Sight, Verdict};

/// How often a watched environment is refreshed after a done call.
pub const WATCH_POLL: crate::domain::Millis = 2_000;

/// What the watch `w` decides from the environment `env` as refreshed and what it read itself.
pub fn judge(env: &EnvView, w: &Watch) -> Verdict {
    let followed = Followed {
        execution_id: w.execution_id.as_deref(),
        reference: w.reference.as_deref(),
    };
    if let (Some(Err(e)), Some(id)) = (&w.invalidation, &w.reference) {
        // Unknown is not none: a failed read is said, and the next look reads again.
        return Verdict::Waiting(format!("invalidation {id} unknown: {e}"));
    }
    let sight = Sight {
        state: env.state.as_ref(),
        executions: &env.executions,
        invalidation: w.invalidation.as_ref().and_then(|r| r.as_ref().ok()),
    };
    let verdict = follow::judge(&w.plan.request, followed, &sight);
    let reads = follow::reads(&w.plan.request);
    match (verdict, &env.refresh.error) {
        (Verdict::Waiting(note), Some(stale)) if reads.state || reads.executions => {
            Verdict::Waiting(format!("{note} (the last refresh failed: {})", stale.error))
        }
        (verdict, _) => verdict,
    }
}

/// After a refresh of environment `env`: when it is the watched one, judge it, and read the
/// followed invalidation again when the watch needs it.
pub(in crate::app) fn refreshed(state: &mut State, env: usize) -> Vec<Effect> {
    // A change made on GitHub is followed by its own looks (`ops::workflow`).
    if state
        .ops
        .watch
        .as_ref()
        .is_none_or(|w| w.env != env || w.github.is_some())
    {
        return Vec::new();
    }
    look(state);
    let Some(w) = state.ops.watch.as_mut() else {
        return Vec::new();
    };
    let (
        Request::Invalidate {
            distribution_id, ..
        },
        Some(id),
        None,
    ) = (&w.plan.request, &w.reference, w.reading)
    else {
        return Vec::new();
    };
    let (distribution_id, id) = (distribution_id.clone(), id.clone());
    let request = state.take_request();
    if let Some(w) = state.ops.watch.as_mut() {
        w.reading = Some(request);
    }
    vec![Effect::FetchInvalidation {
        request,
        distribution_id,
        id,
    }]
}

/// The followed invalidation was read: keep it and judge the watch again.
pub(in crate::app) fn invalidation_loaded(
    state: &mut State,
    request: crate::app::RequestId,
    result: Result<Invalidation, String>,
) {
    let Some(w) = state
        .ops
        .watch
        .as_mut()
        .filter(|w| w.reading == Some(request))
    else {
        return;
    };
    w.reading = None;
    w.invalidation = Some(result);
    look(state);
}

/// Judges the watch: reports its end once (seen, failed, or not observed within its limit) in the
/// status bar and the done dialog, else polls the environment fast.
fn look(state: &mut State) {
    let Some(w) = state.ops.watch.as_ref() else {
        return;
    };
    let env = w.env;
    let Some(e) = state.envs.get(env) else {
        state.ops.watch = None;
        return;
    };
    let verdict = judge(e, w);
    settle(state, verdict);
}

/// Time between two looks at GitHub (two or three calls each: well within its rate limit).
pub const GITHUB_LOOK: crate::domain::Millis = 5_000;

/// Ends the watch on a final verdict (or its limit), else sets up the next look, and says what
/// was seen in the status bar and the done dialog.
pub(in crate::app) fn settle(state: &mut State, verdict: Verdict) {
    let Some(w) = state.ops.watch.as_ref() else {
        return;
    };
    let env = w.env;
    let head = format!("{} {}", w.plan.kind.name(), w.plan.environment);
    let limit = default_limit(&w.plan.request);
    let expired = state.now >= w.until;
    let note = match &verdict {
        Verdict::Seen(note) => {
            state.say(Level::Info, format!("{head}: {note}"));
            format!("verified: {note}")
        }
        Verdict::Failed(note) => {
            state.say(Level::Error, format!("{head}: not verified: {note}"));
            format!("not verified: {note}")
        }
        Verdict::Waiting(note) if expired => {
            let text = follow::not_observed(limit, note);
            state.say(Level::Warn, format!("{head}: not verified: {text}"));
            format!("not verified: {text}")
        }
        Verdict::Waiting(note) => {
            if let Some(g) = state.ops.watch.as_mut().and_then(|w| w.github.as_mut()) {
                g.due = state.now + GITHUB_LOOK;
            } else if let Some(e) = state.envs.get_mut(env) {
                e.refresh.due_by(state.now + WATCH_POLL);
            }
            format!("watching… {note}")
        }
    };
    if verdict.is_final() || expired {
        state.ops.watch = None;
    }
    if let Some(d) = state.ops.dialog.as_mut()
        && d.env == env
        && matches!(d.phase, Phase::Done(_))
    {
        d.watch_note = Some(note);
    }
}
