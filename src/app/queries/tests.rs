//! The console's queries as the operator drives them: start, partial answers, complete,
//! cancel (Esc, `:cancel`, leaving the view, another query), failure, a refused query, and the
//! environment switched while a query runs.

use super::*;
use crate::app::{Action, LogsPlace, LogsTarget, Mode, Session, update};
use crate::cloud::{QueryStatistics, QueryStatus};
use crate::domain::EnvSpec;

/// dev, stg and prd, each with two log groups.
fn specs() -> Vec<EnvSpec> {
    ["dev", "stg", "prd"]
        .into_iter()
        .map(|name| EnvSpec {
            name: name.into(),
            protected: name == "prd",
            read_only: false,
            pipeline: format!("p-{name}"),
            source_bucket: "b".into(),
            source_key: "k".into(),
            release_prefix: String::new(),
            distribution_id: format!("E{name}"),
            logs_bucket: None,
            logs_prefix: String::new(),
            log_groups: vec![
                format!("/aws/lambda/api-{name}"),
                format!("/aws/codebuild/{name}"),
            ],
            build_log_group: None,
            site_url: None,
            api_url: None,
            promotes_from: None,
        })
        .collect()
}

fn at(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn group_target() -> LogsTarget {
    LogsTarget {
        place: LogsPlace::Group {
            arn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudfront/storefront-stg"
                .into(),
        },
        label: "v2 stg4json5cwl6d (json)".into(),
        plain: None,
        fields: Vec::new(),
        source: None,
    }
}

/// The Traffic view on stg (index 1) reading a delivery to a log group, filtered.
fn traffic_state(filter: &str) -> State {
    let session = Session {
        mode: Mode::Aws,
        profile: None,
        region: None,
        identity: None,
        read_only: false,
    };
    let mut s = State::new(
        session,
        specs(),
        crate::app::PollPolicy::default(),
        at("2026-12-07T01:00:00Z"),
    );
    s.selected = 1;
    s.view = View::Traffic;
    s.traffic.env = 1;
    s.traffic.target = Some(group_target());
    s.traffic.filter = crate::accesslog::Filter::parse(filter).unwrap();
    s
}

fn command(s: &mut State, text: &str) -> Vec<Effect> {
    crate::app::update::run_command(s, text, &["dev", "stg", "prd"])
}

fn runs(fx: &[Effect]) -> Vec<(usize, RequestId, crate::cloud::InsightsQuery)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::RunInsights {
                env,
                request,
                query,
            } => Some((*env, *request, query.clone())),
            _ => None,
        })
        .collect()
}

fn cancels(fx: &[Effect]) -> Vec<RequestId> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Cancel { request } => Some(*request),
            _ => None,
        })
        .collect()
}

fn answer(status: QueryStatus, rows: Vec<Vec<(&str, &str)>>, bytes: f64) -> QueryResults {
    QueryResults {
        status,
        rows: rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect()
            })
            .collect(),
        statistics: QueryStatistics {
            records_matched: 0.0,
            records_scanned: 0.0,
            bytes_scanned: bytes,
        },
    }
}

fn progress_of(s: &mut State, request: RequestId, r: QueryResults) {
    update(
        s,
        Action::Reply(crate::app::Reply::InsightsProgress {
            request,
            query_id: format!("q{request}"),
            results: r,
        }),
    );
}

fn end_of(s: &mut State, request: RequestId, r: Result<(String, QueryEnd), String>) {
    update(
        s,
        Action::Reply(crate::app::Reply::InsightsEnded { request, result: r }),
    );
}

#[test]
fn a_query_runs_the_filter_over_the_range_as_one_insights_query_per_panel() {
    let mut s = traffic_state("status:5xx");
    let fx = command(&mut s, "query 30d");
    let r = runs(&fx);
    assert_eq!(r.len(), 5, "totals, series, paths, edges, countries");
    for (env, _, q) in &r {
        assert_eq!(*env, 1, "on the environment shown");
        assert_eq!(q.groups, vec![group_target().group().unwrap().to_string()]);
        assert_eq!(q.start, at("2026-11-07T01:00:00Z"));
        assert!(q.query.starts_with("filter (`sc-status`"), "{}", q.query);
    }
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!(
        (q.env_name.as_str(), q.filter.as_str()),
        ("stg", "status:5xx")
    );
    assert!(q.running());
    assert_eq!(overall(&q.runs()), "Scheduled");
}

