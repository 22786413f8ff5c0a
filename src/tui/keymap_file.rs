//! Reading keymap files with the place of every section, action and key (`file:line:column`),
//! so that a wrong name is reported where it is written; merging overrides over defaults; key
//! names.

use super::keymap::KeymapError;
use crate::config::Location;
use crate::domain::spelling::toml_message;
use crossterm::event::KeyCode;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// `file:line:column` of a span's start in `text`.
fn place(file: &str, text: &str, start: usize) -> String {
    Location::from_offset(file, text, start).to_string()
}

/// `line N, column M: message` for a TOML error, naming a duplicate key and saying what an
/// action's entry looks like when it is not a table.
fn describe(text: &str, err: &toml::de::Error) -> String {
    let message = toml_message(text, err.message().trim(), err.span());
    let message = match message.split_once(", expected struct RawEntry") {
        Some((found, _)) => format!(
            "{found}, expected an action's table: {{ keys = [\"q\", \"ctrl-c\"], desc = \"…\" }} \
             (desc optional)"
        ),
        None => message,
    };
    let Some(span) = err.span() else {
        return message;
    };
    let at = Location::from_offset("", text, span.start);
    format!("line {}, column {}: {message}", at.line, at.column)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    keys: Vec<Spanned<String>>,
    #[serde(default)]
    desc: String,
}

type RawSections = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, RawEntry>>;

/// A name from a keymap file and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Placed {
    pub(super) name: String,
    pub(super) at: String,
}

/// One action's binding as read.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) keys: Vec<Placed>,
    pub(super) desc: String,
}

/// One section: where its header is, and its actions by name (with where each is).
#[derive(Debug, Clone, Default)]
pub(super) struct Section {
    pub(super) at: String,
    pub(super) actions: BTreeMap<String, (String, Entry)>,
}

/// Sections by name.
pub(super) type Sections = BTreeMap<String, Section>;

/// Reads a keymap file's text; `file` names it in messages.
pub(super) fn parse_file(text: &str, file: &str) -> Result<Sections, KeymapError> {
    let raw: RawSections = toml::from_str(text).map_err(|e| KeymapError::Parse {
        file: file.to_string(),
        message: describe(text, &e),
    })?;
    let at = |start: usize| place(file, text, start);
    let mut sections = Sections::new();
    for (name, entries) in raw {
        let mut section = Section {
            at: at(name.span().start),
            actions: BTreeMap::new(),
        };
        for (action, entry) in entries {
            let keys = entry
                .keys
                .into_iter()
                .map(|k| Placed {
                    at: at(k.span().start),
                    name: k.into_inner(),
                })
                .collect();
            let placed = at(action.span().start);
            section.actions.insert(
                action.into_inner(),
                (
                    placed,
                    Entry {
                        keys,
                        desc: entry.desc,
                    },
                ),
            );
        }
        sections.insert(name.into_inner(), section);
    }
    Ok(sections)
}

/// Lays `overrides` over `base`: an action bound in both takes the override's keys.
pub(super) fn merge(base: &mut Sections, overrides: Sections) {
    for (name, section) in overrides {
        let mine = base.entry(name).or_insert_with(|| Section {
            at: section.at.clone(),
            actions: BTreeMap::new(),
        });
        mine.at = section.at;
        mine.actions.extend(section.actions);
    }
}

/// Reads `ctrl-c`, `enter`, `G`, `f5`… into (code, ctrl, alt).
pub fn parse_key(text: &str) -> Option<(KeyCode, bool, bool)> {
    let (mut ctrl, mut alt, mut rest) = (false, false, text);
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
            (ctrl, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
            (alt, rest) = (true, r);
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
        _ => match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "delete" => KeyCode::Delete,
            f => KeyCode::F(
                f.strip_prefix('f')?
                    .parse()
                    .ok()
                    .filter(|n| (1..=12).contains(n))?,
            ),
        },
    };
    Some((code, ctrl, alt))
}
