//! Terminal safety: the console run in a pseudo-terminal leaves raw mode and the alternate
//! screen behind it when it quits, when it is sent SIGTERM or SIGHUP, and when it panics or
//! fails (a debug build's `SHIPDECK_CRASH` hook turns its quit into a panic or an error).

use serde_json::Value;
use std::process::Command;

fn run(how: &str) -> Value {
    let harness = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty/harness.py");
    let state = std::env::temp_dir().join(format!("shipdeck-pty-{how}-{}", std::process::id()));
    let out = Command::new("python3")
        .args([harness, env!("CARGO_BIN_EXE_shipdeck"), how])
        .env("HARNESS_STATE", &state)
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
