//! The Traffic view's `:query` on Athena as the operator drives it: planned, then run under the
//! limit; the question above it (or when the estimate is unknown) acting only on what it showed;
//! cancel; Athena's reason for a FAILED query; the missing table's question, created and audited,
//! or refused read-only.

use super::athena::{AthenaPlanned, Phase, Question, grouping, step};
use super::*;
use crate::app::{Action, LogsPlace, LogsTarget, Mode, Reply, Session, update};
use crate::cloud::athena::{AthenaEnd, Execution, ExecutionState, ResultColumn};
use crate::domain::EnvSpec;
use crate::query::{Ask, Estimate, Format, Names, Range, Setup, estimate, plan};

fn at(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn spec(name: &str) -> EnvSpec {
    EnvSpec {
        name: name.into(),
        protected: name == "prd",
        read_only: false,
        pipeline: format!("p-{name}"),
        source_bucket: "b".into(),
        source_key: "k".into(),
        release_prefix: String::new(),
        distribution_id: format!("E{name}"),
        logs_bucket: Some("logs-b".into()),
        logs_prefix: format!("cf/{name}/"),
        log_groups: Vec::new(),
        build_log_group: None,
        site_url: None,
        api_url: None,
        promotes_from: None,
    }
}

/// The Traffic view on stg (index 1), legacy logs in S3, filtered.
pub(super) fn state(filter: &str, read_only: bool) -> State {
    let session = Session {
        mode: Mode::Aws,
        profile: None,
        region: None,
        identity: None,
        read_only,
    };
    let mut s = State::new(
        session,
        ["dev", "stg", "prd"].into_iter().map(spec).collect(),
        crate::app::PollPolicy::default(),
        at("2026-12-07T01:00:00Z"),
    );
    s.selected = 1;
    s.view = View::Traffic;
    s.traffic.env = 1;
    s.traffic.target = Some(LogsTarget {
        place: LogsPlace::Bucket {
            bucket: "logs-b".into(),
            layout: crate::accesslog::KeyTemplate::flat("cf/stg/"),
        },
        label: "configured".into(),
        plain: None,
        fields: Vec::new(),
        source: None,
    });
    s.traffic.filter = crate::accesslog::Filter::parse(filter).unwrap();
    s.queries.regions = vec!["eu-west-1".into(); 3];
    s
}

pub(super) fn command(s: &mut State, text: &str) -> Vec<Effect> {
    crate::app::update::run_command(s, text, &["dev", "stg", "prd"])
}

pub(super) fn setup() -> Setup {
    Setup::new(
        "the configured logs_bucket",
        Format::Legacy,
        Vec::new(),
        "logs-b",
        crate::accesslog::KeyTemplate::flat("cf/stg/"),
        "Estg",
    )
    .unwrap()
}

/// Starts `:query 7d athena` (Athena whatever the size) and answers its plan as the runtime
/// would, with objects of `sizes` (or an unknown estimate); returns the effects of that answer.
fn planned(s: &mut State, sizes: Result<Vec<u64>, String>) -> Vec<Effect> {
    planned_as(s, "query 7d athena", sizes)
}

/// [`planned`] for the command `text`.
pub(super) fn planned_as(
    s: &mut State,
    text: &str,
    sizes: Result<Vec<u64>, String>,
) -> Vec<Effect> {
    planned_with(s, text, sizes, Ok("workgroup primary".into()))
}

/// [`planned_as`] with the workgroup as `GetWorkGroup` read it.
pub(super) fn planned_with(
    s: &mut State,
    text: &str,
    sizes: Result<Vec<u64>, String>,
    work_group: Result<String, String>,
) -> Vec<Effect> {
    let fx = command(s, text);
    let Some(Effect::PlanAthena {
        env,
        request,
        filter,
        since,
        until,
        groups,
        ..
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::PlanAthena { .. }))
        .cloned()
    else {
        panic!("no PlanAthena in {fx:?}")
    };
    assert_eq!(env, 1);
    let range = Range::new(since, until).unwrap();
    let names = Names::for_env("shipdeck", "stg", &setup());
    let plans = groups
        .iter()
        .map(|(g, top)| {
            let ask = Ask {
                filter: &filter,
                range,
                group: Some(*g),
                top: *top,
            };
            plan(&setup(), names.clone(), &ask).map_err(|e| e.to_string())
        })
        .collect();
    let reply = AthenaPlanned {
        source: "the configured logs_bucket (legacy W3C), s3://logs-b/cf/stg/".into(),
        plans,
        estimate: sizes.map(|z| estimate(z, "eu-west-1")),
        notes: Vec::new(),
        work_group,
        setup: setup(),
    };
    update(
        s,
        Action::Reply(Reply::AthenaPlanned {
            request,
            result: Box::new(Ok(reply)),
        }),
    )
}

pub(super) fn selects(fx: &[Effect]) -> Vec<(usize, RequestId, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::RunAthena {
                env, request, sql, ..
            } => Some((*env, *request, sql.clone())),
            _ => None,
        })
        .collect()
}

