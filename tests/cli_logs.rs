//! `shipdeck logs` run as a process: local fixture files and a generated directory (JSONL keys
//! and values, TSV header, statistics, exit codes, stderr counts), stdin, and an environment's
//! logs bucket and log groups in the simulator.

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;
use shipdeck::accesslog::{Conditions, LogGenerator, SiteProfile, write_w3c};
use shipdeck::domain::Timestamp;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/accesslog")
        .join(name);
    p.display().to_string()
}

fn shipdeck_in(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(args)
        .env_remove("SHIPDECK_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn shipdeck(args: &[&str]) -> Output {
    shipdeck_in(args, None)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn jsonl(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn jsonl_keys_are_the_w3c_names_with_decoded_values_and_numbers() {
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &fixture("cloudfront-33.log"),
        "--output",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let recs = jsonl(&out);
    assert_eq!(recs.len(), 4);
    let r = &recs[0];
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 34);
    assert_eq!(keys[0], "timestamp");
    assert_eq!(keys[1..], shipdeck::accesslog::FIELDS);
    assert_eq!(r["timestamp"], "2026-11-25T09:00:01Z");
    assert_eq!(r["sc-status"], 200);
    assert_eq!(r["sc-bytes"], 2390);
    assert_eq!(r["time-taken"], 0.012);
    assert_eq!(r["c-port"], 51432);
    assert_eq!(r["cs(User-Agent)"], "Mozilla/5.0 (X11; Linux x86_64)");
    assert_eq!(r["cs(Cookie)"], Value::Null);
    assert_eq!(r["sc-range-end"], Value::Null);
    assert_eq!(recs[1]["c-ip"], "2001:db8::7");
    assert_eq!(recs[2]["cs-uri-stem"], "/search/café <b>");
    assert_eq!(recs[2]["cs-uri-query"], "q=bags+%26+totes");
    let err = text(&out.stderr);
    assert!(err.contains("skipped 1 malformed line"), "{err}");
    assert!(
        err.contains("cloudfront-33.log:6: expected 33 fields, found 3"),
        "{err}"
    );
}

#[test]
fn older_formats_keep_their_own_keys() {
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &fixture("cloudfront-18.log"),
        "-o",
        "jsonl",
    ]);
    let recs = jsonl(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].as_object().unwrap().len(), 19);
    assert!(recs[0].get("time-taken").is_none());
    assert_eq!(recs[1]["sc-status"], 502);
}

#[test]
fn tsv_has_a_header_and_pretty_is_one_line_per_record() {
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &fixture("cloudfront-33.log"),
        "--output",
        "tsv",
    ]);
    let t = text(&out.stdout);
    let mut lines = t.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header[0], "timestamp");
    assert_eq!(header[9], "sc-status");
    let row: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(row.len(), 34);
    assert_eq!(row[11], "Mozilla/5.0 (X11; Linux x86_64)");
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &fixture("cloudfront-33.log"),
    ]);
    let t = text(&out.stdout);
    assert_eq!(
        t.lines().next(),
        Some("2026-11-25T09:00:01Z FRA56-P1 200 Hit GET /index.html 12ms 203.0.113.7")
    );
    assert_eq!(t.lines().count(), 4);
}

#[test]
fn filter_and_since_select_records() {
    let f = fixture("cloudfront-33.log");
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &f,
        "--filter",
        "status>=500",
        "-o",
        "jsonl",
    ]);
    let recs = jsonl(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["sc-status"], 502);
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &f,
        "--since",
        "2026-11-25T09:00:03Z",
        "-o",
        "jsonl",
    ]);
    assert_eq!(jsonl(&out).len(), 2);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let body = std::fs::read(fixture("cloudfront-33.log")).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(&body).unwrap();
    let out = shipdeck_in(
        &["logs", "cloudfront", "--file", "-", "-o", "jsonl"],
        Some(&gz.finish().unwrap()),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(jsonl(&out).len(), 4);
}

fn generated_dir(tag: &str) -> (PathBuf, usize) {
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-logs-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let site = SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: None,
    };
    let mut total = 0;
    for i in 0..4 {
        let recs = LogGenerator::new(i, site.clone()).window(
            Timestamp(1_795_597_200_000 + i as i64 * 300_000),
            300_000,
            500,
            &Conditions::default(),
        );
        total += recs.len();
        let mut t = String::new();
        write_w3c(&recs, &mut t);
        let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
        gz.write_all(t.as_bytes()).unwrap();
        std::fs::write(
            dir.join(format!("E2PRD.2026-11-25-09.{i:04}.gz")),
            gz.finish().unwrap(),
        )
        .unwrap();
    }
    (dir, total)
}

