//! The Traffic view's `:query` choosing its engine by the size of the range: read here (the
//! local engine) up to `local_max_bytes`, on Athena above it; `local` and `athena` choose
//! whatever the size; the local answer fills the same panels; its cancel, failure and a stale
//! answer; a missing workgroup stops only an Athena run.

use super::athena::Phase;
use super::athena_tests::{command, phase, planned_as, planned_with, selects, state};
use super::local::{LocalAnswer, LocalProgress};
use super::*;
use crate::app::{Action, Reply, update};

/// A local read's request, listing and groupings.
type Read = (RequestId, Vec<String>, Vec<(crate::query::GroupBy, usize)>);

/// The local read the effects send.
fn local_read(fx: &[Effect]) -> Option<Read> {
    fx.iter().find_map(|e| match e {
        Effect::RunLocalQuery {
            env,
            request,
            query,
        } => {
            assert_eq!(*env, 1);
            assert_eq!(query.setup.bucket, "logs-b");
            Some((*request, query.listing.clone(), query.groups.clone()))
        }
        _ => None,
    })
}

fn row(cells: &[(&str, &str)]) -> Vec<(String, String)> {
    cells
        .iter()
        .map(|(c, v)| ((*c).to_string(), (*v).to_string()))
        .collect()
}

fn status(s: &State) -> String {
    s.status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_small_range_is_read_here_and_fills_the_same_panels() {
    let mut s = state("status:5xx", false);
    // 7 MB in range: under 256 MiB.
    let fx = planned_as(&mut s, "query 7d", Ok(vec![3_000_000, 4_000_000]));
    assert!(selects(&fx).is_empty(), "no SELECT: {fx:?}");
    let (request, listing, groups) = local_read(&fx).expect("a local read");
    // The objects Athena would read, one grouping per panel (legacy logs: no country).
    assert!(
        listing.iter().all(|p| p.starts_with("cf/stg/Estg.")),
        "{listing:?}"
    );
    assert_eq!(groups.len(), 4, "{groups:?}");
    assert!(matches!(phase(&s), Phase::Local(ref l) if l.request == request && !l.ended));
    let said = status(&s);
    assert!(
        said.contains("reads here (7.0 MB in range, at most local_max_bytes 268.4 MB), free"),
        "{said}"
    );
    assert!(said.contains("(Athena: about $"), "{said}");
    assert!(said.contains("`:query 7d athena`"), "{said}");
    update(
        &mut s,
        Action::Reply(Reply::LocalQueryProgress {
            request,
            progress: LocalProgress {
                read: 1,
                listed: 2,
                listing: false,
                bytes: 3_000_000,
            },
        }),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    assert!(q.running());
    // Nothing answered yet is unknown, not zero.
    assert_eq!(TrafficSummary::of(q).requests, None);
    // The operator moves to prd meanwhile: the answer is still stg's.
    update(&mut s, Action::NextEnv);
    let answer = LocalAnswer {
        rows: vec![
            vec![
                row(&[("key", "503"), ("requests", "7"), ("bytes", "700")]),
                row(&[("key", "502"), ("requests", "3"), ("bytes", "300")]),
            ],
            vec![row(&[
                ("key", "2026-12-06 22"),
                ("requests", "10"),
                ("status_4xx", "0"),
                ("status_5xx", "10"),
            ])],
            vec![row(&[("key", "/api/checkout"), ("requests", "9")])],
            Vec::new(),
        ],
        progress: LocalProgress {
            read: 2,
            listed: 2,
            listing: false,
            bytes: 7_000_000,
        },
        skipped: 0,
        errors: Vec::new(),
        stopped: false,
    };
    update(
        &mut s,
        Action::Reply(Reply::LocalQueryEnded {
            request,
            result: Box::new(Ok(answer)),
        }),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!(q.env_name, "stg");
    assert!(!q.running());
    assert!(q.finished.is_some());
    assert_eq!(overall(&q.runs()), "Complete");
    let sum = TrafficSummary::of(q);
    assert_eq!(sum.requests, Some(10));
    assert_eq!(sum.bytes, Some(1000));
    assert_eq!(sum.codes.get(&503), Some(&7));
    assert_eq!(sum.series.unwrap()[0], ("2026-12-06 22".into(), 10, 0, 10));
    assert_eq!(sum.tops[0].2, Some(vec![("/api/checkout".into(), 9)]));
    // An empty top list is an answer: none, known.
    assert_eq!(sum.tops[1].2, Some(Vec::new()));
    match phase(&s) {
        Phase::Local(l) => assert_eq!((l.ended, l.progress.bytes), (true, 7_000_000)),
        p => panic!("{p:?}"),
    }
}

#[test]
fn a_large_range_runs_on_athena_and_the_engine_word_overrides_the_size() {
    // 300 MB in range: above 256 MiB, on Athena.
    let mut s = state("", false);
    let fx = planned_as(&mut s, "query 7d", Ok(vec![150_000_000, 150_000_000]));
    assert!(local_read(&fx).is_none(), "{fx:?}");
    assert_eq!(selects(&fx).len(), 4);
    // `local` reads it here anyway.
    let mut s = state("", false);
    let fx = planned_as(&mut s, "query 7d local", Ok(vec![150_000_000, 150_000_000]));
    assert!(local_read(&fx).is_some(), "{fx:?}");
    assert!(
        status(&s).contains("300.0 MB in range, asked to read here"),
        "{}",
        status(&s)
    );
    // `athena` runs a small one there.
    let mut s = state("", false);
    let fx = planned_as(&mut s, "query 7d athena", Ok(vec![1_000]));
    assert!(
        local_read(&fx).is_none() && selects(&fx).len() == 4,
        "{fx:?}"
    );
    // local_max_bytes = 0: always Athena unless asked.
    let mut s = state("", false);
    s.queries.athena_specs = vec![
        crate::config::AthenaSpec {
            local_max_bytes: 0,
            ..Default::default()
        };
        3
    ];
    let fx = planned_as(&mut s, "query 7d", Ok(vec![1_000]));
    assert!(
        local_read(&fx).is_none() && selects(&fx).len() == 4,
        "{fx:?}"
    );
    // An unknown estimate (the listing failed) is not small: Athena's question asks first.
    let mut s = state("", false);
    let fx = planned_as(&mut s, "query 7d", Err("AccessDenied".into()));
    assert!(
        local_read(&fx).is_none() && selects(&fx).is_empty(),
        "{fx:?}"
    );
    assert!(matches!(phase(&s), Phase::Asking(_)));
}

#[test]
fn a_bad_engine_word_is_named_and_nothing_runs() {
    let mut s = state("", false);
    let fx = command(&mut s, "query 7d duckdb");
    assert!(fx.is_empty(), "{fx:?}");
    let said = status(&s);
    assert!(said.contains("unknown engine `duckdb`"), "{said}");
    assert!(s.queries.traffic.is_none());
    let fx = command(&mut s, "query 7d local extra");
    assert!(fx.is_empty());
    assert!(
        status(&s).contains(":query needs one range"),
        "{}",
        status(&s)
    );
}

#[test]
fn a_missing_workgroup_stops_only_an_athena_run() {
    let why = "Athena workgroup `primary` cannot be used: not found".to_string();
    let mut s = state("", false);
    let fx = planned_with(&mut s, "query 7d", Ok(vec![1_000]), Err(why.clone()));
    assert!(
        local_read(&fx).is_some(),
        "read here without a workgroup: {fx:?}"
    );
    let mut s = state("", false);
    let fx = planned_with(&mut s, "query 7d athena", Ok(vec![1_000]), Err(why.clone()));
    assert!(
        selects(&fx).is_empty() && local_read(&fx).is_none(),
        "{fx:?}"
    );
    assert!(matches!(phase(&s), Phase::Stopped(w) if w.contains("workgroup `primary`")));
}

#[test]
fn esc_stops_the_read_once_and_a_stopped_or_failed_answer_says_so() {
    let mut s = state("", false);
    let fx = planned_as(&mut s, "query 1h", Ok(vec![1_000]));
    let (request, _, groups) = local_read(&fx).unwrap();
    let fx = update(&mut s, Action::Back);
    assert_eq!(fx, vec![Effect::Cancel { request }]);
    // What it counted until then is shown, marked cancelled.
    update(
        &mut s,
        Action::Reply(Reply::LocalQueryEnded {
            request,
            result: Box::new(Ok(LocalAnswer {
                rows: vec![Vec::new(); groups.len()],
                stopped: true,
                ..LocalAnswer::default()
            })),
        }),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    assert_eq!(overall(&q.runs()), "Cancelled");
    assert!(!q.running());
    // A failed read leaves every panel unknown, with why.
    let fx = planned_as(&mut s, "query 1h", Ok(vec![1_000]));
    let (second, _, _) = local_read(&fx).unwrap();
    // The first read's late answer is not this query's.
    update(
        &mut s,
        Action::Reply(Reply::LocalQueryEnded {
            request,
            result: Box::new(Ok(LocalAnswer::default())),
        }),
    );
    assert!(s.queries.traffic.as_ref().unwrap().running());
    update(
        &mut s,
        Action::Reply(Reply::LocalQueryEnded {
            request: second,
            result: Box::new(Err(
                "1 of 2 objects could not be read whole (s3://logs-b/x.gz: truncated)".into(),
            )),
        }),
    );
    let q = s.queries.traffic.as_ref().unwrap();
    assert!(overall(&q.runs()).starts_with("Failed: 1 of 2 objects"));
    assert_eq!(TrafficSummary::of(q).requests, None);
    assert!(
        status(&s).contains("could not read its logs here"),
        "{}",
        status(&s)
    );
}

#[test]
fn a_look_back_read_past_local_max_bytes_offers_athena_once() {
    let mut s = state("", false);
    s.traffic.load.start(41);
    let part = |s: &mut State, bytes: u64| {
        update(
            s,
            Action::Reply(Reply::TrafficPart {
                env: 1,
                request: 41,
                batch: Box::default(),
                progress: crate::app::ReadProgress {
                    read: 40,
                    listed: 900,
                    listing: true,
                    bytes,
                },
            }),
        )
    };
    // Under the limit: nothing said.
    part(&mut s, 200 << 20);
    assert!(!status(&s).contains("local_max_bytes"), "{}", status(&s));
    part(&mut s, 300 << 20);
    let said = status(&s);
    let preset = s.traffic.preset.label();
    assert!(
        said.contains(&format!(
            "stg's last {preset} hold more logs than local_max_bytes 268.4 MB (314.6 MB read so far, 40 of 900+ objects)"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("`:query {preset}` answers it on Athena")),
        "{said}"
    );
    // Said once for the look-back.
    s.status = None;
    part(&mut s, 400 << 20);
    assert!(s.status.is_none());
}