fn execution(id: &str, state: ExecutionState, reason: Option<&str>, bytes: u64) -> Execution {
    Execution {
        id: id.into(),
        state,
        reason: reason.map(str::to_string),
        bytes_scanned: bytes,
        engine_ms: 900,
    }
}

fn end(s: &mut State, request: RequestId, result: Result<AthenaEnd, String>) -> Vec<Effect> {
    update(
        s,
        Action::Reply(Reply::AthenaEnded {
            request,
            result: Box::new(result),
        }),
    )
}

fn rows(columns: &[&str], rows: &[&[&str]]) -> AthenaEnd {
    AthenaEnd::Succeeded {
        execution: execution("q", ExecutionState::Succeeded, None, 12_000_000),
        columns: columns
            .iter()
            .map(|c| ResultColumn {
                name: (*c).into(),
                ty: "varchar".into(),
            })
            .collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|v| Some((*v).to_string())).collect())
            .collect(),
    }
}

pub(super) fn phase(s: &State) -> Phase {
    s.queries
        .traffic
        .as_ref()
        .unwrap()
        .athena
        .as_ref()
        .unwrap()
        .phase
        .clone()
}

#[test]
fn under_the_limit_each_panel_runs_as_one_select_and_fills_the_same_charts() {
    let mut s = state("status:5xx", false);
    let fx = planned(&mut s, Ok(vec![3_000_000, 4_000_000]));
    let sent = selects(&fx);
    // Totals, series, top paths and edges; legacy logs have no country: that list is left out.
    assert_eq!(sent.len(), 4, "{fx:?}");
    assert!(
        sent.iter()
            .all(|(env, _, sql)| *env == 1 && sql.contains("sc_status"))
    );
    assert!(sent[0].2.contains("GROUP BY 1"), "{}", sent[0].2);
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!(
        (q.env_name.as_str(), q.filter.as_str()),
        ("stg", "status:5xx")
    );
    // The operator moves to prd meanwhile: the query keeps stg.
    update(&mut s, Action::NextEnv);
    update(
        &mut s,
        Action::Reply(Reply::AthenaProgress {
            request: sent[0].1,
            progress: crate::cloud::athena::Progress {
                id: "q1".into(),
                state: ExecutionState::Running,
                elapsed_ms: 1500,
                bytes_scanned: 5_000_000,
                usd: 0.00005,
            },
        }),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!(q.env_name, "stg");
    assert_eq!(q.bytes_scanned(), 5_000_000.0);
    // Nothing answered yet is unknown, not zero.
    assert_eq!(TrafficSummary::of(q).requests, None);
    end(
        &mut s,
        sent[0].1,
        Ok(rows(
            &["key", "requests", "bytes"],
            &[&["503", "7", "700"], &["502", "3", "300"]],
        )),
    );
    let (step, _, _) = step(7 * Timestamp::DAY);
    assert_eq!(step, crate::query::SeriesStep::Hour);
    end(
        &mut s,
        sent[1].1,
        Ok(rows(
            &["key", "requests", "status_4xx", "status_5xx"],
            &[
                &["2026-12-05 10", "4", "0", "4"],
                &["2026-12-06 22", "6", "0", "6"],
            ],
        )),
    );
    end(
        &mut s,
        sent[2].1,
        Ok(rows(&["key", "requests"], &[&["/api/checkout", "9"]])),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    assert!(q.running());
    let sum = TrafficSummary::of(q);
    assert_eq!(sum.requests, Some(10));
    assert_eq!(sum.class(500, 599), 10);
    assert_eq!(sum.codes.get(&503), Some(&7));
    let series = sum.series.unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[1], ("2026-12-06 22".into(), 6, 0, 6));
    assert_eq!(sum.tops[0].2, Some(vec![("/api/checkout".into(), 9)]));
    // The edges' list is not answered yet.
    assert_eq!(sum.tops[1].2, None);
    end(&mut s, sent[3].1, Ok(rows(&["key", "requests"], &[])));
    let q = s.queries.traffic.as_ref().unwrap();
    assert!(!q.running());
    assert!(q.finished.is_some());
}

#[test]
fn above_the_limit_or_unknown_a_question_runs_only_on_enter() {
    let mut s = state("", false);
    s.queries.athena_specs = vec![
        crate::config::AthenaSpec {
            max_scan_bytes: 1_000_000,
            ..Default::default()
        };
        3
    ];
    let fx = planned(&mut s, Ok(vec![900_000]));
    // 4 SELECTs × 0.9 MB is above 1 MB.
    assert!(selects(&fx).is_empty(), "{fx:?}");
    assert_eq!(phase(&s), Phase::Asking(Question::Scan));
    // Keys other than Enter and Esc wait.
    assert!(update(&mut s, Action::Down).is_empty());
    let fx = update(&mut s, Action::Back);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(phase(&s), Phase::Stopped(w) if w.contains("declined")));
    // Unknown is asked too; Enter runs exactly the plans shown.
    let fx = planned(
        &mut s,
        Err("cannot list s3://logs-b/cf/stg/: AccessDenied".into()),
    );
    assert!(selects(&fx).is_empty());
    assert_eq!(phase(&s), Phase::Asking(Question::Scan));
    let shown: Vec<String> = {
        let a = s.queries.traffic.as_ref().unwrap().athena.as_ref().unwrap();
        a.planned
            .as_ref()
            .unwrap()
            .plans
            .iter()
            .flatten()
            .map(|p| p.sql.clone())
            .collect()
    };
    let fx = update(&mut s, Action::ToggleDetail);
    let sent: Vec<String> = selects(&fx).into_iter().map(|(_, _, sql)| sql).collect();
    assert_eq!(sent, shown);
    assert_eq!(phase(&s), Phase::Running);
    // A second Enter sends nothing more.
    assert!(selects(&update(&mut s, Action::ToggleDetail)).is_empty());
}

