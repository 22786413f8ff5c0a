//! Several systems on screen: the `:system` overlay (a row per system, from what was read) and
//! the answer to the operator's own command before an older attention event in the footer.

use crate::support::screen;
use shipdeck::app::systems::Glance;
use shipdeck::app::{Action, Overlay};
use shipdeck::domain::Timestamp;
use shipdeck::runtime::{Connection, Headless, connect};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// The demo's two systems, storefront shown and read.
async fn demo() -> Headless {
    let backend = connect(&Connection {
        demo: true,
        seed: 42,
        speed: 1.0,
        ..Connection::default()
    })
    .unwrap();
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    app
}

fn command(app: &mut Headless, text: &str) {
    app.dispatch(Action::CommandOpen);
    for c in text.chars() {
        app.dispatch(Action::Input(c));
    }
    app.dispatch(Action::Submit);
}

/// `:system` opens an overlay (not a message an event can hide): storefront from what it shows,
/// backoffice as last seen, with how long ago; Esc closes it.
#[tokio::test]
async fn the_system_list_is_an_overlay_of_a_row_per_system() {
    let mut app = demo().await;
    app.state.systems.seen.insert(
        "backoffice".into(),
        Glance {
            at: app.state.now - 3 * Timestamp::MINUTE,
            approvals: 1,
            failed: vec!["uat".into()],
            unknown: Vec::new(),
            credentials: "ok".into(),
        },
    );
    assert!(app.state.attention.unseen() > 0, "an unseen event waits");
    command(&mut app, "system");
    assert_eq!(app.state.overlay, Some(Overlay::Systems));
    for (w, h) in SIZES {
        let text = screen::trimmed(&screen::buffer(&app.state, w, h));
        let row = |name: &str| {
            (text.lines())
                .find(|l| l.contains(name) && l.contains("│") && !l.contains("system "))
                .unwrap_or_else(|| panic!("no row of {name} at {w}x{h}:\n{text}"))
                .to_string()
        };
        let storefront = row("▸ storefront");
        assert!(storefront.contains("dev stg prd"), "{storefront}");
        assert!(storefront.contains(" ok"), "{storefront}");
        let backoffice = row("  backoffice");
        assert!(backoffice.contains("uat live"), "{backoffice}");
        assert!(backoffice.contains("ok (3m 00s ago)"), "{backoffice}");
        insta::assert_snapshot!(format!("systems_overlay_{w}x{h}"), text);
    }
    app.dispatch(Action::Back);
    assert_eq!(app.state.overlay, None);
}

/// The answer to a command the operator just typed comes before an older attention event in the
/// footer, for a few seconds; then the event shows again (it stays reachable).
#[tokio::test]
async fn the_answer_to_a_command_wins_over_an_older_event_for_a_few_seconds() {
    let mut app = demo().await;
    let event = app
        .state
        .attention
        .latest()
        .expect("an event")
        .summary
        .clone();
    let footer = |app: &Headless| {
        let text = screen::trimmed(&screen::buffer(&app.state, 160, 48));
        text.lines().last().unwrap_or_default().to_string()
    };
    assert!(footer(&app).contains(&event[..20]), "{}", footer(&app));
    command(&mut app, "system storefront");
    let answer = "system storefront is the one shown";
    assert!(footer(&app).contains(answer), "{}", footer(&app));
    assert!(!footer(&app).contains(&event[..20]), "{}", footer(&app));
    app.state.now = app.state.now + 6 * Timestamp::SECOND;
    assert!(footer(&app).contains(&event[..20]), "{}", footer(&app));
}

/// The `:system` list takes the keys: `↓`/`↑` move its `▸`, no key reaches the view hidden
/// under it (no row moves, no dialog opens behind it), and Enter shows the chosen system as
/// `:system NAME` does.
#[tokio::test]
async fn the_system_list_takes_the_keys_and_enter_shows_the_chosen_system() {
    use shipdeck::app::{Effect, View, update};
    use shipdeck::ops::OpKind;
    let mut app = demo().await;
    app.dispatch(Action::Show(View::Pipeline));
    app.dispatch(Action::NextEnv);
    app.dispatch(Action::NextEnv);
    assert_eq!(app.state.selected_env().unwrap().spec.name, "prd");
    let (row, selected) = (app.state.history_row, app.state.selected);
    command(&mut app, "system");
    let chosen = |app: &Headless| {
        let text = screen::trimmed(&screen::buffer(&app.state, 160, 48));
        (text.lines())
            .find(|l| l.contains("▸ "))
            .unwrap_or_else(|| panic!("no chosen row:\n{text}"))
            .to_string()
    };
    assert!(chosen(&app).contains("▸ storefront"), "{}", chosen(&app));
    app.dispatch(Action::Down);
    assert!(chosen(&app).contains("▸ backoffice"), "{}", chosen(&app));
    for key in [
        Action::Down,
        Action::Op(OpKind::Approve),
        Action::NextEnv,
        Action::Show(View::Logs),
    ] {
        app.dispatch(key.clone());
        assert_eq!(app.state.overlay, Some(Overlay::Systems), "{key:?}");
        assert!(app.state.ops.dialog.is_none(), "{key:?} opened a dialog");
        assert_eq!(
            (app.state.history_row, app.state.selected, app.state.view),
            (row, selected, View::Pipeline),
            "{key:?} reached the view"
        );
    }
    assert!(chosen(&app).contains("▸ backoffice"), "{}", chosen(&app));
    app.dispatch(Action::Up);
    assert!(chosen(&app).contains("▸ storefront"), "{}", chosen(&app));
    app.dispatch(Action::Down);
    let fx = update(&mut app.state, Action::Open);
    assert_eq!(app.state.overlay, None);
    assert_eq!(
        fx,
        vec![Effect::SwitchSystem {
            name: "backoffice".into()
        }]
    );
}

