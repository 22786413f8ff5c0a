//! The `shipdeck` binary in AWS mode against the local AWS emulator: `status` and `pipeline` as
//! JSON over three environments created over HTTP, and the bad inputs an operator meets (missing
//! pipeline or bucket, refused connections, an endpoint that is not AWS, invalid region, unknown
//! profile, SSO profile without a session), each a specific message on stderr with exit code 1.

use crate::support::emulator;
use crate::support::stub;

use aws_sdk_s3::primitives::ByteStream;
use emulator::{REGION, connect, unique};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Three environments (dev → stg → prd) over emulator resources; the config file names them.
struct World {
    dir: PathBuf,
    url: String,
    source_bucket: String,
    logs_bucket: String,
    dists: Vec<String>,
    pipelines: Vec<String>,
    executions: Vec<String>,
}

async fn world(tag: &str, envs: &[&str]) -> World {
    let (aws, c, url) = connect().await;
    let role = emulator::pipeline_role(&url);
    let source_bucket = unique("shipdeck-source");
    let logs_bucket = unique("shipdeck-logs");
    for b in [&source_bucket, &logs_bucket] {
        c.s3.create_bucket().bucket(b).send().await.unwrap();
    }
    for v in ["1.41.0", "1.42.0"] {
        let put = c.s3.put_object().bucket(&source_bucket);
        let put = put.key(format!("releases/{v}/storefront.zip"));
        put.body(ByteStream::from_static(b"zip"))
            .send()
            .await
            .unwrap();
    }
    let dir = std::env::temp_dir().join(unique(&format!("shipdeck-emu-{tag}")));
    std::fs::create_dir_all(&dir).unwrap();
    let mut toml = format!("[aws]\nregion = \"{REGION}\"\n");
    let (mut pipelines, mut executions, mut dists) = (Vec::new(), Vec::new(), Vec::new());
    let mut from: Option<&str> = None;
    for env in envs {
        let pipeline = unique(&format!("storefront-deployer-{env}"));
        emulator::create_pipeline(&c, &role, &pipeline, &source_bucket, *env == "prd").await;
        let start = shipdeck::cloud::StartRequest::default();
        executions.push(
            aws.cloud()
                .pipelines
                .start_execution(&pipeline, &start)
                .await
                .unwrap(),
        );
        let prefix = format!("cloudfront/{env}/");
        let dist =
            emulator::create_distribution(&c, &logs_bucket, &prefix, &format!("{env}.example.com"))
                .await;
        let group = format!("/aws/lambda/{}", unique("storefront-api"));
        c.logs
            .create_log_group()
            .log_group_name(&group)
            .send()
            .await
            .unwrap();
        toml.push_str(&format!(
            "\n[[environments]]\nname = \"{env}\"\npipeline = \"{pipeline}\"\n\
             source_bucket = \"{source_bucket}\"\nsource_key = \"{env}/release.zip\"\n\
             release_prefix = \"releases/\"\ndistribution_id = \"{dist}\"\n\
             logs_bucket = \"{logs_bucket}\"\nlogs_prefix = \"{prefix}\"\n\
             log_groups = [\"{group}\"]\n{}{}",
            if *env == "prd" {
                "protected = true\n"
            } else {
                ""
            },
            from.map_or(String::new(), |f| format!("promotes_from = \"{f}\"\n")),
        ));
        pipelines.push(pipeline);
        dists.push(dist);
        from = Some(env);
    }
    std::fs::write(dir.join("shipdeck.toml"), toml).unwrap();
    World {
        dir,
        url,
        source_bucket,
        logs_bucket,
        dists,
        pipelines,
        executions,
    }
}

/// Runs the binary with emulator credentials and an empty home (no profiles of the machine).
fn shipdeck(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shipdeck"));
    cmd.args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(var);
    }
    for var in [
        "SHIPDECK_CONFIG",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        match v.is_empty() {
            true => cmd.env_remove(k),
            false => cmd.env(k, v),
        };
    }
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn failed_with(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(out));
    assert!(
        stderr(out).contains(needle),
        "expected `{needle}` in: {}",
        stderr(out)
    );
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
}

