//! Navigation, views, help, the command line, quitting, summaries and prompt caps.

use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shipdeck::tui::keymap::{KeyMode, Keymap};

#[test]
fn navigation_moves_within_visible_rows() {
    let mut s = loaded();
    update(&mut s, Action::Down);
    assert_eq!(s.selected, 1);
    update(&mut s, Action::Bottom);
    assert_eq!(s.selected, 2);
    update(&mut s, Action::Down);
    assert_eq!(s.selected, 2, "clamped at the end");
    update(&mut s, Action::Top);
    assert_eq!(s.selected, 0);
    update(&mut s, Action::Up);
    assert_eq!(s.selected, 0);
    update(&mut s, Action::PageDown);
    assert_eq!(s.selected, 2);
    update(&mut s, Action::PageUp);
    assert_eq!(s.selected, 0);
    update(&mut s, Action::SelectRow(1));
    assert_eq!(s.selected, 1);
    update(&mut s, Action::SelectRow(99));
    assert_eq!(s.selected, 2);
}

#[test]
fn env_switching_wraps_and_resets_history_selection() {
    let mut s = loaded();
    s.history_row = 1;
    update(&mut s, Action::PrevEnv);
    assert_eq!((s.selected, s.history_row), (2, 0));
    update(&mut s, Action::NextEnv);
    assert_eq!(s.selected, 0);
}

#[test]
fn open_back_show_and_next_view() {
    let mut s = loaded();
    update(&mut s, Action::Open);
    assert_eq!(s.view, View::Pipeline);
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Environments);
    update(&mut s, Action::Show(View::Approvals));
    update(&mut s, Action::Open);
    assert_eq!(
        (s.view, s.selected),
        (View::Pipeline, 2),
        "opening an approval shows its pipeline"
    );
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Approvals);
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Logs);
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Traffic);
    let fx = update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Audit, "the audit log is a tab");
    assert!(
        fx.iter().any(|e| matches!(e, Effect::ReadAudit { .. })),
        "and reads the audit log when shown: {fx:?}"
    );
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Runs, "the GitHub runs are a tab");
    let fx = update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Map, "the health map is a tab");
    assert!(
        fx.iter().any(|e| matches!(e, Effect::ReadHealth { .. })),
        "and reads the map when shown: {fx:?}"
    );
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Attention, "attention is the last tab");
    update(&mut s, Action::NextView);
    assert_eq!(s.view, View::Environments, "tabs wrap around");
}

#[test]
fn help_toggles_and_scrolls() {
    let mut s = loaded();
    update(&mut s, Action::ToggleHelp);
    assert_eq!(s.overlay, Some(Overlay::Help));
    update(&mut s, Action::Down);
    assert_eq!(
        (s.help_scroll, s.selected),
        (1, 0),
        "keys scroll the help, not the list"
    );
    update(&mut s, Action::ToggleHelp);
    assert_eq!(s.overlay, None);
}

#[test]
fn command_line_types_completes_and_runs() {
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    for c in "env p".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Complete);
    match &s.overlay {
        Some(Overlay::Command(line)) => assert_eq!(line.text, "env prd "),
        other => panic!("{other:?}"),
    }
    update(&mut s, Action::Submit);
    assert_eq!(
        (s.selected, s.view, s.overlay.clone()),
        (2, View::Pipeline, None)
    );
    update(&mut s, Action::CommandOpen);
    for c in "bogus".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Backspace);
    update(&mut s, Action::Submit);
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(
        status.text.contains("unknown command `bogu`"),
        "{}",
        status.text
    );
    update(&mut s, Action::CommandOpen);
    update(&mut s, Action::Input('q'));
    let fx = update(&mut s, Action::Submit);
    assert!(s.quit && fx == vec![Effect::Quit]);
}

#[test]
fn keys_while_typing_are_text_not_commands() {
    let mut s = loaded();
    update(&mut s, Action::FilterOpen);
    let before = s.view;
    update(&mut s, Action::Down); // not an input key: ignored while typing
    assert_eq!((s.selected, s.view), (0, before));
    for c in "prd".chars() {
        update(&mut s, Action::Input(c));
    }
    assert_eq!(s.filter, "prd");
    assert_eq!(s.visible_envs(), vec![2]);
    assert_eq!(s.selected, 2, "selection follows the filter");
    update(&mut s, Action::Submit);
    assert_eq!(
        (s.overlay.clone(), s.filter.as_str()),
        (None, "prd"),
        "Enter keeps the filter"
    );
    update(&mut s, Action::Back);
    assert!(s.filter.is_empty(), "Esc clears it");
    update(&mut s, Action::FilterOpen);
    update(&mut s, Action::Input('x'));
    update(&mut s, Action::Back);
    assert!(
        s.filter.is_empty() && s.overlay.is_none(),
        "Esc while typing cancels"
    );
}