/// backoffice's live waits at an approval while its last deploy (1.50.2, a day ago) failed: the
/// Environments row says so in NOTES (the HEALTH column speaks of the newest execution) and the
/// detail pane says which execution, when and why, at both sizes.
#[tokio::test]
async fn the_environments_view_says_the_last_deploy_failed_behind_a_newer_execution() {
    let backend = connect(&Connection {
        demo: true,
        seed: 42,
        speed: 1.0,
        system: Some("backoffice".into()),
        ..Connection::default()
    })
    .unwrap();
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    app.dispatch(Action::NextEnv);
    assert_eq!(app.state.selected_env().unwrap().spec.name, "live");
    for (w, h) in SIZES {
        let text = screen::trimmed(&screen::buffer(&app.state, w, h));
        let row = (text.lines())
            .find(|l| l.contains("live ⚑") && l.contains("awaiting approval"))
            .unwrap_or_else(|| panic!("no row of live at {w}x{h}:\n{text}"));
        // At 80 columns NOTES is cut with … after its first words.
        assert!(row.contains("last deploy"), "{row}");
        if w >= 160 {
            assert!(row.contains("last deploy failed: 1.50.2 "), "{row}");
        }
        let detail = (text.lines())
            .find(|l| l.contains("✖ last"))
            .unwrap_or_else(|| panic!("no failure in the detail at {w}x{h}:\n{text}"));
        assert!(
            detail.contains("✖ last deploy failed: 1.50.2 (execution 8b2ec47a) "),
            "{detail}"
        );
        let uat = (text.lines())
            .find(|l| l.contains("uat ") && l.contains("running"))
            .unwrap_or_else(|| panic!("no row of uat at {w}x{h}:\n{text}"));
        assert!(!uat.contains("failed"), "{uat}");
    }
}

/// The header's clock shows at every width, in the demo's longest header (several systems,
/// several accounts, read-only, prd selected): what gives way is the word `system`, then the
/// program's name, then the caller — whole, never cut short — never the time; a protected
/// header still starts in its red bar.
#[tokio::test]
async fn the_header_keeps_the_clock_at_every_width() {
    let mut app = demo().await;
    let clock = format!("{} UTC", app.state.now.clock());
    for read_only in [false, true] {
        app.state.session.read_only = read_only;
        for env in ["dev", "prd"] {
            while app.state.selected_env().map(|e| e.spec.name.as_str()) != Some(env) {
                app.dispatch(Action::NextEnv);
            }
            for w in [60, 70, 80, 100, 120, 160] {
                let buffer = screen::buffer(&app.state, w, 24);
                let header = screen::rows(&buffer).remove(0);
                assert!(
                    header.trim_end().ends_with(&clock),
                    "no clock at {w} (read-only {read_only}, {env}): {header:?}"
                );
                if env == "prd" {
                    assert_eq!(buffer[(0, 0)].bg, ratatui::style::Color::Red, "{w}");
                }
                // The caller shows whole or not at all.
                let account = if env == "prd" {
                    "222222222222"
                } else {
                    "123456789012"
                };
                let after = header.split(account).nth(1).unwrap_or_default();
                assert!(
                    after.starts_with(" as demo-operator ") || !after.starts_with(" a"),
                    "the caller cut at {w} (read-only {read_only}, {env}): {header:?}"
                );
            }
            let wide = screen::rows(&screen::buffer(&app.state, 160, 48)).remove(0);
            assert!(
                wide.starts_with(" shipdeck ") && wide.contains("system storefront"),
                "{wide:?}"
            );
        }
    }
    for read_only in [false, true] {
        app.state.session.read_only = read_only;
        let at_80 = screen::rows(&screen::buffer(&app.state, 80, 24)).remove(0);
        assert!(at_80.contains("222222222222 "), "{at_80:?}");
        assert!(!at_80.contains(" a…"), "{at_80:?}");
    }
}
