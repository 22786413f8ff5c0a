//! Help and footer hints generated from the keymap, so what is shown is what is bound.

use super::keymap::{KeyMode, Keymap};
use super::render::{HelpEntry, Hints};
use crate::app::View;

/// Footer actions per view, with their short labels.
const FOOTER: &[(View, &[(&str, &str)])] = &[
    (
        View::Environments,
        &[
            ("open", "pipeline"),
            ("next_env", "env"),
            ("approvals", "inbox"),
            ("filter", "filter"),
            ("command", "cmd"),
            ("help", "help"),
            ("quit", "quit"),
        ],
    ),
    (
        View::Pipeline,
        &[
            ("next_env", "env"),
            ("down", "history"),
            ("environments", "home"),
            ("logs", "logs"),
            ("filter", "filter"),
            ("help", "help"),
            ("quit", "quit"),
        ],
    ),
    (
        View::Approvals,
        &[
            ("open", "pipeline"),
            ("down", "next"),
            ("filter", "filter"),
            ("environments", "home"),
            ("help", "help"),
            ("quit", "quit"),
        ],
    ),
    (
        View::Logs,
        &[
            ("follow", "follow/pause"),
            ("search", "search"),
            ("search_next", "next"),
            ("filter", "filter"),
            ("detail", "detail"),
            ("next_env", "env"),
            ("help", "help"),
            ("quit", "quit"),
        ],
    ),
    (
        View::Traffic,
        &[
            ("follow", "follow/pause"),
            ("filter", "filter"),
            ("search", "search"),
            ("detail", "detail"),
            ("preset", "range"),
            ("export", "export"),
            ("help", "help"),
        ],
    ),
];

/// The hints for a keymap.
pub fn hints(keymap: &Keymap) -> Hints {
    let help = keymap
        .bindings()
        .iter()
        .map(|b| HelpEntry {
            keys: b.keys.join(" "),
            action: b.action.clone(),
            desc: b.desc.clone(),
            context: match b.mode {
                KeyMode::Normal => "views".to_string(),
                KeyMode::Input => "typing".to_string(),
                KeyMode::Dialog => "dialog".to_string(),
                KeyMode::Logs => "log views".to_string(),
            },
        })
        .collect();
    let footer = FOOTER
        .iter()
        .map(|(view, actions)| {
            let pairs = actions
                .iter()
                .filter_map(|(action, label)| {
                    let logs = view.is_log_view().then_some(KeyMode::Logs);
                    let first = logs
                        .and_then(|m| keymap.first_key(m, action))
                        .or_else(|| keymap.first_key(KeyMode::Normal, action))?
                        .to_string();
                    Some((first, label.to_string()))
                })
                .collect();
            (*view, pairs)
        })
        .collect();
    Hints { help, footer }
}
