//! A wrong value for every key of `shipdeck.toml` (every key of the annotated example and every
//! key the loader accepts) and of the keymap file: the error points at `file:line:column` of the
//! value, names the key, and says what was expected. The location is found in the text the
//! test builds, so each case states only the key, the wrong value and the message.

use shipdeck::config::{Config, EXAMPLE};
use shipdeck::tui::keymap::Keymap;
use std::path::Path;

/// A valid file using every key once, each on its own line; `[[environments]]` twice.
const FULL: &str = r#"read_only = false
[aws]
profile = "ops"
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:5000"
[ui]
keymap = "keys.toml"
tick_ms = 250
[polling]
active = 5
idle = 30
max_backoff = 300
[[environments]]
name = "dev"
pipeline = "p-dev"
source_bucket = "src"
source_key = "dev/release.zip"
release_prefix = "releases/"
distribution_id = "E1DEV"
logs_bucket = "logs"
logs_prefix = "cf/dev/"
log_groups = ["/aws/lambda/api-dev", "/aws/codebuild/deploy-dev"]
site_url = "https://dev.example.com"
api_url = "https://api.dev.example.com"
protected = false
read_only = false
self_approval = "allow"
promotes_from = ""
[[environments]]
name = "prd"
pipeline = "p-prd"
source_bucket = "src"
source_key = "prd/release.zip"
distribution_id = "E1PRD"
logs_bucket = "logs"
promotes_from = "dev"
"#;

/// Where a key is: the table header it follows (`""` for the top level; the second
/// `[[environments]]` is `[[environments]]#2`) and its full path in messages.
struct Key {
    header: &'static str,
    name: &'static str,
    path: &'static str,
}

const fn key(header: &'static str, name: &'static str, path: &'static str) -> Key {
    Key { header, name, path }
}

const READ_ONLY: Key = key("", "read_only", "read_only");
const PROFILE: Key = key("[aws]", "profile", "aws.profile");
const REGION: Key = key("[aws]", "region", "aws.region");
const ENDPOINT: Key = key("[aws]", "endpoint_url", "aws.endpoint_url");
const KEYMAP: Key = key("[ui]", "keymap", "ui.keymap");
const TICK: Key = key("[ui]", "tick_ms", "ui.tick_ms");
const ACTIVE: Key = key("[polling]", "active", "polling.active");
const IDLE: Key = key("[polling]", "idle", "polling.idle");
const BACKOFF: Key = key("[polling]", "max_backoff", "polling.max_backoff");

/// A key of the first environment.
const fn env(name: &'static str, path: &'static str) -> Key {
    key("[[environments]]", name, path)
}

/// A key of the second environment.
const fn env2(name: &'static str, path: &'static str) -> Key {
    key("[[environments]]#2", name, path)
}

fn parse(text: &str) -> Result<Config, String> {
    Config::from_str(text, Some(Path::new("shipdeck.toml"))).map_err(|e| e.to_string())
}

/// Index of the line holding `key` in `lines`.
fn line_of(lines: &[&str], key: &Key) -> usize {
    let (header, nth) = match key.header.split_once('#') {
        Some((h, n)) => (h, n.parse::<usize>().unwrap()),
        None => (key.header, 1),
    };
    let start = if header.is_empty() {
        0
    } else {
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| **l == header)
            .nth(nth - 1)
            .unwrap()
            .0
    };
    let prefix = format!("{} = ", key.name);
    start
        + lines[start..]
            .iter()
            .position(|l| l.starts_with(&prefix))
            .unwrap()
}

/// [`FULL`] with `key` set to `value`; the error must be `shipdeck.toml:LINE:COL: PATH: message`
/// with the value's position.
fn wrong(key: &Key, value: &str, message: &str) {
    let lines: Vec<&str> = FULL.lines().collect();
    let at = line_of(&lines, key);
    let replaced = format!("{} = {value}", key.name);
    let mut out: Vec<&str> = lines.clone();
    out[at] = &replaced;
    let text = out.join("\n");
    let column = key.name.chars().count() + 4;
    let expected = format!("shipdeck.toml:{}:{column}: {}: {message}", at + 1, key.path);
    assert_eq!(
        parse(&text).unwrap_err(),
        expected,
        "{} = {value}",
        key.name
    );
}

/// [`FULL`] without `key`: the error names the table and the missing key, at the table header.
fn missing(key: &Key, table: &str) {
    let lines: Vec<&str> = FULL.lines().collect();
    let at = line_of(&lines, key);
    let header = lines[..at]
        .iter()
        .rposition(|l| l.starts_with('['))
        .unwrap();
    let mut out = lines.clone();
    out.remove(at);
    let expected = format!(
        "shipdeck.toml:{}:1: {table}: missing required key `{}`",
        header + 1,
        key.name
    );
    assert_eq!(parse(&out.join("\n")).unwrap_err(), expected);
}

