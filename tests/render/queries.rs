//! Render tests of the console's queries at 80×24 and 160×48: the Traffic view's `:query`
//! answer (marker, totals, classes, codes, series, top lists; partial and failed parts), on
//! Logs Insights and on Athena (its cost, Athena's reason, the questions before it runs), and the
//! Logs view's `:insights` table (rows as they come, a refusal with its position).

use crate::support::fixture::{self, NOW};
use crate::support::screen::text as screen;
use shipdeck::app::queries::athena::{AthenaPlanned, AthenaQueryState, Phase, Question};
use shipdeck::app::queries::traffic::{Part, TOP};
use shipdeck::app::queries::{LogsInsights, QueryRange, QueryRun, RunState, TrafficQuery};
use shipdeck::app::{State, View};
use shipdeck::cloud::{QueryResults, QueryStatistics, QueryStatus};
use shipdeck::domain::Timestamp;
use shipdeck::query::{
    Ask, Format, GroupBy, InsightsAsk, Names, Range, SeriesStep, Setup, estimate, plan,
};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn results(status: QueryStatus, rows: &[&[(&str, &str)]], bytes: f64) -> QueryResults {
    QueryResults {
        status,
        rows: rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect()
            })
            .collect(),
        statistics: QueryStatistics {
            records_matched: 120.0,
            records_scanned: 4000.0,
            bytes_scanned: bytes,
        },
    }
}

fn run(request: u64, state: RunState, r: Option<QueryResults>) -> QueryRun {
    QueryRun {
        request,
        query: "stats count(*)".into(),
        query_id: Some(format!("q{request}")),
        state,
        results: r,
        note: None,
        scanned: None,
    }
}

fn range() -> QueryRange {
    QueryRange {
        since: NOW - 30 * Timestamp::DAY,
        until: NOW,
        text: "30d".into(),
    }
}

/// stg's `:query 30d` of `status:5xx`: totals and paths answered, the series still running,
/// edges failed, countries not answered.
fn traffic() -> State {
    let mut s = fixture::state();
    s.view = View::Traffic;
    let running = RunState::Going(QueryStatus::Running);
    let totals = results(
        QueryStatus::Complete,
        &[
            &[
                ("status", "502"),
                ("requests", "1200"),
                ("bytes", "5000000"),
            ],
            &[("status", "503"), ("requests", "34"), ("bytes", "20000")],
        ],
        2.5e9,
    );
    let paths = results(
        QueryStatus::Running,
        &[
            &[("key", "/api/checkout"), ("requests", "900")],
            &[("key", "/api/cart"), ("requests", "334")],
        ],
        1.2e9,
    );
    let part = |ask, run| Part { ask, run };
    s.queries.traffic = Some(TrafficQuery {
        env: 1,
        env_name: "stg".into(),
        filter: "status:5xx".into(),
        range: range(),
        group: "/aws/cloudfront/storefront-stg".into(),
        step: SeriesStep::Day,
        started: NOW - 12 * Timestamp::SECOND,
        finished: None,
        parts: vec![
            part(
                InsightsAsk::Totals,
                run(1, RunState::Ended(QueryStatus::Complete), Some(totals)),
            ),
            part(
                InsightsAsk::Series(SeriesStep::Day),
                run(2, running.clone(), None),
            ),
            part(
                InsightsAsk::Top(GroupBy::Path, TOP),
                run(3, running, Some(paths)),
            ),
            part(
                InsightsAsk::Top(GroupBy::Edge, TOP),
                run(
                    4,
                    RunState::Failed("access denied: not allowed to call logs:StartQuery".into()),
                    None,
                ),
            ),
            part(
                InsightsAsk::Top(GroupBy::Country, TOP),
                run(5, RunState::Starting, None),
            ),
        ],
        athena: None,
    });
    s
}

#[test]
fn a_traffic_query_shows_its_marker_numbers_and_what_is_not_known_yet() {
    for (w, h) in SIZES {
        let text = screen(&traffic(), w, h);
        for wanted in [
            "◆ Logs Insights",
            "stg",
            "status:5xx",
            "30d",
            "12s",
            "1,234 requests",
            "5xx 100.0%",
            "codes: 502 1,200 · 503 34",
            "top paths",
            "/api/checkout",
            "900",
        ] {
            assert!(
                text.contains(wanted),
                "{w}x{h}: missing {wanted:?} in\n{text}"
            );
        }
        // Failed is said with why; a part without an answer is pending, not empty.
        assert!(text.contains("Failed: access denied"), "{w}x{h}:\n{text}");
        assert!(text.contains("unknown: access denied"), "{w}x{h}:\n{text}");
        assert!(text.contains("over time: …"), "{w}x{h}:\n{text}");
    }
}

