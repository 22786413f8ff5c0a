//! The confirmation questions on a terminal: a pseudo-terminal on stdin (driven by python3's
//! `pty`), the typed environment name of a protected environment and yes/no elsewhere.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A private state dir (audit log) per test.
fn state_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-tty-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The lines of the demo's audit file (these tests run `--demo`).
fn audit_lines(state: &Path) -> Vec<Value> {
    let path = state.join("shipdeck").join("demo-audit.jsonl");
    match std::fs::read_to_string(path) {
        Ok(t) => t
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Runs shipdeck with a pseudo-terminal on stdin, typing `answer` at the prompt.
fn on_terminal(state: &Path, args: &[&str], answer: &str) -> (i64, String, String) {
    const DRIVER: &str = r#"
import json, os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(slave)
os.write(master, sys.argv[1].encode() + b"\n")
out, err = p.communicate(timeout=60)
print(json.dumps({"code": p.returncode, "out": out.decode(), "err": err.decode()}))
"#;
    let out = Command::new("python3")
        .args(["-c", DRIVER, answer, env!("CARGO_BIN_EXE_shipdeck")])
        .args(args)
        .env_remove("SHIPDECK_CONFIG")
        .env("XDG_STATE_HOME", state)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
        .output()
        .expect("python3 drives the pseudo-terminal");
    assert!(out.status.success(), "driver: {}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    (v["code"].as_i64().unwrap_or(-1), s("out"), s("err"))
}

#[test]
fn on_a_terminal_a_protected_environment_wants_its_name_typed() {
    let state = state_dir("tty");
    let approve = ["--demo", "approve", "prd", "--comment", "ok"];
    let (code, _, err) = on_terminal(&state, &approve, "prod");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Type `prd` to confirm: "), "{err}");
    assert!(err.contains("not confirmed; nothing was sent"), "{err}");
    let (code, out, err) = on_terminal(&state, &approve, "prd");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("done: approved execution"), "{out}");
    let (code, _, err) = on_terminal(&state, &["--demo", "deploy", "dev"], "n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Proceed? [y/N] "), "{err}");
    let (code, out, _) = on_terminal(&state, &["--demo", "deploy", "dev"], "y");
    assert_eq!(code, 0);
    assert!(out.contains("done: started execution"), "{out}");
    let outcomes: Vec<String> = audit_lines(&state)
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["action"].as_str().unwrap(),
                l["outcome"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            "approve declined",
            "approve done",
            "deploy declined",
            "deploy done"
        ]
    );
}
