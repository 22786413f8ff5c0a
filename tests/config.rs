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
    assert_eq!(prd.logs_prefix, "cloudfront/prd/");
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
    assert_eq!(
        err("a = 1\na = 2\n"),
        "shipdeck.toml:2:1: invalid TOML: duplicate key"
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
        "shipdeck.toml:8:7: unknown key `regoin` in [aws]; expected one of profile, region, endpoint_url"
    );
    assert_eq!(
        err(&with_env("readonly = true")),
        "shipdeck.toml:1:1: unknown key `readonly` in the top-level table; \
         expected one of read_only, aws, ui, polling, environments"
    );
    assert_eq!(
        err(&format!(
            "[[environments]]\n{ENV}\n[[environments]]\n{ENV}pipline = \"x\"\n"
        )),
        "shipdeck.toml:16:1: unknown key `pipline` in environments[1]; expected one of name, pipeline, \
         source_bucket, source_key, release_prefix, distribution_id, logs_bucket, logs_prefix, \
         log_groups, site_url, api_url, protected, read_only, promotes_from, self_approval"
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
    assert_eq!(
        err(&format!(
            "[[environments]]\n{}",
            ENV.replace("logs_bucket = \"logs\"\n", "")
        )),
        "shipdeck.toml:1:1: environments[0]: missing required key `logs_bucket`"
    );
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

#[test]
fn environment_values_are_validated() {
    let env = |extra: &str, replace: (&str, &str)| {
        err(&format!(
            "[[environments]]\n{}{extra}",
            ENV.replace(replace.0, replace.1)
        ))
    };
    let none = ("", "");
    assert_eq!(
        env("site_url = \"dev.example.com\"\n", none),
        "shipdeck.toml:8:12: environments[0].site_url: expected a URL starting with http:// or https://, \
         found `dev.example.com`"
    );
    assert_eq!(
        env("", ("\"dev\"", "\"Dev\"")),
        "shipdeck.toml:2:8: environments[0].name: expected lowercase letters, digits and `-` ([a-z0-9-]+), \
         found `Dev`"
    );
    assert_eq!(
        env("", ("\"dev\"", "\"\"")),
        "shipdeck.toml:2:8: environments[0].name: must not be empty"
    );
    assert_eq!(
        env("", ("\"E1\"", "\"e1\"")),
        "shipdeck.toml:6:19: environments[0].distribution_id: expected a CloudFront distribution id \
         (1-32 uppercase letters and digits, e.g. E2DEVSTOREFRNT), found `e1`"
    );
    assert_eq!(
        err(&with_env("[aws]\nendpoint_url = \"127.0.0.1:5000\"")),
        "shipdeck.toml:2:16: aws.endpoint_url: expected a URL starting with http:// or https://, \
         found `127.0.0.1:5000`"
    );
}

/// Three environments `a`, `b`, `c`, with `extra[i]` appended to the i-th table.
fn three(extra: [&str; 3]) -> String {
    let names = ["a", "b", "c"];
    (0..3)
        .map(|i| {
            format!(
                "[[environments]]\n{}{}\n",
                ENV.replace("\"dev\"", &format!("\"{}\"", names[i])),
                extra[i]
            )
        })
        .collect()
}

#[test]
fn names_are_unique_and_promotions_resolve() {
    assert_eq!(
        err(&three(["", "", ""]).replacen("\"b\"", "\"a\"", 1)),
        "shipdeck.toml:10:8: environments[1].name: duplicate environment name `a` (already used by environments[0])"
    );
    assert_eq!(
        err(&three(["", "", "promotes_from = \"qa\""])),
        "shipdeck.toml:24:17: environments[2].promotes_from: unknown environment `qa`; expected one of a, b, c"
    );
    assert_eq!(
        err(&three(["", "promotes_from = \"b\"", ""])),
        "shipdeck.toml:16:17: environments[1].promotes_from: environment `b` cannot promote from itself"
    );
    assert_eq!(
        err(&three(["promotes_from = \"b\"", "", ""])),
        "shipdeck.toml:8:17: environments[0].promotes_from: promotion cycle: a → b → a"
    );
    let c = parse(&three(["", "", "promotes_from = \"\""])).unwrap();
    let from: Vec<_> = c
        .environments
        .iter()
        .map(|e| e.promotes_from.as_deref())
        .collect();
    assert_eq!(from, [None, Some("a"), None]);
    let c = parse(&three([
        "",
        "promotes_from = \"c\"",
        "promotes_from = \"a\"",
    ]))
    .unwrap();
    let from: Vec<_> = c
        .environments
        .iter()
        .map(|e| e.promotes_from.as_deref())
        .collect();
    assert_eq!(from, [None, Some("c"), Some("a")]);
}

#[test]
fn polling_and_tick_ranges() {
    let ok = |text: &str| parse(&with_env(text)).unwrap();
    let p = ok("[polling]\nactive = 60").polling;
    assert_eq!(
        (p.active_ms, p.idle_ms, p.max_backoff_ms),
        (60_000, 60_000, 300_000)
    );
    let p = ok("[polling]\nactive = 1\nidle = 1\nmax_backoff = 1").polling;
    assert_eq!(
        (p.active_ms, p.idle_ms, p.max_backoff_ms),
        (1_000, 1_000, 1_000)
    );
    assert_eq!(ok("[ui]\ntick_ms = 16").ui.tick_ms, 16);
    let cases = [
        (
            "[polling]\nactive = 0",
            "shipdeck.toml:2:10: polling.active: must be at least 1 second, found 0",
        ),
        (
            "[polling]\nactive = 10\nidle = 5",
            "shipdeck.toml:3:8: polling.idle: must be at least polling.active (10 s), found 5",
        ),
        (
            "[polling]\nidle = 60\nmax_backoff = 30",
            "shipdeck.toml:3:15: polling.max_backoff: must be at least polling.idle (60 s), found 30",
        ),
        (
            "[polling]\nmax_backoff = 100000",
            "shipdeck.toml:2:15: polling.max_backoff: must be at most 86400 seconds (one day), found 100000",
        ),
        (
            "[ui]\ntick_ms = 5",
            "shipdeck.toml:2:11: ui.tick_ms: expected milliseconds between 16 and 5000, found 5",
        ),
        (
            "[ui]\ntick_ms = -1",
            "shipdeck.toml:2:11: ui.tick_ms: expected milliseconds between 16 and 5000, found -1",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(err(&with_env(text)), expected, "{text}");
    }
}

#[test]
fn locations_count_characters_from_one() {
    let at = |text: &str, offset| {
        let l = Location::from_offset("f", text, offset);
        (l.line, l.column)
    };
    assert_eq!(at("", 0), (1, 1));
    assert_eq!(at("ab\r\ncd", 5), (2, 2));
    assert_eq!(at("é = x", 5), (1, 5));
    assert_eq!(at("ab", 99), (1, 3));
}

/// A fresh, empty directory under the system temp dir.
fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("shipdeck-config-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a one-environment config named `env` at `path`.
fn write_config(path: &Path, env: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!(
            "[[environments]]\n{}",
            ENV.replace("\"dev\"", &format!("\"{env}\""))
        ),
    )
    .unwrap();
}

#[test]
fn discovery_order() {
    let root = temp_dir("order");
    let (cwd, home, xdg) = (root.join("work"), root.join("home"), root.join("xdg"));
    let search = Search {
        explicit: Some(root.join("flag.toml")),
        env_var: Some(root.join("env.toml")),
        cwd: Some(cwd.clone()),
        xdg_config_home: Some(xdg.clone()),
        home: Some(home.clone()),
    };
    let name = |s: &Search| s.load().unwrap().environments[0].name.clone();
    write_config(&root.join("flag.toml"), "flag");
    write_config(&root.join("env.toml"), "env");
    write_config(&cwd.join("shipdeck.toml"), "cwd");
    write_config(&xdg.join("shipdeck/shipdeck.toml"), "xdg");
    write_config(&home.join(".config/shipdeck/shipdeck.toml"), "home");
    assert_eq!(name(&search), "flag");
    let search = Search {
        explicit: None,
        ..search
    };
    assert_eq!(name(&search), "env");
    assert_eq!(
        search.locate().unwrap(),
        (root.join("env.toml"), Origin::EnvVar)
    );
    let search = Search {
        env_var: None,
        ..search
    };
    assert_eq!(name(&search), "cwd");
    std::fs::remove_file(cwd.join("shipdeck.toml")).unwrap();
    assert_eq!(name(&search), "xdg");
    let search = Search {
        xdg_config_home: None,
        ..search
    };
    assert_eq!(name(&search), "home");
    assert_eq!(
        search.load().unwrap().path,
        Some(home.join(".config/shipdeck/shipdeck.toml"))
    );
    // A relative --config path is taken from the working directory.
    let search = Search {
        explicit: Some(PathBuf::from("../flag.toml")),
        ..search
    };
    assert_eq!(name(&search), "flag");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn discovery_errors() {
    let root = temp_dir("errors");
    let search = Search {
        explicit: None,
        env_var: None,
        cwd: Some(root.join("work")),
        xdg_config_home: None,
        home: Some(root.join("home")),
    };
    let e = search.load().unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "no configuration file found; searched:\n  {0}/work/shipdeck.toml\n  {0}/home/.config/shipdeck/shipdeck.toml\n\
             copy assets/shipdeck.example.toml to one of these paths (or pass --config <path>, \
             or set SHIPDECK_CONFIG), or run with --demo",
            root.display()
        )
    );
    // A named file must exist, even when a default place has one.
    write_config(&root.join("work/shipdeck.toml"), "cwd");
    let named = Search {
        env_var: Some(root.join("missing.toml")),
        ..search.clone()
    };
    assert_eq!(
        named.load().unwrap_err().to_string(),
        format!(
            "{}/missing.toml: config file not found (named by $SHIPDECK_CONFIG)",
            root.display()
        )
    );
    let named = Search {
        explicit: Some(root.join("nope.toml")),
        ..named
    };
    assert_eq!(
        named.load().unwrap_err().to_string(),
        format!(
            "{}/nope.toml: config file not found (named by --config)",
            root.display()
        )
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn keymap_paths_expand_home_and_resolve_next_to_the_file() {
    let root = temp_dir("keymap");
    let path = root.join("work/shipdeck.toml");
    let search = Search {
        cwd: Some(root.join("work")),
        home: Some(root.join("home")),
        ..Search::default()
    };
    std::fs::create_dir_all(root.join("work")).unwrap();
    std::fs::write(
        &path,
        with_env("[ui]\nkeymap = \"~/.config/shipdeck/keymap.toml\""),
    )
    .unwrap();
    assert_eq!(
        search.load().unwrap().ui.keymap,
        Some(root.join("home/.config/shipdeck/keymap.toml"))
    );
    std::fs::write(&path, with_env("[ui]\nkeymap = \"keys.toml\"")).unwrap();
    assert_eq!(
        search.load().unwrap().ui.keymap,
        Some(root.join("work/keys.toml"))
    );
    std::fs::remove_dir_all(&root).unwrap();
}

proptest::proptest! {
    /// Any text, and the example with any one line dropped, parses or fails cleanly, and a
    /// located error points inside the text.
    #[test]
    fn never_panics_and_locations_stay_inside(text in "\\PC{0,200}", drop in 0usize..140) {
        let lines: Vec<&str> = EXAMPLE.lines().collect();
        let mut edited = lines.clone();
        edited.remove(drop % lines.len());
        for input in [text, edited.join("\n")] {
            if let Err(e) = parse(&input)
                && let Some(at) = e.location()
            {
                proptest::prop_assert!(at.line <= input.lines().count().max(1) + 1, "{e}");
                proptest::prop_assert!(at.column >= 1);
            }
        }
    }
}

#[test]
fn self_approval_is_refuse_or_allow_per_environment() {
    use shipdeck::ops::SelfApproval;
    let c = parse(&format!(
        "[[environments]]\n{ENV}self_approval = \"allow\"\n"
    ))
    .unwrap();
    assert_eq!(c.self_approval("dev"), SelfApproval::Allow);
    let c = parse(&format!(
        "[[environments]]\n{ENV}self_approval = \"refuse\"\n"
    ))
    .unwrap();
    assert_eq!(c.self_approval("dev"), SelfApproval::Refuse);
    let c = parse(&format!("[[environments]]\n{ENV}")).unwrap();
    assert_eq!(c.self_approval("dev"), SelfApproval::Default);
    assert!(SelfApproval::Default.refuses(true) && !SelfApproval::Default.refuses(false));
    assert_eq!(
        err(&format!(
            "[[environments]]\n{ENV}self_approval = \"never\"\n"
        )),
        "shipdeck.toml:8:17: environments[0].self_approval: expected \"refuse\" or \"allow\", \
         found `never`"
    );
    assert_eq!(
        err(&format!("[[environments]]\n{ENV}self_approval = false\n")),
        "shipdeck.toml:8:17: environments[0].self_approval: expected a string, found a boolean"
    );
    let demo = Config::demo().unwrap();
    assert_eq!(demo.self_approval("prd"), SelfApproval::Refuse);
    assert_eq!(demo.self_approval("dev"), SelfApproval::Default);
}
