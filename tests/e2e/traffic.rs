//! The Traffic view's streamed reads end to end: the console's tail and `shipdeck logs
//! cloudfront` read the same objects into the same statistics (legacy flat keys, Hive-partitioned
//! JSON and Parquet), and files delivered late into hours already read are read once each.

use crate::support;

use clap::Parser;
use serde_json::Value;
use shipdeck::accesslog::key_hour;
use shipdeck::app::{Action, Preset, View};
use shipdeck::cli::{Cli, connect};
use shipdeck::cloud::sim::{LogFaultRates, SimConfig};
use shipdeck::domain::Timestamp;
use shipdeck::runtime::Headless;
use shipdeck::runtime::cloudfront_logs::LogBucket;
use std::collections::BTreeSet;
use std::sync::Arc;
use support::sim::Rig;

/// `shipdeck --demo --speed 0 logs cloudfront ENV --since 1h --stats -o jsonl`: the statistics
/// of the demo's first instant (its clock stopped).
fn cli_stats(env: &str) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(["--demo", "--speed", "0", "logs", "cloudfront", env])
        .args(["--since", "1h", "--stats", "-o", "jsonl"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run shipdeck");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{env}: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{env}: {e}: {stderr}"))
}

/// The console's Traffic view of `env` over the same demo (1 h, its default), read to the end at
/// the demo's first instant.
async fn console(env: &str) -> Headless {
    let cli = Cli::try_parse_from(["shipdeck", "--demo", "--speed", "0"]).expect("flags");
    let backend = connect(&cli.global).expect("the demo");
    console_on(&backend, env).await
}

/// [`console`] over `backend`'s demo.
async fn console_on(backend: &shipdeck::runtime::Backend, env: &str) -> Headless {
    let index = (backend.config.environments.iter())
        .position(|e| e.name == env)
        .expect("an environment");
    let mut app = Headless::new(backend.state(), backend.cloud.clone());
    app.start(backend.now).await;
    app.state.selected = index;
    app.dispatch(Action::Show(View::Traffic));
    // Discovery, then the read: a tick each.
    for _ in 0..10 {
        app.tick(backend.now).await;
        let t = &app.state.traffic;
        if t.load.inflight.is_none() && !t.load.due(backend.now) {
            break;
        }
    }
    app
}

#[tokio::test]
async fn the_console_and_the_cli_read_the_same_objects_into_the_same_statistics() {
    for env in ["dev", "stg", "prd"] {
        let cli = cli_stats(env);
        let app = console(env).await;
        let t = &app.state.traffic;
        assert_eq!(t.load.error, None, "{env}");
        let label = t
            .target
            .as_ref()
            .map(|t| t.label.clone())
            .unwrap_or_default();
        assert_eq!(
            cli["files"].as_u64(),
            Some(t.objects),
            "{env} ({label}): the same objects"
        );
        assert!(t.objects > 0, "{env}: objects read");
        let summary = serde_json::to_value(t.stats.summary().decoded()).expect("json");
        for field in [
            "requests",
            "bytes",
            "status",
            "status_codes",
            "cache_hits",
            "cache_lookups",
            "time_taken_ms",
            "from",
            "to",
        ] {
            assert_eq!(
                cli["summary"][field], summary[field],
                "{env} ({label}): the same {field}"
            );
        }
    }
}

