//! Finding `shipdeck.toml`: `--config`, `$SHIPDECK_CONFIG`, `./shipdeck.toml`, then the XDG config dir.

use super::error::{ConfigError, Origin};
use super::model::Config;
use super::parse;
use std::path::{Path, PathBuf};

/// The file name looked for in the working and config directories.
pub const FILE_NAME: &str = "shipdeck.toml";
/// The environment variable naming a configuration file.
pub const ENV_VAR: &str = "SHIPDECK_CONFIG";

/// The inputs of discovery, injectable so tests need not touch the process environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// The `--config` path, if given.
    pub explicit: Option<PathBuf>,
    /// The value of `$SHIPDECK_CONFIG`, if set and non-empty.
    pub env_var: Option<PathBuf>,
    /// The working directory.
    pub cwd: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, if set to an absolute path.
    pub xdg_config_home: Option<PathBuf>,
    /// `$HOME` (fallback config dir `~/.config`, and `~/` expansion in the file).
    pub home: Option<PathBuf>,
}

impl Search {
    /// Discovery inputs from the process: `explicit` plus its environment and working directory.
    pub fn from_env(explicit: Option<&Path>) -> Self {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Search {
            explicit: explicit.map(Path::to_path_buf),
            env_var: var(ENV_VAR),
            cwd: std::env::current_dir().ok(),
            // The XDG spec says relative values are invalid and must be ignored.
            xdg_config_home: var("XDG_CONFIG_HOME").filter(|p| p.is_absolute()),
            home: var("HOME"),
        }
    }

    /// The places searched when neither `--config` nor `$SHIPDECK_CONFIG` is given, in order.
    pub fn default_places(&self) -> Vec<(PathBuf, Origin)> {
        let mut places = Vec::new();
        if let Some(cwd) = &self.cwd {
            places.push((cwd.join(FILE_NAME), Origin::WorkingDir));
        }
        let config_home = self
            .xdg_config_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".config")));
        if let Some(dir) = config_home {
            places.push((dir.join("shipdeck").join(FILE_NAME), Origin::UserConfig));
        }
        places
    }

    /// The file to load and where its path came from.
    ///
    /// An explicit or `$SHIPDECK_CONFIG` path must exist; otherwise the first existing default place wins.
    pub fn locate(&self) -> Result<(PathBuf, Origin), ConfigError> {
        let named = [
            (&self.explicit, Origin::Flag),
            (&self.env_var, Origin::EnvVar),
        ];
        if let Some((path, origin)) = named
            .into_iter()
            .find_map(|(p, o)| p.as_ref().map(|p| (p, o)))
        {
            let path = self.resolve(path);
            return if path.exists() {
                Ok((path, origin))
            } else {
                Err(ConfigError::NotFound {
                    path,
                    origin: Some(origin),
                })
            };
        }
        let places = self.default_places();
        if let Some(found) = places.iter().find(|(p, _)| p.exists()) {
            return Ok(found.clone());
        }
        Err(ConfigError::NoConfig {
            searched: places.into_iter().map(|(p, _)| p).collect(),
        })
    }

    /// Reads and parses the file at `path`, named by `origin` (relative to the working
    /// directory); it must exist.
    pub fn load_named(&self, path: &Path, origin: Origin) -> Result<Config, ConfigError> {
        read(&self.resolve(path), Some(origin), self.home.as_deref())
    }

    /// A named path, relative ones taken from the working directory.
    fn resolve(&self, path: &Path) -> PathBuf {
        match &self.cwd {
            Some(cwd) if path.is_relative() => cwd.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// Locates, reads and parses the configuration.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let (path, origin) = self.locate()?;
        read(&path, Some(origin), self.home.as_deref())
    }
}

/// Finds and loads the configuration the usual way (see [`Search::locate`]).
pub fn discover(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    Search::from_env(explicit).load()
}

/// Reads and parses the file at `path`.
pub(crate) fn read(
    path: &Path,
    origin: Option<Origin>,
    home: Option<&Path>,
) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ConfigError::NotFound {
            path: path.to_path_buf(),
            origin,
        },
        _ => ConfigError::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    parse::parse(&text, Some(path), home)
}
