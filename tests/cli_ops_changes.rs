//! `release`, `rollback`, `freeze`/`unfreeze` and `invalidate` as a process against the
//! simulator (`--demo`), and the Makefile targets that ship through `shipdeck release`.

mod common;

use common::cli_ops::*;
use serde_json::Value;
use std::process::Command;

#[test]
fn release_rollback_freeze_and_invalidate_from_the_command_line() {
    let state = state_dir("changes");
    let pkg = state.join("pkg.zip");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(&pkg, b"PK\x03\x04 a small package").unwrap();
    let pkg = pkg.display().to_string();
    let args = [
        "--demo",
        "release",
        "dev",
        "--package",
        &pkg,
        "--version",
        "1.70.0-dev.1",
    ];
    let out = shipdeck(
        &state,
        &[&args[..], &["--commit", "abc1234", "--yes"]].concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("sha-256:"), "{stdout}");
    assert!(stdout.contains("--if-none-match '*'"), "{stdout}");
    assert!(stdout.contains("verified: execution"), "{stdout}");
    let out = shipdeck(
        &state,
        &["--demo", "release", "stg", "--from", "1.43.0", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("aws s3api copy-object"),
        "{}",
        text(&out.stdout)
    );
    let out = shipdeck(&state, &["--demo", "release", "stg", "--version", "1.0.0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--from <VERSION>"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "release",
            "dev",
            "--package",
            &pkg,
            "--version",
            "one",
        ],
    );
    assert!(
        text(&out.stderr).contains("expected a version such as 1.44.0"),
        "{}",
        text(&out.stderr)
    );

    let out = shipdeck(
        &state,
        &[
            "--demo",
            "release",
            "dev",
            "--package",
            "/nonexistent/p.zip",
            "--version",
            "1.0.0",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot read /nonexistent/p.zip"),
        "{}",
        text(&out.stderr)
    );

    // Without --to, rollback lists its candidates: a query (exit 0, nothing audited).
    let audited = audit_lines(&state).len();
    let out = shipdeck(&state, &["--demo", "rollback", "prd", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stage"], "Deploy");
    assert!(v["deployed"]["id"].is_string(), "{v}");
    let target = v["candidates"][0]["id"].as_str().unwrap().to_string();
    let target = target.as_str();
    assert_eq!(
        audit_lines(&state).len(),
        audited,
        "a listing is not audited"
    );
    let out = shipdeck(&state, &["--demo", "rollback", "prd"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains(target), "{table}");
    assert!(
        table.contains("shipdeck rollback prd --to EXECUTION"),
        "{table}"
    );
    let out = shipdeck(
        &state,
        &["--demo", "rollback", "prd", "--to", target, "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("aws codepipeline rollback-stage"));

    let out = shipdeck(
        &state,
        &[
            "--demo",
            "freeze",
            "prd",
            "--reason",
            "Friday freeze",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("verified: the transition into Deploy is disabled"));
    let out = shipdeck(
        &state,
        &["--demo", "unfreeze", "prd", "--reason", "Monday", "--yes"],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a fresh demo is not frozen: {}",
        text(&out.stderr)
    );
    let out = shipdeck(&state, &["--demo", "freeze", "prd", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("a freeze needs a reason")
            && text(&out.stderr).contains("--reason TEXT"),
        "{}",
        text(&out.stderr)
    );

    let out = shipdeck(
        &state,
        &[
            "--demo",
            "invalidate",
            "prd",
            "/index.html",
            "--wait",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("is Completed"),
        "{}",
        text(&out.stdout)
    );
    let out = shipdeck(
        &state,
        &["--demo", "invalidate", "prd", "index.html", "--yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("must start with `/`"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(&state, &["--demo", "invalidate", "prd"]);
    assert!(
        text(&out.stderr).contains("<PATH>..."),
        "{}",
        text(&out.stderr)
    );

    let out = shipdeck(
        &state,
        &[
            "--demo", "freeze", "prd", "--reason", "x", "--stage", "Nope",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("unknown stage `Nope`; expected one of Source, Approval, Deploy, Verify"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(
        &state,
        &["--demo", "rollback", "prd", "--to", "nope", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(
            "execution nope is not among the 3 earlier executions that succeeded in Deploy"
        ),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "deploy",
            "dev",
            "--source-version",
            "nope",
            "--yes",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the call fails: {}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("Source revision nope not found"),
        "{}",
        text(&out.stderr)
    );
    let actions: Vec<String> = audit_lines(&state)
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["action"].as_str().unwrap(),
                l["outcome"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            "release done",
            "rollback done",
            "freeze done",
            "unfreeze nothing-to-do",
            "freeze refused",
            "invalidate done",
            "invalidate refused",
            "freeze refused",
            "deploy failed"
        ]
    );
}

#[test]
fn make_deploy_dev_and_release_ship_through_shipdeck_release() {
    let root = env!("CARGO_MANIFEST_DIR");
    let make = |args: &[&str]| {
        Command::new("make")
            .args(["-s", "-n"])
            .args(args)
            .current_dir(root)
            .output()
            .unwrap()
    };
    let out = make(&["deploy-dev", "DEV_VERSION=1.0.0-dev.7"]);
    let plan = text(&out.stdout);
    assert!(plan.contains("zip -qr"), "{plan}");
    assert!(
        plan.contains("release dev --package") && plan.contains("--version \"1.0.0-dev.7\" --yes"),
        "{plan}"
    );
    let out = make(&["release", "VERSION=1.44.0"]);
    let plan = text(&out.stdout);
    assert!(
        plan.contains("release dev --package") && plan.contains("--version \"1.44.0\""),
        "{plan}"
    );
    let out = Command::new("make")
        .args(["-s", "release", "VERSION=latest"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("VERSION must be a release version such as 1.44.0"));
}
