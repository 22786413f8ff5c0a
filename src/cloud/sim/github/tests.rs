//! The simulated GitHub: history consistent with the published releases, dispatch with inputs,
//! failures, re-runs, cancels and logs, all driven by the simulator's clock.

use super::*;
use crate::cloud::CloudError;
use crate::cloud::github::{GitHub, RunQuery};
use crate::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
use crate::config::GitHubConfig;
use crate::domain::github::{Conclusion, DispatchRequest, Repository, RunStatus};

fn github(sim: Simulator) -> (SimCloud, SimGitHub) {
    let cloud = SimCloud::new(sim);
    let repo = Repository::parse("acme/storefront").unwrap();
    let gh = SimGitHub::new(cloud.clone(), GitHubConfig::new(repo));
    (cloud, gh)
}

fn demo(seed: u64) -> (SimCloud, SimGitHub) {
    github(Simulator::new(
        SimConfig {
            seed,
            ..SimConfig::default()
        },
        &demo_specs(),
    ))
}

fn runs(workflow: &str, limit: usize) -> RunQuery {
    RunQuery {
        workflow: workflow.into(),
        branch: None,
        limit,
    }
}

fn dispatch(workflow: &str, inputs: &[(&str, &str)]) -> DispatchRequest {
    DispatchRequest {
        workflow: workflow.into(),
        git_ref: "main".into(),
        inputs: inputs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// Every published release was uploaded by the deploy run of its commit: a push to `main`, the
/// run successful and ending when the package was written, the commit on `main` and in the
/// package's metadata.
#[tokio::test]
async fn each_published_release_is_the_upload_of_a_successful_deploy_run_of_its_commit() {
    let (cloud, gh) = demo(7);
    let releases = cloud.with(|s| s.releases());
    assert!(releases.len() >= 5, "{}", releases.len());
    let deploys = gh.list_runs(&runs("deploy.yml", 1000)).await.unwrap();
    let commits = gh.list_commits("main", 1000).await.unwrap();
    for release in &releases {
        let run = deploys
            .iter()
            .find(|r| r.head_sha == release.commit)
            .unwrap_or_else(|| panic!("no deploy run of {}", release.version));
        assert_eq!(run.event, "push");
        assert_eq!(
            (run.status.clone(), run.conclusion.clone()),
            (RunStatus::Completed, Some(Conclusion::Success))
        );
        let key = format!("releases/{}/release.zip", release.version);
        let (meta_commit, written) = cloud.with(|s| {
            let o = s
                .buckets
                .latest("storefront-deployer-source", &key)
                .unwrap();
            (o.metadata.get("commit").cloned(), o.last_modified)
        });
        assert_eq!(meta_commit.as_deref(), Some(release.commit.as_str()));
        assert_eq!(run.updated_at, written, "the run ends with the upload");
        let commit = commits.iter().find(|c| c.sha == release.commit).unwrap();
        assert!(commit.date < run.run_started_at.unwrap());
        let jobs = gh.list_jobs(run.id).await.unwrap();
        let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["build", "deployer-image", "upload"]);
        assert!(
            jobs[2]
                .steps
                .iter()
                .any(|s| s.name == format!("Upload to s3://storefront-deployer-source/{key}"))
        );
    }
    // Between releases, pushes whose runs did not get through; commits newest first.
    assert!(
        deploys
            .iter()
            .any(|r| r.conclusion == Some(Conclusion::Failure))
    );
    assert!(commits.windows(2).all(|w| w[0].date >= w[1].date));
    // prd is shipped by the release managers through the release workflow.
    let releases_runs = gh.list_runs(&runs("release.yml", 100)).await.unwrap();
    assert!(!releases_runs.is_empty());
    assert!(releases_runs.iter().all(|r| r.event == "workflow_dispatch"));
}

/// A release run ships the release of the commit it ran at, so a commit's trace shows the
/// release runs that shipped it and no other (seed 42 is the demo's).
#[tokio::test]
async fn each_release_run_ships_the_release_of_its_own_commit() {
    for seed in [7, 42] {
        let (cloud, gh) = demo(seed);
        let releases = cloud.with(|s| s.releases());
        let runs = gh.list_runs(&runs("release.yml", 100)).await.unwrap();
        assert!(runs.len() >= 5, "seed {seed}: {}", runs.len());
        for run in &runs {
            let jobs = gh.list_jobs(run.id).await.unwrap();
            let shipped = jobs[0]
                .steps
                .iter()
                .find_map(|s| s.name.strip_prefix("Find release "))
                .unwrap_or_else(|| panic!("seed {seed}: run #{} finds no release", run.run_number));
            let release = releases
                .iter()
                .find(|r| r.version.to_string() == shipped)
                .unwrap();
            assert_eq!(
                release.commit, run.head_sha,
                "seed {seed}: release run #{} ships {shipped}, not its commit's release",
                run.run_number
            );
        }
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_repository_and_runs() {
    let a = demo(11).1.list_runs(&runs("deploy.yml", 50)).await.unwrap();
    let b = demo(11).1.list_runs(&runs("deploy.yml", 50)).await.unwrap();
    assert_eq!(a, b);
    let c = demo(12).1.list_runs(&runs("deploy.yml", 50)).await.unwrap();
    assert_ne!(a, c);
}

/// At start the newest push's run is still running; it fails its tests as the clock moves on.
/// As on GitHub, a job's log is served once the job has ended: 404 while it runs.
#[tokio::test]
async fn a_run_progresses_with_the_simulators_clock() {
    let (cloud, gh) = demo(7);
    let newest = gh
        .list_runs(&runs("deploy.yml", 1))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(newest.status, RunStatus::InProgress);
    assert_eq!(newest.conclusion, None);
    let jobs = gh.list_jobs(newest.id).await.unwrap();
    // The jobs after build wait while it runs, though it will fail.
    assert_eq!(
        (jobs[1].status.clone(), jobs[1].conclusion.clone()),
        (RunStatus::Queued, None)
    );
    let running = gh.job_log(jobs[0].id).await.unwrap_err();
    assert!(
        matches!(&running, CloudError::NotFound { kind, .. } if kind == "job"),
        "{running:?}"
    );
    cloud.with(|s| s.advance(15 * Timestamp::MINUTE));
    let run = gh.get_run(newest.id).await.unwrap();
    assert_eq!(
        (run.status, run.conclusion),
        (RunStatus::Completed, Some(Conclusion::Failure))
    );
    let jobs = gh.list_jobs(newest.id).await.unwrap();
    let failed = jobs[0].failed_step().unwrap();
    assert_eq!(failed.name, "Run npm test");
    assert_eq!(jobs[1].conclusion, Some(Conclusion::Skipped));
    let log = gh.job_log(jobs[0].id).await.unwrap();
    assert!(
        log.contains("##[error]Process completed with exit code 1."),
        "{log}"
    );
}

/// A dispatch is checked against the workflow file's declared inputs and the branch.
#[tokio::test]
async fn a_dispatch_with_undeclared_inputs_or_an_unknown_ref_is_refused() {
    let (_cloud, gh) = demo(7);
    let e = gh
        .dispatch(&dispatch("release.yml", &[("enviroment", "prd")]))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CloudError::Rejected { code, message } if code == "HTTP 422"
            && message.contains("`enviroment` is not an input of release.yml (declared: version, environment)")),
        "{e}"
    );
    let e = gh
        .dispatch(&dispatch("release.yml", &[("environment", "stg")]))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("`environment` is one of prd, not `stg`"),
        "{e}"
    );
    let mut req = dispatch("release.yml", &[]);
    req.git_ref = "feature/x".into();
    let e = gh.dispatch(&req).await.unwrap_err();
    assert_eq!(e.to_string(), "branch or tag not found: feature/x");
    let e = gh
        .dispatch(&dispatch("nightly.yml", &[]))
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "workflow not found: nightly.yml in acme/storefront"
    );
}

