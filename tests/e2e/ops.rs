//! The console's actions end to end against the simulator: keys → dialog → exactly one
//! mutating call through the counting layer → the simulated pipeline moves on → the audit line.

use crate::support;

use shipdeck::app::{Action, View};
use shipdeck::cloud::{ApprovalAnswer, ApprovalOutcome, Pipelines, StartRequest};
use shipdeck::domain::Timestamp;
use shipdeck::ops::apply::audit_log as audit;
use shipdeck::ops::{ExitClass, OpKind};
use support::sim::Rig;

#[tokio::test]
async fn approving_prd_in_the_console_sends_one_call_and_the_pipeline_moves_on() {
    let mut rig = Rig::for_ops("approve").await;
    let id = rig.approve_prd_ready();
    // Double Enter, key repeat: three Enters before the answer, two after.
    rig.keys(&[Action::Submit, Action::Submit, Action::Submit]);
    rig.app.settle().await;
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert_eq!(
        rig.count("PutApprovalResult"),
        1,
        "exactly one PutApprovalResult"
    );
    assert_eq!(rig.mutating(), 1);
    let waiting = rig.sim.with(|s| s.pending_approvals());
    assert!(
        waiting.iter().all(|a| a.execution_id != id),
        "e {id} no longer waits"
    );
    rig.run(2 * Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    assert!(
        rig.status().contains("moved on to Deploy"),
        "{}",
        rig.status()
    );
    assert!(rig.app.state.ops.watch.is_none(), "the watch ended");
    let lines = rig.audit_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let e = &lines[0];
    assert_eq!(
        (
            e.action.as_str(),
            e.outcome.as_str(),
            e.environment.as_str()
        ),
        ("approve", "done", "prd")
    );
    assert!(
        e.identity
            .as_deref()
            .is_some_and(|i| i.ends_with("demo-operator"))
    );
    assert!(
        !e.parameters.to_string().contains("token\":\"")
            || e.parameters["token"]
                .as_str()
                .is_some_and(|t| t.ends_with('…'))
    );
    assert_eq!(rig.mutating(), 1, "watching sends nothing");
}

#[tokio::test]
async fn a_changed_token_sends_nothing_and_says_why() {
    let mut rig = Rig::for_ops("changed").await;
    let id = rig.approve_prd_ready();
    let pipeline = rig.app.state.envs[2].spec.pipeline.clone();
    rig.sim
        .stop_execution(&pipeline, &id, true, "superseded by a hotfix")
        .await
        .unwrap();
    rig.sim
        .start_execution(&pipeline, &StartRequest::default())
        .await
        .unwrap();
    rig.sim.with(|s| s.advance(30 * Timestamp::MINUTE));
    rig.counting.reset();
    rig.keys(&[Action::Submit, Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.mutating(), 0, "nothing sent");
    let outcome = rig.done_outcome().expect("the answer shows in the dialog");
    assert_eq!(outcome.class, ExitClass::Refused);
    assert!(outcome.message.contains(&id), "{}", outcome.message);
    assert!(rig.status().contains("nothing sent"), "{}", rig.status());
    assert!(rig.count("GetPipelineState") >= 1, "re-read and refreshed");
    let lines = rig.audit_lines();
    assert_eq!(lines[0].guard.as_deref(), Some("changed-token"));
}

#[tokio::test]
async fn an_approval_answered_elsewhere_is_reported_and_refreshed() {
    let mut rig = Rig::for_ops("answered").await;
    rig.approve_prd_ready();
    let plan = rig
        .app
        .state
        .ops
        .dialog
        .as_ref()
        .unwrap()
        .planned
        .clone()
        .unwrap();
    let shipdeck::ops::Request::Answer {
        pipeline,
        stage,
        action,
        token,
        ..
    } = plan.request
    else {
        panic!()
    };
    let answer = ApprovalAnswer {
        pipeline,
        stage,
        action,
        token,
        outcome: ApprovalOutcome::Approved,
        summary: "answered by a colleague".into(),
    };
    rig.sim.put_approval_result(&answer).await.unwrap();
    rig.counting.reset();
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.mutating(), 0);
    let outcome = rig.done_outcome().unwrap();
    assert!(
        outcome.message.contains("already answered"),
        "{}",
        outcome.message
    );
    assert_eq!(
        rig.audit_lines()[0].guard.as_deref(),
        Some("already-answered")
    );
    let answered_at = rig.sim.with(|s| s.now());
    rig.run(10 * Timestamp::SECOND, 2 * Timestamp::SECOND).await;
    let refreshed = rig.app.state.envs[2].refreshed_at;
    assert!(
        refreshed.is_some_and(|t| t >= answered_at),
        "prd was refreshed after the answer"
    );
    assert_eq!(rig.mutating(), 0, "refreshing sends nothing");
}

#[tokio::test]
async fn deploying_dev_starts_one_execution_whatever_the_keys() {
    let mut rig = Rig::for_ops("deploy").await;
    let before = rig
        .sim
        .with(|s| s.executions("storefront-deployer-dev").len());
    rig.select("dev");
    rig.app.dispatch(Action::Op(OpKind::Deploy));
    for _ in 0..5 {
        rig.keys(&[Action::Submit]);
        rig.app.tick(rig.sim.with(|s| s.now())).await;
    }
    assert_eq!(rig.count("StartPipelineExecution"), 1);
    let after = rig
        .sim
        .with(|s| s.executions("storefront-deployer-dev").len());
    assert_eq!(after, before + 1, "one new execution");
    rig.run(3 * Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    assert!(rig.status().contains("deploy dev"), "{}", rig.status());
    let lines = rig.audit_lines();
    assert_eq!((lines.len(), lines[0].outcome.as_str()), (1, "done"));
}

#[tokio::test]
async fn esc_and_refusals_write_their_audit_lines_too() {
    let mut rig = Rig::for_ops("declined").await;
    rig.select("dev");
    rig.app.dispatch(Action::Op(OpKind::Deploy));
    rig.app.dispatch(Action::Back);
    rig.app.dispatch(Action::Op(OpKind::Approve)); // dev has no approval stage
    rig.app.settle().await;
    rig.app.dispatch(Action::Show(View::Audit));
    rig.app.settle().await;
    let outcomes: Vec<String> = rig
        .audit_lines()
        .iter()
        .map(|e| e.outcome.clone())
        .collect();
    assert_eq!(outcomes, vec!["declined", "nothing-to-do"]);
    let shown: Vec<String> = rig
        .app
        .state
        .ops
        .audit
        .entries
        .iter()
        .map(|l| l.0.outcome.clone())
        .collect();
    assert_eq!(
        shown,
        vec!["nothing-to-do", "declined"],
        "the view lists newest first"
    );
    assert_eq!(rig.mutating(), 0);
}

#[tokio::test]
async fn releasing_a_package_to_dev_starts_the_pipeline_on_it_with_one_call() {
    let mut rig = Rig::for_ops("release").await;
    let ids = |rig: &Rig| -> Vec<String> {
        let list = rig.sim.with(|s| s.executions("storefront-deployer-dev"));
        list.into_iter().map(|e| e.id).collect()
    };
    let before = ids(&rig);
    rig.select("dev");
    rig.app.dispatch(Action::Op(OpKind::Release));
    rig.app.settle().await;
    let deployed = shipdeck::app::deployed_version(&rig.app.state, 0);
    let picker = rig.app.state.ops.picker.clone().expect("the picker");
    let catalogue = picker.packages.expect("read").expect("listed");
    let packages = catalogue.newest();
    let versions: Vec<_> = packages.iter().map(|p| p.release.version.clone()).collect();
    let mut sorted = versions.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(versions, sorted, "newest first");
    let row = packages
        .iter()
        .position(|p| Some(&p.release.version) != deployed.as_ref())
        .expect("a package not deployed in dev");
    let chosen = packages[row].release.version.clone();
    for _ in 0..row {
        rig.keys(&[Action::Down]);
    }
    rig.keys(&[Action::Open]);
    // The Enter that chose, repeated, lands on the package line and sends nothing.
    rig.keys(&[Action::Submit, Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.count("CopyObject"), 0, "nothing before Tab");
    rig.keys(&[Action::DialogNext]);
    // Key repeat: Enter three times before the answer, twice after.
    rig.keys(&[Action::Submit, Action::Submit, Action::Submit]);
    rig.app.settle().await;
    rig.keys(&[Action::Submit, Action::Submit]);
    rig.app.settle().await;
    // dev's pipeline is V2: a package its source key already holds is started on that version,
    // any other is copied.
    let (copies, starts) = (rig.count("CopyObject"), rig.count("StartPipelineExecution"));
    assert_eq!(
        copies + starts,
        1,
        "exactly one call: {copies} copies, {starts} starts"
    );
    // The watch ends once the new execution has passed Source (a few simulated minutes).
    rig.run(5 * Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    let started = rig.sim.with(|s| s.executions("storefront-deployer-dev"));
    let new: Vec<_> = started.iter().filter(|e| !before.contains(&e.id)).collect();
    assert_eq!(new.len(), 1, "one new execution: {new:?}");
    assert_eq!(new[0].release().map(|r| r.version), Some(chosen.clone()));
    assert!(rig.status().contains(&new[0].id), "{}", rig.status());
    assert!(rig.status().contains("release dev"), "{}", rig.status());
    assert!(rig.app.state.ops.watch.is_none(), "the watch ended");
    let lines = rig.audit_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let e = &lines[0];
    assert_eq!(
        (
            e.action.as_str(),
            e.outcome.as_str(),
            e.environment.as_str()
        ),
        ("release", "done", "dev")
    );
    // The copy's parameters name the package; a start's audit note names the release.
    let named = e.parameters.to_string().contains(&chosen.to_string())
        || e.note
            .as_deref()
            .is_some_and(|n| n.contains(&chosen.to_string()));
    assert!(named, "{e:?}");
    assert_eq!(
        rig.count("CopyObject") + rig.count("StartPipelineExecution"),
        1,
        "watching sends nothing"
    );
}

#[tokio::test]
async fn the_rollback_dialog_offers_the_stage_listing() {
    let mut rig = Rig::for_ops("rollback").await;
    rig.select("dev");
    rig.app.dispatch(Action::Op(OpKind::Rollback));
    rig.app.settle().await;
    assert_eq!(rig.count("ListPipelineExecutions"), 1);
    let listed = rig
        .sim
        .list_succeeded_in_stage("storefront-deployer-dev", "Deploy", 20)
        .await
        .unwrap();
    let d = rig.app.state.ops.dialog.clone().expect("the dialog");
    assert_eq!(d.candidates, Some(Ok(listed.clone())));
    let (older, from_listing) = shipdeck::app::older_candidates(&rig.app.state, &d);
    assert!(from_listing);
    assert_eq!(older, listed.iter().skip(1).cloned().collect::<Vec<_>>());
    assert_eq!(
        d.text,
        older.first().map(|e| e.id.clone()).unwrap_or_default(),
        "the newest earlier execution is chosen"
    );
    assert_eq!(rig.mutating() + rig.count("RollbackStage"), 0);
}

#[tokio::test]
async fn an_approval_that_expires_under_the_open_dialog_is_not_answered_in_its_place() {
    // The demo's prd approval expires while the operator has its dialog open, comment and name
    // typed; the next release reaches the approval. Enter must not approve that one unseen.
    let mut rig = Rig::for_ops("retarget").await;
    let seen = rig.approve_prd_ready();
    let mut waited = 0;
    while rig
        .sim
        .with(|s| s.pending_approvals())
        .iter()
        .all(|a| a.execution_id == seen)
        && waited < 30
    {
        rig.run(Timestamp::DAY, Timestamp::HOUR).await;
        waited += 1;
    }
    let next = rig.sim.with(|s| s.pending_approvals());
    let Some(next) = next.iter().find(|a| a.execution_id != seen) else {
        panic!("no other approval within 30 days")
    };
    let next = next.execution_id.clone();
    rig.run(Timestamp::MINUTE, 10 * Timestamp::SECOND).await;
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.count("PutApprovalResult"), 0, "{}", rig.status());
    let d = rig.app.state.ops.dialog.clone().expect("still open");
    assert!(d.typed.is_empty(), "the typed name was cleared");
    let pinned = d.pinned.expect("a target").key;
    assert!(pinned.contains(&next), "{pinned}");
    // Read, accepted, confirmed again: the answer goes to the approval the operator now saw.
    rig.typed("prd");
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.count("PutApprovalResult"), 1, "{}", rig.status());
    let answered = rig.sim.with(|s| s.pending_approvals());
    assert!(answered.iter().all(|a| a.execution_id != next));
}

#[tokio::test]
async fn the_console_reaches_an_old_release_and_counts_packages_named_any_way() {
    let mut rig = Rig::for_ops("release-old").await;
    // A package named the way some pipelines name theirs, and the environments view's count.
    let req = shipdeck::cloud::PutRequest {
        bucket: "storefront-deployer-source".into(),
        key: "releases/storefront-9.0.0.zip".into(),
        body: b"PK".to_vec(),
        metadata: Default::default(),
        content_type: None,
        sha256: None,
        if_none_match: true,
    };
    rig.sim.cloud().storage.put_object(&req).await.unwrap();
    rig.keys(&[Action::Show(View::Environments)]);
    rig.run(2 * Timestamp::MINUTE, 10 * Timestamp::SECOND).await;
    assert!(
        rig.app
            .state
            .releases
            .iter()
            .any(|r| r.version.to_string() == "9.0.0"),
        "releases/storefront-9.0.0.zip counts as release 9.0.0"
    );
    // The count reads key names only; the three HeadObject are the environments' source
    // objects, read every two minutes.
    assert!(rig.count("HeadObject") <= 3, "{}", rig.count("HeadObject"));

    // `:release prd VERSION` pages to a release older than the newest thirty.
    let old = rig
        .sim
        .with(|s| s.releases())
        .into_iter()
        .nth(35)
        .expect("more than 35 releases");
    let heads = rig.count("HeadObject");
    rig.select("prd");
    rig.keys(&[Action::CommandOpen]);
    rig.typed(&format!("release prd {}", old.version));
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    let d = rig
        .app
        .state
        .ops
        .dialog
        .clone()
        .unwrap_or_else(|| panic!("the dialog of {}: {}", old.version, rig.status()));
    let package = d.package.expect("the package");
    assert_eq!(
        package.release, old,
        "version, commit and actor from the metadata"
    );
    // The newest thirty and the one asked for, at most prd's source object, and (prd's
    // pipeline is V2) its source key's ten newest versions.
    let read = rig.count("HeadObject") - heads;
    assert!(read <= 42, "{read} HeadObject");
    assert_eq!(rig.mutating() + rig.count("CopyObject"), 0, "nothing sent");
}

#[tokio::test]
async fn a_deploy_pins_the_source_version_the_plan_showed() {
    let mut rig = Rig::for_ops("deploy-pin").await;
    rig.select("dev");
    rig.keys(&[Action::Op(OpKind::Deploy)]);
    rig.app.settle().await;
    let source = rig.app.state.envs[0]
        .source
        .clone()
        .expect("read when the dialog opened")
        .expect("the demo's dev source object")
        .expect("it exists");
    let version_id = source.version_id.clone().expect("a versioned bucket");
    let plan = rig
        .app
        .state
        .ops
        .dialog
        .as_ref()
        .unwrap()
        .planned
        .clone()
        .unwrap();
    let shipped = source
        .release
        .as_ref()
        .expect("its metadata names a release");
    let text = plan.summary.join("\n");
    assert!(
        text.contains(&version_id) && text.contains(&shipped.version.to_string()),
        "{text}"
    );
    assert!(
        plan.aws_command
            .contains(&format!("\"revisionValue\":\"{version_id}\"")),
        "{}",
        plan.aws_command
    );
    // A new source object written while the dialog is open is a new target: it is said, not
    // deployed unseen.
    let spec = rig.app.state.envs[0].spec.clone();
    let packages = shipdeck::ops::apply::catalogue::catalogue(&rig.sim.cloud(), &spec)
        .await
        .unwrap();
    let other = packages
        .iter()
        .find(|p| p.release.version != shipped.version)
        .unwrap();
    rig.sim
        .cloud()
        .storage
        .copy_object(
            &spec.source_bucket,
            &other.key,
            &spec.source_bucket,
            &spec.source_key,
        )
        .await
        .unwrap();
    rig.run(3 * Timestamp::MINUTE, 10 * Timestamp::SECOND).await;
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.count("StartPipelineExecution"), 0, "{}", rig.status());
    let d = rig.app.state.ops.dialog.clone().unwrap();
    assert!(d.pinned.unwrap().key != plan.target.key);
}

#[tokio::test]
async fn an_invalidation_in_the_console_is_followed_to_completed_and_the_watch_ends() {
    let mut rig = Rig::for_ops("invalidate-follow").await;
    rig.select("dev");
    rig.app.dispatch(Action::Op(OpKind::Invalidate));
    rig.typed("/index.html /assets/*");
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    let created = rig.done_outcome().expect("the answer shows in the dialog");
    assert_eq!(created.class, ExitClass::Done, "{}", created.message);
    let id = created.reference.clone().expect("the invalidation id");
    // CloudFront completes it within a few simulated minutes; the console reads it meanwhile.
    rig.run(5 * Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    let dist = rig.app.state.envs[0].spec.distribution_id.clone();
    let done = rig
        .sim
        .with(|s| s.invalidations(&dist))
        .into_iter()
        .find(|i| i.id == id);
    assert_eq!(
        done.map(|i| i.status),
        Some(shipdeck::cloud::InvalidationStatus::Completed)
    );
    assert!(rig.app.state.ops.watch.is_none(), "the watch ended");
    let says = format!("invalidation {id} is Completed");
    assert!(rig.status().contains(&says), "{}", rig.status());
    let note = rig
        .app
        .state
        .ops
        .dialog
        .as_ref()
        .and_then(|d| d.watch_note.clone());
    assert!(
        note.as_deref().is_some_and(|n| n.contains(&says)),
        "the dialog says it too: {note:?}"
    );
    assert!(rig.count("GetInvalidation") >= 1, "read while it ran");
    assert_eq!(rig.count("CreateInvalidation"), 1, "watching sends nothing");
}

/// The audit lines of the rig's file as JSON, as any reader of the file sees them.
fn raw_audit(rig: &Rig) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(&rig.audit).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn wall_now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    Timestamp(ms as i64)
}

#[tokio::test]
async fn console_demo_entries_carry_wall_time_and_the_simulated_time_they_acted_at() {
    let mut rig = Rig::for_ops("demo-clock").await;
    let before = wall_now();
    // A refusal (dev has no approval), a decline, then a sent call, each at its simulated time.
    rig.select("dev");
    let refused_at = rig.sim.with(|s| s.now());
    rig.app.dispatch(Action::Op(OpKind::Approve));
    rig.app.settle().await;
    rig.run(10 * Timestamp::MINUTE, 10 * Timestamp::SECOND)
        .await;
    let declined_at = rig.app.state.now;
    rig.app.dispatch(Action::Op(OpKind::Deploy));
    rig.app.dispatch(Action::Back);
    rig.app.settle().await;
    rig.run(10 * Timestamp::MINUTE, 10 * Timestamp::SECOND)
        .await;
    let sent_at = rig.app.state.now;
    rig.app.dispatch(Action::Op(OpKind::Deploy));
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    let after = wall_now();
    let lines = raw_audit(&rig);
    let outcomes: Vec<&str> = lines.iter().filter_map(|l| l["outcome"].as_str()).collect();
    assert_eq!(outcomes, vec!["nothing-to-do", "declined", "done"]);
    let time = |l: &serde_json::Value, key: &str| {
        l[key]
            .as_str()
            .and_then(Timestamp::parse_rfc3339)
            .unwrap_or_else(|| panic!("{key} of {l}"))
    };
    for (line, acted) in lines.iter().zip([refused_at, declined_at, sent_at]) {
        assert_eq!(line["mode"], "demo", "{line}");
        let wall = time(line, "time");
        assert!(
            wall >= before - Timestamp::SECOND && wall <= after + Timestamp::SECOND,
            "time is the wall clock: {line}"
        );
        assert_eq!(
            time(line, "simulated_time").0 / 1000,
            acted.0 / 1000,
            "the simulated time it acted at: {line}"
        );
    }
    let walls: Vec<Timestamp> = lines.iter().map(|l| time(l, "time")).collect();
    assert!(
        walls.windows(2).all(|w| w[0] <= w[1]),
        "in time order: {walls:?}"
    );
    // `audit --since 24h` keeps them: they are read by wall time.
    let since = audit::read(&rig.audit, Some(wall_now() - Timestamp::DAY)).unwrap();
    assert_eq!(since.len(), 3);
}

/// With `[github]`, `P` on prd opens the release workflow's dialog (read at main), sends one
/// dispatch, and the follow line goes from the run to the package and the prd execution.
#[tokio::test]
async fn the_release_key_on_prd_dispatches_the_release_workflow_and_follows_it() {
    let mut rig = Rig::for_ops("release-workflow").await;
    rig.sim.with(|s| s.set_github_failure_rate(0.0));
    rig.app.state.ops.release_workflow = Some("release.yml".into());
    rig.select("prd");
    rig.app.dispatch(Action::Op(OpKind::Release));
    rig.app.settle().await;
    assert!(
        rig.app.state.ops.picker.is_none(),
        "the workflow, not the picker"
    );
    let d = rig
        .app
        .state
        .ops
        .dialog
        .clone()
        .expect("the workflow's dialog");
    assert!(d.workflow.as_ref().is_some_and(|w| w.read.is_some()));
    let plan = d.planned.clone().unwrap_or_else(|r| panic!("{}", r.reason));
    assert_eq!(plan.call.operation, "CreateWorkflowDispatch");
    assert!(
        d.pinned
            .as_ref()
            .is_some_and(|t| t.text.contains("release.yml on main"))
    );
    rig.keys(&[Action::DialogNext]);
    rig.typed("prd");
    // Key repeat: Enter twice before the answer.
    rig.keys(&[Action::Submit, Action::Submit]);
    rig.app.settle().await;
    assert_eq!(
        github_calls(&rig, "DispatchWorkflow"),
        1,
        "exactly one dispatch"
    );
    rig.run(10 * Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    let note = rig
        .app
        .state
        .ops
        .dialog
        .as_ref()
        .and_then(|d| d.watch_note.clone())
        .unwrap_or_default();
    assert!(
        note.contains(" succeeded; ")
            && note.contains("s3://storefront-deployer-source/prd/release.zip"),
        "{note}"
    );
    assert_eq!(
        github_calls(&rig, "DispatchWorkflow"),
        1,
        "watching sends nothing"
    );
    let lines = rig.audit_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        (lines[0].action.as_str(), lines[0].outcome.as_str()),
        ("release", "done")
    );
    assert!(
        lines[0]
            .aws_command
            .as_deref()
            .is_some_and(|c| c.starts_with("gh workflow run release.yml")),
        "{:?}",
        lines[0]
    );
}

/// How many calls of GitHub operation `op` the simulator answered.
fn github_calls(rig: &Rig, op: &str) -> u64 {
    rig.sim.with(|s| {
        s.stats()
            .calls
            .get(&format!("github:{op}"))
            .copied()
            .unwrap_or(0)
    })
}

/// A look of the release's watch refused for GitHub's rate limit: the watch says so and waits
/// for the reset, and the hold it sets keeps the Runs view and the lag compare waiting too.
#[tokio::test]
async fn a_rate_limited_look_holds_the_watch_and_every_github_read_until_the_reset() {
    let mut rig = Rig::for_ops("release-workflow-limited").await;
    rig.sim.with(|s| s.set_github_failure_rate(0.0));
    rig.app.state.ops.release_workflow = Some("release.yml".into());
    rig.app.state.runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    rig.app.state.runs.release_workflow = "release.yml".into();
    rig.select("prd");
    rig.app.dispatch(Action::Op(OpKind::Release));
    rig.app.settle().await;
    let reset = rig.now() + 10 * Timestamp::MINUTE;
    rig.sim.with(|s| {
        s.force_github_error(
            "GetWorkflowRun",
            shipdeck::cloud::CloudError::Throttled {
                service: "GitHub".into(),
                operation: "GetWorkflowRun".into(),
                until: Some(reset),
            },
        )
    });
    rig.keys(&[Action::DialogNext]);
    rig.typed("prd");
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert_eq!(github_calls(&rig, "DispatchWorkflow"), 1);
    rig.run(Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    let note = |rig: &Rig| {
        rig.app
            .state
            .ops
            .dialog
            .as_ref()
            .and_then(|d| d.watch_note.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        note(&rig),
        format!(
            "watching… GitHub rate limit: resets at {} UTC; waiting",
            &reset.clock()[..5]
        )
    );
    assert_eq!(
        rig.app.state.runs.limited_until,
        Some(reset),
        "the shared hold"
    );
    // The Runs view shown while the limit holds reads nothing either (the watch goes on with
    // its dialog closed).
    let listed = github_calls(&rig, "ListWorkflowRuns");
    rig.keys(&[Action::Back, Action::Show(shipdeck::app::View::Runs)]);
    assert_eq!(rig.app.state.view, shipdeck::app::View::Runs);
    rig.run(8 * Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    assert_eq!(
        github_calls(&rig, "GetWorkflowRun"),
        1,
        "asked once, not again"
    );
    assert_eq!(
        github_calls(&rig, "ListWorkflowRuns"),
        listed,
        "the Runs view waits"
    );
    // After the reset the watch follows the run to its end and the Runs view reads.
    rig.run(5 * Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    let trail = rig
        .app
        .state
        .ops
        .watch
        .as_ref()
        .and_then(|w| w.github.as_ref())
        .map(|g| g.trail.clone())
        .unwrap_or_default();
    assert!(
        trail
            .run_done
            .as_ref()
            .is_some_and(|r| r.ends_with(" succeeded"))
            && trail.package.is_some(),
        "{trail:?}"
    );
    assert!(github_calls(&rig, "ListWorkflowRuns") > listed);
}

/// The toggle in the workflow's dialog switches to the direct upload: the package picker.
#[tokio::test]
async fn the_workflow_dialog_switches_to_the_direct_upload() {
    let mut rig = Rig::for_ops("release-direct").await;
    rig.app.state.ops.release_workflow = Some("release.yml".into());
    rig.select("prd");
    rig.app.dispatch(Action::Op(OpKind::Release));
    rig.app.settle().await;
    assert!(rig.app.state.ops.dialog.is_some());
    rig.keys(&[Action::DialogToggle]);
    rig.app.settle().await;
    assert!(rig.app.state.ops.dialog.is_none());
    assert!(rig.app.state.ops.picker.is_some(), "the package picker");
    // On an environment that is not protected, the key opens the direct upload at once.
    rig.keys(&[Action::Back]);
    rig.select("stg");
    rig.app.dispatch(Action::Op(OpKind::Release));
    rig.app.settle().await;
    assert!(rig.app.state.ops.picker.is_some() && rig.app.state.ops.dialog.is_none());
}

/// The log of a job still running, as GitHub serves it (404 until the job ends): the Logs view
/// says the job runs and its log is not served yet, not a failed read, reads again, and shows
/// the log once the job has ended.
#[tokio::test]
async fn a_running_jobs_log_is_not_served_yet_then_read_once_the_job_ends() {
    let mut rig = Rig::for_ops("runs-running-log").await;
    rig.app.state.runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    rig.app.state.runs.release_workflow = "release.yml".into();
    rig.app.dispatch(Action::Show(View::Runs));
    rig.app.settle().await;
    let running = rig
        .app
        .state
        .runs
        .rows()
        .iter()
        .position(|r| r.run.conclusion.is_none())
        .expect("a run still going in the demo");
    rig.app.dispatch(Action::SelectRow(running));
    rig.app.dispatch(Action::Open);
    rig.app.settle().await;
    rig.app.dispatch(Action::Open);
    rig.app.settle().await;
    assert_eq!(rig.app.state.view, View::Logs, "{}", rig.status());
    let job = rig.app.state.logs.job.clone().expect("the job's log");
    assert!(!job.done() && job.read, "{job:?}");
    assert_eq!(rig.app.state.logs.load.error, None, "not a failed read");
    assert!(rig.app.state.logs.events.is_empty());
    let reads = |rig: &Rig| github_calls(rig, "DownloadJobLogsForWorkflowRun");
    let before = reads(&rig);
    rig.run(30 * Timestamp::SECOND, 2 * Timestamp::SECOND).await;
    assert!(reads(&rig) > before, "read again while the job runs");
    rig.run(20 * Timestamp::MINUTE, 5 * Timestamp::SECOND).await;
    let job = rig.app.state.logs.job.clone().expect("the job's log");
    assert!(job.done(), "{job:?}");
    assert!(
        !rig.app.state.logs.events.is_empty(),
        "the log once it ended"
    );
}

/// The Runs view against the simulator: the runs of both workflows read through the effect
/// runner; `T` on a failed deploy run re-runs its failed jobs after dev's yes, once.
#[tokio::test]
async fn the_runs_view_re_runs_the_failed_jobs_of_the_selected_run() {
    let mut rig = Rig::for_ops("runs").await;
    rig.app.state.runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    rig.app.state.runs.release_workflow = "release.yml".into();
    rig.app.dispatch(Action::Show(View::Runs));
    rig.app.settle().await;
    let rows = rig.app.state.runs.rows().len();
    assert_eq!(rows, 20, "ten runs of each workflow");
    let failed = rig
        .app
        .state
        .runs
        .rows()
        .iter()
        .position(|r| r.run.failed())
        .expect("a failed run in the demo");
    assert!(
        rig.app.state.runs.rows()[failed]
            .jobs
            .as_ref()
            .is_some_and(|j| j.is_ok()),
        "where it failed is read"
    );
    rig.app.dispatch(Action::SelectRow(failed));
    rig.app.dispatch(Action::Op(OpKind::Retry));
    let d = rig.app.state.ops.dialog.clone().expect("the re-run dialog");
    assert_eq!(d.kind, OpKind::Rerun);
    let plan = d.planned.clone().unwrap_or_else(|r| panic!("{}", r.reason));
    assert_eq!(plan.environment, "dev", "a deploy run ships to dev");
    rig.keys(&[Action::Submit, Action::Submit]);
    rig.app.settle().await;
    let reruns = rig
        .sim
        .with(|s| s.stats().calls.get("github:RerunFailedJobs").copied());
    assert_eq!(reruns, Some(1), "exactly one re-run");
    rig.run(Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    let note = rig
        .app
        .state
        .ops
        .dialog
        .as_ref()
        .and_then(|d| d.watch_note.clone())
        .unwrap_or_default();
    assert!(
        note.contains("verified: run") && note.contains("attempt 2"),
        "{note}"
    );
}

/// `:trace VERSION` in the console: the commit and its runs read through the effect runner, the
/// release waiting at prd's approval said so per environment; Esc closes; a commit GitHub does
/// not have is said on the status line and nothing opens.
#[tokio::test]
async fn trace_shows_where_the_waiting_release_is_and_esc_closes_it() {
    use shipdeck::app::Overlay;
    let mut rig = Rig::for_ops("trace").await;
    let prd = rig.app.state.env_index("prd").unwrap();
    let waiting = rig.app.state.pipeline_data(prd).unwrap().approvals("prd");
    let release = waiting[0].release.clone().expect("the waiting release");
    rig.keys(&[Action::CommandOpen]);
    rig.typed(&format!("trace {}", release.version));
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    let Some(Overlay::Trace(t)) = rig.app.state.overlay.clone() else {
        panic!("the trace overlay: {}", rig.status());
    };
    let read = t.read.clone().expect("GitHub's answer");
    let trace = rig
        .app
        .state
        .trace_of(&read, &t.query, &t.sha, t.version.as_ref());
    assert_eq!(trace.errors, vec![]);
    assert!(release.commit.starts_with(&trace.commit.unwrap().sha[..7]));
    let now = trace.environments[prd].now.clone().unwrap_or_default();
    assert!(now.starts_with("waiting for prd approval for "), "{now}");
    assert!(
        trace
            .runs
            .unwrap()
            .iter()
            .any(|r| r.workflow == "release.yml"),
        "the release run of the commit"
    );
    rig.keys(&[Action::Back]);
    assert_eq!(rig.app.state.overlay, None, "esc closes the trace");

    rig.keys(&[Action::CommandOpen]);
    rig.typed("trace deadbeef");
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.app.state.overlay, None);
    assert!(
        rig.status().contains("commit deadbeef does not exist in"),
        "{}",
        rig.status()
    );
}

/// `:trace VERSION` of the release prd runs: each carrying execution names its CodeBuild Deploy
/// build (from the execution's action runs: the external execution id) with CodeBuild's account
/// of it (status, phase, log), none of the demo's pipelines deploys with CodeDeploy; when the
/// action runs or the builds cannot be read, that part is `null` and the error names the
/// execution (unknown, not "no build").
#[tokio::test]
async fn trace_names_each_executions_build_or_why_it_is_unknown() {
    use shipdeck::app::Overlay;
    use shipdeck::ops::plan::trace::Trace;
    async fn trace(rig: &mut Rig, version: &str) -> Trace {
        rig.keys(&[Action::CommandOpen]);
        rig.typed(&format!("trace {version}"));
        rig.keys(&[Action::Submit]);
        rig.app.settle().await;
        let Some(Overlay::Trace(t)) = rig.app.state.overlay.clone() else {
            panic!("the trace overlay: {}", rig.status());
        };
        let read = t.read.clone().expect("the trace's reads");
        rig.keys(&[Action::Back]);
        rig.app
            .state
            .trace_of(&read, &t.query, &t.sha, t.version.as_ref())
    }
    let mut rig = Rig::for_ops("trace-build").await;
    let prd = rig.app.state.env_index("prd").unwrap();
    let data = rig.app.state.pipeline_data(prd).unwrap();
    let running = data.deployed.ok().flatten().expect("prd runs a release");
    let (id, version) = (running.id.clone(), running.release().unwrap().version);
    let t = trace(&mut rig, &version.to_string()).await;
    assert_eq!(t.errors, vec![]);
    let executions = t.environments[prd].executions.clone().unwrap();
    let x = executions.iter().find(|x| x.id == id).unwrap();
    let build = x.build.as_ref().expect("the Deploy build");
    assert!(
        build
            .id
            .as_deref()
            .is_some_and(|b| b.starts_with("storefront-deployer-prd-deploy:")),
        "{build:?}"
    );
    assert_eq!(build.status, "Succeeded");
    assert!(build.end.is_some());
    assert_eq!(x.deployment, None, "no CodeDeploy action in the demo");
    // CodeBuild's own account of the build: one BatchGetBuilds for every build of the trace.
    let cb = build.codebuild.as_ref().expect("CodeBuild's account");
    let uuid = build.id.as_deref().unwrap().split_once(':').unwrap().1;
    assert_eq!(
        (
            cb.status.as_str(),
            cb.phase.as_deref(),
            cb.failed_phase.as_deref()
        ),
        ("SUCCEEDED", Some("COMPLETED"), None)
    );
    assert_eq!(
        (cb.log_group.as_deref(), cb.log_stream.as_deref()),
        (Some("/aws/codebuild/storefront-deploy-prd"), Some(uuid))
    );
    assert!(
        cb.log_url.as_deref().is_some_and(|u| u.contains(uuid)),
        "{cb:?}"
    );
    assert_eq!(
        build.build_lines(),
        vec![format!("log {}", cb.log_url.as_deref().unwrap())],
        "a build that succeeded: its log"
    );
    // The console's trace: the link never fits whole, so the group and stream stand for it.
    let shown = |width| -> Vec<String> {
        shipdeck::tui::overlays::trace::lines(&t, width)
            .iter()
            .map(|l| l.to_string())
            .filter(|l| l.trim_start().starts_with("log "))
            .collect()
    };
    assert!(
        shown(150).contains(&format!(
            "        log group /aws/codebuild/storefront-deploy-prd stream {uuid}"
        )),
        "{:?}",
        shown(150)
    );
    assert_eq!(
        shown(80),
        Vec::<String>::new(),
        "where it would be cut, nothing"
    );
    assert_eq!(rig.count("BatchGetBuilds"), 1, "one batched call");

    // CodeBuild refused: the build is unknown with the reason, and in `errors`.
    rig.sim.with(|s| s.deny("BatchGetBuilds"));
    let t = trace(&mut rig, &version.to_string()).await;
    let executions = t.environments[prd].executions.clone().unwrap();
    let build = executions
        .iter()
        .find(|x| x.id == id)
        .and_then(|x| x.build.clone())
        .unwrap();
    assert_eq!(build.codebuild, None);
    assert!(
        build.build_lines()[0].starts_with("CodeBuild unknown: ")
            && build.build_lines()[0].contains("codebuild:BatchGetBuilds"),
        "{:?}",
        build.build_lines()
    );
    assert!(
        t.errors
            .iter()
            .any(|e| e.what == format!("prd execution {} build", &id[..8])
                && e.error.contains("codebuild:BatchGetBuilds")),
        "{:?}",
        t.errors
    );
    rig.sim.with(|s| s.allow("BatchGetBuilds"));

    rig.sim.with(|s| s.deny("ListActionExecutions"));
    let t = trace(&mut rig, &version.to_string()).await;
    let executions = t.environments[prd].executions.clone().unwrap();
    let x = executions.iter().find(|x| x.id == id).unwrap();
    assert_eq!(x.build, None);
    let short = &id[..8];
    assert!(
        t.errors
            .iter()
            .any(|e| e.what == format!("prd execution {short} actions")
                && e.error.contains("codepipeline:ListActionExecutions")),
        "{:?}",
        t.errors
    );
}

/// The upload of a local package from the console, end to end: the picker's last row, Tab
/// completes the file's name on the disk, Enter reads it, Enter sends one multipart upload and
/// one copy, the progress reaches the whole file, the pipeline ships it and the audit says done.
#[tokio::test]
async fn uploading_a_local_package_from_the_console_ships_it_to_dev() {
    use shipdeck::ops::apply::upload::PART_BYTES;
    let dir = std::env::temp_dir().join(format!("shipdeck-e2e-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let size = PART_BYTES + 4096;
    let mut body = vec![7u8; size];
    body[..4].copy_from_slice(b"PK\x03\x04");
    std::fs::write(dir.join("storefront-1.70.0.zip"), &body).unwrap();
    let mut rig = Rig::for_ops("upload").await;
    let before: Vec<String> = rig
        .sim
        .with(|s| s.executions("storefront-deployer-dev"))
        .into_iter()
        .map(|e| e.id)
        .collect();
    rig.select("dev");
    rig.app.dispatch(Action::Op(OpKind::Release));
    rig.app.settle().await;
    rig.keys(&[Action::Bottom, Action::Submit]);
    let base = dir.display().to_string();
    rig.typed(&format!("{base}/store"));
    rig.keys(&[Action::DialogNext]);
    rig.app.settle().await;
    let path = format!("{base}/storefront-1.70.0.zip");
    let d = rig.app.state.ops.dialog.clone().expect("the upload dialog");
    assert_eq!(d.upload.as_ref().unwrap().path.value(), path, "completed");
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    let d = rig.app.state.ops.dialog.clone().unwrap();
    let plan = d.planned.clone().expect("planned");
    assert!(
        plan.summary.join("\n").contains("1.70.0"),
        "{:?}",
        plan.summary
    );
    assert_eq!(rig.mutating(), 0, "reading sends nothing");
    // Key repeat on the send line: one upload.
    rig.keys(&[Action::Submit, Action::Submit]);
    rig.app.settle().await;
    let sent = || (1, 2, 1, 1);
    let counts = |rig: &Rig| {
        (
            rig.count("CreateMultipartUpload"),
            rig.count("UploadPart"),
            rig.count("CompleteMultipartUpload"),
            rig.count("CopyObject"),
        )
    };
    assert_eq!(counts(&rig), sent());
    let d = rig.app.state.ops.dialog.clone().unwrap();
    let p = d.upload.as_ref().unwrap().progress.expect("progress");
    assert_eq!((p.sent, p.total), (size as u64, size as u64));
    assert!(
        matches!(&d.phase, shipdeck::app::Phase::Done(o) if o.class == ExitClass::Done),
        "{:?}",
        d.phase
    );
    // Enter after the answer closes the dialog and sends nothing.
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert!(rig.app.state.ops.dialog.is_none());
    assert_eq!(counts(&rig), sent());
    rig.run(5 * Timestamp::MINUTE, 2 * Timestamp::SECOND).await;
    let new: Vec<_> = rig
        .sim
        .with(|s| s.executions("storefront-deployer-dev"))
        .into_iter()
        .filter(|e| !before.contains(&e.id))
        .collect();
    assert_eq!(new.len(), 1, "one new execution: {new:?}");
    assert_eq!(
        new[0].release().map(|r| r.version.to_string()).as_deref(),
        Some("1.70.0")
    );
    assert!(
        rig.app.state.ops.watch.is_none(),
        "verified, the watch ended"
    );
    let lines = rig.audit_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        (lines[0].action.as_str(), lines[0].outcome.as_str()),
        ("release", "done")
    );
    assert!(
        lines[0]
            .parameters
            .to_string()
            .contains("storefront-1.70.0.zip")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
