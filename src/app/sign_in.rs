//! Signing in again from the console when an IAM Identity Center (SSO) session expired: the
//! dialog that shows the page and code while the runtime waits for the approval, and the reads
//! the credentials stopped, retried at once when it is done.

use super::{Effect, Level, Mode, RequestId, State, poll};
use crate::domain::Timestamp;

/// The sign-in dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    /// The request of the sign-in running.
    pub request: RequestId,
    /// The profiles signed in.
    pub profiles: Vec<String>,
    /// What the credentials stopped (environments first), as the banner lists it.
    pub affected: Vec<String>,
    /// Where it is.
    pub step: SignInStep,
}

/// Where a sign-in is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Registering and asking for a code.
    Starting,
    /// Waiting for the operator to approve the code in the browser.
    Waiting {
        /// The session, e.g. ``sso-session `corp` ``.
        session: String,
        /// The page to open (the code filled in).
        url: String,
        /// The code the page must show.
        code: String,
        /// When the code expires.
        expires_at: Timestamp,
    },
    /// It failed: why (the dialog stays until Esc).
    Failed(String),
}

/// The profiles a sign-in should renew: the one named, else those whose SSO session the
/// credentials pause names, else the session's profile.
fn profiles(state: &State, named: Option<&str>) -> Vec<String> {
    if let Some(p) = named {
        return vec![p.to_string()];
    }
    let mut sso: Vec<String> = Vec::new();
    for p in state.credentials.iter().flat_map(|c| &c.sso) {
        if !sso.contains(p) {
            sso.push(p.clone());
        }
    }
    match sso {
        sso if !sso.is_empty() => sso,
        _ => vec![
            state
                .session
                .profile
                .clone()
                .unwrap_or_else(|| "default".into()),
        ],
    }
}

/// `:login [PROFILE]`: opens the dialog and starts the sign-in.
pub(super) fn open(state: &mut State, named: Option<&str>) -> Vec<Effect> {
    if state.session.mode == Mode::Demo {
        if state.credentials.iter().any(|p| !p.sso.is_empty()) {
            // The demo's sign-in: its credentials are fresh again, and what the pause stopped
            // is read at once.
            state.say(
                Level::Info,
                "demo: signed in again; reading what the pause stopped",
            );
            let mut fx = vec![Effect::DemoFault { env: None }];
            fx.extend(read_again(state));
            return fx;
        }
        state.say(
            Level::Warn,
            "the demo has no SSO session to sign in to: its credentials renew by themselves",
        );
        return Vec::new();
    }
    if state.sign_in.is_some() {
        return Vec::new();
    }
    let request = state.take_request();
    let profiles = profiles(state, named);
    let envs: Vec<&str> = state.envs.iter().map(|e| e.spec.name.as_str()).collect();
    // What the pauses stopped: the environments in promotion order, then the other reads.
    let stopped: Vec<&String> = state.credentials.iter().flat_map(|p| &p.affected).collect();
    let mut affected: Vec<String> = envs
        .iter()
        .filter(|e| stopped.iter().any(|a| a == *e))
        .map(|e| (*e).to_string())
        .collect();
    for a in stopped {
        if !envs.contains(&a.as_str()) && a != "caller identity" && !affected.contains(a) {
            affected.push(a.clone());
        }
    }
    state.sign_in = Some(SignIn {
        request,
        profiles: profiles.clone(),
        affected,
        step: SignInStep::Starting,
    });
    vec![Effect::SignIn { request, profiles }]
}

/// The portal gave a code: the dialog shows it.
pub(super) fn code(
    state: &mut State,
    request: RequestId,
    session: String,
    url: String,
    code: String,
    expires_at: Timestamp,
) {
    if let Some(s) = state.sign_in.as_mut().filter(|s| s.request == request) {
        s.step = SignInStep::Waiting {
            session,
            url,
            code,
            expires_at,
        };
    }
}

/// The sign-in ended: signed in (the sessions, until when), the dialog closes and every read the
/// credentials stopped runs at once; or why not, shown in the dialog.
pub(super) fn finished(
    state: &mut State,
    request: RequestId,
    result: Result<Vec<(String, Timestamp)>, String>,
) -> Vec<Effect> {
    if state.sign_in.as_ref().is_none_or(|s| s.request != request) {
        return Vec::new();
    }
    match result {
        Err(why) => {
            if let Some(s) = state.sign_in.as_mut() {
                s.step = SignInStep::Failed(why);
            }
            Vec::new()
        }
        Ok(sessions) => {
            state.sign_in = None;
            let signed: Vec<String> = sessions
                .iter()
                .map(|(s, until)| format!("{s} until {} UTC", until.clock()))
                .collect();
            state.say(
                Level::Info,
                format!("signed in to {}: reading again", signed.join(", ")),
            );
            read_again(state)
        }
    }
}

/// Signed in: every read the pauses stopped runs at once (not after the back-off), and who we
/// are is read again.
fn read_again(state: &mut State) -> Vec<Effect> {
    super::credentials::retry_now(state);
    let now = state.now;
    for env in &mut state.envs {
        env.refresh.next_poll = now;
    }
    state.releases_load.next_poll = now;
    state.logs.load.next_poll = now;
    state.traffic.load.next_poll = now;
    let mut fx = super::accounts::fetch(state);
    fx.extend(poll::due(state));
    fx
}

/// A key while the dialog is open: Esc (back) closes it, stopping a sign-in still waiting;
/// other keys do nothing.
pub(super) fn key(state: &mut State, key: &super::Action) -> Vec<Effect> {
    if !matches!(key, super::Action::Back) {
        return Vec::new();
    }
    let Some(s) = state.sign_in.take() else {
        return Vec::new();
    };
    if matches!(s.step, SignInStep::Failed(_)) {
        return Vec::new();
    }
    state.say(Level::Info, "sign-in cancelled");
    vec![Effect::Cancel { request: s.request }]
}
