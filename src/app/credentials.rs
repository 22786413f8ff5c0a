//! A credentials problem (expired, refused, missing, not loadable): one banner for every read it
//! stopped, and every poll paused — no call every few seconds that is sure to fail — until the
//! operator presses `r` or a long back-off ends and one read tries the credentials again.

use super::{Level, State};
use crate::cloud::CloudError;
use crate::domain::{Millis, Timestamp};

/// How long the polls pause after the credentials were refused, before one read tries them again
/// by itself (`r` tries at once).
pub const CREDENTIALS_RETRY: Millis = 5 * Timestamp::MINUTE;

/// Every poll paused because the credentials were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsPause {
    /// The latest refusal, as the error says it (it says what to do, e.g. `aws sso login
    /// --profile ops` for an SSO profile).
    pub error: String,
    /// What it stopped, in the order it failed: environment names, then `release catalogue`,
    /// `log tail`, `traffic`, `caller identity`.
    pub affected: Vec<String>,
    /// When the first read was refused.
    pub since: Timestamp,
    /// When the polls try the credentials again by themselves: until then nothing is read.
    pub retry_at: Timestamp,
    /// Whether every poll runs again now (the operator pressed `r`), not just one read.
    pub retry_all: bool,
    /// The profiles whose IAM Identity Center session expired or is missing: signing in again
    /// (`:login`) fixes them.
    pub sso: Vec<String>,
}

impl CredentialsPause {
    /// Whether polls are held at `now`.
    pub fn holds(&self, now: Timestamp) -> bool {
        now < self.retry_at
    }
}

impl State {
    /// The credentials banner's two lines, while the credentials are refused: the problem with
    /// what to do, then how polling resumes and what is not read (every environment: they share
    /// the credentials).
    pub fn credentials_banner(&self) -> Option<[String; 2]> {
        let pause = self.credentials.as_ref()?;
        let envs: Vec<&str> = self.envs.iter().map(|e| e.spec.name.as_str()).collect();
        let others = pause
            .affected
            .iter()
            .map(String::as_str)
            .filter(|a| !envs.contains(a) && *a != "caller identity");
        let what: Vec<&str> = envs.iter().copied().chain(others).collect();
        let since = pause.since.clock();
        let resume = if pause.holds(self.now) {
            format!(
                "polling paused since {since} UTC: press r once fixed, or it tries again by \
                 itself at {} UTC",
                pause.retry_at.clock()
            )
        } else {
            format!("refused since {since} UTC: trying the credentials again…")
        };
        let error = if pause.sso.is_empty() || self.session.mode != super::Mode::Aws {
            pause.error.clone()
        } else {
            format!("{} · :login signs in again", pause.error)
        };
        Some([error, format!("{resume} · not read: {}", what.join(", "))])
    }
}

/// A read (`what`: an environment name, `release catalogue`, …) was refused for `err`, a
/// credentials error: the banner says so and every poll pauses for [`CREDENTIALS_RETRY`].
///
/// With several identities (environments in other accounts, or assuming other roles) the
/// refusal is the read's own: it fails and backs off alone, and the others keep polling.
pub(super) fn refused(state: &mut State, what: &str, err: &CloudError) {
    if !state.accounts.shared() {
        state.say(Level::Error, format!("{what}: {err}"));
        return;
    }
    let now = state.now;
    let pause = state.credentials.get_or_insert_with(|| CredentialsPause {
        error: String::new(),
        affected: Vec::new(),
        since: now,
        retry_at: now,
        retry_all: false,
        sso: Vec::new(),
    });
    pause.error = err.to_string();
    if !pause.affected.iter().any(|a| a == what) {
        pause.affected.push(what.to_string());
    }
    if let Some(profile) = err.sso_profile()
        && !pause.sso.iter().any(|p| p == profile)
    {
        pause.sso.push(profile.to_string());
    }
    pause.retry_at = now + CREDENTIALS_RETRY;
    pause.retry_all = false;
}

/// A read came back: a refusal for the credentials pauses the polls; any other answer means the
/// credentials work (or did not matter) and lifts a pause. `what` names the read for the banner.
pub(super) fn read_back(state: &mut State, what: &str, result: Result<(), &CloudError>) {
    match result {
        Err(err) if err.is_credentials() => refused(state, what, err),
        // No answer from the service: whether it takes the credentials is still unknown.
        Err(
            CloudError::Network(_) | CloudError::Timeout { .. } | CloudError::NotTheService { .. },
        ) => {}
        // AWS authenticates a call before anything else: any other answer took them.
        Err(_) | Ok(()) => accepted(state),
    }
}

/// A read succeeded: the credentials work again, so the pause ends and everything is read at
/// the next tick.
pub(super) fn accepted(state: &mut State) {
    if state.credentials.take().is_none() {
        return;
    }
    let now = state.now;
    for env in &mut state.envs {
        env.refresh.due_by(now);
    }
    state.releases_load.due_by(now);
    state.logs.load.due_by(now);
    state.traffic.load.due_by(now);
    state.say(Level::Info, "credentials accepted again: polling resumed");
}

/// `r`: the operator says the credentials were fixed; every poll tries them at once.
pub(super) fn retry_now(state: &mut State) {
    let now = state.now;
    if let Some(p) = state.credentials.as_mut() {
        p.retry_at = now;
        p.retry_all = true;
    }
}

/// What the polls may start at `state.now`: everything (no pause, or `r`), nothing (held), or
/// only the refresh of environment `probe` (the back-off ended: one read tries the credentials).
pub(super) enum Polls {
    /// No pause: every due poll.
    All,
    /// Held: none.
    None,
    /// One environment's refresh, to try the credentials.
    Probe(usize),
}

/// See [`Polls`].
pub(super) fn polls(state: &State) -> Polls {
    match &state.credentials {
        None => Polls::All,
        Some(p) if p.holds(state.now) => Polls::None,
        Some(p) if p.retry_all => Polls::All,
        Some(_) => Polls::Probe(state.selected.min(state.envs.len().saturating_sub(1))),
    }
}

impl State {
    /// Whether environment `env`'s reads are paused because its identity's credentials were
    /// refused.
    pub fn paused(&self, env: usize) -> bool {
        let _ = env;
        self.credentials.is_some()
    }
}
