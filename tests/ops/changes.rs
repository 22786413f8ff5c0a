//! Release, rollback, freeze/unfreeze and invalidate end to end against the simulator, with the
//! counting layer proving what each confirmation sends.

use crate::support::ops_lost as rig;

use crate::support::COPY;
use rig::{temp_file, upload_planned, world};
use shipdeck::cloud::Pipelines;
use shipdeck::ops::apply::upload;
use shipdeck::ops::plan::release;
use shipdeck::ops::plan::{freeze, invalidate, rollback};
use shipdeck::ops::{ExitClass, Guard, OpKind};

#[tokio::test]
async fn promoting_a_release_starts_the_pipeline_on_it() {
    let w = world();
    let stg = w.held("stg");
    let packages = shipdeck::ops::apply::catalogue::catalogue(&w.sim.cloud(), &stg.spec)
        .await
        .unwrap();
    assert!(packages.len() >= 3, "the demo has published releases");
    assert!(
        packages
            .windows(2)
            .all(|p| p[0].release.version > p[1].release.version),
        "newest first"
    );
    let older = packages[2].release.clone();
    assert!(
        !older.actor.is_empty() && !older.commit.is_empty(),
        "metadata read"
    );
    let plan = stg
        .planned(|c, d| {
            release::plan_promote(
                c,
                d,
                &packages,
                &older.version.to_string(),
                COPY,
                "tok-release",
            )
        })
        .unwrap();
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.sent("CopyObject"), 1);
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    let newest = w.held("stg").executions[0].clone();
    assert_eq!(newest.release().map(|r| r.version), Some(older.version));
    let missing = stg
        .planned(|c, d| release::plan_promote(c, d, &packages, "9.9.9", COPY, "tok-release"))
        .unwrap_err();
    assert_eq!(missing.guard, Guard::Input);
    assert!(
        missing.reason.contains("no package of version 9.9.9"),
        "{}",
        missing.reason
    );
}

#[tokio::test]
async fn an_uploaded_package_ships_once_and_is_never_overwritten() {
    let w = world();
    let path = temp_file("small.zip", 200_000);
    let (plan, size) = upload_planned(&w, &path, "1.60.0-dev.1").await;
    let plan = plan.unwrap();
    let mut seen = Vec::new();
    let outcome = upload::apply(&w.counting.cloud(), &plan.request, &mut |s, t| {
        seen.push((s, t))
    })
    .await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(seen.last(), Some(&(size, size)), "progress reaches the end");
    assert_eq!((w.sent("PutObject"), w.sent("CopyObject")), (1, 1));
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    // The same version again: refused at plan time, and by the conditional write for a stale plan.
    let (again, _) = upload_planned(&w, &path, "1.60.0-dev.1").await;
    assert_eq!(again.unwrap_err().guard, Guard::VersionExists);
    let stale = upload::apply(&w.counting.cloud(), &plan.request, &mut |_, _| {}).await;
    assert_eq!(stale.guard, Some(Guard::VersionExists), "{}", stale.message);
    assert_eq!(
        w.sent("CopyObject"),
        1,
        "nothing promoted after the refused write"
    );
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_large_package_goes_up_in_parts() {
    let w = world();
    let path = temp_file("large.zip", upload::PART_BYTES + 1_000_000);
    let (plan, size) = upload_planned(&w, &path, "1.61.0").await;
    let plan = plan.unwrap();
    let mut seen = Vec::new();
    let outcome = upload::apply(&w.counting.cloud(), &plan.request, &mut |s, t| {
        seen.push((s, t))
    })
    .await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.sent("CreateMultipartUpload"), 1);
    assert_eq!(w.sent("UploadPart"), 2);
    assert_eq!(w.sent("CompleteMultipartUpload"), 1);
    assert_eq!(w.sent("PutObject"), 0);
    assert_eq!(seen, vec![(upload::PART_BYTES as u64, size), (size, size)]);
    std::fs::remove_file(&path).unwrap();
}

mod stage_changes;
