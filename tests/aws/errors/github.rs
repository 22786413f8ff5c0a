//! The GitHub adapter over real HTTP against a local stand-in for GitHub's REST API (wiremock),
//! with bodies shaped as GitHub's documentation shows them: runs, jobs and steps, a job log
//! behind a redirect, dispatch, re-run and cancel; and the errors — a refused token, rate
//! limits, a token without actions:write, what was not found, a refused dispatch.

use serde_json::{Value, json};
use shipdeck::cloud::CloudError;
use shipdeck::cloud::github::rest::RestGitHub;
use shipdeck::cloud::github::{GitHub, RunQuery, Token, TokenSource};
use shipdeck::config::GitHubConfig;
use shipdeck::domain::Timestamp;
use shipdeck::domain::github::{Conclusion, DispatchRequest, Repository, RunStatus};
use std::time::Duration;
use wiremock::matchers::{bearer_token, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "ghp_test0123456789";
const REPO: &str = "/repos/acme/storefront";

fn client(server: &MockServer, token: Option<&str>) -> RestGitHub {
    let mut config = GitHubConfig::new(Repository::parse("acme/storefront").unwrap());
    config.api_url = server.uri();
    let token = token.map(|t| Token::new(t, TokenSource::GithubToken));
    RestGitHub::new(
        &config,
        token,
        Duration::from_secs(2),
        Duration::from_secs(5),
    )
    .unwrap()
}

fn run_json(id: u64, number: u64, conclusion: Option<&str>, sha: &str) -> Value {
    json!({
        "id": id,
        "name": "deploy",
        "node_id": "WFR_kwLOA",
        "head_branch": "main",
        "head_sha": sha,
        "path": ".github/workflows/deploy.yml",
        "display_title": "Fix cart total rounding on mobile",
        "run_number": number,
        "event": "push",
        "status": if conclusion.is_some() { "completed" } else { "in_progress" },
        "conclusion": conclusion,
        "workflow_id": 159038,
        "check_suite_id": 42,
        "url": format!("https://api.github.com/repos/acme/storefront/actions/runs/{id}"),
        "html_url": format!("https://github.com/acme/storefront/actions/runs/{id}"),
        "pull_requests": [],
        "created_at": "2026-12-06T07:00:00Z",
        "updated_at": "2026-12-06T07:06:30Z",
        "actor": { "login": "alice", "id": 1, "type": "User" },
        "run_attempt": 1,
        "referenced_workflows": [],
        "run_started_at": "2026-12-06T07:00:05Z",
        "triggering_actor": { "login": "alice", "id": 1, "type": "User" },
        "jobs_url": format!("https://api.github.com/repos/acme/storefront/actions/runs/{id}/jobs"),
        "head_commit": { "id": sha, "message": "Fix cart total rounding on mobile" },
        "repository": { "id": 1296269, "full_name": "acme/storefront" }
    })
}

#[tokio::test]
async fn runs_jobs_steps_and_a_job_log_behind_a_redirect() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/actions/workflows/deploy.yml/runs")))
        .and(query_param("per_page", "2"))
        .and(query_param("branch", "main"))
        .and(bearer_token(TOKEN))
        .and(header("x-github-api-version", "2022-11-28"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 812,
            "workflow_runs": [
                run_json(30433642, 812, None, "acdc0123456789acdc0123456789acdc01234567"),
                run_json(30433600, 811, Some("failure"), "b0b0123456789b0b0123456789b0b0123456789"),
            ]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/actions/runs/30433600/jobs")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 2,
            "jobs": [{
                "id": 399444496,
                "run_id": 30433600,
                "run_url": "https://api.github.com/repos/acme/storefront/actions/runs/30433600",
                "head_sha": "b0b0123456789b0b0123456789b0b0123456789",
                "html_url": "https://github.com/acme/storefront/actions/runs/30433600/job/399444496",
                "status": "completed",
                "conclusion": "failure",
                "started_at": "2026-12-06T07:00:10Z",
                "completed_at": "2026-12-06T07:04:02Z",
                "name": "build",
                "steps": [
                    { "name": "Set up job", "status": "completed", "conclusion": "success", "number": 1,
                      "started_at": "2026-12-06T07:00:10.000-00:00", "completed_at": "2026-12-06T07:00:12.000-00:00" },
                    { "name": "Run npm test", "status": "completed", "conclusion": "failure", "number": 2,
                      "started_at": "2026-12-06T07:00:12.000-00:00", "completed_at": "2026-12-06T07:04:00.000-00:00" },
                    { "name": "Complete job", "status": "completed", "conclusion": "success", "number": 3,
                      "started_at": "2026-12-06T07:04:00.000-00:00", "completed_at": "2026-12-06T07:04:02.000-00:00" }
                ],
                "labels": ["ubuntu-latest"],
                "runner_name": "GitHub Actions 2",
                "workflow_name": "deploy",
                "head_branch": "main"
            }, {
                "id": 399444497,
                "run_id": 30433600,
                "status": "completed",
                "conclusion": "skipped",
                "started_at": "2026-12-06T07:04:02Z",
                "completed_at": "2026-12-06T07:04:02Z",
                "name": "upload",
                "steps": []
            }]
        })))
        .mount(&server)
        .await;
    // The log: a 302 to a short-lived download URL, fetched without the token.
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/actions/jobs/399444496/logs")))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/download/job-logs/399444496.txt?sig=abc", server.uri()),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/download/job-logs/399444496.txt"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            "2026-12-06T07:00:12.0000000Z ##[group]Run npm test\n\
             2026-12-06T07:03:59.0000000Z FAIL  src/checkout/summary.test.ts\n\
             2026-12-06T07:04:00.0000000Z ##[error]Process completed with exit code 1.\n",
        ))
        .mount(&server)
        .await;

    let gh = client(&server, Some(TOKEN));
    let runs = gh
        .list_runs(&RunQuery {
            workflow: "deploy.yml".into(),
            branch: Some("main".into()),
            limit: 2,
        })
        .await
        .unwrap();
    assert_eq!(runs.len(), 2);
    let (running, failed) = (&runs[0], &runs[1]);
    assert_eq!(
        (running.status.clone(), running.conclusion.clone()),
        (RunStatus::InProgress, None)
    );
    assert_eq!(failed.conclusion, Some(Conclusion::Failure));
    assert_eq!(failed.workflow, "deploy.yml");
    assert_eq!(
        (failed.run_number, failed.short_sha(), failed.actor.as_str()),
        (811, "b0b0123", "alice")
    );
    assert_eq!(
        failed.run_started_at,
        Timestamp::parse_rfc3339("2026-12-06T07:00:05Z")
    );
    assert_eq!(failed.duration(Timestamp(0)), Some(385_000));

    let jobs = gh.list_jobs(failed.id).await.unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(
        jobs[0].failed_step().map(|s| (s.number, s.name.as_str())),
        Some((2, "Run npm test"))
    );
    assert_eq!(jobs[1].conclusion, Some(Conclusion::Skipped));

    let log = gh.job_log(jobs[0].id).await.unwrap();
    assert!(
        log.contains("##[error]Process completed with exit code 1."),
        "{log}"
    );
    let requests = server.received_requests().await.unwrap();
    let download = requests
        .iter()
        .find(|r| r.url.path().starts_with("/download/"))
        .unwrap();
    assert!(
        !download.headers.contains_key("authorization"),
        "the token must not go to the download host"
    );
}