#[tokio::test]
async fn files_delivered_late_into_hours_already_read_are_read_once_each_on_follow() {
    let config = SimConfig {
        seed: 5,
        traffic_scale: 0.02,
        log_faults: LogFaultRates {
            late_delivery: 0.3,
            duplicate_delivery: 0.3,
            ..LogFaultRates::default()
        },
        ..SimConfig::default()
    };
    let mut rig = Rig::with_config(config, "late-files");
    rig.start().await;
    let gets = rig.count("GetObject");
    // The 24 h look-back (set before the first read: the headless app would run a replaced read
    // to its end): late files land in hours long read.
    rig.app.state.traffic.preset = Preset::H24;
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.run(4 * Timestamp::HOUR, 10 * Timestamp::SECOND).await;
    assert!(rig.sim.with(|s| s.stats().faults_of("late_delivery")) > 0);
    // A deep poll (every 5 minutes) at the instant the bucket is listed below.
    let now = rig.now();
    rig.app.tick(now + 6 * Timestamp::MINUTE).await;
    let t = &rig.app.state.traffic;
    assert_eq!((t.preset, &t.load.error), (Preset::H24, &None));
    let spec = rig.app.state.envs[t.env].spec.clone();
    let bucket = spec.logs_bucket.clone().expect("a logs bucket");
    let listed = LogBucket::new(Arc::new(rig.sim.clone()), &bucket)
        .list_all(&spec.logs_prefix, "")
        .await
        .expect("listed");
    let first = shipdeck::accesslog::hour_floor(t.since);
    let hour = |key: &str| key_hour(key, &spec.logs_prefix, &spec.distribution_id);
    // Every file of the look-back, once (a listing may repeat a key).
    let files: BTreeSet<&str> = (listed.iter())
        .filter(|o| hour(&o.key).is_some_and(|h| h >= first))
        .map(|o| o.key.as_str())
        .collect();
    let late = (listed.iter())
        .filter(|o| files.contains(o.key.as_str()))
        .filter(|o| hour(&o.key).is_some_and(|h| o.last_modified.since(h) > 2 * Timestamp::HOUR))
        .count();
    assert!(
        late > 0,
        "files were delivered hours late into hours read before"
    );
    assert_eq!(
        t.objects,
        files.len() as u64,
        "every file of the look-back read, the late ones included"
    );
    assert_eq!(
        rig.count("GetObject") - gets,
        files.len() as u64,
        "each fetched once"
    );
}

/// Runs the console's Athena effects the way the terminal loop does (the SELECTs on the
/// simulator's clock; a `:query` read here by the local engine), feeding every answer back,
/// until none is left; the effects it did not run.
async fn run_athena(
    app: &mut Headless,
    sim: &shipdeck::cloud::sim::SimCloud,
    mut fx: Vec<shipdeck::app::Effect>,
) -> Vec<shipdeck::app::Effect> {
    use shipdeck::app::{Effect, update};
    use shipdeck::runtime::athena;
    let clock = shipdeck::runtime::SimClock::driven(sim.clone());
    let never = shipdeck::ops::apply::upload::Cancel::never();
    let cloud = sim.cloud();
    let mut other = Vec::new();
    while let Some(effect) = fx.pop() {
        let (tx, mut parts) = tokio::sync::mpsc::unbounded_channel();
        let answer = match effect {
            Effect::PlanAthena {
                request,
                spec,
                athena: a,
                region,
                pick,
                filter,
                since,
                until,
                groups,
                ..
            } => {
                let result = athena::prepare(
                    &cloud,
                    &spec,
                    &a,
                    &region,
                    pick.as_deref(),
                    &filter,
                    (since, until),
                    &groups,
                )
                .await;
                Action::Reply(shipdeck::app::Reply::AthenaPlanned {
                    request,
                    result: Box::new(result),
                })
            }
            Effect::RunAthena {
                request,
                sql,
                athena: a,
                ..
            } => {
                let q = athena::statement(&a, &sql, request as i64, 0);
                athena::run(&cloud, &clock, request, &q, 5.0, Some(&tx), &never).await
            }
            Effect::CreateAthenaTable {
                request,
                athena: a,
                statements,
                ..
            } => athena::create_for_console(&cloud, &clock, request, &a, &statements, &never).await,
            Effect::RunLocalQuery { request, query, .. } => {
                let tx = Some(tx.clone());
                shipdeck::runtime::local_query::run(&cloud, request, &query, tx, &never).await
            }
            e => {
                other.push(e);
                continue;
            }
        };
        while let Ok(part) = parts.try_recv() {
            fx.extend(update(&mut app.state, part));
        }
        fx.extend(update(&mut app.state, answer));
    }
    other
}

