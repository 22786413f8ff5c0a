//! An environment's role in another account against the emulator: shipdeck assumes it with the
//! base credentials (`sts:AssumeRole`), its calls are made in that account (moto keeps each
//! account's resources apart), and `GetCallerIdentity` names the role session.

use crate::support::emulator::{self, ACCOUNT, REGION, unique};
use shipdeck::cloud::aws::{AwsClients, AwsCloud, AwsSettings, RoleSettings, assume_role};

const OTHER: &str = "222222222222";

/// The settings of an environment in account 222222222222 over the emulator.
fn role_settings(url: &str) -> AwsSettings {
    AwsSettings {
        region: Some(REGION.into()),
        endpoint_url: Some(url.into()),
        role: Some(RoleSettings {
            arn: format!("arn:aws:iam::{OTHER}:role/shipdeck-operator"),
            external_id: Some("storefront-ops".into()),
            session_name: "shipdeck".into(),
        }),
        ..AwsSettings::default()
    }
}

#[tokio::test]
async fn a_role_in_another_account_reads_that_accounts_resources_only() {
    let (base_cloud, base_clients, url) = emulator::connect().await;
    let base_sdk = emulator::sdk(&url).await;
    let settings = role_settings(&url);
    let role_sdk = assume_role(&base_sdk, settings.role.as_ref().unwrap()).await;
    let role_clients = AwsClients::new(&role_sdk, true);
    let role_cloud = AwsCloud::with_clients(role_clients.clone(), settings).cloud();
    let base_cloud = base_cloud.cloud();

    // Who: the base credentials are the emulator's default account; the role's session is in
    // 222222222222, named as configured.
    let base = base_cloud.identity.caller_identity().await.unwrap();
    assert_eq!(base.account, ACCOUNT);
    let who = role_cloud.identity.caller_identity().await.unwrap();
    assert_eq!(who.account, OTHER, "{who:?}");
    assert!(
        who.arn.starts_with(&format!(
            "arn:aws:sts::{OTHER}:assumed-role/shipdeck-operator/"
        )),
        "{}",
        who.arn
    );

    // Routing: a log group made in each account is seen by that account's clients only.
    let theirs = format!("/shipdeck/{}", unique("role-account"));
    let ours = format!("/shipdeck/{}", unique("base-account"));
    role_clients
        .logs
        .create_log_group()
        .log_group_name(&theirs)
        .send()
        .await
        .unwrap();
    base_clients
        .logs
        .create_log_group()
        .log_group_name(&ours)
        .send()
        .await
        .unwrap();
    let seen_by_role = role_cloud
        .logs
        .describe_log_groups("/shipdeck/")
        .await
        .unwrap();
    assert!(seen_by_role.contains(&theirs), "{seen_by_role:?}");
    assert!(!seen_by_role.contains(&ours), "{seen_by_role:?}");
    let seen_by_base = base_cloud
        .logs
        .describe_log_groups("/shipdeck/")
        .await
        .unwrap();
    assert!(seen_by_base.contains(&ours), "{seen_by_base:?}");
    assert!(!seen_by_base.contains(&theirs), "{seen_by_base:?}");
}

/// Environments naming the same identity share one set of clients; another role is another.
#[test]
fn equal_identities_share_clients_and_others_do_not() {
    let config = shipdeck::config::Config::demo().unwrap();
    let settings = |env: &str| {
        AwsSettings::for_environment(None, None, None, &config.aws, config.identities.get(env))
    };
    assert_eq!(settings("dev").key(), settings("stg").key());
    assert_ne!(settings("dev").key(), settings("prd").key());
    let prd = settings("prd");
    assert_eq!(
        prd.role.as_ref().map(|r| r.arn.as_str()),
        Some("arn:aws:iam::222222222222:role/shipdeck-operator")
    );
    assert_eq!(prd.region.as_deref(), Some("eu-west-1"), "[aws]'s region");
    assert_eq!(
        prd.describe(),
        "profile default → role arn:aws:iam::222222222222:role/shipdeck-operator"
    );
}
