//! Configuration errors: every problem in a file names `file:line:column`, the key and what was expected.

use crate::domain::spelling::expected_one_of;
use std::fmt;
use std::path::PathBuf;

/// A position in a configuration file, 1-based, displayed as `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name as the messages show it.
    pub file: String,
    /// Line, starting at 1.
    pub line: usize,
    /// Column in characters, starting at 1.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text` (clamped to the text; a mid-character offset rounds down).
    pub fn from_offset(file: &str, text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            file: file.to_string(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Where a configuration path came from during discovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The `--config` command-line option.
    Flag,
    /// The path argument of `shipdeck config check PATH`.
    CheckArgument,
    /// The `SHIPDECK_CONFIG` environment variable.
    EnvVar,
    /// `shipdeck.toml` in the working directory.
    WorkingDir,
    /// `shipdeck/shipdeck.toml` in the user's config directory (XDG).
    UserConfig,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Flag => "--config",
            Origin::CheckArgument => "`config check PATH`",
            Origin::EnvVar => "$SHIPDECK_CONFIG",
            Origin::WorkingDir => "the working directory",
            Origin::UserConfig => "the user config directory",
        })
    }
}

/// Why a configuration could not be found, read or accepted.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file is not valid TOML.
    #[error("{at}: invalid TOML: {message}")]
    Syntax {
        /// Where the parser stopped.
        at: Location,
        /// The parser's description.
        message: String,
    },
    /// A key the format does not know (a typo, or a key in the wrong table).
    #[error(
        "{at}: unknown key `{key}` in {table}; {}",
        expected_one_of(key, expected)
    )]
    UnknownKey {
        /// Where the key is.
        at: Location,
        /// The unknown key.
        key: String,
        /// The table holding it: `the top-level table`, `[aws]`, `environments[1]`.
        table: String,
        /// The keys that table accepts.
        expected: &'static [&'static str],
    },
    /// A required key is absent from a table.
    #[error("{at}: {table}: missing required key `{key}`")]
    MissingKey {
        /// Where the table starts (its header).
        at: Location,
        /// The table, e.g. `environments[1]`.
        table: String,
        /// The missing key.
        key: String,
    },
    /// A value of the wrong type, out of range or inconsistent with the rest.
    #[error("{at}: {key}: {message}")]
    Invalid {
        /// Where the value is.
        at: Location,
        /// Full path of the key, e.g. `environments[0].site_url` or `polling.idle`.
        key: String,
        /// What was expected and what was found.
        message: String,
    },
    /// A problem inside one `[[systems]]` entry, said with the system's name.
    #[error("{source} (system `{system}`)")]
    InSystem {
        /// The system's name.
        system: String,
        /// The problem.
        source: Box<ConfigError>,
    },
    /// A path given explicitly (or by `SHIPDECK_CONFIG`) does not exist.
    #[error("{}: config file not found{}", path.display(), named_by(*origin))]
    NotFound {
        /// The path that was looked for.
        path: PathBuf,
        /// Who named it, when discovery did.
        origin: Option<Origin>,
    },
    /// The file exists but could not be read.
    #[error("{}: cannot read config file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Discovery found no configuration file in any of the usual places.
    #[error("{}", no_config(searched))]
    NoConfig {
        /// The paths looked at, in order.
        searched: Vec<PathBuf>,
    },
}

impl ConfigError {
    /// This error, said to be about system `name`.
    pub fn in_system(self, name: &str) -> ConfigError {
        ConfigError::InSystem {
            system: name.to_string(),
            source: Box::new(self),
        }
    }

    /// The position in the file this error points at, if it is about the file's content.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ConfigError::Syntax { at, .. }
            | ConfigError::UnknownKey { at, .. }
            | ConfigError::MissingKey { at, .. }
            | ConfigError::Invalid { at, .. } => Some(at),
            ConfigError::InSystem { source, .. } => source.location(),
            ConfigError::NotFound { .. }
            | ConfigError::Io { .. }
            | ConfigError::NoConfig { .. } => None,
        }
    }
}

fn named_by(origin: Option<Origin>) -> String {
    origin.map_or_else(String::new, |o| format!(" (named by {o})"))
}

fn no_config(searched: &[PathBuf]) -> String {
    let mut text = String::from("no configuration file found; searched:");
    for path in searched {
        text.push_str("\n  ");
        text.push_str(&path.display().to_string());
    }
    text.push_str(
        "\ncopy assets/shipdeck.example.toml to one of these paths \
         (or pass --config <path>, or set SHIPDECK_CONFIG), or run with --demo",
    );
    text
}
