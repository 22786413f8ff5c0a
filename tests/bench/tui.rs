//! `make bench`: start-up to first frame in demo mode, one full frame of each view at 200×60,
//! and the cost of the state update per simulated minute. Prints medians over repeated runs and
//! ratios against a baseline measured in the same run. Under `cargo test` it runs once, briefly.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::Paragraph;
use shipdeck::accesslog::Retained;
use shipdeck::app::{
    Action, Mode, PollPolicy, Preset, Session, State, Traffic, TrafficBatch, View, update,
};
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator};
use shipdeck::config::Config;
use shipdeck::domain::Timestamp;
use shipdeck::runtime::Headless;
use shipdeck::tui::hints::hints;
use shipdeck::tui::keymap::Keymap;
use shipdeck::tui::render::draw;
use std::time::{Duration, Instant};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

fn session() -> Session {
    Session {
        mode: Mode::Demo,
        profile: None,
        region: Some("eu-west-1".into()),
        identity: None,
        read_only: false,
    }
}

/// Everything `shipdeck --demo` does before its first frame, in process: config, simulator with
/// its 14 days of history, state, first refreshes answered, one draw.
fn first_frame(rt: &tokio::runtime::Runtime, with_data: bool) -> Duration {
    let started = Instant::now();
    let config = Config::demo().expect("example config parses");
    let keymap = Keymap::load(None).expect("default keymap");
    let hints = hints(&keymap);
    let sim = SimCloud::new(Simulator::new(SimConfig::default(), &config.environments));
    let now = sim.with(|s| s.now());
    let state = State::new(
        session(),
        config.environments.clone(),
        PollPolicy::default(),
        now,
    );
    let mut app = Headless::new(state, sim.cloud());
    if with_data {
        rt.block_on(app.start(now));
    }
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    terminal
        .draw(|f| draw(f, &app.state, &hints))
        .expect("draw");
    started.elapsed()
}

