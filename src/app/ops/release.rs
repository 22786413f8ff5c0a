//! The release picker (packages newest first, then the plan/confirm dialog of the chosen one)
//! and the rollback dialog's candidates listed from the stage.

use crate::app::ops::state::{Dialog, Field, Phase, ReleasePicker};
use crate::app::{Action, Effect, Level, RequestId, State, ops};
use crate::domain::{ExecutionStatus, ExecutionSummary, Version};
use crate::ops::plan::approve::short_id;
use crate::ops::plan::ask::{Ask, ReleaseFrom, What};
use crate::ops::plan::package::{Catalogue, Package};
use crate::ops::{Guard, OpKind, Refusal};

/// The version deployed in environment `env`: the release of the execution that last succeeded
/// in its deploy stage.
pub fn deployed_version(state: &State, env: usize) -> Option<Version> {
    let env = state.envs.get(env)?;
    crate::app::envs::summary::deployed(env)
        .deployed_release()
        .map(|r| r.version.clone())
}

/// The candidates a rollback dialog offers, newest first, without the deployed one nor rollback
/// executions (no rollback targets): the stage's
/// listing once read, else the history's succeeded executions (and whether it is the listing).
pub fn older_candidates(state: &State, d: &Dialog) -> (Vec<ExecutionSummary>, bool) {
    match &d.candidates {
        Some(Ok(list)) => (crate::ops::plan::rollback::older_targets(list), true),
        _ => {
            let history = state.envs.get(d.env).map_or(Vec::new(), |e| {
                let succeeded: Vec<ExecutionSummary> = e
                    .executions
                    .iter()
                    .filter(|x| x.status == ExecutionStatus::Succeeded)
                    .cloned()
                    .collect();
                crate::ops::plan::rollback::older_targets(&succeeded)
            });
            (history, false)
        }
    }
}

/// The version `:release ENV VERSION` asks for (none for an empty word), or why it is not one.
pub(in crate::app) fn wanted(text: &str) -> Result<Option<Version>, String> {
    match text.trim() {
        "" => Ok(None),
        text => Version::parse(text)
            .map(Some)
            .ok_or_else(|| format!("`{text}` is not a version such as 1.43.0")),
    }
}

/// `:release ENV VERSION` refused for its version (`why`: it is not one, or no package has it):
/// said naming the environment, and audited with the version asked for, as `shipdeck release
/// ENV --from VERSION` is.
pub(in crate::app) fn refused_version(
    state: &mut State,
    env: usize,
    version: &str,
    why: String,
) -> Vec<Effect> {
    let ask = Ask {
        env: (state.envs.get(env)).map_or(String::new(), |e| e.spec.name.clone()),
        what: What::Release(ReleaseFrom::Version(version.trim().to_string())),
        asked_at: state.now,
        nonce: state.next_request,
    };
    let refusal = Refusal::by(Guard::Input, why);
    ops::update::refused(state, OpKind::Release, env, ask.params(), &refusal)
}

/// Opens the picker on `env` (the one refusal path has run already) and reads the catalogue;
/// with `want` (`:release ENV VERSION`) the catalogue is paged through for that version, however
/// old, and its dialog opens at once when it is there.
pub(in crate::app) fn open_picker(
    state: &mut State,
    env: usize,
    version: Option<Version>,
) -> Vec<Effect> {
    let Some(spec) = state.envs.get(env).map(|e| e.spec.clone()) else {
        return Vec::new();
    };
    let request = state.take_request();
    state.overlay = None;
    state.ops.picker = Some(ReleasePicker {
        env,
        request,
        packages: None,
        row: 0,
        want: version.clone(),
    });
    vec![Effect::FetchPackages {
        env,
        request,
        spec: Box::new(spec),
        want: version,
    }]
}

/// The packages of an environment were read: the open picker that asked lists them (or opens
/// the dialog of the version asked for); an answer nobody waits for is dropped.
pub(in crate::app) fn packages_loaded(
    state: &mut State,
    env: usize,
    request: RequestId,
    result: Result<Catalogue, String>,
) -> Vec<Effect> {
    let Some(p) = state
        .ops
        .picker
        .as_mut()
        .filter(|p| p.env == env && p.request == request)
    else {
        return Vec::new();
    };
    let want = p.want.take();
    p.row = 0;
    if let (Ok(catalogue), Some(v)) = (&result, &want) {
        if let Some(package) = catalogue.find(v).cloned() {
            return open_dialog(state, package);
        }
        // Refused as a version the CLI does not find is; the picker stays open on the packages.
        let why = catalogue.not_found(v);
        p.packages = Some(result);
        let fx = refused_version(state, env, &v.to_string(), why);
        if let Some(m) = state.status.as_mut() {
            m.text.push_str("; choose one");
        }
        return fx;
    }
    p.packages = Some(result);
    Vec::new()
}

