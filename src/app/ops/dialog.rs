//! The plan/confirm dialog's reducer: typing and editing re-plan, the page keys scroll the plan,
//! Enter sends exactly once, Esc declines.

use crate::app::ops::state::{AuditLine, Dialog, Field, InFlight, Phase, PlanRows};
use crate::app::{Action, Effect, Level, State, ops};
use crate::ops::plan::audit::Entry;
use crate::ops::{Guard, Refusal};

/// Longest text accepted in a dialog field (the plans check the real limits).
const MAX_TEXT: usize = 4096;

/// Lines a page key scrolls the plan before the terminal loop has said how many it shows.
const DEFAULT_PAGE: usize = 5;

/// A key while the dialog is open.
pub(in crate::app) fn key(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(d) = state.ops.dialog.as_mut() else {
        return Vec::new();
    };
    match (&d.phase, action) {
        // The upload's path field: Tab completes it, Enter reads the file.
        (Phase::Editing, Action::DialogNext | Action::Complete) if d.field == Field::Path => {
            return ops::upload::complete(state);
        }
        (Phase::Editing, Action::Submit) if d.field == Field::Path => {
            return ops::upload::read(state);
        }
        // Esc or `c` while a package goes up cancels it.
        (Phase::Sending(_), Action::Back | Action::Input('c')) if d.upload.is_some() => {
            return ops::upload::cancel(state);
        }
        (Phase::Editing, Action::Input(c)) => {
            if let Some(field) = d.focused() {
                // A full field or a control character changes nothing: no re-plan either.
                if field.insert(c, MAX_TEXT) {
                    typed(state);
                }
            }
        }
        (Phase::Editing, action) if action.edit().is_some() => {
            let edit = action.edit();
            let changed = match (d.focused(), edit) {
                (Some(field), Some(edit)) => field.edit(edit),
                _ => false,
            };
            // A cursor move is no edit: the plan and its pinned target stay as they are.
            if changed {
                typed(state);
            }
        }
        (_, Action::PageDown) => {
            let (page, max) = d
                .rows
                .map_or((DEFAULT_PAGE, usize::MAX), |r| (r.page(), r.max_scroll()));
            d.scroll = d.scroll.saturating_add(page).min(max);
        }
        (_, Action::PageUp) => {
            let page = d.rows.map_or(DEFAULT_PAGE, PlanRows::page);
            let max = d.rows.map_or(usize::MAX, PlanRows::max_scroll);
            d.scroll = d.scroll.min(max).saturating_sub(page);
        }
        (Phase::Editing, Action::DialogNext | Action::Complete) => {
            let has_confirm = d.must_type().is_some();
            // The fields in Tab order; `Text` is also the send line when there is no text.
            let mut order = Vec::new();
            if d.package.is_some() {
                order.push(Field::Package);
            }
            if d.upload.is_some() {
                order.push(Field::Path);
            }
            if d.text_label().is_some() || !has_confirm {
                order.push(Field::Text);
            }
            if has_confirm {
                order.push(Field::Confirm);
            }
            let at = order.iter().position(|f| *f == d.field).unwrap_or(0);
            d.field = order
                .get((at + 1) % order.len().max(1))
                .copied()
                .unwrap_or(d.field);
        }
        (Phase::Editing, Action::DialogToggle) if d.toggle_label().is_some() => {
            d.toggle = !d.toggle;
            edited(state);
        }
        (Phase::Editing, Action::Up) if d.kind == crate::ops::OpKind::Rollback => {
            crate::app::ops::release::move_candidate(state, -1);
        }
        (Phase::Editing, Action::Down) if d.kind == crate::ops::OpKind::Rollback => {
            crate::app::ops::release::move_candidate(state, 1);
        }
        (Phase::Editing, Action::Submit) => return submit(state),
        (Phase::Editing, Action::Back) => return decline(state, "the operator cancelled"),
        // While sending, nothing happens: no second call, no closing the call's dialog by Enter.
        (Phase::Sending(_), Action::Back) => {
            state.ops.dialog = None;
            state.say(Level::Info, "sending; the result will show here");
        }
        (Phase::Done(_), Action::Submit | Action::Back) => state.ops.dialog = None,
        _ => {}
    }
    Vec::new()
}

