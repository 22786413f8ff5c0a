//! Key bindings as data: the default `assets/keymap.toml`, user overrides, and key lookup.

pub use super::keymap_file::parse_key;
use super::keymap_file::{Sections, merge, parse_file};
use crate::app::{Action, Overlay, State};
use crate::domain::spelling::expected_one_of;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::path::Path;
use thiserror::Error;

/// The default keymap, shipped in the binary.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");
/// How messages name the default keymap.
const DEFAULT_FILE: &str = "assets/keymap.toml";

/// Which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyMode {
    /// In the views.
    Normal,
    /// In the log views (Logs, Traffic): these bindings first, then `[normal]`'s.
    Logs,
    /// Typing in the command line, the filter or the search.
    Input,
    /// In the plan/confirm dialog of an action (printable characters are typed).
    Dialog,
}

impl KeyMode {
    fn section(self) -> &'static str {
        match self {
            KeyMode::Normal => "normal",
            KeyMode::Input => "input",
            KeyMode::Dialog => "dialog",
            KeyMode::Logs => "logs",
        }
    }

    /// The bindings that apply to `state`: typing while a prompt is open, the log views' own
    /// keys there, else the views' keys.
    pub fn of(state: &State) -> KeyMode {
        match state.overlay {
            _ if state.ops.dialog.is_some() => KeyMode::Dialog,
            Some(
                Overlay::Command(_)
                | Overlay::Filter(_)
                | Overlay::Search(_)
                | Overlay::ReplaceFile(_),
            ) => KeyMode::Input,
            None if state.view.is_log_view() => KeyMode::Logs,
            _ => KeyMode::Normal,
        }
    }
}

/// One key bound to two actions in a section, and where.
#[derive(Debug, Error, PartialEq, Eq)]
#[error(
    "{at}: [{section}] key `{key}` is bound to both `{first}` and `{second}` (the other at {other_at})"
)]
pub struct KeyConflict {
    /// `file:line:column` of one binding of the key (the user's file's, if either is there).
    pub at: String,
    /// Where the other binding is.
    pub other_at: String,
    /// Section.
    pub section: String,
    /// Key.
    pub key: String,
    /// First action.
    pub first: String,
    /// Second action.
    pub second: String,
}

/// What a section should be named, and the likely one when `section` is a typo of it.
fn section_hint(section: &str) -> String {
    let expected = "expected [normal], [logs], [dialog] or [input]";
    match crate::domain::spelling::nearest(section, ["normal", "logs", "dialog", "input"]) {
        Some(s) => format!("did you mean [{s}]? ({expected})"),
        None => expected.to_string(),
    }
}

/// A keymap file or binding that cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeymapError {
    /// The file is not valid TOML or has the wrong shape.
    #[error("{file}: invalid keymap: {message}")]
    Parse {
        /// File name.
        file: String,
        /// What is wrong, with line and column.
        message: String,
    },
    /// A section other than normal/logs/dialog/input.
    #[error("{at}: unknown section [{section}]; {}", section_hint(section))]
    Section {
        /// `file:line:column` of the section's name.
        at: String,
        /// The section.
        section: String,
    },
    /// An action name that does not exist.
    #[error("{at}: [{section}] unknown action `{action}`; {expected}")]
    UnknownAction {
        /// `file:line:column` of the action's name.
        at: String,
        /// Section.
        section: String,
        /// The action.
        action: String,
        /// The valid names.
        expected: String,
    },
    /// A key name that cannot be read.
    #[error("{at}: [{section}] {action}: unknown key `{key}`")]
    BadKey {
        /// `file:line:column` of the key.
        at: String,
        /// Section.
        section: String,
        /// Action.
        action: String,
        /// The key text.
        key: String,
    },
    /// One key bound to two actions in a section.
    #[error("{0}")]
    Conflict(Box<KeyConflict>),
    /// The override file cannot be read.
    #[error("{file}: cannot read keymap: {message}")]
    Io {
        /// File name.
        file: String,
        /// OS error.
        message: String,
    },
}

/// One binding, for the help screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// Section.
    pub mode: KeyMode,
    /// Action name.
    pub action: String,
    /// Keys as written.
    pub keys: Vec<String>,
    /// Description.
    pub desc: String,
}

/// Resolved bindings.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
    lookup: HashMap<(KeyMode, KeyCode, bool, bool), Action>,
}

