//! A credentials problem (expired, refused, missing, not loadable) pauses the identity it
//! belongs to: one banner naming the environments it stopped, and every poll of those
//! environments paused — no call every few seconds that is sure to fail — until the operator
//! presses `r` or a long back-off ends and one read tries the credentials again. The
//! environments of other identities (other accounts, other roles) go on being read, and only a
//! read of the paused identity lifts its pause.

use super::{Effect, Level, Mode, State};
use crate::cloud::CloudError;
use crate::domain::{Millis, Timestamp};

/// How long the polls pause after the credentials were refused, before one read tries them again
/// by itself (`r` tries at once).
pub const CREDENTIALS_RETRY: Millis = 5 * Timestamp::MINUTE;

/// The polls of one identity paused because its credentials were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsPause {
    /// The identity (see [`super::Accounts::group`]) whose credentials were refused.
    pub identity: usize,
    /// The latest refusal, as the error says it (it says what to do, e.g. `shipdeck login
    /// --profile ops` for an SSO profile).
    pub error: String,
    /// The same in a few words, for the banner's narrow lines (see `CloudError::brief`).
    pub brief: String,
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
    /// The pause of environment `env`'s identity, while its credentials are refused.
    pub fn pause_of(&self, env: usize) -> Option<&CredentialsPause> {
        let identity = self.accounts.group_of(env);
        self.credentials.iter().find(|p| p.identity == identity)
    }

    /// Whether environment `env`'s reads are paused because its identity's credentials were
    /// refused.
    pub fn paused(&self, env: usize) -> bool {
        self.pause_of(env).is_some()
    }

    /// The names of the environments the pauses stop, in configuration order.
    pub fn paused_envs(&self) -> Vec<&str> {
        (0..self.envs.len())
            .filter(|e| self.paused(*e))
            .map(|e| self.envs[e].spec.name.as_str())
            .collect()
    }

    /// The credentials banner's two lines, while credentials are refused: the problem (with the
    /// environments it is about when not every one), then how polling resumes, what to do and
    /// which environments are not read. The second fits 80 columns with three environments.
    pub fn credentials_banner(&self) -> Option<[String; 2]> {
        let latest = self.credentials.iter().max_by_key(|p| p.since)?;
        let envs = self.paused_envs();
        let problem = self.banner_problem(latest, &latest.error);
        let since = self.credentials.iter().map(|p| p.since).min()?;
        let held = self.credentials.iter().any(|p| p.holds(self.now));
        let login = self.credentials.iter().any(|p| !p.sso.is_empty());
        let resume = match (held, login) {
            (true, true) => format!("paused since {} UTC · :login, or r", hhmm(since)),
            (true, false) => {
                let at = self.credentials.iter().map(|p| p.retry_at).min()?;
                format!(
                    "paused since {} UTC · r retries (else at {})",
                    hhmm(since),
                    hhmm(at)
                )
            }
            (false, _) => "trying the credentials again…".to_string(),
        };
        Some([problem, format!("{resume} · not read: {}", envs.join(", "))])
    }
}

impl State {
    /// The banner's first line in a few words (the error's brief form), for a screen where the
    /// whole of it takes too many rows; the environments it is about are kept.
    pub fn credentials_banner_brief(&self) -> Option<String> {
        let latest = self.credentials.iter().max_by_key(|p| p.since)?;
        Some(self.banner_problem(latest, &latest.brief))
    }

    /// `text`, after the names of the environments of `pause`'s identity when not every
    /// environment is paused.
    fn banner_problem(&self, pause: &CredentialsPause, text: &str) -> String {
        if self.paused_envs().len() == self.envs.len() {
            return text.to_string();
        }
        let own: Vec<&str> = (0..self.envs.len())
            .filter(|e| self.accounts.group_of(*e) == pause.identity)
            .map(|e| self.envs[e].spec.name.as_str())
            .collect();
        format!("{}: {text}", own.join(", "))
    }
}

/// `HH:MM` of `t`, in UTC.
fn hhmm(t: Timestamp) -> String {
    t.clock().chars().take(5).collect()
}