#[tokio::test]
async fn dispatch_rerun_and_cancel_send_githubs_requests() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "{REPO}/actions/workflows/release.yml/dispatches"
        )))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({
            "ref": "main",
            "inputs": { "environment": "prd", "version": "1.44.0" },
            "return_run_details": true
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("date", "Sun, 06 Dec 2026 09:40:00 GMT")
                .set_body_json(json!({
                    "workflow_run_id": 30433700,
                    "run_url": "https://api.github.com/repos/acme/storefront/actions/runs/30433700",
                    "html_url": "https://github.com/acme/storefront/actions/runs/30433700"
                })),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{REPO}/actions/runs/30433601/rerun")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "{REPO}/actions/runs/30433600/rerun-failed-jobs"
        )))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{REPO}/actions/runs/30433642/cancel")))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let gh = client(&server, Some(TOKEN));
    let req = DispatchRequest {
        workflow: "release.yml".into(),
        git_ref: "main".into(),
        inputs: [("environment", "prd"), ("version", "1.44.0")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let dispatched = gh.dispatch(&req).await.unwrap();
    assert_eq!(
        dispatched.run_id,
        Some(30433700),
        "the run GitHub says it made"
    );
    assert_eq!(
        dispatched.at.map(Timestamp::rfc3339).as_deref(),
        Some("2026-12-06T09:40:00Z")
    );
    gh.rerun_failed_jobs(30433600).await.unwrap();
    gh.rerun(30433601).await.unwrap();
    gh.cancel_run(30433642).await.unwrap();

    // Without a token, a change is refused before anything is sent.
    let anonymous = client(&server, None);
    let e = anonymous.cancel_run(30433642).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("cancel workflow run needs a token: no GitHub token"),
        "{e}"
    );
    server.verify().await;
}