/// A dispatched release run queues, runs, and when it succeeds ships the release to prd: a
/// new prd execution started by GitHub Actions.
#[tokio::test]
async fn a_dispatched_release_run_ships_the_release_to_prd_when_it_succeeds() {
    let (cloud, gh) = demo(7);
    cloud.with(|s| s.set_github_failure_rate(0.0));
    let before = cloud.with(|s| s.executions("storefront-deployer-prd").len());
    gh.dispatch(&dispatch("release.yml", &[])).await.unwrap();
    let run = gh
        .list_runs(&runs("release.yml", 1))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        (run.status.clone(), run.actor.as_str()),
        (RunStatus::Queued, OPERATOR_LOGIN)
    );
    assert_eq!(run.event, "workflow_dispatch");
    let started = run.run_started_at.unwrap();
    cloud.with(|s| s.advance_to(started + Timestamp::SECOND));
    assert_eq!(
        gh.get_run(run.id).await.unwrap().status,
        RunStatus::InProgress
    );
    cloud.with(|s| s.advance(2 * Timestamp::MINUTE));
    let done = gh.get_run(run.id).await.unwrap();
    assert_eq!(done.conclusion, Some(Conclusion::Success));
    let execs = cloud.with(|s| s.executions("storefront-deployer-prd"));
    assert_eq!(execs.len(), before + 1);
    assert!(
        execs[0]
            .trigger
            .detail
            .ends_with("assumed-role/GitHubActions/demo-operator"),
        "{:?}",
        execs[0].trigger
    );
    // No deploy run built the head commit (its tests are still running): the release run
    // packaged that commit's release and shipped it, not the newest release of stg.
    let jobs = gh.list_jobs(run.id).await.unwrap();
    assert!(
        jobs[0]
            .steps
            .iter()
            .any(|s| s.name.starts_with("Package release")),
        "{:?}",
        jobs[0].steps
    );
    let shipped = cloud.with(|s| {
        let o = s
            .buckets
            .latest("storefront-deployer-source", "prd/release.zip")
            .unwrap();
        o.metadata.get("commit").cloned()
    });
    assert_eq!(shipped.as_deref(), Some(run.head_sha.as_str()));
    assert!(
        cloud
            .with(|s| s.releases())
            .iter()
            .any(|r| r.commit == run.head_sha),
        "the packaged release is in the catalogue"
    );
}

