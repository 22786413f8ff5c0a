//! Helpers for the tests that run the mutating commands as a process: a private state dir, the
//! binary against it, and the audit lines it wrote.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A private state dir (audit log) per test.
pub fn state_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shipdeck-cli-ops-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

pub fn shipdeck(state: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(args)
        .env_remove("SHIPDECK_CONFIG")
        .env("XDG_STATE_HOME", state)
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The lines of the demo's audit file (these tests run `--demo`).
pub fn audit_lines(state: &Path) -> Vec<Value> {
    let path = state.join("shipdeck").join("demo-audit.jsonl");
    match std::fs::read_to_string(path) {
        Ok(t) => t
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}
