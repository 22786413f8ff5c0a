//! Terminal safety: the console run in a pseudo-terminal leaves raw mode and the alternate
//! screen behind it when it quits and when it is sent SIGTERM or SIGHUP.

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

fn assert_restored(how: &str, expected_code: i64) {
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
