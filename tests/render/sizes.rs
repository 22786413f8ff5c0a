//! Rendering never panics at any terminal size: every view and overlay, in loading, normal,
//! stale, throttled, expired-credentials and hostile-text states, drawn with `TestBackend` at
//! every width 1..=300 (at a few heights) and every height 1..=100 (at a few widths), plus
//! random sizes; every size shows something, and clicks anywhere are mapped without panicking.

use crate::support;

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use shipdeck::app::{Action, Level, LineInput, Overlay, State, View};
use shipdeck::cloud::sim::FaultRates;
use shipdeck::domain::{LogEvent, Timestamp};
use shipdeck::tui::hints::hints;
use shipdeck::tui::keymap::Keymap;
use shipdeck::tui::render::{Hints, draw, hit_test};
use std::sync::OnceLock;
use support::sim::Rig;

/// Heights of the width sweep: one row, just too low, the minimum; and a tall one (30 rows:
/// 100 would triple the cost and adds nothing the height sweep at 300 columns does not cover).
const SWEEP_HEIGHTS: [u16; 4] = [1, 14, 15, 30];
/// Widths of the height sweep: one column, just too narrow, the minimum, the largest.
const SWEEP_WIDTHS: [u16; 4] = [1, 59, 60, 300];
/// The states swept through every width and height: each view and overlay once, each failure
/// kind, and the hostile text (the random-size test draws every state). A debug-build draw at
/// 300×100 takes milliseconds, so sweeping all of them would take minutes.
const SWEPT: &[&str] = &[
    "loading",
    "environments_prd_protected",
    "pipeline_history_row",
    "execution_detail",
    "approvals",
    "logs_scrolled",
    "help_scrolled",
    "command_completed",
    "filter_typing",
    "stale_Pipeline",
    "throttled_Approvals",
    "expired_Logs",
    "hostile_Logs",
    "hostile_command_line",
];
/// Largest size drawn.
const MAX: (u16, u16) = (300, 100);

/// Text that is hard to lay out: wide characters, combining marks, emoji, controls, tabs.
fn hostile(n: usize) -> String {
    "日本語のテキスト 🚀🚀 e\u{301}\u{301} \t tab \u{7} bell \u{1b}[31m ansi \u{200b}zero ﷽ "
        .repeat(n)
}

fn the_hints() -> &'static Hints {
    static HINTS: OnceLock<Hints> = OnceLock::new();
    HINTS.get_or_init(|| hints(&Keymap::load(None).unwrap()))
}

/// Clicks at a few places of a `w`×`h` screen: the mapping must not panic either.
fn click_around(state: &State, w: u16, h: u16) {
    let area = Rect::new(0, 0, w, h);
    for (x, y) in [(0, 0), (0, 1), (w / 2, 1), (w / 2, h / 2), (w - 1, h - 1)] {
        let _ = hit_test(state, the_hints(), area, x, y);
    }
}

/// Whether any cell of the terminal's current buffer is not blank.
fn anything_drawn(terminal: &mut Terminal<TestBackend>) -> bool {
    let buffer = terminal.current_buffer_mut();
    buffer
        .content()
        .iter()
        .any(|c| !c.symbol().trim().is_empty())
}

/// Draws every state into one `w`×`h` terminal's frame (without flushing to the backend, which
/// the random-size test does) and checks each shows something.
fn every_state_at(w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let swept = states().iter().filter(|(n, _)| SWEPT.contains(&n.as_str()));
    for (name, state) in swept {
        terminal.current_buffer_mut().reset();
        draw(&mut terminal.get_frame(), state, the_hints());
        assert!(
            anything_drawn(&mut terminal),
            "{name} at {w}x{h}: nothing drawn"
        );
        click_around(state, w, h);
    }
}

/// A full draw of `state` through the `TestBackend`, as the terminal loop does it.
fn full_draw(name: &str, state: &State, w: u16, h: u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f, state, the_hints())).unwrap();
    let shown = terminal.backend().buffer();
    assert_eq!((shown.area.width, shown.area.height), (w, h));
    let drawn = shown
        .content()
        .iter()
        .any(|c| !c.symbol().trim().is_empty());
    assert!(drawn, "{name} at {w}x{h}: nothing drawn");
    click_around(state, w, h);
}