/// A GitHub Enterprise server older than `return_run_details` refuses it before it creates
/// anything: the dispatch is sent once more without it, and the run is found by its runs.
#[tokio::test]
async fn a_server_without_run_details_is_dispatched_without_them() {
    let server = MockServer::start().await;
    let dispatches = || path(format!("{REPO}/actions/workflows/release.yml/dispatches"));
    Mock::given(method("POST"))
        .and(dispatches())
        .and(body_json(json!({
            "ref": "main", "inputs": {}, "return_run_details": true
        })))
        .respond_with(error(
            422,
            "Invalid request.\n\n\"return_run_details\" is not a permitted key.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(dispatches())
        .and(body_json(json!({ "ref": "main", "inputs": {} })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let gh = client(&server, Some(TOKEN));
    let req = DispatchRequest {
        workflow: "release.yml".into(),
        git_ref: "main".into(),
        inputs: Default::default(),
    };
    let dispatched = gh.dispatch(&req).await.unwrap();
    assert_eq!(dispatched.run_id, None);
    server.verify().await;
}

fn error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.to_string()
    }))
}

#[tokio::test]
async fn githubs_errors_read_as_an_operator_needs_them() {
    let server = MockServer::start().await;
    let runs_of = |file: &str| path(format!("{REPO}/actions/workflows/{file}/runs"));
    Mock::given(method("GET"))
        .and(runs_of("refused.yml"))
        .respond_with(error(401, "Bad credentials"))
        .mount(&server)
        .await;
    // 2026-12-06T09:42:00Z
    Mock::given(method("GET"))
        .and(runs_of("limited.yml"))
        .respond_with(
            error(403, "API rate limit exceeded for user ID 583231.")
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1796550120"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(runs_of("secondary.yml"))
        .respond_with(
            error(429, "You have exceeded a secondary rate limit.")
                .insert_header("retry-after", "90")
                .insert_header("date", "Sun, 06 Dec 2026 08:10:00 GMT"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(runs_of("nightly.yml"))
        .respond_with(error(404, "Not Found"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(REPO))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "full_name": "acme/storefront" })),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "{REPO}/actions/workflows/release.yml/dispatches"
        )))
        .respond_with(
            error(403, "Resource not accessible by personal access token")
                .insert_header("x-ratelimit-remaining", "4990")
                .insert_header("x-accepted-github-permissions", "actions=write"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "{REPO}/actions/workflows/deploy.yml/dispatches"
        )))
        .respond_with(error(
            422,
            "Workflow does not have 'workflow_dispatch' trigger",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "{REPO}/actions/workflows/ship.yml/dispatches"
        )))
        .respond_with(error(422, "Unexpected inputs provided: [\"enviroment\"]"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/compare/deadbee...main")))
        .respond_with(error(404, "Not Found"))
        .mount(&server)
        .await;
    let gh = client(&server, Some(TOKEN));
    let list = |file: &str| RunQuery {
        workflow: file.into(),
        branch: None,
        limit: 10,
    };
    let dispatch = |file: &str| DispatchRequest {
        workflow: file.into(),
        git_ref: "main".into(),
        inputs: Default::default(),
    };

    let e = gh.list_runs(&list("refused.yml")).await.unwrap_err();
    assert!(e.is_credentials());
    assert!(
        e.to_string()
            .contains("the token from $GITHUB_TOKEN was refused (Bad credentials)"),
        "{e}"
    );
    assert!(!format!("{e} {e:?}").contains(TOKEN));

    let e = gh.list_runs(&list("limited.yml")).await.unwrap_err();
    assert!(e.is_throttle());
    assert_eq!(
        e.to_string(),
        "GitHub rate limit: resets at 09:42 UTC (list workflow runs); backing off until then"
    );
    assert_eq!(
        e.limited_until(),
        Some(shipdeck::domain::Timestamp(1_796_550_120_000)),
        "x-ratelimit-reset, in epoch seconds"
    );
    let e = gh.list_runs(&list("secondary.yml")).await.unwrap_err();
    assert!(e.to_string().contains("resets at 08:11 UTC"), "{e}");
    assert_eq!(
        e.limited_until().map(|t| t.rfc3339()),
        Some("2026-12-06T08:11:30Z".to_string()),
        "retry-after seconds from the answer's Date"
    );

    let e = gh.list_runs(&list("nightly.yml")).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "workflow not found: nightly.yml in acme/storefront"
    );

    let e = gh.dispatch(&dispatch("release.yml")).await.unwrap_err();
    assert!(matches!(e, CloudError::AccessDenied { .. }), "{e:?}");
    assert!(
        e.to_string().contains(
            "the token lacks the actions:write permission (fine-grained: Actions read and write)"
        ),
        "{e}"
    );
    assert!(
        !e.to_string().contains("assets/iam"),
        "not an IAM policy: {e}"
    );

    let e = gh.dispatch(&dispatch("deploy.yml")).await.unwrap_err();
    assert!(
        e.to_string().contains(
            "deploy.yml has no workflow_dispatch trigger, so it cannot be started by hand"
        ),
        "{e}"
    );
    let e = gh.dispatch(&dispatch("ship.yml")).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("ship.yml does not declare the inputs [\"enviroment\"]"),
        "{e}"
    );

    let e = gh.compare("deadbee", "main").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "commit not found: deadbee or main in acme/storefront"
    );
}