#[test]
fn the_full_file_and_the_example_are_valid_and_use_every_key() {
    let config = parse(FULL).unwrap();
    assert_eq!(config.environments.len(), 2);
    let example = parse(EXAMPLE).unwrap();
    assert_eq!(example.environments.len(), 3);
    // Every key written in the example, commented out or not, is one these tests cover.
    let covered = [
        "read_only",
        "profile",
        "region",
        "endpoint_url",
        "keymap",
        "tick_ms",
        "active",
        "idle",
        "max_backoff",
        "name",
        "pipeline",
        "source_bucket",
        "source_key",
        "release_prefix",
        "distribution_id",
        "logs_bucket",
        "logs_prefix",
        "log_groups",
        "site_url",
        "api_url",
        "protected",
        "promotes_from",
        "self_approval",
    ];
    for line in EXAMPLE.lines() {
        let line = line.trim_start_matches("# ");
        if let Some((k, _)) = line.split_once(" = ")
            && !k.contains(' ')
            && !k.is_empty()
        {
            assert!(
                covered.contains(&k),
                "example key `{k}` has no wrong-value test"
            );
        }
    }
}

#[test]
fn top_level_and_aws() {
    wrong(
        &READ_ONLY,
        "\"yes\"",
        "expected a boolean (true or false), found a string",
    );
    wrong(
        &READ_ONLY,
        "1",
        "expected a boolean (true or false), found an integer",
    );
    wrong(&PROFILE, "42", "expected a string, found an integer");
    wrong(
        &PROFILE,
        "\"  \"",
        "must not be empty (leave the key out instead)",
    );
    wrong(
        &REGION,
        "[\"eu-west-1\"]",
        "expected a string, found an array",
    );
    wrong(
        &REGION,
        "\"\"",
        "must not be empty (leave the key out instead)",
    );
    for region in [
        "eu_west_1",
        "EU-WEST-1",
        "europe",
        "eu-west",
        "west-1",
        "eu-west-1a",
    ] {
        wrong(
            &REGION,
            &format!("\"{region}\""),
            &format!(
                "expected an AWS region code such as eu-west-1 or us-east-1, found `{region}`"
            ),
        );
    }
    for region in [
        "us-gov-west-1",
        "ap-southeast-3",
        "eusc-de-east-1",
        "cn-north-1",
    ] {
        let text = FULL.replace("region = \"eu-west-1\"", &format!("region = \"{region}\""));
        assert!(parse(&text).is_ok(), "{region}");
    }
    wrong(&ENDPOINT, "5000", "expected a string, found an integer");
    for url in ["127.0.0.1:5000", "ftp://x", "http://", "", "http://a b"] {
        wrong(
            &ENDPOINT,
            &format!("\"{url}\""),
            &format!("expected a URL starting with http:// or https://, found `{url}`"),
        );
    }
}

#[test]
fn ui() {
    wrong(&KEYMAP, "true", "expected a string, found a boolean");
    wrong(&KEYMAP, "\"\"", "must not be empty");
    wrong(
        &KEYMAP,
        "\"~bob/keys.toml\"",
        "only `~/` is expanded; use `~/…` or an absolute path, found `~bob/keys.toml`",
    );
    wrong(&TICK, "\"fast\"", "expected an integer, found a string");
    wrong(&TICK, "2.5", "expected an integer, found a float");
    for (value, shown) in [("15", "15"), ("5001", "5001"), ("-1", "-1"), ("0", "0")] {
        wrong(
            &TICK,
            value,
            &format!("expected milliseconds between 16 and 5000, found {shown}"),
        );
    }
}

#[test]
fn polling() {
    for key in [&ACTIVE, &IDLE, &BACKOFF] {
        wrong(key, "\"5s\"", "expected an integer, found a string");
        wrong(
            key,
            "90000",
            "must be at most 86400 seconds (one day), found 90000",
        );
    }
    wrong(&ACTIVE, "0", "must be at least 1 second, found 0");
    wrong(&ACTIVE, "-5", "must be at least 1 second, found -5");
    wrong(&IDLE, "4", "must be at least polling.active (5 s), found 4");
    wrong(
        &BACKOFF,
        "29",
        "must be at least polling.idle (30 s), found 29",
    );
}