/// A key while the picker is open. Its last row (below the packages) opens the upload of a
/// local package.
pub(in crate::app) fn picker(state: &mut State, action: Action) -> Vec<Effect> {
    let Some(p) = state.ops.picker.as_mut() else {
        return Vec::new();
    };
    let count = upload_row(p).map_or(0, |row| row + 1);
    match action {
        Action::Up => p.row = p.row.saturating_sub(1),
        Action::Down => p.row = (p.row + 1).min(count.saturating_sub(1)),
        Action::Top => p.row = 0,
        Action::Bottom => p.row = count.saturating_sub(1),
        Action::Submit | Action::Open => return choose(state),
        Action::Back | Action::Quit => {
            state.ops.picker = None;
            state.say(Level::Info, "release: no package chosen, nothing sent");
        }
        _ => {}
    }
    Vec::new()
}

/// Enter in the picker: the plan/confirm dialog of the selected package, or the upload's path
/// prompt on the last row.
fn choose(state: &mut State) -> Vec<Effect> {
    let Some(p) = state.ops.picker.as_ref() else {
        return Vec::new();
    };
    if Some(p.row) == upload_row(p) {
        return ops::upload::open(state);
    }
    let Some(Ok(catalogue)) = &p.packages else {
        state.say(Level::Warn, "release: the packages are not loaded yet");
        return Vec::new();
    };
    let Some(package) = catalogue.newest().get(p.row).cloned() else {
        state.say(Level::Warn, "release: no package to choose");
        return Vec::new();
    };
    open_dialog(state, package)
}

/// The picker's last row, which opens the upload of a local package, once the packages are
/// read (the upload's plan checks that its version is not among them).
pub fn upload_row(p: &ReleasePicker) -> Option<usize> {
    match &p.packages {
        Some(Ok(catalogue)) => Some(catalogue.newest().len()),
        _ => None,
    }
}

/// Closes the picker and opens the plan/confirm dialog of `package`.
fn open_dialog(state: &mut State, package: Package) -> Vec<Effect> {
    let Some(env) = state.ops.picker.take().map(|p| p.env) else {
        return Vec::new();
    };
    let nonce = state.take_request();
    let mut d = ops::dialog::new(state, OpKind::Release, env, nonce, None);
    d.package = Some(package);
    d.field = Field::Package;
    // A V2 pipeline starts on the source key's version that holds the package, if one does.
    let mut fx = Vec::new();
    let v2 = state
        .pipeline_data(env)
        .is_some_and(|data| crate::ops::plan::release::starts_on_versions(&data));
    if let (true, Some(spec)) = (v2, state.envs.get(env).map(|e| e.spec.clone())) {
        let request = state.take_request();
        d.listing = Some(request);
        fx.push(Effect::FetchSourceVersions {
            env,
            request,
            spec: Box::new(spec),
        });
    }
    state.ops.dialog = Some(d);
    ops::dialog::replan(state);
    fx
}

/// The versions of the source key a V2 release's dialog asked for came back: it plans with them.
pub(in crate::app) fn versions_loaded(
    state: &mut State,
    env: usize,
    request: RequestId,
    result: crate::ops::plan::release::SourceVersions,
) {
    let Some(d) = state
        .ops
        .dialog
        .as_mut()
        .filter(|d| d.env == env && d.listing == Some(request))
    else {
        return;
    };
    d.listing = None;
    d.versions = Some(result);
    ops::dialog::replan(state);
}

/// The listing request of a rollback dialog just opened on `env`.
pub(in crate::app) fn fetch_candidates(state: &mut State, env: usize) -> Vec<Effect> {
    let Some(e) = state.envs.get(env) else {
        return Vec::new();
    };
    let Some(stage) = e
        .def
        .as_ref()
        .and_then(crate::ops::plan::rollback::default_stage)
        .map(str::to_string)
    else {
        return Vec::new();
    };
    let pipeline = e.spec.pipeline.clone();
    let request = state.take_request();
    if let Some(d) = state.ops.dialog.as_mut() {
        d.listing = Some(request);
    }
    vec![Effect::FetchCandidates {
        env,
        request,
        pipeline,
        stage,
    }]
}

