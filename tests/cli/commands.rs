//! The CLI front end, run as a process against the simulator: output shapes, exit codes, errors.

use serde_json::Value;
use std::process::{Command, Output};

/// Runs the binary with no configuration of the user's (also used by `query`).
pub(crate) fn shipdeck(args: &[&str]) -> Output {
    shipdeck_with(args, &[])
}

/// [`shipdeck`] with more environment variables (e.g. `XDG_STATE_HOME` for the audit log).
pub(crate) fn shipdeck_with(args: &[&str], env: &[(&str, &std::path::Path)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(args)
        .env_remove("SHIPDECK_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = shipdeck(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn status_json_has_environments_stages_and_approvals() {
    let v = json(&[
        "status",
        "--demo",
        "--system",
        "storefront",
        "--output",
        "json",
    ]);
    assert_eq!(v["mode"], "demo");
    let envs = v["environments"].as_array().unwrap();
    let names: Vec<&str> = envs.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["dev", "stg", "prd"]);
    for env in envs {
        assert!(env["deployed_version"].is_string(), "{env}");
        let stages = env["pipeline"]["stages"].as_array().unwrap();
        assert!(stages.iter().any(|s| s["name"] == "Deploy"));
        assert!(
            stages
                .iter()
                .all(|s| s["status"].is_string() || s["status"].is_null())
        );
    }
    assert_eq!(envs[2]["protected"], true);
    let prd_stages: Vec<&str> = envs[2]["pipeline"]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(prd_stages, ["Source", "Approval", "Deploy", "Verify"]);
    let approvals = v["pending_approvals"].as_array().unwrap();
    assert!(
        !approvals.is_empty(),
        "the demo starts with a prd approval waiting"
    );
    let a = &approvals[0];
    assert_eq!(a["environment"], "prd");
    assert!(a["version"].is_string());
    assert!(a["waiting_since"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn same_seed_same_answer_and_seeds_differ() {
    // The answer, whatever the exit code: at some seeds the simulated repository lacks the
    // commit an environment runs, so its lag behind main is unknown (exit 1).
    let answer = |seed: &str| -> Value {
        let out = shipdeck(&["status", "--demo", "--output", "json", "--seed", seed]);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (a, b, c) = (answer("5"), answer("5"), answer("6"));
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn approvals_and_pipeline_commands() {
    let v = json(&["approvals", "--demo", "--output", "json"]);
    assert_eq!(v["pending_approvals"][0]["environment"], "prd");
    let v = json(&["pipeline", "prd", "--demo", "--output", "json"]);
    assert_eq!(v["environment"], "prd");
    assert_eq!(v["pipeline"]["name"], "storefront-deployer-prd");
    assert!(!v["pipeline"]["executions"].as_array().unwrap().is_empty());
    let table = shipdeck(&["status", "--demo", "--system", "storefront"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("ENV"), "{text}");
    assert!(text.contains("prd (protected)"));
    let out = shipdeck(&["pipeline", "qa", "--demo"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad value on the command line"
    );
    assert_eq!(
        stderr(&out).trim(),
        "shipdeck: unknown environment `qa`; expected one of dev, stg, prd (storefront); uat, live (backoffice)"
    );
}

#[test]
fn pipeline_says_a_running_execution_has_run_so_far() {
    // dev's newest execution is running when the demo starts.
    let out = shipdeck(&["pipeline", "dev", "--demo"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let history = text.split("EXECUTION").nth(1).unwrap_or_default();
    let running: Vec<&str> = history
        .lines()
        .filter(|l| l.contains("InProgress"))
        .collect();
    assert!(!running.is_empty(), "{text}");
    for line in running {
        assert!(line.contains(" so far"), "{line}");
    }
}

#[test]
fn config_check_reports_success_and_located_errors() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/shipdeck.example.toml");
    let out = shipdeck(&["config", "check", example]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok, 3 environments"));
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("shipdeck.toml");
    std::fs::write(&bad, "[aws]\nregoin = \"eu-west-1\"\n").unwrap();
    let out = shipdeck(&["config", "check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("shipdeck.toml:2:1: unknown key `regoin` in [aws]"),
        "{err}"
    );
    // One environment is one environment.
    let text = std::fs::read_to_string(example).unwrap();
    let second = text.match_indices("\n[[environments]]").nth(1).unwrap().0;
    let one = dir.join("one.toml");
    std::fs::write(&one, &text[..second]).unwrap();
    let out = shipdeck(&["config", "check", one.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains("one.toml: ok, 1 environment\n"), "{said}");
    let missing = dir.join("missing.toml");
    let out = shipdeck(&["config", "check", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("missing.toml: config file not found"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_flags_and_missing_config_are_clear_errors() {
    let out = shipdeck(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no configuration file found"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--demo"));
    let out = shipdeck(&["status", "--demo", "--output", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'yaml' for '--output <OUTPUT>'"),
        "{}",
        stderr(&out)
    );
    let out = shipdeck(&["--demo", "--speed", "fast"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected a number from 0 to 100000, got `fast`"),
        "{}",
        stderr(&out)
    );
    let out = shipdeck(&["status", "--demo", "--seed", "-1"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `runs`: both workflows' recent runs from the simulated repository, a failed one with the
/// job and step it failed in.
#[test]
fn runs_lists_both_workflows_with_where_failed_runs_failed() {
    let v = json(&[
        "--demo",
        "--system",
        "storefront",
        "runs",
        "--limit",
        "8",
        "-o",
        "json",
    ]);
    assert_eq!(v["repository"], "acme/storefront");
    assert_eq!(v["errors"], serde_json::json!([]));
    let workflows = v["workflows"].as_array().unwrap();
    let files: Vec<&str> = workflows
        .iter()
        .map(|w| w["workflow"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["deploy.yml", "release.yml"]);
    let deploys = workflows[0]["runs"].as_array().unwrap();
    assert_eq!(deploys.len(), 8);
    let failed = deploys
        .iter()
        .find(|r| r["conclusion"] == "failure")
        .expect("a failed deploy run");
    assert_eq!(failed["failed"]["job"], "build");
    assert!(
        failed["failed"]["step"]
            .as_str()
            .unwrap()
            .starts_with("Run npm")
    );
    let ok = deploys
        .iter()
        .find(|r| r["conclusion"] == "success")
        .unwrap();
    assert_eq!(ok["failed"], Value::Null);
    assert_eq!(ok["event"], "push");
    assert_eq!(ok["head_sha"].as_str().unwrap().len(), 40);
    assert!(
        workflows[1]["runs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["event"] == "workflow_dispatch")
    );

    let only = json(&[
        "--demo",
        "--system",
        "storefront",
        "runs",
        "--workflow",
        "release",
        "--limit",
        "2",
        "-o",
        "json",
    ]);
    assert_eq!(only["workflows"].as_array().unwrap().len(), 1);
    assert_eq!(only["workflows"][0]["role"], "release");

    let out = shipdeck(&["--demo", "--system", "storefront", "runs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("acme/storefront — GitHub Actions\n"),
        "{text}"
    );
    assert!(
        text.contains("RUN ID") && text.contains("FAILED AT"),
        "{text}"
    );
    assert!(text.contains("build › Run npm"), "{text}");
}

/// `trace`: the demo's release waiting at prd's approval (by its commit), the one prd runs
/// (by its version: superseded upstream), and a commit no environment has yet; bad input named.
#[test]
fn trace_follows_a_commit_to_each_environment() {
    let pending = json(&["--demo", "approvals", "-o", "json"]);
    let waiting = &pending["pending_approvals"][0];
    let sha = waiting["commit"].as_str().unwrap();
    let v = json(&[
        "--demo",
        "--system",
        "storefront",
        "trace",
        &sha[..7],
        "-o",
        "json",
    ]);
    assert_eq!(v["commit"]["sha"], sha);
    assert_eq!(v["versions"], serde_json::json!([waiting["version"]]));
    assert_eq!(v["errors"], serde_json::json!([]));
    let runs = v["runs"].as_array().unwrap();
    assert!(
        runs.iter().any(|r| r["workflow"] == "release.yml"),
        "{runs:?}"
    );
    let prd = &v["environments"][2];
    assert_eq!(prd["name"], "prd");
    assert_eq!(
        prd["now"],
        format!(
            "waiting for prd approval for {}",
            waiting["waited"].as_str().unwrap()
        )
    );
    assert_eq!(prd["executions"][0]["id"], waiting["execution_id"]);
    // The release stg runs is queued at prd's approval behind the one waiting there: it waits
    // to enter the stage, it is not shipping.
    let queued = json(&[
        "--demo",
        "--system",
        "storefront",
        "trace",
        "1.41.8",
        "-o",
        "json",
    ]);
    let now = queued["environments"][2]["now"].as_str().unwrap();
    assert!(
        now.starts_with("waiting to enter Approval in prd (execution "),
        "{now}"
    );
    assert!(
        prd["executions"][0]["console_url"]
            .as_str()
            .unwrap()
            .contains("codesuite/codepipeline/pipelines/storefront-deployer-prd/executions/")
    );
    let package = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["environment"] == "prd")
        .unwrap();
    assert!(package["key"].as_str().unwrap().starts_with("s3://"));
    assert!(!package["version_id"].as_str().unwrap().is_empty());

    let status = json(&["--demo", "status", "-o", "json"]);
    let envs = status["environments"].as_array().unwrap();
    // The deployer: stg's Deploy project lags one image behind the newest; the image it runs was
    // pushed by the deploy run of the release of that tag, which the trace names.
    let stg = &envs[1]["deployer"];
    assert_eq!(stg["stale"], true, "{stg}");
    assert_eq!(envs[0]["deployer"]["stale"], false);
    assert_eq!(stg["newest"], envs[0]["deployer"]["runs"]);
    let tag = stg["runs"].as_str().unwrap();
    let v = json(&[
        "--demo",
        "--system",
        "storefront",
        "trace",
        tag,
        "-o",
        "json",
    ]);
    let image = &v["deployer_image"];
    assert_eq!(image["repository"], "storefront-deployer", "{v}");
    assert_eq!(image["tags"], serde_json::json!([tag]));
    assert!(
        v["runs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == image["run_id"])
    );
    let in_prd = envs[2]["deployed_version"].as_str().unwrap();
    let upstream = envs[1]["deployed_version"].as_str().unwrap();
    let v = json(&[
        "--demo",
        "--system",
        "storefront",
        "trace",
        in_prd,
        "-o",
        "json",
    ]);
    assert_eq!(v["environments"][2]["now"], "running in prd");
    assert_eq!(
        v["environments"][1]["now"],
        format!("superseded in stg by {upstream}")
    );
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .starts_with("running in prd; ")
    );

    // The newest commit on main: its deploy run, no environment yet.
    let newest = json(&[
        "--demo",
        "--system",
        "storefront",
        "runs",
        "--workflow",
        "deploy",
        "--limit",
        "1",
        "-o",
        "json",
    ]);
    let head = newest["workflows"][0]["runs"][0]["head_sha"]
        .as_str()
        .unwrap();
    let v = json(&[
        "--demo",
        "--system",
        "storefront",
        "trace",
        head,
        "-o",
        "json",
    ]);
    assert_eq!(
        v["summary"],
        "not yet in dev; not yet in stg; not yet in prd"
    );
    assert_eq!(v["packages"], serde_json::json!([]));

    let out = shipdeck(&["--demo", "--system", "storefront", "trace", "deadbeef"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("commit deadbeef does not exist in acme/storefront"),
        "{}",
        stderr(&out)
    );
    let out = shipdeck(&["--demo", "--system", "storefront", "trace", "9.9.9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("version 9.9.9 is not in the release catalogue"));
    let out = shipdeck(&["--demo", "--system", "storefront", "trace", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`main` is neither a commit SHA"));
}

/// `status -o json`: each environment's commit and how many commits it lags `main`.
#[test]
fn status_gives_each_environments_commit_and_lag_behind_main() {
    let v = json(&["--demo", "--system", "storefront", "status", "-o", "json"]);
    assert_eq!(v["errors"], serde_json::json!([]));
    let envs = v["environments"].as_array().unwrap();
    for e in envs {
        assert_eq!(e["commit"].as_str().unwrap().len(), 40, "{e}");
        assert!(e["commits_behind_main"].is_u64(), "{e}");
    }
    let dev = envs[0]["commits_behind_main"].as_u64().unwrap();
    let prd = envs[2]["commits_behind_main"].as_u64().unwrap();
    assert!(
        prd > dev,
        "prd runs an older commit than dev: {prd} vs {dev}"
    );
    let text = String::from_utf8_lossy(&shipdeck(&["--demo", "status"]).stdout).to_string();
    assert!(
        text.contains("MAIN") && text.contains(&format!("{prd} behind")),
        "{text}"
    );
}

/// An environment that runs a local build (`make deploy-dev`: a commit the repository does not
/// have) has no lag behind `main` to count: that is a known answer, not an unknown read, so
/// `status` says `not in repo` and exits 0 (seed 7: dev runs such a build).
#[test]
fn a_commit_the_repository_does_not_have_is_not_in_repo_not_unknown() {
    let v = json(&[
        "--demo",
        "--seed",
        "7",
        "--system",
        "storefront",
        "status",
        "-o",
        "json",
    ]);
    assert_eq!(v["errors"], serde_json::json!([]), "{v}");
    let dev = &v["environments"][0];
    assert_eq!(dev["commit_not_in_repository"], true, "{dev}");
    assert!(dev["commits_behind_main"].is_null(), "{dev}");
    for other in &v["environments"].as_array().unwrap()[1..] {
        assert!(other["commits_behind_main"].is_u64(), "{other}");
        assert!(other.get("commit_not_in_repository").is_none(), "{other}");
    }
    let out = shipdeck(&["--demo", "--seed", "7", "--system", "storefront", "status"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("not in repo"), "{text}");
}

/// `runs show`: jobs, steps and the end of a job's log; bad input named.
#[test]
fn runs_show_gives_jobs_steps_and_a_log_tail() {
    let v = json(&[
        "--demo",
        "--system",
        "storefront",
        "runs",
        "--workflow",
        "deploy",
        "--limit",
        "20",
        "-o",
        "json",
    ]);
    let failed = v["workflows"][0]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["conclusion"] == "failure")
        .unwrap();
    let id = failed["id"].as_u64().unwrap().to_string();
    let show = json(&[
        "--demo",
        "--system",
        "storefront",
        "runs",
        "show",
        &id,
        "--log",
        "build",
        "--lines",
        "6",
        "-o",
        "json",
    ]);
    assert_eq!(show["run"]["id"].as_u64().unwrap().to_string(), id);
    let jobs = show["jobs"].as_array().unwrap();
    let names: Vec<&str> = jobs.iter().map(|j| j["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["build", "deployer-image", "upload"]);
    assert_eq!(jobs[1]["conclusion"], "skipped");
    assert!(jobs[0]["steps"].as_array().unwrap().len() >= 5);
    let lines = show["log"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 6);
    assert!(show["log"]["total_lines"].as_u64().unwrap() > 6);
    assert!(
        lines.iter().any(|l| l
            .as_str()
            .unwrap()
            .contains("##[error]Process completed with exit code 1.")),
        "{lines:?}"
    );

    // `runs show RUN --log JOB [MORE…]` in the demo's storefront.
    let log_of = |run: &str, job: &str, more: &[&str]| {
        let mut args = vec![
            "--demo",
            "--system",
            "storefront",
            "runs",
            "show",
            run,
            "--log",
            job,
        ];
        args.extend_from_slice(more);
        shipdeck(&args)
    };
    // A skipped job has no log: said, not an empty one.
    let out = log_of(&id, "deployer-image", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("log of deployer-image: none: the job was skipped, it ran no step"),
        "{text}"
    );

    // A job still running: GitHub does not serve its log yet; said, not an error.
    let running = v["workflows"][0]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "in_progress")
        .unwrap();
    let rid = running["id"].as_u64().unwrap().to_string();
    let out = log_of(&rid, "build", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(
            "log of build: not served yet: the job is in_progress: GitHub serves its log once \
             it ends"
        ),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The run's GitHub address works as its id.
    let url = failed["html_url"].as_str().unwrap();
    let out = log_of(url, "build", &["--lines", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("JOB") && text.contains("Run npm test"),
        "{text}"
    );
    assert!(text.contains("log of build (the last 2 of"), "{text}");

    let out = log_of(&id, "deploy", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "--log deploy: the run has no such job; its jobs: build, deployer-image, upload"
        ),
        "{}",
        stderr(&out)
    );
    // A run the repository does not have is a bad value (exit 2), as an unknown commit is for
    // `trace`; re-running or cancelling it too.
    for args in [
        &["runs", "show", "1"][..],
        &["runs", "rerun", "1", "--dry-run"][..],
        &["runs", "cancel", "1", "--dry-run"][..],
    ] {
        let out = shipdeck(&[&["--demo", "--system", "storefront"][..], args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(
                "run 1: workflow run not found: 1 in acme/storefront (`shipdeck runs` lists the \
                 recent runs and their ids)"
            ),
            "{}",
            stderr(&out)
        );
    }
    for bad in [
        &["--demo", "--system", "storefront", "runs", "show", "latest"][..],
        &["--demo", "--system", "storefront", "runs", "--limit", "0"][..],
        &[
            "--demo",
            "--system",
            "storefront",
            "runs",
            "--workflow",
            "nightly",
        ][..],
    ] {
        assert_eq!(shipdeck(bad).status.code(), Some(2), "{bad:?}");
    }
}

/// Against GitHub: not configured is said with what to add; an API that cannot be reached
/// gives `null` runs and the reason (unknown is not none), exit 1, and never the token.
#[test]
fn runs_against_github_say_what_is_missing_and_what_is_unknown() {
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-gh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let env = "\n[[environments]]\nname = \"dev\"\npipeline = \"storefront-deployer-dev\"\n\
               source_bucket = \"storefront-deployer-source\"\nsource_key = \"dev/release.zip\"\n\
               distribution_id = \"E2DEVSTOREFRNT\"\nlogs_bucket = \"storefront-cloudfront-logs\"\n";
    let plain = dir.join("plain.toml");
    std::fs::write(&plain, format!("[aws]\nregion = \"eu-west-1\"\n{env}")).unwrap();
    let out = shipdeck(&["--config", plain.to_str().unwrap(), "runs"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "GitHub is not configured: add a [github] table with repository = \"owner/name\""
        ),
        "{}",
        stderr(&out)
    );
    // Nothing listens on the discard port of the loopback address.
    let unreachable = dir.join("unreachable.toml");
    std::fs::write(
        &unreachable,
        format!(
            "[aws]\nregion = \"eu-west-1\"\n[github]\nrepository = \"acme/storefront\"\n\
             api_url = \"http://127.0.0.1:9\"\n{env}"
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args([
            "--config",
            unreachable.to_str().unwrap(),
            "runs",
            "-o",
            "json",
        ])
        .env("GITHUB_TOKEN", "ghp_never_shown_42")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["workflows"][0]["runs"], Value::Null);
    assert_eq!(v["workflows"][1]["runs"], Value::Null);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["what"], "runs of deploy.yml");
    assert!(
        errors[0]["error"]
            .as_str()
            .unwrap()
            .starts_with("network error: GitHub list workflow runs (http://127.0.0.1:9)"),
        "{errors:?}"
    );
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(!all.contains("ghp_never_shown_42"));
    std::fs::remove_dir_all(&dir).ok();
}

/// CodePipeline V2 in `status`/`pipeline` JSON: the execution mode, the queue per stage, and
/// per stage its conditions with their rules and live state; `rules` lists the rule runs.
#[test]
fn v2_json_has_modes_queues_conditions_and_rule_runs() {
    let v = json(&[
        "status",
        "--demo",
        "--system",
        "storefront",
        "--output",
        "json",
    ]);
    let envs = v["environments"].as_array().unwrap();
    let modes: Vec<&str> = envs
        .iter()
        .map(|e| e["pipeline"]["execution_mode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["QUEUED", "SUPERSEDED", "SUPERSEDED"]);
    assert_eq!(envs[2]["pipeline"]["pipeline_type"], "V2");
    for env in envs {
        for s in env["pipeline"]["stages"].as_array().unwrap() {
            assert!(s["queued"].is_array(), "{s}");
            assert!(s["conditions"].is_array(), "{s}");
        }
    }
    let p = json(&["pipeline", "prd", "--demo", "--output", "json"]);
    let deploy = p["pipeline"]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Deploy")
        .unwrap()
        .clone();
    let conditions = deploy["conditions"].as_array().unwrap();
    let kinds: Vec<&str> = conditions
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["beforeEntry", "onSuccess"]);
    assert_eq!(conditions[0]["result"], "FAIL");
    assert_eq!(conditions[1]["result"], "ROLLBACK");
    let window = &conditions[0]["rules"][0];
    assert_eq!(window["name"], "prod-hours");
    assert_eq!(window["type"], "DeploymentWindow");
    assert!(
        window["status"].is_string() && window["summary"].is_string(),
        "{window}"
    );
    assert_eq!(conditions[1]["rules"][0]["type"], "CloudWatchAlarm");
    assert!(conditions[0]["summary"].is_string());

    let r = json(&["rules", "prd", "--stage", "Deploy", "--demo", "-o", "json"]);
    let runs = r["rules"].as_array().unwrap();
    assert!(!runs.is_empty(), "two weeks of prd deploys ran their rules");
    assert!(runs.iter().all(|x| x["stage"] == "Deploy"));
    assert!(runs.iter().any(|x| x["type"] == "DeploymentWindow"));
    assert!(runs.iter().any(|x| x["type"] == "CloudWatchAlarm"));
    let none = json(&[
        "rules", "prd", "--stage", "Approval", "--demo", "-o", "json",
    ]);
    assert_eq!(none["rules"].as_array().unwrap().len(), 0);
    let bad = shipdeck(&["rules", "prd", "--stage", "Nope", "--demo"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown stage `Nope` of storefront-deployer-prd; expected one of Source, Approval, Deploy, Verify"),
        "{}",
        stderr(&bad)
    );
    let bad = shipdeck(&["rules", "qa", "--demo"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown environment `qa`"),
        "{}",
        stderr(&bad)
    );
}

/// `health`: the demo's environments on the map, as JSON and as text, the exit code following
/// the worst node (0 green, 1 unknown, 3 red); an unknown environment is a usage error.
#[test]
fn health_maps_each_environment_and_its_exit_code_follows_the_worst_node() {
    let out = shipdeck(&["--demo", "health", "-o", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let envs = v["environments"].as_array().unwrap();
    let names: Vec<&str> = envs.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["dev", "stg", "prd"]);
    let worst = |level: &str| {
        envs.iter()
            .flat_map(|e| {
                e["app"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .chain(e["deployer"].as_array().unwrap())
            })
            .any(|n| n["level"] == level)
    };
    let expected = if worst("red") {
        3
    } else if worst("unknown") {
        1
    } else {
        0
    };
    assert_eq!(out.status.code(), Some(expected), "{}", stderr(&out));
    let prd = &envs[2];
    let nodes: Vec<&str> = prd["app"]
        .as_array()
        .unwrap()
        .iter()
        .chain(prd["deployer"].as_array().unwrap())
        .map(|n| n["node"].as_str().unwrap())
        .collect();
    assert_eq!(
        nodes,
        [
            "site",
            "cloudfront",
            "web_bucket",
            "api",
            "lambda",
            "source_bucket",
            "pipeline",
            "codebuild",
            "codedeploy"
        ]
    );
    let cdn = &prd["app"][1];
    assert_eq!(cdn["resource"], "E2PRDSTOREFRNT");
    let signal = |node: &Value, name: &str| {
        node["signals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .cloned()
            .unwrap()
    };
    assert!(signal(cdn, "requests")["value"].as_f64().unwrap() > 0.0);
    assert!(signal(cdn, "cache_hit")["value"].is_number());
    // dev has no additional metrics: no data, a null, not a zero.
    let dev_hit = signal(&envs[0]["app"][1], "cache_hit");
    assert_eq!(dev_hit["value"], Value::Null);
    assert_eq!(dev_hit["text"], "no data");
    assert_eq!(prd["app"][4]["resource"], "storefront-api-prd");

    let out = shipdeck(&["--demo", "health", "stg"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("stg "), "{text}");
    assert!(
        text.contains("CloudFront + fn") && !text.contains("\nprd "),
        "{text}"
    );

    let out = shipdeck(&["--demo", "health", "qa"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "shipdeck: unknown environment `qa`; expected one of dev, stg, prd (storefront); uat, live (backoffice)"
    );
}

/// `health` as text fits 80 columns: each node's signals go on the lines under it (indented,
/// broken between signals, never inside one), and a long reason wraps under its own column.
#[test]
fn health_text_puts_each_nodes_signals_on_their_own_lines_within_80_columns() {
    let out = shipdeck(&["--demo", "health"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "wider than 80: {line:?}\n{text}"
        );
    }
    let lines: Vec<&str> = text.lines().collect();
    let cdn = lines
        .iter()
        .position(|l| l.contains("CloudFront + fn"))
        .unwrap();
    assert!(!lines[cdn].contains("requests"), "{}", lines[cdn]);
    assert!(
        lines[cdn + 1].starts_with("              requests "),
        "{}",
        lines[cdn + 1]
    );
    // A signal is never split across lines: `origin p99` keeps its value.
    let origin = lines.iter().find(|l| l.contains("origin p99")).unwrap();
    assert!(
        origin.contains("origin p99 no data") || origin.contains(" ms"),
        "{origin}"
    );
    let bucket = lines
        .iter()
        .position(|l| l.contains("S3 web bucket"))
        .unwrap();
    let at = lines[bucket].find("served").unwrap();
    assert_eq!(&lines[bucket + 1][..at], " ".repeat(at), "{text}");
}

/// One environment failing a fifth of its requests turns red with the reason, the others stay
/// green; the map read through the simulator whose clock the test drives.
#[tokio::test]
async fn a_degrading_environment_is_red_with_its_reason() {
    use shipdeck::domain::{Level, Timestamp};
    use shipdeck::runtime::{Connection, connect};
    let mut backend = connect(&Connection {
        demo: true,
        config: None,
        read_only: false,
        profile: None,
        region: None,
        endpoint_url: None,
        seed: 7,
        speed: 1.0,
        system: None,
    })
    .unwrap();
    let sim = backend.sim.clone().unwrap();
    backend.now = sim.with(|s| {
        assert!(s.degrade("stg", 0.2, Timestamp::HOUR));
        s.advance(20 * Timestamp::MINUTE);
        s.now()
    });
    let map = shipdeck::cli::release::health::assess(&backend, None)
        .await
        .unwrap();
    let stg = &map.environments[1];
    assert_eq!(stg.level, Level::Red);
    let cdn = &stg.app[1];
    assert_eq!(cdn.level, Level::Red);
    assert!(
        cdn.reason.starts_with("5xx ") && cdn.reason.ends_with("% > 1% for 5 min"),
        "{}",
        cdn.reason
    );
    assert!(
        stg.reason.starts_with("CloudFront + fn: 5xx "),
        "{}",
        stg.reason
    );
    assert_eq!(shipdeck::cli::release::health::code(&map), 3);
    let dev_cdn = &map.environments[0].app[1];
    assert_eq!(dev_cdn.level, Level::Green, "{dev_cdn:?}");
}

/// `impact ENV`: the newest deploy's release health as JSON (windows in RFC 3339, the rule's
/// numbers); `--execution` picks a deploy by id prefix; a deploy older than the logs read is
/// unknown (exit 1, its reason and the `--since` that reads them), never an empty "no change";
/// `--since` sets how far back the logs are read.
#[test]
fn impact_prints_a_deploys_release_health_as_json() {
    let r = json(&["impact", "dev", "--demo", "-o", "json"]);
    assert_eq!(r["environment"], "dev");
    assert_eq!(r["deploy"], "deploy 1.41.8 (bfacc494)");
    assert_eq!(r["reached_at"], "2026-11-25T07:45:54Z");
    // The deploy before reached dev 21 minutes earlier: the before-window starts there, and
    // its cache warm-up is not compared; the refilled cache alone is no change, not "better".
    assert_eq!(r["before"]["from"], "2026-11-25T07:24:38Z");
    assert_eq!(r["after"]["to"], "2026-11-25T08:15:54Z");
    assert_eq!(r["verdict"], "no_change", "{r}");
    assert_eq!(r["before"]["requests"], 171);
    let warm = |side: &str| r[format!("{side}_cache_from_warmup")].as_f64().unwrap();
    assert!((warm("before") - 8.0 / 11.0).abs() < 1e-9, "{r}");
    assert!((warm("after") - 70.0 / 99.0).abs() < 1e-9, "{r}");
    assert_eq!(r["after"]["requests"], 228);
    assert_eq!(r["rule"]["window_minutes"], 30);
    assert!(r["paths"].as_array().is_some_and(|p| !p.is_empty()));
    let id = r["execution_id"].as_str().unwrap().to_string();
    let again = json(&[
        "impact",
        "dev",
        "--execution",
        &id[..8],
        "--demo",
        "-o",
        "json",
    ]);
    assert_eq!(again["execution_id"], id.as_str());
    // stg's logs are found by discovery (a v2 delivery) before they are read: measured too,
    // not "no logs read yet".
    let stg = json(&["impact", "stg", "--demo", "-o", "json"]);
    assert_ne!(stg["verdict"], "unknown", "{stg}");
    assert!(stg["before"]["requests"].as_u64().unwrap() > 0, "{stg}");
    // prd's newest deploy is older than the 24 h look-back: unknown, and how far back to read.
    let old = shipdeck(&["impact", "prd", "--demo", "-o", "json"]);
    assert_eq!(old.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&old.stdout).unwrap();
    assert_eq!(v["verdict"], "unknown");
    assert!(
        v["reasons"][0].as_str().unwrap().contains("were not read"),
        "{v}"
    );
    assert!(
        v["reasons"][1].as_str().unwrap().starts_with("`--since "),
        "{v}"
    );
    // Its windows were not counted: null, never zero requests.
    assert!(v["before"].is_null() && v["after"].is_null(), "{v}");
    let text = shipdeck(&["impact", "prd", "--demo"]);
    assert_eq!(text.status.code(), Some(1));
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.contains("not measured"), "{text}");
    assert!(
        !text.contains("requests"),
        "no counts for what was not read: {text}"
    );
    // `--since` sets the look-back: 2 h still holds dev's deploy and its windows, 30 min not.
    let two = json(&["impact", "dev", "--since", "2h", "--demo", "-o", "json"]);
    assert_eq!(two["verdict"], r["verdict"], "{two}");
    assert_eq!(two["before"], r["before"], "{two}");
    let short = shipdeck(&["impact", "dev", "--since", "30m", "--demo", "-o", "json"]);
    assert_eq!(short.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&short.stdout).unwrap();
    assert!(
        v["reasons"][1].as_str().unwrap().contains("--since 2h"),
        "{v}"
    );
    let bad = shipdeck(&["impact", "dev", "--execution", "zzz", "--demo"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("no deploy of execution `zzz`"),
        "{}",
        stderr(&bad)
    );
}

/// `impact` reads a deploy's two windows only: prd's deploy two days back, with a look-back
/// that reaches it, is measured from the log files of the hours from its before-window's start
/// to its after-window's end — not from those of the two days since — and says what it read.
#[test]
fn impact_reads_only_the_hours_of_a_deploys_windows() {
    let r = json(&["impact", "prd", "--since", "80h", "--demo", "-o", "json"]);
    assert_ne!(r["verdict"], "unknown", "{r}");
    assert_eq!(r["reached_at"], "2026-11-23T09:29:08Z");
    let read = &r["logs_read"];
    assert_eq!(read["from"], r["before"]["from"], "{r}");
    assert_eq!(read["until"], "2026-11-23T09:59:08Z", "{r}");
    // Hours 08 and 09 hold the windows; prd's logs since then are 48 h of files.
    let objects = read["objects"].as_u64().unwrap();
    assert!((1..=36).contains(&objects), "{objects} log files read");
    // The records of the span only, which are those the windows counted.
    let counted =
        r["before"]["requests"].as_u64().unwrap() + r["after"]["requests"].as_u64().unwrap();
    assert_eq!(read["records"].as_u64().unwrap(), counted, "{r}");
    // The same windows, the same files, however far the look-back reaches.
    let far = json(&["impact", "prd", "--since", "100h", "--demo", "-o", "json"]);
    assert_eq!(far["logs_read"], r["logs_read"]);
    assert_eq!((&far["before"], &far["after"]), (&r["before"], &r["after"]));
    let text = shipdeck(&["impact", "prd", "--since", "80h", "--demo"]);
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let line = format!(
        "logs read: 2026-11-23T08:59:08Z to 2026-11-23T09:59:08Z, {} records in {objects} log files",
        read["records"]
    );
    assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
    // A deploy's after-window stops where the next deploy reached the environment: prd's
    // auto-rollback came 14 minutes after 8416f96b, and what follows is its traffic.
    let rolled = json(&[
        "impact",
        "prd",
        "--execution",
        "8416f96b",
        "--since",
        "200h",
        "--demo",
        "-o",
        "json",
    ]);
    let back = json(&[
        "impact",
        "prd",
        "--execution",
        "697a4d66",
        "--since",
        "200h",
        "--demo",
        "-o",
        "json",
    ]);
    assert_eq!(rolled["after"]["to"], back["reached_at"], "{rolled}");
    assert_eq!(rolled["logs_read"]["until"], back["reached_at"], "{rolled}");
    // An execution listed that never deployed is said so (exit 2), as an empty id is.
    let pending = shipdeck(&["impact", "prd", "--execution", "4aeba1e2", "--demo"]);
    assert_eq!(pending.status.code(), Some(2));
    assert!(
        stderr(&pending).contains("has not deployed to prd (it is InProgress)"),
        "{}",
        stderr(&pending)
    );
    let empty = shipdeck(&["impact", "prd", "--execution", "", "--demo"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty).contains("--execution: expected"),
        "{}",
        stderr(&empty)
    );
    // Nothing read when the look-back does not reach it: `null`, never zero files.
    let old = shipdeck(&["impact", "prd", "--demo", "-o", "json"]);
    let v: Value = serde_json::from_slice(&old.stdout).unwrap();
    assert!(v["logs_read"].is_null(), "{v}");
}

/// A commit made before the oldest execution an environment's listing reaches (dev's history
/// at seed 42 starts after 7c18971) is not "not yet" there: an older execution may have carried
/// it. That is unknown, so it is an entry of `errors` and the command exits 1; stg and prd,
/// whose listings reach back, still answer.
#[test]
fn a_commit_older_than_an_environments_listed_history_is_not_called_absent_there() {
    let out = shipdeck(&[
        "--demo",
        "--system",
        "storefront",
        "trace",
        "7c18971",
        "-o",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = v["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors.iter().any(|e| e["what"] == "dev"
            && e["error"]
                .as_str()
                .is_some_and(|t| t.contains("older execution may have carried it"))),
        "{errors:?}"
    );
    let summary = v["summary"].as_str().unwrap_or_default();
    assert!(
        summary.starts_with("not in dev's listed executions (since "),
        "{summary}"
    );
    assert!(!summary.contains("not yet in dev"), "{summary}");
    assert!(summary.contains("superseded in stg by"), "{summary}");
}

/// `shipdeck login` against a local stand-in of IAM Identity Center's OIDC service
/// (`AWS_ENDPOINT_URL_SSO_OIDC`) that approves at the first poll: the page with the code and
/// the code are printed, the token is cached for the AWS CLI, and no token is printed.
#[tokio::test]
async fn login_prints_the_page_and_code_then_the_session_signed_in() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let answer = |to: &str, body: Value| {
        Mock::given(method("POST"))
            .and(path(to.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    answer(
        "/client/register",
        serde_json::json!({"clientId": "client-1", "clientSecret": "client-secret-1",
            "clientIdIssuedAt": 1_700_000_000, "clientSecretExpiresAt": 4_000_000_000_i64}),
    )
    .mount(&server)
    .await;
    answer(
        "/device_authorization",
        serde_json::json!({"deviceCode": "device-code-1", "userCode": "WDJB-MJHT",
            "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/",
            "verificationUriComplete": "https://device.sso.eu-west-1.amazonaws.com/?user_code=WDJB-MJHT",
            "expiresIn": 600, "interval": 1}),
    )
    .mount(&server)
    .await;
    answer(
        "/token",
        serde_json::json!({"accessToken": "access-token-1", "tokenType": "Bearer",
            "expiresIn": 28_800, "refreshToken": "refresh-token-1"}),
    )
    .mount(&server)
    .await;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile ops]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Deployer\n\n\
         [profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = ops\n\n\
         [sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n",
    )
    .unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(["login", "--profile", "admin", "--no-browser"])
        .env("HOME", home.path())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", server.uri())
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_PROFILE")
        .current_dir(home.path())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", stderr_of(&out.stderr));
    for want in [
        "Signing in to sso-session `corp` for profile admin",
        "https://device.sso.eu-west-1.amazonaws.com/?user_code=WDJB-MJHT",
        "WDJB-MJHT",
        "Signed in to sso-session `corp` until ",
    ] {
        assert!(stdout.contains(want), "expected `{want}` in:\n{stdout}");
    }
    for secret in [
        "access-token-1",
        "refresh-token-1",
        "client-secret-1",
        "device-code-1",
    ] {
        assert!(!stdout.contains(secret) && !stderr_of(&out.stderr).contains(secret));
    }
    let cached = home
        .path()
        .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    let token: Value = serde_json::from_str(&std::fs::read_to_string(cached).unwrap()).unwrap();
    assert_eq!(token["accessToken"], "access-token-1");
    assert_eq!(token["startUrl"], "https://d-1234567890.awsapps.com/start");
}

fn stderr_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// backoffice's live: its Deploy stage's last run failed a day ago, and a newer execution waits
/// at Approval. The map is red for that failure and says which execution it was and that the
/// newest has not reached the stage (the Environments view speaks of the newest).
#[test]
fn health_says_which_execution_a_failed_stage_was() {
    let out = shipdeck(&["--demo", "--system", "backoffice", "health", "live"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    // The summary line, as the terminal width wraps it.
    let summary: Vec<&str> = (text.lines().take(2))
        .flat_map(str::split_whitespace)
        .collect();
    let summary = summary.join(" ");
    assert!(
        summary.starts_with("live RED CodePipeline: Deploy failed (execution ")
            && summary.contains("; the newest, ")
            && summary.ends_with("has not reached it yet)"),
        "{text}"
    );
}

/// The same failure in `status`: the table's STATUS speaks of the newest execution (awaiting
/// approval), so a line under it says the last deploy failed — which release, when and why —
/// and the JSON carries it as `last_deploy_failed`; uat, whose deploys succeed, has none.
#[test]
fn status_says_the_last_deploy_failed_when_a_newer_execution_is_what_the_table_shows() {
    let out = shipdeck(&["--demo", "--system", "backoffice", "status"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let line = (text.lines())
        .find(|l| l.starts_with("last deploy failed"))
        .unwrap_or_else(|| panic!("no failed deploy line:\n{text}"));
    assert!(
        line.starts_with("last deploy failed (live): 1.50.2 (execution 8b2ec47a) ")
            && line.contains(" ago in Deploy: JobFailed: Build failed: "),
        "{line}"
    );
    assert_eq!(text.matches("last deploy failed").count(), 1, "{text}");
    let out = shipdeck(&["--demo", "--system", "backoffice", "status", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let envs = v["environments"].as_array().unwrap();
    let failed = &envs.iter().find(|e| e["name"] == "live").unwrap()["last_deploy_failed"];
    assert_eq!(failed["version"], "1.50.2", "{failed}");
    assert_eq!(failed["stage"], "Deploy", "{failed}");
    assert!(
        failed["execution"]
            .as_str()
            .unwrap()
            .starts_with("8b2ec47a")
    );
    assert!(failed["error"].as_str().unwrap().starts_with("JobFailed: "));
    let uat = envs.iter().find(|e| e["name"] == "uat").unwrap();
    assert!(uat["last_deploy_failed"].is_null(), "{uat}");
}

/// A rule held by a closed deployment window passes hours after it started: the table says when
/// each rule run ended and how long it took, so a held deploy does not read as one that passed
/// outside the window. Each row's times agree with its JSON.
#[test]
fn the_rules_table_says_when_a_rule_run_ended_and_how_long_it_was_held() {
    let out = shipdeck(&["rules", "prd", "--demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header[..3], ["STARTED", "ENDED", "TOOK"], "{text}");
    let r = json(&["rules", "prd", "--demo", "-o", "json"]);
    let runs = r["rules"].as_array().unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), runs.len(), "{text}");
    let ts = |s: &str| shipdeck::domain::Timestamp::parse_rfc3339(s).unwrap().0 / 1000;
    let mut held = 0;
    for (row, run) in rows.iter().zip(runs) {
        let start = run["start"].as_str().unwrap();
        let end = run["last_update"].as_str().unwrap();
        assert!(row.starts_with(&format!("{start}  {end}  ")), "{row}");
        if ts(end) - ts(start) >= 3600 && run["type"] == "DeploymentWindow" {
            held += 1;
            let took = row.split("  ").nth(2).unwrap().trim();
            assert!(took.contains('h'), "held for hours, said in hours: {row}");
        }
    }
    assert!(
        held > 0,
        "the demo's prd has a deploy held overnight:\n{text}"
    );
}
