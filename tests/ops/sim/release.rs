//! Releases on a V2 pipeline start on an exact source version: a release the source key already
//! holds is started on that version (no copy, no execution started by the S3 trigger), and what
//! the approved execution ships is that version even when a newer package lands meanwhile.

use super::*;
use shipdeck::ops::apply::catalogue::{catalogue, source_versions};
use shipdeck::ops::plan::release;

const COLLEAGUE: &str = "arn:aws:sts::123456789012:assumed-role/Operator/erin";

/// Copies the catalogue's package of `version` onto prd's source key, as a release does.
async fn promote(w: &World, version: &shipdeck::domain::Version) {
    let spec = w.held("prd").spec;
    let packages = catalogue(&w.sim.cloud(), &spec).await.unwrap();
    let p = packages
        .iter()
        .find(|p| p.release.version == *version)
        .unwrap();
    w.sim
        .cloud()
        .storage
        .copy_object(
            &spec.source_bucket,
            &p.key,
            &spec.source_bucket,
            &spec.source_key,
        )
        .await
        .unwrap();
}

/// Rejects whatever waits for approval in prd until nothing runs there.
async fn quiet(w: &World) {
    for _ in 0..2_000 {
        let held = w.held("prd");
        if !held.executions.iter().any(|e| e.status.is_active()) {
            return;
        }
        if let Ok(plan) = held.plan(OPERATOR, |c, d| {
            approve::plan(c, d, ApprovalOutcome::Rejected, Some("not this one"))
        }) {
            w.apply(&plan).await;
        }
        w.sim.with(|s| s.advance(5 * Timestamp::MINUTE));
    }
    panic!("prd stays busy");
}

#[tokio::test]
async fn a_v2_release_starts_on_the_version_it_picked_even_when_a_newer_one_lands() {
    let w = world();
    let cloud = w.sim.cloud();
    let spec = w.held("prd").spec;
    let packages = catalogue(&cloud, &spec).await.unwrap();
    assert!(packages.len() >= 3, "{packages:?}");
    let (picked, other, newest) = (
        packages[2].release.clone(),
        packages[1].release.clone(),
        packages[0].release.clone(),
    );
    // prd's source key held the picked release once, then another one.
    quiet(&w).await;
    promote(&w, &picked.version).await;
    quiet(&w).await;
    promote(&w, &other.version).await;
    quiet(&w).await;
    let versions = source_versions(&cloud, &spec).await;
    let held = versions
        .as_ref()
        .unwrap()
        .iter()
        .find(|v| v.release.as_ref().map(|r| &r.version) == Some(&picked.version))
        .cloned()
        .expect("the source key holds the picked release");
    let vid = held.version_id.clone().unwrap();
    let before = w.count("CopyObject");
    let plan = w
        .held("prd")
        .plan(OPERATOR, |c, d| {
            release::plan_promote(
                c,
                d,
                &packages,
                &picked.version.to_string(),
                Some(&versions),
                "tok-exact-release",
            )
        })
        .unwrap();
    assert_eq!(plan.call.operation, "StartPipelineExecution");
    assert!(
        plan.summary.iter().any(|l| l.contains(&vid)),
        "{:?}",
        plan.summary
    );
    let starts = w.count("StartPipelineExecution");
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    let id = outcome.execution_id.clone().expect("the execution started");
    assert_eq!(w.count("StartPipelineExecution"), starts + 1);
    assert_eq!(w.count("CopyObject"), before, "nothing copied");
    let find = |id: &str| {
        w.held("prd")
            .executions
            .into_iter()
            .find(|e| e.id == id)
            .unwrap()
    };
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    for _ in 0..60 {
        if w.sim
            .with(|s| s.pending_approvals())
            .iter()
            .any(|a| a.execution_id == id)
        {
            break;
        }
        w.sim.with(|s| s.advance(Timestamp::MINUTE));
    }
    // A newer package lands on the source key while ours waits for approval: its own
    // execution, on its own version.
    promote(&w, &newest.version).await;
    let ours = find(&id);
    assert_eq!(ours.source_revisions[0].revision_id, vid);
    assert_eq!(
        ours.release().map(|r| r.version.clone()),
        Some(picked.version.clone())
    );
    let newer = w.held("prd").executions[0].clone();
    assert_ne!(newer.id, id);
    assert_ne!(newer.source_revisions[0].revision_id, vid);
    // Approving ours ships exactly the picked version.
    let mut approved = false;
    for _ in 0..1_000 {
        let waiting = w.sim.with(|s| s.pending_approvals());
        if !approved && waiting.iter().any(|a| a.execution_id == id) {
            // A colleague answers (whoever started it may not).
            let plan = w
                .held("prd")
                .plan(COLLEAGUE, |c, d| {
                    approve::plan(c, d, ApprovalOutcome::Approved, Some("exact version"))
                })
                .unwrap();
            let ops::Request::Answer { execution_id, .. } = &plan.request else {
                panic!("{:?}", plan.request)
            };
            assert_eq!(execution_id, &id, "the approval is ours");
            assert_eq!(w.apply(&plan).await.class, ExitClass::Done);
            approved = true;
        }
        if !find(&id).status.is_active() {
            break;
        }
        w.sim.with(|s| s.advance(5 * Timestamp::MINUTE));
    }
    assert!(approved, "our execution waited for approval");
    let done = find(&id);
    assert_eq!(done.status, ExecutionStatus::Succeeded, "{done:?}");
    assert_eq!(done.source_revisions[0].revision_id, vid);
    let deployed = w.sim.with(|s| {
        s.action_executions(&spec.pipeline, &id)
            .into_iter()
            .any(|r| r.stage == "Deploy" && r.status == shipdeck::domain::ActionStatus::Succeeded)
    });
    assert!(deployed, "the Deploy stage ran the picked version");
}
