//! Simulator settings (seed, start, history, faults, traffic) and the call/fault counters.

use crate::domain::{Millis, Timestamp};
use std::collections::BTreeMap;

/// Probabilities, per port call, of each injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultRates {
    /// `Throttled` (service asked us to slow down).
    pub throttle: f64,
    /// `Timeout`.
    pub timeout: f64,
    /// `Server` (HTTP 5xx).
    pub server_error: f64,
    /// The session credentials expire (the SSO session ended): from this call on every call is
    /// refused with `ExpiredCredentials` until they change.
    pub expired_credentials: f64,
    /// After an expiry, the operator logs in again this long after it (`None`: the credentials
    /// stay expired until `Simulator::renew_credentials`).
    pub relogin_after: Option<Millis>,
    /// A mutating call served, then its reply lost (the caller sees a `Timeout`); applied only
    /// to the operations that change something.
    pub lost_reply: f64,
}

impl FaultRates {
    /// No faults at all.
    pub fn none() -> FaultRates {
        FaultRates::default()
    }

    /// Whether any fault can happen.
    pub fn any(&self) -> bool {
        self.throttle
            + self.timeout
            + self.server_error
            + self.expired_credentials
            + self.lost_reply
            > 0.0
    }
}

/// How every secret cookie value of the simulator's logs begins (see `SimConfig::secret_cookies`).
pub const SECRET_COOKIE: &str = "simSECRETck";

/// Probabilities of the faults of CloudFront log objects (all 0 by default).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LogFaultRates {
    /// A `GetObject` of a log object whose body comes back cut short (the object is fine).
    pub truncated_body: f64,
    /// A log file corrupt at rest: cut short for good, or not gzip at all.
    pub corrupt_object: f64,
    /// A log file delivered hours late, after later files (its key sorts before theirs).
    pub late_delivery: f64,
    /// A listing page that returns a key twice, or a log file delivered twice (same key).
    pub duplicate_delivery: f64,
}

impl LogFaultRates {
    /// Whether any log-object fault can happen.
    pub fn any(&self) -> bool {
        self.truncated_body + self.corrupt_object + self.late_delivery + self.duplicate_delivery
            > 0.0
    }
}

/// How the simulated world is built and driven.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of every random choice: the same seed gives the same world.
    pub seed: u64,
    /// The simulated "now" after the history has been played.
    pub start: Timestamp,
    /// Days of history simulated before `start`.
    pub history_days: u32,
    /// Fault probabilities applied by the ports.
    pub faults: FaultRates,
    /// Fault probabilities of CloudFront log objects (per read, file or listing page).
    pub log_faults: LogFaultRates,
    /// Whether CloudFront logs carry cookies (`cs(Cookie)`) with recognisable secret values, each
    /// starting with [`SECRET_COOKIE`]: what must never be shown or written in full.
    pub secret_cookies: bool,
    /// Multiplier of CloudFront and API traffic (1.0 = demo rates; tests use small values).
    pub traffic_scale: f64,
    /// Demo speed: simulated seconds per real second (used by the runtime's clock driver only).
    pub speed: f64,
    /// Environments whose access-log table is in Athena's catalog from the start (database
    /// `shipdeck`, the table shipdeck creates for the source it reads by default), as in an
    /// account where shipdeck has queried them before.
    pub athena_tables: Vec<String>,
    /// The AWS account of each environment that does not live in the demo's own
    /// ([`ACCOUNT`](super::ACCOUNT)), by name: where its distribution files its logs
    /// (`AWSLogs/<account>/CloudFront/`) and its log group's ARN.
    pub accounts: BTreeMap<String, String>,
}

impl SimConfig {
    /// The account environment `env` lives in.
    pub fn account(&self, env: &str) -> &str {
        self.accounts
            .get(env)
            .map_or(super::ACCOUNT, String::as_str)
    }
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            seed: 42,
            start: Timestamp(1_795_597_200_000), // 2026-11-25T09:00:00Z, a Wednesday
            history_days: 14,
            faults: FaultRates::none(),
            log_faults: LogFaultRates::default(),
            secret_cookies: false,
            traffic_scale: 1.0,
            speed: 30.0,
            athena_tables: Vec::new(),
            accounts: BTreeMap::new(),
        }
    }
}

/// What the simulator has served: port calls per operation and faults injected per kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimStats {
    /// Calls per operation name (e.g. `GetPipelineState`).
    pub calls: BTreeMap<String, u64>,
    /// Calls per operation that got past fault injection and reached the simulated service
    /// (a call whose reply was lost was served).
    pub served: BTreeMap<String, u64>,
    /// Calls refused or faulted per kind (`throttle`, `timeout`, `server_error`,
    /// `expired_credentials` — each call refused while expired —, `access_denied`, `lost_reply`,
    /// and for log
    /// objects `truncated_body`, `corrupt_object`, `late_delivery`, `duplicate_listing`,
    /// `redelivery`).
    pub faults: BTreeMap<String, u64>,
    /// Calls made as an identity of another account than the demo operator's (see
    /// `SimCloud::cloud_as`), per account and operation, those its refusal stopped included.
    pub by_account: BTreeMap<(String, String), u64>,
}

impl SimStats {
    /// All port calls.
    pub fn total_calls(&self) -> u64 {
        self.calls.values().sum()
    }

    /// All injected faults.
    pub fn total_faults(&self) -> u64 {
        self.faults.values().sum()
    }

    /// Injected faults of one kind.
    pub fn faults_of(&self, kind: &str) -> u64 {
        self.faults.get(kind).copied().unwrap_or(0)
    }
}
