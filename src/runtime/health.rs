//! The reads of one health-map refresh that go to the world: one `GetMetricData` call per
//! region for every environment. The CLI reads here (and the console's effect will).

use super::effects::timed;
use crate::app::health::Readings;
use crate::app::health::signals::requests;
use crate::cloud::Metrics;
use crate::domain::{EnvSpec, HealthSpec, Timestamp};

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
