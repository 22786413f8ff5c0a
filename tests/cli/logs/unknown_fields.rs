//! A filter on a field the logs may lack (standard logging v2's `c-country`, `asn`,
//! `cache-behavior-path-pattern`, origin latencies): refused by name when the source is known
//! not to log it, and an unknown answer (exit 1), never an empty one, when no record read had it.

use super::*;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = shipdeck(args);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_source_known_not_to_log_the_field_is_refused_by_name() {
    for (filter, field) in [
        ("country:DE", "country reads the log field c-country"),
        ("ofbl>200", "ofbl reads the log field origin-fbl"),
    ] {
        for stats in [&[][..], &["--stats"][..]] {
            let mut args = vec!["--demo", "logs", "cloudfront", "prd", "--source", "legacy"];
            args.extend(["--filter", filter]);
            args.extend(stats);
            let (code, out, err) = run(&args);
            assert_eq!(code, Some(2), "{args:?}: {err}");
            assert!(out.is_empty(), "{args:?}: {out}");
            assert_eq!(
                err.trim_end(),
                format!(
                    "shipdeck: --filter: {field}, which legacy (legacy W3C) does not log: no \
                     record of it could match"
                ),
                "{args:?}"
            );
        }
    }
    // The Parquet delivery read by default logs it.
    let args = [
        "--demo",
        "logs",
        "cloudfront",
        "prd",
        "--filter",
        "country:DE",
        "--stats",
    ];
    let (code, out, err) = run(&args);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("requests"), "{out}");
}

#[test]
fn no_record_read_with_the_field_is_an_unknown_answer_not_an_empty_one() {
    let legacy = fixture("cloudfront-33.log");
    let why =
        "shipdeck: unknown: no record read has c-country, which the filter `country:DE` tests";
    // Records: none printed, and the reason.
    let (code, out, err) = run(&[
        "logs",
        "cloudfront",
        "--file",
        &legacy,
        "--filter",
        "country:DE",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains(why), "{err}");
    // `not` matches every record, but the answer is as unknown.
    let (code, out, err) = run(&[
        "logs",
        "cloudfront",
        "--file",
        &legacy,
        "--filter",
        "not asn:16509",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(!out.is_empty());
    assert!(
        err.contains("unknown: no record read has asn, which the filter `not asn:16509` tests"),
        "{err}"
    );
    // Statistics: no report of "no records"; in JSON, null with the reason.
    let (code, out, err) = run(&[
        "logs",
        "cloudfront",
        "--file",
        &legacy,
        "--filter",
        "country:DE",
        "--stats",
    ]);
    assert_eq!((code, out.as_str()), (Some(1), ""), "{err}");
    assert!(err.contains(why), "{err}");
    let (dir, _) = generated_dir("unknown");
    let d = dir.display().to_string();
    let args = [
        "logs",
        "cloudfront",
        "--dir",
        &d,
        "--filter",
        "country:DE",
        "--stats",
        "-o",
        "jsonl",
    ];
    let (code, out, err) = run(&args);
    assert_eq!(code, Some(1), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"], Value::Null, "{v}");
    assert_eq!(
        v["unknown"],
        "no record read has c-country, which the filter `country:DE` tests"
    );
    assert_eq!(v["records"], 2000);
    std::fs::remove_dir_all(&dir).unwrap();
    // An environment whose configured bucket is legacy logging: known only once read.
    let (code, out, err) = run(&[
        "--demo",
        "logs",
        "cloudfront",
        "dev",
        "--since",
        "1h",
        "--filter",
        "country:DE",
    ]);
    assert_eq!((code, out.as_str()), (Some(1), ""), "{err}");
    assert!(err.contains(why), "{err}");
}

#[test]
fn records_with_the_field_answer_as_before() {
    let (dir, recs) = super::sources::v2_tree("known");
    let d = dir.display().to_string();
    let de = recs
        .iter()
        .filter(|r| r.country.as_deref() == Some("DE"))
        .count();
    assert!(de > 0);
    let (code, out, err) = run(&[
        "logs",
        "cloudfront",
        "--dir",
        &d,
        "--filter",
        "country:DE",
        "-o",
        "jsonl",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.lines().count(), de);
    // None matches: an empty answer, and a known one.
    let (code, out, err) = run(&["logs", "cloudfront", "--dir", &d, "--filter", "country:ZZ"]);
    assert_eq!((code, out.as_str()), (Some(0), ""), "{err}");
    assert!(!err.contains("unknown"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