/// The open dialog's plan area shows `shown` of the plan's `total` lines.
pub(in crate::app) fn plan_rows(state: &mut State, shown: usize, total: usize) {
    if let Some(d) = state.ops.dialog.as_mut() {
        let rows = PlanRows { shown, total };
        d.rows = Some(rows);
        d.scroll = d.scroll.min(rows.max_scroll());
    }
}

/// The operator typed in or edited the focused field: the paths a Tab listed are gone, and the
/// dialog plans again.
fn typed(state: &mut State) {
    if let Some(u) = state.ops.dialog.as_mut().and_then(|d| d.upload.as_mut()) {
        u.matches.clear();
    }
    edited(state);
}

/// Re-plans the open dialog after the operator changed a field: the target they now see is
/// the one pinned.
pub(in crate::app) fn edited(state: &mut State) {
    if (state.status.as_ref()).is_some_and(|m| m.scope == Some(crate::app::Scope::Dialog)) {
        // What Enter said was missing is the plan's to show now, as the fields stand.
        state.status = None;
    }
    replan_with(state, true);
}

/// Re-plans the open dialog with the data held now (a refresh, a listing that arrived). A
/// target other than the one the operator was shown is never sent unseen: the dialog says what
/// changed, clears the typed confirmation and waits for Enter to acknowledge it.
pub(in crate::app) fn replan(state: &mut State) {
    replan_with(state, false);
}

fn replan_with(state: &mut State, by_operator: bool) {
    let Some(d) = state.ops.dialog.as_ref() else {
        return;
    };
    if d.phase != Phase::Editing {
        return;
    }
    let planned = ops::plan::plan(state, d);
    let Some(d) = state.ops.dialog.as_mut() else {
        return;
    };
    d.planned = planned;
    if d.field == Field::Text && d.text_label().is_none() && d.must_type().is_some() {
        d.field = Field::Confirm;
    }
    let Some(seen) = d.target().cloned() else {
        // Nothing to act on now (the refusal says why): a change told before named a target
        // that is gone too. The pin stays, so a target that comes later is told as a change.
        d.changed = None;
        return;
    };
    match d.pinned.take() {
        Some(old) if old.key != seen.key && !by_operator && !old.provisional => {
            let was = match d.changed.take() {
                // Changed twice before the operator looked: still from what they saw first.
                Some(note) => note,
                None => old.text,
            };
            let text = format!(
                "{} {}: the target changed while the dialog was open: it was {was}, it is now {}; \
                 nothing was sent — read the plan again, Enter to accept it",
                d.kind.name(),
                state.envs.get(d.env).map_or("?", |e| e.spec.name.as_str()),
                seen.text,
            );
            d.changed = Some(was);
            d.typed.clear();
            d.pinned = Some(seen);
            state.say(Level::Warn, text);
        }
        _ => d.pinned = Some(seen),
    }
}