#[tokio::test]
async fn the_console_s_athena_query_counts_what_the_local_engine_read_and_creates_a_missing_table()
{
    use shipdeck::app::queries::TrafficSummary;
    use shipdeck::app::queries::athena::{Phase, Question};
    use shipdeck::app::{Effect, update};
    let cli = Cli::try_parse_from(["shipdeck", "--demo", "--speed", "0"]).expect("flags");
    let backend = connect(&cli.global).expect("the demo");
    let sim = backend.sim.clone().expect("the simulator");
    for (env, has_table) in [("prd", true), ("dev", false)] {
        let mut app = console_on(&backend, env).await;
        let local = app.state.traffic.stats.summary().decoded().requests;
        assert!(local > 0, "{env}");
        let fx = type_command(&mut app, "query 1h athena");
        let left = run_athena(&mut app, &sim, fx).await;
        assert!(left.is_empty(), "{env}: {left:?}");
        let q = app.state.queries.traffic.as_ref().expect("a query");
        let phase = q.athena.as_ref().map(|a| a.phase.clone());
        if has_table {
            // prd's table is in the demo account already: it ran at once.
            assert_eq!(phase, Some(Phase::Running), "{env}");
        } else {
            assert_eq!(
                phase,
                Some(Phase::Asking(Question::CreateTable { refused: None })),
                "{env}"
            );
            let fx = update(&mut app.state, Action::ToggleDetail);
            assert!(
                matches!(fx.first(), Some(Effect::CreateAthenaTable { .. })),
                "{fx:?}"
            );
            let left = run_athena(&mut app, &sim, fx).await;
            assert!(
                left.iter().all(|e| matches!(e, Effect::Audit { .. })),
                "{left:?}"
            );
        }
        let q = app.state.queries.traffic.as_ref().expect("a query");
        assert!(!q.running(), "{env}");
        assert!(q.bytes_scanned() > 0.0, "{env}");
        let s = TrafficSummary::of(q);
        assert_eq!(
            s.requests,
            Some(local),
            "{env}: Athena's count and the local engine's"
        );
        assert!(s.series.as_ref().is_some_and(|b| !b.is_empty()), "{env}");
    }
}

/// Types `:TEXT` and Enter in the console; the effects it asks for.
fn type_command(app: &mut Headless, text: &str) -> Vec<shipdeck::app::Effect> {
    use shipdeck::app::update;
    let mut fx = update(&mut app.state, Action::CommandOpen);
    for c in text.chars() {
        fx.extend(update(&mut app.state, Action::Input(c)));
    }
    fx.extend(update(&mut app.state, Action::Submit));
    fx
}

#[tokio::test]
async fn a_small_query_is_read_here_and_answers_what_athena_answers() {
    use shipdeck::app::queries::TrafficSummary;
    use shipdeck::app::queries::athena::Phase;
    use shipdeck::app::queries::overall;
    let cli = Cli::try_parse_from(["shipdeck", "--demo", "--speed", "0"]).expect("flags");
    let backend = connect(&cli.global).expect("the demo");
    let sim = backend.sim.clone().expect("the simulator");
    let mut app = console_on(&backend, "prd").await;
    let mut answers = Vec::new();
    // The same filter for both: the view's.
    app.state.traffic.filter =
        shipdeck::accesslog::Filter::parse("status>=400 or path:/api/*").expect("a filter");
    let gets = || {
        sim.with(|s| s.stats())
            .calls
            .get("GetObject")
            .copied()
            .unwrap_or(0)
    };
    let before = gets();
    for text in ["query 3h", "query 3h athena"] {
        let fx = type_command(&mut app, text);
        let left = run_athena(&mut app, &sim, fx).await;
        assert!(left.is_empty(), "{text}: {left:?}");
        let q = app.state.queries.traffic.as_ref().expect("a query");
        assert!(!q.running(), "{text}");
        assert_eq!(overall(&q.runs()), "Complete", "{text}");
        let local = matches!(q.athena.as_ref().map(|a| &a.phase), Some(Phase::Local(_)));
        assert_eq!(local, text == "query 3h", "{text}: {:?}", q.athena);
        answers.push(TrafficSummary::of(q));
    }
    // Read here, the objects were fetched.
    assert!(gets() > before);
    let (here, athena) = (&answers[0], &answers[1]);
    assert!(here.requests.is_some_and(|n| n > 0), "{here:?}");
    assert_eq!(here, athena, "the local engine's answer and Athena's");
}