#[tokio::test]
async fn query_dry_run_runs_nothing_and_the_query_runs_on_the_emulator() {
    let w = world("query", &["dev"]).await;
    let (_, c, _) = connect().await;
    let dist = &w.dists[0];
    // Legacy logging's flat keys: two objects in range (10:00 and 12:00), two outside, and one
    // of another distribution under the same prefix.
    for (key, size) in [
        (format!("cloudfront/dev/{dist}.2026-11-05-09.a.gz"), 100),
        (format!("cloudfront/dev/{dist}.2026-11-05-10.a.gz"), 200),
        (format!("cloudfront/dev/{dist}.2026-11-05-12.b.gz"), 300),
        (format!("cloudfront/dev/{dist}.2026-11-05-13.c.gz"), 400),
        ("cloudfront/dev/E9OTHER.2026-11-05-11.d.gz".to_string(), 500),
    ] {
        let put = c.s3.put_object().bucket(&w.logs_bucket).key(key);
        put.body(ByteStream::from(vec![0u8; size]))
            .send()
            .await
            .unwrap();
    }
    let args = [
        "--endpoint-url",
        &w.url,
        "query",
        "dev",
        "status:5xx",
        "--since",
        "2026-11-05T10:00:00Z",
        "--until",
        "2026-11-05T13:00:00Z",
        "--group-by",
        "path",
        "--dry-run",
        "-o",
        "json",
    ];
    let out = shipdeck(&w.dir, &args, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["estimate"]["objects"], 2, "{v}");
    assert_eq!(v["estimate"]["bytes"], 500, "{v}");
    assert_eq!(v["estimate"]["billed_bytes"], 10 * 1024 * 1024, "{v}");
    // The workgroup read from the emulator (GetWorkGroup), as a run would.
    assert!(
        v["work_group"]
            .as_str()
            .is_some_and(|w| w.starts_with("workgroup primary")),
        "{v}"
    );
    let sql = v["sql"].as_str().unwrap();
    assert!(
        sql.contains(&format!(
            "\"$path\" >= 's3://{}/cloudfront/dev/{dist}.2026-11-05-10'",
            w.logs_bucket
        )),
        "{sql}"
    );
    assert!(
        v["ddl"][1]
            .as_str()
            .unwrap()
            .contains("skip.header.line.count")
    );
    // Without --dry-run it runs on Athena: the emulator answers SUCCEEDED (with no rows unless
    // some are queued for it), and the progress says so.
    let out = shipdeck(&w.dir, &args[..args.len() - 3], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("SUCCEEDED"), "{}", stderr(&out));
}

