//! Connecting a front end to its backend: the embedded simulator (`--demo`) or AWS.

use super::args::Global;
use crate::app::{Mode, PollPolicy, Session, State};
use crate::cloud::Cloud;
use crate::cloud::sim::{SimCloud, SimConfig, Simulator};
use crate::config::{self, Config};
use crate::domain::Timestamp;

/// What a front end runs against.
pub struct Backend {
    /// The configuration in use.
    pub config: Config,
    /// The ports.
    pub cloud: Cloud,
    /// The simulator, in demo mode.
    pub sim: Option<SimCloud>,
    /// The session shown in the header.
    pub session: Session,
    /// The backend's current time.
    pub now: Timestamp,
}

impl Backend {
    /// A fresh app state for this backend.
    pub fn state(&self) -> State {
        let p = self.config.polling;
        let poll = PollPolicy {
            active: p.active_ms as i64,
            idle: p.idle_ms as i64,
            max_backoff: p.max_backoff_ms as i64,
        };
        State::new(
            self.session.clone(),
            self.config.environments.clone(),
            poll,
            self.now,
        )
    }
}

/// Builds the backend the flags ask for; the error is a message for the operator.
pub fn connect(global: &Global) -> Result<Backend, String> {
    let config = if global.demo {
        match &global.config {
            Some(path) => config::discover(Some(path)).map_err(|e| e.to_string())?,
            None => Config::demo().map_err(|e| e.to_string())?,
        }
    } else {
        config::discover(global.config.as_deref()).map_err(|e| e.to_string())?
    };
    let read_only = global.read_only || config.read_only;
    if !global.demo {
        return Err(format!(
            "{}: talking to AWS needs the AWS adapters, which this build does not include yet; \
             run with --demo to use the embedded simulator",
            config
                .path
                .as_ref()
                .map_or("<config>".into(), |p| p.display().to_string())
        ));
    }
    let sim_config = SimConfig {
        seed: global.seed,
        speed: global.speed,
        ..SimConfig::default()
    };
    let sim = SimCloud::new(Simulator::new(sim_config, &config.environments));
    let now = sim.with(|s| s.now());
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
        cloud: sim.cloud(),
        sim: Some(sim),
        config,
        session,
        now,
    })
}