#[test]
fn environment_required_keys() {
    for (name, path) in [
        ("name", "environments[0].name"),
        ("pipeline", "environments[0].pipeline"),
        ("source_bucket", "environments[0].source_bucket"),
        ("source_key", "environments[0].source_key"),
        ("distribution_id", "environments[0].distribution_id"),
        ("logs_bucket", "environments[0].logs_bucket"),
    ] {
        let k = env(name, path);
        wrong(&k, "7", "expected a string, found an integer");
        wrong(&k, "\"\"", "must not be empty");
        missing(&k, "environments[0]");
    }
    for name in ["Dev", "dev env", "dév", "dev_1"] {
        wrong(
            &env("name", "environments[0].name"),
            &format!("\"{name}\""),
            &format!("expected lowercase letters, digits and `-` ([a-z0-9-]+), found `{name}`"),
        );
    }
    wrong(
        &env2("name", "environments[1].name"),
        "\"dev\"",
        "duplicate environment name `dev` (already used by environments[0])",
    );
    for bucket in [
        "ab",
        "My-Bucket",
        "logs_bucket",
        "-logs",
        "logs-",
        "a..b",
        "192.168.1.10",
    ] {
        for (name, path) in [
            ("source_bucket", "environments[0].source_bucket"),
            ("logs_bucket", "environments[0].logs_bucket"),
        ] {
            wrong(
                &env(name, path),
                &format!("\"{bucket}\""),
                &format!(
                    "expected an S3 bucket name (3-63 lowercase letters, digits, `.` and `-`, \
                     starting and ending with a letter or digit), found `{bucket}`"
                ),
            );
        }
    }
    let long = "p".repeat(101);
    for pipeline in ["deploy dev", "deploy/dev", long.as_str()] {
        wrong(
            &env("pipeline", "environments[0].pipeline"),
            &format!("\"{pipeline}\""),
            &format!(
                "expected a pipeline name (1-100 letters, digits, `.`, `@`, `-` and `_`), \
                 found `{pipeline}`"
            ),
        );
    }
    for id in ["e1dev", "E1-DEV", "E123456789012345678901234567890123"] {
        wrong(
            &env("distribution_id", "environments[0].distribution_id"),
            &format!("\"{id}\""),
            &format!(
                "expected a CloudFront distribution id (1-32 uppercase letters and digits, \
                 e.g. E2DEVSTOREFRNT), found `{id}`"
            ),
        );
    }
}

#[test]
fn environment_optional_keys() {
    for (name, path) in [
        ("release_prefix", "environments[0].release_prefix"),
        ("logs_prefix", "environments[0].logs_prefix"),
    ] {
        wrong(&env(name, path), "[]", "expected a string, found an array");
    }
    let groups = env("log_groups", "environments[0].log_groups");
    wrong(
        &groups,
        "\"/aws/lambda/api\"",
        "expected an array of strings, found a string",
    );
    for (name, path) in [
        ("site_url", "environments[0].site_url"),
        ("api_url", "environments[0].api_url"),
    ] {
        let k = env(name, path);
        wrong(&k, "1", "expected a string, found an integer");
        wrong(
            &k,
            "\"dev.example.com\"",
            "expected a URL starting with http:// or https://, found `dev.example.com`",
        );
    }
    for (name, path) in [
        ("protected", "environments[0].protected"),
        ("read_only", "environments[0].read_only"),
    ] {
        wrong(
            &env(name, path),
            "\"no\"",
            "expected a boolean (true or false), found a string",
        );
    }
    let approval = env("self_approval", "environments[0].self_approval");
    wrong(
        &approval,
        "\"never\"",
        "expected \"refuse\" or \"allow\", found `never`",
    );
    wrong(&approval, "false", "expected a string, found a boolean");
    let from = env2("promotes_from", "environments[1].promotes_from");
    wrong(&from, "3", "expected a string, found an integer");
    wrong(
        &from,
        "\"qa\"",
        "unknown environment `qa`; expected one of dev, prd",
    );
    wrong(
        &from,
        "\"prd\"",
        "environment `prd` cannot promote from itself",
    );
    wrong(
        &env("promotes_from", "environments[0].promotes_from"),
        "\"prd\"",
        "promotion cycle: dev → prd → dev",
    );
}

