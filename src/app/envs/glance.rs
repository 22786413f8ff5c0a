//! The home screen's traffic at a glance per environment: requests and 5xx a minute and the
//! newest deploy's impact, kept from what the Traffic view read of that environment (the home
//! screen reads no logs of its own).

use crate::accesslog::MinutePoint;
use crate::accesslog::impact::Impact;
use crate::app::health::logs::LogSignals;
use crate::app::traffic::markers::{Marker, deploys, markers};
use crate::app::{State, Traffic, View};
use crate::domain::Timestamp;

/// What the Traffic view's last read of one environment says, as of its newest record.
#[derive(Debug, Clone, PartialEq)]
pub struct Glance {
    /// The newest record read.
    pub as_of: Timestamp,
    /// Requests a minute over the hour to `as_of`, oldest first (`None`: the minute was not
    /// read, so its count is unknown).
    pub requests: Vec<Option<u64>>,
    /// 5xx responses a minute over the same hour (`None`: not read).
    pub errors: Vec<Option<u64>>,
    /// The newest deploy and what it did to the traffic.
    pub deploy: DeployImpact,
    /// CloudFront's golden signals over the map's window up to `as_of` (the map's CloudFront
    /// node uses them when they are fresher than CloudWatch's).
    pub cdn: Option<LogSignals>,
    /// What it was computed from (the tail's reads and markers): computed again when it changes.
    pub(crate) key: String,
}

/// The newest deploy of an environment and its impact.
#[derive(Debug, Clone, PartialEq)]
pub enum DeployImpact {
    /// The deploy times (the action runs) are not known: why.
    Unknown(String),
    /// None of the newest executions reached the environment.
    None,
    /// The newest deploy (or rollback) and its impact.
    Measured(Box<(Marker, Impact)>),
}

impl Glance {
    /// The 5xx share over the hour, if there were requests.
    pub fn error_rate(&self) -> Option<f64> {
        let requests: u64 = self.requests.iter().flatten().sum();
        let errors: u64 = self.errors.iter().flatten().sum();
        (requests > 0).then(|| errors as f64 / requests as f64)
    }

    /// Minutes of the hour that were read (the others are unknown, not quiet).
    pub fn read_minutes(&self) -> usize {
        self.requests.iter().filter(|r| r.is_some()).count()
    }
}

/// What the glance is computed from; it changes when records land or the markers are read.
fn key(t: &Traffic) -> String {
    let runs = match &t.marks.runs {
        None => "unread".to_string(),
        Some(Ok(r)) => format!("{}", r.len()),
        Some(Err(e)) => e.clone(),
    };
    format!(
        "{}:{}:{:?}:{}:{runs}",
        t.env,
        t.records.pushed(),
        t.stats.newest(),
        t.marks.key
    )
}

impl State {
    /// Keeps the Traffic view's environment's glance up to date (nothing while it has read no
    /// record: an earlier glance stays, as of its own time). Computed when the home screen is
    /// shown and before the tail is replaced, never while drawing.
    pub(in crate::app) fn keep_glance(&mut self) {
        let t = &self.traffic;
        let Some(as_of) = t.stats.newest() else {
            return;
        };
        let Some(env) = self.envs.get(t.env) else {
            return;
        };
        let key = key(t);
        if env.glance.as_ref().is_some_and(|g| g.key == key) {
            return;
        }
        let series = t.stats.series(as_of, t.since.millis());
        let deploy = match &t.marks.runs {
            None => DeployImpact::Unknown("deploy times not read yet".into()),
            Some(Err(e)) => DeployImpact::Unknown(format!("deploy times: {e}")),
            Some(Ok(runs)) => {
                let all = markers(env.def.as_ref(), &env.executions, runs);
                let deploys: Vec<&Marker> = deploys(&all).collect();
                match deploys.split_last() {
                    None => DeployImpact::None,
                    Some((newest, older)) => {
                        let previous = older.last().map(|m| m.at);
                        let impact = t.impact_of(newest.at, previous, None);
                        DeployImpact::Measured(Box::new(((*newest).clone(), impact)))
                    }
                }
            }
        };
        let minutes = self.health_spec(t.env).thresholds.window_minutes;
        let glance = Glance {
            cdn: LogSignals::of(&t.stats, minutes),
            as_of,
            requests: series.iter().map(MinutePoint::requests_read).collect(),
            errors: series
                .iter()
                .map(|p| p.read.then_some(p.status.s5xx))
                .collect(),
            deploy,
            key,
        };
        let index = t.env;
        if let Some(env) = self.envs.get_mut(index) {
            env.glance = Some(glance);
        }
    }

    /// After any action: the home screen and the map show the newest glance.
    pub(in crate::app) fn glance_due(&mut self) {
        if matches!(self.view, View::Environments | View::Map) {
            self.keep_glance();
        }
    }
}
