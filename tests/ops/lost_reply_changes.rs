//! Release (promote and upload), rollback, freeze/unfreeze and invalidate when the reply of the
//! mutating call is lost: the change is made exactly once, and a copy that starts the pipeline
//! is never sent again unless the source key is seen unchanged.

use crate::support::ops_lost as rig;

use crate::support::COPY;
use rig::{
    World, assert_confirmed, assert_sent_again, assert_unknown, temp_file, upload_planned, world,
};
use shipdeck::cloud::Pipelines;
use shipdeck::cloud::sim::Fault;
use shipdeck::domain::ExecutionType;
use shipdeck::ops::apply::upload;
use shipdeck::ops::plan::release;
use shipdeck::ops::plan::{freeze, invalidate, rollback};
use shipdeck::ops::{ExitClass, Guard, OpKind};

const BUCKET: &str = "storefront-deployer-source";
const STG: &str = "storefront-deployer-stg";
const PRD: &str = "storefront-deployer-prd";

async fn promote_plan(w: &World, env: &str, pick: usize) -> shipdeck::ops::Plan {
    let held = w.held(env);
    let packages = shipdeck::ops::apply::catalogue::catalogue(&w.sim.cloud(), &held.spec)
        .await
        .unwrap();
    let version = packages[pick].release.version.to_string();
    held.plan(|c, d| release::plan_promote(c, d, &packages, &version, COPY, "tok-release"))
}

/// The plan of a prd rollback to the second newest success of its deploy stage.
async fn rollback_plan(w: &World) -> shipdeck::ops::Plan {
    let candidates = w
        .sim
        .list_succeeded_in_stage(PRD, "Deploy", 20)
        .await
        .unwrap();
    let target = candidates[1].id.clone();
    w.held("prd")
        .plan(|c, d| rollback::plan(c, d, "Deploy", Some(&candidates), Some(&target)))
}

fn runs(w: &World, pipeline: &str) -> usize {
    w.sim.with(|s| s.executions(pipeline).len())
}