#[test]
fn quit_sets_the_flag_and_asks_to_leave() {
    let mut s = loaded();
    assert_eq!(update(&mut s, Action::Quit), vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn summaries_show_deployed_release_lag_and_waiting_approval() {
    let mut s = loaded();
    let r = |v: &str| Release {
        version: Version::parse(v).unwrap(),
        commit: String::new(),
        actor: String::new(),
    };
    let fx = update(&mut s, Action::Tick(T0 + 60_000));
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchReleases { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    update(
        &mut s,
        Action::Reply(Reply::ReleasesLoaded {
            request: req,
            result: Ok(vec![r("1.1.0"), r("1.2.0"), r("1.3.0"), r("1.3.1")]),
        }),
    );
    let prd = s.summary(2).unwrap();
    assert_eq!(prd.deployed.release().unwrap().version.to_string(), "1.1.0");
    assert_eq!(
        prd.behind,
        Some((2, "stg".to_string())),
        "1.2.0 and 1.3.0 are between prd and stg"
    );
    assert_eq!(prd.health.label(), "awaiting approval");
    assert_eq!(prd.approval_since, Some(T0 - 2 * Timestamp::HOUR));
    assert_eq!(s.summary(1).unwrap().behind, Some((0, "dev".to_string())));
    let approvals = s.approvals();
    assert_eq!(approvals.len(), 1);
    assert_eq!(
        approvals[0].release.as_ref().unwrap().version.to_string(),
        "1.3.0"
    );
    assert_eq!(approvals[0].triggered_by.as_deref(), Some("carol"));
}

#[test]
fn a_prompt_stops_growing_at_its_cap() {
    for open in [Action::CommandOpen, Action::FilterOpen] {
        let mut s = loaded();
        update(&mut s, open.clone());
        for _ in 0..shipdeck::app::MAX_INPUT + 100 {
            update(&mut s, Action::Input('x'));
        }
        let Some(Overlay::Command(line) | Overlay::Filter(line)) = &s.overlay else {
            panic!("{open:?}: the prompt is open")
        };
        assert_eq!(
            line.text.chars().count(),
            shipdeck::app::MAX_INPUT,
            "{open:?}"
        );
        update(&mut s, Action::Backspace);
        update(&mut s, Action::Input('y'));
        let Some(Overlay::Command(line) | Overlay::Filter(line)) = &s.overlay else {
            panic!("{open:?}: still open")
        };
        assert!(
            line.text.ends_with('y'),
            "{open:?}: room again after a backspace"
        );
    }
}

#[test]
fn ctrl_u_clears_a_prompt_and_a_command_run_replaces_an_older_message() {
    let mut s = loaded();
    update(&mut s, Action::Show(View::Logs));
    // `:goto` without a time: an error stays in the status bar...
    update(&mut s, Action::CommandOpen);
    for c in "goto".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::Submit);
    let error = s.status.clone().expect("an error about the missing time");
    assert_ne!(error.level, Level::Info, "{error:?}");
    // ...until the next command runs: the bar then speaks of that one (here: nothing to say).
    update(&mut s, Action::CommandOpen);
    for c in "goto 23:59".chars() {
        update(&mut s, Action::Input(c));
    }
    update(&mut s, Action::ClearLine);
    let Some(Overlay::Command(line)) = &s.overlay else {
        panic!("the prompt is open")
    };
    assert_eq!(line.text, "", "ctrl-u clears what was typed");
    update(&mut s, Action::Input('l'));
    update(&mut s, Action::Submit);
    assert_eq!(s.view, View::Logs);
    assert_ne!(s.status.as_ref(), Some(&error), "the old error is gone");
}

/// A key pressed as the console would: through the default keymap, in the mode of the moment.
fn press(s: &mut shipdeck::app::State, code: KeyCode, mods: KeyModifiers) {
    let keymap = Keymap::load(None).unwrap();
    if let Some(action) = keymap.action(KeyMode::of(s), KeyEvent::new(code, mods)) {
        update(s, action);
    }
}

fn keys(s: &mut shipdeck::app::State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

fn prompt_text(s: &shipdeck::app::State) -> String {
    match &s.overlay {
        Some(Overlay::Command(l) | Overlay::Filter(l) | Overlay::Search(l)) => l.text.to_string(),
        other => panic!("no prompt open: {other:?}"),
    }
}

#[test]
fn every_prompt_edits_at_the_cursor() {
    let none = KeyModifiers::NONE;
    // (view, the key that opens the prompt, typed, fixed)
    let cases = [
        (View::Environments, ':', "trafic", "traffic"),
        (View::Environments, '/', "prx", "prdx"),
        (View::Logs, '/', "EROR", "ERROR"),
        (View::Logs, 'f', "EROR", "ERROR"),
        (View::Traffic, 'f', "stats>=500", "status>=500"),
    ];
    for (view, open, typed, fixed) in cases {
        let mut s = loaded();
        update(&mut s, Action::Show(view));
        keys(&mut s, &open.to_string());
        press(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
        keys(&mut s, typed);
        // The missing letter, typed where it belongs: Home, then Right up to it.
        let at = typed
            .chars()
            .zip(fixed.chars())
            .position(|(a, b)| a != b)
            .unwrap();
        press(&mut s, KeyCode::Home, none);
        for _ in 0..at {
            press(&mut s, KeyCode::Right, none);
        }
        let missing = fixed.chars().nth(at).unwrap();
        keys(&mut s, &missing.to_string());
        assert_eq!(prompt_text(&s), fixed, "{view:?} {open}");
        match (view, open) {
            (View::Traffic, _) => {
                assert_eq!(s.traffic.filter_text, fixed);
                assert_eq!(s.traffic.filter_error, None, "the filter applies as fixed");
            }
            (_, '/') if view == View::Logs => assert_eq!(s.logs.search, fixed),
            _ if open != ':' => assert_eq!(s.filter, fixed, "{view:?} {open}"),
            _ => {}
        }
        // ctrl-w takes the word before the cursor, ctrl-u the rest, then Esc closes.
        press(&mut s, KeyCode::End, none);
        press(&mut s, KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert!(prompt_text(&s).len() < fixed.len(), "{view:?} {open}");
        press(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(prompt_text(&s), "", "{view:?} {open}");
        press(&mut s, KeyCode::Esc, none);
        assert_eq!(s.overlay, None);
    }
}

#[test]
fn a_full_prompt_takes_no_character_wherever_the_cursor_is() {
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    for _ in 0..shipdeck::app::MAX_INPUT {
        update(&mut s, Action::Input('x'));
    }
    press(&mut s, KeyCode::Home, KeyModifiers::NONE);
    keys(&mut s, "yz");
    let text = prompt_text(&s);
    assert_eq!(text.chars().count(), shipdeck::app::MAX_INPUT);
    assert!(
        text.starts_with('x'),
        "nothing typed at the start of a full line"
    );
    press(&mut s, KeyCode::Delete, KeyModifiers::NONE);
    keys(&mut s, "y");
    assert!(
        prompt_text(&s).starts_with('y'),
        "room again after a delete"
    );
}

#[test]
fn the_detail_pane_scrolls_within_how_far_it_can() {
    let mut s = loaded();
    // Nothing to scroll at home.
    update(&mut s, Action::ScrollPane(3));
    assert_eq!((s.pane_subject(), s.pane_offset()), (None, 0));
    update(&mut s, Action::Show(View::Approvals));
    let subject = s.pane_subject().expect("the selected approval's detail");
    // Until the terminal loop says how far the pane scrolls, the view holds it at its end.
    update(&mut s, Action::ScrollPane(5));
    assert_eq!(s.pane_offset(), 5);
    update(
        &mut s,
        Action::PaneRows(shipdeck::app::PaneMax {
            subject: subject.clone(),
            rows: 2,
            size: (78, 7),
        }),
    );
    assert_eq!(s.pane_offset(), 2, "held within its end");
    update(&mut s, Action::ScrollPane(3));
    assert_eq!(s.pane_offset(), 2);
    update(&mut s, Action::ScrollPane(-1));
    assert_eq!(s.pane_offset(), 1);
    update(&mut s, Action::ScrollPane(-5));
    assert_eq!(s.pane_offset(), 0);
    // How far another subject's pane scrolls does not hold this one.
    update(
        &mut s,
        Action::PaneRows(shipdeck::app::PaneMax {
            subject: "another".into(),
            rows: 0,
            size: (78, 7),
        }),
    );
    update(&mut s, Action::ScrollPane(1));
    assert_eq!(s.pane_offset(), 1);
}

#[test]
fn the_audit_log_read_lands_while_the_filter_is_typed() {
    let mut s = loaded();
    let fx = update(&mut s, Action::Show(View::Audit));
    assert!(fx.iter().any(|e| matches!(e, Effect::ReadAudit { .. })));
    assert!(s.ops.audit.loading);
    update(&mut s, Action::FilterOpen);
    update(
        &mut s,
        Action::Reply(Reply::AuditLoaded(Err("permission denied".into()))),
    );
    assert!(!s.ops.audit.loading, "the read is over");
    assert_eq!(s.ops.audit.error.as_deref(), Some("permission denied"));
    assert!(
        matches!(s.overlay, Some(Overlay::Filter(_))),
        "the filter stays open"
    );
}
