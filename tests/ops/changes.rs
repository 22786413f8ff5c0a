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
    let outcome = upload::apply(
        &w.counting.cloud(),
        &plan.request,
        &mut |s, t| seen.push((s, t)),
        &upload::Cancel::never(),
    )
    .await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(seen.last(), Some(&(size, size)), "progress reaches the end");
    assert_eq!((w.sent("PutObject"), w.sent("CopyObject")), (1, 1));
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    // The same version again: refused at plan time, and by the conditional write for a stale plan.
    let (again, _) = upload_planned(&w, &path, "1.60.0-dev.1").await;
    assert_eq!(again.unwrap_err().guard, Guard::VersionExists);
    let stale = upload::apply(
        &w.counting.cloud(),
        &plan.request,
        &mut |_, _| {},
        &upload::Cancel::never(),
    )
    .await;
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
    let outcome = upload::apply(
        &w.counting.cloud(),
        &plan.request,
        &mut |s, t| seen.push((s, t)),
        &upload::Cancel::never(),
    )
    .await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.sent("CreateMultipartUpload"), 1);
    assert_eq!(w.sent("UploadPart"), 2);
    assert_eq!(w.sent("CompleteMultipartUpload"), 1);
    assert_eq!(w.sent("PutObject"), 0);
    assert_eq!(
        seen,
        vec![(0, size), (upload::PART_BYTES as u64, size), (size, size)]
    );
    std::fs::remove_file(&path).unwrap();
}

/// A cancel after the first part aborts the multipart upload: no part is sent after it, the
/// upload is not completed, nothing is copied to the source key, and the audit line says
/// `declined`.
#[tokio::test]
async fn a_cancelled_multipart_upload_is_aborted_and_nothing_is_released() {
    let w = world();
    let path = temp_file("cancelled.zip", 2 * upload::PART_BYTES + 1_000);
    let (plan, size) = upload_planned(&w, &path, "1.62.0").await;
    let plan = plan.unwrap();
    let (handle, cancel) = upload::Cancel::new();
    let mut seen = Vec::new();
    let outcome = upload::apply(
        &w.counting.cloud(),
        &plan.request,
        &mut |s, t| {
            seen.push((s, t));
            if s > 0 {
                handle.cancel();
            }
        },
        &cancel,
    )
    .await;
    assert_eq!(outcome.class, ExitClass::Refused, "{}", outcome.message);
    assert_eq!(outcome.delivery, shipdeck::ops::Delivery::Cancelled);
    assert!(
        outcome
            .message
            .starts_with("cancelled: nothing was released (multipart upload aborted after"),
        "{}",
        outcome.message
    );
    assert_eq!(seen, vec![(0, size), (upload::PART_BYTES as u64, size)]);
    assert_eq!(w.sent("UploadPart"), 1, "no part after the cancel");
    assert_eq!(w.sent("AbortMultipartUpload"), 1);
    assert_eq!(w.sent("CompleteMultipartUpload"), 0);
    assert_eq!(w.sent("CopyObject"), 0, "nothing released");
    assert_eq!(w.sim.with(|s| s.open_uploads()), 0, "no parts left behind");
    let shipdeck::ops::Request::Upload { bucket, key, .. } = &plan.request else {
        panic!("an upload");
    };
    assert!(w.head(bucket, key).await.is_none(), "no package written");
    let entry =
        shipdeck::ops::plan::audit::Entry::applied(&plan, None, crate::support::T0, &outcome);
    assert_eq!(entry.outcome, "declined");
    std::fs::remove_file(&path).unwrap();
}

/// A cancel before the `PutObject` of a small package sends nothing at all.
#[tokio::test]
async fn a_small_upload_cancelled_before_it_is_sent_sends_nothing() {
    let w = world();
    let path = temp_file("cancelled-small.zip", 10_000);
    let (plan, _) = upload_planned(&w, &path, "1.63.0").await;
    let plan = plan.unwrap();
    let (handle, cancel) = upload::Cancel::new();
    handle.cancel();
    let outcome = upload::apply(&w.counting.cloud(), &plan.request, &mut |_, _| {}, &cancel).await;
    assert_eq!(outcome.delivery, shipdeck::ops::Delivery::Cancelled);
    assert_eq!(
        outcome.message,
        "cancelled: nothing was released (nothing was sent)"
    );
    assert_eq!((w.sent("PutObject"), w.sent("CopyObject")), (0, 0));
    std::fs::remove_file(&path).unwrap();
}

mod stage_changes;
