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
connect_timeout = 3
operation_timeout = 14
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
build_log_group = "/aws/codebuild/deploy-dev"
role_arn = "arn:aws:iam::222222222222:role/shipdeck"
external_id = "storefront-ops"
role_session_name = "shipdeck"
site_url = "https://dev.example.com"
api_url = "https://api.dev.example.com"
protected = false
read_only = false
self_approval = "allow"
promotes_from = ""
api_name = "api-dev"
lambda_function = "api-dev"
viewer_function = "site-dev-viewer-request"
[environments.health]
error_rate_yellow = 0.5
error_rate_red = 1
window_minutes = 5
latency_p99_yellow_ms = 1000
latency_p99_red_ms = 3000
tls_days_yellow = 14
tls_days_red = 3
function_compute_yellow = 70
function_compute_red = 90
[environments.athena]
database = "shipdeck_logs"
workgroup = "ops"
output_location = "s3://athena-results-dev/shipdeck/"
[[environments]]
name = "prd"
pipeline = "p-prd"
source_bucket = "src"
source_key = "prd/release.zip"
distribution_id = "E1PRD"
logs_bucket = "logs"
promotes_from = "dev"
deploy_project = "deploy-prd"
[github]
repository = "acme/storefront"
deploy_workflow = "deploy.yml"
release_workflow = "release.yml"
api_url = "https://github.example.com/api/v3"
[deployer]
repository = "deployer"
[notify]
enabled = true
method = "auto"
throttle = 60
approval_pending = true
approval_expiring = true
approval_answered = true
deploy_failed = true
rollback_started = true
environment_red = true
refresh_failing = false
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
const CONNECT: Key = key("[aws]", "connect_timeout", "aws.connect_timeout");
const OPERATION: Key = key("[aws]", "operation_timeout", "aws.operation_timeout");
const KEYMAP: Key = key("[ui]", "keymap", "ui.keymap");
const TICK: Key = key("[ui]", "tick_ms", "ui.tick_ms");
const ACTIVE: Key = key("[polling]", "active", "polling.active");
const IDLE: Key = key("[polling]", "idle", "polling.idle");
const BACKOFF: Key = key("[polling]", "max_backoff", "polling.max_backoff");
const REPOSITORY: Key = key("[github]", "repository", "github.repository");
const DEPLOY_WORKFLOW: Key = key("[github]", "deploy_workflow", "github.deploy_workflow");
const RELEASE_WORKFLOW: Key = key("[github]", "release_workflow", "github.release_workflow");
const GITHUB_API: Key = key("[github]", "api_url", "github.api_url");
const DEPLOYER_REPOSITORY: Key = key("[deployer]", "repository", "deployer.repository");
const NOTIFY_ENABLED: Key = key("[notify]", "enabled", "notify.enabled");
const NOTIFY_METHOD: Key = key("[notify]", "method", "notify.method");
const NOTIFY_THROTTLE: Key = key("[notify]", "throttle", "notify.throttle");
const NOTIFY_FAILED: Key = key("[notify]", "deploy_failed", "notify.deploy_failed");

/// A key of the first environment.
const fn env(name: &'static str, path: &'static str) -> Key {
    key("[[environments]]", name, path)
}

/// A key of the first environment's `[environments.health]`.
const fn health(name: &'static str, path: &'static str) -> Key {
    key("[environments.health]", name, path)
}

