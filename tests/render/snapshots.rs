//! Snapshot tests of every view at 80×24 and 160×48, driven by the simulator at fixed seeds and
//! fixed simulated times: a protected environment selected, a failed stage, a pending approval,
//! a stale refresh, the logs, the help and the command line.

use crate::support;
use crate::support::screen;

use ratatui::style::Color;
use shipdeck::app::{Action, View};
use shipdeck::cloud::sim::FaultRates;
use shipdeck::domain::{ExecutionStatus, Timestamp};
use support::sim::Rig;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn render(rig: &Rig, w: u16, h: u16) -> (String, ratatui::buffer::Buffer) {
    let buffer = screen::buffer(&rig.app.state, w, h);
    (screen::trimmed(&buffer), buffer)
}

fn snap(rig: &Rig, name: &str) {
    for (w, h) in SIZES {
        let (text, _) = render(rig, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

async fn started(seed: u64) -> Rig {
    let mut rig = Rig::new(seed);
    rig.start().await;
    rig
}

#[tokio::test]
async fn environments_home() {
    let rig = started(42).await;
    snap(&rig, "environments");
}

#[tokio::test]
async fn protected_environment_selected_is_unmistakable() {
    let mut rig = started(42).await;
    rig.app.dispatch(Action::Show(View::Environments));
    rig.app.dispatch(Action::Bottom);
    assert_eq!(rig.app.state.selected_env().unwrap().spec.name, "prd");
    snap(&rig, "environments_prd_selected");
    for (w, h) in SIZES {
        let (text, buffer) = render(&rig, w, h);
        assert!(text.lines().next().unwrap().contains("PROTECTED: prd"));
        assert_eq!(
            buffer[(0, 0)].bg,
            Color::Red,
            "header background at {w}x{h}"
        );
    }
    rig.app.dispatch(Action::Top);
    let (_, buffer) = render(&rig, 80, 24);
    assert_ne!(buffer[(0, 0)].bg, Color::Red, "dev is not protected");
}

#[tokio::test]
async fn pipeline_with_a_pending_approval() {
    let mut rig = started(42).await;
    rig.app.dispatch(Action::Bottom);
    rig.app.dispatch(Action::Open);
    assert!(
        !rig.app.state.approvals().is_empty(),
        "the demo starts with a prd approval"
    );
    snap(&rig, "pipeline_prd_approval");
    // At 80 columns (a line per stage) the approval stays under its own execution, not under
    // the latest the head names, and the execution waiting to enter shows, as in the boxes.
    let approval = rig.app.state.approvals()[0].execution_id.clone();
    let latest = rig.app.state.selected_env().unwrap().executions[0]
        .id
        .clone();
    assert_ne!(
        approval, latest,
        "a newer execution runs behind the approval"
    );
    let (text, _) = render(&rig, 80, 24);
    let line = (text.lines())
        .find(|l| l.contains("ApproveRelease"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains(&approval[..8]), "{line}");
    assert!(line.contains("waiting"), "{line}");
    let (wide, _) = render(&rig, 160, 48);
    if let Some(entering) = wide.split("⧗ entering: ").nth(1) {
        let id = &entering[..8];
        assert!(line.contains(&format!("⧗{id}")), "{line}");
    }
}

#[tokio::test]
async fn approvals_inbox() {
    let mut rig = started(42).await;
    rig.app.dispatch(Action::Show(View::Approvals));
    snap(&rig, "approvals");
}

#[tokio::test]
async fn pipeline_with_a_failed_stage() {
    let mut rig = started(42).await;
    // Run the simulated system until an environment's newest execution has failed.
    let mut failed = None;
    for _ in 0..(3 * 24 * 6) {
        rig.run(10 * Timestamp::MINUTE, 10 * Timestamp::SECOND)
            .await;
        failed = rig.app.state.envs.iter().position(|e| {
            e.executions
                .first()
                .is_some_and(|x| x.status == ExecutionStatus::Failed)
                && e.state.as_ref().is_some_and(|s| {
                    s.stages.iter().any(|st| {
                        st.actions
                            .iter()
                            .any(|a| a.latest.as_ref().is_some_and(|l| l.error.is_some()))
                    })
                })
        });
        if failed.is_some() {
            break;
        }
    }
    let env = failed.expect("a deploy fails within three simulated days at seed 42");
    rig.app.dispatch(Action::SelectRow(env));
    rig.app.dispatch(Action::Open);
    snap(&rig, "pipeline_failed");
    let (text, _) = render(&rig, 160, 48);
    assert!(text.contains("Failed"), "{text}");
    // Enter on the failed execution: its runs, the failed one selected with its error.
    rig.app.dispatch(Action::Open);
    rig.app.settle().await;
    let failed = rig
        .app
        .state
        .execution_rows()
        .iter()
        .position(|r| r.run.is_some_and(|x| x.error.is_some()))
        .expect("the failed run carries its error");
    rig.app.dispatch(Action::SelectRow(failed));
    snap(&rig, "execution_failed");
}

#[tokio::test]
async fn execution_detail_of_an_approved_release() {
    let mut rig = started(42).await;
    rig.app.dispatch(Action::Bottom);
    rig.app.dispatch(Action::Open);
    let env = rig.app.state.selected_env().unwrap();
    let row = env
        .executions
        .iter()
        .position(|e| e.status == ExecutionStatus::Succeeded)
        .expect("prd has shipped before");
    rig.app.dispatch(Action::SelectRow(row));
    rig.app.dispatch(Action::Open);
    snap(&rig, "execution_reading");
    rig.app.settle().await;
    rig.app.dispatch(Action::Down);
    let run = rig.app.state.execution_run().cloned().unwrap();
    assert_eq!(run.action, "ApproveRelease");
    assert!(run.updated_by.is_some(), "{run:?}");
    snap(&rig, "execution_approval");
}

#[tokio::test]
async fn stale_refresh_keeps_the_data_and_says_since_when() {
    let mut rig = started(42).await;
    rig.sim.with(|s| {
        s.set_faults(FaultRates {
            server_error: 1.0,
            ..FaultRates::none()
        })
    });
    rig.run(2 * Timestamp::MINUTE, 5 * Timestamp::SECOND).await;
    let env = &rig.app.state.envs[0];
    assert!(
        env.refresh.error.is_some() && env.state.is_some(),
        "stale, but data kept"
    );
    snap(&rig, "environments_stale");
    let (text, _) = render(&rig, 160, 48);
    assert!(text.contains("stale"), "{text}");
}

/// Expired credentials: one banner says what to do and that polling is paused, and no call is
/// made until the back-off ends (the simulator keeps them expired until they change).
#[tokio::test]
async fn expired_credentials_show_one_banner_and_stop_the_polls() {
    let mut rig = started(42).await;
    rig.sim.with(|s| {
        s.force_faults(
            "GetPipelineState",
            &[shipdeck::cloud::sim::Fault::ExpiredCredentials],
        )
    });
    rig.run(Timestamp::MINUTE, 5 * Timestamp::SECOND).await;
    let calls = rig.sim.with(|s| s.stats().total_calls());
    rig.run(3 * Timestamp::MINUTE, 5 * Timestamp::SECOND).await;
    assert_eq!(
        rig.sim.with(|s| s.stats().total_calls()),
        calls,
        "no call while the credentials are refused"
    );
    snap(&rig, "environments_credentials_expired");
    let (text, _) = render(&rig, 160, 48);
    assert!(
        text.contains("credentials expired: shipdeck login --profile demo")
            && text.contains("paused since 09:00 UTC · :login, or r · not read: dev, stg, prd"),
        "{text}"
    );
    assert!(!text.contains("refresh failed"), "{text}");
}

#[tokio::test]
async fn logs_help_and_command_line() {
    let mut rig = started(42).await;
    rig.app.dispatch(Action::Show(View::Logs));
    rig.app.settle().await;
    rig.run(20 * Timestamp::SECOND, 5 * Timestamp::SECOND).await;
    assert!(!rig.app.state.logs.events.is_empty());
    snap(&rig, "logs");
    // The event detail of the newest event but three.
    rig.app.dispatch(Action::Open);
    for _ in 0..3 {
        rig.app.dispatch(Action::Up);
    }
    assert!(rig.app.state.logs.detail.is_some());
    snap(&rig, "logs_detail");
    rig.app.dispatch(Action::Back);
    rig.app.dispatch(Action::ToggleFollow);
    rig.app.dispatch(Action::ToggleHelp);
    snap(&rig, "help");
    rig.app.dispatch(Action::ToggleHelp);
    rig.app.dispatch(Action::CommandOpen);
    for c in "env ".chars() {
        rig.app.dispatch(Action::Input(c));
    }
    snap(&rig, "command_line");
}

/// The Traffic view of prd after 20 simulated minutes of its access logs.
async fn traffic_rig() -> Rig {
    let mut rig = Rig::with_traffic(42, 0.2);
    rig.start().await;
    rig.app.dispatch(Action::Bottom);
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.app.settle().await;
    rig.run(20 * Timestamp::MINUTE, 15 * Timestamp::SECOND)
        .await;
    assert!(rig.app.state.traffic.rows.len() > 100);
    rig
}

fn type_text(rig: &mut Rig, text: &str) {
    for c in text.chars() {
        rig.app.dispatch(Action::Input(c));
    }
}

#[tokio::test]
async fn traffic_list_and_charts() {
    let rig = traffic_rig().await;
    snap(&rig, "traffic");
    let (text, _) = render(&rig, 160, 48);
    for want in [
        "● following",
        "requests/min",
        "cache hit",
        "p95",
        "top paths",
        "2xx",
    ] {
        assert!(text.contains(want), "missing {want:?}\n{text}");
    }
}

/// Minutes of the chart's hour that were not read are dim dots, and the chart says so, rather
/// than bars of no traffic.
#[tokio::test]
async fn traffic_chart_draws_minutes_not_read_as_dots() {
    let mut rig = traffic_rig().await;
    let t = &mut rig.app.state.traffic;
    for p in t.panel.series.iter_mut().take(10) {
        p.read = false;
    }
    let (text, _) = render(&rig, 160, 48);
    assert!(
        text.contains("· not read (the read starts") || text.contains("· before the last 1h"),
        "the dots said\n{text}"
    );
    assert!(text.contains("··········"), "ten unread minutes\n{text}");
}

#[tokio::test]
async fn traffic_detail_pane() {
    let mut rig = traffic_rig().await;
    rig.app.dispatch(Action::ToggleFollow);
    rig.app.dispatch(Action::Up);
    rig.app.dispatch(Action::ToggleDetail);
    snap(&rig, "traffic_detail");
    let (text, _) = render(&rig, 160, 48);
    for want in [
        "‖ paused",
        "record detail",
        "x-edge-request-id",
        "cs(Cookie)",
        "ssl-protocol",
    ] {
        assert!(text.contains(want), "missing {want:?}\n{text}");
    }
    // At 80×24 the pane shows the first fields; scrolled, the last ones and which rows they are.
    let (top, _) = render(&rig, 80, 24);
    assert!(
        top.contains(" 1–8 of ") && !top.contains("sc-range-end"),
        "{top}"
    );
    for _ in 0..20 {
        rig.app.dispatch(Action::ScrollPane(3));
    }
    let (end, _) = render(&rig, 80, 24);
    assert!(!end.contains(" 1–8 of "), "{end}");
    assert!(end.contains("empty (-)"), "{end}");
}

#[tokio::test]
async fn traffic_filter_error_with_caret() {
    let mut rig = traffic_rig().await;
    rig.app.dispatch(Action::FilterOpen);
    type_text(&mut rig, "status>=500 and (path:/api/* or");
    rig.app.dispatch(Action::Submit);
    snap(&rig, "traffic_filter_error");
    let (text, _) = render(&rig, 160, 48);
    let lines: Vec<&str> = text.lines().collect();
    let filter = lines
        .iter()
        .position(|l| l.contains("filter: status>=500"))
        .unwrap();
    let caret = lines[filter + 1];
    let err = rig.app.state.traffic.filter_error.clone().unwrap();
    let col = caret.find('^').expect("a caret under the filter");
    let start = lines[filter].find("filter: ").unwrap() + "filter: ".len();
    assert_eq!(col - start, err.position, "caret under the error: {caret}");
}

#[tokio::test]
async fn traffic_search_highlight() {
    let mut rig = traffic_rig().await;
    rig.app.dispatch(Action::SearchOpen);
    type_text(&mut rig, "/api/");
    rig.app.dispatch(Action::Submit);
    snap(&rig, "traffic_search");
    let (_, buffer) = render(&rig, 160, 48);
    let highlighted = buffer
        .content()
        .iter()
        .filter(|c| c.bg == Color::Yellow && c.fg == Color::Black)
        .count();
    assert!(highlighted >= 5, "matches highlighted: {highlighted}");
}

/// CodePipeline V2 on screen: prd's Deploy held by its deployment window after hours (with
/// when it opens, in Berlin), and dev's queue.
#[tokio::test]
async fn pipeline_v2_window_and_queue() {
    use futures::executor::block_on;
    use shipdeck::cloud::{ApprovalAnswer, ApprovalOutcome, StartRequest};
    let mut rig = started(42).await;
    // 17:30 in Berlin: the window closed at 17:00.
    rig.run(
        7 * Timestamp::HOUR + 30 * Timestamp::MINUTE,
        30 * Timestamp::MINUTE,
    )
    .await;
    let p = rig.sim.cloud().pipelines;
    let a = rig
        .sim
        .with(|s| s.pending_approvals())
        .into_iter()
        .find(|a| a.environment == "prd")
        .expect("prd waits for an approval");
    let answer = ApprovalAnswer {
        pipeline: a.pipeline.clone(),
        stage: a.stage.clone(),
        action: a.action.clone(),
        token: a.token.clone().unwrap(),
        outcome: ApprovalOutcome::Approved,
        summary: "ok".into(),
    };
    block_on(p.put_approval_result(&answer)).unwrap();
    for _ in 0..3 {
        block_on(p.start_execution("storefront-deployer-dev", &StartRequest::default())).unwrap();
    }
    rig.run(2 * Timestamp::MINUTE, 30 * Timestamp::SECOND).await;
    rig.select("prd");
    let (text, _) = render(&rig, 160, 48);
    assert!(text.contains("blocked by DeploymentWindow"), "{text}");
    assert!(text.contains("until Thu 09:00"), "{text}");
    assert!(
        text.contains(&format!("⧗ entering: {}", &a.execution_id[..8])),
        "{text}"
    );
    assert!(text.contains("mode SUPERSEDED"), "{text}");
    let (small, _) = render(&rig, 80, 24);
    assert!(
        small.contains("◇ held until Thu 09:00 Europe/Berlin (prod-hours)"),
        "{small}"
    );
    snap(&rig, "pipeline_prd_window");
    rig.select("dev");
    let (text, _) = render(&rig, 160, 48);
    assert!(text.contains("mode QUEUED"), "{text}");
    assert!(text.contains("⧗ queued"), "{text}");
    snap(&rig, "pipeline_dev_queue");
    // The home screen says the same at a glance: dev's queue, prd held by its window.
    rig.app.dispatch(Action::Show(View::Environments));
    for (w, h) in SIZES {
        let (text, _) = render(&rig, w, h);
        assert!(text.contains("◇ Deploy: held until Thu 09:00"), "{text}");
        assert!(text.contains("queued at"), "{text}");
        assert!(text.contains("Deploy ✔⏸"), "{text}");
    }
    snap(&rig, "environments_v2_held");
}

/// `:trace VERSION`: the release waiting at prd's approval, its runs, packages and each
/// environment's executions; the links only where there is room (160 columns).
#[tokio::test]
async fn trace_of_the_release_waiting_for_approval() {
    let mut rig = started(42).await;
    let prd = rig.app.state.env_index("prd").unwrap();
    let waiting = rig.app.state.pipeline_data(prd).unwrap().approvals("prd");
    let version = waiting[0]
        .release
        .clone()
        .expect("a waiting release")
        .version;
    rig.app.dispatch(Action::CommandOpen);
    rig.typed(&format!("trace {version}"));
    rig.app.dispatch(Action::Submit);
    rig.app.settle().await;
    snap(&rig, "trace");
}

/// The help and the trace stop scrolling at their last row: at 80×24 ↓ pressed far past the end
/// leaves the last row on screen, and one ↑ moves back at once (no presses lost past the end).
#[tokio::test]
async fn help_and_trace_scroll_no_further_than_their_end() {
    use shipdeck::tui::render::{Hints, overlay_rows};
    let mut rig = started(42).await;
    let hints = Hints::default();
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    let report = |rig: &mut Rig| {
        if let Some(action) = overlay_rows(&rig.app.state, &hints, area) {
            rig.app.dispatch(action);
        }
        rig.app
            .state
            .help_max
            .expect("the overlay's reach is known")
    };
    let prd = rig.app.state.env_index("prd").unwrap();
    let version = rig.app.state.pipeline_data(prd).unwrap().approvals("prd")[0]
        .release
        .clone()
        .expect("a waiting release")
        .version;
    rig.app.dispatch(Action::CommandOpen);
    rig.typed(&format!("trace {version}"));
    rig.app.dispatch(Action::Submit);
    rig.app.settle().await;
    let max = report(&mut rig);
    assert!(max > 0, "the trace is taller than 80x24");
    for _ in 0..max + 40 {
        rig.app.dispatch(Action::Down);
    }
    assert_eq!(rig.app.state.help_scroll, max);
    let (text, _) = render(&rig, 80, 24);
    assert!(text.contains("prd "), "the last environment shows: {text}");
    rig.app.dispatch(Action::Up);
    assert_eq!(rig.app.state.help_scroll, max - 1);
    rig.app.dispatch(Action::Back);
    rig.app.dispatch(Action::ToggleHelp);
    let max = report(&mut rig);
    assert!(max > 0 && rig.app.state.help_scroll == 0);
    for _ in 0..max + 40 {
        rig.app.dispatch(Action::Down);
    }
    assert_eq!(rig.app.state.help_scroll, max);
    rig.app.dispatch(Action::Up);
    assert_eq!(rig.app.state.help_scroll, max - 1);
    assert_eq!(overlay_rows(&rig.app.state, &hints, area), None, "known");
}

/// The Traffic view of dev over 24 hours at full traffic, run until its newest deploy reached it 20 to 50
/// minutes ago: its marker on the charts, and enough logs after it to judge.
async fn deployed_traffic_rig() -> Rig {
    let mut rig = Rig::with_traffic(42, 1.0);
    rig.start().await;
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.app.dispatch(Action::NextPreset);
    rig.app.settle().await;
    for _ in 0..60 {
        rig.run(10 * Timestamp::MINUTE, 15 * Timestamp::SECOND)
            .await;
        let now = rig.now();
        let newest = rig
            .app
            .state
            .traffic_markers()
            .into_iter()
            .rev()
            .find(|m| m.kind == shipdeck::app::MarkerKind::Deploy);
        if newest.is_some_and(|m| {
            now - 50 * Timestamp::MINUTE <= m.at && m.at <= now - 20 * Timestamp::MINUTE
        }) {
            return rig;
        }
    }
    panic!("no deploy of dev within 10 hours")
}

/// The home screen after the Traffic view read dev: dev's newest deploy with its verdict and its
/// requests/5xx sparklines; stg and prd, whose logs were not read, say so (never a flat line).
#[tokio::test]
async fn home_glance_of_the_traffic_read() {
    let mut rig = deployed_traffic_rig().await;
    let deploy = rig
        .app
        .state
        .traffic_markers()
        .into_iter()
        .rev()
        .find(|m| m.kind == shipdeck::app::MarkerKind::Deploy)
        .unwrap();
    rig.app.dispatch(Action::Show(View::Environments));
    let glance = rig.app.state.envs[0].glance.clone().expect("dev's glance");
    let shipdeck::app::DeployImpact::Measured(m) = &glance.deploy else {
        panic!("dev's deploy measured: {:?}", glance.deploy);
    };
    assert_eq!(m.0.at, deploy.at);
    assert_eq!(glance.requests.len(), 60);
    assert!(glance.requests.iter().flatten().sum::<u64>() > 0);
    for (w, h) in SIZES {
        let (text, _) = render(&rig, w, h);
        let verdict = format!("{} {}", deploy.label, deploy.at.clock());
        assert!(text.contains(&verdict), "{verdict} in\n{text}");
        assert!(text.contains(m.1.verdict.label()), "{text}");
        assert!(text.contains("/h  5xx"), "{text}");
        assert_eq!(text.matches("traffic not read").count(), 2, "{text}");
    }
    snap(&rig, "environments_glance");
    // Reading stg's traffic instead keeps dev's glance, as of its own newest record.
    rig.app.dispatch(Action::Down);
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.run(15 * Timestamp::SECOND, 15 * Timestamp::SECOND)
        .await;
    rig.app.dispatch(Action::Show(View::Environments));
    assert_eq!(rig.app.state.traffic.env, 1);
    let kept = rig.app.state.envs[0]
        .glance
        .as_ref()
        .expect("dev's glance kept");
    assert!(kept.as_of >= glance.as_of);
    assert!(matches!(
        kept.deploy,
        shipdeck::app::DeployImpact::Measured(_)
    ));
}

#[tokio::test]
async fn traffic_deploy_markers_and_release_health() {
    let mut rig = deployed_traffic_rig().await;
    snap(&rig, "traffic_markers");
    let (text, _) = render(&rig, 160, 48);
    assert!(text.contains('▲'), "the deploy on the axis\n{text}");
    assert!(
        text.contains("* 09:") && text.contains("invalidation"),
        "the deployer's invalidation on the axis and in the legend\n{text}"
    );
    rig.app.dispatch(Action::ToggleImpact);
    snap(&rig, "traffic_impact");
    let (text, _) = render(&rig, 160, 48);
    for want in ["release health", "before", "after", "requests", "p95/p99"] {
        assert!(text.contains(want), "missing {want:?}\n{text}");
    }
    // A failed listing of the invalidations: those listed before stay, as of their listing, in
    // the panel and under the charts.
    rig.sim.with(|s| s.deny("ListInvalidations"));
    rig.run(Timestamp::MINUTE, 15 * Timestamp::SECOND).await;
    for view in ["release health", "charts"] {
        let (text, _) = render(&rig, 160, 48);
        assert!(
            text.contains("* invalidations after 09:"),
            "{view}: missing the unknown invalidations\n{text}"
        );
        rig.app.dispatch(Action::ToggleImpact);
    }
}

#[tokio::test]
async fn attention_list_and_notification_line() {
    let mut rig = started(42).await;
    rig.run(16 * Timestamp::HOUR, 30 * Timestamp::SECOND).await;
    let unseen = rig.app.state.attention.unseen();
    assert!(unseen > 1, "events waiting: {unseen}");
    // Elsewhere, the footer shows the newest and the tab is marked.
    rig.app.dispatch(Action::Show(View::Environments));
    snap(&rig, "attention_notice");
    rig.app.dispatch(Action::Show(View::Attention));
    snap(&rig, "attention");
    assert_eq!(rig.app.state.attention.unseen(), 0, "shown: seen");
    // Enter opens the selected event's environment's pipeline.
    rig.app.dispatch(Action::Down);
    let env = shipdeck::app::attention::selected(&rig.app.state)
        .map(|e| e.environment.clone())
        .unwrap();
    rig.app.dispatch(Action::Open);
    assert_eq!(rig.app.state.view, View::Pipeline);
    assert_eq!(rig.app.state.selected_env().unwrap().spec.name, env);
}

/// The demo over two accounts, prd selected: the header names prd's account and caller (at 80
/// columns the account only: the caller gives way whole), each row its account; then with
/// prd's role refused, prd's row and the header say it is unknown.
#[tokio::test]
async fn environments_in_several_accounts() {
    use shipdeck::runtime::{Connection, Headless, connect};
    let backend = connect(&Connection {
        demo: true,
        seed: 42,
        speed: 1.0,
        ..Connection::default()
    })
    .unwrap();
    let shot = |app: &Headless, name: &str| {
        for (w, h) in SIZES {
            let text = screen::trimmed(&screen::buffer(&app.state, w, h));
            assert!(
                text.lines().next().unwrap().contains(match name {
                    "accounts_prd_selected" if w < 160 => "222222222222 ",
                    "accounts_prd_selected" => "222222222222 as demo-operator ",
                    _ => "account unknown",
                }),
                "{name} at {w}x{h}:\n{text}"
            );
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
        }
    };
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    app.dispatch(Action::Bottom);
    shot(&app, "accounts_prd_selected");

    let sim = backend.sim.clone().unwrap();
    sim.with(|s| {
        s.refuse_account(
            "222222222222",
            shipdeck::cloud::CloudError::RoleNotAssumed {
                role: "arn:aws:iam::222222222222:role/shipdeck-operator".into(),
                caller: shipdeck::cloud::sim::OPERATOR_ARN.into(),
                reason: "AccessDenied: not authorized to perform sts:AssumeRole".into(),
            },
        )
    });
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    app.dispatch(Action::Bottom);
    shot(&app, "accounts_prd_refused");
}

/// A filter on a field no record read has (kept across a change of source): the header says
/// the count listed is unknown, never `0 listed`.
#[tokio::test]
async fn traffic_header_says_unknown_for_a_filter_on_a_field_not_read() {
    let mut rig = traffic_rig().await;
    let t = &mut rig.app.state.traffic;
    t.filter = shipdeck::accesslog::Filter::parse("country:DE").unwrap();
    t.filter_text = "country:DE".into();
    t.rows.clear();
    assert!(!t.records.not_kept(&t.filter).is_empty(), "legacy records");
    let (text, _) = render(&rig, 160, 48);
    assert!(text.contains("unknown listed of"), "{text}");
    assert!(!text.contains(" 0 listed"), "{text}");
}

/// A filter error longer than the view wraps under its caret, the last line ending with `…`
/// if it is still cut: nothing is cut silently.
#[tokio::test]
async fn traffic_filter_error_wraps_rather_than_cut() {
    let mut rig = traffic_rig().await;
    let message = "no record read has c-country: the source is a legacy delivery (standard \
                   logging v2 can; `shipdeck config check --discover` shows the sources)";
    let t = &mut rig.app.state.traffic;
    t.filter_text = "country:DE".into();
    t.filter_error = Some(shipdeck::accesslog::FilterError {
        position: 0,
        message: message.into(),
    });
    let (text, _) = render(&rig, 100, 30);
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '┃' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains("shows the sources)"),
        "the whole message\n{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
}

/// An IPv6 client address is cut with `…` in the list's IP column.
#[test]
fn traffic_row_cuts_an_ipv6_address_with_an_ellipsis() {
    let mut rec =
        support::logs::generated(7, 1, Timestamp(1_795_597_200_000), 60_000, 0.0).remove(0);
    rec.client_ip = "2a02:dc1c:ed9:f00d::1".into();
    let line = shipdeck::tui::views::traffic_row::row(&rec, 160, "", false);
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    assert!(text.contains("2a02:dc1c:ed9:…"), "{text}");
}