#[test]
fn a_completed_traffic_query_shows_its_series_and_scanned_bytes() {
    let mut s = traffic();
    let q = s.queries.traffic.as_mut().unwrap();
    for p in &mut q.parts {
        if p.ask == InsightsAsk::Series(SeriesStep::Day) {
            p.run.state = RunState::Ended(QueryStatus::Complete);
            p.run.results = Some(results(
                QueryStatus::Complete,
                &[
                    &[
                        ("bin(1d)", "2026-11-20 00:00:00.000"),
                        ("status", "502"),
                        ("requests", "40"),
                    ],
                    &[
                        ("bin(1d)", "2026-11-21 00:00:00.000"),
                        ("status", "502"),
                        ("requests", "80"),
                    ],
                ],
                1.0e9,
            ));
        } else if p.run.running() {
            p.run.state = RunState::Ended(QueryStatus::Complete);
            if p.run.results.is_none() {
                p.run.results = Some(results(QueryStatus::Complete, &[], 0.0));
            }
        }
        if let RunState::Failed(_) = p.run.state {
            p.run.state = RunState::Ended(QueryStatus::Complete);
            p.run.results = Some(results(QueryStatus::Complete, &[], 0.0));
        }
    }
    q.finished = Some(NOW);
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        assert!(text.contains("Complete"), "{w}x{h}:\n{text}");
        assert!(text.contains("4700.0 MB scanned"), "{w}x{h}:\n{text}");
        assert!(text.contains("per 1d · 2 bins"), "{w}x{h}:\n{text}");
        assert!(text.contains("top edges"), "{w}x{h}:\n{text}");
    }
}

fn logs(state: RunState, r: Option<QueryResults>) -> State {
    let mut s = fixture::state();
    s.view = View::Logs;
    s.queries.logs = Some(LogsInsights {
        env_name: "prd".into(),
        groups: vec!["/aws/lambda/storefront-api-prd".into()],
        range: QueryRange {
            since: NOW - Timestamp::DAY,
            until: NOW,
            text: "24h".into(),
        },
        started: NOW - 3 * Timestamp::SECOND,
        finished: None,
        run: QueryRun {
            query: "filter status >= 500 | stats count(*) as n by path".into(),
            ..run(9, state, r)
        },
        scroll: 0,
    });
    s
}

#[test]
fn insights_rows_show_as_a_table_as_they_come() {
    let r = results(
        QueryStatus::Running,
        &[
            &[("path", "/api/cart"), ("n", "12")],
            &[("path", "/api/checkout"), ("n", "3")],
        ],
        1.5e6,
    );
    for (w, h) in SIZES {
        let text = screen(
            &logs(RunState::Going(QueryStatus::Running), Some(r.clone())),
            w,
            h,
        );
        for wanted in [
            "◆ Logs Insights",
            "prd",
            "24h",
            "Running",
            "120 of 4000 records",
            "1.5 MB scanned",
            "path",
            "/api/checkout  3",
            "stats count(*) as n by path",
        ] {
            assert!(
                text.contains(wanted),
                "{w}x{h}: missing {wanted:?} in\n{text}"
            );
        }
    }
}

#[test]
fn a_refused_insights_query_shows_the_message_and_position() {
    let why = "MalformedQueryException: unknown command `fieldz` at position 1";
    for (w, h) in SIZES {
        let text = screen(&logs(RunState::Failed(why.into()), None), w, h);
        assert!(text.contains("Failed: MalformedQuery"), "{w}x{h}:\n{text}");
        assert!(text.contains("at position 1"), "{w}x{h}:\n{text}");
    }
}

/// The same query on Athena over stg's legacy logs in S3 in `phase`: its plans written for a
/// legacy setup, an estimate of 50 objects of 400 MB each, the series failed.
fn athena(phase: Phase) -> State {
    let mut s = traffic();
    let q = s.queries.traffic.as_mut().unwrap();
    q.group = String::new();
    let setup = Setup::new(
        "the configured logs_bucket",
        Format::Legacy,
        Vec::new(),
        "storefront-cloudfront-logs",
        shipdeck::accesslog::KeyTemplate::flat("cloudfront/stg/"),
        "E2STGSTOREFRNT",
    )
    .unwrap();
    let filter = shipdeck::accesslog::Filter::parse("status:5xx").unwrap();
    let ask = Ask {
        filter: &filter,
        range: Range::new(q.range.since, q.range.until).unwrap(),
        group: Some(GroupBy::Path),
        top: TOP,
    };
    let plan = plan(&setup, Names::for_env("shipdeck", "stg", &setup), &ask).unwrap();
    q.parts.truncate(4);
    for p in &mut q.parts {
        p.run.scanned = Some((600_000_000, 0.003));
    }
    q.parts[1].run.state =
        RunState::Failed("HIVE_BAD_DATA: Error parsing field value '-x' for field 3".into());
    q.athena = Some(Box::new(AthenaQueryState {
        spec: shipdeck::config::AthenaSpec::default(),
        region: "eu-west-1".into(),
        planned: Some(AthenaPlanned {
            source: "the configured logs_bucket (legacy W3C), s3://storefront-cloudfront-logs/cloudfront/stg/".into(),
            plans: vec![Ok(plan); 4],
            estimate: Ok(estimate(vec![400_000_000; 50], "eu-west-1")),
            notes: Vec::new(),
            work_group: Ok("workgroup primary · results to s3://athena-results/ · it cancels a query past 100.0 GB".into()),
            setup: setup.clone(),
        }),
        phase,
        created: false,
        choice: shipdeck::app::queries::local::Choice::Auto,
        filter,
    }));
    s
}

