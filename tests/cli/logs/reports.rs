//! What the reports say about awkward inputs: a file of another format, records without
//! timestamps, and top lists where nothing (or one key) stands out.

use super::*;

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
    // No #Fields header and not the legacy 33 columns: a plain log, whose layout is asked for.
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("no #Fields header"), "{err}");
    assert!(err.contains("--fields date,time,"), "{err}");
    // Given a layout, its lines do not fit it: skipped, and nothing could be read.
    let out = shipdeck(&[
        "logs",
        "cloudfront",
        "--file",
        &alb.display().to_string(),
        "--fields",
        "date,time,sc-status",
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
        t.starts_with("no records\nrequests   0  (-)   bytes - (-)\n"),
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
        if i % 3 == 0 {
            // Written percent-encoded, as CloudFront does.
            r.uri_stem = "/search/café <b>".into();
        }
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
    let v = stats_json(&path);
    let ips = v["summary"]["top"]["client_ips"].as_array().unwrap();
    assert_eq!(ips.len(), 1, "{ips:?}");
    assert_eq!(ips[0]["key"], "203.0.113.66");
    assert!(ips[0]["count"].as_u64().unwrap() >= heavy);
    let rest = v["summary"]["top_rest"]["client_ips"].as_u64().unwrap();
    assert!((1..heavy).contains(&rest), "{rest}");
    // Keys decoded, as in the text report and the records' own JSON.
    let paths = v["summary"]["top"]["paths"].as_array().unwrap();
    assert_eq!(paths[0]["key"], "/search/café <b>", "{paths:?}");
    // Local files are counted over the whole run only: the windows are not zero but not
    // counted, so they are `null`, not four empty windows.
    assert!(v["windows"].is_null(), "{}", v["windows"]);
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
fn fields_a_layout_lacks_are_unknown_not_zero() {
    // Standard logging v2 with a subset of fields: no sc-bytes, no time-taken.
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/seeds/parse/subset.log");
    let path = file.display().to_string();
    let v = stats_json(&path);
    let s = &v["summary"];
    assert_eq!(s["requests"], 2);
    assert_eq!(
        (&s["bytes"], &s["bytes_per_sec"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(s["time_taken_ms"]["p50"], Value::Null);
    assert_eq!(s["time_taken_ms"]["max"], Value::Null);
    let out = shipdeck(&["logs", "cloudfront", "--file", &path, "--stats"]);
    let t = text(&out.stdout);
    assert!(t.contains("bytes - (-)"), "{t}");
    assert!(t.contains("time-taken p50 -  p95 -  p99 -  max -"), "{t}");
}

#[test]
fn stats_count_each_status_code_so_502_and_504_are_told_apart() {
    let file = std::env::temp_dir().join(format!("shipdeck-cli-codes-{}.log", std::process::id()));
    let mut log = String::from("#Version: 1.0\n#Fields: date time cs-uri-stem sc-status\n");
    for (code, n) in [(200, 5), (502, 3), (504, 1), (0, 1)] {
        for s in 0..n {
            log += &format!("2026-11-25\t09:00:{s:02}\t/api/cart\t{code:03}\n");
        }
    }
    std::fs::write(&file, log).unwrap();
    let path = file.display().to_string();
    let v = stats_json(&path);
    let codes = &v["summary"]["status_codes"];
    assert_eq!(
        codes,
        &serde_json::json!({"000": 1, "200": 5, "502": 3, "504": 1}),
        "{v}"
    );
    let out = shipdeck(&["logs", "cloudfront", "--file", &path, "--stats"]);
    let t = text(&out.stdout);
    assert!(t.contains("codes      000 1  200 5  502 3  504 1\n"), "{t}");
    std::fs::remove_file(&file).unwrap();
}
