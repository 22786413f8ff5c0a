//! The ops layer over the AWS adapters against the local emulator (moto), where it implements
//! the operations: uploading and promoting a release package, and an invalidation followed
//! within the bounded wait (on a test clock: nothing sleeps; moto never completes one).

use crate::support::{COPY, emulator};

use async_trait::async_trait;
use emulator::{connect, unique};
use shipdeck::cloud::Clock;
use shipdeck::cloud::sim::SUMMARY_KEY;
use shipdeck::domain::{EnvSpec, Millis, Release, Timestamp, Version};
use shipdeck::ops::apply::upload;
use shipdeck::ops::plan::PipelineData;
use shipdeck::ops::plan::invalidate;
use shipdeck::ops::plan::release::{self, LocalPackage};
use shipdeck::ops::{self, Context, ExitClass, Guard, SelfApproval};
use std::sync::atomic::{AtomicI64, Ordering};

/// A clock that moves only when paused.
struct TestPace(AtomicI64);

#[async_trait]
impl Clock for TestPace {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
    async fn pause(&self, ms: Millis) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

fn spec(bucket: &str, distribution_id: &str) -> EnvSpec {
    let mut spec = shipdeck::cloud::sim::demo_specs().remove(0);
    spec.source_bucket = bucket.to_string();
    spec.distribution_id = distribution_id.to_string();
    spec
}

fn ctx(spec: &EnvSpec) -> Context<'_> {
    Context {
        spec,
        identity: Some("arn:aws:sts::123456789012:assumed-role/Developer/erin"),
        now: Timestamp(1_795_597_200_000),
        read_only: false,
        self_approval: SelfApproval::Default,
        aws_identity: None,
    }
}

fn no_pipeline() -> PipelineData<'static> {
    PipelineData::new(None, None, &[])
}

#[tokio::test]
async fn a_package_is_uploaded_once_then_promoted_with_its_metadata() {
    let (aws, c, _) = connect().await;
    let cloud = aws.cloud();
    let bucket = unique("storefront-deployer-source");
    c.s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let on = aws_sdk_s3::types::VersioningConfiguration::builder()
        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
        .build();
    c.s3.put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(on)
        .send()
        .await
        .unwrap();
    let spec = spec(&bucket, "E2DEVSTOREFRNT");
    let path = std::env::temp_dir().join(format!("shipdeck-ops-emu-{}.zip", std::process::id()));
    std::fs::write(&path, b"PK\x03\x04 release 1.44.0").unwrap();
    let path = path.display().to_string();
    let (bytes, sha256) = upload::read_package(&path).unwrap();
    let local = LocalPackage {
        path: path.clone(),
        size: bytes.len() as u64,
        sha256,
        release: Release {
            version: Version::new(1, 44, 0),
            commit: "3f2a9c1d88".into(),
            actor: "erin".into(),
        },
    };
    let packages = shipdeck::ops::apply::catalogue::catalogue(&cloud, &spec)
        .await
        .unwrap();
    assert!(packages.is_empty());
    let plan = release::plan_upload(&ctx(&spec), no_pipeline(), &packages, &local).unwrap();
    let outcome = upload::apply(
        &cloud,
        &plan.request,
        &mut |_, _| {},
        &upload::Cancel::never(),
    )
    .await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);

    let packages = shipdeck::ops::apply::catalogue::catalogue(&cloud, &spec)
        .await
        .unwrap();
    assert_eq!(packages.len(), 1);
    assert_eq!(
        packages[0].release, local.release,
        "version, commit and actor from metadata"
    );
    let again = release::plan_upload(&ctx(&spec), no_pipeline(), &packages, &local).unwrap_err();
    assert_eq!(again.guard, Guard::VersionExists);
    let stale = upload::apply(
        &cloud,
        &plan.request,
        &mut |_, _| {},
        &upload::Cancel::never(),
    )
    .await;
    assert_eq!(stale.guard, Some(Guard::VersionExists), "{}", stale.message);

    let source = cloud
        .storage
        .head_object(&bucket, &spec.source_key)
        .await
        .unwrap();
    assert_eq!(
        source.metadata.get(SUMMARY_KEY).map(String::as_str),
        Some("Release 1.44.0 (commit 3f2a9c1d88) by erin")
    );
    let plan = release::plan_promote(
        &ctx(&spec),
        no_pipeline(),
        &packages,
        "1.44.0",
        COPY,
        "tok-release",
    )
    .unwrap();
    let outcome = ops::apply(&cloud, &plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert!(outcome.reference.is_some(), "the new object's version");
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn an_invalidation_is_created_and_followed_within_the_bounded_wait() {
    let (aws, c, _) = connect().await;
    let cloud = aws.cloud();
    let logs = unique("storefront-cloudfront-logs");
    c.s3.create_bucket().bucket(&logs).send().await.unwrap();
    let id = emulator::create_distribution(&c, &logs, "cloudfront/dev/", "dev.example.com").await;
    let spec = spec("unused", &id);
    let paths = vec!["/index.html".to_string(), "/assets/*".to_string()];
    let plan = invalidate::plan(&ctx(&spec), &paths, &unique("ref")).unwrap();
    let outcome = ops::apply(&cloud, &plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    let pace = TestPace(AtomicI64::new(0));
    let v = ops::verify(&cloud, &pace, &plan, &outcome).await;
    // moto keeps every invalidation InProgress: the watch gives up at its limit and says so.
    assert!(!v.ok, "{}", v.message);
    let id = outcome.reference.unwrap();
    assert_eq!(
        v.message,
        format!("not observed within 20m 00s: invalidation {id} is InProgress")
    );
    assert_eq!(
        pace.now(),
        Timestamp(20 * Timestamp::MINUTE),
        "bounded by the test clock"
    );
}