#[test]
fn an_athena_query_shows_its_marker_cost_and_athenas_reason() {
    let s = athena(Phase::Running);
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        for wanted in [
            "◆ Athena",
            "stg",
            "status:5xx",
            "30d",
            "2400.0 MB scanned",
            "$0.01",
            "1,234 requests",
            "unknown: HIVE_BAD_DATA",
        ] {
            assert!(
                text.contains(wanted),
                "{w}x{h}: missing {wanted:?} in\n{text}"
            );
        }
        assert!(!text.contains("Logs Insights"), "{w}x{h}:\n{text}");
        // The view shows dev; the answer is stg's, and the title says so.
        assert!(
            text.contains("Traffic · dev · :query on stg"),
            "{w}x{h}:\n{text}"
        );
        insta::assert_snapshot!(format!("athena_running_{w}x{h}"), text);
    }
}

#[test]
fn the_scan_question_names_the_environment_filter_range_and_estimate() {
    let s = athena(Phase::Asking(Question::Scan));
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        for wanted in [
            "Run on Athena?",
            "environment stg",
            "filter status:5xx",
            "range 30d",
            "estimate 4 SELECTs × 20.0 GB (50 objects) = 80.0 GB",
            "limit max_scan_bytes",
            "workgroup primary",
            "enter runs these 4 SELECTs",
        ] {
            assert!(
                text.contains(wanted),
                "{w}x{h}: missing {wanted:?} in\n{text}"
            );
        }
        insta::assert_snapshot!(format!("athena_scan_question_{w}x{h}"), text);
    }
}

#[test]
fn the_missing_table_question_shows_the_ddl_or_why_read_only_cannot() {
    for refused in [
        None,
        Some("read-only: creating the table is refused".to_string()),
    ] {
        let s = athena(Phase::Asking(Question::CreateTable {
            refused: refused.clone(),
        }));
        for (w, h) in SIZES {
            let text = screen(&s, w, h);
            assert!(text.contains("CREATE DATABASE"), "{w}x{h}:\n{text}");
            assert!(text.contains("does not exist"), "{w}x{h}:\n{text}");
            match &refused {
                None => assert!(text.contains("enter creates it"), "{w}x{h}:\n{text}"),
                Some(_) => {
                    assert!(text.contains("read-only: creating"), "{w}x{h}:\n{text}");
                    assert!(!text.contains("enter creates"), "{w}x{h}:\n{text}");
                }
            }
            let name = if refused.is_some() {
                "refused"
            } else {
                "asked"
            };
            insta::assert_snapshot!(format!("athena_table_question_{name}_{w}x{h}"), text);
        }
    }
}

#[test]
fn a_query_read_here_says_so_with_its_progress_bytes_and_athenas_price() {
    use shipdeck::app::queries::local::{LocalProgress, LocalRead};
    let read = |ended: bool| LocalRead {
        request: 9,
        why: "7.0 MB in range, at most local_max_bytes 268.4 MB".into(),
        progress: LocalProgress {
            read: 12,
            listed: 40,
            listing: !ended,
            bytes: 7_000_000,
        },
        skipped: 0,
        ended,
    };
    // Reading: the objects so far, no cost but what Athena would have cost.
    let mut s = athena(Phase::Local(read(false)));
    for p in &mut s.queries.traffic.as_mut().unwrap().parts {
        p.run.scanned = None;
        p.run.state = RunState::Starting;
        p.run.results = None;
    }
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        for wanted in [
            "◇ local engine",
            "stg",
            "Reading here: 12 of 40+ objects",
            "7.0 MB read",
            "free",
        ] {
            assert!(
                text.contains(wanted),
                "{w}x{h}: missing {wanted:?} in\n{text}"
            );
        }
        assert!(!text.contains("◆ Athena"), "{w}x{h}:\n{text}");
        assert!(!text.contains("scanned"), "{w}x{h}:\n{text}");
        insta::assert_snapshot!(format!("local_reading_{w}x{h}"), text);
    }
    // Ended: the panels as on Athena, and the price it would have had at 160 columns.
    let mut s = athena(Phase::Local(read(true)));
    for p in &mut s.queries.traffic.as_mut().unwrap().parts {
        p.run.scanned = None;
        p.run.state = RunState::Ended(QueryStatus::Complete);
    }
    let text = screen(&s, 160, 48);
    for wanted in [
        "◇ local engine",
        "Complete · 12s · 7.0 MB read · free (Athena: about $0.36)",
        "1,234 requests",
    ] {
        assert!(text.contains(wanted), "missing {wanted:?} in\n{text}");
    }
    insta::assert_snapshot!("local_done_160x48", text);
}
