//! Credentials never reach the tracing log or the terminal: the binary in AWS mode against the
//! local AWS emulator, with a distinctive secret key and session token and the most verbose
//! tracing (`SHIPDECK_LOG=trace`, which turns on the AWS SDK's own events too: its request
//! signing traces canonical requests holding the session token, which the console drops). The
//! CLI's output and the console's trace log (the console run in a pseudo-terminal) are searched
//! for the secret values.

use crate::support::emulator;

use emulator::{REGION, connect, unique};
use std::path::{Path, PathBuf};
use std::process::Command;

const KEY_ID: &str = "AKIASHIPDECKTESTKEY1";
const SECRET: &str = "ShipdeckSecretAccessKey0123456789abcdefXY";
const TOKEN: &str = "ShipdeckSessionToken0123456789SECRETtokenValue";

/// An environment over emulator resources; returns the directory holding its `shipdeck.toml`.
async fn world() -> (PathBuf, String) {
    let (_aws, c, url) = connect().await;
    let role = emulator::pipeline_role(&url);
    let bucket = unique("shipdeck-secrets");
    c.s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let pipeline = unique("storefront-deployer-dev");
    emulator::create_pipeline(&c, &role, &pipeline, &bucket, false).await;
    let dist =
        emulator::create_distribution(&c, &bucket, "cloudfront/dev/", "dev.example.com").await;
    let dir = std::env::temp_dir().join(unique("shipdeck-secrets"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("shipdeck.toml"),
        format!(
            "[aws]\nregion = \"{REGION}\"\n\n[[environments]]\nname = \"dev\"\n\
             pipeline = \"{pipeline}\"\nsource_bucket = \"{bucket}\"\n\
             source_key = \"dev/release.zip\"\nrelease_prefix = \"releases/\"\n\
             distribution_id = \"{dist}\"\nlogs_bucket = \"{bucket}\"\n\
             logs_prefix = \"cloudfront/dev/\"\n"
        ),
    )
    .unwrap();
    (dir, url)
}

/// A command with the distinctive credentials, trace logging into `dir/state`, and nothing of
/// the machine's AWS setup.
fn with_secrets(mut cmd: Command, dir: &Path) -> Command {
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("SHIPDECK_LOG", "trace")
        .env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "SHIPDECK_CONFIG",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn assert_no_secrets(written: &str, what: &str) {
    for secret in [SECRET, TOKEN] {
        assert!(!written.contains(secret), "`{secret}` is in {what}");
        // Nor a long piece of it (a shortened form that still gives most of it away).
        assert!(
            !written.contains(&secret[..16]),
            "a part of `{secret}` is in {what}"
        );
    }
}

#[tokio::test]
async fn the_cli_prints_no_credentials() {
    let (dir, url) = world().await;
    let runs: [&[&str]; 3] = [
        &["status", "--output", "json"],
        &["pipeline", "dev", "--output", "json"],
        &["logs", "cloudfront", "dev", "--since", "1h"],
    ];
    for args in runs {
        let mut cmd = with_secrets(Command::new(env!("CARGO_BIN_EXE_shipdeck")), &dir);
        let out = cmd
            .arg("--endpoint-url")
            .arg(&url)
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        // The logs bucket is empty: the logs command says so (exit code 1) after listing it.
        let empty = args[0] == "logs" && stderr.contains("no log files in s3://");
        // moto has no GetPipelineState: status and pipeline say what is unknown (exit 1).
        let unknown = args[0] != "logs" && out.status.code() == Some(1);
        assert!(
            out.status.success() || empty || unknown,
            "{args:?}: {stderr}"
        );
        assert_no_secrets(&String::from_utf8_lossy(&out.stdout), "stdout");
        assert_no_secrets(&stderr, "stderr");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_console_traces_every_call_and_no_credentials() {
    let (dir, url) = world().await;
    let harness = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty/harness.py");
    let mut cmd = with_secrets(Command::new("python3"), &dir);
    let args = serde_json::json!(["--endpoint-url", url]).to_string();
    let out = cmd
        .args([harness, env!("CARGO_BIN_EXE_shipdeck"), "quit"])
        .env("HARNESS_STATE", dir.join("state"))
        .env("HARNESS_ARGS", args)
        // The CDN column fills in once the first refresh of the environment is back.
        .env("HARNESS_WAIT", "Deployed")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["drawn"], true, "the first refresh was shown: {v}");
    assert_eq!(v["exit_code"], 0, "{v}");
    let log = std::fs::read_to_string(dir.join("state/shipdeck/shipdeck.log")).unwrap();
    // The trace is full (the test would prove nothing if it were empty): the SDK's own events
    // about signed requests are in it.
    for traced in [
        "TRACE",
        "GetCallerIdentity",
        "GetPipelineState",
        "transmitting request",
    ] {
        assert!(
            log.contains(traced),
            "`{traced}` in {} bytes of trace",
            log.len()
        );
    }
    assert_no_secrets(&log, "the trace log");
    std::fs::remove_dir_all(&dir).ok();
}