#[test]
fn log_group_items_are_located_one_by_one() {
    let text = FULL.replace(
        "log_groups = [\"/aws/lambda/api-dev\", \"/aws/codebuild/deploy-dev\"]",
        "log_groups = [\"/aws/lambda/api-dev\", 7, \"\"]",
    );
    let line = FULL
        .lines()
        .position(|l| l.starts_with("log_groups"))
        .unwrap()
        + 1;
    let col = "log_groups = [\"/aws/lambda/api-dev\", ".chars().count() + 1;
    assert_eq!(
        parse(&text).unwrap_err(),
        format!(
            "shipdeck.toml:{line}:{col}: environments[0].log_groups[1]: expected a string, found an integer"
        )
    );
    let text = FULL.replace("\"/aws/codebuild/deploy-dev\"", "\" \"");
    assert_eq!(
        parse(&text).unwrap_err(),
        format!("shipdeck.toml:{line}:{col}: environments[0].log_groups[1]: must not be empty")
    );
}

#[test]
fn tables_of_the_wrong_shape_unknown_keys_and_syntax() {
    let first = |text: &str| parse(text).unwrap_err();
    assert_eq!(
        first("aws = \"eu-west-1\"\n"),
        "shipdeck.toml:1:7: aws: expected a table, found a string"
    );
    assert_eq!(
        first("environments = \"dev\"\n"),
        "shipdeck.toml:1:16: environments: expected an array of tables ([[environments]]), found a string"
    );
    assert_eq!(
        first("environments = []\n"),
        "shipdeck.toml:1:16: environments: at least one environment is required; add an \
         [[environments]] table (see assets/shipdeck.example.toml)"
    );
    assert_eq!(
        first("read_only = false\n"),
        "shipdeck.toml:1:1: environments: at least one environment is required; add an \
         [[environments]] table (see assets/shipdeck.example.toml)"
    );
    assert_eq!(
        first(&FULL.replace("region = ", "regoin = ")),
        "shipdeck.toml:4:1: unknown key `regoin` in [aws]; expected one of profile, region, endpoint_url"
    );
    assert_eq!(
        first(&FULL.replace("tick_ms = 250", "tick_ms = 250\ntheme = \"dark\"")),
        "shipdeck.toml:9:1: unknown key `theme` in [ui]; expected one of keymap, tick_ms"
    );
    assert_eq!(
        first(&FULL.replace("logs_prefix", "log_prefix")),
        "shipdeck.toml:21:1: unknown key `log_prefix` in environments[0]; expected one of name, \
         pipeline, source_bucket, source_key, release_prefix, distribution_id, logs_bucket, \
         logs_prefix, log_groups, site_url, api_url, protected, read_only, promotes_from, \
         self_approval"
    );
    let syntax = first(&FULL.replace("tick_ms = 250", "tick_ms = "));
    assert!(
        syntax.starts_with("shipdeck.toml:8:11: invalid TOML: "),
        "{syntax}"
    );
    let overflow = first(&FULL.replace("tick_ms = 250", "tick_ms = 99999999999999999999"));
    assert!(overflow.starts_with("shipdeck.toml:8:"), "{overflow}");
}

/// The keymap file named by `[ui] keymap`: its errors name the file, the section, the action
/// and the key (semantic errors carry no line and column yet).
#[test]
fn keymap_file() {
    let err = |text: &str| {
        Keymap::from_toml(text, "keys.toml")
            .unwrap_err()
            .to_string()
    };
    let syntax = err("[normal]\nquit = { keys = [\"q\"\n");
    assert!(
        syntax.starts_with("keys.toml: invalid keymap: line "),
        "{syntax}"
    );
    assert!(err("[normal]\nquit = \"q\"\n").starts_with("keys.toml: invalid keymap: line 2"));
    assert_eq!(
        err("[views]\nquit = { keys = [\"q\"] }\n"),
        "keys.toml:1:2: unknown section [views]; expected [normal], [logs], [dialog] or [input]"
    );
    let unknown = err("[normal]\nleave = { keys = [\"q\"] }\n");
    assert!(
        unknown
            .starts_with("keys.toml:2:1: [normal] unknown action `leave`; expected one of help, "),
        "{unknown}"
    );
    assert_eq!(
        err("[normal]\nquit = { keys = [\"hyper-q\"] }\n"),
        "keys.toml:2:18: [normal] quit: unknown key `hyper-q`"
    );
    assert_eq!(
        err("[normal]\nquit = { keys = [\"x\"] }\nhelp = { keys = [\"x\"] }\n"),
        "keys.toml:2:18: [normal] key `x` is bound to both `help` and `quit` (the other at keys.toml:3:18)"
    );
    let missing = std::env::temp_dir().join("shipdeck-bad-input-no-such-keymap.toml");
    let io = Keymap::load(Some(&missing)).unwrap_err().to_string();
    assert!(
        io.starts_with(&format!("{}: cannot read keymap: ", missing.display())),
        "{io}"
    );
}
