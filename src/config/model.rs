//! The typed configuration: what `shipdeck.toml` means once parsed and validated.

use super::github::GitHubConfig;
use super::identity::EnvIdentity;
use crate::domain::EnvSpec;
use crate::domain::{HealthSpec, SelfApproval};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from; `None` for the built-in demo or text parsed without a file.
    pub path: Option<PathBuf>,
    /// Refuse every mutating action, in every environment.
    pub read_only: bool,
    /// How to reach AWS.
    pub aws: AwsConfig,
    /// Terminal UI settings.
    pub ui: UiConfig,
    /// How often the runtime polls AWS.
    pub polling: PollingConfig,
    /// The GitHub repository whose workflows deploy and release (`None`: not configured).
    pub github: Option<GitHubConfig>,
    /// The environments, in promotion order (as listed in the file); never empty.
    pub environments: Vec<EnvSpec>,
    /// Each environment's `self_approval` setting, by name (absent: the default).
    pub self_approval: BTreeMap<String, SelfApproval>,
    /// Each environment's health settings (API and function names, thresholds), by name.
    pub health: BTreeMap<String, HealthSpec>,
    /// The deployer image's ECR repository (`[deployer] repository`; absent: the one each Deploy
    /// project's image names).
    pub deployer_repository: Option<String>,
    /// Each environment's pinned CodeBuild Deploy project (`deploy_project`), by name (absent:
    /// the `ProjectName` of its pipeline's Deploy action).
    pub deploy_projects: BTreeMap<String, String>,
    /// `[notify]`: which events leave the terminal, how, how often.
    pub notify: crate::app::attention::NotifySettings,
    /// Each environment's own identity keys (`profile`, `region`, `role_arn`…), by name; absent
    /// or empty: `[aws]`'s.
    pub identities: BTreeMap<String, EnvIdentity>,
    /// Each environment's `[environments.athena]` (the defaults where absent), by name.
    pub athena: BTreeMap<String, super::AthenaSpec>,
    /// This system's name (`[[systems]] name`); `None` when the file lists no `[[systems]]`.
    pub system: Option<String>,
    /// Every system of the file, in file order, each one whole (its own `systems` empty); empty
    /// when the file lists no `[[systems]]`. The fields above are those of the selected one.
    pub systems: Vec<Config>,
}

impl Config {
    /// The names of the file's systems, in file order (empty without `[[systems]]`).
    pub fn system_names(&self) -> Vec<&str> {
        (self.systems.iter())
            .filter_map(|s| s.system.as_deref())
            .collect()
    }

    /// The configuration of system `name` (`None`: this one, the default); the error names the
    /// systems there are.
    pub fn select(&self, name: Option<&str>) -> Result<Config, String> {
        let Some(name) = name else {
            return Ok(self.clone());
        };
        if self.systems.is_empty() {
            return Err(format!(
                "unknown system `{name}`: {} lists no [[systems]] (it describes one system)",
                self.file_name()
            ));
        }
        let Some(one) = self
            .systems
            .iter()
            .find(|s| s.system.as_deref() == Some(name))
        else {
            return Err(format!(
                "unknown system `{name}`; expected one of {}",
                self.system_names().join(", ")
            ));
        };
        Ok(Config {
            systems: self.systems.clone(),
            ..one.clone()
        })
    }

    /// The systems that have an environment called `env`, in file order.
    pub fn systems_with(&self, env: &str) -> Vec<&str> {
        (self.systems.iter())
            .filter(|s| s.environment(env).is_some())
            .filter_map(|s| s.system.as_deref())
            .collect()
    }

    /// The file's name as messages show it.
    pub fn file_name(&self) -> String {
        self.path.as_ref().map_or_else(
            || "the configuration".to_string(),
            |p| p.display().to_string(),
        )
    }

    /// Where environment `name`'s Athena queries run (the defaults if it has no settings).
    pub fn athena(&self, name: &str) -> super::AthenaSpec {
        self.athena.get(name).cloned().unwrap_or_default()
    }

