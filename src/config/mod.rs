//! shipdeck.toml: discovery, parsing and validation into typed configuration.
//!
//! Parsing walks the spanned TOML tree (`toml::de::DeTable`) table by table, so every error,
//! including the semantic ones found after the types check, carries `file:line:column` and the
//! key (see [`ConfigError`]). Unknown keys are rejected in every table.

mod athena;
mod discover;
mod environments;
mod error;
mod github;
mod health;
mod identity;
mod model;
mod notify;
mod parse;
mod reader;
pub mod regions;
mod validate;

pub use athena::{AthenaSpec, DEFAULT_DATABASE, DEFAULT_MAX_SCAN_BYTES, DEFAULT_WORKGROUP};
pub use discover::{ENV_VAR, FILE_NAME, Search, discover};
pub use error::{ConfigError, Location, Origin};
pub use github::GitHubConfig;
pub use identity::EnvIdentity;
pub use model::{AwsConfig, Config, PollingConfig, UiConfig};

use std::path::Path;

/// The annotated example configuration, also the built-in demo configuration.
pub const EXAMPLE: &str = include_str!("../../assets/shipdeck.example.toml");

impl Config {
    /// Parses and validates `text`; `path` is the file it came from, used in messages and
    /// to resolve relative paths (`None` shows as `<config>`). `~/` expands to `$HOME`.
    pub fn from_str(text: &str, path: Option<&Path>) -> Result<Config, ConfigError> {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
        parse::parse(text, path, home.as_deref().map(Path::new))
    }

    /// Reads and parses the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
        discover::read(path, None, home.as_deref().map(Path::new))
    }

    /// The built-in demo configuration: [`EXAMPLE`], parsed (its `path` is `None`).
    pub fn demo() -> Result<Config, ConfigError> {
        Config::from_str(EXAMPLE, None)
    }
}

/// One environment with only its required keys: the fixture the config tests build on.
#[cfg(test)]
pub(crate) const ONE_ENV: &str = r#"
[[environments]]
name = "dev"
pipeline = "storefront-deployer-dev"
source_bucket = "storefront-deployer-source"
source_key = "dev/release.zip"
distribution_id = "E2DEVSTOREFRNT"
"#;
