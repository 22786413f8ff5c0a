//! Directories with statistics and broken files, exit codes, an environment and a log group
//! in the simulator, and following files delivered later.

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
fn a_file_of_only_malformed_lines_is_1_and_a_header_only_file_is_0() {
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let alb = dir.join("alb.log");
    std::fs::write(
        &alb,
        "http 2026-11-25T09:00:01.000000Z app/web 203.0.113.7:4711 10.0.0.1:80 0.001 0.002 0.000 200 200 34 366\n\
         http 2026-11-25T09:00:02.000000Z app/web 203.0.113.8:4712 10.0.0.1:80 0.001 0.002 0.000 404 404 34 120\n",
    )
    .unwrap();
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &alb.display().to_string(),
        "--stats",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("skipped 2 malformed lines"), "{err}");
    assert!(err.contains("no record could be read"), "{err}");
    let quiet = dir.join("quiet.log");
    std::fs::write(&quiet, "#Version: 1.0\n#Fields: date time sc-status\n").unwrap();
    let out = shipdeck(&["logs", "cloudfront", "--file", &quiet.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    let both = [
        "logs",
        "cloudfront",
        "--file",
        &alb.display().to_string(),
        "--file",
        &fixture("cloudfront-33.log"),
        "-o",
        "jsonl",
    ];
    let out = shipdeck(&both);
    assert_eq!(out.status.code(), Some(0), "records from the second file");
    assert_eq!(jsonl(&out).len(), 4);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn statistics_without_timestamps_have_no_range_and_no_rates() {
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-untimed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let quiet = dir.join("quiet.log");
    std::fs::write(&quiet, "#Version: 1.0\n#Fields: date time sc-status\n").unwrap();
    let untimed = dir.join("untimed.log");
    std::fs::write(
        &untimed,
        "#Fields: sc-status cs-uri-stem sc-bytes\n200\t/\t512\n503\t/api\t90\n",
    )
    .unwrap();
    let stats = |path: &PathBuf, json: bool| {
        let mut args = vec!["logs", "cloudfront", "--stats", "--file"];
        let path = path.display().to_string();
        args.push(&path);
        if json {
            args.extend(["-o", "jsonl"]);
        }
        let out = shipdeck(&args);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let t = stats(&quiet, false);
    assert!(
        t.starts_with("no records\nrequests   0  (-)   bytes 0 (-)\n"),
        "{t}"
    );
    assert!(!t.contains("1970"), "{t}");
    let t = stats(&untimed, false);
    assert!(t.starts_with("no timestamps"), "{t}");
    assert!(t.contains("requests   2  (-)   bytes 602 (-)"), "{t}");
    let v: Value = serde_json::from_str(&stats(&untimed, true)).unwrap();
    let s = &v["summary"];
    assert_eq!(s["requests"], 2);
    assert_eq!((&s["from"], &s["to"]), (&Value::Null, &Value::Null));
    assert_eq!(s["requests_per_sec"], Value::Null);
    assert_eq!(s["seconds"], 0.0);
    assert_eq!(s["status"]["5xx"], 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn top_lists_show_only_keys_that_stand_out() {
    // 3,000 requests from 3,000 different addresses but one, which makes 400 of them.
    let site = SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: None,
    };
    let mut recs = LogGenerator::new(9, site).window(
        Timestamp(1_795_597_200_000),
        600_000,
        3_000,
        &Conditions::default(),
    );
    let n = recs.len();
    assert!(n >= 2_000, "{n}");
    for (i, r) in recs.iter_mut().enumerate() {
        r.client_ip = if i % 7 == 0 && i < 2_800 {
            "203.0.113.66".into()
        } else {
            format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255)
        };
    }
    let heavy = recs
        .iter()
        .filter(|r| r.client_ip == "203.0.113.66")
        .count() as u64;
    let mut w3c = String::new();
    write_w3c(&recs, &mut w3c);
    let file = std::env::temp_dir().join(format!("shipdeck-cli-tops-{}.log", std::process::id()));
    std::fs::write(&file, w3c).unwrap();
    let path = file.display().to_string();
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &path,
        "--stats",
        "-o",
        "jsonl",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ips = v["summary"]["top"]["client_ips"].as_array().unwrap();
    assert_eq!(ips.len(), 1, "{ips:?}");
    assert_eq!(ips[0]["key"], "203.0.113.66");
    assert!(ips[0]["count"].as_u64().unwrap() >= heavy);
    let rest = v["summary"]["top_rest"]["client_ips"].as_u64().unwrap();
    assert!((1..heavy).contains(&rest), "{rest}");
    let out = shipdeck(&["logs", "cloudfront", "--file", &path, "--stats"]);
    let t = text(&out.stdout);
    assert!(
        t.contains(&format!(
            "top client IPs\n  {:>9}  203.0.113.66\n  no other certainly stands out: each at most {rest} (too many to rank)\n",
            ips[0]["count"].as_u64().unwrap()
        )),
        "{t}"
    );
    std::fs::remove_file(&file).unwrap();
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
    // Times as RFC 3339 UTC with milliseconds, like the access logs' `timestamp`.
    for e in &events {
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "timestamp",
                "ingestion_time",
                "stream",
                "event_id",
                "message"
            ]
        );
        for key in ["timestamp", "ingestion_time"] {
            let t = e[key].as_str().unwrap();
            assert!(Timestamp::parse_rfc3339(t).is_some(), "{key}: {t}");
            assert!(t.len() == 24 && t.ends_with('Z'), "{key}: {t}");
        }
    }
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

#[test]
fn follow_with_stats_prints_a_line_when_records_arrive() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(["logs", "cloudfront", "prd", "--demo", "--follow", "--stats"])
        .args(["--speed", "1000", "--since", "10m", "-o", "jsonl"])
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
    let (send, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    // At 1000× the planner polls several times between two deliveries of files: each line
    // printed must differ from the one before (a minute at most, should lines stop coming).
    let mut got: Vec<String> = Vec::new();
    while got.len() < 5 {
        match lines.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(line) => got.push(line),
            Err(_) => break,
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(got.len(), 5, "{got:?}");
    for pair in got.windows(2) {
        assert_ne!(pair[0], pair[1], "a line repeated");
    }
    let first: Value = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(first["window"], "5m");
}