#[test]
fn esc_cancel_and_leaving_the_view_stop_every_running_select() {
    let mut s = state("", false);
    let sent = selects(&planned(&mut s, Ok(vec![1_000])));
    let fx = update(&mut s, Action::Back);
    let mut stopped: Vec<RequestId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Cancel { request } => Some(*request),
            _ => None,
        })
        .collect();
    stopped.sort_unstable();
    let mut want: Vec<RequestId> = sent.iter().map(|x| x.1).collect();
    want.sort_unstable();
    assert_eq!(stopped, want);
    // How each ended comes back: cancelled, what was scanned kept.
    for (_, r, _) in &sent {
        end(
            &mut s,
            *r,
            Ok(AthenaEnd::Stopped {
                last: Some(execution("q", ExecutionState::Cancelled, None, 2_000_000)),
                note: None,
            }),
        );
    }
    let q = s.queries.traffic.as_ref().unwrap();
    assert!(!q.running());
    assert_eq!(q.bytes_scanned(), 8_000_000.0);
    // :cancel and leaving the view stop a new one too.
    let sent = selects(&planned(&mut s, Ok(vec![1_000])));
    let fx = command(&mut s, "cancel");
    assert_eq!(
        fx.iter()
            .filter(|e| matches!(e, Effect::Cancel { .. }))
            .count(),
        sent.len()
    );
    let sent = selects(&planned(&mut s, Ok(vec![1_000])));
    let fx = update(&mut s, Action::Show(View::Environments));
    assert_eq!(
        fx.iter()
            .filter(|e| matches!(e, Effect::Cancel { .. }))
            .count(),
        sent.len()
    );
}