/// The listing answered: offer it, the newest earlier execution selected.
pub(in crate::app) fn candidates_loaded(
    state: &mut State,
    env: usize,
    request: crate::app::RequestId,
    result: Result<Vec<ExecutionSummary>, String>,
) {
    let Some(d) = state
        .ops
        .dialog
        .as_mut()
        .filter(|d| d.env == env && d.listing == Some(request))
    else {
        return;
    };
    d.listing = None;
    let chosen = d.text.trim().to_string();
    if let Err(e) = &result {
        let text = format!("rollback: {e}; offering the history's executions instead");
        d.candidates = Some(result);
        state.say(Level::Warn, text);
    } else {
        d.candidates = Some(result);
    }
    let still = state
        .ops
        .dialog
        .as_ref()
        .is_some_and(|d| older_candidates(state, d).0.iter().any(|e| e.id == chosen));
    if still {
        // The execution already chosen is still a candidate: it stays chosen.
        ops::dialog::replan(state);
    } else if chosen.is_empty()
        && let Some(judged) = state.ops.dialog.as_ref().and_then(|d| d.before.clone())
    {
        choose_before(state, &judged);
    } else {
        // Nothing chosen yet: the newest earlier execution is, as if the operator had. Else the
        // one shown is no candidate of the listing: another is chosen, and the dialog says the
        // target changed.
        select_candidate(state, 0, chosen.is_empty());
    }
}

/// From the release-health panel: choose the candidate that succeeded before the judged deploy
/// `judged`, and say so; when that deploy is not what runs now, say that rolling back to before
/// it undoes what came after too. A judged deploy that is not among the candidates (it did not
/// succeed in the stage) chooses nothing: the operator does.
fn choose_before(state: &mut State, judged: &str) {
    let Some(d) = state.ops.dialog.as_ref() else {
        return;
    };
    let listed: Vec<ExecutionSummary> = match &d.candidates {
        Some(Ok(list)) => list.clone(),
        _ => state.envs.get(d.env).map_or(Vec::new(), |e| {
            (e.executions.iter())
                .filter(|x| x.status == ExecutionStatus::Succeeded)
                .cloned()
                .collect()
        }),
    };
    let (older, _) = older_candidates(state, d);
    let release = |e: &ExecutionSummary| match e.release() {
        Some(r) => format!("{} ({})", r.version, short_id(&e.id)),
        None => short_id(&e.id).to_string(),
    };
    let Some(at) = listed.iter().position(|e| e.id == judged) else {
        state.say(
            Level::Warn,
            format!(
                "rollback: the deploy judged ({}) is not among the executions that succeeded in \
                 the stage: choose the one to roll back to",
                short_id(judged)
            ),
        );
        return;
    };
    let Some(row) = older
        .iter()
        .position(|o| listed.iter().position(|e| e.id == o.id) > Some(at))
    else {
        state.say(
            Level::Warn,
            format!(
                "rollback: no earlier execution succeeded before the deploy judged ({})",
                short_id(judged)
            ),
        );
        return;
    };
    select_candidate(state, row, true);
    if at > 0 {
        let now = &listed[0];
        state.say(
            Level::Warn,
            format!(
                "rollback: {} runs now, deployed after the one judged, {}: rolling back to \
                 before the judged one undoes both",
                release(now),
                release(&listed[at]),
            ),
        );
    }
}

/// Up/Down in the rollback dialog: choose the candidate `delta` rows away.
pub(in crate::app) fn move_candidate(state: &mut State, delta: isize) {
    let Some(d) = state.ops.dialog.as_ref() else {
        return;
    };
    let (older, _) = older_candidates(state, d);
    let at = older.iter().position(|e| e.id == d.text.trim());
    let next = match at {
        Some(i) => i.saturating_add_signed(delta),
        None => 0,
    };
    select_candidate(state, next, true);
}

/// Chooses the candidate at `row`; `by_operator` when the operator (or the default choice of a
/// dialog with none yet) made it, else a refresh changed what was shown.
fn select_candidate(state: &mut State, row: usize, by_operator: bool) {
    let Some(d) = state.ops.dialog.as_ref() else {
        return;
    };
    if d.kind != OpKind::Rollback || d.phase != Phase::Editing {
        return;
    }
    let (older, _) = older_candidates(state, d);
    let Some(pick) = older.get(row.min(older.len().saturating_sub(1))) else {
        return;
    };
    let id = pick.id.clone();
    if let Some(d) = state.ops.dialog.as_mut() {
        d.text = id.into();
    }
    if by_operator {
        ops::dialog::edited(state);
    } else {
        ops::dialog::replan(state);
    }
}