#[tokio::test]
async fn a_promotion_whose_reply_was_lost_is_confirmed_by_head_and_starts_one_execution() {
    let w = world();
    let plan = promote_plan(&w, "stg", 2).await;
    let before = runs(&w, STG);
    w.force("CopyObject", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_confirmed(&outcome);
    assert_eq!(
        w.sent("CopyObject"),
        1,
        "a second copy would start a second run"
    );
    assert_eq!(runs(&w, STG), before + 1, "one execution");
    let head = w.head(BUCKET, "stg/release.zip").await.unwrap();
    assert_eq!(outcome.reference, head.version_id, "the new version");
}

#[tokio::test]
async fn a_promotion_that_timed_out_before_serving_is_copied_once_more() {
    let w = world();
    let plan = promote_plan(&w, "stg", 1).await;
    let before = runs(&w, STG);
    w.force("CopyObject", &[Fault::Timeout]);
    let outcome = w.apply(&plan).await;
    assert_sent_again(&outcome);
    assert_eq!(w.sent("CopyObject"), 2);
    assert_eq!(w.served("CopyObject"), 1);
    assert_eq!(runs(&w, STG), before + 1, "one execution");
}

#[tokio::test]
async fn the_source_key_is_read_before_the_copy_and_without_that_a_lost_reply_is_unknown() {
    let w = world();
    let plan = promote_plan(&w, "stg", 1).await;
    let before = runs(&w, STG);
    // The key's version before the copy is read again while throttled.
    w.force("HeadObject", &[Fault::Throttle, Fault::Throttle]);
    w.force("CopyObject", &[Fault::LostReply]);
    assert_confirmed(&w.apply(&plan).await);
    assert_eq!(runs(&w, STG), before + 1);
    // Unreadable before the copy: after a lost reply nothing can tell, so nothing is resent.
    let plan = promote_plan(&w, "stg", 2).await;
    w.force("HeadObject", &[Fault::Timeout; 3]);
    w.force("CopyObject", &[Fault::LostReply]);
    let unknown = w.apply(&plan).await;
    assert_unknown(&unknown);
    assert!(
        unknown
            .message
            .contains("before the copy could not be read"),
        "{}",
        unknown.message
    );
    assert_eq!(w.sent("CopyObject"), 2, "one per apply, never resent");
    assert_eq!(
        runs(&w, STG),
        before + 2,
        "the lost reply's copy started a run"
    );
}

async fn upload_plan(w: &World, path: &str, version: &str) -> shipdeck::ops::Plan {
    upload_planned(w, path, version)
        .await
        .0
        .unwrap_or_else(|r| panic!("refused: {}", r.reason))
}

#[tokio::test]
async fn an_upload_whose_put_reply_was_lost_goes_on_to_one_copy() {
    let w = world();
    let path = temp_file("put.zip", 100_000);
    let plan = upload_plan(&w, &path, "1.70.0").await;
    let before = runs(&w, "storefront-deployer-dev");
    w.force("PutObject", &[Fault::LostReply]);
    w.force("CopyObject", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_confirmed(&outcome);
    assert!(
        outcome.message.contains("upload's reply was lost"),
        "{}",
        outcome.message
    );
    assert_eq!((w.sent("PutObject"), w.sent("CopyObject")), (1, 1));
    assert_eq!(runs(&w, "storefront-deployer-dev"), before + 1);
    let key = "releases/1.70.0/release.zip";
    let head = w.head(BUCKET, key).await.unwrap();
    assert_eq!(
        head.metadata.get("sha256"),
        Some(&upload::read_package(&path).unwrap().1)
    );
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn an_upload_that_timed_out_before_serving_is_put_once_more_never_overwriting() {
    let w = world();
    let path = temp_file("retry.zip", 100_000);
    let plan = upload_plan(&w, &path, "1.71.0").await;
    w.force("PutObject", &[Fault::Timeout]);
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert!(
        outcome.message.contains("PutObject sent again"),
        "{}",
        outcome.message
    );
    assert_eq!((w.sent("PutObject"), w.served("PutObject")), (2, 1));
    // Another package at the key: a lost reply never claims it.
    let other = temp_file("other.zip", 50_000);
    let plan = upload_plan(&w, &other, "1.72.0").await;
    let shipdeck::ops::Request::Upload { key, .. } = &plan.request else {
        unreachable!()
    };
    let squatter = shipdeck::cloud::PutRequest {
        bucket: BUCKET.into(),
        key: key.clone(),
        body: b"PK someone else".to_vec(),
        ..Default::default()
    };
    w.sim.cloud().storage.put_object(&squatter).await.unwrap();
    w.force("PutObject", &[Fault::Timeout]);
    let refused = w.apply(&plan).await;
    assert_eq!(
        refused.guard,
        Some(Guard::VersionExists),
        "{}",
        refused.message
    );
    assert_eq!(w.sent("CopyObject"), 1, "nothing promoted");
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(&other).unwrap();
}

#[tokio::test]
async fn a_large_upload_whose_completion_reply_was_lost_is_confirmed() {
    let w = world();
    let path = temp_file("parts.zip", upload::PART_BYTES + 10_000);
    let plan = upload_plan(&w, &path, "1.73.0").await;
    w.force("CompleteMultipartUpload", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert!(
        outcome.message.contains("upload's reply was lost"),
        "{}",
        outcome.message
    );
    assert_eq!(w.sent("CompleteMultipartUpload"), 1);
    assert_eq!(w.sent("CopyObject"), 1);
    assert_eq!(w.sim.with(|s| s.open_uploads()), 0);
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_rollback_whose_reply_was_lost_is_found_among_the_executions() {
    let w = world();
    let plan = rollback_plan(&w).await;
    let before = runs(&w, PRD);
    w.force("RollbackStage", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_confirmed(&outcome);
    assert_eq!(w.sent("RollbackStage"), 1);
    let execs = w.sim.with(|s| s.executions(PRD));
    assert_eq!(execs.len(), before + 1, "one rollback");
    assert_eq!(execs[0].execution_type, ExecutionType::Rollback);
    assert_eq!(outcome.execution_id.as_ref(), Some(&execs[0].id));
}

#[tokio::test]
async fn a_rollback_that_timed_out_before_serving_is_unknown_not_resent() {
    let w = world();
    let plan = rollback_plan(&w).await;
    let before = runs(&w, PRD);
    w.force("RollbackStage", &[Fault::ServerError]);
    let outcome = w.apply(&plan).await;
    assert_unknown(&outcome);
    assert!(
        outcome.message.contains("no running rollback"),
        "{}",
        outcome.message
    );
    assert_eq!(w.sent("RollbackStage"), 1);
    assert_eq!(runs(&w, PRD), before);
}

#[tokio::test]
async fn freeze_and_unfreeze_whose_replies_were_lost_are_confirmed_by_the_state() {
    let w = world();
    let plan = w
        .held("prd")
        .plan(|c, d| freeze::plan(c, d, OpKind::Freeze, None, "Friday freeze"));
    w.force("DisableStageTransition", &[Fault::LostReply]);
    assert_confirmed(&w.apply(&plan).await);
    assert_eq!(freeze::frozen_lines(w.held("prd").state.as_ref()).len(), 1);
    let plan = w
        .held("prd")
        .plan(|c, d| freeze::plan(c, d, OpKind::Unfreeze, None, ""));
    w.force("EnableStageTransition", &[Fault::Timeout]);
    let missed = w.apply(&plan).await;
    assert_unknown(&missed);
    assert!(missed.message.contains("disabled"), "{}", missed.message);
    w.force("EnableStageTransition", &[Fault::LostReply]);
    assert_confirmed(&w.apply(&plan).await);
    assert!(freeze::frozen_lines(w.held("prd").state.as_ref()).is_empty());
    assert_eq!(
        w.sent("DisableStageTransition") + w.sent("EnableStageTransition"),
        3,
        "one call per apply"
    );
}

#[tokio::test]
async fn an_invalidation_whose_reply_was_lost_is_the_same_one_on_the_retry() {
    let w = world();
    let paths = vec!["/index.html".to_string(), "/assets/*".to_string()];
    let plan = w
        .held("prd")
        .plan(|c, _| invalidate::plan(c, &paths, "lost-ref-1"));
    w.force("CreateInvalidation", &[Fault::LostReply]);
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(
        w.sent("CreateInvalidation"),
        2,
        "retried with the same reference"
    );
    let made = w.sim.with(|s| s.invalidations("E2PRDSTOREFRNT"));
    assert_eq!(made.len(), 1, "one invalidation");
    assert_eq!(outcome.reference.as_ref(), Some(&made[0].id));
}
