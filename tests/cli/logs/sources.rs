//! Directories with statistics and broken files, exit codes, an environment and a log group
//! in the simulator, and a CloudFront delivery to a log group.

use super::*;

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
    // In time order, though CloudFront writes each file's records out of order.
    let times: Vec<&str> = recs
        .iter()
        .map(|r| r["timestamp"].as_str().unwrap())
        .collect();
    assert!(times.is_sorted(), "records out of time order");
    // The TSV header first, then the same records in the same order.
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "prd",
        "--demo",
        "--since",
        "1h",
        "-o",
        "tsv",
    ]);
    let tsv = text(&out.stdout);
    let mut lines = tsv.lines();
    assert!(
        lines.next().unwrap().starts_with("timestamp\t"),
        "{tsv:.200}"
    );
    let tsv_times: Vec<&str> = lines.map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(tsv_times, times);
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
    assert_eq!(out.status.code(), Some(2));
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
    // Times as RFC 3339 UTC with milliseconds, like the access logs' `timestamp`.
    for e in &events {
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "timestamp",
                "ingestion_time",
                "group",
                "stream",
                "event_id",
                "message"
            ]
        );
        assert_eq!(e["group"], "/aws/lambda/storefront-api-prd");
        for key in ["timestamp", "ingestion_time"] {
            let t = e[key].as_str().unwrap();
            assert!(Timestamp::parse_rfc3339(t).is_some(), "{key}: {t}");
            assert!(t.len() == 24 && t.ends_with('Z'), "{key}: {t}");
        }
    }
    let out = shipdeck(&["logs", "group", "prd", "nothing-like-this", "--demo"]);
    assert_eq!(out.status.code(), Some(2), "a bad group name");
}

