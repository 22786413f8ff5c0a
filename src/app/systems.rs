//! Several systems in one configuration (`[[systems]]`): which one this state shows, the names
//! of the others, and one line of what was last seen of each (`:system`, `:system NAME`).
//!
//! A state shows one system. Switching asks the runtime ([`Effect::SwitchSystem`]) for a new
//! state over that system's ports; this one, with any dialog open in it, is dropped whole, so a
//! dialog never acts on another system's target and nothing read here is shown under another
//! system's name. What carries over is [`Systems::seen`]: a glance per system, kept under its
//! name with the time it was seen. `:system` shows them all in an overlay ([`rows`]).

use super::envs::summary::PipelineHealth;
use super::{Action, Effect, Level, Overlay, State};
use crate::domain::{Timestamp, human};
use std::collections::BTreeMap;

/// The systems of the configuration, as this state knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Systems {
    /// The system shown (`None`: the configuration names no systems).
    pub current: Option<String>,
    /// Every system, in file order (empty: the configuration names no systems).
    pub names: Vec<String>,
    /// Each system's environments as configured, by name (what the configuration says; nothing
    /// read).
    pub environments: BTreeMap<String, Vec<String>>,
    /// What was seen of each system when the console last showed it, by name.
    pub seen: BTreeMap<String, Glance>,
    /// The row chosen in the `:system` overlay (`↑`/`↓`; `enter` shows that system).
    pub cursor: usize,
}

/// A system's health, as it was when it was seen; each part only from what was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glance {
    /// When.
    pub at: Timestamp,
    /// The pending approvals of the environments read.
    pub approvals: usize,
    /// The environments whose pipeline failed.
    pub failed: Vec<String>,
    /// The environments whose pipeline is unknown (never read, or refused).
    pub unknown: Vec<String>,
    /// The credentials: `ok`, `refused: ENVS`, `unknown: ENVS` or `not read yet`.
    pub credentials: String,
}

impl Glance {
    /// The glance as one line: approvals, failures, what is unknown (for a status message).
    pub fn text(&self) -> String {
        let mut parts = vec![self.approvals_text(), self.failed_text()];
        if !self.unknown.is_empty() {
            parts.push(format!("unknown: {}", self.unknown.join(", ")));
        }
        parts.push(format!("credentials {}", self.credentials));
        parts.join(" · ")
    }

    /// `2 approvals waiting`, with the environments where that is not known.
    pub fn approvals_text(&self) -> String {
        let n = match self.approvals {
            1 => "1 approval waiting".to_string(),
            n => format!("{n} approvals waiting"),
        };
        if self.unknown.is_empty() {
            n
        } else {
            format!("{n} (+ unknown in {})", self.unknown.join(", "))
        }
    }

    /// `failing: stg`, or `no pipeline failing`.
    pub fn failed_text(&self) -> String {
        if self.failed.is_empty() {
            "no pipeline failing".to_string()
        } else {
            format!("failing: {}", self.failed.join(", "))
        }
    }
}

impl Systems {
    /// Whether there is more than one system (then the header names the one shown).
    pub fn several(&self) -> bool {
        self.names.len() > 1
    }
}

/// What `state` shows of its system: its pending approvals, failed pipelines, the environments
/// whose pipeline is unknown (never read or refused) and its credentials, from what was read;
/// nothing is read for it.
pub fn glance(state: &State) -> Glance {
    let summaries: Vec<_> = (0..state.envs.len()).map(|i| state.summary(i)).collect();
    let failed = (summaries.iter().flatten())
        .filter(|s| s.health == PipelineHealth::Failed)
        .map(|s| s.name.clone())
        .collect();
    let unknown = (state.envs.iter().zip(&summaries))
        .filter(|(e, s)| {
            e.def.is_none()
                || s.as_ref()
                    .is_none_or(|s| s.health == PipelineHealth::Unknown)
        })
        .map(|(e, _)| e.spec.name.clone())
        .collect();
    Glance {
        at: state.now,
        approvals: state.approvals().len(),
        failed,
        unknown,
        credentials: credentials(state),
    }
}

