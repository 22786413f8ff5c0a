//! The dialog's text fields edit at a cursor, through the keymap's `[dialog]` keys: a path fixed
//! in the middle, ctrl-w and ctrl-u, Unicode by character, characters that are keys elsewhere
//! typed, and an edit re-plans as the operator's (the target it makes is pinned, no "changed").

use super::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use shipdeck::app::State;
use shipdeck::tui::keymap::{KeyMode, Keymap};

/// A key pressed as the console would: through the default keymap, in the mode of the moment.
fn press(s: &mut State, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    let keymap = Keymap::load(None).unwrap();
    match keymap.action(KeyMode::of(s), KeyEvent::new(code, mods)) {
        Some(action) => update(s, action),
        None => Vec::new(),
    }
}

fn key(s: &mut State, code: KeyCode) {
    press(s, code, KeyModifiers::NONE);
}

fn ctrl(s: &mut State, c: char) {
    press(s, KeyCode::Char(c), KeyModifiers::CONTROL);
}

fn type_keys(s: &mut State, text: &str) {
    for c in text.chars() {
        key(s, KeyCode::Char(c));
    }
}

fn text(s: &State) -> String {
    s.ops.dialog.as_ref().expect("the dialog").text.to_string()
}

/// The operator's own edits leave no "target changed" behind, and the target shown is pinned.
fn pinned_as_planned(s: &State) {
    let d = s.ops.dialog.as_ref().expect("the dialog");
    assert_eq!(d.changed, None, "an edit is the operator's: {}", status(s));
    assert_eq!(
        d.pinned.as_ref(),
        d.target(),
        "the target the edit made is pinned"
    );
}

#[test]
fn a_path_is_fixed_in_the_middle_with_the_cursor_keys() {
    let mut s = open("dev", OpKind::Invalidate);
    type_keys(&mut s, "/index.html /asets/*");
    for _ in 0.."ets/*".len() {
        key(&mut s, KeyCode::Left);
    }
    type_keys(&mut s, "s");
    assert_eq!(text(&s), "/index.html /assets/*");
    pinned_as_planned(&s);
    let plan = s
        .ops
        .dialog
        .as_ref()
        .unwrap()
        .planned
        .clone()
        .expect("planned");
    assert!(
        plan.aws_command.contains(r#""/assets/*""#),
        "the plan follows the fixed path: {}",
        plan.aws_command
    );
    // Home, Delete: the leading slash goes; End, ctrl-w: the last word.
    key(&mut s, KeyCode::Home);
    key(&mut s, KeyCode::Delete);
    assert_eq!(text(&s), "index.html /assets/*");
    key(&mut s, KeyCode::End);
    ctrl(&mut s, 'w');
    assert_eq!(text(&s), "index.html /");
    pinned_as_planned(&s);
    ctrl(&mut s, 'u');
    assert_eq!(text(&s), "", "ctrl-u clears the field");
    assert!(s.ops.dialog.is_some(), "the dialog stays open");
}

#[test]
fn the_typed_confirmation_edits_like_any_field() {
    let mut s = open("prd", OpKind::Approve);
    key(&mut s, KeyCode::Tab);
    type_keys(&mut s, "pd");
    key(&mut s, KeyCode::Left);
    type_keys(&mut s, "r");
    let d = s.ops.dialog.as_ref().unwrap();
    assert_eq!(d.typed, "prd");
    assert!(d.ready(), "the name typed in the middle confirms");
    ctrl(&mut s, 'u');
    let d = s.ops.dialog.as_ref().unwrap();
    assert_eq!(d.typed, "");
    assert!(!d.ready());
    assert_eq!(
        applies(&press(&mut s, KeyCode::Enter, KeyModifiers::NONE)),
        0
    );
}

#[test]
fn keys_of_the_views_are_typed_in_a_field() {
    let mut s = open("prd", OpKind::Reject);
    let view = s.view;
    type_keys(&mut s, "q jk 123 ]N?:/");
    assert_eq!(text(&s), "q jk 123 ]N?:/");
    assert!(!s.quit, "q is typed, not quit");
    assert_eq!(
        (s.view, s.envs[s.selected].spec.name.as_str()),
        (view, "prd")
    );
}

#[test]
fn unicode_is_edited_by_character() {
    let mut s = open("prd", OpKind::Reject);
    type_keys(&mut s, "café 日本 👍🏽 ok");
    for _ in 0.." ok".chars().count() {
        key(&mut s, KeyCode::Left);
    }
    key(&mut s, KeyCode::Backspace); // the thumb and its skin tone, one character
    assert_eq!(text(&s), "café 日本  ok");
    key(&mut s, KeyCode::Left);
    key(&mut s, KeyCode::Backspace);
    assert_eq!(text(&s), "café 日  ok");
    key(&mut s, KeyCode::Home);
    for _ in 0..3 {
        key(&mut s, KeyCode::Right);
    }
    key(&mut s, KeyCode::Delete);
    assert_eq!(text(&s), "caf 日  ok", "é is one character");
    pinned_as_planned(&s);
}

#[test]
fn a_cursor_move_alone_changes_no_plan() {
    let mut s = open("dev", OpKind::Invalidate);
    type_keys(&mut s, "/a /b");
    let before = s.ops.dialog.clone().unwrap();
    key(&mut s, KeyCode::Home);
    key(&mut s, KeyCode::Right);
    let after = s.ops.dialog.clone().unwrap();
    assert_eq!(after.planned, before.planned);
    assert_eq!(after.pinned, before.pinned);
    assert_ne!(after.text, before.text, "only the cursor moved");
    assert_eq!(after.text.to_string(), before.text.to_string());
}