/// A failed run can have its failed jobs re-run (a new attempt from "now"); a completed run
/// cannot be cancelled; a cancelled run does not ship.
#[tokio::test]
async fn failed_runs_rerun_and_running_runs_cancel() {
    let (cloud, gh) = demo(7);
    cloud.with(|s| s.set_github_failure_rate(1.0));
    gh.dispatch(&dispatch("release.yml", &[])).await.unwrap();
    let id = gh.list_runs(&runs("release.yml", 1)).await.unwrap()[0].id;
    let e = gh.rerun_failed_jobs(id).await.unwrap_err();
    assert!(e.to_string().contains("it has not completed"), "{e}");
    cloud.with(|s| s.advance(5 * Timestamp::MINUTE));
    let failed = gh.get_run(id).await.unwrap();
    assert_eq!(
        (failed.conclusion, failed.run_attempt),
        (Some(Conclusion::Failure), 1)
    );
    let e = gh.cancel_run(id).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("Cannot cancel a workflow run that is completed"),
        "{e}"
    );
    let prd_before = cloud.with(|s| s.executions("storefront-deployer-prd").len());
    cloud.with(|s| s.set_github_failure_rate(0.0));
    gh.rerun_failed_jobs(id).await.unwrap();
    let again = gh.get_run(id).await.unwrap();
    assert_eq!(
        (again.run_attempt, again.status.clone(), again.conclusion),
        (2, RunStatus::Queued, None)
    );
    // Cancel the second attempt while it runs: nothing ships.
    cloud.with(|s| s.advance(30 * Timestamp::SECOND));
    gh.cancel_run(id).await.unwrap();
    cloud.with(|s| s.advance(5 * Timestamp::MINUTE));
    let cancelled = gh.get_run(id).await.unwrap();
    assert_eq!(cancelled.conclusion, Some(Conclusion::Cancelled));
    assert_eq!(
        cloud.with(|s| s.executions("storefront-deployer-prd").len()),
        prd_before
    );
    let e = gh.rerun_failed_jobs(id).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("did not fail (conclusion: cancelled)"),
        "{e}"
    );
}

#[tokio::test]
async fn commits_compare_along_main() {
    let (cloud, gh) = demo(7);
    let releases = cloud.with(|s| s.releases());
    let newest = &releases[0];
    let cmp = gh.compare(&newest.commit[..7], "main").await.unwrap();
    assert_eq!(cmp.status, "ahead");
    assert_eq!(cmp.ahead_by as usize, cmp.commits.len());
    assert!(cmp.ahead_by >= 1, "the push after the newest release");
    let back = gh.compare("main", &releases[1].commit).await.unwrap();
    assert_eq!(back.status, "behind");
    let e = gh.compare("deadbeef", "main").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "commit not found: deadbeef in acme/storefront"
    );
    let e = gh.list_commits("develop", 5).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "branch not found: develop in acme/storefront"
    );
}