/// The credentials of the system shown, from what was read: refused (a pause stands), unknown
/// (a caller identity could not be read), ok (read), or not read yet.
fn credentials(state: &State) -> String {
    let paused = state.paused_envs();
    if !paused.is_empty() {
        return format!("refused: {}", paused.join(", "));
    }
    let who = &state.accounts.who;
    let failed: Vec<&str> = (who.iter().enumerate())
        .filter(|(_, w)| matches!(w, Some(Err(_))))
        .filter_map(|(i, _)| state.envs.get(i).map(|e| e.spec.name.as_str()))
        .collect();
    if !failed.is_empty() {
        return format!("unknown: {}", failed.join(", "));
    }
    let read = if who.is_empty() {
        state.session.identity.is_some()
    } else {
        who.iter().all(|w| matches!(w, Some(Ok(_))))
    };
    if read { "ok" } else { "not read yet" }.to_string()
}

/// `:system` lists the systems (an overlay, closed with Esc); `:system NAME` switches to that
/// system.
pub fn command(state: &mut State, name: Option<&str>) -> Vec<Effect> {
    let systems = &state.systems;
    if systems.names.is_empty() {
        state.say(
            Level::Info,
            "the configuration names one system; [[systems]] entries name several",
        );
        return Vec::new();
    }
    let Some(name) = name else {
        state.overlay = Some(Overlay::Systems);
        state.help_scroll = 0;
        // The cursor starts on the system shown.
        state.systems.cursor = (systems.names.iter())
            .position(|n| Some(n.as_str()) == systems.current.as_deref())
            .unwrap_or(0);
        return Vec::new();
    };
    if !systems.names.iter().any(|n| n == name) {
        let text = format!(
            ":system: unknown system `{name}`; expected one of {}",
            systems.names.join(", ")
        );
        state.say(Level::Error, text);
        return Vec::new();
    }
    if systems.current.as_deref() == Some(name) {
        state.say(Level::Info, format!("system {name} is the one shown"));
        return Vec::new();
    }
    if state.ops.inflight.is_some() {
        let text = ":system: an action's call is in flight; switch once it has answered";
        state.say(Level::Error, text);
        return Vec::new();
    }
    leave(state);
    // The state is dropped for the other system's: no dialog outlives the system it was for.
    state.ops.dialog = None;
    vec![Effect::SwitchSystem {
        name: name.to_string(),
    }]
}

/// A key while the `:system` overlay is open: it takes the keys, so none reaches the view
/// hidden under it. `↑`/`↓` (and the other moving keys) choose a row, `enter` shows that system
/// (as `:system NAME`), `esc` closes; `:` and `?` replace the overlay; any other key does
/// nothing.
pub(super) fn key(state: &mut State, key: &Action) -> Option<Vec<Effect>> {
    let last = state.systems.names.len().saturating_sub(1);
    let cursor = state.systems.cursor.min(last);
    let to = match key {
        Action::CommandOpen | Action::ToggleHelp => return None,
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::PageUp | Action::Top => 0,
        Action::PageDown | Action::Bottom => last,
        Action::Back => {
            state.overlay = None;
            return Some(Vec::new());
        }
        Action::Open | Action::ToggleDetail | Action::Submit => {
            state.overlay = None;
            let name = state.systems.names.get(cursor).cloned();
            return Some(match name {
                Some(name) => command(state, Some(&name)),
                None => Vec::new(),
            });
        }
        _ => return Some(Vec::new()),
    };
    state.systems.cursor = to;
    Some(Vec::new())
}

/// Keeps the glance of the system shown before the state is dropped.
fn leave(state: &mut State) {
    if let Some(current) = state.systems.current.clone() {
        let seen = glance(state);
        state.systems.seen.insert(current, seen);
    }
}

/// One system's row of the `:system` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemRow {
    /// Its name.
    pub name: String,
    /// Whether it is the one shown.
    pub shown: bool,
    /// Its environments, as configured.
    pub environments: Vec<String>,
    /// What is known of it: now (the one shown), as last seen with how long ago, or `None`
    /// when it was never shown (nothing of it read).
    pub glance: Option<(Glance, Option<String>)>,
}