#[test]
fn a_directory_with_statistics_and_a_broken_file() {
    let (dir, total) = generated_dir("stats");
    let d = dir.display().to_string();
    let out = shipdeck(&["logs", "cloudfront", "--dir", &d, "--stats", "-o", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], total);
    assert_eq!(v["summary"]["requests"], total);
    assert!(v["summary"]["top"]["paths"].as_array().unwrap().len() > 3);
    let out = shipdeck(&["logs", "cloudfront", "--dir", &d, "--stats"]);
    assert!(
        text(&out.stdout).contains("requests   2000"),
        "{}",
        text(&out.stdout)
    );
    std::fs::write(
        dir.join("E2PRD.2026-11-25-10.zzzz.gz"),
        b"<Error>AccessDenied</Error>",
    )
    .unwrap();
    let out = shipdeck(&["logs", "cloudfront", "--dir", &d, "-o", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(jsonl(&out).len(), total);
    let err = text(&out.stderr);
    assert!(err.contains("zzzz.gz: not a gzip file"), "{err}");
    assert!(err.contains("1 of 5 inputs could not be read"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn exit_codes_nothing_readable_is_1_and_bad_flags_are_2() {
    let out = shipdeck(&["logs", "cloudfront", "--file", "/nonexistent/x.gz"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent/x.gz"));
    for (args, flag) in [
        (vec!["--file", "x", "--since", "yesterday"], "--since"),
        (vec!["--file", "x", "--filter", "status>>5"], "--filter"),
        (vec!["--file", "x", "--output", "xml"], "--output"),
    ] {
        let mut all = vec!["logs", "cloudfront"];
        all.extend(args);
        let out = shipdeck(&all);
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        assert!(text(&out.stderr).contains(flag), "{}", text(&out.stderr));
    }
    assert_eq!(shipdeck(&["logs", "cloudfront"]).status.code(), Some(2));
    assert_eq!(
        shipdeck(&["logs", "cloudfront", "prd", "--file", "x"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        shipdeck(&["logs", "cloudfront", "--file", "x", "--follow"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn an_environment_in_the_simulator() {
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "prd",
        "--demo",
        "--since",
        "1h",
        "--output",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let recs = jsonl(&out);
    assert!(recs.len() > 100, "{}", recs.len());
    let first = recs
        .iter()
        .map(|r| r["timestamp"].as_str().unwrap().to_string())
        .min()
        .unwrap();
    let last = recs
        .iter()
        .map(|r| r["timestamp"].as_str().unwrap().to_string())
        .max()
        .unwrap();
    assert!(
        first.as_str() >= "2026-11-25T08:00:00Z" && last.as_str() <= "2026-11-25T09:00:00Z",
        "{first} {last}"
    );
    assert!(
        recs.iter()
            .all(|r| r["cs(Host)"].as_str().unwrap().ends_with(".cloudfront.net"))
    );
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "prd",
        "--demo",
        "--stats",
        "-o",
        "jsonl",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], recs.len());
    assert_eq!(v["windows"].as_array().unwrap().len(), 4);
    let out = shipdeck(&["logs", "cloudfront", "nope", "--demo"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unknown environment `nope`"));
}

#[test]
fn a_log_group_in_the_simulator() {
    let out = shipdeck(&[
        "logs", "group", "prd", "api", "--demo", "--since", "30m", "-o", "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let events = jsonl(&out);
    assert!(!events.is_empty());
    let mut ids: Vec<&str> = events
        .iter()
        .map(|e| e["event_id"].as_str().unwrap())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "no event twice");
    let out = shipdeck(&["logs", "group", "prd", "nothing-like-this", "--demo"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn follow_reads_files_delivered_later_and_never_a_record_twice() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args([
            "logs",
            "cloudfront",
            "prd",
            "--demo",
            "--follow",
            "--speed",
            "3000",
        ])
        .args(["--since", "10m", "--output", "jsonl"])
        .env_remove("SHIPDECK_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let started = std::time::Instant::now();
    let mut ids = std::collections::HashSet::new();
    let mut newest = String::new();
    // Simulated time runs 3000× wall time: half an hour later is a fraction of a second away.
    // Read until a record from 09:20 on shows up (a file delivered after the start).
    for line in std::io::BufReader::new(stdout).lines() {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        let id = v["x-edge-request-id"].as_str().unwrap().to_string();
        assert!(ids.insert(id), "a record was printed twice");
        newest = newest.max(v["timestamp"].as_str().unwrap().to_string());
        if newest.as_str() >= "2026-11-25T09:20:00Z" || started.elapsed().as_secs() > 60 {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(newest.as_str() >= "2026-11-25T09:20:00Z", "newest {newest}");
    assert!(ids.len() > 100);
}
