//! Chaos soak: the whole app headless against the simulator for ≥ 10,000 simulated minutes
//! (`SHIPDECK_SOAK_MINUTES` for the long form, `make soak`) with about 10% of calls faulted and
//! log objects truncated, corrupt, late and duplicated, and replies of mutating calls lost after
//! they were served, while a scripted operator approves, rejects, deploys, retries, stops, rolls
//! back, freezes, invalidates and releases. Then, faults off: the shown state matches the truth
//! within two polling rounds, each confirmed action made exactly one change (at most one when
//! it failed or its fate is unknown, none when refused) and no change is unexplained, every
//! readable record was counted once, the retention cap held, and no secret was written in full.

mod capture;
use crate::support;
mod ledger;
mod operator;
mod world;

use ledger::Ledger;
use shipdeck::app::{Action, Mode, PollPolicy, Session, State, View};
use shipdeck::cloud::sim::{
    FaultRates, LogFaultRates, SECRET_COOKIE, SimCloud, SimConfig, Simulator, demo_specs,
};
use shipdeck::domain::Timestamp;
use shipdeck::ops::apply::audit_log as audit;
use shipdeck::runtime::Headless;
use std::collections::{BTreeMap, BTreeSet};
use world::{Dice, call_faults, exact_records, log_faults};

/// Records the Traffic view may hold in the soak (small, so the cap is exercised).
const CAP: usize = 3_000;
/// Simulated time per tick.
const STEP: i64 = 2 * Timestamp::MINUTE;

fn minutes() -> i64 {
    std::env::var("SHIPDECK_SOAK_MINUTES")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(10_000)
}

/// Shows the Traffic view of prd (the busiest distribution).
fn show_traffic(app: &mut Headless) {
    operator::select(app, "prd");
    app.dispatch(Action::Show(View::Traffic));
}

