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
            session_name: Some("shipdeck".into()),
        }),
        ..AwsSettings::default()
    }
}

#[tokio::test]
async fn a_role_in_another_account_reads_that_accounts_resources_only() {
    let (base_cloud, base_clients, url) = emulator::connect().await;
    let base_sdk = emulator::sdk(&url).await;
    let settings = role_settings(&url);
    let role_sdk = assume_role(&base_sdk, settings.role.as_ref().unwrap(), "shipdeck").await;
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

/// The reads of several environments at once go to each environment's account: with dev in the
/// base account and prd in 222222222222 (moto keeps them apart), the health map reads each
/// environment's metrics in its own account, and the deployer check each account's project of
/// the same name and its repository (which exists in prd's account only).
#[tokio::test]
async fn reads_of_several_environments_read_each_in_its_own_account() {
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    use aws_sdk_codebuild::types as cb;
    use shipdeck::app::health::signals::{Reading, Signal, window};
    use shipdeck::app::{Action, Effect, Reply};
    use shipdeck::cloud::{Clouds, EnvRoute};
    use shipdeck::domain::{HealthSpec, Timestamp};

    let (base_cloud, base_clients, url) = emulator::connect().await;
    let settings = role_settings(&url);
    let role_sdk = assume_role(
        &emulator::sdk(&url).await,
        settings.role.as_ref().unwrap(),
        "shipdeck",
    )
    .await;
    let role_clients = AwsClients::new(&role_sdk, true);
    let role_cloud = AwsCloud::with_clients(role_clients.clone(), settings).cloud();
    let route = |name: &str, identity| EnvRoute {
        name: name.into(),
        pipeline: format!("storefront-deployer-{name}"),
        distribution_id: format!("E{name}"),
        identity,
    };
    let clouds = Clouds::new(
        vec![base_cloud.cloud(), role_cloud],
        vec![route("dev", 0), route("prd", 1)],
    )
    .unwrap();

    // The same function name in both accounts, with other numbers in each.
    let function = unique("storefront-api");
    let now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    let (start, _) = window(now, 5);
    for (clients, value) in [(&base_clients, 3.0), (&role_clients, 9.0)] {
        let datum = MetricDatum::builder()
            .metric_name("Invocations")
            .dimensions(
                Dimension::builder()
                    .name("FunctionName")
                    .value(&function)
                    .build(),
            )
            .timestamp(DateTime::from_millis(start.millis() + 30_000))
            .value(value)
            .build();
        clients
            .cloudwatch
            .put_metric_data()
            .namespace("AWS/Lambda")
            .metric_data(datum)
            .send()
            .await
            .unwrap();
    }
    let health = HealthSpec {
        lambda_function: Some(function.clone()),
        ..HealthSpec::default()
    };
    let envs = vec![
        (crate::support::spec("dev", None), health.clone()),
        (crate::support::spec("prd", Some("dev")), health),
    ];
    let readings = shipdeck::runtime::health::read_metrics(&clouds, &envs, now, &[]).await;
    assert_eq!(readings.get(0, Signal::FnInvocations), Reading::Value(3.0));
    assert_eq!(readings.get(1, Signal::FnInvocations), Reading::Value(9.0));

    // A Deploy project of the same name in each account, each on its own image; the pinned
    // repository exists in prd's account only.
    let project = unique("storefront-deploy");
    let repo = unique("deployer").to_lowercase();
    role_clients
        .ecr
        .create_repository()
        .repository_name(&repo)
        .send()
        .await
        .unwrap();
    for (clients, account) in [(&base_clients, ACCOUNT), (&role_clients, OTHER)] {
        clients
            .codebuild
            .create_project()
            .name(&project)
            .source(
                cb::ProjectSource::builder()
                    .r#type(cb::SourceType::S3)
                    .location("storefront-deployer-source/release.zip")
                    .build()
                    .unwrap(),
            )
            .artifacts(
                cb::ProjectArtifacts::builder()
                    .r#type(cb::ArtifactsType::NoArtifacts)
                    .build()
                    .unwrap(),
            )
            .environment(
                cb::ProjectEnvironment::builder()
                    .r#type(cb::EnvironmentType::LinuxContainer)
                    .compute_type(cb::ComputeType::BuildGeneral1Small)
                    .image(format!(
                        "{account}.dkr.ecr.{REGION}.amazonaws.com/{repo}:1.0"
                    ))
                    .build()
                    .unwrap(),
            )
            .service_role(format!("arn:aws:iam::{account}:role/codebuild"))
            .send()
            .await
            .unwrap();
    }
    let read = Effect::ReadDeployers {
        request: 1,
        reads: vec![(0, vec![project.clone()]), (1, vec![project.clone()])],
        repository: Some(repo.clone()),
    };
    let answer = shipdeck::runtime::routing::run_routed(&clouds, read, None).await;
    let Some(Action::Reply(Reply::DeployersLoaded { reads, .. })) = answer else {
        panic!("no deployer answer");
    };
    let image = |i: usize| reads[i].projects[0].1.clone();
    assert_eq!(
        image(0),
        Ok(format!(
            "{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:1.0"
        ))
    );
    assert_eq!(
        image(1),
        Ok(format!("{OTHER}.dkr.ecr.{REGION}.amazonaws.com/{repo}:1.0"))
    );
    assert!(reads[0].repositories[0].1.is_err(), "not in dev's account");
    assert_eq!(reads[1].repositories[0].1, Ok(Vec::new()), "prd's, empty");
}