fn snapshot(out: &mut Vec<(String, State)>, name: &str, rig: &Rig) {
    out.push((name.to_string(), rig.app.state.clone()));
}

fn typed(rig: &mut Rig, text: &str) {
    for c in text.chars() {
        rig.app.dispatch(Action::Input(c));
    }
}

/// The views and overlays of a started demo, in the order an operator would meet them.
async fn normal(out: &mut Vec<(String, State)>) {
    let mut rig = Rig::new(42);
    snapshot(out, "loading", &rig);
    rig.start().await;
    snapshot(out, "environments", &rig);
    rig.app.dispatch(Action::Bottom);
    snapshot(out, "environments_prd_protected", &rig);
    rig.app.dispatch(Action::Open);
    snapshot(out, "pipeline_prd", &rig);
    for _ in 0..5 {
        rig.app.dispatch(Action::Down);
    }
    snapshot(out, "pipeline_history_row", &rig);
    rig.app.dispatch(Action::Open);
    snapshot(out, "execution_reading", &rig);
    rig.app.settle().await;
    rig.app.dispatch(Action::Down);
    snapshot(out, "execution_detail", &rig);
    rig.app.dispatch(Action::Back);
    rig.app.dispatch(Action::Show(View::Approvals));
    snapshot(out, "approvals", &rig);
    rig.app.dispatch(Action::Show(View::Logs));
    rig.app.settle().await;
    rig.run(20 * Timestamp::SECOND, 5 * Timestamp::SECOND).await;
    snapshot(out, "logs", &rig);
    rig.app.dispatch(Action::PageUp);
    snapshot(out, "logs_scrolled", &rig);
    rig.app.dispatch(Action::ToggleHelp);
    snapshot(out, "help", &rig);
    for _ in 0..3 {
        rig.app.dispatch(Action::PageDown);
    }
    snapshot(out, "help_scrolled", &rig);
    rig.app.dispatch(Action::ToggleHelp);
    rig.app.dispatch(Action::CommandOpen);
    typed(&mut rig, "env ");
    snapshot(out, "command_line", &rig);
    rig.app.dispatch(Action::Complete);
    snapshot(out, "command_completed", &rig);
    rig.app.dispatch(Action::Back);
    rig.app.dispatch(Action::Show(View::Environments));
    rig.app.dispatch(Action::FilterOpen);
    typed(&mut rig, "st");
    snapshot(out, "filter_typing", &rig);
    rig.app.dispatch(Action::Submit);
    snapshot(out, "filter_applied", &rig);
    rig.app.dispatch(Action::FilterOpen);
    typed(&mut rig, "zzz");
    rig.app.dispatch(Action::Submit);
    snapshot(out, "filter_matches_nothing", &rig);
}

/// Every view while every call fails with `faults`.
async fn failing(out: &mut Vec<(String, State)>, name: &str, faults: FaultRates) {
    let mut rig = Rig::new(7);
    rig.start().await;
    rig.sim.with(|s| s.set_faults(faults));
    rig.run(2 * Timestamp::MINUTE, 5 * Timestamp::SECOND).await;
    for view in View::ALL {
        rig.app.dispatch(Action::Show(view));
        rig.app.settle().await;
        rig.run(10 * Timestamp::SECOND, 5 * Timestamp::SECOND).await;
        snapshot(out, &format!("{name}_{view:?}"), &rig);
    }
    rig.app.dispatch(Action::Show(View::Pipeline));
    rig.app.dispatch(Action::Open);
    rig.app.settle().await;
    snapshot(out, &format!("{name}_execution"), &rig);
}

