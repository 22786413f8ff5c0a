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
            "k.toml: [normal] unknown action `launch`; expected one of help, command,",
        ),
        (
            "[normal]\nquit = { keys = [\"ctrl-\"] }\n",
            "k.toml: [normal] quit: unknown key `ctrl-`",
        ),
        (
            "[normal]\nquit = { keys = [\"f13\"] }\n",
            "k.toml: [normal] quit: unknown key `f13`",
        ),
        (
            "[normal]\nquit = { keys = [\"q\"] }\nrefresh = { keys = [\"q\"] }\n",
            "[normal] key `q` is bound to both `quit` and `refresh`",
        ),
        (
            "[visual]\nquit = { keys = [\"q\"] }\n",
            "k.toml: unknown section [visual]; expected [normal], [input] or [dialog]",
        ),
        (
            "[normal]\nquit = { keys = [\"q\"], color = 1 }\n",
            "k.toml: invalid keymap: line 2, column",
        ),
        ("[normal\n", "k.toml: invalid keymap: line 1, column 8"),
    ];
    for (text, expected) in cases {
        let err = Keymap::from_toml(text, "k.toml").unwrap_err().to_string();
        assert!(
            err.starts_with(expected),
            "for {text:?}\n got: {err}\nwant: {expected}"
        );
    }
}
