//! A wrong value for every command-line flag and argument, run as a process: the exit code is
//! non-zero (2 for a value the argument parser rejects, 1 for one found wrong later), nothing
//! panics, and the message names the flag or value and what was expected.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A scratch directory of this test process, with a broken config, a directory of no log files
/// and a fake home with no AWS profiles.
fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "shipdeck-bad-input-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(dir.join("home")).unwrap();
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::write(dir.join("broken.toml"), "[aws]\nregion = \n").unwrap();
    // The example with a keymap file: one the console refuses, one it takes.
    let example = std::fs::read_to_string(example()).unwrap();
    let commented = "# keymap = \"~/.config/shipdeck/keymap.toml\"";
    assert!(example.contains(commented));
    for which in ["bad", "good"] {
        let config = example.replace(commented, &format!("keymap = \"{which}-keys.toml\""));
        std::fs::write(dir.join(format!("keymap-{which}.toml")), config).unwrap();
    }
    std::fs::write(
        dir.join("bad-keys.toml"),
        "[normal]\nquit = { keys = [\"hyper-q\"] }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("good-keys.toml"),
        "[normal]\nquit = { keys = [\"ctrl-q\"], desc = \"quit\" }\n",
    )
    .unwrap();
    dir
}

fn example() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/assets/shipdeck.example.toml").to_string()
}

fn log_file() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/accesslog/cloudfront-33.log"
    )
    .to_string()
}

/// Runs shipdeck with `args` in `dir`, with no configuration, AWS settings or profiles around.
fn run(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipdeck"));
    cmd.args(args)
        .current_dir(dir)
        .env("HOME", dir.join("home"))
        .env("XDG_CONFIG_HOME", dir.join("home/.config"))
        .env_remove("SHIPDECK_CONFIG");
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().unwrap()
}

