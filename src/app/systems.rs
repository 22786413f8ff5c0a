//! Several systems in one configuration (`[[systems]]`): which one this state shows, the names
//! of the others, and one line of what was last seen of each (`:system`, `:system NAME`).
//!
//! A state shows one system. Switching asks the runtime ([`Effect::SwitchSystem`]) for a new
//! state over that system's ports; this one, with any dialog open in it, is dropped whole, so a
//! dialog never acts on another system's target and nothing read here is shown under another
//! system's name. What carries over is [`Systems::seen`]: a line per system, kept under its name
//! with the time it was seen.

use super::envs::summary::PipelineHealth;
use super::{Effect, Level, State};
use crate::domain::{Timestamp, human};
use std::collections::BTreeMap;

/// The systems of the configuration, as this state knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Systems {
    /// The system shown (`None`: the configuration names no systems).
    pub current: Option<String>,
    /// Every system, in file order (empty: the configuration names no systems).
    pub names: Vec<String>,
    /// What was seen of each system when the console last showed it, by name.
    pub seen: BTreeMap<String, Glance>,
}

/// One line of a system's health, as it was when it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glance {
    /// When.
    pub at: Timestamp,
    /// What: pending approvals, failing pipelines, environments not read.
    pub text: String,
}

impl Systems {
    /// Whether there is more than one system (then the header names the one shown).
    pub fn several(&self) -> bool {
        self.names.len() > 1
    }
}

/// One line of what `state` shows: its pending approvals, failed pipelines and the environments
/// whose pipeline is unknown (never read or refused), from what was read; nothing is read for it.
pub fn glance(state: &State) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    let mut parts = Vec::new();
    let approvals = state.approvals().len();
    if approvals > 0 {
        parts.push(count(approvals, "approval waiting", "approvals waiting"));
    }
    let summaries: Vec<_> = (0..state.envs.len()).map(|i| state.summary(i)).collect();
    let failed: Vec<&str> = (summaries.iter().flatten())
        .filter(|s| s.health == PipelineHealth::Failed)
        .map(|s| s.name.as_str())
        .collect();
    if !failed.is_empty() {
        parts.push(format!("failed: {}", failed.join(", ")));
    }
    let unknown: Vec<&str> = (state.envs.iter().zip(&summaries))
        .filter(|(e, s)| {
            e.def.is_none()
                || s.as_ref()
                    .is_none_or(|s| s.health == PipelineHealth::Unknown)
        })
        .map(|(e, _)| e.spec.name.as_str())
        .collect();
    if !unknown.is_empty() {
        parts.push(format!("unknown: {}", unknown.join(", ")));
    }
    if parts.is_empty() {
        parts.push("nothing failed, no approval waiting".to_string());
    }
    parts.join(" · ")
}

/// `:system` lists the systems with a line each; `:system NAME` switches to that system.
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
        let text = list(state);
        state.say(Level::Info, text);
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

/// Keeps the line of the system shown before the state is dropped.
fn leave(state: &mut State) {
    if let Some(current) = state.systems.current.clone() {
        let text = glance(state);
        state.systems.seen.insert(
            current,
            Glance {
                at: state.now,
                text,
            },
        );
    }
}

/// The systems, one after the other: the one shown now from what it shows, the others as they
/// were last seen (with how long ago), or not read yet.
fn list(state: &State) -> String {
    let systems = &state.systems;
    let lines: Vec<String> = (systems.names.iter())
        .map(|name| {
            if systems.current.as_deref() == Some(name.as_str()) {
                format!("{name} (shown): {}", glance(state))
            } else {
                match systems.seen.get(name) {
                    Some(g) => format!("{name} ({} ago): {}", human(state.now.since(g.at)), g.text),
                    None => format!("{name}: not read yet"),
                }
            }
        })
        .collect();
    format!("systems — {}", lines.join(" | "))
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
            said(&s),
            "systems — storefront (shown): unknown: dev, stg, prd | backoffice: not read yet"
        );
        s.systems.seen.insert(
            "backoffice".into(),
            Glance {
                at: Timestamp(0),
                text: "1 approval waiting".into(),
            },
        );
        s.now = Timestamp(120_000);
        command(&mut s, None);
        assert!(
            said(&s).ends_with("| backoffice (2m 00s ago): 1 approval waiting"),
            "{}",
            said(&s)
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
            (seen.at, seen.text.as_str()),
            (Timestamp(5_000), "unknown: dev, stg, prd")
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
