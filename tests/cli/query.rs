//! `shipdeck query --dry-run` run as a process over the simulator: the SQL, the DDL of each demo
//! environment's logging setup and the estimate from its logs bucket; and the refusals (no
//! execution yet, a field the setup does not log, `--top` without `--group-by`), exit code 2.

use super::commands::shipdeck;
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
    assert!(text.contains("\nSELECT count(*) AS \"requests\""), "{text}");
}

#[test]
fn refusals_say_why_with_exit_code_2() {
    for (args, says) in [
        (
            &["--demo", "query", "prd", "status:5xx"][..],
            "running queries on Athena is not available yet; add --dry-run",
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