/// Enter: sends the plan once when everything is satisfied, else says what is missing. After a
/// change of target it only acknowledges the new one.
fn submit(state: &mut State) -> Vec<Effect> {
    replan(state);
    let Some(d) = state.ops.dialog.as_mut() else {
        return Vec::new();
    };
    if d.changed.take().is_some() {
        let next = if d.must_type().is_some() {
            "type the name again and Enter to send"
        } else {
            "Enter again sends"
        };
        let text = format!(
            "{}: the plan now acts on {}; {next}",
            d.kind.name(),
            d.pinned.as_ref().map_or("?", |t| t.text.as_str())
        );
        state.say(Level::Info, text);
        return Vec::new();
    }
    let Some(d) = state.ops.dialog.as_ref() else {
        return Vec::new();
    };
    if state.read_only_env(d.env) {
        // Defence below the UI: a read-only session never sends.
        return decline(state, "refused: read-only; mutating actions are disabled");
    }
    if d.field == Field::Package {
        let next = if d.must_type().is_some() {
            "Tab to the typed name"
        } else {
            "Tab to the send line"
        };
        let text = format!("release: read the plan, then {next} and Enter to send (Esc cancels)");
        state.say(Level::Info, text);
        return Vec::new();
    }
    let plan = match &d.planned {
        Ok(plan) => plan.clone(),
        Err(r) => {
            let text = r.reason.clone();
            state.say_about(crate::app::Scope::Dialog, Level::Warn, text);
            return Vec::new();
        }
    };
    if let Some(name) = d.must_type().filter(|n| d.typed != *n) {
        let text = format!(
            "{} is protected: type `{name}` in the confirmation field to confirm",
            plan.environment
        );
        state.say_about(crate::app::Scope::Dialog, Level::Warn, text);
        return Vec::new();
    }
    let env = d.env;
    let request = state.take_request();
    if let Some(d) = state.ops.dialog.as_mut() {
        d.phase = Phase::Sending(request);
    }
    state.ops.inflight = Some(InFlight {
        request,
        plan: plan.clone(),
        env,
    });
    state.say(
        Level::Info,
        format!("{} {}: sending…", plan.kind.name(), plan.environment),
    );
    vec![Effect::ApplyOp {
        request,
        plan: Box::new(plan),
        identity: state.identity_of(env).map(str::to_string),
        at: state.now,
        log: crate::app::ops::audit::log(state),
    }]
}

/// Closes the dialog without sending and audits it as declined.
pub(in crate::app) fn decline(state: &mut State, why: &str) -> Vec<Effect> {
    let Some(d) = state.ops.dialog.take() else {
        return Vec::new();
    };
    if d.phase != Phase::Editing {
        return Vec::new();
    }
    let identity = state.identity_of(d.env);
    let name = state
        .envs
        .get(d.env)
        .map_or(String::new(), |e| e.spec.name.clone());
    let refusal = Refusal::by(Guard::Confirmation, format!("declined: {why}"));
    let mut entry = match &d.planned {
        Ok(plan) => Entry::declined(plan, identity, state.now, &refusal),
        Err(r) => {
            let why = Refusal::by(r.guard, format!("declined: {why} ({})", r.reason));
            Entry::refused(
                d.kind,
                &name,
                ops::plan::ask(state, &d).params(),
                identity,
                state.now,
                &why,
            )
        }
    };
    entry.outcome = "declined".into();
    state.say(
        Level::Info,
        format!("{} {name}: declined, nothing sent", d.kind.name()),
    );
    vec![audit(state, entry)]
}

/// The effect that appends an entry to the audit log.
pub(in crate::app) fn audit(state: &State, entry: Entry) -> Effect {
    Effect::Audit {
        entry: Box::new(AuditLine(entry)),
        log: crate::app::ops::audit::log(state),
    }
}

/// A new dialog for `kind` on `env` (an override: on `stage`, default the first with a
/// condition in progress), planned at once; `nonce` is the request id taken for it.
pub(in crate::app) fn new(
    state: &State,
    kind: crate::ops::OpKind,
    env: usize,
    nonce: u64,
    stage: Option<String>,
) -> Dialog {
    let mut d = Dialog {
        kind,
        env,
        text: Default::default(),
        typed: Default::default(),
        confirm_name: state
            .envs
            .get(env)
            .filter(|e| e.spec.protected)
            .map(|e| e.spec.name.clone()),
        toggle: false,
        field: Field::Text,
        asked_at: state.now,
        nonce,
        planned: Err(Refusal::nothing("not planned yet")),
        pinned: None,
        changed: None,
        phase: Phase::Editing,
        watch_note: None,
        package: None,
        candidates: None,
        listing: None,
        versions: None,
        scroll: 0,
        rows: None,
        workflow: None,
        run: None,
        stage,
        execution: None,
        before: None,
        upload: None,
    };
    d.planned = ops::plan::plan(state, &d);
    d.pinned = d.target().cloned();
    if d.text_label().is_none() {
        d.field = Field::Confirm;
    }
    d
}
