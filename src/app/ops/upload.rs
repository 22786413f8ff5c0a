//! Releasing a local package from the console, as `shipdeck release ENV --package PATH` does:
//! the path prompt (Tab completes on the file system, Enter reads the file), the plan of the one
//! planner, the upload's progress and its cancel. The file system is read by effects.

use crate::app::ops::state::{Dialog, Field, Phase};
use crate::app::{Effect, Level, RequestId, State, TextInput, ops};
use crate::domain::{EnvSpec, Release, Timestamp};
use crate::ops::plan::package::{Catalogue, version_of_key};
use crate::ops::plan::release::LocalPackage;
use crate::ops::{Guard, OpKind, Refusal, Target};

/// A local file as the runtime read it for a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    /// The path read (`~` expanded).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// The working tree's commit (`git rev-parse HEAD`, else `unknown`), as the CLI takes it
    /// when `--commit` is not given.
    pub commit: String,
}

/// How far the upload is, as its effect reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    /// Bytes sent.
    pub sent: u64,
    /// Bytes in all.
    pub total: u64,
    /// When sending began, on the session's clock.
    pub started: Timestamp,
    /// When this was reported, on the session's clock.
    pub at: Timestamp,
}

impl UploadProgress {
    /// Bytes sent per second of wall time (the session's clock runs `speed` times faster in the
    /// demo); `None` before any time has passed.
    pub fn rate(&self, speed: f64) -> Option<f64> {
        let ms = (self.at.0 - self.started.0) as f64;
        (ms > 0.0 && self.sent > 0 && speed > 0.0).then(|| self.sent as f64 * 1000.0 * speed / ms)
    }

    /// Seconds left at [`UploadProgress::rate`].
    pub fn eta(&self, speed: f64) -> Option<u64> {
        let rate = self.rate(speed)?;
        Some((self.total.saturating_sub(self.sent) as f64 / rate).ceil() as u64)
    }
}

/// The upload dialog's own state: the path prompt, the file read, the catalogue that tells
/// whether its version exists, and the upload's progress.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UploadAsk {
    /// The path typed.
    pub path: TextInput,
    /// The completion in flight, and the text it completes.
    pub completing: Option<(RequestId, String)>,
    /// The paths the last Tab matched when it could not complete to one (listed under the field).
    pub matches: Vec<String>,
    /// The read of the file in flight, and the text it reads.
    pub reading: Option<(RequestId, String)>,
    /// What the last read found, for the text it read: the package, or why it is none.
    pub read: Option<(String, Result<LocalPackage, String>)>,
    /// The packages under the release prefix, as the picker read them.
    pub packages: Catalogue,
    /// The upload's progress, once sending began (`None` while the file is read again and its
    /// SHA-256 checked against the plan's).
    pub progress: Option<UploadProgress>,
    /// Whether the operator cancelled the upload in flight.
    pub cancelling: bool,
    /// The prompt's last warning in the status bar (no match, nothing typed): it goes once a
    /// file is read.
    pub said: Option<String>,
}

impl UploadAsk {
    /// The package read for the path as it is typed now.
    pub fn local(&self) -> Option<&LocalPackage> {
        self.read
            .as_ref()
            .filter(|(typed, _)| typed == self.path.value())
            .and_then(|(_, r)| r.as_ref().ok())
    }

    /// Why the dialog cannot be planned yet (nothing typed, not read, a file that is no
    /// package), with what the upload to `spec`'s environment will do, or `None` once the
    /// planner can plan it.
    pub fn unplanned(&self, spec: &EnvSpec) -> Option<Refusal> {
        let typed = self.path.value().trim();
        let reason = if typed.is_empty() {
            "type the path of a release package (zip); Tab completes".to_string()
        } else if self.reading.as_ref().is_some_and(|(_, t)| t == typed) {
            format!("reading {typed}…")
        } else {
            match &self.read {
                Some((t, Err(e))) if t == typed => e.clone(),
                Some((t, Ok(_))) if t == typed => return None,
                _ => format!("Enter reads {typed}"),
            }
        };
        let bucket = &spec.source_bucket;
        let summary = vec![
            format!(
                "Upload a local package and release it to {}: the pipeline {} starts on it",
                spec.name, spec.pipeline
            ),
            "package:       a zip file; Tab completes its path, Enter reads it".into(),
            "version:       from the file name (storefront-1.44.0.zip is 1.44.0)".into(),
            "commit:        the working tree's (git rev-parse HEAD)".into(),
            format!(
                "upload to:     s3://{bucket}/{}VERSION/release.zip (only if absent)",
                spec.release_prefix
            ),
            format!("then copy to:  s3://{bucket}/{}", spec.source_key),
        ];
        let target = Target::provisional(
            format!("upload to {}", spec.source_key),
            format!("an upload to {} (no package read yet)", spec.name),
        );
        Some(Refusal::by(Guard::Input, reason).with_draft(target, summary))
    }
}

