//! `--system`: a configuration of several systems on the command line — the default system, an
//! environment name two systems share, and `status` grouped by system.

use crate::commands::shipdeck;
use serde_json::Value;

/// Two systems that both have a `dev`, written to a file of the test's own.
fn two_systems(test: &str) -> std::path::PathBuf {
    let mut text = String::new();
    for (system, envs) in [
        ("storefront", ["dev", "prd"]),
        ("backoffice", ["dev", "live"]),
    ] {
        text.push_str(&format!(
            "[[systems]]\nname = \"{system}\"\n[systems.github]\nrepository = \"acme/{system}\"\n"
        ));
        for env in envs {
            let id = format!("E{system}{env}").to_uppercase();
            text.push_str(&format!(
                "[[systems.environments]]\nname = \"{env}\"\npipeline = \"{system}-deployer-{env}\"\n\
                 source_bucket = \"{system}-deployer-source\"\nsource_key = \"{env}/release.zip\"\n\
                 release_prefix = \"releases/\"\ndistribution_id = \"{id}\"\n\
                 protected = {}\n",
                env != "dev"
            ));
        }
    }
    let dir = std::env::temp_dir().join(format!("shipdeck-systems-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("shipdeck.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

#[test]
fn a_name_two_systems_share_is_refused_without_system_and_read_with_it() {
    let config = two_systems("shared");
    let config = config.to_str().unwrap();
    let out = shipdeck(&["--demo", "--config", config, "pipeline", "dev"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "shipdeck: environment `dev` is in several systems (storefront, backoffice); say which \
         with --system storefront or --system backoffice"
    );
    for system in ["storefront", "backoffice"] {
        let out = shipdeck(&[
            "--demo", "--config", config, "--system", system, "pipeline", "dev", "-o", "json",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["pipeline"]["name"], format!("{system}-deployer-dev"));
    }
    // A name only one system has picks that system; the flag after the subcommand counts too.
    let out = shipdeck(&[
        "--demo", "--config", config, "pipeline", "live", "-o", "json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pipeline"]["name"], "backoffice-deployer-live");
    let out = shipdeck(&[
        "--demo",
        "--config",
        config,
        "pipeline",
        "live",
        "--system",
        "storefront",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "shipdeck: environment `live` is not in system `storefront`; it is in backoffice \
         (--system backoffice)"
    );
    let out = shipdeck(&[
        "--demo",
        "--config",
        config,
        "--system",
        "payments",
        "approvals",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "shipdeck: unknown system `payments`; expected one of storefront, backoffice"
    );
    // An action is refused the same way, before anything is planned or sent.
    let out = shipdeck(&["--demo", "--config", config, "deploy", "dev", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is in several systems"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn status_shows_every_system_grouped_and_system_picks_one() {
    let out = shipdeck(&["--demo", "status", "-o", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let envs: Vec<(&str, &str)> = (v["environments"].as_array().unwrap().iter())
        .map(|e| (e["system"].as_str().unwrap(), e["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        envs,
        [
            ("storefront", "dev"),
            ("storefront", "stg"),
            ("storefront", "prd"),
            ("backoffice", "uat"),
            ("backoffice", "live"),
        ]
    );
    let approvals = v["pending_approvals"].as_array().unwrap();
    for a in approvals {
        let system = a["system"].as_str().unwrap();
        assert!(
            a["pipeline"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{system}-")),
            "{a}"
        );
    }
    assert!(approvals.iter().any(|a| a["system"] == "backoffice"), "{v}");
    let text = String::from_utf8_lossy(&shipdeck(&["--demo", "status"]).stdout).to_string();
    let (storefront, backoffice) = text.split_once("== system backoffice ==").unwrap();
    assert!(
        storefront.starts_with("== system storefront ==\nENV"),
        "{text}"
    );
    assert!(storefront.contains("prd (protected)") && !storefront.contains("uat"));
    assert!(backoffice.contains("live (protected)") && !backoffice.contains("stg"));

    let v: Value = serde_json::from_slice(
        &shipdeck(&["--demo", "--system", "backoffice", "status", "-o", "json"]).stdout,
    )
    .unwrap();
    let names: Vec<&str> = (v["environments"].as_array().unwrap().iter())
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["uat", "live"]);
    assert_eq!(v["environments"][0]["system"], "backoffice");
}

#[test]
fn config_check_prints_every_system() {
    let config = two_systems("check");
    let out = shipdeck(&["config", "check", config.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains(": ok, 2 systems\n"), "{text}");
    assert!(
        text.contains(
            "  system storefront (the default): 2 environments, GitHub acme/storefront\n    dev "
        ),
        "{text}"
    );
    assert!(
        text.contains("  system backoffice: 2 environments, GitHub acme/backoffice\n"),
        "{text}"
    );
    assert!(
        text.contains("    live   pipeline backoffice-deployer-live"),
        "{text}"
    );
}