/// The rows of the `:system` list: the one shown from what it shows now, the others as they
/// were last seen (with how long ago), or not read yet.
pub fn rows(state: &State) -> Vec<SystemRow> {
    let systems = &state.systems;
    (systems.names.iter())
        .map(|name| {
            let shown = systems.current.as_deref() == Some(name.as_str());
            let glance = if shown {
                Some((glance(state), None))
            } else {
                (systems.seen.get(name)).map(|g| (g.clone(), Some(human(state.now.since(g.at)))))
            };
            SystemRow {
                name: name.clone(),
                shown,
                environments: systems.environments.get(name).cloned().unwrap_or_default(),
                glance,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Mode, PollPolicy, Session};
    use crate::cloud::sim::demo_specs;

    fn state() -> State {
        let session = Session {
            mode: Mode::Demo,
            profile: None,
            region: None,
            identity: None,
            read_only: false,
        };
        let mut state = State::new(session, demo_specs(), PollPolicy::default(), Timestamp(0));
        state.systems.current = Some("storefront".into());
        state.systems.names = vec!["storefront".into(), "backoffice".into()];
        state
    }

    fn said(state: &State) -> String {
        state
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    #[test]
    fn the_list_shows_each_system_under_its_own_name() {
        let mut s = state();
        assert!(command(&mut s, None).is_empty());
        assert_eq!(
            s.overlay,
            Some(Overlay::Systems),
            "an overlay, not a message"
        );
        let rows = rows(&s);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].shown && rows[0].name == "storefront");
        let (now, ago) = rows[0].glance.clone().unwrap();
        assert_eq!(ago, None);
        assert_eq!(
            now.text(),
            "0 approvals waiting (+ unknown in dev, stg, prd) · no pipeline failing · \
             unknown: dev, stg, prd · credentials not read yet"
        );
        assert_eq!(
            (rows[1].name.as_str(), &rows[1].glance),
            ("backoffice", &None)
        );
        s.systems.seen.insert(
            "backoffice".into(),
            Glance {
                at: Timestamp(0),
                approvals: 1,
                failed: vec!["uat".into()],
                unknown: Vec::new(),
                credentials: "ok".into(),
            },
        );
        s.now = Timestamp(120_000);
        let rows = super::rows(&s);
        let (seen, ago) = rows[1].glance.clone().unwrap();
        assert_eq!(ago.as_deref(), Some("2m 00s"));
        assert_eq!(
            seen.text(),
            "1 approval waiting · failing: uat · credentials ok"
        );
    }

    #[test]
    fn switching_asks_for_the_other_system_and_keeps_what_this_one_showed() {
        let mut s = state();
        s.now = Timestamp(5_000);
        let effects = command(&mut s, Some("backoffice"));
        assert_eq!(
            effects,
            vec![Effect::SwitchSystem {
                name: "backoffice".into()
            }]
        );
        let seen = &s.systems.seen["storefront"];
        assert_eq!(
            (seen.at, seen.unknown.join(" ")),
            (Timestamp(5_000), "dev stg prd".to_string())
        );
        assert!(!s.systems.seen.contains_key("backoffice"));
        for (name, says) in [
            (
                "payments",
                "unknown system `payments`; expected one of storefront, backoffice",
            ),
            ("storefront", "system storefront is the one shown"),
        ] {
            let mut s = state();
            assert!(command(&mut s, Some(name)).is_empty());
            assert!(said(&s).contains(says), "{}", said(&s));
        }
        let mut one = state();
        one.systems = Systems::default();
        assert!(command(&mut one, Some("backoffice")).is_empty());
        assert!(said(&one).contains("names one system"));
    }

    #[test]
    fn system_names_complete_after_the_command() {
        let names = ["storefront", "backoffice"];
        assert_eq!(
            crate::app::complete_system("system ", &names),
            ["system storefront", "system backoffice"]
        );
        assert_eq!(
            crate::app::complete_system("system b", &names),
            ["system backoffice"]
        );
        assert!(crate::app::complete_system("env b", &names).is_empty());
        assert_eq!(
            crate::app::parse_command("system backoffice", &[]),
            Ok(crate::app::command::Command::System(Some(
                "backoffice".into()
            )))
        );
    }
}
