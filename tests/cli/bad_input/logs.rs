//! Wrong values for the logs commands' flags and arguments, `config check PATH`, and
//! unknown flags and commands.

use super::*;

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
             ua, ref, host, query, bytes, taken, ttfb, ofbl, olbl, country, asn, behavior at 1",
        ],
    );
    rejects(
        &["logs", "cloudfront", "--file", &f, "--fields", " , "],
        2,
        &["--fields needs field names, e.g. --fields date,time,sc-status,cs-uri-stem"],
    );
    rejects(
        &[
            "logs",
            "cloudfront",
            "--file",
            &f,
            "--fields",
            "date,time,sc-satus,cs-uri-stem",
            "--delimiter",
            ",",
        ],
        2,
        &["--fields: unknown field `sc-satus`; did you mean `sc-status`?"],
    );
    rejects(
        &[
            "logs",
            "cloudfront",
            "--file",
            &f,
            "--fields",
            "date time banana",
        ],
        2,
        &["--fields: unknown field `banana`; the fields are date, time, x-edge-location"],
    );
    rejects(
        &[
            "logs",
            "cloudfront",
            "--file",
            &f,
            "--fields",
            "date,time",
            "--delimiter",
            "||",
        ],
        2,
        &["--delimiter takes one ASCII character (or \\t, tab, space), got `||`"],
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
            "[possible values: pretty, jsonl, tsv, w3c]",
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
        2,
        &["unknown environment `qa`; expected one of dev, stg, prd"],
    );
    for pick in ["bogus", "3", "0"] {
        rejects(
            &["--demo", "logs", "cloudfront", "stg", "--source", pick],
            2,
            &[&format!(
                "--source: no log source `{pick}`; choose 1 (stg1json2hive3d), 2 (stg4json5cwl6d)"
            )],
        );
    }
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
        2,
        &["unknown environment `qa`; expected one of dev, stg, prd"],
    );
    rejects(
        &["--demo", "logs", "group", "prd", "nosuch"],
        2,
        &["no log group of this environment matches `nosuch`; it has \
           /aws/lambda/storefront-api-prd, /aws/codebuild/storefront-deploy-prd"],
    );
    rejects(
        &["--demo", "logs", "group", "prd", "storefront"],
        2,
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
    // The keymap the file names is loaded as the console loads it: what would stop the console
    // stops the check.
    rejects(
        &["config", "check", "{dir}/keymap-bad.toml"],
        1,
        &[
            "{dir}/bad-keys.toml:2:18: [normal] quit: unknown key `hyper-q` \
             (named by [ui] keymap in {dir}/keymap-bad.toml)",
        ],
    );
    rejects(
        &["--config", "{dir}/keymap-bad.toml", "config", "check"],
        1,
        &["{dir}/bad-keys.toml:2:18: [normal] quit: unknown key `hyper-q`"],
    );
    // The console itself (no command) stops on the same error, before the terminal is touched.
    rejects(
        &["--config", "{dir}/keymap-bad.toml"],
        1,
        &["shipdeck: {dir}/bad-keys.toml:2:18: [normal] quit: unknown key `hyper-q`"],
    );
    let dir = scratch();
    let out = run(&dir, &["config", "check", "keymap-good.toml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let good = dir.join("good-keys.toml");
    assert!(
        stdout.contains(&format!("  keymap {}: ok, ", good.display())),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
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
