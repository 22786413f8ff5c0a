//! The reads of one health-map refresh that go to the world: per identity, one `GetMetricData`
//! call per region for the environments of that identity (each account holds its own metrics),
//! all at once, and a probe of each configured `site_url` and `api_url` (never any other URL).
//! The CLI and the console's effect read here.

use super::effects::timed;
use crate::app::health::Readings;
use crate::app::health::signals::requests_of;
use crate::cloud::{Clouds, Probes};
use crate::domain::{EnvSpec, HealthSpec, ProbeResult, Timestamp};

/// Reads the golden signals of these environments (by index, as `clouds` routes them) at `now`,
/// each environment's through its own identity, the identities in parallel; a failed call is
/// kept, with its reason, for every signal it carried (so one refused account makes only its
/// environments' signals unknown).
pub async fn read_metrics(
    clouds: &Clouds,
    envs: &[(EnvSpec, HealthSpec)],
    now: Timestamp,
    paused: &[(usize, String)],
) -> Readings {
    let read = (0..envs.len()).filter(|i| paused.iter().all(|(p, _)| p != i));
    let parts = clouds.split(read.map(|i| (Some(i), i)));
    // The paused environments' queries: not sent, unknown with the pause's reason.
    let not_sent = paused.iter().flat_map(|(i, why)| {
        (requests_of(envs, &[*i], now).into_iter()).map(|request| (request, Err(why.clone())))
    });
    let not_sent: Vec<_> = not_sent.collect();
    let calls = parts.into_iter().flat_map(|(cloud, only)| {
        requests_of(envs, &only, now)
            .into_iter()
            .map(move |request| async move {
                let got = timed("GetMetricData", cloud.metrics.get_metric_data(&request))
                    .await
                    .map_err(|e| e.to_string());
                (request, got)
            })
    });
    let mut answers = futures::future::join_all(calls).await;
    answers.extend(not_sent);
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
