//! The mutating commands as a process against the simulator (`--demo`): plans, `--dry-run`,
//! `--output json`, exit codes 0/1/2/3, `--yes` for a protected environment without a terminal,
//! audit lines and `shipdeck audit`.

use crate::support;

use serde_json::Value;
use support::cli_ops::*;

#[test]
fn a_protected_environment_without_a_terminal_needs_yes() {
    let state = state_dir("noyes");
    let out = shipdeck(&state, &["--demo", "approve", "prd", "--comment", "ok"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Approve the release waiting in prd (PROTECTED)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("aws codepipeline put-approval-result"),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).contains("pass --yes"),
        "{}",
        text(&out.stderr)
    );
    let lines = audit_lines(&state);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "refused");
    assert_eq!(lines[0]["guard"], "confirmation");
    assert_eq!(lines[0]["environment"], "prd");
}

#[test]
fn approve_with_yes_is_done_verified_and_audited() {
    let state = state_dir("approve");
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "approve",
            "prd",
            "--comment",
            "dashboards green",
            "--yes",
            "--output",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["action"], "approve");
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["plan"]["call"]["operation"], "PutApprovalResult");
    assert_eq!(v["plan"]["confirm"]["kind"], "type-name");
    assert_eq!(v["outcome"]["class"], "done");
    assert_eq!(v["verified"]["ok"], true, "{v}");
    let lines = audit_lines(&state);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["outcome"], "done");
    assert_eq!(line["action"], "approve");
    // prd's calls are made as its own identity: the demo's role session in prd's account,
    // named after the operator who assumed the role (not one name for everyone).
    assert_eq!(
        line["identity"],
        "arn:aws:sts::222222222222:assumed-role/shipdeck-operator/demo-operator"
    );
    assert!(
        line["aws_command"]
            .as_str()
            .unwrap()
            .contains("\naws codepipeline put-approval-result")
    );
    assert_eq!(line["parameters"]["result"]["summary"], "dashboards green");
    assert!(line["parameters"]["token"].as_str().unwrap().ends_with('…'));

    let out = shipdeck(&state, &["--demo", "audit", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let out = shipdeck(&state, &["--demo", "audit", "--since", "1h"]);
    let table = text(&out.stdout);
    assert!(
        // prd's caller: the role session in prd's account, shown by its session name.
        table.contains("demo-operator  prd  approve") && table.contains("done"),
        "{table}"
    );
}

#[test]
fn dry_run_prints_only_the_plan_and_audits_nothing() {
    let state = state_dir("dry");
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "reject",
            "prd",
            "--comment",
            "error rate up",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Reject the release waiting in prd"),
        "{stdout}"
    );
    assert!(stdout.contains(r#""status":"Rejected""#), "{stdout}");
    assert!(stdout.contains("dry run: nothing was sent"), "{stdout}");
    assert!(audit_lines(&state).is_empty());
    let out = shipdeck(
        &state,
        &["--demo", "deploy", "prd", "--dry-run", "--output", "json"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["dry_run"].clone(), v["exit_code"].clone()),
        (Value::Bool(true), Value::from(0))
    );
    assert!(v["outcome"].is_null());
    // dev runs QUEUED: a deploy while one runs waits its turn (it supersedes nothing).
    let out = shipdeck(&state, &["--demo", "deploy", "dev", "--dry-run"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("(QUEUED: the new execution waits its turn at each stage)"),
        "{stdout}"
    );
    assert!(!stdout.contains("supersedes"), "{stdout}");
    // prd runs two: one at its approval, a newer one queued at the approval's entry. A stop
    // names the newest, where it waits, and the one it leaves running.
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "stop",
            "prd",
            "--reason",
            "bad build",
            "--dry-run",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("stage now:     waiting to enter Approval\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning:       1 more running in prd, not stopped by this: ")
            && stdout.contains(", Approval)"),
        "{stdout}"
    );
    // `--execution` chooses the one at the approval, by the short id the warning gave.
    let at = stdout.find("not stopped by this: ").unwrap() + "not stopped by this: ".len();
    let older = &stdout[at..at + 8];
    let newest = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Stop execution "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    let stop = |execution: &str| {
        let argv = [
            "--demo",
            "stop",
            "prd",
            "--execution",
            execution,
            "--reason",
            "bad build",
            "--dry-run",
        ];
        shipdeck(&state, &argv)
    };
    let out = stop(older);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("Stop execution {older}")),
        "{stdout}"
    );
    assert!(stdout.contains("stage now:     Approval\n"), "{stdout}");
    assert!(
        stdout.contains(&format!("not stopped by this: {}", &newest[..8])),
        "{stdout}"
    );
    let out = stop("nosuch");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no execution `nosuch` in prd's history")
            && stderr.contains("(--execution)"),
        "{stderr}"
    );
}

