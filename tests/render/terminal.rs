//! Terminal safety: the console run in a pseudo-terminal leaves raw mode and the alternate
//! screen behind it when it quits, when it is sent SIGTERM or SIGHUP, and when it panics or
//! fails (a debug build's `SHIPDECK_CRASH` hook turns its quit into a panic or an error); and
//! the desktop notifications it writes there, only once its window lost the focus.

use serde_json::Value;
use std::process::Command;

fn run(how: &str) -> Value {
    run_with(how, &[])
}

/// The harness with `vars` (`HARNESS_*`) set.
fn run_with(how: &str, vars: &[(&str, &str)]) -> Value {
    let harness = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty/harness.py");
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let tag = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let state =
        std::env::temp_dir().join(format!("shipdeck-pty-{how}{tag}-{}", std::process::id()));
    let out = Command::new("python3")
        .args([harness, env!("CARGO_BIN_EXE_shipdeck"), how])
        .env("HARNESS_STATE", &state)
        .envs(vars.iter().copied())
        .output()
        .expect("python3 runs the pty harness");
    assert!(
        out.status.success(),
        "harness failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&state);
    serde_json::from_slice(&out.stdout).expect("harness prints JSON")
}

fn assert_restored(how: &str, expected_code: i64) -> Value {
    let v = run(how);
    assert_eq!(
        v["drawn"], true,
        "{how}: the console drew its first frame: {v}"
    );
    assert_eq!(
        v["raw_while_running"], true,
        "{how}: raw mode while running: {v}"
    );
    assert_eq!(v["entered_alt_screen"], true, "{how}: {v}");
    assert_eq!(v["exited"], true, "{how}: the process ended: {v}");
    assert_eq!(v["exit_code"], expected_code, "{how}: {v}");
    assert_eq!(
        v["left_alt_screen"], true,
        "{how}: alternate screen left: {v}"
    );
    assert_eq!(v["echo_restored"], true, "{how}: echo back on: {v}");
    assert_eq!(
        v["canonical_restored"], true,
        "{how}: line mode back on: {v}"
    );
    assert_eq!(
        v["lflag_same_as_before"], true,
        "{how}: terminal modes as before: {v}"
    );
    v
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    let v = assert_restored("panic", 101);
    let after = v["message_after_leaving"].as_str().unwrap_or_default();
    assert!(
        after.contains("crash test: a panic while the console runs"),
        "the panic message is printed on the restored screen: {v}"
    );
}

#[test]
fn an_error_restores_the_terminal_and_exits_1() {
    let v = assert_restored("error", 1);
    let after = v["message_after_leaving"].as_str().unwrap_or_default();
    assert!(
        after.contains("shipdeck: crash test: an error while the console runs"),
        "the error is printed on the restored screen: {v}"
    );
}

#[test]
fn quitting_restores_the_terminal() {
    assert_restored("quit", 0);
}

#[test]
fn sigterm_restores_the_terminal() {
    assert_restored("sigterm", 0);
}

#[test]
fn sighup_restores_the_terminal() {
    assert_restored("sighup", 0);
}

/// The demo at a high speed in a pseudo-terminal that says it is `terminal`: while its window
/// has the focus, the approval waiting at the start shows on screen and no notification is
/// written; once the focus is lost, the next event comes as an OSC 9 (the sequence `terminal`
/// shows), and the console still quits cleanly.
fn notified(terminal: &[(&str, &str)]) -> String {
    let env = serde_json::to_string(
        &terminal
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<std::collections::BTreeMap<_, _>>(),
    )
    .unwrap();
    let v = run_with(
        "notify",
        &[
            ("HARNESS_ARGS", r#"["--demo", "--speed", "20000"]"#),
            ("HARNESS_WAIT", "waits for approval"),
            ("HARNESS_ENV", &env),
        ],
    );
    assert_eq!(v["drawn"], true, "the waiting approval was shown: {v}");
    assert_eq!(
        v["osc_while_focused"], false,
        "nothing notified while focused: {v}"
    );
    assert_eq!(v["exit_code"], 0, "{v}");
    assert_eq!(v["left_alt_screen"], true, "{v}");
    v["notified"]
        .as_str()
        .unwrap_or_else(|| panic!("a notification once the focus was lost: {v}"))
        .to_string()
}

#[test]
fn wezterm_gets_an_osc_9_notification_only_once_unfocused() {
    let osc = notified(&[("TERM_PROGRAM", "WezTerm")]);
    assert!(osc.starts_with("\x1b]9;shipdeck"), "{osc:?}");
    assert!(osc.ends_with('\x07'), "{osc:?}");
}

#[test]
fn inside_tmux_the_notification_goes_through_its_passthrough() {
    let osc = notified(&[
        ("TERM_PROGRAM", "WezTerm"),
        ("TMUX", "/tmp/tmux-1000/default,4242,0"),
    ]);
    assert!(
        osc.starts_with("\x1bPtmux;\x1b\x1b]9;shipdeck"),
        "ESC P tmux; then the OSC with its ESC doubled: {osc:?}"
    );
    assert!(osc.ends_with("\x07\x1b\\"), "ended by ESC \\: {osc:?}");
}