/// The upload dialog's [`UploadAsk`], when the open dialog is one.
fn ask_mut(state: &mut State) -> Option<&mut UploadAsk> {
    state.ops.dialog.as_mut().and_then(|d| d.upload.as_mut())
}

/// The name of the open dialog's environment.
fn env_name(state: &State, d: &Dialog) -> String {
    state
        .envs
        .get(d.env)
        .map_or_else(|| "?".into(), |e| e.spec.name.clone())
}

/// Opens the upload dialog on the picker's environment (its last row), with the catalogue the
/// picker read.
pub(in crate::app) fn open(state: &mut State) -> Vec<Effect> {
    let Some(p) = state.ops.picker.take() else {
        return Vec::new();
    };
    let Some(Ok(packages)) = p.packages else {
        return Vec::new();
    };
    let nonce = state.take_request();
    let mut d = ops::dialog::new(state, OpKind::Release, p.env, nonce, None);
    d.upload = Some(UploadAsk {
        packages,
        ..UploadAsk::default()
    });
    d.field = Field::Path;
    state.ops.dialog = Some(d);
    ops::dialog::replan(state);
    Vec::new()
}

/// Tab in the path field: the runtime lists what completes the text typed.
pub(in crate::app) fn complete(state: &mut State) -> Vec<Effect> {
    let request = state.take_request();
    let Some(u) = ask_mut(state) else {
        return Vec::new();
    };
    let text = u.path.value().to_string();
    u.completing = Some((request, text.clone()));
    vec![Effect::CompletePath { request, text }]
}

/// The paths that complete the text arrived: the field takes their common prefix; several are
/// listed under it; none, or a directory that cannot be listed, is said. An answer for a text
/// typed over since is dropped.
pub(in crate::app) fn completed(
    state: &mut State,
    request: RequestId,
    result: Result<Vec<String>, String>,
) {
    let Some(u) = ask_mut(state) else {
        return;
    };
    let Some((_, typed)) = u.completing.take_if(|(r, _)| *r == request) else {
        return;
    };
    if u.path.value() != typed {
        return;
    }
    u.matches.clear();
    let found = match result {
        Ok(found) => found,
        Err(e) => {
            warn(state, format!("release: {e}"));
            return;
        }
    };
    if found.is_empty() {
        warn(
            state,
            format!("release: no file or directory matches `{typed}`"),
        );
        return;
    }
    let prefix = crate::app::command::common_prefix(&found).unwrap_or_default();
    let longer = prefix.len() > typed.len() && prefix.starts_with(&typed);
    if found.len() > 1 {
        u.matches = found;
    }
    if longer {
        u.path.set(prefix);
        ops::dialog::edited(state);
    }
}

/// A warning of the path prompt, in the status bar and remembered as the prompt's.
fn warn(state: &mut State, text: String) {
    if let Some(u) = ask_mut(state) {
        u.said = Some(text.clone());
    }
    state.say(Level::Warn, text);
}

/// Enter in the path field: the runtime reads the file (size, SHA-256, the working tree's
/// commit); nothing is sent.
pub(in crate::app) fn read(state: &mut State) -> Vec<Effect> {
    let request = state.take_request();
    let Some(u) = ask_mut(state) else {
        return Vec::new();
    };
    let path = u.path.value().trim().to_string();
    if path.is_empty() {
        let text = "release: type the path of a release package (Tab completes)";
        warn(state, text.to_string());
        return Vec::new();
    }
    u.matches.clear();
    u.reading = Some((request, path.clone()));
    ops::dialog::edited(state);
    vec![Effect::ReadPackage { request, path }]
}

