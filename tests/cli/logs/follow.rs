//! `--follow` against the simulator: files delivered later are read, never a record twice, and
//! the statistics line comes when its numbers change.

use super::*;

/// `shipdeck logs cloudfront prd --demo --follow` with `args`, and its output lines as they come
/// (read on a thread, so a test can wait for them with a timeout).
fn follow(args: &[&str]) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shipdeck"))
        .args(["logs", "cloudfront", "prd", "--demo", "--follow"])
        .args(args)
        .env_remove("SHIPDECK_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    (child, lines)
}

/// How long a followed run may stay silent before the test gives up: a guard against a hang,
/// not a measure of speed (generous, since the tests share the machine with builds).
const SILENCE: std::time::Duration = std::time::Duration::from_secs(300);

/// The next line of a followed run, or `None` after [`SILENCE`] without one.
fn next_line(lines: &std::sync::mpsc::Receiver<String>) -> Option<String> {
    lines.recv_timeout(SILENCE).ok()
}

#[test]
fn follow_reads_files_delivered_later_and_never_a_record_twice() {
    let (mut child, lines) = follow(&["--speed", "3000", "--since", "10m", "--output", "jsonl"]);
    let started = std::time::Instant::now();
    let mut ids = std::collections::HashSet::new();
    let mut newest = String::new();
    // Simulated time runs 3000× wall time: half an hour later is a fraction of a second away.
    // Read until a record from 09:20 on shows up (a file delivered after the start).
    while let Some(line) = next_line(&lines) {
        let v: Value = serde_json::from_str(&line).unwrap();
        let id = v["x-edge-request-id"].as_str().unwrap().to_string();
        assert!(ids.insert(id), "a record was printed twice");
        newest = newest.max(v["timestamp"].as_str().unwrap().to_string());
        if newest.as_str() >= "2026-11-25T09:20:00Z" || started.elapsed() > SILENCE {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(newest.as_str() >= "2026-11-25T09:20:00Z", "newest {newest}");
    assert!(ids.len() > 100);
}

#[test]
fn follow_with_stats_prints_a_line_when_records_arrive() {
    let (mut child, lines) = follow(&[
        "--stats", "--speed", "1000", "--since", "10m", "-o", "jsonl",
    ]);
    // At 1000× the planner polls several times between two deliveries of files: each line
    // printed must differ from the one before (until [`SILENCE`], should lines stop coming).
    let mut got: Vec<String> = Vec::new();
    while got.len() < 5 {
        match next_line(&lines) {
            Some(line) => got.push(line),
            None => break,
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(got.len(), 5, "{got:?}");
    for pair in got.windows(2) {
        assert_ne!(pair[0], pair[1], "a line repeated");
    }
    let first: Value = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(first["window"], "5m");
}
