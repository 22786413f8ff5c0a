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
            "AWS profile `nosuch` is not defined in {dir}/home/.aws/config or {dir}/home/.aws/credentials (profiles found: none)",
        ],
    );
    rejects(
        &["--config", &e, "--region", "Europe", "status"],
        1,
        &["invalid AWS region `Europe`: expected a region name like eu-west-1"],
    );
    rejects(
        &["--config", &e, "--region", "", "status"],
        1,
        &["invalid AWS region ``: expected a region name like eu-west-1"],
    );
    for url in ["localhost:5000", "ftp://x", "http://", ""] {
        rejects(
            &["--config", &e, "--endpoint-url", url, "status"],
            1,
            &[&format!(
                "invalid endpoint URL `{url}`: expected http://HOST:PORT or https://HOST"
            )],
        );
    }
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
            1,
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

#[test]
fn logs_cloudfront_values() {
    let f = log_file();
    for since in ["yesterday", "0m", "-5m", "99999d", "2026-13-01T00:00:00Z"] {
        rejects(
            &["logs", "cloudfront", "--file", &f, "--since", since],
            2,
            &[&format!(
                "invalid value '{since}' for '--since <WINDOW>': expected a window such as 15m, \
                 1h, 24h or 7d, or an RFC 3339 time, got `{since}`"
            )],
        );
    }
    rejects(
        &[
            "logs",
            "cloudfront",
            "--file",
            &f,
            "--filter",
            "stauts>=500",
        ],
        2,
        &[
            "invalid value 'stauts>=500' for '--filter <EXPR>'",
            "unknown field \"stauts\"; expected one of status, path, ip, edge, result, method, \
             ua, ref, host, query, bytes, taken, ttfb at 1",
        ],
    );
    rejects(
        &["logs", "cloudfront", "--file", &f, "--filter", "status>="],
        2,
        &["for '--filter <EXPR>': expected a value after \"status>=\" at 9"],
    );
    rejects(
        &["logs", "cloudfront", "--file", &f, "--output", "xml"],
        2,
        &[
            "invalid value 'xml' for '--output <OUTPUT>'",
            "[possible values: pretty, jsonl, tsv]",
        ],
    );
    for threads in ["0", "many", "-2", "100000"] {
        rejects(
            &["logs", "cloudfront", "--file", &f, "--threads", threads],
            2,
            &[&format!(
                "invalid value '{threads}' for '--threads <N>': expected a number of threads \
                 from 1 to 1024, got `{threads}`"
            )],
        );
    }
}

#[test]
fn logs_cloudfront_files_and_environment() {
    let unreadable = "1 of 1 input could not be read completely";
    rejects(
        &["logs", "cloudfront", "--file", "{dir}/nowhere.log"],
        1,
        &["{dir}/nowhere.log: No such file or directory", unreadable],
    );
    rejects(
        &["logs", "cloudfront", "--file", "{dir}/empty"],
        1,
        &["{dir}/empty: Is a directory", unreadable],
    );
    rejects(
        &["logs", "cloudfront", "--dir", "{dir}/nowhere"],
        1,
        &["{dir}/nowhere: No such file or directory", unreadable],
    );
    rejects(
        &["logs", "cloudfront", "--dir", &log_file()],
        1,
        &["cloudfront-33.log: Not a directory", unreadable],
    );
    rejects(
        &["logs", "cloudfront", "--dir", "{dir}/empty"],
        1,
        &["{dir}/empty: no log files", unreadable],
    );
    rejects(
        &["--demo", "logs", "cloudfront", "qa"],
        1,
        &["unknown environment `qa`; expected one of dev, stg, prd"],
    );
    rejects(
        &["logs", "cloudfront"],
        2,
        &["give an environment (shipdeck logs cloudfront prd) or --file/--dir for local files"],
    );
    rejects(
        &["--demo", "logs", "cloudfront", "prd", "--file", &log_file()],
        2,
        &["give either an environment or --file/--dir, not both"],
    );
    rejects(
        &["logs", "cloudfront", "--file", &log_file(), "--follow"],
        2,
        &["--follow needs an environment: local files are read once"],
    );
}

#[test]
fn logs_group_values() {
    rejects(
        &["--demo", "logs", "group", "qa", "api"],
        1,
        &["unknown environment `qa`; expected one of dev, stg, prd"],
    );
    rejects(
        &["--demo", "logs", "group", "prd", "nosuch"],
        1,
        &["no log group of this environment matches `nosuch`; it has \
           /aws/lambda/storefront-api-prd, /aws/codebuild/storefront-deploy-prd"],
    );
    rejects(
        &["--demo", "logs", "group", "prd", "storefront"],
        1,
        &[
            "`storefront` matches several log groups: /aws/lambda/storefront-api-prd, \
           /aws/codebuild/storefront-deploy-prd",
        ],
    );
    rejects(
        &["--demo", "logs", "group", "prd", "api", "--since", "-1h"],
        2,
        &["invalid value '-1h' for '--since <WINDOW>': expected a window such as 15m"],
    );
    rejects(
        &["--demo", "logs", "group", "prd", "api", "--output", "csv"],
        2,
        &[
            "invalid value 'csv' for '--output <OUTPUT>'",
            "[possible values: pretty, jsonl, tsv]",
        ],
    );
    rejects(
        &["--demo", "logs", "group", "prd", "api", "--filter"],
        2,
        &["a value is required for '--filter <PATTERN>' but none was supplied"],
    );
    rejects(
        &["--demo", "logs", "group", "prd"],
        2,
        &[
            "the following required arguments were not provided",
            "<NAME>",
        ],
    );
}

#[test]
fn config_check_path() {
    rejects(
        &["config", "check", "{dir}/nowhere.toml"],
        1,
        &["{dir}/nowhere.toml: config file not found (named by `config check PATH`)"],
    );
    rejects(
        &["--config", "{dir}/nowhere.toml", "config", "check"],
        1,
        &["{dir}/nowhere.toml: config file not found (named by --config)"],
    );
    rejects(
        &["config", "check", "{dir}/broken.toml"],
        1,
        &["{dir}/broken.toml:2:10: invalid TOML"],
    );
}

#[test]
fn unknown_flags_and_commands() {
    rejects(
        &["--demo", "--colour", "status"],
        2,
        &["unexpected argument '--colour' found"],
    );
    rejects(
        &["--demo", "deploy-everything"],
        2,
        &["unrecognized subcommand 'deploy-everything'"],
    );
    rejects(
        &["--demo", "logs", "s3"],
        2,
        &["unrecognized subcommand 's3'"],
    );
}