#[test]
fn log_group_tsv_times_have_milliseconds_like_jsonl() {
    let out = shipdeck(&[
        "logs", "group", "prd", "api", "--demo", "--since", "10m", "-o", "tsv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("timestamp\tstream\tmessage"));
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    for row in rows {
        let t = row.split('\t').next().unwrap();
        assert!(Timestamp::parse_rfc3339(t).is_some(), "{row}");
        assert!(t.len() == 24 && t.as_bytes()[19] == b'.', "{row}");
    }
}

#[test]
fn each_logs_command_help_describes_its_own_output() {
    let help = |cmd: &str| text(&shipdeck(&["logs", cmd, "--help"]).stdout);
    let group = help("group");
    let jsonl = group.lines().find(|l| l.contains("- jsonl:")).unwrap();
    for key in [
        "timestamp",
        "ingestion_time",
        "group",
        "stream",
        "event_id",
        "message",
    ] {
        assert!(jsonl.contains(key), "{jsonl}");
    }
    assert!(!group.contains("W3C"), "{group}");
    assert!(help("cloudfront").contains("keyed by the W3C field names"));
}

#[test]
fn log_group_filters_take_json_patterns_and_refuse_what_the_simulator_does_not_model() {
    let group = |filter: &str| {
        shipdeck(&[
            "logs", "group", "prd", "api", "--demo", "--since", "1h", "-o", "jsonl", "--filter",
            filter,
        ])
    };
    let out = group(r#"{ $.level = "ERROR" }"#);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let events = jsonl(&out);
    assert!(!events.is_empty());
    for e in &events {
        let message: Value = serde_json::from_str(e["message"].as_str().unwrap()).unwrap();
        assert_eq!(message["level"], "ERROR");
    }
    for bad in [r#"{ $.level = "ERROR" && $.status = 502 }"#, "{ $.level = "] {
        let out = group(bad);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = text(&out.stderr);
        assert!(
            err.contains("--filter: InvalidParameterException"),
            "{bad}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn w3c_output_is_a_log_file_that_reads_back_the_same() {
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "prd",
        "--demo",
        "--since",
        "1h",
        "-o",
        "w3c",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let w3c = text(&out.stdout);
    let mut lines = w3c.lines();
    assert_eq!(lines.next(), Some("#Version: 1.0"));
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("#Fields: date time x-edge-location")
    );
    let file = std::env::temp_dir().join(format!("shipdeck-w3c-{}.log", std::process::id()));
    std::fs::write(&file, &w3c).unwrap();
    let path = file.display().to_string();
    let back = stats_json(&path);
    let direct = shipdeck(&[
        "logs",
        "cloudfront",
        "prd",
        "--demo",
        "--since",
        "1h",
        "--stats",
        "-o",
        "jsonl",
    ]);
    let (mut back, mut direct): (Value, Value) =
        (back, serde_json::from_slice(&direct.stdout).unwrap());
    assert!(direct["records"].as_u64().unwrap() > 100);
    assert_eq!(back["records"], direct["records"]);
    assert_eq!(back["skipped"], 0);
    // Exact lists agree; the client-IP sketch overflows, and its estimates depend on the order
    // the records come in (time order in the file, file order from the bucket).
    let (b, d) = (&back["summary"]["top"], &direct["summary"]["top"]);
    assert_eq!(b["paths"], d["paths"]);
    assert_eq!(b["edge_locations"], d["edge_locations"]);
    for v in [&mut back, &mut direct] {
        let s = v["summary"].as_object_mut().unwrap();
        s.remove("top");
        s.remove("top_rest");
    }
    assert_eq!(
        back["summary"], direct["summary"],
        "the same numbers from the file"
    );
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn w3c_output_repeats_the_header_when_the_fields_change() {
    // An 18-field file then a 33-field one: two header blocks, each record under its own.
    let (a, b) = (fixture("cloudfront-18.log"), fixture("cloudfront-33.log"));
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &a,
        "--file",
        &b,
        "-o",
        "w3c",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let w3c = text(&out.stdout);
    assert_eq!(w3c.lines().filter(|l| l.starts_with("#Version")).count(), 1);
    assert_eq!(w3c.lines().filter(|l| l.starts_with("#Fields")).count(), 2);
    let direct = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &a,
        "--file",
        &b,
        "-o",
        "jsonl",
    ]);
    let back = shipdeck_in(
        &["logs", "cloudfront", "--file", "-", "-o", "jsonl"],
        Some(w3c.as_bytes()),
    );
    assert_eq!(text(&back.stdout), text(&direct.stdout));
}

/// Records of one generated hour, and a tree of objects holding them in the v2 formats.
pub(super) fn v2_tree(tag: &str) -> (PathBuf, Vec<shipdeck::accesslog::AccessRecord>) {
    use shipdeck::cloud::sim::cloudfront::{LogFormat, V2_FIELDS, write_log};
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-v2-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let site = SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: None,
    };
    let recs = LogGenerator::new(3, site).window(
        Timestamp(1_795_597_200_000),
        3_600_000,
        900,
        &Conditions::default(),
    );
    let hour = dir.join("distributionid=E2PRD/year=2026/month=11/day=25/hour=09");
    std::fs::create_dir_all(&hour).unwrap();
    let gz = |b: Vec<u8>| {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(&b).unwrap();
        e.finish().unwrap()
    };
    let (a, rest) = recs.split_at(300);
    let (b, c) = rest.split_at(300);
    let json = write_log(a, &V2_FIELDS, LogFormat::Json).unwrap();
    std::fs::write(hour.join("E2PRD.2026-11-25-09.a1.gz"), gz(json)).unwrap();
    let parquet = write_log(
        b,
        &V2_FIELDS,
        LogFormat::Parquet {
            rows_per_group: 128,
        },
    )
    .unwrap();
    std::fs::write(hour.join("E2PRD.2026-11-25-09.b2.parquet"), parquet).unwrap();
    let w3c = write_log(c, &V2_FIELDS, LogFormat::W3c).unwrap();
    std::fs::write(hour.join("E2PRD.2026-11-25-09.c3.gz"), gz(w3c)).unwrap();
    (dir, recs)
}

#[test]
fn v2_json_parquet_and_w3c_objects_in_a_partitioned_tree_read_alike() {
    let (dir, recs) = v2_tree("tree");
    let d = dir.display().to_string();
    let out = shipdeck(&["logs", "cloudfront", "--dir", &d, "--stats", "-o", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 3);
    assert_eq!(v["records"], recs.len());
    assert_eq!(v["skipped"], 0);
    let s = &v["summary"];
    let codes: u64 = s["status_codes"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(codes, recs.len() as u64);
    let de = recs
        .iter()
        .filter(|r| r.country.as_deref() == Some("DE"))
        .count();
    assert_eq!(s["top"]["countries"][0]["key"], "DE", "{s}");
    assert_eq!(s["top"]["countries"][0]["count"], de);
    assert!(s["top"]["asns"][0]["key"].is_string(), "{s}");
    assert!(s["top"]["cache_behaviors"][0]["key"].is_string(), "{s}");
    assert!(s["origin_fbl_ms"]["p50"].as_u64().is_some(), "{s}");
    assert!(s["origin_lbl_ms"]["max"].as_u64().is_some(), "{s}");
    // Records keyed by the field names, numbers as numbers, filtered by the v2 fields.
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--dir",
        &d,
        "--filter",
        "country:DE and asn:16509",
        "-o",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines = jsonl(&out);
    let want = recs
        .iter()
        .filter(|r| r.country.as_deref() == Some("DE") && r.asn.as_deref() == Some("16509"))
        .count();
    assert_eq!(lines.len(), want);
    assert!(want > 0);
    for l in &lines {
        assert_eq!(l["c-country"], "DE", "{l}");
        assert_eq!(l["asn"], 16509, "{l}");
        assert!(l["timestamp(ms)"].is_u64(), "{l}");
    }
    let text_report = text(&shipdeck(&["logs", "cloudfront", "--dir", &d, "--stats"]).stdout);
    for line in [
        "top countries\n",
        "top ASNs\n",
        "top cache behaviors\n",
        "origin fbl p50 ",
    ] {
        assert!(text_report.contains(line), "{line}: {text_report}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plain_v2_files_read_with_fields_and_delimiter_and_without_them_say_so() {
    use shipdeck::cloud::sim::cloudfront::{LogFormat, V2_FIELDS, write_log};
    let (dir, recs) = v2_tree("plain");
    let file = dir.join("plain.log");
    std::fs::write(
        &file,
        write_log(&recs, &V2_FIELDS, LogFormat::Plain { delimiter: b',' }).unwrap(),
    )
    .unwrap();
    let f = file.display().to_string();
    let names: Vec<&str> = V2_FIELDS.iter().map(|f| f.name()).collect();
    let fields = names.join(",");
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &f,
        "--fields",
        &fields,
        "--delimiter",
        ",",
        "--stats",
        "-o",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["records"].as_u64(), v["skipped"].as_u64()),
        (Some(recs.len() as u64), Some(0))
    );
    // Without the layout: unreadable, naming the flag (exit 1); a bad flag value is exit 2.
    let out = shipdeck(&["logs", "cloudfront", "--file", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--fields"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &f,
        "--fields",
        &fields,
        "--delimiter",
        "::",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--delimiter"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_dash_in_fields_keeps_a_column_shipdeck_does_not_model() {
    // A delivery that chose a real-time log field (`cs-header-names`) among its plain columns.
    let file = std::env::temp_dir().join(format!("shipdeck-cli-dash-{}.log", std::process::id()));
    std::fs::write(
        &file,
        "2026-11-25,09:00:01,host:accept,502,/api/pay\n2026-11-25,09:00:02,host,200,/\n",
    )
    .unwrap();
    let f = file.display().to_string();
    let fields = [
        "--fields",
        "date,time,-,sc-status,cs-uri-stem",
        "--delimiter",
        ",",
    ];
    let out = shipdeck(
        &[
            &["logs", "cloudfront", "--file", &f, "-o", "jsonl"][..],
            &fields,
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let first: Value = serde_json::from_str(text(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["column-3"], "host:accept");
    assert_eq!(first["sc-status"], 502);
    assert_eq!(first["cs-uri-stem"], "/api/pay");
    let out = shipdeck(
        &[
            &[
                "logs",
                "cloudfront",
                "--file",
                &f,
                "--filter",
                "status>=500",
            ][..],
            &fields,
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_file(&file).unwrap();
}

/// The simulator's environments log three ways (dev legacy W3C in its configured bucket, stg a
/// v2 delivery of JSON lines under Hive paths and one to a log group, prd legacy logging and a
/// v2 delivery of Parquet):
/// each is read through its own, v2's fields only where v2 delivers; `--source` reads another
/// and a wrong one names the choices; `config check --discover` says what it found.
#[test]
fn each_environment_reads_its_own_logging_setup_in_the_simulator() {
    let read = |env: &str, extra: &[&str]| {
        let mut args = vec!["logs", "cloudfront", env, "--demo", "--since", "1h"];
        args.extend(["-o", "jsonl"]);
        args.extend(extra);
        let out = shipdeck(&args);
        assert_eq!(out.status.code(), Some(0), "{env}: {}", text(&out.stderr));
        let recs = jsonl(&out);
        assert!(recs.len() > 20, "{env}: {} records", recs.len());
        recs.iter().filter(|r| r["c-country"].is_string()).count() == recs.len()
    };
    assert!(!read("dev", &[]), "dev: legacy logging has no country");
    assert!(read("stg", &[]), "stg: v2 JSON lines");
    assert!(read("prd", &[]), "prd: v2 Parquet by default");
    assert!(!read("prd", &["--source", "legacy"]), "prd: legacy picked");
    assert!(read("prd", &["--source", "2"]), "prd: v2 picked by number");
    let out = shipdeck(&["logs", "cloudfront", "prd", "--demo", "--source", "3"]);
    assert_eq!(out.status.code(), Some(2), "a bad --source value");
    assert_eq!(
        text(&out.stderr).trim_end(),
        "shipdeck: --source: no log source `3`; choose 1 (legacy), 2 (prd1parquet2s3d)"
    );

    let out = shipdeck(&["config", "check", "--discover", "--demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    // Every system's environments, each under its system.
    for line in [
        "  system storefront",
        "  system backoffice",
        "    live (distribution E3LIVEBACKOFFICE)",
        "    dev (distribution E2DEVSTOREFRNT)",
        "      reads: the configured s3://storefront-cloudfront-logs/cloudfront/dev/ (logs_bucket \
         wins; --source or :logsource picks another)",
        "      1. v2 delivery stg1json2hive3d (source storefront-stg-access-logs, destination \
         storefront-stg-json-s3)",
        "         format json",
        "         pin: logs_bucket = \"storefront-cloudfront-logs\"",
        "              logs_prefix = \"cloudfront-v2/stg/distributionid={DistributionId}/year={yyyy}/\
         month={MM}/day={dd}/hour={HH}/\"",
        "      reads: v2 stg1json2hive3d (json) by default (--source N or :logsource N picks another)",
        "      2. v2 delivery prd1parquet2s3d (source storefront-prd-access-logs, destination \
         storefront-prd-parquet-s3)",
        "         keys AWSLogs/222222222222/CloudFront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/<file>",
        "      2. v2 delivery stg4json5cwl6d (source storefront-stg-access-logs, destination \
         storefront-stg-json-cwl)",
        "         destination CloudWatch Logs \
         arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/storefront-stg",
        "         read with FilterLogEvents: --source 2 or :logsource 2 (no configuration line pins \
         a log group)",
    ] {
        assert!(
            report.lines().any(|l| l == line),
            "missing `{line}` in\n{report}"
        );
    }
}

#[test]
fn a_delivery_to_a_log_group_in_the_simulator() {
    let args = |extra: &[&'static str]| {
        let mut all = vec![
            "logs",
            "cloudfront",
            "stg",
            "--demo",
            "--source",
            "stg4json5cwl6d",
            "--since",
            "1h",
        ];
        all.extend(extra);
        all
    };
    let out = shipdeck(&args(&["-o", "jsonl"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let recs = jsonl(&out);
    assert!(recs.len() > 100, "{}", recs.len());
    // Each event once, with v2's fields, within the hour, in time order.
    let ids: std::collections::BTreeSet<&str> = recs
        .iter()
        .map(|r| r["x-edge-request-id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), recs.len(), "a record printed twice");
    assert!(recs.iter().all(|r| r["c-country"].is_string()));
    let times: Vec<&str> = recs
        .iter()
        .map(|r| r["timestamp"].as_str().unwrap())
        .collect();
    assert!(times.is_sorted(), "records out of time order");
    assert!(times[0] >= "2026-11-25T08:00:00Z", "{}", times[0]);
    let out = shipdeck(&args(&["--stats", "-o", "jsonl"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["records"], recs.len());
    assert!(
        !v["summary"]["top"]["countries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// `shipdeck insights` in the simulator counts what `logs group` reads: the same events of the
/// same window, filtered and counted by the query instead of by hand.
#[test]
fn an_insights_query_counts_the_events_the_log_group_holds() {
    let out = shipdeck(&[
        "insights",
        "prd",
        "api",
        "--demo",
        "--since",
        "30m",
        "--until",
        "2m",
        "-o",
        "json",
        "filter status >= 500 | stats count(*) as n, count_distinct(path) as paths",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "complete");
    assert_eq!(v["columns"], serde_json::json!(["n", "paths"]));
    let start = Timestamp::parse_rfc3339(v["start"].as_str().unwrap()).unwrap();
    let end = Timestamp::parse_rfc3339(v["end"].as_str().unwrap()).unwrap();
    let counted: u64 = v["rows"][0]["n"].as_str().unwrap().parse().unwrap();

    let out = shipdeck(&[
        "logs", "group", "prd", "api", "--demo", "--since", "30m", "-o", "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut paths = std::collections::BTreeSet::new();
    let by_hand = jsonl(&out)
        .iter()
        .filter(|e| {
            let t = Timestamp::parse_rfc3339(e["timestamp"].as_str().unwrap()).unwrap();
            t >= start && t.millis() <= end.millis() + 999
        })
        .filter_map(|e| serde_json::from_str::<Value>(e["message"].as_str().unwrap()).ok())
        .filter(|m| m["status"].as_u64().is_some_and(|s| s >= 500))
        .inspect(|m| {
            paths.insert(m["path"].as_str().unwrap_or_default().to_string());
        })
        .count() as u64;
    assert!(
        by_hand > 0,
        "the demo's API answers some 5xx in half an hour"
    );
    assert_eq!(counted, by_hand);
    assert_eq!(v["rows"][0]["paths"], paths.len().to_string());
    assert!(v["statistics"]["records_scanned"].as_f64().unwrap() > counted as f64);
}

#[test]
fn an_insights_query_the_service_would_refuse_exits_2_naming_the_position() {
    let out = shipdeck(&["insights", "prd", "--demo", "stats count(* by path"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("the query was refused: expected `)` here at position 15"),
        "{}",
        text(&out.stderr)
    );
    let out = shipdeck(&[
        "insights",
        "prd",
        "no-such-group",
        "--demo",
        "stats count(*)",
    ]);
    assert_eq!(out.status.code(), Some(2), "a bad group name");
    assert!(text(&out.stderr).contains("no log group of this environment matches"));
}

/// `--until` ends the window: every kind of source (dev's legacy flat files, stg's JSON lines
/// under Hive paths, prd's Parquet, stg's delivery to a log group) gives exactly the records of
/// `[--since, --until)` that an open read gives, none from after; an end before the start, or
/// with `--follow`, is a usage error.
#[test]
fn until_ends_the_window_of_every_kind_of_source() {
    let (since, until) = ("2026-11-25T06:10:00Z", "2026-11-25T07:20:00Z");
    let read = |env: &str, source: &[&str], end: Option<&str>| -> Vec<String> {
        let mut args = vec!["logs", "cloudfront", env, "--demo", "--since", since];
        args.extend(source);
        if let Some(end) = end {
            args.extend(["--until", end]);
        }
        args.extend(["-o", "jsonl"]);
        let out = shipdeck(&args);
        assert_eq!(out.status.code(), Some(0), "{env}: {}", text(&out.stderr));
        let recs = jsonl(&out);
        (recs.iter())
            .map(|r| r["timestamp"].as_str().unwrap().to_string())
            .collect()
    };
    for (env, source) in [
        ("dev", &[][..]),
        ("stg", &[][..]),
        ("prd", &[][..]),
        ("stg", &["--source", "stg4json5cwl6d"][..]),
    ] {
        let ended = read(env, source, Some(until));
        let open: Vec<String> = (read(env, source, None).into_iter())
            .filter(|t| t.as_str() < until)
            .collect();
        assert!(open.len() > 100, "{env} {source:?}: {} records", open.len());
        assert_eq!(ended, open, "{env} {source:?}");
        assert!(
            ended
                .iter()
                .all(|t| t.as_str() >= since && t.as_str() < until)
        );
        let last = ended.last().unwrap();
        assert!(
            last.as_str() >= "2026-11-25T07:15:00Z",
            "{env}: up to the end: {last}"
        );
    }
    // The statistics count the same window, from the files of its hours only.
    let stats = |end: &[&str]| -> Value {
        let mut args = vec!["logs", "cloudfront", "dev", "--demo", "--since", since];
        args.extend(end);
        args.extend(["--stats", "-o", "jsonl"]);
        serde_json::from_slice(&shipdeck(&args).stdout).unwrap()
    };
    let (ended, open) = (stats(&["--until", until]), stats(&[]));
    let requests = read("dev", &[], Some(until)).len();
    assert_eq!(ended["summary"]["requests"], requests);
    let files = |v: &Value| v["files"].as_u64().unwrap();
    assert!(
        files(&ended) < files(&open),
        "{} files of {}",
        files(&ended),
        files(&open)
    );
    // A log group's events too.
    let out = shipdeck(&[
        "logs", "group", "prd", "api", "--demo", "--since", "40m", "--until", "20m", "-o", "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let events = jsonl(&out);
    let all = jsonl(&shipdeck(&[
        "logs", "group", "prd", "api", "--demo", "--since", "40m", "-o", "jsonl",
    ]));
    let newest = |e: &[Value]| {
        e.iter()
            .map(|e| e["timestamp"].as_str().unwrap().to_string())
            .max()
    };
    assert!(
        !events.is_empty() && events.len() < all.len(),
        "{} of {}",
        events.len(),
        all.len()
    );
    assert!(newest(&events) < newest(&all));
    // A window whose logs have not arrived yet (CloudFront delivers minutes late) is unknown,
    // exit 1, never zero requests.
    for args in [
        &[
            "logs",
            "cloudfront",
            "prd",
            "--demo",
            "--since",
            "5m",
            "--stats",
        ][..],
        &[
            "logs",
            "cloudfront",
            "prd",
            "--demo",
            "--since",
            "5m",
            "-o",
            "jsonl",
        ][..],
    ] {
        let out = shipdeck(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        // No numbers for what has not arrived: no `requests 0`, no record.
        assert_eq!(text(&out.stdout), "", "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("unknown: no record from")
                && err.contains("has arrived yet: the newest record read is from"),
            "{args:?}: {err}"
        );
    }
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "prd",
        "--demo",
        "--since",
        "5m",
        "--stats",
        "-o",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["summary"].is_null(), "{v}");
    assert!(
        v["unknown"].as_str().unwrap().starts_with("no record from"),
        "{v}"
    );
    // An empty window says which.
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "dev",
        "--demo",
        "--since",
        "2026-01-01T00:00:00Z",
        "--until",
        "2026-01-01T01:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("no log files in s3://")
            && err.contains("from 2026-01-01T00:00:00Z to 2026-01-01T01:00:00Z"),
        "{err}"
    );
    // Bad windows.
    for args in [
        &[
            "logs",
            "cloudfront",
            "dev",
            "--demo",
            "--since",
            "1h",
            "--until",
            "2h",
        ][..],
        &[
            "logs",
            "cloudfront",
            "--file",
            "x",
            "--since",
            "1h",
            "--until",
            "2h",
        ][..],
        &[
            "logs", "group", "prd", "api", "--demo", "--since", "1h", "--until", "2h",
        ][..],
    ] {
        let out = shipdeck(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("must be after --since"), "{args:?}: {err}");
    }
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "dev",
        "--demo",
        "--until",
        "1h",
        "--follow",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--follow"),
        "{}",
        text(&out.stderr)
    );
}
