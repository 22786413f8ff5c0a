//! The reads of one health-map refresh that go to the world: one `GetMetricData` call per
//! region for every environment, and a probe of each configured `site_url` and `api_url` (never
//! any other URL). The CLI reads here (and the console's effect will).

use super::effects::timed;
use crate::app::health::Readings;
use crate::app::health::signals::requests;
use crate::cloud::{Metrics, Probes};
use crate::domain::{EnvSpec, HealthSpec, ProbeResult, Timestamp};

/// Reads the golden signals of these environments at `now`; a failed call is kept, with its
/// reason, for every signal it carried.
pub async fn read_metrics(
    metrics: &dyn Metrics,
    envs: &[(EnvSpec, HealthSpec)],
    now: Timestamp,
) -> Readings {
    let mut answers = Vec::new();
    for request in requests(envs, now) {
        let got = timed("GetMetricData", metrics.get_metric_data(&request))
            .await
            .map_err(|e| e.to_string());
        answers.push((request, got));
    }
    Readings::new(&answers, now)
}

/// Probes every `site_url` and `api_url` of these environments at once, each URL once.
pub async fn probe_all(probes: &dyn Probes, envs: &[EnvSpec]) -> Vec<ProbeResult> {
    let mut urls: Vec<&String> = envs
        .iter()
        .flat_map(|e| e.site_url.iter().chain(&e.api_url))
        .collect();
    urls.sort();
    urls.dedup();
    let answers = futures::future::join_all(urls.iter().map(|u| probes.probe(u))).await;
    urls.into_iter()
        .zip(answers)
        .map(|(url, outcome)| ProbeResult {
            url: url.clone(),
            outcome,
        })
        .collect()
}
