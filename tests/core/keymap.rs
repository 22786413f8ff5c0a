//! The keymap: defaults, overrides, and start-up errors for bad or conflicting bindings.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shipdeck::app::{Action, View};
use shipdeck::tui::keymap::{DEFAULT_KEYMAP, KeyMode, Keymap, KeymapError};

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

#[test]
fn default_keymap_binds_the_documented_keys() {
    let k = Keymap::load(None).unwrap();
    let none = KeyModifiers::NONE;
    assert_eq!(
        k.action(KeyMode::Normal, key(KeyCode::Char('q'), none)),
        Some(Action::Quit)
    );
    assert_eq!(
        k.action(
            KeyMode::Normal,
            key(KeyCode::Char('c'), KeyModifiers::CONTROL)
        ),
        Some(Action::Quit)
    );
    assert_eq!(
        k.action(
            KeyMode::Normal,
            key(KeyCode::Char('G'), KeyModifiers::SHIFT)
        ),
        Some(Action::Bottom)
    );
    assert_eq!(
        k.action(KeyMode::Normal, key(KeyCode::Char('3'), none)),
        Some(Action::Show(View::Approvals))
    );
    assert_eq!(
        k.action(KeyMode::Normal, key(KeyCode::F(1), none)),
        Some(Action::ToggleHelp)
    );
    assert_eq!(
        k.action(KeyMode::Normal, key(KeyCode::Char('z'), none)),
        None
    );
    // While typing, characters are text, even those bound in the views.
    assert_eq!(
        k.action(KeyMode::Input, key(KeyCode::Char('q'), none)),
        Some(Action::Input('q'))
    );
    assert_eq!(
        k.action(KeyMode::Input, key(KeyCode::Enter, none)),
        Some(Action::Submit)
    );
    assert_eq!(
        k.action(KeyMode::Input, key(KeyCode::Esc, none)),
        Some(Action::Back)
    );
    // Every binding has a description for the help screen.
    assert!(k.bindings().iter().all(|b| !b.desc.is_empty()));
    assert_eq!(
        k.bindings().first().map(|b| b.action.as_str()),
        Some("help"),
        "help lists in a useful order"
    );
    assert!(DEFAULT_KEYMAP.contains("[normal]"));
}

