//! Connecting a front end to its backend — the wiring of configuration, ports and clock: the
//! embedded simulator (`--demo`) or AWS, and what a command reports when the first load failed.

use crate::app::{Accounts, Mode, PollPolicy, Session, State};
use crate::cloud::aws::{AwsCloud, AwsSettings};
use crate::cloud::github::rest::RestGitHub;
use crate::cloud::github::{GitHub, LazyGitHub, Token};
use crate::cloud::sim::github::SimGitHub;
use crate::cloud::sim::{SimCloud, SimConfig, SimIdentity, Simulator};
use crate::cloud::{Cloud, Clouds, EnvRoute};
use crate::config::AwsConfig;
use crate::config::{self, Config};
use crate::domain::Timestamp;
use crate::ops::plan::identity::{CliIdentity, CliRole};
use crate::runtime::{Clock, WallClock};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What to connect to, as the command line (or a test) says it.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// Run against the embedded simulator.
    pub demo: bool,
    /// The configuration file, if one was named.
    pub config: Option<PathBuf>,
    /// Refuse every mutating action.
    pub read_only: bool,
    /// AWS profile.
    pub profile: Option<String>,
    /// AWS region.
    pub region: Option<String>,
    /// AWS endpoint override.
    pub endpoint_url: Option<String>,
    /// The simulator's seed.
    pub seed: u64,
    /// Simulated seconds per wall second in the interactive demo.
    pub speed: f64,
    /// The system to run (`--system`; `None`: the configuration's default).
    pub system: Option<String>,
}

/// What a front end runs against.
pub struct Backend {
    /// The configuration in use.
    pub config: Config,
    /// The ports of the default identity (`[aws]`): calls that belong to no environment.
    pub cloud: Cloud,
    /// The ports of each identity, and which environment uses which.
    pub clouds: Clouds,
    /// Each environment's identity (for the app state: see [`Backend::state`]).
    pub accounts: Accounts,
    /// The simulator, in demo mode.
    pub sim: Option<SimCloud>,
    /// The session shown in the header.
    pub session: Session,
    /// The backend's current time.
    pub now: Timestamp,
    /// What it was connected with (to connect to another system of the configuration).
    pub connection: Connection,
    /// In the demo, each system's simulated world once built, by system name: a system shown
    /// again is the same world, played on, not a new one.
    worlds: Worlds,
}

/// The demo's simulated worlds by system name (`""`: a configuration of one system).
type Worlds = Arc<std::sync::Mutex<BTreeMap<String, SimCloud>>>;

impl Backend {
    /// A fresh app state for this backend.
    pub fn state(&self) -> State {
        let p = self.config.polling;
        let poll = PollPolicy {
            active: p.active_ms as i64,
            idle: p.idle_ms as i64,
            max_backoff: p.max_backoff_ms as i64,
        };
        let mut state = State::new(
            self.session.clone(),
            self.config.environments.clone(),
            poll,
            self.now,
        );
        state.accounts = self.accounts.clone();
        state.deployers.repository = self.config.deployer_repository.clone();
        state.deployers.pinned = self.config.deploy_projects.clone();
        state.attention.outbox.settings = self.config.notify.clone();
        state.map.specs = (self.config.environments.iter())
            .map(|e| self.config.health(&e.name))
            .collect();
        state.queries.athena_specs = (self.config.environments.iter())
            .map(|e| self.config.athena(&e.name))
            .collect();
        state.queries.regions = (self.config.environments.iter())
            .map(|e| self.config.identity(&e.name).region.unwrap_or_default())
            .collect();
        state.systems.current = self.config.system.clone();
        state.systems.names = (self.config.system_names().into_iter())
            .map(str::to_string)
            .collect();
        state.systems.environments = (self.config.systems.iter())
            .filter_map(|s| {
                let names = s.environments.iter().map(|e| e.name.clone()).collect();
                Some((s.system.clone()?, names))
            })
            .collect();
        state
    }

