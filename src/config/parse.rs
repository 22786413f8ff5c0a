//! Reads a `shipdeck.toml` document table by table into a [`Config`], rejecting unknown keys.

use super::environments;
use super::error::ConfigError;
use super::github;
use super::model::{AwsConfig, Config, PollingConfig, UiConfig};
use super::reader::{Source, Table};
use super::validate;
use crate::domain::spelling::toml_message;
use std::path::Path;
use toml::de::DeTable;

/// Keys of the top-level table.
const TOP_KEYS: &[&str] = &[
    "read_only",
    "aws",
    "ui",
    "polling",
    "github",
    "deployer",
    "notify",
    "environments",
    "systems",
    "default_system",
];
/// Keys of `[aws]`.
const AWS_KEYS: &[&str] = &[
    "profile",
    "region",
    "endpoint_url",
    "role_arn",
    "external_id",
    "role_session_name",
    "connect_timeout",
    "operation_timeout",
];
/// Keys of `[ui]`.
const UI_KEYS: &[&str] = &["keymap", "tick_ms"];
/// Keys of `[polling]`.
const POLLING_KEYS: &[&str] = &["active", "idle", "max_backoff"];
/// Keys of `[deployer]`.
const DEPLOYER_KEYS: &[&str] = &["repository"];

/// The name messages use for text that has no file.
const NO_FILE: &str = "<config>";

/// Parses and validates `text`; `path` names the file in messages, `home` expands `~/`.
pub(crate) fn parse(
    text: &str,
    path: Option<&Path>,
    home: Option<&Path>,
) -> Result<Config, ConfigError> {
    let file = path.map_or_else(|| NO_FILE.to_string(), |p| p.display().to_string());
    let src = Source { file, text };
    let doc = DeTable::parse(text).map_err(|e| ConfigError::Syntax {
        at: src.at(&e.span().unwrap_or(0..0)),
        message: toml_message(text, e.message().trim(), e.span()),
    })?;
    let root = Table::root(&src, &doc);
    root.deny_unknown(TOP_KEYS)?;
    let read_only = root.bool("read_only")?.unwrap_or(false);
    let config_dir = path.and_then(Path::parent);
    // Tables are checked in file-format order: [aws], [ui], [polling], [github], then the
    // environments.
    let aws = aws(root.table("aws")?, &AwsConfig::default())?;
    let ui = ui(root.table("ui")?, config_dir, home)?;
    let polling = polling(root.table("polling")?)?;
    let base = Config {
        path: path.map(Path::to_path_buf),
        read_only,
        aws,
        ui,
        polling,
        github: None,
        environments: Vec::new(),
        self_approval: Default::default(),
        health: Default::default(),
        deployer_repository: None,
        deploy_projects: Default::default(),
        notify: Default::default(),
        identities: Default::default(),
        athena: Default::default(),
        system: None,
        systems: Vec::new(),
    };
    let notify = super::notify::read(root.table("notify")?)?;
    let base = Config { notify, ..base };
    match root.tables("systems")? {
        None => {
            if let Some(v) = root.str("default_system")? {
                let m = "names a system, but the file lists no [[systems]]";
                return Err(root.invalid("default_system", &v.span(), m));
            }
            system(&root, base)
        }
        Some(tables) => super::systems::read(&root, tables, base),
    }
}

/// The keys of one system read from `t` (the root, or a `[[systems]]` table) over `base`, which
/// holds the file-wide settings: `[github]`, `[deployer]` and the environments.
pub(super) fn system(t: &Table<'_, '_>, base: Config) -> Result<Config, ConfigError> {
    let github = github::read(t.table("github")?)?;
    let deployer_repository = deployer(t.table("deployer")?)?;
    let (environments, self_approval, health, deploy_projects, identities) =
        environments::read(t, base.read_only, &base.aws.identity())?;
    let athena = super::athena::read_all(t)?;
    Ok(Config {
        github,
        environments,
        self_approval,
        health,
        deployer_repository,
        deploy_projects,
        identities,
        athena,
        ..base
    })
}

/// `[deployer]`: the ECR repository of the deployer image, when pinned.
fn deployer(t: Option<Table<'_, '_>>) -> Result<Option<String>, ConfigError> {
    let Some(t) = t else { return Ok(None) };
    t.deny_unknown(DEPLOYER_KEYS)?;
    let Some(v) = t.str("repository")? else {
        return Ok(None);
    };
    validate::ecr_repository(v.get_ref()).map_err(|m| t.invalid("repository", &v.span(), m))?;
    Ok(Some(v.get_ref().to_string()))
}