/// Runs `args`, expects exit code `code` and every one of `expected` in stderr, and no panic.
fn rejects(args: &[&str], code: i32, expected: &[&str]) {
    let dir = scratch();
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{dir}", &dir.display().to_string()))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&dir, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    for want in expected {
        let want = want.replace("{dir}", &dir.display().to_string());
        assert!(
            stderr.contains(&want),
            "{args:?}: expected `{want}` in:\n{stderr}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn config_flag() {
    let missing = ["--config", "{dir}/nowhere.toml", "status"];
    rejects(
        &missing,
        1,
        &["{dir}/nowhere.toml: config file not found (named by --config)"],
    );
    rejects(
        &["--config", "{dir}/empty", "status"],
        1,
        &["{dir}/empty: cannot read config file: Is a directory"],
    );
    rejects(
        &["--config", "{dir}/broken.toml", "status"],
        1,
        &["{dir}/broken.toml:2:10: invalid TOML"],
    );
    rejects(
        &["--config", "", "status"],
        2,
        &["a value is required for '--config <PATH>' but none was supplied"],
    );
    rejects(
        &["status"],
        1,
        &[
            "no configuration file found; searched:",
            "--config <path>",
            "--demo",
        ],
    );
}

#[test]
fn aws_flags() {
    let e = example();
    rejects(
        &["--config", &e, "--profile", "nosuch", "status"],
        1,
        &[
            "AWS profile `nosuch` is not defined in {dir}/home/.aws/config or {dir}/home/.aws/credentials (profiles found: none; aws reads AWS_CONFIG_FILE, else ~/.aws/config, and \
             AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials)",
        ],
    );
    // A region or endpoint that cannot be is a bad flag (exit 2), named before anything is read,
    // in the demo too.
    rejects(
        &["--config", &e, "--region", "Europe", "status"],
        2,
        &[
            "invalid value 'Europe' for '--region <REGION>': invalid AWS region `Europe`: expected an AWS region code such as eu-west-1",
        ],
    );
    rejects(
        &["--config", &e, "--region", "", "status"],
        2,
        &["invalid AWS region ``: expected an AWS region code such as eu-west-1"],
    );
    rejects(
        &["--demo", "--region", "eu-wset-1", "status"],
        2,
        &[
            "invalid value 'eu-wset-1' for '--region <REGION>': invalid AWS region `eu-wset-1`: unknown AWS region `eu-wset-1`; did you mean `eu-west-1`?",
        ],
    );
    for url in ["localhost:5000", "ftp://x", "http://", ""] {
        rejects(
            &["--config", &e, "--endpoint-url", url, "status"],
            2,
            &[&format!(
                "for '--endpoint-url <URL>': invalid endpoint URL `{url}`: expected http://HOST:PORT or https://HOST"
            )],
        );
    }
}

/// No credentials anywhere: not "expired", but where shipdeck (the SDK's chain) looked.
#[test]
fn no_credentials_say_where_they_were_looked_for() {
    let dir = scratch();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipdeck"));
    cmd.args([
        "--config",
        &example(),
        "--endpoint-url",
        "http://127.0.0.1:9",
        "status",
    ])
    .current_dir(&dir)
    .env("HOME", dir.join("home"))
    .env("XDG_CONFIG_HOME", dir.join("home/.config"))
    .env("AWS_EC2_METADATA_DISABLED", "true");
    for var in [
        "SHIPDECK_CONFIG",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let home = dir.join("home").display().to_string();
    for want in [
        "dev, stg, release catalogue, prd: no AWS credentials found; looked in ",
        "the environment (AWS_ACCESS_KEY_ID not set)",
        &format!(
            "profile `default` in {home}/.aws/config and {home}/.aws/credentials (not defined there)"
        ),
        "SSO (profile `default` has no sso_session or sso_start_url)",
        "the EC2 instance metadata service (IMDS; disabled by AWS_EC2_METADATA_DISABLED)",
    ] {
        assert!(stderr.contains(want), "expected `{want}` in:\n{stderr}");
    }
    assert!(!stderr.contains("expired"), "{stderr}");
    assert!(!stderr.contains("sso login"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn simulator_flags() {
    for seed in ["abc", "-1", "1.5", "18446744073709551616"] {
        rejects(
            &["--demo", "--seed", seed, "status"],
            2,
            &[&format!(
                "invalid value '{seed}' for '--seed <N>': expected a whole number from 0 to \
                 18446744073709551615, got `{seed}`"
            )],
        );
    }
    for speed in ["fast", "-1", "NaN", "inf", "100001"] {
        rejects(
            &["--demo", "--speed", speed, "status"],
            2,
            &[&format!(
                "invalid value '{speed}' for '--speed <X>': expected a number from 0 to 100000, \
                 got `{speed}`"
            )],
        );
    }
}

/// A negative number is a bad value of its flag, said with the range it takes — not taken for
/// an unknown flag (`unexpected argument '-1' found`).
#[test]
fn negative_numbers_are_bad_values_naming_their_range() {
    let sf = ["--demo", "--system", "storefront"];
    for (args, flag, range) in [
        (
            &["runs", "--limit", "-1"][..],
            "--limit <N>",
            "a number of runs from 1 to 100",
        ),
        (
            &["runs", "show", "1", "--lines", "-5"],
            "--lines <N>",
            "a number of lines from 1 to 10000",
        ),
        (
            &["watch", "--exec", "true", "--exec-timeout", "-1"],
            "--exec-timeout <SECS>",
            "a number of seconds from 1 to 3600",
        ),
        (
            &["watch", "--exec", "true", "--exec-timeout", "0"],
            "--exec-timeout <SECS>",
            "a number of seconds from 1 to 3600",
        ),
        (
            &["insights", "prd", "--limit", "-4", "fields @message"],
            "--limit <N>",
            "a number of rows from 1 to 10000",
        ),
        (
            &[
                "query",
                "prd",
                "--since",
                "1d",
                "--group-by",
                "path",
                "--top",
                "-3",
                "--dry-run",
            ],
            "--top <N>",
            "a number of groups from 1 to 10000",
        ),
        (
            &[
                "query",
                "prd",
                "--since",
                "1d",
                "--max-scan-bytes",
                "-5",
                "--dry-run",
            ],
            "--max-scan-bytes <BYTES>",
            "a positive number of bytes",
        ),
    ] {
        let value = args[args
            .iter()
            .position(|a| a.starts_with("--") && a.ends_with(flag.split(' ').next().unwrap()))
            .unwrap()
            + 1];
        rejects(
            &[&sf[..], args].concat(),
            2,
            &[&format!(
                "invalid value '{value}' for '{flag}': expected {range}, got `{value}`"
            )],
        );
    }
    rejects(
        &["--demo", "--system", "storefront", "runs", "show", "-1"],
        2,
        &["invalid value '-1' for '<RUN_ID>': expected a run id"],
    );
}

#[test]
fn output_flags_of_the_table_commands() {
    for cmd in [&["status"][..], &["approvals"], &["pipeline", "prd"]] {
        let mut args = vec!["--demo"];
        args.extend_from_slice(cmd);
        args.extend_from_slice(&["--output", "yaml"]);
        rejects(
            &args,
            2,
            &[
                "invalid value 'yaml' for '--output <OUTPUT>'",
                "[possible values: table, json]",
            ],
        );
    }
}

#[test]
fn pipeline_environment() {
    for env in ["qa", "", "PRD"] {
        rejects(
            &["--demo", "pipeline", env],
            2,
            &[&format!(
                "unknown environment `{env}`; expected one of dev, stg, prd"
            )],
        );
    }
    rejects(
        &["--demo", "pipeline"],
        2,
        &[
            "the following required arguments were not provided",
            "<ENV>",
        ],
    );
}

/// `impact --since` takes what `logs --since` takes, and says so.
#[test]
fn impact_since() {
    for since in ["yesterday", "0m", "-5m"] {
        rejects(
            &["--demo", "impact", "dev", "--since", since],
            2,
            &[&format!(
                "invalid value '{since}' for '--since <WINDOW>': expected a window such as 15m, \
                 1h, 24h or 7d, or an RFC 3339 time, got `{since}`"
            )],
        );
    }
}

mod logs;

/// `release --workflow` with input the release workflow does not take: each said by name,
/// refused (exit 2) before anything is sent.
#[test]
fn release_workflow_flags() {
    let base = ["--demo", "release", "--workflow", "--dry-run"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    rejects(
        &with(&["--input", "notes=x"]),
        2,
        &["`notes` is not an input of release.yml (declared: version, environment)"],
    );
    rejects(
        &with(&["--input", "version"]),
        2,
        &["input `version` is not NAME=VALUE"],
    );
    rejects(
        &with(&["--ref", "relaese"]),
        2,
        &["acme/storefront has no branch or tag `relaese` (give an existing one with --ref)"],
    );
    rejects(
        &with(&["--input", "environment=stg"]),
        2,
        &["`environment` is one of prd, not `stg`"],
    );
    rejects(&["--demo", "release", "--ref", "main"], 2, &["--workflow"]);
}

/// `shipdeck login` with a profile that is not there or cannot sign in with SSO: exit 2 and a
/// message naming the profile and what to do, before any call.
#[test]
fn login_profiles() {
    let config = "\
[profile keys]
aws_access_key_id = AKIDEXAMPLE

[profile console]
login_session = arn:aws:iam::444444444444:user/Admin

[profile orphan]
sso_session = nowhere

[sso-session half]
sso_start_url = https://d-3.awsapps.com/start

[profile halfway]
sso_session = half
";
    let cases: [(&[&str], i32, &[&str]); 6] = [
        (
            &["login", "--profile", "nobody", "--no-browser"],
            2,
            &[
                "AWS profile `nobody` is not defined",
                "console, halfway, keys, orphan",
            ],
        ),
        (
            &["login", "--profile", "keys", "--no-browser"],
            2,
            &[
                "AWS profile `keys` does not sign in with IAM Identity Center",
                "aws configure sso",
            ],
        ),
        (
            &["login", "--profile", "console", "--no-browser"],
            2,
            &["aws login --profile console"],
        ),
        (
            &["login", "--profile", "orphan", "--no-browser"],
            2,
            &["no [sso-session nowhere] section"],
        ),
        (
            &["login", "--profile", "halfway", "--no-browser"],
            2,
            &["sso-session `half` has no sso_region"],
        ),
        (&["--demo", "login"], 2, &["no SSO session to sign in to"]),
    ];
    for (args, code, expected) in cases {
        let dir = scratch();
        std::fs::create_dir_all(dir.join("home/.aws")).unwrap();
        std::fs::write(dir.join("home/.aws/config"), config).unwrap();
        let out = run(&dir, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        for want in expected {
            assert!(
                stderr.contains(want),
                "{args:?}: expected `{want}` in:\n{stderr}"
            );
        }
        assert!(!dir.join("home/.aws/sso").exists(), "nothing cached");
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// `override --condition` takes before-entry or on-success (any spelling of them), names them
/// when given another, and the shell completions offer those two (not file names).
#[test]
fn override_condition_names_its_values_and_completes_them() {
    rejects(
        &[
            "--demo",
            "override",
            "prd",
            "--condition",
            "nope",
            "--dry-run",
        ],
        2,
        &[
            "invalid value 'nope' for '--condition <CONDITION>': unknown condition `nope`; expected \
           before-entry or on-success",
        ],
    );
    let dir = scratch();
    // Where each shell's script completes --condition, and what it offers there.
    for (shell, marker, offers) in [
        (
            "bash",
            "--condition)",
            "compgen -W \"before-entry on-success\"",
        ),
        (
            "zsh",
            "'--condition=[",
            ":CONDITION:(before-entry on-success)",
        ),
        ("fish", "-l condition", "-f -a \"before-entry"),
    ] {
        let out = run(&dir, &["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        let at = (script.find(marker)).unwrap_or_else(|| panic!("{shell}: no {marker}"));
        let near = &script[at..script.len().min(at + 300)];
        assert!(near.contains(offers), "{shell}: {near}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `impact` when the environment's executions cannot be read (an endpoint that refuses every
/// connection): its deploys are unknown (exit 1, with the reason), never "no deploy" (exit 2).
#[test]
fn impact_with_the_executions_unread_says_the_deploys_are_unknown() {
    let dir = scratch();
    let out = Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args([
            "--config",
            &example(),
            "--endpoint-url",
            "http://127.0.0.1:9",
            "impact",
            "dev",
        ])
        .current_dir(&dir)
        .env("HOME", dir.join("home"))
        .env("XDG_CONFIG_HOME", dir.join("home/.config"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env_remove("AWS_PROFILE")
        .env_remove("SHIPDECK_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("dev: deploys unknown: "), "{stderr}");
    assert!(!stderr.contains("no deploy"), "{stderr}");
}

/// A negative window is a bad value of `--since` (exit 2), not an unexpected argument.
#[test]
fn a_negative_since_is_a_bad_value_of_its_flag() {
    let dir = scratch();
    for args in [
        &["audit", "--demo", "--since", "-1h"][..],
        &["query", "prd", "--demo", "--since", "-1h", "--dry-run"][..],
    ] {
        let out = run(&dir, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("--since"), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("unexpected argument"),
            "{args:?}: {stderr}"
        );
    }
}