#[test]
fn a_failed_select_shows_athenas_reason() {
    let mut s = state("", false);
    let sent = selects(&planned(&mut s, Ok(vec![1_000])));
    let why = "HIVE_BAD_DATA: Error parsing field value '-x' for field 3";
    for (_, r, _) in &sent {
        end(
            &mut s,
            *r,
            Ok(AthenaEnd::Ended(execution(
                "q",
                ExecutionState::Failed,
                Some(why),
                0,
            ))),
        );
    }
    let q = s.queries.traffic.as_ref().unwrap();
    assert!(matches!(&q.parts[0].run.state, RunState::Failed(w) if w == why));
    assert_eq!(TrafficSummary::of(q).requests, None);
    let text = &s.status.as_ref().unwrap().text;
    assert!(text.contains(why) && text.contains("stg"), "{text}");
}

fn missing(s: &mut State, sent: &[(usize, RequestId, String)]) -> Vec<Effect> {
    let mut fx = Vec::new();
    for (_, r, _) in sent {
        fx.extend(end(
            s,
            *r,
            Ok(AthenaEnd::Ended(execution(
                "q",
                ExecutionState::Failed,
                Some("TABLE_NOT_FOUND: line 2:6: Table 'awsdatacatalog.shipdeck.stg_cloudfront_legacy' does not exist"),
                0,
            ))),
        ));
    }
    fx
}

fn audited(fx: &[Effect]) -> Vec<(String, String, Option<String>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Audit { entry, .. } => Some((
                entry.0.action.clone(),
                entry.0.outcome.clone(),
                entry.0.guard.clone(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn a_missing_table_asks_to_create_it_then_audits_and_runs_the_query() {
    let mut s = state("", false);
    let sent = selects(&planned(&mut s, Ok(vec![1_000])));
    let fx = missing(&mut s, &sent);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        phase(&s),
        Phase::Asking(Question::CreateTable { refused: None })
    );
    let ddl = {
        let a = s.queries.traffic.as_ref().unwrap().athena.as_ref().unwrap();
        a.planned.as_ref().unwrap().first().unwrap().ddl.clone()
    };
    let fx = update(&mut s, Action::ToggleDetail);
    let Some(Effect::CreateAthenaTable {
        env,
        request,
        statements,
        ..
    }) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!((env, &statements), (1, &ddl));
    let fx = update(
        &mut s,
        Action::Reply(Reply::AthenaTableCreated {
            request,
            result: Ok(()),
        }),
    );
    assert_eq!(
        audited(&fx),
        [("create-athena-table".to_string(), "done".to_string(), None)]
    );
    let again = selects(&fx);
    assert_eq!(again.len(), sent.len());
    // Not found again after the creation: said, not asked again.
    missing(&mut s, &again);
    assert!(matches!(phase(&s), Phase::Running));
    assert!(!s.queries.traffic.as_ref().unwrap().running());
    assert!(s.status.as_ref().unwrap().text.contains("still not found"));
}

#[test]
fn read_only_refuses_to_create_the_table_and_says_why() {
    let mut s = state("", true);
    let sent = selects(&planned(&mut s, Ok(vec![1_000])));
    let fx = missing(&mut s, &sent);
    assert_eq!(
        audited(&fx),
        [(
            "create-athena-table".to_string(),
            "refused".to_string(),
            Some("read-only".to_string())
        )]
    );
    let Phase::Asking(Question::CreateTable { refused: Some(why) }) = phase(&s) else {
        panic!("{:?}", phase(&s))
    };
    assert!(why.contains("read-only"), "{why}");
    // Enter creates nothing.
    let fx = update(&mut s, Action::ToggleDetail);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::CreateAthenaTable { .. })),
        "{fx:?}"
    );
    assert!(matches!(phase(&s), Phase::Stopped(_)));
}

#[test]
fn the_totals_are_by_status_and_the_series_by_the_range_s_bins() {
    assert_eq!(
        grouping(
            crate::query::InsightsAsk::Totals,
            (crate::query::GroupBy::Hour, 3)
        ),
        (crate::query::GroupBy::Status, athena::STATUS_CODES)
    );
    let (st, g, bins) = step(24 * Timestamp::HOUR);
    assert_eq!(
        (st, g, bins),
        (
            crate::query::SeriesStep::Hour,
            crate::query::GroupBy::Hour,
            26
        )
    );
    let _: Option<Estimate> = None;
}