/// A key of the first environment's `[environments.athena]`.
const fn athena(name: &'static str, path: &'static str) -> Key {
    key("[environments.athena]", name, path)
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
        "connect_timeout",
        "operation_timeout",
        "role_arn",
        "external_id",
        "role_session_name",
        "keymap",
        "tick_ms",
        "active",
        "idle",
        "max_backoff",
        "repository",
        "deploy_workflow",
        "release_workflow",
        "name",
        "pipeline",
        "source_bucket",
        "source_key",
        "release_prefix",
        "distribution_id",
        "logs_bucket",
        "logs_prefix",
        "log_groups",
        "build_log_group",
        "deploy_project",
        "site_url",
        "api_url",
        "protected",
        "promotes_from",
        "self_approval",
        "api_name",
        "lambda_function",
        "viewer_function",
        "function_compute_yellow",
        "function_compute_red",
        "error_rate_yellow",
        "error_rate_red",
        "window_minutes",
        "latency_p99_yellow_ms",
        "latency_p99_red_ms",
        "tls_days_yellow",
        "tls_days_red",
        "database",
        "workgroup",
        "output_location",
        "max_scan_bytes",
        "local_max_bytes",
        "enabled",
        "method",
        "throttle",
        "approval_pending",
        "approval_expiring",
        "approval_answered",
        "deploy_failed",
        "rollback_started",
        "environment_red",
        "refresh_failing",
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
fn github() {
    wrong(
        &REPOSITORY,
        "\"storefront\"",
        "expected `owner/name`, e.g. `acme/storefront`, found `storefront`",
    );
    wrong(
        &REPOSITORY,
        "\"https://github.com/acme/storefront\"",
        "expected `owner/name`, e.g. `acme/storefront`, found \
         `https://github.com/acme/storefront` (the repository's `owner/name`, not its URL)",
    );
    wrong(&REPOSITORY, "42", "expected a string, found an integer");
    wrong(
        &DEPLOY_WORKFLOW,
        "\".github/workflows/deploy.yml\"",
        "expected the workflow's file name, e.g. `deploy.yml`, found the path \
         `.github/workflows/deploy.yml`",
    );
    wrong(
        &RELEASE_WORKFLOW,
        "\"Release\"",
        "expected a workflow file name under .github/workflows/, e.g. `release.yml`, found \
         `Release`",
    );
    wrong(
        &RELEASE_WORKFLOW,
        "\"deploy.yml\"",
        "the same file as github.deploy_workflow (`deploy.yml`); the release workflow is the one \
         started by hand",
    );
    wrong(
        &GITHUB_API,
        "\"https://github.com\"",
        "that is the website; github.com's API is https://api.github.com (the default: leave the \
         key out), a GitHub Enterprise server's is https://HOST/api/v3",
    );
    wrong(
        &GITHUB_API,
        "\"api.github.com\"",
        "expected a URL starting with http:// or https://, found `api.github.com`",
    );
    missing(&REPOSITORY, "github");
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
    // Not named like a region at all; a likely typo of a listed one is suggested.
    for (region, suggestion) in [
        ("eu_west_1", "; did you mean `eu-west-1`?"),
        ("EU-WEST-1", "; did you mean `eu-west-1`?"),
        ("europe", ""),
        ("eu-west", "; did you mean `eu-west-1`?"),
        ("west-1", ""),
        ("eu-west-1a", "; did you mean `eu-west-1`?"),
        ("xx-west-1", "; did you mean `ca-west-1`?"),
    ] {
        wrong(
            &REGION,
            &format!("\"{region}\""),
            &format!(
                "expected an AWS region code such as eu-west-1 or us-east-1, found `{region}`\
                 {suggestion}"
            ),
        );
    }
    // Named like a region, but with a word no region name uses: a typo, not a new region.
    for (region, suggestion) in [
        ("eu-wset-1", "; did you mean `eu-west-1`?"),
        ("us-esat-1", "; did you mean `us-east-1`?"),
        ("ap-nowhere-1", ""),
    ] {
        wrong(
            &REGION,
            &format!("\"{region}\""),
            &format!(
                "unknown AWS region `{region}`{suggestion} (not one of the 46 regions shipdeck \
                 knows, nor named like one: a region name is a prefix, a compass word and a \
                 number, such as eu-west-1)"
            ),
        );
    }
    // Every listed region, and names a region newer than the list would have.
    for region in shipdeck::config::regions::REGIONS.iter().chain(&[
        "eu-central-3",
        "ap-southeast-9",
        "us-gov-central-1",
    ]) {
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
fn aws_timeouts() {
    for key in [&CONNECT, &OPERATION] {
        wrong(key, "\"3s\"", "expected an integer, found a string");
        wrong(key, "1.5", "expected an integer, found a float");
    }
    for value in ["0", "-1", "15", "60"] {
        wrong(
            &OPERATION,
            value,
            &format!(
                "expected seconds between 1 and 14 (the console gives up on a call after 15 s), \
                 found {value}"
            ),
        );
    }
    wrong(
        &CONNECT,
        "15",
        "expected seconds between 1 and 14 (at most aws.operation_timeout (14 s)), found 15",
    );
    let short = FULL.replace("operation_timeout = 14", "operation_timeout = 5");
    let err = parse(&short.replace("connect_timeout = 3", "connect_timeout = 6")).unwrap_err();
    assert_eq!(
        err,
        "shipdeck.toml:6:19: aws.connect_timeout: expected seconds between 1 and 5 \
         (at most aws.operation_timeout (5 s)), found 6"
    );
    let config = parse(&short).unwrap();
    assert_eq!(
        (config.aws.connect_timeout, config.aws.operation_timeout),
        (
            Some(std::time::Duration::from_secs(3)),
            Some(std::time::Duration::from_secs(5))
        )
    );
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

mod environments;
mod shapes;

/// `[deployer] repository` is an ECR repository name (a pasted image URI gets the name to write);
/// `deploy_project` a CodeBuild project name (a pasted ARN gets the name).
#[test]
fn the_deployer_repository_and_deploy_project_are_names() {
    wrong(
        &DEPLOYER_REPOSITORY,
        "\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/deployer:1.44.0\"",
        "expected an ECR repository name (lowercase letters, digits, `. _ -` and `/`), found \
         `123456789012.dkr.ecr.eu-west-1.amazonaws.com/deployer:1.44.0` (that is an image URI: \
         write `deployer`)",
    );
    wrong(
        &DEPLOYER_REPOSITORY,
        "\"Deployer\"",
        "expected an ECR repository name (lowercase letters, digits, `. _ -` and `/`), found \
         `Deployer`",
    );
    let project = env2("deploy_project", "environments[1].deploy_project");
    wrong(
        &project,
        "\"arn:aws:codebuild:eu-west-1:123456789012:project/deploy-prd\"",
        "expected a CodeBuild project name (2-255 letters, digits, `-` and `_`), found \
         `arn:aws:codebuild:eu-west-1:123456789012:project/deploy-prd` (that is the project's \
         ARN: write `deploy-prd`)",
    );
    wrong(&project, "3", "expected a string, found an integer");
    let config = parse(FULL).unwrap();
    assert_eq!(config.deployer_repository.as_deref(), Some("deployer"));
    assert_eq!(config.deploy_projects["prd"], "deploy-prd");
    assert!(!config.deploy_projects.contains_key("dev"));
}

/// `[notify]`: the method by name, the throttle in seconds, each kind a boolean; an unknown key
/// is named with the table's keys.
#[test]
fn notify() {
    wrong(
        &NOTIFY_METHOD,
        "\"growl\"",
        "unknown method `growl`; expected one of auto, bell, osc9, osc777",
    );
    wrong(
        &NOTIFY_THROTTLE,
        "7200",
        "expected seconds from 0 to 3600, got 7200",
    );
    wrong(
        &NOTIFY_THROTTLE,
        "-1",
        "expected seconds from 0 to 3600, got -1",
    );
    let enabled = parse(&FULL.replace("enabled = true", "enabled = \"yes\"")).unwrap_err();
    assert!(enabled.contains(NOTIFY_ENABLED.path), "{enabled}");
    let failed = parse(&FULL.replace("deploy_failed = true", "deploy_failed = 1")).unwrap_err();
    assert!(failed.contains(NOTIFY_FAILED.path), "{failed}");
    let unknown = parse(&FULL.replace("throttle = 60", "deploy_fail = false")).unwrap_err();
    assert!(
        unknown.contains("deploy_fail")
            && unknown.contains("[notify]")
            && unknown.contains("deploy_failed"),
        "{unknown}"
    );
    let config = parse(FULL).unwrap();
    use shipdeck::app::attention::EventKind;
    assert!(config.notify.enabled);
    assert_eq!(config.notify.throttle, 60_000);
    assert!(!config.notify.kinds.contains(&EventKind::RefreshFailing));
    assert!(config.notify.kinds.contains(&EventKind::DeployFailed));
}

/// The identity keys of an environment: a wrong value names the environment and the key.
#[test]
fn environment_identity() {
    wrong(
        &env("role_arn", "environments[0].role_arn"),
        "\"arn:aws:iam::2222:role/x\"",
        "environment `dev`: expected an IAM role ARN such as arn:aws:iam::222222222222:role/shipdeck: \
         the account must be 12 digits, found `2222` in `arn:aws:iam::2222:role/x`",
    );
    wrong(
        &env("external_id", "environments[0].external_id"),
        "\"x\"",
        "environment `dev`: expected 2-1224 letters, digits and `+=,.@:/-_` (as sts:AssumeRole takes it)",
    );
    wrong(
        &env("role_session_name", "environments[0].role_session_name"),
        "\"has space\"",
        "environment `dev`: expected 2-64 letters, digits and `+=,.@-_` (as sts:AssumeRole takes it), \
         found `has space`",
    );
}