/// `[aws]` (or a system's `[systems.aws]`), each key falling back to `base`'s.
pub(super) fn aws(t: Option<Table<'_, '_>>, base: &AwsConfig) -> Result<AwsConfig, ConfigError> {
    let Some(t) = t else {
        return Ok(base.clone());
    };
    t.deny_unknown(AWS_KEYS)?;
    let identity = super::identity::read(&t, None, &base.identity())?.or(&base.identity());
    let timeout = |key: &str, max: i64, ceiling: &str| match t.int(key)? {
        None => Ok(None),
        Some(v) => validate::timeout(*v.get_ref(), max, ceiling)
            .map(Some)
            .map_err(|m| t.invalid(key, &v.span(), m)),
    };
    let operation_timeout = timeout(
        "operation_timeout",
        AwsConfig::MAX_TIMEOUT_SECS,
        "the console gives up on a call after 15 s",
    )?
    .or(base.operation_timeout);
    let operation_secs = operation_timeout
        .unwrap_or(AwsConfig::DEFAULT_OPERATION_TIMEOUT)
        .as_secs() as i64;
    let connect_timeout = timeout(
        "connect_timeout",
        operation_secs,
        &format!(
            "at most {} ({operation_secs} s)",
            t.key_path("operation_timeout")
        ),
    )?
    .or(base.connect_timeout);
    Ok(AwsConfig {
        profile: identity.profile,
        region: identity.region,
        endpoint_url: identity.endpoint_url,
        role_arn: identity.role_arn,
        external_id: identity.external_id,
        role_session_name: identity.role_session_name,
        connect_timeout,
        operation_timeout,
    })
}

fn ui(
    t: Option<Table<'_, '_>>,
    config_dir: Option<&Path>,
    home: Option<&Path>,
) -> Result<UiConfig, ConfigError> {
    let Some(t) = t else {
        return Ok(UiConfig::default());
    };
    t.deny_unknown(UI_KEYS)?;
    let keymap = match t.str("keymap")? {
        None => None,
        Some(v) => Some(
            validate::file_path(v.get_ref(), config_dir, home)
                .map_err(|m| t.invalid("keymap", &v.span(), m))?,
        ),
    };
    let tick_ms = match t.int("tick_ms")? {
        None => UiConfig::DEFAULT_TICK_MS,
        Some(v) => {
            validate::tick_ms(*v.get_ref()).map_err(|m| t.invalid("tick_ms", &v.span(), m))?
        }
    };
    Ok(UiConfig { keymap, tick_ms })
}

/// `[polling]`: each interval at least the one before it; an absent one defaults to
/// `max(default, previous)` so that setting only `active = 60` stays valid.
fn polling(t: Option<Table<'_, '_>>) -> Result<PollingConfig, ConfigError> {
    let defaults = PollingConfig::default();
    let Some(t) = t else { return Ok(defaults) };
    t.deny_unknown(POLLING_KEYS)?;
    let secs = |key: &str, floor_ms: u64, floor: String, default_ms: u64| match t.int(key)? {
        None => Ok(default_ms.max(floor_ms)),
        Some(v) => validate::seconds(*v.get_ref(), floor_ms / 1000, &floor)
            .map_err(|m| t.invalid(key, &v.span(), m)),
    };
    let active_ms = secs("active", 1000, "1 second".to_string(), defaults.active_ms)?;
    let idle_floor = format!("{} ({} s)", t.key_path("active"), active_ms / 1000);
    let idle_ms = secs("idle", active_ms, idle_floor, defaults.idle_ms)?;
    let backoff_floor = format!("{} ({} s)", t.key_path("idle"), idle_ms / 1000);
    let max_backoff_ms = secs(
        "max_backoff",
        idle_ms,
        backoff_floor,
        defaults.max_backoff_ms,
    )?;
    Ok(PollingConfig {
        active_ms,
        idle_ms,
        max_backoff_ms,
    })
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    const ENV: &str = crate::config::ONE_ENV;

    #[test]
    fn the_deployer_repository_and_deploy_projects_are_read_and_bad_values_name_the_key() {
        let c = Config::from_str(ENV, None).unwrap();
        assert_eq!(c.deployer_repository, None);
        assert!(c.deploy_projects.is_empty());
        let text = format!(
            "[deployer]\nrepository = \"team/deployer\"\n{ENV}deploy_project = \"dev-deploy\"\n"
        );
        let c = Config::from_str(&text, None).unwrap();
        assert_eq!(c.deployer_repository.as_deref(), Some("team/deployer"));
        assert_eq!(c.deploy_projects["dev"], "dev-deploy");
        for (text, says) in [
            (
                "[deployer]\nrepository = \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/deployer:1.4\"\n".to_string(),
                "deployer.repository: expected an ECR repository name",
            ),
            (
                "[deployer]\nrepo = \"x\"\n".to_string(),
                "unknown key `repo` in [deployer]",
            ),
            (
                format!("{ENV}deploy_project = \"arn:aws:codebuild:eu-west-1:1:project/dev\"\n"),
                "deploy_project: expected a CodeBuild project name",
            ),
        ] {
            let err = Config::from_str(&format!("{text}{ENV}"), None)
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{err}");
        }
    }
}