#[tokio::test(flavor = "current_thread")]
async fn the_app_survives_ten_thousand_minutes_of_chaos_and_stays_true() {
    let tracing_out = capture::tracing_buffer();
    let minutes = minutes();
    let config = SimConfig {
        seed: 2026,
        traffic_scale: 0.03,
        secret_cookies: true,
        faults: call_faults(),
        log_faults: log_faults(),
        ..SimConfig::default()
    };
    let sim = SimCloud::new(Simulator::new(config, &demo_specs()));
    let now = sim.with(|s| s.now());
    let session = Session {
        mode: Mode::Demo,
        profile: None,
        region: Some("eu-west-1".into()),
        identity: None,
        read_only: false,
    };
    let mut state = State::new(session, demo_specs(), PollPolicy::default(), now);
    let dir = std::env::temp_dir().join(format!("shipdeck-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let audit_path = dir.join(audit::FILE_NAME);
    state.ops.audit_path = Some(audit_path.clone());
    state.retain = CAP;
    let mut app = Headless::new(state, sim.cloud());
    app.start(now).await;
    show_traffic(&mut app);
    app.settle().await;

    let mut dice = Dice(7);
    let mut screens = String::new();
    let mut tokens = BTreeSet::new();
    let mut tried: BTreeMap<&str, u64> = BTreeMap::new();
    let mut ledger = Ledger::default();
    let mut max_retained = 0usize;
    let mut max_remembered = 0usize;
    let end = now + minutes * Timestamp::MINUTE;
    let mut tick = 0u64;
    while sim.with(|s| s.now()) < end {
        let next = sim.with(|s| s.now()) + STEP;
        sim.with(|s| s.advance_to(next));
        app.tick(next).await;
        tick += 1;
        tokens.extend(
            sim.with(|s| s.pending_approvals())
                .into_iter()
                .filter_map(|a| a.token),
        );
        let t = &app.state.traffic;
        max_retained = max_retained.max(t.records.len());
        max_remembered = max_remembered.max(t.planner.as_ref().map_or(0, |p| p.remembered()));
        if tick.is_multiple_of(500) {
            app.dispatch(Action::ToggleDetail);
            screens.push_str(&capture::screen(&app.state));
            app.dispatch(Action::ToggleDetail);
        }
        if dice.below(60) != 0 {
            continue;
        }
        // One confirmed call in four has its reply lost after it was served.
        let lose = dice.below(4) == 0;
        if dice.below(6) == 0 {
            let env = ["dev", "stg"][dice.below(2) as usize];
            let pick = dice.below(3) as usize;
            let sent = operator::release(&app, &sim, &sim.cloud(), env, pick, lose).await;
            *tried.entry("release").or_default() += 1;
            if let Some((plan, outcome)) = sent {
                ledger.record(&plan, &outcome);
            }
            continue;
        }
        let Some((kind, env)) = operator::choose(&sim, &mut dice) else {
            continue;
        };
        *tried.entry(kind.name()).or_default() += 1;
        let draw = |a: &Headless| capture::screen(&a.state);
        let acted = operator::act(&mut app, &sim, kind, env, lose, draw).await;
        screens.push_str(&acted.screens);
        if let Some((plan, outcome)) = acted.sent {
            ledger.record(&plan, &outcome);
        }
        show_traffic(&mut app);
        app.settle().await;
    }
    let during = sim.with(|s| s.stats());

    // Faults off; polling alone must catch up within two rounds of the longest back-off.
    sim.with(|s| {
        s.set_faults(FaultRates::none());
        s.set_log_faults(LogFaultRates::default());
    });
    let policy = app.state.poll;
    let end = sim.with(|s| s.now()) + 2 * policy.max_backoff;
    while sim.with(|s| s.now()) < end {
        let next = sim.with(|s| s.now()) + 5 * Timestamp::SECOND;
        sim.with(|s| s.advance_to(next));
        app.tick(next).await;
    }
    let now = sim.with(|s| s.now());
    app.tick(now).await;
    let polled = app
        .state
        .envs
        .iter()
        .all(|e| e.refreshed_at.is_some_and(|t| now.since(t) <= policy.idle));
    assert!(polled, "every environment polled within the idle period");
    app.dispatch(Action::Refresh);
    app.settle().await;
    support::truth::state_matches_truth(&sim, &app.state, "after the chaos");

    // A deep re-list with the bucket frozen: every delivered file has been listed.
    app.tick(now + 6 * Timestamp::MINUTE).await;
    app.tick(now + 12 * Timestamp::MINUTE).await;
    let (records, objects, cookies) = exact_records(&sim, &app.state).await;
    assert!(cookies > 0, "the logs carry secret cookies");
    let t = &app.state.traffic;
    assert_eq!(t.objects as usize, objects, "each object counted once");
    assert_eq!(
        t.records.pushed(),
        records,
        "each readable record counted once"
    );
    assert_eq!(
        t.stats.requests(),
        records,
        "statistics over the same records"
    );
    assert!(
        max_retained <= CAP && t.records.len() <= CAP,
        "retention cap {CAP}: {max_retained}"
    );
    assert!(
        max_remembered < 1_000,
        "tail memory bounded: {max_remembered} keys"
    );

    // Each confirmed action made exactly one change in the simulator (at most one when it
    // failed or its fate is unknown), and every change the operator made is explained.
    let lines = audit::read(&audit_path, None).unwrap();
    let changes = sim.with(|s| s.changes().to_vec());
    let accounted = ledger.check(&changes);
    let stats = sim.with(|s| s.stats());
    assert!(
        ledger.done() > 10 && ledger.confirmed > 0,
        "the operator got things done, some after a lost reply: {:?}",
        ledger.outcomes
    );
    assert!(during.faults_of("lost_reply") > 0, "replies were lost");

    // No secret in full in the tracing log, the audit log or on screen.
    let traced = String::from_utf8_lossy(&tracing_out.0.lock().unwrap()).into_owned();
    let audited = std::fs::read_to_string(&audit_path).unwrap_or_default();
    screens.push_str(&capture::screen(&app.state));
    assert!(!tokens.is_empty(), "approval tokens were issued");
    assert!(
        screens.contains("session=•••"),
        "the detail pane showed a masked cookie"
    );
    let outputs = [
        ("tracing", traced.as_str()),
        ("audit", audited.as_str()),
        ("screen", screens.as_str()),
    ];
    capture::assert_no_secrets(&outputs, SECRET_COOKIE, &tokens);

    println!("soak: {minutes} simulated minutes, {tick} ticks");
    println!(
        "calls: {} ({} during the chaos)",
        stats.total_calls(),
        during.total_calls()
    );
    println!("faults: {} {:?}", during.total_faults(), during.faults);
    println!(
        "lost replies: {} (served, then a timeout), {} confirmed by re-reading, {} unknown",
        during.faults_of("lost_reply"),
        ledger.confirmed,
        ledger.unknown
    );
    println!("operator tried: {tried:?}");
    println!("actions (action, outcome): {:?}", ledger.outcomes);
    println!("changes made by the operator: {accounted}, each explained by a confirmed action");
    println!(
        "traffic: {} records, {} objects, {} given up, {} retries, {} retained (cap {CAP}), {} keys remembered at most",
        t.records.pushed(),
        t.objects,
        t.object_errors,
        t.retries,
        t.records.len(),
        max_remembered
    );
    println!(
        "captured: {} bytes traced, {} audit lines, {} bytes of screens",
        traced.len(),
        lines.len(),
        screens.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
