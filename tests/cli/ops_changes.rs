//! `release`, `rollback`, `freeze`/`unfreeze` and `invalidate` as a process against the
//! simulator (`--demo`), and the Makefile targets that ship through `shipdeck release`.

use crate::support;

use serde_json::Value;
use std::process::Command;
use support::cli_ops::*;

/// Every key under the demo's release prefix, listed page by page from the same simulated world
/// the `--demo` commands build.
fn demo_release_keys() -> Vec<String> {
    use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
    let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
    let s3 = sim.cloud().storage;
    let (mut keys, mut token) = (Vec::new(), None::<String>);
    loop {
        let page = futures::executor::block_on(s3.list_objects(
            "storefront-deployer-source",
            "releases/",
            None,
            token.as_deref(),
            1000,
        ))
        .unwrap();
        keys.extend(page.objects.into_iter().map(|o| o.key));
        token = page.next_token;
        if token.is_none() {
            return keys;
        }
    }
}

/// The demo's newest published release (its version), whatever the simulated history made.
fn demo_newest_release() -> String {
    demo_release_keys()
        .iter()
        .filter_map(|k| k.strip_prefix("releases/")?.split('/').next())
        .filter_map(shipdeck::domain::Version::parse)
        .max()
        .unwrap()
        .to_string()
}

#[test]
fn release_from_a_version_older_than_the_newest_thirty_packages() {
    let state = state_dir("release-old");
    let keys = demo_release_keys();
    assert!(keys.len() > 30, "the demo has more than 30 packages");
    // 1.38.21 went to prd on 11-18, more than thirty releases ago.
    let key = "releases/1.38.21/release.zip";
    let newer = keys.iter().filter(|k| k.as_str() > key).count();
    assert!(newer >= 30, "{newer} newer packages");
    let out = shipdeck(
        &state,
        &["--demo", "release", "prd", "--from", "1.38.21", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "package:       s3://storefront-deployer-source/{key}"
        )),
        "{stdout}"
    );
    let shipped = stdout
        .lines()
        .find(|l| l.starts_with("would ship:    1.38.21 (commit "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        !shipped.contains("(commit )") && !shipped.ends_with(" by "),
        "the commit and actor come from the package's metadata: {shipped}"
    );
    assert!(
        stdout.contains(&format!("--copy-source storefront-deployer-source/{key}")),
        "{stdout}"
    );
}

#[test]
fn a_missing_version_is_not_found_among_every_package_under_the_prefix() {
    let state = state_dir("release-missing");
    let n = demo_release_keys().len();
    let out = shipdeck(
        &state,
        &["--demo", "release", "prd", "--from", "1.38.99", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!(
            "no package of version 1.38.99 among {n} packages under \
             s3://storefront-deployer-source/releases/; newest: {}",
            demo_newest_release()
        )),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_upload_of_a_version_older_than_the_newest_thirty_is_refused_as_existing() {
    let state = state_dir("release-exists");
    let pkg = state.join("pkg.zip");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(&pkg, b"PK\x03\x04 a package").unwrap();
    let pkg = pkg.display().to_string();
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "release",
            "dev",
            "--package",
            &pkg,
            "--version",
            "1.38.21",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("version 1.38.21 already exists"),
        "{}",
        text(&out.stderr)
    );
}

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
        &[
            "--demo",
            "release",
            "stg",
            "--from",
            &demo_newest_release(),
            "--dry-run",
        ],
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
    assert_eq!(out.status.code(), Some(2), "a bad --package is bad input");
    assert!(
        text(&out.stderr).contains("--package: cannot read /nonexistent/p.zip"),
        "{}",
        text(&out.stderr)
    );
    // --version and --commit belong to an upload: with --from they are refused, not ignored.
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "release",
            "dev",
            "--from",
            "1.4.0",
            "--version",
            "1.2.3",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("'--from <VERSION>' cannot be used with '--version <V>'"),
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
    // The newest standard execution: the candidates include rollback executions (marked; an
    // alarm rolled one back automatically), which are no rollback targets.
    let target = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["execution_type"] == "Standard")
        .and_then(|c| c["id"].as_str())
        .unwrap()
        .to_string();
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
    // The short id the views show names the same target.
    let out = shipdeck(
        &state,
        &[
            "--demo",
            "rollback",
            "prd",
            "--to",
            &target[..8],
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("--target-pipeline-execution-id {target}")),
        "{}",
        text(&out.stdout)
    );
    // A stage the pipeline does not have is a bad --stage (exit 2), with the stages it has.
    for argv in [
        &["--demo", "rollback", "prd", "--stage", "Nope"][..],
        &[
            "--demo",
            "rollback",
            "prd",
            "--stage",
            "Nope",
            "--to",
            target,
            "--dry-run",
        ],
    ] {
        let out = shipdeck(&state, argv);
        assert_eq!(out.status.code(), Some(2), "{argv:?}");
        assert!(
            text(&out.stderr).contains(
                "--stage: unknown stage `Nope` of storefront-deployer-prd; expected one of Source, \
                 Approval, Deploy, Verify"
            ),
            "{}",
            text(&out.stderr)
        );
    }
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
    // Without --wait it is not followed, and the last line says so.
    let out = shipdeck(
        &state,
        &["--demo", "invalidate", "prd", "/about.html", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("not followed: ") && last.contains("`--wait`"),
        "{stdout}"
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
            .contains("unknown stage `Nope`; expected one of Approval, Deploy, Verify (--stage)"),
        "{}",
        text(&out.stderr)
    );
    // The first stage has no inbound transition: refused before anything is sent (CodePipeline
    // would answer a ValidationException), naming the stages that can be frozen.
    let out = shipdeck(
        &state,
        &[
            "--demo", "freeze", "dev", "--reason", "x", "--stage", "Source", "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "stage `Source` is the pipeline's first stage: it has no inbound transition to \
             disable; expected one of Deploy, Verify (--stage)"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stdout).contains("ValidationException")
            && !text(&out.stderr).contains("ValidationException"),
        "nothing was sent"
    );
    let out = shipdeck(
        &state,
        &["--demo", "rollback", "prd", "--to", "nope", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("execution nope is not among the")
            && text(&out.stderr).contains("earlier executions that succeeded in Deploy"),
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
    // A version the source key does not have is bad input, found before anything is sent (it
    // would start an execution whose Source stage fails).
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "--source-version: no version `nope` of s3://storefront-deployer-source/dev/release.zip"
        ),
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
            "invalidate done",
            "invalidate refused",
            "freeze refused",
            "freeze refused",
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