    /// A backend for system `name` of the same configuration, with the same flags; in the demo
    /// its own simulated world, played up to this one's time (`now`): the world it had when last
    /// shown, if it was (what was done there stays done), else a new one.
    pub fn switch(&self, name: &str, now: Timestamp) -> Result<Backend, String> {
        let config = self.config.select(Some(name))?;
        let connection = Connection {
            system: Some(name.to_string()),
            ..self.connection.clone()
        };
        build(&connection, config, Some(now), &self.worlds)
    }
}

impl Backend {
    /// `:fault` in the demo: environment `env`'s identity has its credentials refused from the
    /// next call — a role's account refuses the role (`sts:AssumeRole` denied); the demo
    /// operator's own credentials expire (an SSO session: every identity built on them stops);
    /// `None` accepts every credential again. The error says why nothing was faulted.
    pub fn demo_fault(&self, env: Option<&str>) -> Result<(), String> {
        let Some(sim) = &self.sim else {
            return Err("only the demo (--demo) has faults to inject".into());
        };
        let settings = env_settings(&self.connection, &self.config);
        let Some(env) = env else {
            sim.with(|s| {
                for one in &settings {
                    s.restore_account(&sim_identity(one).account);
                }
                s.renew_credentials();
            });
            return Ok(());
        };
        let at = (self.config.environments.iter())
            .position(|e| e.name == env)
            .ok_or_else(|| format!("unknown environment `{env}`"))?;
        let Some(role) = settings.get(at).and_then(|s| s.role.as_ref()) else {
            sim.with(|s| s.expire_credentials());
            return Ok(());
        };
        let account = sim_identity(&settings[at]).account;
        let refusal = crate::cloud::CloudError::RoleNotAssumed {
            role: role.arn.clone(),
            caller: crate::cloud::sim::OPERATOR_ARN.into(),
            reason: format!(
                "AccessDenied: User: {} is not authorized to perform: sts:AssumeRole on \
                 resource: {}",
                crate::cloud::sim::OPERATOR_ARN,
                role.arn
            ),
        };
        sim.with(|s| s.refuse_account(&account, refusal));
        Ok(())
    }
}

/// The GitHub port of a backend, and what a reader should know about how it reads.
pub struct GitHubLink {
    /// The port.
    pub port: Arc<dyn GitHub>,
    /// A note for people, e.g. that there is no token (anonymous reads, public repositories).
    pub note: Option<String>,
}

impl Backend {
    /// The GitHub port: the simulator's repository in the demo (the configured names, else
    /// `acme/storefront`), else GitHub's REST API for `[github]`, with the token from the
    /// environment or the GitHub CLI, looked for only now. The error says what to configure.
    pub async fn github(&self) -> Result<GitHubLink, String> {
        // A system without `[github]` has no repository, in the demo too.
        if let (Some(sim), Some(config)) = (&self.sim, &self.config.github) {
            return Ok(GitHubLink {
                port: Arc::new(SimGitHub::new(sim.clone(), config.clone())),
                note: None,
            });
        }
        let Some(config) = &self.config.github else {
            let file = self
                .config
                .path
                .as_ref()
                .map_or_else(|| "shipdeck.toml".to_string(), |p| p.display().to_string());
            return Err(format!(
                "GitHub is not configured: add a [github] table with repository = \"owner/name\" \
                 to {file} (see \"Connecting GitHub\" in the README)"
            ));
        };
        let lookup = Token::lookup(&config.api_url).await;
        let note = lookup.token.is_none().then(|| {
            format!(
                "{}; reading {} anonymously (public repositories only, 60 requests an hour)",
                lookup.hint(Token::missing_hint()),
                config.repository
            )
        });
        let (connect, timeout) = github_timeouts(&self.config);
        let port = RestGitHub::from_lookup(config, lookup, connect, timeout)?;
        Ok(GitHubLink {
            port: Arc::new(port),
            note,
        })
    }
}

