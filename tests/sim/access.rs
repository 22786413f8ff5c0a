//! Who may call what: expired session credentials stay expired until they change (no call heals
//! them), and an operation denied to the role is refused naming its IAM action, as AWS does.

use super::{DEV, cloud};
use futures::executor::block_on;
use shipdeck::cloud::CloudError;
use shipdeck::cloud::sim::{Fault, FaultRates};
use shipdeck::domain::Timestamp;

fn expired(e: &CloudError) -> bool {
    matches!(e, CloudError::ExpiredCredentials { .. })
}

#[test]
fn expired_credentials_stay_expired_until_they_change() {
    let sim = cloud(41);
    let c = sim.cloud();
    sim.with(|s| s.force_faults("GetPipelineState", &[Fault::ExpiredCredentials]));
    let first = block_on(c.pipelines.get_pipeline_state(DEV)).unwrap_err();
    assert!(expired(&first), "{first}");
    // Every later call of any service is refused too, however long one waits.
    for _ in 0..3 {
        sim.with(|s| s.advance(Timestamp::HOUR));
        let e = block_on(c.pipelines.get_pipeline_state(DEV)).unwrap_err();
        assert!(expired(&e), "{e}");
        let e = block_on(
            c.storage
                .head_object("storefront-deployer-source", "dev/release.zip"),
        )
        .unwrap_err();
        assert!(expired(&e), "{e}");
        let e = block_on(c.identity.caller_identity()).unwrap_err();
        assert!(expired(&e), "{e}");
    }
    let stats = sim.with(|s| s.stats());
    assert_eq!(stats.faults_of("expired_credentials"), 10);
    assert_eq!(
        stats.served.get("GetPipelineState"),
        None,
        "nothing was served"
    );
    // The operator logs in again: the same calls are answered.
    sim.with(|s| s.renew_credentials());
    assert!(block_on(c.pipelines.get_pipeline_state(DEV)).is_ok());
    assert!(block_on(c.identity.caller_identity()).is_ok());
}

#[test]
fn an_operator_who_logs_in_again_renews_an_expired_session() {
    let sim = cloud(42);
    let c = sim.cloud();
    sim.with(|s| {
        s.set_faults(FaultRates {
            relogin_after: Some(10 * Timestamp::MINUTE),
            ..FaultRates::none()
        });
        s.force_faults("GetPipeline", &[Fault::ExpiredCredentials]);
    });
    assert!(expired(
        &block_on(c.pipelines.get_pipeline(DEV)).unwrap_err()
    ));
    sim.with(|s| s.advance(9 * Timestamp::MINUTE));
    assert!(expired(
        &block_on(c.pipelines.get_pipeline(DEV)).unwrap_err()
    ));
    sim.with(|s| s.advance(Timestamp::MINUTE));
    assert!(block_on(c.pipelines.get_pipeline(DEV)).is_ok());
    assert!(!sim.with(|s| s.credentials_expired()));
}

#[test]
fn a_denied_operation_is_refused_naming_its_iam_action_and_only_it() {
    let sim = cloud(43);
    let c = sim.cloud();
    sim.with(|s| {
        s.deny("GetPipelineState");
        s.deny("HeadObject");
        s.deny("GetCallerIdentity");
    });
    let e = block_on(c.pipelines.get_pipeline_state(DEV)).unwrap_err();
    assert_eq!(
        e,
        CloudError::AccessDenied {
            action: "codepipeline:GetPipelineState".into(),
            why: "no identity-based policy allows it".into(),
        }
    );
    assert!(!e.is_credentials() && !e.is_transient());
    // S3 names its own actions: HeadObject needs s3:GetObject.
    let e = block_on(
        c.storage
            .head_object("storefront-deployer-source", "dev/release.zip"),
    )
    .unwrap_err();
    assert!(
        matches!(&e, CloudError::AccessDenied { action, .. } if action == "s3:GetObject"),
        "{e}"
    );
    // Everything else is answered; STS answers GetCallerIdentity whatever the policies say.
    assert!(block_on(c.pipelines.get_pipeline(DEV)).is_ok());
    assert!(block_on(c.pipelines.list_executions(DEV, 5)).is_ok());
    assert!(block_on(c.identity.caller_identity()).is_ok());
    assert_eq!(sim.with(|s| s.stats().faults_of("access_denied")), 2);
    // An expired session is said before a missing permission (AWS authenticates first).
    sim.with(|s| s.expire_credentials());
    assert!(expired(
        &block_on(c.pipelines.get_pipeline_state(DEV)).unwrap_err()
    ));
    sim.with(|s| {
        s.renew_credentials();
        s.allow("GetPipelineState");
    });
    assert!(block_on(c.pipelines.get_pipeline_state(DEV)).is_ok());
}

/// Every action the simulator can deny is one the IAM policies in assets/iam/ grant.
#[test]
fn denied_actions_are_the_ones_the_policies_grant() {
    let sim = cloud(44);
    let c = sim.cloud();
    let policy = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/iam/shipdeck-operator.json"
    ))
    .unwrap();
    sim.with(|s| {
        for op in [
            "ListObjectsV2",
            "GetDistribution",
            "FilterLogEvents",
            "GetPipeline",
        ] {
            s.deny(op);
        }
    });
    let errors = [
        block_on(
            c.storage
                .list_objects("storefront-deployer-source", "", None, None, 1),
        )
        .unwrap_err(),
        block_on(c.cdn.get_distribution("E2DEVSTOREFRNT")).unwrap_err(),
        block_on(c.logs.filter_log_events(&Default::default())).unwrap_err(),
        block_on(c.pipelines.get_pipeline(DEV)).unwrap_err(),
    ];
    for e in errors {
        let CloudError::AccessDenied { action, .. } = &e else {
            panic!("{e:?}");
        };
        assert!(policy.contains(&format!("\"{action}\"")), "{action}");
    }
}