/// The local release the file is: its version from the file name (as a release key's), its
/// commit as the CLI takes it, the operator as its actor.
fn local_package(state: &State, typed: &str, file: PackageFile) -> Result<LocalPackage, String> {
    let name = file.path.rsplit('/').next().unwrap_or(&file.path);
    let Some(version) = version_of_key(name) else {
        return Err(format!(
            "{typed}: the file name carries no version (such as storefront-1.44.0.zip); rename \
             it, or upload it with `shipdeck release ENV --package PATH --version V`"
        ));
    };
    let actor = state
        .session
        .identity
        .as_deref()
        .map_or_else(|| "unknown".into(), crate::ops::plan::guards::person);
    Ok(LocalPackage {
        path: file.path,
        size: file.size,
        sha256: file.sha256,
        release: Release {
            version,
            commit: file.commit,
            actor,
        },
    })
}

/// The file was read: the dialog plans its upload (the operator's own change, so the target
/// shown is the one pinned) and moves on to the send line or the typed name; or it says why
/// the file is no package.
pub(in crate::app) fn package_read(
    state: &mut State,
    request: RequestId,
    result: Result<PackageFile, String>,
) {
    let Some(typed) = ask_mut(state)
        .and_then(|u| u.reading.take_if(|(r, _)| *r == request))
        .map(|(_, typed)| typed)
    else {
        return;
    };
    let local = result.and_then(|f| local_package(state, &typed, f));
    let error = local.as_ref().err().cloned();
    if let Some(u) = ask_mut(state) {
        u.read = Some((typed, local));
    }
    ops::dialog::edited(state);
    let Some(name) = state.ops.dialog.as_ref().map(|d| env_name(state, d)) else {
        return;
    };
    if let Some(e) = error {
        state.say(Level::Error, format!("release {name}: {e}"));
        return;
    }
    // The prompt's own warning (a Tab that matched nothing) is answered by the file read.
    let said = ask_mut(state).and_then(|u| u.said.take());
    if said.is_some() && state.status.as_ref().map(|m| &m.text) == said.as_ref() {
        state.status = None;
    }
    let Some(d) = state.ops.dialog.as_mut() else {
        return;
    };
    if d.planned.is_ok() && d.upload.as_ref().is_some_and(|u| u.local().is_some()) {
        d.field = if d.must_type().is_some() {
            Field::Confirm
        } else {
            Field::Text
        };
    }
}

/// Bytes sent so far, for the dialog's progress bar.
pub(in crate::app) fn progress(state: &mut State, request: RequestId, sent: u64, total: u64) {
    let now = state.now;
    let Some(u) = state
        .ops
        .dialog
        .as_mut()
        .filter(|d| d.phase == Phase::Sending(request))
        .and_then(|d| d.upload.as_mut())
    else {
        return;
    };
    // The first report (nothing sent) comes once the file is read again and found unchanged:
    // the rate counts from there.
    let started = u.progress.filter(|_| sent > 0).map_or(now, |p| p.started);
    u.progress = Some(UploadProgress {
        sent,
        total,
        started,
        at: now,
    });
}

/// Esc or `c` while the package goes up: the upload is cancelled (a multipart upload aborted,
/// a `PutObject` dropped) and answers `cancelled: nothing was released`.
pub(in crate::app) fn cancel(state: &mut State) -> Vec<Effect> {
    let Some(name) = state.ops.dialog.as_ref().map(|d| env_name(state, d)) else {
        return Vec::new();
    };
    let Some(d) = state.ops.dialog.as_mut() else {
        return Vec::new();
    };
    let Phase::Sending(request) = d.phase else {
        return Vec::new();
    };
    let Some(u) = d.upload.as_mut().filter(|u| !u.cancelling) else {
        return Vec::new();
    };
    u.cancelling = true;
    state.say(
        Level::Warn,
        format!("release {name}: cancelling the upload; nothing will be released"),
    );
    vec![Effect::Cancel { request }]
}