/// The connect and call timeouts of GitHub's calls: the `[aws]` ones.
fn github_timeouts(config: &Config) -> (std::time::Duration, std::time::Duration) {
    let aws = &config.aws;
    (
        aws.connect_timeout
            .unwrap_or(AwsConfig::DEFAULT_CONNECT_TIMEOUT),
        aws.operation_timeout
            .unwrap_or(AwsConfig::DEFAULT_OPERATION_TIMEOUT),
    )
}

/// The configuration the flags name (with `--demo` and no `--config`, the built-in demo's),
/// whole: its default system selected.
pub fn load_config(global: &Connection) -> Result<Config, String> {
    if global.demo {
        match &global.config {
            Some(path) => config::discover(Some(path)).map_err(|e| e.to_string()),
            None => Config::demo().map_err(|e| e.to_string()),
        }
    } else {
        config::discover(global.config.as_deref()).map_err(|e| e.to_string())
    }
}

/// Builds the backend the flags ask for; the error is a message for the operator.
pub fn connect(global: &Connection) -> Result<Backend, String> {
    let config = load_config(global)?.select(global.system.as_deref())?;
    build(global, config, None, &Worlds::default())
}

/// The simulator's seed for the system at `index` of the configuration: the flag's own for the
/// first, so that a configuration of one system plays the same world as ever.
fn system_seed(seed: u64, index: usize) -> u64 {
    seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The backend of `config` (one system selected); in the demo, the system's world among
/// `worlds` played on to `start`, else a new one played up to `start` when given.
fn build(
    global: &Connection,
    config: Config,
    start: Option<Timestamp>,
    worlds: &Worlds,
) -> Result<Backend, String> {
    let read_only = global.read_only || config.read_only;
    if !global.demo {
        return aws(global, config, read_only);
    }
    let index = (config.systems.iter())
        .position(|s| s.system == config.system)
        .unwrap_or(0);
    let defaults = SimConfig::default();
    let settings = env_settings(global, &config);
    // An environment whose role is in another account lives there: its logs are filed under it.
    let accounts = (config.environments.iter().zip(&settings))
        .filter(|(_, s)| s.role.is_some())
        .map(|(e, s)| (e.name.clone(), sim_identity(s).account))
        .collect();
    let sim_config = SimConfig {
        seed: system_seed(global.seed, index),
        speed: global.speed,
        start: start.unwrap_or(defaults.start),
        // The demo account has queried prd's and live's access logs with shipdeck before; the
        // other environments' tables are created when first queried.
        athena_tables: vec!["prd".into(), "live".into()],
        accounts,
        ..defaults
    };
    let key = config.system.clone().unwrap_or_default();
    let sim = {
        let mut held = worlds.lock().unwrap_or_else(|p| p.into_inner());
        let sim = held
            .entry(key)
            .or_insert_with(|| SimCloud::new(Simulator::new(sim_config, &config.environments)));
        if let Some(t) = start {
            // Time never goes back: a world shown again plays on to the time it is shown at.
            sim.with(|s| s.advance_to(t));
        }
        sim.clone()
    };
    let now = sim.with(|s| s.now());
    let github = (config.github.as_ref())
        .map(|github| Arc::new(SimGitHub::new(sim.clone(), github.clone())) as Arc<dyn GitHub>);
    let with_github = |mut cloud: Cloud| {
        // The simulated repository under the configured names; a system without `[github]` has
        // none in the demo either (as against AWS: "GitHub is not configured").
        cloud.github = github.clone();
        cloud
    };
    let cloud = with_github(sim.cloud());
    let (clouds, accounts) = if settings.windows(2).all(|w| w[0].key() == w[1].key()) {
        (Clouds::single(cloud.clone()), Accounts::default())
    } else {
        let defaults = AwsSettings::resolve(
            global.profile.as_deref(),
            global.region.as_deref(),
            global.endpoint_url.as_deref(),
            &config.aws,
        );
        identities(&config, &defaults, &settings, |s, _| {
            with_github(sim.cloud_as(sim_identity(s)))
        })
    };
    let session = Session {
        mode: Mode::Demo,
        profile: global
            .profile
            .clone()
            .or_else(|| config.aws.profile.clone()),
        region: global.region.clone().or_else(|| config.aws.region.clone()),
        identity: None,
        read_only,
    };
    Ok(Backend {
        cloud,
        clouds,
        accounts,
        sim: Some(sim),
        config,
        session,
        now,
        connection: global.clone(),
        worlds: worlds.clone(),
    })
}

/// The AWS backend: settings from the flags, `[aws]` and the environment, checked up front.
fn aws(global: &Connection, config: Config, read_only: bool) -> Result<Backend, String> {
    let settings = AwsSettings::resolve(
        global.profile.as_deref(),
        global.region.as_deref(),
        global.endpoint_url.as_deref(),
        &config.aws,
    );
    let region = settings.effective_region();
    let github = config.github.as_ref().map(|github| {
        let (connect, timeout) = github_timeouts(&config);
        Arc::new(LazyGitHub::new(github.clone(), connect, timeout)) as Arc<dyn GitHub>
    });
    let own = env_settings(global, &config);
    let single = own.iter().all(|s| *s == settings);
    // Settings that cannot work for any environment (a `--profile` that does not exist) stop
    // the start, as they always did; one environment's stop only that environment.
    let problems: Vec<String> = own.iter().filter_map(|s| s.check().err()).collect();
    if !single && problems.len() == own.len() && problems.windows(2).all(|w| w[0] == w[1]) {
        return Err(problems.into_iter().next().unwrap_or_default());
    }
    // One identity for all: settings that cannot work stop the start, as they always did.
    let aws = if single {
        AwsCloud::new(settings.clone())?
    } else {
        AwsCloud::new_or_refusing(settings.clone(), "[aws]")
    };
    let mut cloud = aws.cloud();
    cloud.github = github.clone();
    let (clouds, accounts) = if single {
        (Clouds::single(cloud.clone()), Accounts::default())
    } else {
        identities(&config, &settings, &own, |settings, what| {
            let mut cloud = AwsCloud::new_or_refusing(settings.clone(), what).cloud();
            cloud.github = github.clone();
            cloud
        })
    };
    let session = Session {
        mode: Mode::Aws,
        profile: aws.settings().profile.clone(),
        region,
        identity: None,
        read_only,
    };
    Ok(Backend {
        cloud,
        clouds,
        accounts,
        sim: None,
        config,
        session,
        now: WallClock.now(),
        connection: global.clone(),
        worlds: Worlds::default(),
    })
}

/// One set of ports per distinct identity of the environments (profile, region, endpoint,
/// role), built by `build` from the settings and a phrase naming the environments that use
/// them (`environment prd`, `environments dev, stg`); and each environment's identity.
fn identities(
    config: &Config,
    defaults: &AwsSettings,
    settings: &[AwsSettings],
    mut build: impl FnMut(&AwsSettings, &str) -> Cloud,
) -> (Clouds, Accounts) {
    let mut keys = Vec::new();
    let mut group = Vec::new();
    for s in settings {
        let key = s.key();
        let i = match keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                keys.push(key);
                keys.len() - 1
            }
        };
        group.push(i);
    }
    let mut clouds = Vec::new();
    for i in 0..keys.len() {
        let names: Vec<&str> = (config.environments.iter().zip(&group))
            .filter(|(_, g)| **g == i)
            .map(|(e, _)| e.name.as_str())
            .collect();
        let what = match names.as_slice() {
            [one] => format!("environment {one}"),
            many => format!("environments {}", many.join(", ")),
        };
        let first = group.iter().position(|g| *g == i).unwrap_or(0);
        clouds.push(build(&settings[first], &what));
    }
    let routes = (config.environments.iter().zip(&group))
        .map(|(e, g)| EnvRoute {
            name: e.name.clone(),
            pipeline: e.pipeline.clone(),
            distribution_id: e.distribution_id.clone(),
            identity: *g,
        })
        .collect();
    let accounts = Accounts {
        group,
        who: Vec::new(),
        described: settings.iter().map(AwsSettings::describe).collect(),
        cli: settings.iter().map(|s| cli_identity(s, defaults)).collect(),
    };
    match Clouds::new(clouds, routes) {
        Some(clouds) => (clouds, accounts),
        None => (
            Clouds::single(build(&AwsSettings::default(), "[aws]")),
            Accounts::default(),
        ),
    }
}