impl Keymap {
    /// The default keymap with an optional override file merged over it.
    pub fn load(overrides: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut sections = parse_file(DEFAULT_KEYMAP, DEFAULT_FILE)?;
        if let Some(path) = overrides {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| KeymapError::Io {
                file: file.clone(),
                message: e.to_string(),
            })?;
            merge(&mut sections, parse_file(&text, &file)?);
        }
        Keymap::from_sections(sections)
    }

    /// Builds a keymap from already merged TOML text (used by tests).
    pub fn from_toml(text: &str, file: &str) -> Result<Keymap, KeymapError> {
        Keymap::from_sections(parse_file(text, file)?)
    }

    fn from_sections(sections: Sections) -> Result<Keymap, KeymapError> {
        let mut bindings = Vec::new();
        let mut lookup = HashMap::new();
        let mut owner: HashMap<(KeyMode, KeyCode, bool, bool), (String, String)> = HashMap::new();
        for (section, entries) in sections {
            let mode = match section.as_str() {
                "normal" => KeyMode::Normal,
                "input" => KeyMode::Input,
                "dialog" => KeyMode::Dialog,
                "logs" => KeyMode::Logs,
                _ => {
                    return Err(KeymapError::Section {
                        at: entries.at,
                        section,
                    });
                }
            };
            for (action, (at, entry)) in entries.actions {
                let Some(act) = Action::bindable(&action) else {
                    let expected =
                        expected_one_of(&action, &Action::bindable_names().collect::<Vec<_>>());
                    return Err(KeymapError::UnknownAction {
                        at,
                        section,
                        action,
                        expected,
                    });
                };
                for key in &entry.keys {
                    let (code, ctrl, alt) =
                        parse_key(&key.name).ok_or_else(|| KeymapError::BadKey {
                            at: key.at.clone(),
                            section: section.clone(),
                            action: action.clone(),
                            key: key.name.clone(),
                        })?;
                    let id = (mode, code, ctrl, alt);
                    if let Some((first, first_at)) =
                        owner.insert(id, (action.clone(), key.at.clone()))
                    {
                        // Point at the binding in the user's file when one of them is there.
                        let (at, other_at) = if key.at.starts_with(DEFAULT_FILE) {
                            (first_at, key.at.clone())
                        } else {
                            (key.at.clone(), first_at)
                        };
                        return Err(KeymapError::Conflict(Box::new(KeyConflict {
                            at,
                            other_at,
                            section: mode.section().into(),
                            key: key.name.clone(),
                            first,
                            second: action,
                        })));
                    }
                    lookup.insert(id, act.clone());
                }
                bindings.push(Binding {
                    mode,
                    action,
                    keys: entry.keys.into_iter().map(|k| k.name).collect(),
                    desc: entry.desc,
                });
            }
        }
        let rank = |name: &str| Action::bindable_names().position(|a| a == name);
        bindings.sort_by_key(|b| (b.mode, rank(&b.action)));
        Ok(Keymap { bindings, lookup })
    }

    /// The action for a key press in a mode; in input mode unbound characters are typed.
    pub fn action(&self, mode: KeyMode, key: KeyEvent) -> Option<Action> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let code = match key.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        if let Some(a) = self.lookup.get(&(mode, code, ctrl, alt)) {
            return Some(a.clone());
        }
        if mode == KeyMode::Logs
            && let Some(a) = self.lookup.get(&(KeyMode::Normal, code, ctrl, alt))
        {
            return Some(a.clone());
        }
        match (mode, code) {
            (KeyMode::Input | KeyMode::Dialog, KeyCode::Char(c)) if !ctrl && !alt => {
                Some(Action::Input(c))
            }
            _ => None,
        }
    }

    /// The keymap of a session: without the mutating actions' bindings when it is read-only,
    /// so they are not shown in the hints and the help. Their keys still act: the read-only
    /// guard below the UI refuses them as it does the commands, saying why in the status bar
    /// and in the audit log.
    pub fn for_session(self, read_only: bool) -> Keymap {
        if !read_only {
            return self;
        }
        let Keymap {
            mut bindings,
            lookup,
        } = self;
        bindings.retain(|b| !Action::is_mutating_name(&b.action));
        Keymap { bindings, lookup }
    }

    /// Every binding, sections in order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The first key of an action in a mode, for short hints.
    pub fn first_key(&self, mode: KeyMode, action: &str) -> Option<&str> {
        self.bindings
            .iter()
            .find(|b| b.mode == mode && b.action == action)
            .and_then(|b| b.keys.first())
            .map(String::as_str)
    }
}