#[tokio::test]
async fn a_repository_that_does_not_exist_is_named() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(error(404, "Not Found"))
        .mount(&server)
        .await;
    let gh = client(&server, Some(TOKEN));
    let e = gh.get_run(1).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "repository not found: acme/storefront (or the token cannot see it)"
    );
}

/// GitHub answers 404 for the log of a job still running (the log is served once the job ends):
/// the Logs view's read of it is an empty log of a running job, read again later, not "read
/// failed"; a finished job's 404 stays an error.
#[tokio::test]
async fn a_running_jobs_log_answering_404_is_not_written_yet_not_a_failure() {
    use shipdeck::app::{Action, Effect, Reply};
    use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REPO))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1296269, "full_name": "acme/storefront", "default_branch": "main"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REPO}/actions/runs/77/jobs")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 2,
            "jobs": [
                { "id": 1, "run_id": 77, "status": "in_progress", "conclusion": null,
                  "started_at": "2026-12-06T07:00:10Z", "completed_at": null,
                  "name": "build", "steps": [] },
                { "id": 2, "run_id": 77, "status": "completed", "conclusion": "failure",
                  "started_at": "2026-12-06T07:00:10Z", "completed_at": "2026-12-06T07:01:00Z",
                  "name": "lint", "steps": [] }
            ]
        })))
        .mount(&server)
        .await;
    for job in [1, 2] {
        Mock::given(method("GET"))
            .and(path(format!("{REPO}/actions/jobs/{job}/logs")))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest/actions/workflow-jobs"
            })))
            .mount(&server)
            .await;
    }
    let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
    let mut cloud = sim.cloud();
    cloud.github = Some(std::sync::Arc::new(client(&server, Some(TOKEN))));
    let read = |job_id: u64| {
        let cloud = cloud.clone();
        async move {
            let effect = Effect::FetchJobLog {
                request: 7,
                run_id: 77,
                job_id,
            };
            match shipdeck::runtime::run_effect(&cloud, effect).await {
                Some(Action::Reply(Reply::JobLogLoaded { result, .. })) => result,
                other => panic!("{other:?}"),
            }
        }
    };
    let running = read(1).await.expect("a running job's log is not a failure");
    assert_eq!(running.text, "");
    assert_eq!(
        running.job.map(|j| j.status),
        Some(RunStatus::InProgress),
        "read again while it runs"
    );
    let finished = read(2).await.expect_err("a finished job's 404 is an error");
    assert!(
        finished.message.contains("log of job 2"),
        "{}",
        finished.message
    );
}