/// Environment settings `own` as the AWS CLI is told them: profile, region and endpoint where
/// they differ from `defaults` (`[aws]`'s), and its role (the profile then only assumes it).
fn cli_identity(own: &AwsSettings, defaults: &AwsSettings) -> CliIdentity {
    let differs = |a: &Option<String>, b: &Option<String>| (a != b).then(|| a.clone()).flatten();
    CliIdentity {
        profile: if own.role.is_some() {
            None
        } else {
            differs(&own.profile, &defaults.profile)
        },
        region: differs(&own.region, &defaults.region),
        endpoint_url: differs(&own.endpoint_url, &defaults.endpoint_url),
        role: own.role.as_ref().map(|r| CliRole {
            arn: r.arn.clone(),
            external_id: r.external_id.clone(),
            source_profile: own.effective_profile(),
        }),
    }
}

/// Each environment's settings: flags, then its own keys, then `[aws]`'s (see
/// [`AwsSettings::for_environment`]).
fn env_settings(global: &Connection, config: &Config) -> Vec<AwsSettings> {
    (config.environments.iter())
        .map(|e| {
            AwsSettings::for_environment(
                global.profile.as_deref(),
                global.region.as_deref(),
                global.endpoint_url.as_deref(),
                &config.aws,
                config.identities.get(&e.name),
            )
        })
        .collect()
}

