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

mod lifecycle {
    use crate::cloud::sim::{SimConfig, Simulator, demo_specs};
    use crate::cloud::{CloudError, InsightsQuery, QueryStatus};
    use crate::domain::Timestamp;

    const GROUP: &str = "/aws/lambda/storefront-api-dev";

    /// A world without traffic, and 100 API lines in one group, every other one a 502.
    fn world() -> (Simulator, Timestamp) {
        let config = SimConfig {
            history_days: 0,
            traffic_scale: 0.0,
            ..SimConfig::default()
        };
        let mut sim = Simulator::new(config, &demo_specs());
        let t0 = sim.now;
        for i in 0..100 {
            let status = if i % 2 == 0 { 502 } else { 200 };
            let message = format!(r#"{{"status":{status},"path":"/p{}"}}"#, i % 7);
            sim.logs.put(
                (crate::cloud::sim::ACCOUNT, GROUP),
                "s",
                t0 + i * Timestamp::SECOND,
                message,
            );
        }
        sim.advance(5 * Timestamp::MINUTE);
        (sim, t0)
    }

    fn query(t0: Timestamp, text: &str) -> InsightsQuery {
        InsightsQuery {
            groups: vec![GROUP.into()],
            start: t0,
            end: t0 + 200 * Timestamp::SECOND,
            query: text.into(),
            limit: None,
        }
    }

    fn count(sim: &mut Simulator, id: &str) -> (QueryStatus, Option<u64>, f64) {
        let r = sim
            .op_get_query_results(crate::cloud::sim::ACCOUNT, id)
            .unwrap();
        let n = r
            .rows
            .first()
            .and_then(|row| row.iter().find(|(f, _)| f == "n"))
            .and_then(|(_, v)| v.parse().ok());
        (r.status, n, r.statistics.records_scanned)
    }

    #[test]
    fn a_query_is_scheduled_then_runs_with_partial_rows_then_completes() {
        let (mut sim, t0) = world();
        // Only this group's own lines: the demo's other groups are quiet.
        let q = query(t0, "filter status = 502 | stats count(*) as n");
        let id = sim.op_start_query(crate::cloud::sim::ACCOUNT, &q).unwrap();
        assert_eq!(count(&mut sim, &id), (QueryStatus::Scheduled, None, 0.0));
        sim.advance(400 + 700);
        let (status, partial, scanned) = count(&mut sim, &id);
        assert_eq!(status, QueryStatus::Running);
        let partial = partial.expect("a running stats query has its count so far");
        assert!(partial > 0 && partial < 50, "{partial}");
        assert!(scanned > 0.0 && scanned < 100.0, "{scanned}");
        sim.advance(2_000);
        assert_eq!(
            count(&mut sim, &id),
            (QueryStatus::Complete, Some(50), 100.0)
        );
        let e = sim
            .op_stop_query(crate::cloud::sim::ACCOUNT, &id)
            .unwrap_err();
        assert!(
            matches!(&e, CloudError::Rejected { code, .. } if code == "InvalidParameterException"),
            "{e:?}"
        );
    }

    #[test]
    fn a_stopped_query_is_cancelled_with_what_it_found_until_then() {
        let (mut sim, t0) = world();
        let id = sim
            .op_start_query(
                crate::cloud::sim::ACCOUNT,
                &query(t0, "stats count(*) as n"),
            )
            .unwrap();
        sim.advance(400 + 500);
        sim.op_stop_query(crate::cloud::sim::ACCOUNT, &id).unwrap();
        let stopped = count(&mut sim, &id);
        assert_eq!(stopped.0, QueryStatus::Cancelled);
        assert!(stopped.1.is_some_and(|n| n < 100), "{stopped:?}");
        sim.advance(60_000);
        assert_eq!(
            count(&mut sim, &id),
            stopped,
            "it found nothing more after the stop"
        );
    }

    #[test]
    fn refused_starts_name_the_reason() {
        let (mut sim, t0) = world();
        let e = sim
            .op_start_query(
                crate::cloud::sim::ACCOUNT,
                &query(t0, "stats count(* by path"),
            )
            .unwrap_err();
        assert!(
            matches!(&e, CloudError::Rejected { code, message }
                if code == "MalformedQueryException" && message.ends_with("at position 15")),
            "{e:?}"
        );
        let missing = InsightsQuery {
            groups: vec!["/aws/lambda/nope".into()],
            ..query(t0, "stats count(*)")
        };
        assert!(matches!(
            sim.op_start_query(crate::cloud::sim::ACCOUNT, &missing),
            Err(CloudError::NotFound { .. })
        ));
        for _ in 0..super::super::MAX_RUNNING {
            sim.op_start_query(crate::cloud::sim::ACCOUNT, &query(t0, "stats count(*)"))
                .unwrap();
        }
        let e = sim
            .op_start_query(crate::cloud::sim::ACCOUNT, &query(t0, "stats count(*)"))
            .unwrap_err();
        assert!(
            matches!(&e, CloudError::Rejected { code, .. } if code == "LimitExceededException"),
            "{e:?}"
        );
        sim.advance(60_000);
        assert!(
            sim.op_start_query(crate::cloud::sim::ACCOUNT, &query(t0, "stats count(*)"))
                .is_ok(),
            "the queries ended: room again"
        );
    }
}
