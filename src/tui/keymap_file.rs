//! Reading keymap files with the place of every section, action and key (`file:line:column`),
//! so that a wrong name is reported where it is written, and merging overrides over defaults.

use super::keymap::KeymapError;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// `file:line:column` of a span's start in `text`.
fn place(file: &str, text: &str, start: usize) -> String {
    let before = text.get(..start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{file}:{line}:{col}")
}

/// `line N, column M: message` for a TOML error.
fn describe(text: &str, err: &toml::de::Error) -> String {
    let message = err.message().trim().to_string();
    let Some(span) = err.span() else {
        return message;
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}: {message}")
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