/// Text from outside (names from the configuration, the profile, log messages, typed input) that
/// is long and full of wide and control characters, in every view and overlay.
async fn hostile_states(out: &mut Vec<(String, State)>) {
    let mut rig = Rig::new(42);
    rig.start().await;
    let state = &mut rig.app.state;
    state.session.profile = Some(hostile(2));
    state.session.identity = Some(format!("arn:aws:sts::123456789012:{}", hostile(3)));
    for env in &mut state.envs {
        env.spec.pipeline = hostile(2);
        env.spec.site_url = Some(format!("https://{}", hostile(3)));
        env.spec.log_groups = vec![hostile(1), hostile(2)];
    }
    state.say(Level::Error, hostile(8));
    state.logs.env = state.selected;
    state.logs.events = (0..120)
        .map(|i| LogEvent {
            group: hostile(1 + i % 3),
            event_id: i.to_string(),
            stream: hostile(1),
            timestamp: state.now,
            ingestion_time: state.now,
            message: format!("{i} {}\n{}", hostile(i % 5), "x".repeat(i * 3)),
        })
        .collect();
    for view in View::ALL {
        rig.app.dispatch(Action::Show(view));
        snapshot(out, &format!("hostile_{view:?}"), &rig);
    }
    let input = LineInput {
        text: hostile(6).into(),
        completions: vec![hostile(1); 40],
    };
    let state = &mut rig.app.state;
    state.filter = hostile(2);
    snapshot(out, "hostile_filter_applied", &rig);
    rig.app.state.overlay = Some(Overlay::Command(input.clone()));
    snapshot(out, "hostile_command_line", &rig);
    rig.app.state.overlay = Some(Overlay::Filter(input));
    snapshot(out, "hostile_filter_typing", &rig);
    rig.app.state.overlay = Some(Overlay::Help);
    rig.app.state.help_scroll = usize::MAX / 2;
    snapshot(out, "hostile_help_scrolled_far", &rig);
}

/// Every state drawn by these tests, built once.
fn states() -> &'static [(String, State)] {
    static STATES: OnceLock<Vec<(String, State)>> = OnceLock::new();
    STATES.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut out = Vec::new();
            normal(&mut out).await;
            let stale = FaultRates {
                server_error: 1.0,
                ..FaultRates::none()
            };
            failing(&mut out, "stale", stale).await;
            let throttled = FaultRates {
                throttle: 1.0,
                ..FaultRates::none()
            };
            failing(&mut out, "throttled", throttled).await;
            let expired = FaultRates {
                expired_credentials: 1.0,
                ..FaultRates::none()
            };
            failing(&mut out, "expired", expired).await;
            hostile_states(&mut out).await;
            out
        })
    })
}

#[test]
fn the_states_are_what_they_claim() {
    let all = states();
    for name in SWEPT {
        assert!(all.iter().any(|(n, _)| n == name), "{name}");
    }
    let get = |name: &str| &all.iter().find(|(n, _)| n == name).unwrap().1;
    assert!(get("loading").envs.iter().all(|e| e.def.is_none()));
    assert_eq!(
        get("environments_prd_protected")
            .selected_env()
            .unwrap()
            .spec
            .name,
        "prd"
    );
    assert!(get("pipeline_history_row").history_row > 0);
    let runs = |name: &str| get(name).execution.as_ref().and_then(|d| d.runs.clone());
    assert_eq!(runs("execution_reading"), None);
    assert!(matches!(runs("execution_detail"), Some(Ok(r)) if !r.is_empty()));
    assert!(matches!(runs("stale_execution"), Some(Err(_))));
    assert!(!get("logs").logs.events.is_empty());
    assert_eq!(get("help").overlay, Some(Overlay::Help));
    assert!(matches!(
        get("command_line").overlay,
        Some(Overlay::Command(_))
    ));
    assert!(matches!(
        get("filter_typing").overlay,
        Some(Overlay::Filter(_))
    ));
    assert_eq!(get("filter_applied").filter, "st");
    for name in ["stale", "throttled", "expired"] {
        let s = get(&format!("{name}_Environments"));
        assert!(s.envs.iter().any(|e| e.refresh.error.is_some()), "{name}");
    }
    assert!(
        get("throttled_Environments").envs.iter().any(|e| e
            .refresh
            .error
            .as_ref()
            .is_some_and(|s| s.throttled))
    );
    assert!(get("expired_Logs").logs.load.error.is_some());
}

mod sweeps;
