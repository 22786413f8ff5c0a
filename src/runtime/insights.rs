//! The console's Logs Insights queries ([`Effect::RunInsights`](crate::app::Effect::RunInsights)):
//! the shared loop ([`run_query`]) on the environment's ports, each answer sent to the app as it
//! comes, the operator's cancel as its stop (`StopQuery`, then the rows found so far).

use super::cloudfront_logs::Progress;
use crate::app::{Action, Reply, RequestId};
use crate::cloud::insights::run_query;
use crate::cloud::{Clock, Cloud, InsightsQuery, QueryResults};
use crate::ops::apply::upload::Cancel;

/// Runs `query` to its end, sending each `GetQueryResults` answer to `progress`; the answer
/// says how it ended. `cancel` stops it.
pub async fn run(
    cloud: &Cloud,
    clock: &dyn Clock,
    request: RequestId,
    query: &InsightsQuery,
    progress: Option<&Progress>,
    cancel: &Cancel,
) -> Action {
    let mut send = |query_id: &str, results: &QueryResults| {
        if let Some(tx) = progress {
            let _ = tx.send(Action::Reply(Reply::InsightsProgress {
                request,
                query_id: query_id.to_string(),
                results: results.clone(),
            }));
        }
    };
    let result = run_query(cloud.logs.as_ref(), clock, query, &mut send, &|| {
        cancel.is_set()
    })
    .await
    .map_err(|e| e.to_string());
    Action::Reply(Reply::InsightsEnded { request, result })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::{SimClock, SimCloud, SimConfig, Simulator, demo_specs};
    use crate::cloud::{QueryEnd, QueryStatus};
    use crate::domain::Timestamp;

    fn world() -> (SimCloud, InsightsQuery) {
        let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
        let now = sim.with(|s| s.now());
        let query = InsightsQuery {
            groups: vec!["/aws/lambda/storefront-api-prd".into()],
            start: now - Timestamp::HOUR,
            end: now,
            query: "stats count(*) as n".into(),
            limit: None,
        };
        (sim, query)
    }

    #[tokio::test]
    async fn each_answer_goes_to_the_app_then_how_the_query_ended() {
        let (sim, query) = world();
        let clock = SimClock::driven(sim.clone());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let end = run(&sim.cloud(), &clock, 7, &query, Some(&tx), &Cancel::never()).await;
        let mut statuses = Vec::new();
        while let Ok(Action::Reply(Reply::InsightsProgress {
            request, results, ..
        })) = rx.try_recv()
        {
            assert_eq!(request, 7);
            statuses.push(results.status);
        }
        assert_eq!(statuses.first(), Some(&QueryStatus::Scheduled));
        assert_eq!(statuses.last(), Some(&QueryStatus::Complete));
        let Action::Reply(Reply::InsightsEnded {
            request: 7,
            result: Ok((_, QueryEnd::Ended(r))),
        }) = end
        else {
            panic!("{end:?}")
        };
        assert_eq!(r.status, QueryStatus::Complete);
    }

    #[tokio::test]
    async fn a_cancel_stops_the_query_and_a_refusal_is_the_answer() {
        let (sim, query) = world();
        let clock = SimClock::driven(sim.clone());
        let (handle, cancel) = Cancel::new();
        handle.cancel();
        let end = run(&sim.cloud(), &clock, 1, &query, None, &cancel).await;
        assert!(
            matches!(
                end,
                Action::Reply(Reply::InsightsEnded {
                    result: Ok((_, QueryEnd::Stopped { .. })),
                    ..
                })
            ),
            "{end:?}"
        );
        let bad = InsightsQuery {
            query: "frobnicate everything".into(),
            ..query
        };
        let end = run(&sim.cloud(), &clock, 2, &bad, None, &Cancel::never()).await;
        let Action::Reply(Reply::InsightsEnded { result: Err(e), .. }) = end else {
            panic!("{end:?}")
        };
        assert!(e.contains("frobnicate") && e.contains("position 1"), "{e}");
    }
}