#[tokio::test]
async fn status_and_pipeline_report_what_the_emulator_holds() {
    let w = world("status", &["dev", "stg", "prd"]).await;
    let out = shipdeck(
        &w.dir,
        &["--endpoint-url", &w.url, "status", "--output", "json"],
        &[],
    );
    // moto has no GetPipelineState: what depends on it is unknown, so the exit code is 1 and
    // the JSON still says everything it could read.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["mode"], "aws");
    assert!(
        v["identity"].as_str().unwrap().contains("123456789012"),
        "{}",
        v["identity"]
    );
    let envs = v["environments"].as_array().unwrap();
    let names: Vec<&str> = envs.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["dev", "stg", "prd"]);
    for (i, e) in envs.iter().enumerate() {
        assert_eq!(e["pipeline"]["name"], w.pipelines[i].as_str());
        let execs = e["pipeline"]["executions"].as_array().unwrap();
        assert_eq!(execs.len(), 1, "{e}");
        assert_eq!(execs[0]["id"], w.executions[i].as_str());
        assert_eq!(execs[0]["status"], "Succeeded");
        assert!(execs[0]["start"].as_str().unwrap().ends_with('Z'));
        assert_eq!(e["status"], "succeeded");
        assert!(e["distribution_status"].is_string(), "{e}");
        // moto has no GetPipelineState: the rest shows, marked stale with the reason.
        let stale = e["stale_error"].as_str().unwrap_or_default();
        assert!(
            stale.contains("server error on GetPipelineState: HTTP 500"),
            "{stale}"
        );
        let stages: Vec<&str> = e["pipeline"]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        let expected: &[&str] = if i == 2 {
            &["Source", "Approval", "Deploy"]
        } else {
            &["Source", "Deploy"]
        };
        assert_eq!(stages, expected, "stages from the definition");
        assert!(
            e["pipeline"]["stages"][0]["status"].is_null(),
            "state unknown"
        );
        assert!(
            e["pipeline"]["stages"][0]["inbound_enabled"].is_null(),
            "whether a stage is frozen is unknown, not `true`"
        );
    }
    assert_eq!(envs[2]["protected"], true);
    assert_eq!(envs[1]["promotes_from"], "dev");
    // Unknown is not none: no `[]` for approvals nobody could read.
    assert!(
        v["pending_approvals"].is_null(),
        "{}",
        v["pending_approvals"]
    );
    let unknown: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["unknown"] == "pending approvals")
        .map(|e| e["environment"].as_str().unwrap())
        .collect();
    assert_eq!(unknown, ["dev", "stg", "prd"], "{}", v["errors"]);
    assert!(
        v["errors"][0]["error"]
            .as_str()
            .unwrap()
            .contains("GetPipelineState"),
        "{}",
        v["errors"]
    );
    let out = shipdeck(&w.dir, &["--endpoint-url", &w.url, "approvals"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("No pending approvals."), "{text}");
    assert!(text.contains("prd: pending approvals unknown"), "{text}");
    let out = shipdeck(
        &w.dir,
        &["--endpoint-url", &w.url, "approve", "prd", "--yes"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "unknown, not nothing to do");
    assert!(
        stderr(&out).contains("cannot tell whether an approval is pending in prd"),
        "{}",
        stderr(&out)
    );

    let out = shipdeck(
        &w.dir,
        &["--endpoint-url", &w.url, "pipeline", "prd", "-o", "json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&w.executions[2]), "{text}");
    assert!(
        text.contains("\"state_error\": \"the pipeline state could not be read"),
        "{text}"
    );
    // The endpoint can also come from the environment.
    let out = shipdeck(&w.dir, &["status"], &[("AWS_ENDPOINT_URL", &w.url)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("unknown"));
}

#[tokio::test]
async fn missing_pipeline_and_bucket_fail_with_their_names() {
    let w = world("missing", &["dev"]).await;
    let config = std::fs::read_to_string(w.dir.join("shipdeck.toml")).unwrap();
    let ghost = unique("storefront-deployer-ghost");
    let no_bucket = unique("shipdeck-no-such-bucket");
    let broken = config.replace(&w.pipelines[0], &ghost).replace(
        &format!("source_bucket = \"{}\"", w.source_bucket),
        &format!("source_bucket = \"{no_bucket}\""),
    );
    std::fs::write(w.dir.join("shipdeck.toml"), broken).unwrap();
    let out = shipdeck(&w.dir, &["--endpoint-url", &w.url, "status"], &[]);
    failed_with(&out, &format!("dev: pipeline not found: {ghost}"));
    failed_with(
        &out,
        &format!("release catalogue: bucket not found: {no_bucket}"),
    );
}

#[tokio::test]
async fn bad_endpoint_region_profile_and_expired_sso_are_specific() {
    let w = world("bad", &["dev"]).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let refused = format!("http://127.0.0.1:{closed}");
    let out = shipdeck(&w.dir, &["--endpoint-url", &refused, "status"], &[]);
    failed_with(&out, &format!("network error: cannot reach {refused}"));
    failed_with(&out, "Connection refused");

    let out = shipdeck(
        &w.dir,
        &["--endpoint-url", &w.url, "--region", "eu-wst", "status"],
        &[],
    );
    // A region or endpoint that cannot be is a bad flag (exit 2), named before anything is read.
    for (out, needle) in [
        (out, "invalid AWS region `eu-wst`"),
        (
            shipdeck(&w.dir, &["--endpoint-url", "localhost:5000", "status"], &[]),
            "invalid endpoint URL `localhost:5000`",
        ),
    ] {
        assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
    }
    let out = shipdeck(
        &w.dir,
        &["--endpoint-url", &w.url, "--profile", "ghost", "status"],
        &[],
    );
    failed_with(&out, "AWS profile `ghost` is not defined");

    // An SSO profile whose session was never started (or has expired).
    let aws_dir = w.dir.join(".aws");
    std::fs::create_dir_all(&aws_dir).unwrap();
    std::fs::write(
        aws_dir.join("config"),
        "[profile ops]\nsso_session = corp\nsso_account_id = 123456789012\n\
         sso_role_name = Operator\nregion = us-east-1\n\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    let no_keys = [("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")];
    let out = shipdeck(
        &w.dir,
        &["--endpoint-url", &w.url, "--profile", "ops", "status"],
        &no_keys,
    );
    failed_with(
        &out,
        "no valid SSO session for profile `ops` (an error occurred while loading an access token",
    );
    failed_with(&out, "): shipdeck login --profile ops");
    assert!(
        !stderr(&out).contains("credentials expired"),
        "{}",
        stderr(&out)
    );

    // A web server answering 404 to everything is not saying that the pipeline and the bucket
    // are missing.
    let web = stub::not_found_server();
    let out = shipdeck(&w.dir, &["--endpoint-url", &web, "status"], &[]);
    failed_with(
        &out,
        &format!(
            "dev: {web} did not answer GetPipeline as CodePipeline does: HTTP 404 (text/html)"
        ),
    );
    failed_with(
        &out,
        &format!("release catalogue: {web} did not answer ListObjectsV2 as S3 does: HTTP 404"),
    );
    assert!(!stderr(&out).contains("not found:"), "{}", stderr(&out));
}