#[test]
fn partial_answers_show_as_they_come_then_complete() {
    let mut s = traffic_state("");
    let fx = command(&mut s, "query 24h");
    let r = runs(&fx);
    let totals = r[0].1;
    // Waiting to run: nothing read is unknown, not zero requests.
    progress_of(&mut s, totals, answer(QueryStatus::Scheduled, vec![], 0.0));
    assert_eq!(
        TrafficSummary::of(s.queries.traffic.as_ref().unwrap()).requests,
        None
    );
    progress_of(
        &mut s,
        totals,
        answer(
            QueryStatus::Running,
            vec![vec![
                ("status", "200"),
                ("requests", "90"),
                ("bytes", "1000"),
            ]],
            2e6,
        ),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    let sum = TrafficSummary::of(q);
    assert_eq!(sum.requests, Some(90));
    assert_eq!(
        sum.series, None,
        "the series has not answered: unknown, not empty"
    );
    assert_eq!(overall(&q.runs()), "Running");
    let done = answer(
        QueryStatus::Complete,
        vec![
            vec![("status", "200"), ("requests", "95"), ("bytes", "1100")],
            vec![("status", "503"), ("requests", "5"), ("bytes", "10")],
        ],
        3e6,
    );
    end_of(&mut s, totals, Ok(("q".into(), QueryEnd::Ended(done))));
    for (_, request, _) in &r[1..] {
        end_of(
            &mut s,
            *request,
            Ok((
                "q".into(),
                QueryEnd::Ended(answer(QueryStatus::Complete, vec![], 0.0)),
            )),
        );
    }
    let q = s.queries.traffic.as_ref().unwrap();
    let sum = TrafficSummary::of(q);
    assert_eq!(sum.requests, Some(100));
    assert_eq!(sum.class(500, 599), 5);
    assert_eq!(sum.bytes, Some(1110));
    assert_eq!(overall(&q.runs()), "Complete");
    assert_eq!(q.finished, Some(s.now));
}

#[test]
fn esc_and_cancel_stop_every_running_part_and_keep_what_was_found() {
    let mut s = traffic_state("");
    let r = runs(&command(&mut s, "query 7d"));
    let fx = update(&mut s, Action::Back);
    assert_eq!(cancels(&fx).len(), r.len(), "each part stopped");
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!(overall(&q.runs()), "Stopping");
    let last = answer(
        QueryStatus::Cancelled,
        vec![vec![("status", "200"), ("requests", "7")]],
        1e5,
    );
    end_of(
        &mut s,
        r[0].1,
        Ok((
            "q".into(),
            QueryEnd::Stopped {
                last: Some(last),
                note: None,
            },
        )),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!(
        TrafficSummary::of(q).requests,
        Some(7),
        "the rows as of the stop"
    );
    // `:cancel` on what still runs: nothing more to stop twice.
    assert!(cancels(&command(&mut s, "cancel")).is_empty());
    for (_, request, _) in &r[1..] {
        end_of(
            &mut s,
            *request,
            Ok((
                "q".into(),
                QueryEnd::Stopped {
                    last: None,
                    note: None,
                },
            )),
        );
    }
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!(overall(&q.runs()), "Cancelled");
    // Esc again closes the answer.
    update(&mut s, Action::Back);
    assert!(s.queries.traffic.is_none());
}

#[test]
fn leaving_the_view_or_starting_another_query_stops_the_running_one() {
    let mut s = traffic_state("");
    let first = runs(&command(&mut s, "query 7d"));
    let fx = command(&mut s, "query 30d");
    let stopped = cancels(&fx);
    assert_eq!(stopped, first.iter().map(|r| r.1).collect::<Vec<_>>());
    assert_eq!(runs(&fx).len(), 5, "the new one starts");
    let second: Vec<RequestId> = runs(&fx).iter().map(|r| r.1).collect();
    let fx = command(&mut s, "pipeline");
    assert_eq!(cancels(&fx), second);
    // The Audit and Runs views, which read their own data when shown, stop it too.
    for view in ["audit", "runs"] {
        update(&mut s, Action::Show(View::Traffic));
        let started: Vec<RequestId> = runs(&command(&mut s, "query 7d"))
            .iter()
            .map(|r| r.1)
            .collect();
        let fx = command(&mut s, view);
        assert_eq!(cancels(&fx), started, "leaving for {view}");
    }
}

#[test]
fn a_failure_says_why_and_the_live_view_stays() {
    let mut s = traffic_state("");
    let r = runs(&command(&mut s, "query 7d"));
    let records = s.traffic.records.len();
    end_of(
        &mut s,
        r[2].1,
        Err("access denied: not allowed to call logs:StartQuery".into()),
    );
    for (_, request, _) in r.iter().filter(|x| x.1 != r[2].1) {
        end_of(
            &mut s,
            *request,
            Ok((
                "q".into(),
                QueryEnd::Ended(answer(QueryStatus::Complete, vec![], 0.0)),
            )),
        );
    }
    let q = s.queries.traffic.as_ref().unwrap();
    assert!(overall(&q.runs()).starts_with("Failed: access denied"));
    let status = s.status.as_ref().unwrap();
    assert!(status.text.contains("logs:StartQuery"), "{}", status.text);
    assert!(status.text.contains("live view is kept"), "{}", status.text);
    assert_eq!(s.traffic.records.len(), records);
}

#[test]
fn the_query_keeps_its_environment_when_the_operator_switches() {
    let mut s = traffic_state("status:5xx");
    let r = runs(&command(&mut s, "query 7d"));
    command(&mut s, "env prd");
    assert_eq!(s.selected, 2);
    // The answer still lands, labelled with the environment and filter it ran on.
    progress_of(
        &mut s,
        r[0].1,
        answer(
            QueryStatus::Running,
            vec![vec![("status", "502"), ("requests", "3")]],
            1.0,
        ),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!((q.env, q.env_name.as_str()), (1, "stg"));
    assert_eq!(q.filter, "status:5xx");
    assert_eq!(TrafficSummary::of(q).requests, Some(3));
}

#[test]
fn logs_in_s3_are_queried_on_athena_with_the_view_s_filter_and_range() {
    let mut s = traffic_state("path:/api/* and status:5xx");
    s.traffic.target = Some(LogsTarget {
        place: LogsPlace::Bucket {
            bucket: "logs-b".into(),
            layout: crate::accesslog::KeyTemplate::flat("cf/stg/"),
        },
        label: "legacy".into(),
        plain: None,
        fields: Vec::new(),
        source: None,
    });
    let fx = command(&mut s, "query 2026-11-01..2026-11-08");
    assert!(runs(&fx).is_empty());
    let Some(Effect::PlanAthena {
        env,
        filter,
        since,
        until,
        ..
    }) = fx.iter().find(|e| matches!(e, Effect::PlanAthena { .. }))
    else {
        panic!("{fx:?}")
    };
    assert_eq!((*env, filter.source()), (1, "path:/api/* and status:5xx"));
    assert_eq!(since.rfc3339(), "2026-11-01T00:00:00Z");
    assert_eq!(until.rfc3339(), "2026-11-09T00:00:00Z");
    assert!(s.queries.traffic.as_ref().unwrap().athena.is_some());
}

#[test]
fn bad_ranges_and_filters_the_delivery_cannot_answer_are_refused_by_name() {
    let mut s = traffic_state("country:US");
    s.traffic.target = Some(LogsTarget {
        fields: vec![
            crate::accesslog::Field::Date,
            crate::accesslog::Field::Time,
            crate::accesslog::Field::Status,
            crate::accesslog::Field::UriStem,
            crate::accesslog::Field::EdgeLocation,
        ],
        ..group_target()
    });
    assert!(runs(&command(&mut s, "query 7d")).is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("c-country"));
    assert!(runs(&command(&mut s, "query 7x")).is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("bad range `7x`"));
    assert!(runs(&command(&mut s, "query")).is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("needs one range"));
}

#[test]
fn insights_in_the_logs_view_runs_over_its_groups_and_shows_a_refusal() {
    let mut s = traffic_state("");
    s.view = View::Logs;
    s.logs.env = 1;
    let fx = command(
        &mut s,
        "insights 24h filter @message like /ERROR/ | stats count(*)",
    );
    let r = runs(&fx);
    assert_eq!(r.len(), 1);
    let (_, request, q) = &r[0];
    assert_eq!(q.groups, specs()[1].log_groups);
    assert_eq!(q.start, s.now - Timestamp::DAY);
    assert_eq!(q.query, "filter @message like /ERROR/ | stats count(*)");
    // Without a range: the view's look-back.
    let fx = command(&mut s, "insights fields @message");
    assert_eq!(cancels(&fx), vec![*request], "the first is replaced");
    let (_, second, q) = runs(&fx).remove(0);
    assert_eq!(q.query, "fields @message");
    end_of(
        &mut s,
        second,
        Err("MalformedQueryException: unknown command `fieldz` at position 1".into()),
    );
    let l = s.queries.logs.as_ref().unwrap();
    assert!(matches!(&l.run.state, RunState::Failed(w) if w.contains("position 1")));
    assert!(s.status.as_ref().unwrap().text.contains("position 1"));
    // Esc closes it.
    update(&mut s, Action::Back);
    assert!(s.queries.logs.is_none());
}