/// Frames of the Logs view with the detail of a 256 KB event open (CloudWatch's largest): one
/// line of text, and JSON laid out.
fn logs_detail_frames(
    state: &State,
    hints: &shipdeck::tui::render::Hints,
    frames: usize,
    baseline: Duration,
) {
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let text = "x".repeat(9) + " ";
    let json = format!(
        "{{\"items\":[{}]}}",
        vec!["{\"id\":\"0123456789\",\"ok\":true}"; 8_000].join(",")
    );
    for (what, message) in [
        ("one 256 KB line", text.repeat(26_000)),
        ("256 KB JSON", json),
    ] {
        let mut state = state.clone();
        state.view = View::Logs;
        let newest = state.logs.events.last().map_or(state.now, |e| e.timestamp);
        state.logs.events.push(shipdeck::domain::LogEvent {
            group: "/aws/lambda/storefront-api-prd".into(),
            event_id: "big".into(),
            stream: "2026/11/25/[$LATEST]big".into(),
            timestamp: newest + 1,
            ingestion_time: newest + 2,
            message,
        });
        update(&mut state, Action::Open);
        assert_eq!(
            state.logs.detail.as_ref().map(|(_, id)| id.as_str()),
            Some("big")
        );
        let d = median(
            (0..frames)
                .map(|_| {
                    let t = Instant::now();
                    terminal.draw(|f| draw(f, &state, hints)).expect("draw");
                    t.elapsed()
                })
                .collect(),
        );
        let ratio = d.as_secs_f64() / baseline.as_secs_f64().max(1e-9);
        println!(
            "frame 200×60, Logs with the detail of {what:<15} (goal ≤ 2 ms): {} ({ratio:.1}× baseline)",
            fmt(d)
        );
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let reps = if full { 25 } else { 1 };
    let frames = if full { 400 } else { 2 };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    if full {
        println!("shipdeck bench (medians; compare ratios, the machine is noisy)");
    } else {
        println!(
            "shipdeck bench smoke run (one iteration, test profile: figures are not measurements)"
        );
    }
    let before = median((0..reps).map(|_| first_frame(&rt, false)).collect());
    let after = median((0..reps).map(|_| first_frame(&rt, true)).collect());
    println!(
        "start-up to first frame, demo (goal ≤ 50 ms): {} (with first data: {})",
        fmt(before),
        fmt(after)
    );

    // A realistic state: the demo after its first refreshes.
    let sim = SimCloud::new(Simulator::new(
        SimConfig::default(),
        &shipdeck::cloud::sim::demo_specs(),
    ));
    let now = sim.with(|s| s.now());
    let state = State::new(
        session(),
        shipdeck::cloud::sim::demo_specs(),
        PollPolicy::default(),
        now,
    );
    let mut app = Headless::new(state, sim.cloud());
    rt.block_on(app.start(now));
    app.dispatch(Action::Show(View::Logs));
    rt.block_on(app.settle());
    let hints = hints(&Keymap::load(None).expect("keymap"));
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let baseline = median(
        (0..frames)
            .map(|_| {
                let t = Instant::now();
                terminal
                    .draw(|f| f.render_widget(Paragraph::new("baseline"), f.area()))
                    .expect("draw");
                t.elapsed()
            })
            .collect(),
    );
    println!("frame 200×60, blank paragraph baseline: {}", fmt(baseline));
    for view in View::ALL {
        let mut state = app.state.clone();
        state.view = view;
        if view != View::Environments {
            state.selected = state.envs.len() - 1;
        }
        let d = median(
            (0..frames)
                .map(|_| {
                    let t = Instant::now();
                    terminal.draw(|f| draw(f, &state, &hints)).expect("draw");
                    t.elapsed()
                })
                .collect(),
        );
        let ratio = d.as_secs_f64() / baseline.as_secs_f64().max(1e-9);
        println!(
            "frame 200×60, {:<12} (goal ≤ 1 ms): {} ({ratio:.1}× baseline)",
            view.title(),
            fmt(d)
        );
    }

    logs_detail_frames(&app.state, &hints, frames, baseline);
    traffic_frames(&app.state, &hints, full);

    // State update per simulated minute: a demo run ticking every 7.5 simulated seconds (250 ms
    // of wall time at 30×), recorded, then replayed into a fresh state with `update` alone.
    let minutes = if full { 240 } else { 10 };
    let sim = SimCloud::new(Simulator::new(
        SimConfig::default(),
        &shipdeck::cloud::sim::demo_specs(),
    ));
    let start = sim.with(|s| s.now());
    let fresh = State::new(
        session(),
        shipdeck::cloud::sim::demo_specs(),
        PollPolicy::default(),
        start,
    );
    let mut app = Headless::new(fresh.clone(), sim.cloud());
    app.record();
    let t = Instant::now();
    rt.block_on(app.start(start));
    let mut now = start;
    while now < start + minutes * Timestamp::MINUTE {
        now = now + 7_500;
        sim.with(|s| s.advance_to(now));
        rt.block_on(app.tick(now));
    }
    let whole = t.elapsed();
    let actions = app.take_recorded();
    let replays: Vec<Duration> = (0..reps.max(3))
        .map(|_| {
            let mut state = fresh.clone();
            let batch = actions.clone();
            let t = Instant::now();
            for a in batch {
                std::hint::black_box(update(&mut state, a));
            }
            t.elapsed()
        })
        .collect();
    let per_min = median(replays) / minutes as u32;
    println!(
        "update per simulated minute: {} ({} actions over {minutes} min, {:.0} per minute)",
        fmt(per_min),
        actions.len(),
        actions.len() as f64 / minutes as f64
    );
    println!(
        "whole headless loop per simulated minute (simulator + effects + update): {}",
        fmt(whole / minutes as u32)
    );
}

/// The Traffic view holding `n` records (the retention cap by default), generated over the last
/// hour and ingested in batches as the tail would.
fn traffic_state(base: &State, n: usize) -> State {
    let mut state = base.clone();
    state.view = View::Traffic;
    let site = SiteProfile {
        distribution_domain: "d111111abcdef8.cloudfront.net".into(),
        host: "www.example.com".into(),
        asset_hash: "5497bea9".into(),
        stale_hash: None,
    };
    let mut generator = LogGenerator::new(42, site);
    let mut t = Traffic::new(state.selected, Preset::H1, state.now, n);
    t.planner = None;
    let chunk = 50_000;
    let mut done = 0;
    while done < n {
        let k = chunk.min(n - done);
        let from = state.now - Timestamp::HOUR + (done as i64 * Timestamp::HOUR / n as i64);
        let len = (k as i64 * Timestamp::HOUR / n as i64).max(1);
        let mut records = Retained::new(k);
        let mut recs = generator.window(from, len, k, &Conditions::default());
        recs.sort_by_key(|r| r.time);
        for r in &recs {
            records.push(r);
        }
        t.ingest(&TrafficBatch {
            records,
            objects: 1,
            ..TrafficBatch::default()
        });
        done += k;
    }
    state.traffic = t;
    state
}

/// Frames of the Traffic view with a million retained records (goal ≤ 2 ms).
fn traffic_frames(base: &State, hints: &shipdeck::tui::render::Hints, full: bool) {
    let n = if full { 1_000_000 } else { 20_000 };
    let frames = if full { 400 } else { 2 };
    let t = Instant::now();
    let mut state = traffic_state(base, n);
    println!(
        "traffic: {n} records generated and ingested in {} ({:.0} MB retained)",
        fmt(t.elapsed()),
        state.traffic.records.footprint_bytes() as f64 / 1e6
    );
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let mut measure = |label: &str, state: &State| {
        let d = median(
            (0..frames)
                .map(|_| {
                    let t = Instant::now();
                    terminal.draw(|f| draw(f, state, hints)).expect("draw");
                    t.elapsed()
                })
                .collect(),
        );
        println!("frame 200×60, Traffic {label} (goal ≤ 2 ms): {}", fmt(d));
    };
    measure(&format!("following, {n} records"), &state);
    for c in "/api/".chars() {
        state.traffic.search.push(c);
    }
    state.traffic.follow = false;
    state.traffic.select(state.traffic.rows.len() / 2);
    measure("paused mid-list with a search highlighted", &state);
    state.traffic.detail = true;
    measure("with the detail pane", &state);
    // A selective filter, then one that lists nearly everything (the most chart work).
    for expr in ["status>=400 or path:/api/*", "not ip:203.0.113.250"] {
        let t = Instant::now();
        state.traffic.filter = shipdeck::accesslog::Filter::parse(expr).expect("filter parses");
        state.traffic.relist();
        let listed = t.elapsed();
        let (mut steps, mut slowest) = (0, Duration::ZERO);
        while state.traffic.charts_pending() {
            let s = Instant::now();
            state.traffic.charts_step(shipdeck::app::CHART_STEP);
            slowest = slowest.max(s.elapsed());
            steps += 1;
        }
        println!(
            "traffic: filter `{expr}` over {n} records applied in {} (goal ≤ 100 ms; {} rows listed, the first {} counted into the charts); the charts complete in {steps} more idle steps of ≤ {} ({} in all)",
            fmt(listed),
            state.traffic.rows.len(),
            shipdeck::app::CHART_STEP.min(state.traffic.rows.len()),
            fmt(slowest),
            fmt(t.elapsed())
        );
    }
    state.traffic.filter =
        shipdeck::accesslog::Filter::parse("status>=400 or path:/api/*").expect("filter parses");
    state.traffic.relist();
    while state.traffic.charts_pending() {
        state.traffic.charts_step(shipdeck::app::CHART_STEP);
    }
    state.traffic.detail = false;
    measure("filtered", &state);
}
