//! `shipdeck query` run as a process over the simulator: with `--dry-run` the SQL, the DDL of
//! each demo environment's logging setup and the estimate from its logs bucket; run on the
//! simulator's Athena, the same counts as `logs cloudfront` over the same records (every format,
//! several filters, every group-by), the table created once agreed and audited, the byte limit;
//! and the refusals (a field the setup does not log, `--top` without `--group-by`), exit code 2.

use super::commands::{shipdeck, shipdeck_with};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let out = shipdeck(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_dry_run_prints_the_sql_the_ddl_and_the_cost_of_each_setup() {
    // prd: the v2 Parquet delivery, partitioned by distribution and hour.
    let v = json(&[
        "--demo",
        "query",
        "prd",
        "status:5xx and path:/api/*",
        "--since",
        "30d",
        "--group-by",
        "edge",
        "--top",
        "5",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(v["format"], "v2 Parquet");
    assert_eq!(v["table"], "cloudfront_prd_parquet");
    assert_eq!(v["ddl"][0], "CREATE DATABASE IF NOT EXISTS `shipdeck`");
    let ddl = v["ddl"][1].as_str().unwrap();
    assert!(ddl.contains("'projection.enabled'='true'"), "{ddl}");
    assert!(ddl.contains("ParquetHiveSerDe"), "{ddl}");
    let sql = v["sql"].as_str().unwrap();
    assert!(
        sql.contains("\"distributionid\" = 'E2PRDSTOREFRNT'"),
        "{sql}"
    );
    assert!(sql.contains("LIKE '/api/%' ESCAPE '\\'"), "{sql}");
    assert!(sql.ends_with("LIMIT 5"), "{sql}");
    let objects = v["estimate"]["objects"].as_u64().unwrap();
    let bytes = v["estimate"]["bytes"].as_u64().unwrap();
    assert!(objects > 100 && bytes > 0, "{v}");
    assert!(v["estimate"]["usd"].as_f64().unwrap() > 0.0, "{v}");
    // The workgroup as a run would find it, read (GetWorkGroup), not only named.
    let wg = v["work_group"].as_str().unwrap_or_default();
    assert!(
        wg.starts_with("workgroup primary · results to s3://"),
        "{v}"
    );
    assert!(v["work_group_error"].is_null(), "{v}");
    // The legacy source of prd: flat keys, pruned by "$path".
    let v = json(&[
        "--demo",
        "query",
        "prd",
        "--source",
        "legacy",
        "--since",
        "2h",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(v["format"], "legacy W3C");
    assert!(
        v["sql"].as_str().unwrap().contains("\"$path\" >= 's3://"),
        "{v}"
    );
    assert!(
        v["ddl"][1]
            .as_str()
            .unwrap()
            .contains("skip.header.line.count")
    );
    // stg: JSON lines under Hive paths.
    let v = json(&[
        "--demo",
        "query",
        "stg",
        "country:DE",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert!(
        v["ddl"][1]
            .as_str()
            .unwrap()
            .contains("org.openx.data.jsonserde.JsonSerDe")
    );
    // Pretty: the statements, the plan in comments.
    let out = shipdeck(&["--demo", "query", "dev", "--since", "6h", "--dry-run"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.starts_with("-- shipdeck query dev --dry-run: nothing was run or created.\n"));
    assert!(text.contains("-- Scans at most: "), "{text}");
    // Sizes in decimal units, as the JSON's bytes and the console say them; a limit takes units.
    let asked = [
        "--demo",
        "query",
        "prd",
        "--since",
        "7d",
        "--max-scan-bytes",
        "10GB",
        "--dry-run",
    ];
    let v = json(&[&asked[..], &["-o", "json"]].concat());
    let bytes = v["estimate"]["bytes"]
        .as_u64()
        .expect("the estimate's bytes");
    let out = shipdeck(&asked);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(" objects, {:.1} MB (billed ", bytes as f64 / 1e6)),
        "{bytes} bytes: {text}"
    );
    assert!(
        text.contains("-- Athena: database shipdeck, workgroup primary · results to s3://"),
        "{text}"
    );
    assert!(text.contains("\nSELECT count(*) AS \"requests\""), "{text}");
}

#[test]
fn refusals_say_why_with_exit_code_2() {
    for (args, says) in [
        (
            &[
                "--demo",
                "query",
                "prd",
                "status:5xx",
                "--max-scan-bytes",
                "0",
            ][..],
            "invalid value '0' for '--max-scan-bytes <BYTES>': expected more than 0 bytes",
        ),
        (
            &[
                "--demo",
                "query",
                "prd",
                "--max-scan-bytes",
                "ten gigs",
                "--dry-run",
            ][..],
            "expected a number of bytes, as 500000000, 500MB, 10GB or 50GiB",
        ),
        (
            &[
                "--demo",
                "insights",
                "prd",
                "--since",
                "2h",
                "--until",
                "3h",
                "fields @message",
            ][..],
            "--until (",
        ),
        (
            &["--demo", "query", "dev", "country:DE", "--dry-run"][..],
            "country reads the log field c-country, which the configured logs_bucket (legacy W3C) does not log",
        ),
        (
            &["--demo", "query", "dev", "--top", "3", "--dry-run"][..],
            "--top counts groups: give --group-by too",
        ),
        (
            &["--demo", "query", "dev", "--group-by", "week", "--dry-run"][..],
            "unknown group `week`; expected one of path, status, edge, country, asn, ip, minute, hour, day",
        ),
        (
            &["--demo", "query", "dev", "status:6xx", "--dry-run"][..],
            "status class",
        ),
        (
            &[
                "--demo",
                "query",
                "dev",
                "--since",
                "1h",
                "--until",
                "2h",
                "--dry-run",
            ][..],
            "must be after --since",
        ),
    ] {
        let out = shipdeck(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// The records `logs cloudfront ENV --since WINDOW --filter F` reads, one JSON object each.
fn local_records(env: &str, since: &str, filter: &str) -> Vec<Value> {
    let out = shipdeck(&[
        "--demo",
        "logs",
        "cloudfront",
        env,
        "--since",
        since,
        "--filter",
        filter,
        "-o",
        "jsonl",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `shipdeck query` run to its end on the simulator (the table created with `--yes`), as JSON.
fn athena(env: &str, since: &str, filter: &str, extra: &[&str]) -> Value {
    let state = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--demo", "query", env, filter, "--since", since, "--yes", "-o", "json",
    ];
    args.extend(extra);
    let out = shipdeck_with(&args, &[("XDG_STATE_HOME", state.path())]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `jobs` four at a time (each is a process of its own).
fn parallel<T: Send>(jobs: Vec<Box<dyn FnOnce() -> T + Send + '_>>) -> Vec<T> {
    let mut out = Vec::new();
    let mut jobs = jobs.into_iter();
    loop {
        let batch: Vec<_> = jobs.by_ref().take(4).collect();
        if batch.is_empty() {
            return out;
        }
        std::thread::scope(|s| {
            let handles: Vec<_> = batch.into_iter().map(|j| s.spawn(j)).collect();
            out.extend(handles.into_iter().map(|h| h.join().unwrap()));
        });
    }
}

/// A record's key for a group-by, as the SQL writes it.
fn key_of(record: &Value, group: &str) -> String {
    let text = |k: &str| match &record[k] {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let ts = text("timestamp").replace('T', " ");
    match group {
        "path" => text("cs-uri-stem"),
        "status" => text("sc-status"),
        "edge" => text("x-edge-location"),
        "country" => text("c-country"),
        "asn" => text("asn"),
        "ip" => text("c-ip"),
        "minute" => ts[..16].to_string(),
        "hour" => ts[..13].to_string(),
        _ => ts[..10].to_string(),
    }
}

#[test]
fn a_query_on_the_simulator_counts_what_logs_cloudfront_counts() {
    // Totals: every format (dev legacy W3C, stg v2 JSON under Hive paths, prd v2 Parquet),
    // several filters.
    let totals = [
        ("dev", "3h", ""),
        ("dev", "3h", "status>=400 or path:/api/*"),
        ("stg", "3h", "not method:GET and taken>5"),
        ("stg", "3h", "country:US and ip:0.0.0.0/0"),
        ("prd", "2h", "path:/products/* and not status:3xx"),
        ("prd", "2h", "ua~iphone or bytes>100000"),
    ];
    let mut jobs: Vec<Box<dyn FnOnce() -> (Value, usize) + Send>> = Vec::new();
    for (env, since, filter) in totals {
        jobs.push(Box::new(move || {
            let local = local_records(env, since, filter).len();
            (athena(env, since, filter, &[]), local)
        }));
    }
    for ((env, _, filter), (v, local)) in totals.iter().zip(parallel(jobs)) {
        let requests = v["rows"][0]["requests"].as_u64().unwrap() as usize;
        assert_eq!(requests, local, "{env} `{filter}`: {v}");
        assert!(v["bytes_scanned"].as_u64().unwrap() > 0, "{v}");
    }
    // Every group-by, over stg's JSON (it logs country and asn).
    let filter = "status>=300 or path:/api/*";
    let records = local_records("stg", "2h", filter);
    assert!(records.len() > 100, "{}", records.len());
    let groups = [
        "path", "status", "edge", "country", "asn", "ip", "minute", "hour", "day",
    ];
    let jobs: Vec<Box<dyn FnOnce() -> Value + Send>> = groups
        .iter()
        .map(|g| {
            Box::new(move || athena("stg", "2h", filter, &["--group-by", g, "--top", "10000"]))
                as Box<dyn FnOnce() -> Value + Send>
        })
        .collect();
    for (group, v) in groups.iter().zip(parallel(jobs)) {
        let mut local: std::collections::BTreeMap<String, u64> = Default::default();
        for r in &records {
            *local.entry(key_of(r, group)).or_default() += 1;
        }
        let mut remote: std::collections::BTreeMap<String, u64> = Default::default();
        for row in v["rows"].as_array().unwrap() {
            let key = match &row["key"] {
                Value::String(s) => percent_decode(s),
                other => other.to_string(),
            };
            remote.insert(key, row["requests"].as_u64().unwrap());
        }
        assert_eq!(remote, local, "--group-by {group}");
    }
}

/// `%XX` sequences decoded (the SQL groups the path as logged; `logs cloudfront` decodes it).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[test]
fn the_table_is_created_once_agreed_and_audited_and_the_byte_limit_holds() {
    let state = tempfile::tempdir().unwrap();
    let env = [("XDG_STATE_HOME", state.path())];
    // Without --yes and without a terminal to ask on: declined, nothing created.
    let out = shipdeck_with(&["--demo", "query", "dev", "--since", "1h"], &env);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("CREATE EXTERNAL TABLE IF NOT EXISTS `shipdeck`.`cloudfront_dev_legacy`"),
        "{err}"
    );
    assert!(
        err.contains("the table was not created (pass --yes"),
        "{err}"
    );
    // Read-only: refused.
    let out = shipdeck_with(
        &[
            "--demo",
            "--read-only",
            "query",
            "dev",
            "--since",
            "1h",
            "--yes",
        ],
        &env,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("read-only: creating the table is refused"),
        "{err}"
    );
    // Above the limit: refused, naming the flag.
    let out = shipdeck_with(
        &[
            "--demo",
            "query",
            "dev",
            "--since",
            "2h",
            "--yes",
            "--max-scan-bytes",
            "1000",
        ],
        &env,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("more than the limit of 1000 bytes; pass --max-scan-bytes"),
        "{err}"
    );
    // Agreed: created and audited, then the rows as JSON lines.
    let out = shipdeck_with(
        &[
            "--demo",
            "query",
            "dev",
            "--since",
            "1h",
            "--yes",
            "--group-by",
            "status",
            "-o",
            "jsonl",
        ],
        &env,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let rows: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() > 1, "{rows:?}");
    assert!(
        rows[0]["key"].is_u64() && rows[0]["requests"].is_u64(),
        "{rows:?}"
    );
    assert!(err.contains("SUCCEEDED"), "{err}");
    let audit = std::fs::read_to_string(state.path().join("shipdeck/demo-audit.jsonl")).unwrap();
    let outcomes: Vec<(String, String)> = audit
        .lines()
        .map(|l| {
            let e: Value = serde_json::from_str(l).unwrap();
            (
                e["action"].as_str().unwrap().to_string(),
                e["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let create = |o: &str| ("create-athena-table".to_string(), o.to_string());
    assert_eq!(
        outcomes,
        [create("declined"), create("refused"), create("done")]
    );
}
