//! The simulator's Logs Insights language: what it parses, refuses and computes.

use super::eval::{self, discover};
use super::parse::parse;
use crate::domain::{LogEvent, Timestamp};

fn event(ms: i64, message: &str) -> LogEvent {
    LogEvent {
        group: "/aws/lambda/api".into(),
        event_id: format!("e{ms}"),
        stream: "2026/12/06/[$LATEST]abc".into(),
        timestamp: Timestamp(ms),
        ingestion_time: Timestamp(ms + 500),
        message: message.into(),
    }
}

fn json(ms: i64, level: &str, status: u16, path: &str, dur: u64) -> LogEvent {
    event(
        ms,
        &format!(
            r#"{{"level":"{level}","status":{status},"path":"{path}","durationMs":{dur},"req":{{"method":"GET"}}}}"#
        ),
    )
}

fn rows(events: &[LogEvent]) -> Vec<eval::Row> {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| discover(e, "123456789012", i))
        .collect()
}

fn run(query: &str, events: &[LogEvent]) -> eval::Evaluated {
    let q = parse(query).unwrap_or_else(|e| panic!("{query}: {e:?}"));
    eval::run(&q, rows(events), 10_000)
}

fn sample() -> Vec<LogEvent> {
    vec![
        json(60_000, "INFO", 200, "/products", 40),
        json(61_000, "ERROR", 502, "/cart", 63),
        json(125_000, "ERROR", 504, "/cart", 3_000),
        json(130_000, "INFO", 201, "/cart", 120),
        event(131_000, "START RequestId: r1 Version: $LATEST"),
        event(
            132_000,
            "REPORT RequestId: r1\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB",
        ),
    ]
}

#[test]
fn json_keys_and_lambda_report_lines_become_fields() {
    let r = rows(&sample());
    assert_eq!(r[1]["level"], "ERROR");
    assert_eq!(r[1]["status"], "502");
    assert_eq!(r[1]["req.method"], "GET", "nested keys by dotted path");
    assert_eq!(r[0]["@timestamp"], "1970-01-01 00:01:00.000");
    assert_eq!(r[0]["@log"], "123456789012:/aws/lambda/api");
    assert_eq!(r[5]["@type"], "REPORT");
    assert_eq!(r[5]["@duration"], "12.50");
    assert_eq!(r[5]["@maxMemoryUsed"], "90");
    assert_eq!(r[4]["@requestId"], "r1");
}

#[test]
fn filter_compares_numbers_as_numbers_and_text_as_text() {
    let out = run("filter status >= 500 and level = \"ERROR\"", &sample());
    assert_eq!(out.matched, 2);
    let out = run("filter status > 99", &sample());
    assert_eq!(out.matched, 4, "lines without a status do not match");
    let out = run("filter path like \"car\" and not status = 201", &sample());
    assert_eq!(out.matched, 2);
    let out = run("filter @message like /Duration: \\d+\\.\\d+ ms/", &sample());
    assert_eq!(out.matched, 1);
    let out = run(
        "filter status in [200, 201] or @type = \"START\"",
        &sample(),
    );
    assert_eq!(out.matched, 3);
    let out = run("filter ispresent(@duration)", &sample());
    assert_eq!(out.matched, 1);
    let out = run("filter path not like /cart/ and ispresent(path)", &sample());
    assert_eq!(out.matched, 1);
}

#[test]
fn stats_group_by_fields_and_bins_named_as_written() {
    let out = run(
        "filter ispresent(status) | stats count(*) as n, avg(durationMs), max(durationMs) by bin(1m)",
        &sample(),
    );
    assert_eq!(out.matched, 4, "matched counts events, not groups");
    assert_eq!(
        out.rows,
        vec![
            vec![
                ("bin(1m)".into(), "1970-01-01 00:01:00.000".into()),
                ("n".into(), "2".into()),
                ("avg(durationMs)".into(), "51.5".into()),
                ("max(durationMs)".into(), "63".into()),
            ],
            vec![
                ("bin(1m)".into(), "1970-01-01 00:02:00.000".into()),
                ("n".into(), "2".into()),
                ("avg(durationMs)".into(), "1560".into()),
                ("max(durationMs)".into(), "3000".into()),
            ],
        ]
    );
    let out = run(
        "stats count(*) by path | sort `count(*)` desc | limit 1",
        &sample(),
    );
    assert_eq!(
        out.rows,
        vec![vec![
            ("path".into(), "/cart".into()),
            ("count(*)".into(), "3".into())
        ]]
    );
    let out = run("stats pct(durationMs, 50), count_distinct(path)", &sample());
    assert_eq!(
        out.rows,
        vec![vec![
            ("pct(durationMs, 50)".into(), "63".into()),
            ("count_distinct(path)".into(), "2".into()),
        ]]
    );
}

#[test]
fn fields_sort_and_limit_shape_the_rows_with_the_pointer_last() {
    let out = run(
        "fields @timestamp, status | filter ispresent(status) | sort status desc | limit 2",
        &sample(),
    );
    assert_eq!(out.rows.len(), 2);
    assert_eq!(out.rows[0][1], ("status".to_string(), "504".to_string()));
    assert_eq!(out.rows[1][1], ("status".to_string(), "502".to_string()));
    assert_eq!(out.rows[0].last().map(|(f, _)| f.as_str()), Some("@ptr"));
}

#[test]
fn a_malformed_query_is_refused_naming_the_position() {
    let e = parse("filter status >").unwrap_err();
    assert_eq!(e.at, 15, "{e:?}");
    let e = parse("stats count(*) by bin(5x)").unwrap_err();
    assert!(e.message.contains("`bin` takes a period"), "{e:?}");
    let e = parse("fields a | frobnicate").unwrap_err();
    assert_eq!(
        (e.message.as_str(), e.at),
        ("unknown command `frobnicate`", 11)
    );
    let e = parse("parse @message \"* *\" as a, b").unwrap_err();
    assert!(e.message.contains("does not model"), "{e:?}");
    let e = parse("filter x like /(/").unwrap_err();
    assert!(e.message.starts_with("bad regular expression"), "{e:?}");
    let e = parse("filter level = \"ERROR").unwrap_err();
    assert!(e.message.contains("inside a string"), "{e:?}");
}
