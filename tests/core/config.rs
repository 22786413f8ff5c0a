//! Integration tests of `shipdeck.toml`: the example, every error's exact message, and discovery.

use shipdeck::config::{Config, ConfigError, EXAMPLE, Location, Origin, PollingConfig, Search};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A valid environment table body (after its `[[environments]]` header), 6 lines.
const ENV: &str = r#"name = "dev"
pipeline = "p-dev"
source_bucket = "src"
source_key = "dev/release.zip"
distribution_id = "E1"
logs_bucket = "logs"
"#;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_str(text, Some(Path::new("shipdeck.toml")))
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(config) => panic!("expected an error, got {config:?}"),
        Err(e) => e.to_string(),
    }
}

/// `text` followed by one valid `dev` environment.
fn with_env(text: &str) -> String {
    format!("{text}\n[[environments]]\n{ENV}")
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn example_is_the_demo_and_parses_into_three_environments() {
    let demo = Config::demo().unwrap();
    assert_eq!(demo.path, None);
    assert!(!demo.read_only);
    assert_eq!(demo.aws.region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        (demo.aws.profile.clone(), demo.aws.endpoint_url.clone()),
        (None, None)
    );
    assert_eq!((demo.ui.keymap.clone(), demo.ui.tick_ms), (None, 250));
    assert_eq!(
        demo.polling,
        PollingConfig {
            active_ms: 5_000,
            idle_ms: 30_000,
            max_backoff_ms: 300_000
        }
    );
    let summary: Vec<_> = demo
        .environments
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.promotes_from.as_deref(),
                e.protected,
                e.read_only,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("dev", None, false, false),
            ("stg", Some("dev"), false, false),
            ("prd", Some("stg"), true, false)
        ]
    );
    let prd = demo.environment("prd").unwrap();
    assert_eq!(prd.pipeline, "storefront-deployer-prd");
    assert_eq!(prd.source_key, "prd/release.zip");
    assert_eq!(prd.release_prefix, "releases/");
    assert_eq!(prd.distribution_id, "E2PRDSTOREFRNT");
    // prd's and stg's log sources are discovered; dev pins its bucket.
    assert_eq!(
        (prd.logs_bucket.as_deref(), prd.logs_prefix.as_str()),
        (None, "")
    );
    let dev = demo.environment("dev").unwrap();
    assert_eq!(
        (dev.logs_bucket.as_deref(), dev.logs_prefix.as_str()),
        (Some("storefront-cloudfront-logs"), "cloudfront/dev/")
    );
    assert_eq!(
        prd.log_groups,
        [
            "/aws/lambda/storefront-api-prd",
            "/aws/codebuild/storefront-deploy-prd"
        ]
    );
    assert_eq!(
        prd.site_url.as_deref(),
        Some("https://www.storefront.example.com")
    );
    assert_eq!(
        prd.api_url.as_deref(),
        Some("https://api.storefront.example.com")
    );

    let asset = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/shipdeck.example.toml");
    assert_eq!(std::fs::read_to_string(&asset).unwrap(), EXAMPLE);
    let loaded = Config::load(&asset).unwrap();
    assert_eq!(loaded.path.as_deref(), Some(asset.as_path()));
    assert_eq!(loaded.environments, demo.environments);
}

#[test]
fn defaults_and_read_only() {
    let c = parse(&fixture("minimal.toml")).unwrap();
    let dev = &c.environments[0];
    assert_eq!(
        (dev.release_prefix.as_str(), dev.logs_prefix.as_str()),
        ("", "")
    );
    assert!(dev.log_groups.is_empty() && dev.site_url.is_none() && dev.promotes_from.is_none());
    assert!(!dev.read_only && !dev.protected);

    let c = parse(&with_env("read_only = true")).unwrap();
    assert!(c.read_only && c.environments[0].read_only);
    let c = parse(&format!("[[environments]]\n{ENV}read_only = true\n")).unwrap();
    assert!(!c.read_only && c.environments[0].read_only);
}

#[test]
fn missing_file_names_the_path() {
    let e = Config::load(Path::new("/nonexistent/shipdeck.toml")).unwrap_err();
    assert!(matches!(e, ConfigError::NotFound { origin: None, .. }));
    assert_eq!(
        e.to_string(),
        "/nonexistent/shipdeck.toml: config file not found"
    );
}