/// A clock that moves only when paused (the follow waits on it; nothing sleeps).
struct Paused(std::sync::atomic::AtomicI64);

#[async_trait::async_trait]
impl shipdeck::cloud::Clock for Paused {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
    async fn pause(&self, ms: shipdeck::domain::Millis) {
        self.0.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_follow_refused_for_the_rate_limit_waits_for_x_ratelimit_reset() {
    let server = MockServer::start().await;
    let run = format!("{REPO}/actions/runs/30433642");
    // 2026-12-06T09:42:00Z, ten minutes after the follow starts.
    Mock::given(method("GET"))
        .and(path(&run))
        .respond_with(
            error(403, "API rate limit exceeded for user ID 583231.")
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1796550120"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let mut again = run_json(
        30433642,
        562,
        None,
        "acb5820ced9479c074f688cc328bf03f341a511d",
    );
    again["run_attempt"] = json!(2);
    Mock::given(method("GET"))
        .and(path(&run))
        .respond_with(ResponseTemplate::new(200).set_body_json(again))
        .mount(&server)
        .await;
    let mut cloud = shipdeck::cloud::sim::SimCloud::new(shipdeck::cloud::sim::Simulator::new(
        Default::default(),
        &shipdeck::cloud::sim::demo_specs(),
    ))
    .cloud();
    cloud.github = Some(std::sync::Arc::new(client(&server, Some(TOKEN))));
    let request = shipdeck::ops::Request::Run {
        repository: "acme/storefront".into(),
        run_id: 30433642,
        attempt: 1,
        change: shipdeck::ops::plan::RunAction::RerunFailed,
    };
    let start = Timestamp(1_796_549_520_000); // 09:32
    let pace = Paused(start.0.into());
    let mut notes = Vec::new();
    let verified = shipdeck::ops::apply::github::watch(
        &cloud,
        &pace,
        &request,
        &shipdeck::ops::Outcome::done("run 30433642: its failed jobs re-run", None),
        30 * Timestamp::MINUTE,
        &mut |n: &str| notes.push(n.to_string()),
    )
    .await;
    assert!(verified.ok, "{}", verified.message);
    assert_eq!(
        notes,
        ["GitHub rate limit: resets at 09:42 UTC; waiting"],
        "said once, then nothing asked until the reset"
    );
    assert_eq!(
        shipdeck::cloud::Clock::now(&pace),
        Timestamp(1_796_550_120_000),
        "looked again at the reset"
    );
    let asked = server.received_requests().await.unwrap_or_default();
    assert_eq!(asked.len(), 2, "one refused read, one after the reset");
}
