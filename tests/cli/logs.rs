//! `shipdeck logs` run as a process: local fixture files and a generated directory (JSONL keys
//! and values, TSV header, statistics, exit codes, stderr counts), stdin, and an environment's
//! logs bucket and log groups in the simulator.

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;
use shipdeck::accesslog::write_w3c;
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
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

/// The binary with `args`, away from any configuration of the machine's.
fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shipdeck"));
    c.args(args)
        .env_remove("SHIPDECK_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
        .current_dir(std::env::temp_dir());
    c
}

fn shipdeck_in(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = command(args)
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

/// `logs cloudfront --file PATH --stats -o jsonl`, parsed.
fn stats_json(path: &str) -> Value {
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        path,
        "--stats",
        "-o",
        "jsonl",
    ]);
    serde_json::from_slice(&out.stdout).unwrap()
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

mod sources;

mod reports;

mod follow;

mod closed_pipes;

mod unknown_fields;

#[path = "logs/jsonl.rs"]
mod jsonl_edges;