#[test]
fn syntax_errors_carry_line_and_column() {
    assert_eq!(
        err(&fixture("bad_syntax.toml")),
        "shipdeck.toml:3:5: invalid TOML: unclosed table, expected `]`"
    );
    // A duplicate key is named (the parser says only "duplicate key").
    assert_eq!(
        err("read_only = true\nread_only = false\n"),
        "shipdeck.toml:2:1: invalid TOML: duplicate key `read_only`: it is already set in this \
         table (a key is set once)"
    );
    assert_eq!(
        err("[aws]\nregion = \"eu-west-1\"\n\"region\" = \"eu-west-2\"\n"),
        "shipdeck.toml:3:1: invalid TOML: duplicate key `region`: it is already set in this table \
         (a key is set once)"
    );
    let e = parse("x = \n").unwrap_err();
    assert_eq!(
        e.location(),
        Some(&Location {
            file: "shipdeck.toml".into(),
            line: 1,
            column: 5
        })
    );
}

#[test]
fn unknown_keys_name_the_key_the_table_and_the_choices() {
    assert_eq!(
        err(&fixture("aws_typo.toml")),
        "shipdeck.toml:8:7: unknown key `regoin` in [aws]; did you mean `region`? (expected one \
         of profile, region, endpoint_url, role_arn, external_id, role_session_name, \
         connect_timeout, operation_timeout)"
    );
    assert_eq!(
        err(&with_env("readonly = true")),
        "shipdeck.toml:1:1: unknown key `readonly` in the top-level table; did you mean \
         `read_only`? (expected one of read_only, aws, ui, polling, github, deployer, notify, \
         environments, systems, default_system)"
    );
    assert_eq!(
        err(&format!(
            "[[environments]]\n{ENV}\n[[environments]]\n{ENV}pipline = \"x\"\n"
        )),
        "shipdeck.toml:16:1: unknown key `pipline` in environments[1]; did you mean `pipeline`? \
         (expected one of name, pipeline, source_bucket, source_key, release_prefix, \
         distribution_id, logs_bucket, logs_prefix, log_groups, build_log_group, deploy_project, \
         site_url, api_url, protected, read_only, promotes_from, self_approval, api_name, \
         lambda_function, viewer_function, health, profile, region, role_arn, external_id, \
         role_session_name, endpoint_url, athena)"
    );
    assert_eq!(
        err(&with_env("[polling]\nactive = 5\nsleep = 1")),
        "shipdeck.toml:3:1: unknown key `sleep` in [polling]; expected one of active, idle, max_backoff"
    );
}

#[test]
fn missing_required_keys_point_at_the_table() {
    assert_eq!(
        err(&fixture("missing_pipeline.toml")),
        "shipdeck.toml:14:1: environments[1]: missing required key `pipeline`"
    );
    // Not required: the distribution's log sources are discovered without it.
    let discovered = parse(&format!(
        "[[environments]]\n{}",
        ENV.replace("logs_bucket = \"logs\"\n", "")
    ))
    .unwrap();
    assert_eq!(discovered.environments[0].logs_bucket, None);
    let no_envs = "shipdeck.toml:1:1: environments: at least one environment is required; \
                   add an [[environments]] table (see assets/shipdeck.example.toml)";
    assert_eq!(err("read_only = true\n"), no_envs);
    assert_eq!(err("\nenvironments = []\n"), no_envs.replace("1:1", "2:16"));
}

#[test]
fn wrong_types_say_what_was_expected() {
    let cases = [
        (
            "[ui]\ntick_ms = \"fast\"",
            "shipdeck.toml:2:11: ui.tick_ms: expected an integer, found a string",
        ),
        (
            "aws = 5",
            "shipdeck.toml:1:7: aws: expected a table, found an integer",
        ),
        (
            "read_only = \"yes\"",
            "shipdeck.toml:1:13: read_only: expected a boolean (true or false), found a string",
        ),
        (
            "[polling]\nidle = 1.5",
            "shipdeck.toml:2:8: polling.idle: expected an integer, found a float",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(err(&with_env(text)), expected, "{text}");
    }
    assert_eq!(
        err(&format!("[[environments]]\n{ENV}log_groups = [\"a\", 3]\n")),
        "shipdeck.toml:8:20: environments[0].log_groups[1]: expected a string, found an integer"
    );
    assert_eq!(
        err(&format!("[environments]\n{ENV}")),
        "shipdeck.toml:1:1: environments: expected an array of tables ([[environments]]), found a table"
    );
}

mod checks;
mod discovery;
