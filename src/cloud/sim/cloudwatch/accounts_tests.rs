//! Log groups live in their environment's account: a caller sees its own account's groups only,
//! and groups of one name in two accounts are two groups.

use crate::cloud::sim::{ACCOUNT, SimCloud, SimConfig, SimIdentity, Simulator, demo_specs};
use crate::cloud::{CloudError, InsightsQuery, LogQuery, QueryStatus};
use crate::domain::{EnvSpec, Timestamp};
use futures::executor::block_on;
use std::collections::BTreeSet;

const PRD_ACCOUNT: &str = "222222222222";
const PRD_ROLE: &str = "arn:aws:iam::222222222222:role/shipdeck-operator";

/// The demo's three environments, prd in its own account, with `specs` changed by `change`.
fn world(change: impl FnOnce(&mut [EnvSpec])) -> SimCloud {
    let mut specs = demo_specs();
    change(&mut specs);
    let config = SimConfig {
        history_days: 0,
        accounts: [("prd".to_string(), PRD_ACCOUNT.to_string())].into(),
        ..SimConfig::default()
    };
    let sim = SimCloud::new(Simulator::new(config, &specs));
    sim.with(|s| s.advance(10 * Timestamp::MINUTE));
    sim
}

fn page(cloud: &crate::cloud::Cloud, group: &str) -> Result<BTreeSet<String>, CloudError> {
    let q = LogQuery {
        group: group.into(),
        ..LogQuery::default()
    };
    let page = block_on(cloud.logs.filter_log_events(&q))?;
    Ok(page.events.into_iter().map(|e| e.event_id).collect())
}

#[test]
fn a_caller_reads_and_lists_only_its_own_accounts_groups() {
    let sim = world(|_| {});
    let operator = sim.cloud();
    let prd = sim.cloud_as(SimIdentity::role(PRD_ROLE, "shipdeck"));
    let api = "/aws/lambda/storefront-api-prd";
    assert!(
        !page(&prd, api).unwrap().is_empty(),
        "prd reads its own group"
    );
    for (who, group) in [(&operator, api), (&prd, "/aws/lambda/storefront-api-stg")] {
        let e = page(who, group).unwrap_err();
        assert!(matches!(e, CloudError::NotFound { .. }), "{group}: {e:?}");
    }
    // By ARN: its own account's is found, another account's is not.
    let arn = |account: &str| format!("arn:aws:logs:us-east-1:{account}:log-group:{api}:*");
    assert!(page(&prd, &arn(PRD_ACCOUNT)).is_ok());
    assert!(page(&operator, &arn(PRD_ACCOUNT)).is_err());
    let listed = block_on(prd.logs.describe_log_groups("/aws/")).unwrap();
    assert!(listed.iter().all(|g| g.ends_with("-prd")), "{listed:?}");
    assert!(listed.contains(&api.to_string()), "{listed:?}");
    let theirs = block_on(operator.logs.describe_log_groups("/aws/")).unwrap();
    assert!(theirs.iter().all(|g| !g.ends_with("-prd")), "{theirs:?}");
}

#[test]
fn groups_of_one_name_in_two_accounts_are_two_groups() {
    let shared = "/aws/lambda/storefront-api";
    let sim = world(|specs| {
        for spec in specs.iter_mut().filter(|s| s.name != "stg") {
            spec.log_groups[0] = shared.to_string();
        }
    });
    let dev = page(&sim.cloud(), shared).unwrap();
    let prd = page(&sim.cloud_as(SimIdentity::role(PRD_ROLE, "s")), shared).unwrap();
    assert!(
        !dev.is_empty() && !prd.is_empty(),
        "{} {}",
        dev.len(),
        prd.len()
    );
    assert!(dev.is_disjoint(&prd), "each account holds its own events");
}

#[test]
fn insights_names_the_callers_account_and_keeps_its_queries_to_it() {
    let sim = world(|_| {});
    let prd = sim.cloud_as(SimIdentity::role(PRD_ROLE, "shipdeck"));
    let now = sim.with(|s| s.now());
    let query = |group: &str| InsightsQuery {
        groups: vec![group.into()],
        start: now - 10 * Timestamp::MINUTE,
        end: now,
        query: "fields @log | limit 1".into(),
        limit: None,
    };
    let id = block_on(
        prd.logs
            .start_query(&query("/aws/lambda/storefront-api-prd")),
    )
    .unwrap();
    let operator = sim.cloud();
    let e = block_on(operator.logs.get_query_results(&id)).unwrap_err();
    assert!(matches!(e, CloudError::NotFound { .. }), "{e:?}");
    assert!(block_on(operator.logs.stop_query(&id)).is_err());
    sim.with(|s| s.advance(Timestamp::MINUTE));
    let r = block_on(prd.logs.get_query_results(&id)).unwrap();
    assert_eq!(r.status, QueryStatus::Complete);
    let log = (r.rows.first().into_iter().flatten()).find(|(f, _)| f == "@log");
    assert_eq!(
        log.map(|(_, v)| v.as_str()),
        Some("222222222222:/aws/lambda/storefront-api-prd")
    );
    let e = block_on(
        operator
            .logs
            .start_query(&query("/aws/lambda/storefront-api-prd")),
    );
    assert!(matches!(e, Err(CloudError::NotFound { .. })), "{e:?}");
    let dev = block_on(
        operator
            .logs
            .start_query(&query("/aws/lambda/storefront-api-dev")),
    );
    assert!(dev.is_ok(), "{ACCOUNT} reads dev's group: {dev:?}");
}