    /// The environment called `name`.
    pub fn environment(&self, name: &str) -> Option<&EnvSpec> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// The health settings of environment `name` (the defaults for an unknown one).
    pub fn health(&self, name: &str) -> HealthSpec {
        self.health.get(name).cloned().unwrap_or_default()
    }

    /// Who environment `name`'s calls are made as: its own identity keys, each falling back to
    /// `[aws]`'s.
    pub fn identity(&self, name: &str) -> EnvIdentity {
        let base = self.aws.identity();
        self.identities
            .get(name)
            .map_or_else(|| base.clone(), |own| own.or(&base))
    }

    /// The self-approval guard setting of environment `name`.
    pub fn self_approval(&self, name: &str) -> SelfApproval {
        self.self_approval.get(name).copied().unwrap_or_default()
    }
}

/// The `[aws]` table; every field falls back to the SDK's usual resolution when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsConfig {
    /// Named profile from `~/.aws/config`.
    pub profile: Option<String>,
    /// Region, e.g. `eu-west-1`.
    pub region: Option<String>,
    /// Endpoint override, e.g. a local emulator at `http://127.0.0.1:5000`.
    pub endpoint_url: Option<String>,
    /// A role assumed with the profile's credentials.
    pub role_arn: Option<String>,
    /// The external id the role's trust policy asks for.
    pub external_id: Option<String>,
    /// The role session's name.
    pub role_session_name: Option<String>,
    /// How long to wait for a connection to an AWS endpoint (absent: the default).
    pub connect_timeout: Option<Duration>,
    /// How long one AWS call may take, retries included (absent: the default).
    pub operation_timeout: Option<Duration>,
}

impl AwsConfig {
    /// The identity keys of `[aws]`: every environment's defaults.
    pub fn identity(&self) -> EnvIdentity {
        EnvIdentity {
            profile: self.profile.clone(),
            region: self.region.clone(),
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            role_session_name: self.role_session_name.clone(),
            endpoint_url: self.endpoint_url.clone(),
        }
    }

    /// Default wait for a connection.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
    /// Default limit of one call, retries included.
    pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(14);
    /// Largest accepted timeout, in seconds: below the 15 s after which the console gives up on
    /// any call (`runtime::REQUEST_TIMEOUT`), so that the message says which endpoint and limit.
    pub const MAX_TIMEOUT_SECS: i64 = 14;
}

/// The `[ui]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiConfig {
    /// A keymap file whose bindings are merged over the default keymap (`~/` expanded).
    pub keymap: Option<PathBuf>,
    /// UI tick in milliseconds (spinners, relative times), within [`UiConfig::TICK_MS_RANGE`].
    pub tick_ms: u64,
}

impl UiConfig {
    /// Default UI tick.
    pub const DEFAULT_TICK_MS: u64 = 250;
    /// Accepted UI tick values, in milliseconds.
    pub const TICK_MS_RANGE: std::ops::RangeInclusive<u64> = 16..=5000;
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            keymap: None,
            tick_ms: Self::DEFAULT_TICK_MS,
        }
    }
}

/// The `[polling]` table (seconds in the file, milliseconds here).
///
/// Invariant: `1 s <= active_ms <= idle_ms <= max_backoff_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollingConfig {
    /// Interval while an execution is running.
    pub active_ms: u64,
    /// Interval while nothing runs.
    pub idle_ms: u64,
    /// Ceiling of the back-off after errors or throttling.
    pub max_backoff_ms: u64,
}

impl PollingConfig {
    /// Largest accepted value of any polling interval, in seconds (one day).
    pub const MAX_SECS: i64 = 86_400;
}

impl Default for PollingConfig {
    fn default() -> Self {
        PollingConfig {
            active_ms: 5_000,
            idle_ms: 30_000,
            max_backoff_ms: 300_000,
        }
    }
}