/// The simulated caller of `settings`: the session of its role, else the demo operator.
fn sim_identity(settings: &AwsSettings) -> SimIdentity {
    match &settings.role {
        // The demo operator assumes the role: the session is named after them, as against AWS.
        Some(role) => SimIdentity::role(
            &role.arn,
            &role.session_for(Some(crate::cloud::sim::OPERATOR_ARN)),
        ),
        None => SimIdentity::operator(),
    }
}

/// After the first headless load: what failed so badly that a command has nothing to show.
/// Environments with no data at all and a failed release catalogue or distribution are reported
/// (the same error shared by several environments once); partial data (a stale stage view) is not.
/// Refused credentials are said once for everything they stopped, although each service words
/// its refusal in its own codes.
pub fn load_failures(state: &State) -> Result<(), String> {
    let mut failures: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |what: String, error: &str| match failures.iter_mut().find(|f| f.0 == error) {
        Some(f) => f.1.push(what),
        None => failures.push((error.to_string(), vec![what])),
    };
    let refused =
        |what: &str| (state.credentials.iter()).any(|p| p.affected.iter().any(|a| a == what));
    for pause in &state.credentials {
        // The console's banner, as one line: the reads it stopped (not the caller identity,
        // which a command does not report), then what to do.
        for what in pause.affected.iter().filter(|a| *a != "caller identity") {
            add(what.clone(), &pause.error);
        }
    }
    for env in &state.envs {
        if let (None, Some(stale)) = (&env.def, &env.refresh.error)
            && !refused(&env.spec.name)
        {
            add(env.spec.name.clone(), &stale.error);
        }
        if let Some(err) = &env.distribution_error {
            add(env.spec.name.clone(), err);
        }
    }
    if let Some(err) = &state.releases_load.error
        && !refused("release catalogue")
    {
        add("release catalogue".into(), err);
    }
    if failures.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = failures
        .iter()
        .map(|(error, what)| format!("{}: {error}", what.join(", ")))
        .collect();
    Err(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Action, Effect, Reply, Stale, update};
    use crate::cloud::CloudError;
    use crate::cloud::sim::demo_specs;

    /// An environment's `aws` command flags are what differs from `[aws]`: its own profile and
    /// region; with a role, the role (assumed with the profile, so no `--profile` of the base).
    #[test]
    fn the_cli_identity_is_what_differs_from_the_defaults() {
        let defaults = AwsSettings {
            profile: Some("ops".into()),
            region: Some("eu-west-1".into()),
            ..AwsSettings::default()
        };
        assert!(cli_identity(&defaults, &defaults).is_default());
        let own = AwsSettings {
            profile: Some("prd-admin".into()),
            region: Some("eu-central-1".into()),
            ..defaults.clone()
        };
        let id = cli_identity(&own, &defaults);
        assert_eq!(id.profile.as_deref(), Some("prd-admin"));
        assert_eq!(id.region.as_deref(), Some("eu-central-1"));
        assert_eq!((id.endpoint_url, id.role), (None, None));
        let role = AwsSettings {
            role: Some(crate::cloud::aws::RoleSettings {
                arn: "arn:aws:iam::222222222222:role/shipdeck-operator".into(),
                external_id: None,
                session_name: Some("shipdeck".into()),
            }),
            ..own
        };
        let id = cli_identity(&role, &defaults);
        assert_eq!(id.profile, None, "the profile only assumes the role");
        let r = id.role.expect("the role");
        assert_eq!(r.arn, "arn:aws:iam::222222222222:role/shipdeck-operator");
        assert_eq!(r.source_profile, "prd-admin");
    }

    /// Expired credentials answered by CodePipeline (`ExpiredTokenException`) for every
    /// environment and by S3 (`ExpiredToken`) for the catalogue: said once, not once per service.
    #[test]
    fn refused_credentials_are_said_once_whatever_each_service_calls_them() {
        let session = Session {
            mode: Mode::Aws,
            profile: Some("ops".into()),
            region: None,
            identity: None,
            read_only: false,
        };
        let mut state = State::new(session, demo_specs(), PollPolicy::default(), Timestamp(0));
        let expired = |code: &str| CloudError::ExpiredCredentials {
            hint: format!("aws sso login --profile ops ({code})"),
        };
        for effect in crate::app::start(&mut state) {
            let action = match effect {
                Effect::FetchIdentity { env } => Action::Reply(Reply::IdentityLoaded {
                    env,
                    result: Err(expired("ExpiredToken")),
                }),
                Effect::FetchEnv { env, request, .. } => Action::Reply(Reply::EnvLoaded {
                    env,
                    request,
                    result: Err(expired("ExpiredTokenException")),
                }),
                Effect::FetchReleases { request, .. } => Action::Reply(Reply::ReleasesLoaded {
                    request,
                    result: Err(expired("ExpiredToken")),
                }),
                _ => continue,
            };
            update(&mut state, action);
        }
        assert_eq!(
            load_failures(&state),
            Err(
                "dev, stg, prd, release catalogue: credentials expired: aws sso login \
                 --profile ops (ExpiredToken)"
                    .into()
            )
        );
    }

    #[test]
    fn load_failures_group_the_same_error_and_skip_partial_data() {
        let session = Session {
            mode: Mode::Aws,
            profile: None,
            region: None,
            identity: None,
            read_only: false,
        };
        let mut state = State::new(session, demo_specs(), PollPolicy::default(), Timestamp(0));
        assert_eq!(load_failures(&state), Ok(()), "nothing failed (yet)");
        let stale = |error: &str| Stale {
            since: Timestamp(0),
            error: error.into(),
            failures: 1,
            throttled: false,
        };
        let expired = "credentials expired: aws sso login --profile ops";
        state.envs[0].refresh.error = Some(stale(expired));
        state.envs[1].refresh.error = Some(stale(expired));
        state.envs[2].distribution_error =
            Some("distribution E2: distribution not found: E2".into());
        state.releases_load.error = Some(expired.into());
        assert_eq!(
            load_failures(&state),
            Err(format!(
                "dev, stg, release catalogue: {expired}\nprd: distribution E2: distribution not found: E2"
            ))
        );
    }
}
