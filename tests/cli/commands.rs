//! The CLI front end, run as a process against the simulator: output shapes, exit codes, errors.

use serde_json::Value;
use std::process::{Command, Output};

fn shipdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(args)
        .env_remove("SHIPDECK_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
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
    let v = json(&["status", "--demo", "--output", "json"]);
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
    let a = json(&["status", "--demo", "--output", "json", "--seed", "5"]);
    let b = json(&["status", "--demo", "--output", "json", "--seed", "5"]);
    let c = json(&["status", "--demo", "--output", "json", "--seed", "6"]);
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
    let table = shipdeck(&["status", "--demo"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("ENV"), "{text}");
    assert!(text.contains("prd (protected)"));
    let out = shipdeck(&["pipeline", "qa", "--demo"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "shipdeck: unknown environment `qa`; expected one of dev, stg, prd"
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
