//! Who each environment's calls are made as: environments naming the same profile, role and
//! region share an identity, read once (`GetCallerIdentity`); with several identities a refused
//! identity stops only its own environments.

use super::{Effect, Level, Scope, State};
use crate::cloud::{CloudError, WhoAmI};

/// Each environment's identity and what is known of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    /// Each environment's identity, by environment index (empty, or all equal: one identity).
    pub group: Vec<usize>,
    /// Each environment's caller identity once read, or why it could not be read, by index.
    pub who: Vec<Option<Result<WhoAmI, String>>>,
    /// A few words for each environment's identity (`profile ops → role arn:…`), by index;
    /// empty when the backend does not say.
    pub described: Vec<String>,
    /// Each environment's identity as the AWS CLI is told it (what differs from `[aws]`), by
    /// index, for the `aws` command of its plans; empty: the defaults for all.
    pub cli: Vec<crate::ops::plan::identity::CliIdentity>,
}

impl Accounts {
    /// The identity of environment `env`.
    pub fn group_of(&self, env: usize) -> usize {
        self.group.get(env).copied().unwrap_or(0)
    }

    /// Whether every environment shares one identity (then a refused credential stops all).
    pub fn shared(&self) -> bool {
        self.group.windows(2).all(|w| w[0] == w[1])
    }

    /// The first environment of each identity, of `count` environments: whose reads stand for it.
    pub fn firsts(&self, count: usize) -> Vec<usize> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for env in 0..count.max(1) {
            let g = self.group_of(env);
            if !seen.contains(&g) {
                seen.push(g);
                out.push(env);
            }
        }
        out
    }

    /// Environment `env`'s caller, once read.
    pub fn who(&self, env: usize) -> Option<&WhoAmI> {
        self.who.get(env)?.as_ref()?.as_ref().ok()
    }

    /// Why environment `env`'s caller is unknown, when its read failed.
    pub fn unknown(&self, env: usize) -> Option<&str> {
        self.who
            .get(env)?
            .as_ref()?
            .as_ref()
            .err()
            .map(String::as_str)
    }

    /// Whether the environments span more than one account (as far as read).
    pub fn several_accounts(&self) -> bool {
        let mut accounts = self.who.iter().flatten().flatten().map(|w| &w.account);
        let Some(first) = accounts.next() else {
            return false;
        };
        accounts.any(|a| a != first) || !self.shared()
    }
}

/// The first reads: one `GetCallerIdentity` per identity.
pub(super) fn fetch(state: &State) -> Vec<Effect> {
    (state.accounts.firsts(state.envs.len()).into_iter())
        .map(|env| Effect::FetchIdentity { env })
        .collect()
}

/// The caller identity of environment `env`'s identity came back: every environment of that
/// identity learns it. The session's identity is the first environment's.
pub(super) fn loaded(state: &mut State, env: usize, result: Result<WhoAmI, CloudError>) {
    let group = state.accounts.group_of(env);
    let count = state.envs.len();
    if state.accounts.who.len() < count {
        state.accounts.who.resize(count, None);
    }
    let shared = state.accounts.shared();
    let stored = result.as_ref().map_err(ToString::to_string).cloned();
    for e in 0..count {
        if state.accounts.group_of(e) == group {
            state.accounts.who[e] = Some(stored.clone());
        }
    }
    match result {
        Ok(who) => {
            if group == state.accounts.group_of(0) {
                state.session.identity = Some(who.arn);
            }
        }
        Err(err) if err.is_credentials() => {
            super::credentials::refused(state, env, "caller identity", &err);
        }
        Err(err) if shared => state.say(Level::Error, format!("identity: {err}")),
        Err(err) => {
            let names: Vec<String> = (0..count)
                .filter(|e| state.accounts.group_of(*e) == group)
                .map(|e| state.envs[e].spec.name.clone())
                .collect();
            let text = format!("identity of {}: {err}", names.join(", "));
            state.say_about(Scope::Env(env), Level::Error, text);
        }
    }
}

impl State {
    /// Who environment `env`'s calls are made as (its caller ARN), once known: the identity a
    /// plan for it is checked and audited with.
    pub fn identity_of(&self, env: usize) -> Option<&str> {
        match self.accounts.who(env) {
            Some(who) => Some(who.arn.as_str()),
            None if self.accounts.shared() => self.session.identity.as_deref(),
            None => None,
        }
    }
}