#[test]
fn an_override_file_replaces_the_keys_of_its_actions_only() {
    let dir = std::env::temp_dir().join(format!("shipdeck-keymap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("keymap.toml");
    std::fs::write(
        &path,
        "[normal]\nquit = { keys = [\"x\"], desc = \"Leave\" }\n",
    )
    .unwrap();
    let k = Keymap::load(Some(&path)).unwrap();
    let none = KeyModifiers::NONE;
    assert_eq!(
        k.action(KeyMode::Normal, key(KeyCode::Char('x'), none)),
        Some(Action::Quit)
    );
    assert_eq!(
        k.action(KeyMode::Normal, key(KeyCode::Char('q'), none)),
        None
    );
    assert_eq!(
        k.action(KeyMode::Normal, key(KeyCode::Char('r'), none)),
        Some(Action::Refresh),
        "others keep defaults"
    );
    std::fs::write(&path, "[normal]\nquit = { keys = [\"r\"] }\n").unwrap();
    let err = Keymap::load(Some(&path)).unwrap_err();
    assert!(matches!(err, KeymapError::Conflict { .. }), "{err}");
    // The message points at the user's file first, then at the default it clashes with.
    let text = err.to_string();
    let want = format!(
        "{}:2:18: [normal] key `r` is bound to both `quit` and `refresh` (the other at assets/keymap.toml:",
        path.display()
    );
    assert!(text.starts_with(&want), "{text}");
    let missing = dir.join("nope.toml");
    let err = Keymap::load(Some(&missing)).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}: cannot read keymap", missing.display())),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_keymaps_are_errors_that_say_what_is_wrong() {
    let cases: &[(&str, &str)] = &[
        (
            "[normal]\nlaunch = { keys = [\"x\"] }\n",
            "k.toml:2:1: [normal] unknown action `launch`; expected one of help, command,",
        ),
        (
            "[normal]\nquit = { keys = [\"ctrl-\"] }\n",
            "k.toml:2:18: [normal] quit: unknown key `ctrl-`",
        ),
        (
            "[normal]\nquit = { keys = [\"f13\"] }\n",
            "k.toml:2:18: [normal] quit: unknown key `f13`",
        ),
        (
            "[normal]\nquit = { keys = [\"q\"] }\nrefresh = { keys = [\"q\"] }\n",
            "k.toml:3:21: [normal] key `q` is bound to both `quit` and `refresh` (the other at k.toml:2:18)",
        ),
        (
            "[visual]\nquit = { keys = [\"q\"] }\n",
            "k.toml:1:2: unknown section [visual]; expected [normal], [logs], [dialog] or [input]",
        ),
        (
            "[normal]\nquit = { keys = [\"q\"], color = 1 }\n",
            "k.toml: invalid keymap: line 2, column",
        ),
        ("[normal\n", "k.toml: invalid keymap: line 1, column 8"),
        (
            "[logs]\nfollow = { keys = [\"f\"] }\nsearch = { keys = [\"f\"] }\n",
            "k.toml:3:20: [logs] key `f` is bound to both `follow` and `search` (the other at k.toml:2:20)",
        ),
        (
            "[logs]\nzoom = { keys = [\"z\"] }\n",
            "k.toml:2:1: [logs] unknown action `zoom`",
        ),
    ];
    for (text, expected) in cases {
        let err = Keymap::from_toml(text, "k.toml").unwrap_err().to_string();
        assert!(
            err.starts_with(expected),
            "for {text:?}\n got: {err}\nwant: {expected}"
        );
    }
}

#[test]
fn the_log_views_have_their_own_keys_before_the_normal_ones() {
    use shipdeck::app::Overlay;
    let k = Keymap::load(None).unwrap();
    let none = KeyModifiers::NONE;
    let press = |mode, c: char| k.action(mode, key(KeyCode::Char(c), none));
    // `n`/`N` change the environment in the views, and search in the log views.
    assert_eq!(press(KeyMode::Normal, 'n'), Some(Action::NextEnv));
    assert_eq!(press(KeyMode::Logs, 'n'), Some(Action::SearchNext));
    assert_eq!(press(KeyMode::Logs, 'N'), Some(Action::SearchPrev));
    assert_eq!(press(KeyMode::Normal, '/'), Some(Action::FilterOpen));
    assert_eq!(press(KeyMode::Logs, '/'), Some(Action::SearchOpen));
    assert_eq!(press(KeyMode::Logs, 'f'), Some(Action::FilterOpen));
    assert_eq!(press(KeyMode::Logs, 't'), Some(Action::NextPreset));
    assert_eq!(press(KeyMode::Logs, 'x'), Some(Action::ExportPrompt));
    assert_eq!(press(KeyMode::Logs, 'd'), Some(Action::ToggleDetail));
    assert_eq!(
        k.action(KeyMode::Logs, key(KeyCode::Char(' '), none)),
        Some(Action::ToggleFollow)
    );
    assert_eq!(
        k.action(KeyMode::Logs, key(KeyCode::Enter, none)),
        Some(Action::ToggleDetail)
    );
    // Keys the log views do not bind fall through to the views' keys.
    assert_eq!(press(KeyMode::Logs, 'q'), Some(Action::Quit));
    assert_eq!(press(KeyMode::Logs, ']'), Some(Action::NextEnv));
    assert_eq!(
        press(KeyMode::Normal, '5'),
        Some(Action::Show(View::Traffic))
    );
    assert_eq!(press(KeyMode::Normal, 'b'), Some(Action::BuildLog));
    // Which bindings apply follows the view and the prompt.
    let mut state = shipdeck::app::State::new(
        shipdeck::app::Session {
            mode: shipdeck::app::Mode::Demo,
            profile: None,
            region: None,
            identity: None,
            read_only: false,
        },
        Vec::new(),
        shipdeck::app::PollPolicy::default(),
        shipdeck::domain::Timestamp(0),
    );
    assert_eq!(KeyMode::of(&state), KeyMode::Normal);
    state.view = View::Traffic;
    assert_eq!(KeyMode::of(&state), KeyMode::Logs);
    state.view = View::Logs;
    assert_eq!(KeyMode::of(&state), KeyMode::Logs);
    state.overlay = Some(Overlay::Search(Default::default()));
    assert_eq!(KeyMode::of(&state), KeyMode::Input);
    state.overlay = Some(Overlay::Help);
    assert_eq!(KeyMode::of(&state), KeyMode::Normal);
    // The help lists the log views' keys, and the footer of the Traffic view shows them.
    let hints = shipdeck::tui::hints::hints(&k);
    assert!(
        hints
            .help
            .iter()
            .any(|h| h.action == "search_next" && h.keys == "n" && h.context == "log views")
    );
    state.overlay = None;
    state.view = View::Traffic;
    let traffic = hints.footer(&state);
    assert!(
        traffic
            .iter()
            .any(|(k, l)| k == "space" && l == "follow/pause")
    );
    assert!(traffic.iter().any(|(k, l)| k == "f" && l == "filter"));
}

#[test]
fn a_mutating_key_in_a_read_only_session_is_refused_and_audited_as_its_command_is() {
    use shipdeck::app::{Level, Mode, PollPolicy, Session, State, update};
    use shipdeck::ops::OpKind;
    let ro = Keymap::load(None).unwrap().for_session(true);
    let pressed = ro
        .action(
            KeyMode::Normal,
            key(KeyCode::Char('A'), KeyModifiers::SHIFT),
        )
        .expect("the key is not silently dropped");
    assert_eq!(pressed, Action::Op(OpKind::Approve));
    let session = Session {
        mode: Mode::Demo,
        profile: None,
        region: None,
        identity: None,
        read_only: true,
    };
    let mut state = State::new(
        session,
        shipdeck::cloud::sim::demo_specs(),
        PollPolicy::default(),
        shipdeck::domain::Timestamp(0),
    );
    let effects = update(&mut state, pressed);
    // Refused as `:approve` is: audited, nothing sent.
    let audited: Vec<_> = (effects.iter())
        .filter_map(|e| match e {
            shipdeck::app::Effect::Audit { entry, .. } => Some(&entry.0),
            _ => None,
        })
        .collect();
    assert_eq!(effects.len(), 1, "{effects:?}");
    assert_eq!(
        (audited[0].action.as_str(), audited[0].outcome.as_str()),
        ("approve", "refused")
    );
    assert_eq!(audited[0].guard.as_deref(), Some("read-only"));
    assert!(state.ops.dialog.is_none());
    let status = state.status.expect("the status bar says why");
    assert_eq!(status.level, Level::Error);
    assert!(
        status.text.starts_with("approve dev: refused")
            && status
                .text
                .contains("read-only (--read-only or read_only = true)"),
        "{}",
        status.text
    );
}

#[test]
fn text_fields_edit_at_the_cursor_in_prompts_and_dialogs() {
    use shipdeck::app::Edit;
    let k = Keymap::load(None).unwrap();
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let cases = [
        (KeyCode::Left, none, Action::Edit(Edit::Left)),
        (KeyCode::Right, none, Action::Edit(Edit::Right)),
        (KeyCode::Home, none, Action::Edit(Edit::Home)),
        (KeyCode::End, none, Action::Edit(Edit::End)),
        (KeyCode::Char('a'), ctrl, Action::Edit(Edit::Home)),
        (KeyCode::Char('e'), ctrl, Action::Edit(Edit::End)),
        (KeyCode::Left, ctrl, Action::Edit(Edit::WordLeft)),
        (KeyCode::Right, ctrl, Action::Edit(Edit::WordRight)),
        (KeyCode::Delete, none, Action::Edit(Edit::Delete)),
        (KeyCode::Char('w'), ctrl, Action::Edit(Edit::DeleteWord)),
        (KeyCode::Char('u'), ctrl, Action::ClearLine),
        (KeyCode::Backspace, none, Action::Backspace),
    ];
    for mode in [KeyMode::Input, KeyMode::Dialog] {
        for (code, mods, want) in &cases {
            assert_eq!(
                k.action(mode, key(*code, *mods)),
                Some(want.clone()),
                "{mode:?} {code:?} {mods:?}"
            );
        }
        // Characters bound in the views are text here.
        for c in ['q', 'j', 'k', '1', '5', 'A', ']'] {
            assert_eq!(
                k.action(mode, key(KeyCode::Char(c), none)),
                Some(Action::Input(c))
            );
        }
    }
    // The dialog's plan scrolls with the page keys.
    assert_eq!(
        k.action(KeyMode::Dialog, key(KeyCode::PageDown, none)),
        Some(Action::PageDown)
    );
    assert_eq!(
        k.action(KeyMode::Dialog, key(KeyCode::PageUp, none)),
        Some(Action::PageUp)
    );
    // `?` lists them, with what they do, in both places.
    let help = shipdeck::tui::hints::hints(&k).help;
    for (context, action) in [
        ("typing", "cursor_left"),
        ("typing", "delete_word"),
        ("typing", "clear_line"),
        ("dialog", "cursor_left"),
        ("dialog", "line_end"),
        ("dialog", "clear_line"),
        ("dialog", "page_down"),
    ] {
        let entry = help
            .iter()
            .find(|e| e.context == context && e.action == action)
            .unwrap_or_else(|| panic!("{context} {action} not in the help"));
        assert!(
            !entry.desc.is_empty() && !entry.keys.is_empty(),
            "{entry:?}"
        );
    }
}

#[test]
fn an_editing_key_bound_over_another_is_an_error_at_start_up() {
    let text = format!("{DEFAULT_KEYMAP}\n");
    // A user's file binding the cursor to the dialog's Tab.
    let mine = text.replace(
        r#"cursor_left  = { keys = ["left", "ctrl-b"], desc = "Cursor one character left" }
cursor_right"#,
        r#"cursor_left  = { keys = ["tab"], desc = "Cursor one character left" }
cursor_right"#,
    );
    assert_ne!(mine, text, "the default keymap binds cursor_left");
    let err = Keymap::from_toml(&mine, "keys.toml").unwrap_err();
    let KeymapError::Conflict(c) = &err else {
        panic!("{err}")
    };
    assert_eq!(c.key, "tab", "{err}");
    assert!(
        [c.first.as_str(), c.second.as_str()].contains(&"cursor_left"),
        "{err}"
    );
    // An override file rebinding it elsewhere loads, and the new key moves the cursor.
    let dir = std::env::temp_dir().join(format!("shipdeck-keymap-edit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("keymap.toml");
    std::fs::write(
        &path,
        "[dialog]\ncursor_left = { keys = [\"alt-h\"], desc = \"Left\" }\n",
    )
    .unwrap();
    let k = Keymap::load(Some(&path)).unwrap();
    assert_eq!(
        k.action(KeyMode::Dialog, key(KeyCode::Char('h'), KeyModifiers::ALT)),
        Some(Action::Edit(shipdeck::app::Edit::Left))
    );
    assert_eq!(
        k.action(KeyMode::Dialog, key(KeyCode::Left, KeyModifiers::NONE)),
        None
    );
    std::fs::remove_dir_all(&dir).ok();
}
