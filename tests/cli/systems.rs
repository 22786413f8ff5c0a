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

fn json_of(args: &[&str]) -> (Value, std::process::Output) {
    let out = shipdeck(args);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (v, out)
}

/// `approvals` without `--system` reads every system: both demo systems' approvals, each named
/// by its system, and the text grouped as `status` groups it; `--system` reads one.
#[test]
fn approvals_reads_every_system_grouped_and_system_picks_one() {
    let (v, out) = json_of(&["--demo", "approvals", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let approvals = v["pending_approvals"].as_array().unwrap();
    let seen: Vec<(&str, &str)> = (approvals.iter())
        .map(|a| {
            (
                a["system"].as_str().unwrap(),
                a["environment"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(seen.contains(&("storefront", "prd")), "{v}");
    assert!(seen.contains(&("backoffice", "live")), "{v}");
    for a in approvals {
        let system = a["system"].as_str().unwrap();
        assert!(a["pipeline"].as_str().unwrap().starts_with(system), "{a}");
    }
    let out = shipdeck(&["--demo", "approvals"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (storefront, backoffice) = text.split_once("== system backoffice ==\n").unwrap();
    assert!(
        storefront.starts_with("== system storefront ==\nENV"),
        "{text}"
    );
    assert!(
        storefront.contains("\nprd ") && !storefront.contains("live"),
        "{text}"
    );
    assert!(
        backoffice.starts_with("ENV") && backoffice.contains("\nlive "),
        "{text}"
    );

    let (v, _) = json_of(&[
        "--demo",
        "--system",
        "backoffice",
        "approvals",
        "-o",
        "json",
    ]);
    let envs: Vec<&str> = (v["pending_approvals"].as_array().unwrap().iter())
        .map(|a| a["environment"].as_str().unwrap())
        .collect();
    assert_eq!(envs, ["live"], "{v}");
}

/// `runs` without `--system` lists every system's repository, grouped; a run id, which is a
/// run of one repository, needs `--system` when the systems' repositories differ.
#[test]
fn runs_lists_every_systems_repository_and_a_run_id_needs_system() {
    let (v, out) = json_of(&["--demo", "runs", "--limit", "2", "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(v["repository"], Value::Null, "each workflow names its own");
    let workflows: Vec<(&str, &str, &str)> = (v["workflows"].as_array().unwrap().iter())
        .map(|w| {
            let s = |k: &str| w[k].as_str().unwrap();
            (s("system"), s("repository"), s("role"))
        })
        .collect();
    assert_eq!(
        workflows,
        [
            ("storefront", "acme/storefront", "deploy"),
            ("storefront", "acme/storefront", "release"),
            ("backoffice", "acme/backoffice", "deploy"),
            ("backoffice", "acme/backoffice", "release"),
        ]
    );
    let text = String::from_utf8_lossy(&shipdeck(&["--demo", "runs"]).stdout).to_string();
    let (storefront, backoffice) = text.split_once("== system backoffice ==\n").unwrap();
    assert!(
        storefront.starts_with("== system storefront ==\nacme/storefront — GitHub Actions\n"),
        "{text}"
    );
    assert!(
        backoffice.starts_with("acme/backoffice — GitHub Actions\n"),
        "{text}"
    );

    let id = v["workflows"][2]["runs"][0]["id"].to_string();
    let out = shipdeck(&["--demo", "runs", "show", &id]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "shipdeck: a run id is a run of one repository, and the systems have several; say which \
         with --system storefront (acme/storefront) or --system backoffice (acme/backoffice)"
    );
    let (v, out) = json_of(&[
        "--demo",
        "--system",
        "backoffice",
        "runs",
        "show",
        &id,
        "-o",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        v["run"]["html_url"]
            .as_str()
            .unwrap()
            .contains("acme/backoffice"),
        "{v}"
    );
}

/// A system whose runs cannot be read is unknown with its reason, beside the others (exit 1).
#[test]
fn runs_of_a_system_not_read_are_unknown_not_none() {
    let dir = std::env::temp_dir().join(format!("shipdeck-systems-gh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let env = |system: &str| {
        format!(
            "[[systems.environments]]\nname = \"dev\"\npipeline = \"{system}-deployer-dev\"\n\
             source_bucket = \"{system}-deployer-source\"\nsource_key = \"dev/release.zip\"\n\
             distribution_id = \"E{}DEV\"\n",
            system.to_uppercase()
        )
    };
    let path = dir.join("shipdeck.toml");
    std::fs::write(
        &path,
        format!(
            "[aws]\nregion = \"eu-west-1\"\n[[systems]]\nname = \"storefront\"\n\
             [systems.github]\nrepository = \"acme/storefront\"\napi_url = \"http://127.0.0.1:9\"\n{}\
             [[systems]]\nname = \"backoffice\"\n{}",
            env("storefront"),
            env("backoffice")
        ),
    )
    .unwrap();
    let out = shipdeck(&["--config", path.to_str().unwrap(), "runs"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (storefront, backoffice) = text.split_once("== system backoffice ==\n").unwrap();
    assert!(
        storefront.contains("deploy.yml: runs unknown: network error"),
        "{text}"
    );
    assert!(
        backoffice.starts_with("runs unknown: GitHub is not configured: add a [github] table"),
        "{text}"
    );
    assert!(!text.contains("no runs"), "{text}");
    // The demo of the same configuration: backoffice has no repository there either (no
    // simulated one under another system's name).
    let out = shipdeck(&["--config", path.to_str().unwrap(), "--demo", "runs"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (storefront, backoffice) = text.split_once("== system backoffice ==\n").unwrap();
    assert!(storefront.contains("acme/storefront"), "{text}");
    assert!(
        backoffice.starts_with("runs unknown: GitHub is not configured: add a [github] table"),
        "{text}"
    );
}

/// `trace` without `--system` looks in every system: where the commit is, its trace; where it is
/// not, said so; in none, exit 2 naming each system's reason.
#[test]
fn trace_looks_in_every_system() {
    let (pending, _) = json_of(&[
        "--demo",
        "--system",
        "backoffice",
        "approvals",
        "-o",
        "json",
    ]);
    let waiting = &pending["pending_approvals"][0];
    let sha = waiting["commit"].as_str().unwrap();
    let (v, out) = json_of(&["--demo", "trace", sha, "-o", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let systems = v["systems"].as_array().unwrap();
    assert_eq!(systems[0]["system"], "storefront");
    assert_eq!(
        systems[0]["not_found"],
        format!("commit {sha} does not exist in acme/storefront")
    );
    assert_eq!(systems[1]["system"], "backoffice");
    assert_eq!(systems[1]["not_found"], Value::Null);
    assert_eq!(systems[1]["commit"]["sha"], sha);
    assert_eq!(systems[1]["environments"][1]["name"], "live");
    assert!(
        (systems[1]["summary"].as_str().unwrap()).contains("waiting for live approval"),
        "{v}"
    );
    let text = String::from_utf8_lossy(&shipdeck(&["--demo", "trace", sha]).stdout).to_string();
    assert!(
        text.starts_with(&format!(
            "== system storefront ==\nnot in this system: commit {sha} does not exist in \
             acme/storefront\n\n== system backoffice ==\ncommit "
        )),
        "{text}"
    );
    let out = shipdeck(&["--demo", "trace", "deadbeef"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "shipdeck: system storefront: commit deadbeef does not exist in acme/storefront\n\
         system backoffice: commit deadbeef does not exist in acme/backoffice"
    );
}