/// A plan's `aws` command runs as its environment's identity: prd's role (the demo's second
/// account) is a comment line naming the role and the profile to run it with, above the
/// command; dev's command, in the default identity, has nothing added.
#[test]
fn the_aws_command_of_a_plan_names_the_environments_role() {
    let state = state_dir("role-command");
    let sso = ["--demo", "--profile", "storefront-sso"];
    let out = shipdeck(
        &state,
        &[&sso[..], &["deploy", "prd", "--dry-run"]].concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let at = stdout.find("aws CLI:").expect("the aws command");
    let lines: Vec<&str> = stdout[at..].lines().take(2).collect();
    assert_eq!(
        lines[0],
        "aws CLI:   # as role arn:aws:iam::222222222222:role/shipdeck-operator: add --profile P, \
         a profile in ~/.aws/config with role_arn = \
         arn:aws:iam::222222222222:role/shipdeck-operator and source_profile = storefront-sso",
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("           aws codepipeline start-pipeline-execution "),
        "{stdout}"
    );
    let out = shipdeck(
        &state,
        &[&sso[..], &["deploy", "dev", "--dry-run"]].concat(),
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("aws CLI:   aws codepipeline start-pipeline-execution "),
        "{stdout}"
    );
    assert!(
        !stdout.contains("# as role") && !stdout.contains("--profile"),
        "{stdout}"
    );
}

#[test]
fn nothing_to_do_exits_three() {
    let state = state_dir("nothing");
    let out = shipdeck(
        &state,
        &["--demo", "approve", "dev", "--yes", "--output", "json"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["refusal"]["guard"], "nothing-to-do");
    let out = shipdeck(&state, &["--demo", "retry", "dev", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("nothing to do"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn read_only_refuses_with_exit_two_and_is_audited() {
    let state = state_dir("ro");
    let out = shipdeck(&state, &["--demo", "--read-only", "deploy", "dev", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("shipdeck: refused (read-only): shipdeck runs read-only"),
        "once 'refused', not 'refused (read-only): refused:': {}",
        text(&out.stderr)
    );
    let lines = audit_lines(&state);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["guard"], "read-only");
    assert_eq!(lines[0]["action"], "deploy");
}

#[test]
fn deploy_and_stop_run_with_yes_in_unprotected_environments() {
    let state = state_dir("deploy");
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "deploy",
            "stg",
            "--var",
            "release_version=1.2.3",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("aws codepipeline start-pipeline-execution --name storefront-deployer-stg"),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"--variables '[{"name":"release_version","value":"1.2.3"}]'"#),
        "{stdout}"
    );
    assert!(stdout.contains("done: started execution"), "{stdout}");
    assert!(stdout.contains("verified:"), "{stdout}");
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "stop",
            "dev",
            "--abandon",
            "--reason",
            "bad build",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("verified: execution"),
        "{}",
        text(&out.stdout)
    );
    let lines = audit_lines(&state);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| l["outcome"] == "done"));
}

#[test]
fn bad_input_names_the_flag_and_what_was_expected() {
    let state = state_dir("bad");
    let out = shipdeck(&state, &["--demo", "reject", "prd", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--comment <TEXT>"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(
        &state,
        &["--demo", "reject", "prd", "--comment", " ", "--yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("needs a comment saying why (--comment TEXT)"),
        "the CLI names the flag: {}",
        text(&out.stderr)
    );
    let out = shipdeck(&state, &["--demo", "deploy", "dev", "--var", "novalue"]);
    assert!(
        text(&out.stderr).contains("expected NAME=VALUE, got `novalue`"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(&state, &["--demo", "deploy", "dev", "--var", "a b=1"]);
    assert!(
        text(&out.stderr).contains("variable name `a b` must be"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(&state, &["--demo", "stop", "dev", "--yes"]);
    assert!(
        text(&out.stderr).contains("--reason <TEXT>"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(&state, &["audit", "--since", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("expected a window such as 15m"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(&state, &["--demo", "approve", "qa", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown environment `qa`; expected one of dev, stg, prd"));
}

#[test]
fn a_reader_that_goes_away_ends_the_output_without_a_panic() {
    // `shipdeck … | head -1`: the pipe closes before shipdeck writes its answer.
    for args in [
        &["--demo", "rollback", "stg"][..],
        &["--demo", "status"][..],
        &["--demo", "approve", "prd", "--dry-run"][..],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shipdeck"))
            .args(args)
            .env("XDG_STATE_HOME", state_dir("pipe"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
    }
}

#[test]
fn what_runs_is_what_last_succeeded_in_the_deploy_stage() {
    // With --seed 6, stg's newest execution succeeded in Deploy and then failed in Verify:
    // its release runs, and status says so as the rollback listing does.
    let state = state_dir("deployed");
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "--seed",
            "6",
            "--system",
            "storefront",
            "status",
            "-o",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stg = &v["environments"][1];
    assert_eq!(stg["name"], "stg");
    let newest = &stg["pipeline"]["executions"][0];
    assert_eq!(newest["status"], "Failed", "the case this test is about");
    assert_eq!(stg["deployed_execution"], newest["id"], "{stg}");
    assert_eq!(stg["deployed_version"], newest["version"]);
    assert_eq!(stg["deployed_from"], "deploy-stage");
    let out = shipdeck(
        &state,
        &["--demo", "--seed", "6", "rollback", "stg", "-o", "json"],
    );
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["deployed"]["id"], newest["id"], "{listed}");
}

/// The lines of one audit file of the state dir (`audit.jsonl` or `demo-audit.jsonl`).
fn lines_of(state: &std::path::Path, name: &str) -> Vec<Value> {
    let path = state.join("shipdeck").join(name);
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn ms(line: &Value, key: &str) -> i64 {
    let text = line[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} of {line}"));
    shipdeck::domain::Timestamp::parse_rfc3339(text)
        .unwrap_or_else(|| panic!("{key} of {line}"))
        .0
}

#[test]
fn demo_actions_go_to_the_demo_audit_file_on_the_wall_clock() {
    let state = state_dir("demo-audit");
    let before = wall_ms() - 1_000;
    let out = shipdeck(&state, &["--demo", "approve", "dev", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let out = shipdeck(&state, &["--demo", "deploy", "dev", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let after = wall_ms() + 1_000;
    assert!(
        lines_of(&state, "audit.jsonl").is_empty(),
        "nothing in the real audit log"
    );
    let demo = lines_of(&state, "demo-audit.jsonl");
    let outcomes: Vec<&str> = demo.iter().filter_map(|l| l["outcome"].as_str()).collect();
    assert_eq!(outcomes, vec!["nothing-to-do", "done"]);
    for line in &demo {
        assert_eq!(line["mode"], "demo", "{line}");
        let wall = ms(line, "time");
        assert!(before <= wall && wall <= after, "wall-clock time: {line}");
        // The simulator starts at 2026-11-25T09:00:00Z, whatever the day.
        let simulated = ms(line, "simulated_time");
        assert!(
            (1_795_597_200_000..1_795_597_200_000 + 3_600_000).contains(&simulated),
            "the simulated time it acted at: {line}"
        );
    }
    assert!(
        ms(&demo[0], "time") <= ms(&demo[1], "time"),
        "in time order"
    );

    // Each mode reads its own file, and says which.
    let out = shipdeck(
        &state,
        &["--demo", "audit", "--since", "24h", "--output", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    let out = shipdeck(&state, &["--demo", "audit"]);
    assert!(
        text(&out.stdout).contains("demo-audit.jsonl"),
        "{}",
        text(&out.stdout)
    );
    let out = shipdeck(&state, &["audit", "--since", "24h"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let real = text(&out.stdout);
    assert!(
        real.contains("No audited actions on AWS in") && real.contains("shipdeck/audit.jsonl"),
        "{real}"
    );
}

#[test]
fn pipeline_shows_who_waits_to_enter_a_stage_and_approvals_their_own_deadline() {
    let state = state_dir("inbound");
    let out = shipdeck(&state, &["--demo", "pipeline", "prd"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("Approval") && l.contains("waits to enter")),
        "the execution queued before the approval is shown with the stage:\n{table}"
    );
    assert!(table.contains("SUMMARY"), "{table}");
    let out = shipdeck(&state, &["--demo", "pipeline", "prd", "--output", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stages = v["pipeline"]["stages"].as_array().unwrap();
    let approval = stages.iter().find(|s| s["name"] == "Approval").unwrap();
    assert!(approval["inbound_execution_id"].is_string(), "{approval}");
    let executions = v["pipeline"]["executions"].as_array().unwrap();
    assert!(
        executions.iter().all(|e| e.get("stop_reason").is_some()),
        "every execution says its stop reason (null when none)"
    );
    let out = shipdeck(&state, &["--demo", "approvals", "--output", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &v["pending_approvals"][0];
    assert_eq!(a["timeout_minutes"], 4320, "prd's approval declares 3 days");
    let since = a["waiting_since"].as_str().unwrap();
    let expires = a["expires_at"].as_str().unwrap();
    let t = |s: &str| shipdeck::domain::Timestamp::parse_rfc3339(s).unwrap();
    assert_eq!(
        t(expires).since(t(since)),
        3 * shipdeck::domain::Timestamp::DAY
    );
}
