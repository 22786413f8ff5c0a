//! Wrong values for the keys of `[[environments]]`: required and optional keys, and
//! log-group items located one by one.

use super::*;

#[test]
fn environment_required_keys() {
    for (name, path) in [
        ("name", "environments[0].name"),
        ("pipeline", "environments[0].pipeline"),
        ("source_bucket", "environments[0].source_bucket"),
        ("source_key", "environments[0].source_key"),
        ("distribution_id", "environments[0].distribution_id"),
    ] {
        let k = env(name, path);
        wrong(&k, "7", "expected a string, found an integer");
        wrong(&k, "\"\"", "must not be empty");
        missing(&k, "environments[0]");
    }
    // Optional: without it the distribution's log sources are discovered.
    let k = env("logs_bucket", "environments[0].logs_bucket");
    wrong(&k, "7", "expected a string, found an integer");
}

#[test]
fn logs_prefix_variables_are_checked() {
    let k = env("logs_prefix", "environments[0].logs_prefix");
    wrong(
        &k,
        "\"cf/{DistributionId}/{week}/\"",
        "unknown variable `{week}` in key template `cf/{DistributionId}/{week}/`; variables: \
         {DistributionId}, {yyyy}, {MM}, {dd}, {HH}",
    );
    wrong(
        &k,
        "\"cf/{yyyy\"",
        "unclosed `{` in key template `cf/{yyyy`; variables: {DistributionId}, {yyyy}, {MM}, \
         {dd}, {HH}",
    );
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
    for (pipeline, hint) in [
        ("deploy dev", ""),
        ("deploy/dev", ""),
        (long.as_str(), " (101 characters)"),
        (
            "arn:aws:codepipeline:eu-west-1:123456789012:storefront-deployer-dev",
            " (that is the pipeline's ARN: write `storefront-deployer-dev`)",
        ),
    ] {
        wrong(
            &env("pipeline", "environments[0].pipeline"),
            &format!("\"{pipeline}\""),
            &format!(
                "expected a pipeline name (1-100 letters, digits, `.`, `@`, `-` and `_`), \
                 found `{pipeline}`{hint}"
            ),
        );
    }
    for (id, hint) in [
        ("e1dev", " (ids are upper case: `E1DEV`)"),
        ("E1-DEV", ""),
        ("E123456789012345678901234567890123", ""),
        ("1EDEV", ""),
        (
            "arn:aws:cloudfront::123456789012:distribution/E1U5RQF7T870K0",
            " (that is the distribution's ARN: write `E1U5RQF7T870K0`)",
        ),
        (
            "d111111abcdef8.cloudfront.net",
            " (that is the distribution's domain name: write its id, shown by \
             `aws cloudfront list-distributions`)",
        ),
    ] {
        wrong(
            &env("distribution_id", "environments[0].distribution_id"),
            &format!("\"{id}\""),
            &format!(
                "expected a CloudFront distribution id (1-32 uppercase letters and digits \
                 starting with a letter, e.g. E2DEVSTOREFRNT), found `{id}`{hint}"
            ),
        );
    }
    // S3's reserved prefixes and suffixes, and URLs or ARNs where a name belongs.
    for (bucket, message) in [
        (
            "xn--logs",
            "S3 bucket names cannot start with `xn--` (reserved by S3), found `xn--logs`",
        ),
        (
            "sthree-logs",
            "S3 bucket names cannot start with `sthree-` (reserved by S3), found `sthree-logs`",
        ),
        (
            "amzn-s3-demo-logs",
            "S3 bucket names cannot start with `amzn-s3-demo-` (reserved by S3), found \
             `amzn-s3-demo-logs`",
        ),
        (
            "logs-s3alias",
            "S3 general purpose bucket names cannot end with `-s3alias` (reserved by S3 for \
             access points and other bucket types), found `logs-s3alias`",
        ),
        (
            "logs--ol-s3",
            "S3 general purpose bucket names cannot end with `--ol-s3` (reserved by S3 for \
             access points and other bucket types), found `logs--ol-s3`",
        ),
        (
            "logs.mrap",
            "S3 general purpose bucket names cannot end with `.mrap` (reserved by S3 for \
             access points and other bucket types), found `logs.mrap`",
        ),
        (
            "logs--usw2-az1--x-s3",
            "S3 general purpose bucket names cannot end with `--x-s3` (reserved by S3 for \
             access points and other bucket types), found `logs--usw2-az1--x-s3`",
        ),
        (
            "logs--table-s3",
            "S3 general purpose bucket names cannot end with `--table-s3` (reserved by S3 for \
             access points and other bucket types), found `logs--table-s3`",
        ),
        (
            "s3://storefront-logs/cloudfront/",
            "expected a bucket name, not an S3 URL: write `storefront-logs`, found \
             `s3://storefront-logs/cloudfront/`",
        ),
        (
            "arn:aws:s3:::storefront-logs",
            "expected a bucket name, not an ARN: write `storefront-logs`, found \
             `arn:aws:s3:::storefront-logs`",
        ),
    ] {
        wrong(
            &env("logs_bucket", "environments[0].logs_bucket"),
            &format!("\"{bucket}\""),
            message,
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
    let text = FULL.replace("\"/aws/codebuild/deploy-dev\"]", "\" \"]");
    assert_eq!(
        parse(&text).unwrap_err(),
        format!("shipdeck.toml:{line}:{col}: environments[0].log_groups[1]: must not be empty")
    );
    // A name CloudWatch Logs would refuse, and a pasted ARN, answered with the name to write.
    let text = FULL.replace("\"/aws/codebuild/deploy-dev\"]", "\"deploy dev\"]");
    assert_eq!(
        parse(&text).unwrap_err(),
        format!(
            "shipdeck.toml:{line}:{col}: environments[0].log_groups[1]: expected a log group name \
             (1-512 letters, digits and `_ - / . #`), found `deploy dev`"
        )
    );
}

#[test]
fn the_build_log_group_is_a_log_group_name() {
    let key = env("build_log_group", "environments[0].build_log_group");
    wrong(&key, "[]", "expected a string, found an array");
    wrong(
        &key,
        "\"\"",
        "expected a log group name (1-512 letters, digits and `_ - / . #`), found ``",
    );
    wrong(
        &key,
        "\"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/deploy-dev:*\"",
        "expected a log group name (1-512 letters, digits and `_ - / . #`), found \
         `arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/deploy-dev:*` (that is the \
         log group's ARN: write `/aws/codebuild/deploy-dev`)",
    );
    let config = parse(FULL).unwrap();
    assert_eq!(
        config.environments[0].build_log_group.as_deref(),
        Some("/aws/codebuild/deploy-dev")
    );
    assert_eq!(
        config.environments[1].build_log_group, None,
        "unset: CodeBuild's default group per project"
    );
}

#[test]
fn health_names_and_thresholds_are_checked_and_contradictions_name_the_key() {
    for name in ["api_name", "lambda_function", "viewer_function"] {
        let path = format!("environments[0].{name}");
        let k = env(name, Box::leak(path.into_boxed_str()));
        wrong(&k, "7", "expected a string, found an integer");
        wrong(
            &k,
            "\"api/dev\"",
            "expected a name of letters, digits, `-`, `_` or `.` (at most 140), found `api/dev`",
        );
    }
    let k = health("error_rate_red", "environments[0].health.error_rate_red");
    wrong(&k, "\"1%\"", "expected a number, found a string");
    wrong(
        &k,
        "150",
        "expected a percentage above 0 and at most 100, found 150",
    );
    // Yellow above red: named by the yellow key, both values said.
    wrong(
        &health(
            "error_rate_yellow",
            "environments[0].health.error_rate_yellow",
        ),
        "2.5",
        "error_rate_yellow (2.5%) must be below error_rate_red (1%)",
    );
    wrong(
        &health(
            "latency_p99_yellow_ms",
            "environments[0].health.latency_p99_yellow_ms",
        ),
        "3000",
        "latency_p99_yellow_ms (3000 ms) must be below latency_p99_red_ms (3000 ms)",
    );
    wrong(
        &health("tls_days_yellow", "environments[0].health.tls_days_yellow"),
        "2",
        "tls_days_yellow (2 days) must be more than tls_days_red (3 days): yellow comes first \
         as the certificate nears its end",
    );
    wrong(
        &health("window_minutes", "environments[0].health.window_minutes"),
        "0",
        "expected 1 to 1440 minutes, found 0",
    );
    wrong(
        &health(
            "latency_p99_red_ms",
            "environments[0].health.latency_p99_red_ms",
        ),
        "2.5",
        "expected an integer, found a float",
    );
    wrong(
        &health("tls_days_red", "environments[0].health.tls_days_red"),
        "-1",
        "expected 0 to 365 days, found -1",
    );
    // The viewer function's compute utilization: a percentage, yellow below red.
    let k = health(
        "function_compute_red",
        "environments[0].health.function_compute_red",
    );
    wrong(&k, "120", "expected 1 to 100 %, found 120");
    wrong(&k, "-5", "expected 1 to 100 %, found -5");
    wrong(
        &health(
            "function_compute_yellow",
            "environments[0].health.function_compute_yellow",
        ),
        "95",
        "function_compute_yellow (95%) must be below function_compute_red (90%)",
    );
    // A negative rate is not a percentage either.
    wrong(
        &health(
            "error_rate_yellow",
            "environments[0].health.error_rate_yellow",
        ),
        "-0.5",
        "expected a percentage above 0 and at most 100, found -0.5",
    );
}

#[test]
fn health_defaults_and_the_function_of_a_lambda_log_group() {
    use shipdeck::domain::Thresholds;
    let config = parse(FULL).unwrap();
    let dev = config.health("dev");
    assert_eq!(dev.api_name.as_deref(), Some("api-dev"));
    assert_eq!(dev.thresholds, Thresholds::default());
    // prd names neither: no API watched, no function (it lists no /aws/lambda/ group).
    let prd = config.health("prd");
    assert_eq!((prd.api_name, prd.lambda_function), (None, None));
    // Without lambda_function, the function of a `/aws/lambda/NAME` log group.
    let text = FULL.replace("lambda_function = \"api-dev\"\n", "");
    let config = parse(&text).unwrap();
    assert_eq!(
        config.health("dev").lambda_function.as_deref(),
        Some("api-dev")
    );
    let d = Thresholds::default();
    assert_eq!(
        (d.error_rate_yellow, d.error_rate_red, d.window_minutes),
        (50, 100, 5)
    );
    assert_eq!((d.tls_days_yellow, d.tls_days_red), (14, 3));
    assert_eq!(
        (d.function_compute_yellow, d.function_compute_red),
        (70, 90)
    );
    assert_eq!(
        dev.viewer_function.as_deref(),
        Some("site-dev-viewer-request")
    );
    assert_eq!(prd.viewer_function, None, "the distribution's, once read");
}

#[test]
fn athena_names_and_the_results_location_are_checked() {
    let k = athena("database", "environments[0].athena.database");
    wrong(
        &k,
        "\"Shipdeck-Logs\"",
        "expected a database name of lowercase letters, digits and `_` (at most 255), found `Shipdeck-Logs`",
    );
    wrong(&k, "1", "expected a string, found an integer");
    wrong(
        &athena("workgroup", "environments[0].athena.workgroup"),
        "\"ops team\"",
        "expected a workgroup name of letters, digits, `.`, `_` or `-` (at most 128), found `ops team`",
    );
    let k = athena("output_location", "environments[0].athena.output_location");
    wrong(
        &k,
        "\"athena-results-dev\"",
        "expected an S3 URL such as s3://my-athena-results/shipdeck/, found `athena-results-dev`",
    );
    let config = parse(FULL).unwrap();
    let dev = config.athena("dev");
    assert_eq!(dev.database, "shipdeck_logs");
    assert_eq!(
        dev.output_location.as_deref(),
        Some("s3://athena-results-dev/shipdeck/")
    );
    // prd has no [environments.athena]: the defaults.
    let prd = config.athena("prd");
    assert_eq!(
        (prd.database.as_str(), prd.workgroup.as_str()),
        ("shipdeck", "primary")
    );
}
