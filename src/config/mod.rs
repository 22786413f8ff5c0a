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
mod systems;
mod validate;

pub use athena::{AthenaSpec, DEFAULT_DATABASE, DEFAULT_MAX_SCAN_BYTES, DEFAULT_WORKGROUP};
pub use discover::{ENV_VAR, FILE_NAME, Search, discover};
pub use error::{ConfigError, Location, Origin};
pub use github::GitHubConfig;
pub use identity::EnvIdentity;
pub use model::{AwsConfig, Config, PollingConfig, UiConfig};

use std::path::Path;

/// The annotated example configuration, also the built-in demo's first system (storefront).
pub const EXAMPLE: &str = include_str!("../../assets/shipdeck.example.toml");
/// The built-in demo's second system (backoffice), a configuration of one system of its own.
pub const DEMO_BACKOFFICE: &str = include_str!("../../assets/demo/backoffice.toml");

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

    /// The built-in demo configuration (its `path` is `None`): two systems, storefront
    /// ([`EXAMPLE`], selected) and backoffice ([`DEMO_BACKOFFICE`]), as a file with those two
    /// `[[systems]]` entries would give them (the file-wide settings are storefront's).
    pub fn demo() -> Result<Config, ConfigError> {
        let storefront = Config {
            system: Some("storefront".to_string()),
            ..Config::from_str(EXAMPLE, None)?
        };
        let backoffice = Config::from_str(DEMO_BACKOFFICE, None)?;
        let backoffice = Config {
            system: Some("backoffice".to_string()),
            ui: storefront.ui.clone(),
            polling: storefront.polling,
            notify: storefront.notify.clone(),
            ..backoffice
        };
        Ok(Config {
            systems: vec![storefront.clone(), backoffice],
            ..storefront
        })
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