/// A read of environment `env`'s identity (`what`: an environment name, `release catalogue`, …)
/// was refused for `err`, a credentials error: the banner says so and every poll of that
/// identity pauses for [`CREDENTIALS_RETRY`]; the other identities' go on.
pub(super) fn refused(state: &mut State, env: usize, what: &str, err: &CloudError) {
    let now = state.now;
    let identity = state.accounts.group_of(env);
    let at = match state
        .credentials
        .iter()
        .position(|p| p.identity == identity)
    {
        Some(at) => at,
        None => {
            state.credentials.push(CredentialsPause {
                identity,
                error: String::new(),
                brief: String::new(),
                affected: Vec::new(),
                since: now,
                retry_at: now,
                retry_all: false,
                sso: Vec::new(),
            });
            state.credentials.len() - 1
        }
    };
    let pause = &mut state.credentials[at];
    pause.error = err.to_string();
    pause.brief = err.brief();
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

/// A read of environment `env`'s identity came back: a refusal for the credentials pauses that
/// identity's polls; any other answer means its credentials work (or did not matter) and lifts
/// its pause. `what` names the read for the banner.
pub(super) fn read_back(
    state: &mut State,
    env: usize,
    what: &str,
    result: Result<(), &CloudError>,
) {
    match result {
        Err(err) if err.is_credentials() => refused(state, env, what, err),
        // No answer from the service: whether it takes the credentials is still unknown.
        Err(
            CloudError::Network(_) | CloudError::Timeout { .. } | CloudError::NotTheService { .. },
        ) => {}
        // AWS authenticates a call before anything else: any other answer took them.
        Err(_) | Ok(()) => accepted(state, env),
    }
}

/// A read of environment `env`'s identity succeeded: its credentials work again, so its pause
/// ends and everything it stopped is read at the next tick. Another identity's pause stays.
pub(super) fn accepted(state: &mut State, env: usize) {
    let identity = state.accounts.group_of(env);
    let Some(at) = state
        .credentials
        .iter()
        .position(|p| p.identity == identity)
    else {
        return;
    };
    state.credentials.remove(at);
    let now = state.now;
    let mine = |state: &State, e: usize| state.accounts.group_of(e) == identity;
    for e in 0..state.envs.len() {
        if mine(state, e) {
            state.envs[e].refresh.due_by(now);
        }
    }
    if mine(state, 0) {
        state.releases_load.due_by(now);
    }
    if mine(state, state.logs.env) {
        state.logs.load.due_by(now);
    }
    if mine(state, state.traffic.env) {
        state.traffic.load.due_by(now);
    }
    state.say(Level::Info, "credentials accepted again: polling resumed");
}

/// `r`: the operator says the credentials were fixed; every poll of every identity tries them at
/// once.
pub(super) fn retry_now(state: &mut State) {
    let now = state.now;
    for p in &mut state.credentials {
        p.retry_at = now;
        p.retry_all = true;
    }
}

/// Whether environment `env`'s refresh may start at `state.now`: always when its identity is not
/// paused (or `r` was pressed), never while its pause holds, and once the back-off ended only
/// for the one environment that tries the credentials again (the selected one if it is of that
/// identity, else the identity's first).
pub(super) fn may_refresh(state: &State, env: usize) -> bool {
    match state.pause_of(env) {
        None => true,
        Some(p) if p.holds(state.now) => false,
        Some(p) if p.retry_all => true,
        Some(p) => {
            let identity = p.identity;
            let selected = state.selected.min(state.envs.len().saturating_sub(1));
            let probe = if state.accounts.group_of(selected) == identity {
                selected
            } else {
                (0..state.envs.len())
                    .find(|e| state.accounts.group_of(*e) == identity)
                    .unwrap_or(selected)
            };
            env == probe
        }
    }
}

/// Whether the reads of environment `env` other than its refresh (the catalogue, the log tail,
/// the traffic) may start: its identity is not paused, or `r` was pressed.
pub(super) fn free(state: &State, env: usize) -> bool {
    state
        .pause_of(env)
        .is_none_or(|p| p.retry_all && !p.holds(state.now))
}

/// `:fault ENV` (the demo only): the simulated account of `env`'s identity refuses its
/// credentials from the next call — a role that cannot be assumed, or an expired SSO session —
/// so that its pause and banner can be seen; `:fault clear` lets every account in again (the
/// pause lifts at the next read: `r`, or its timer).
pub(super) fn demo_fault(state: &mut State, env: Option<String>) -> Vec<Effect> {
    if state.session.mode != Mode::Demo {
        state.say(
            Level::Error,
            ":fault: only the demo (--demo) has faults to inject",
        );
        return Vec::new();
    }
    let text = match &env {
        Some(env) => format!(
            "demo: {env}'s account refuses its credentials from its next read (:fault clear \
             restores)"
        ),
        None => "demo: every account accepts its credentials again (r retries now)".to_string(),
    };
    state.say(Level::Info, text);
    vec![Effect::DemoFault { env }]
}
