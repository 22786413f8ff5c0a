//! `shipdeck watch` as a process against the simulator: JSON lines that parse, starting with
//! what already waits; events as the demo runs fast; `--exec` with the event on stdin; Ctrl-C.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shipdeck"));
    c.args(args)
        .env_remove("SHIPDECK_CONFIG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("shipdeck-cli-test-none"),
        )
        .current_dir(std::env::temp_dir());
    c
}

fn run(args: &[&str]) -> Output {
    command(args).output().unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shipdeck-watch-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The keys every event has, in order, with the ids after them.
fn assert_event(v: &Value) {
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys[..4], ["event", "environment", "at", "summary"], "{v}");
    let at = v["at"].as_str().unwrap();
    assert!(at.ends_with('Z') && at.len() == 20, "RFC 3339: {at}");
    assert!(v["pipeline"].is_string(), "{v}");
}

#[test]
fn once_reports_the_approval_already_waiting_as_json_lines() {
    let out = run(&[
        "--demo",
        "--system",
        "storefront",
        "watch",
        "--once",
        "--output",
        "jsonl",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = lines(&out);
    // The demo starts with prd waiting for approval; the failures before the start are history.
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_event(e);
    assert_eq!(e["event"], "approval_pending");
    assert_eq!(e["environment"], "prd");
    assert_eq!(e["stage"], "Approval");
    assert!(e["execution_id"].as_str().unwrap().len() > 8);
    assert!(e["expires_at"].as_str().is_some());
    // --env keeps one environment's events.
    let none = run(&["--demo", "watch", "--once", "-o", "jsonl", "--env", "dev"]);
    assert!(none.status.success());
    assert!(lines(&none).is_empty());
    let bad = run(&["--demo", "watch", "--env", "qa"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown environment `qa`"));
}

#[test]
fn at_a_high_demo_speed_events_stream_until_ctrl_c_ends_it_cleanly() {
    let mut child = command(&["--demo", "--speed", "20000", "watch", "-o", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut seen: Vec<Value> = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        assert_event(&v);
        seen.push(v);
        // A failed deploy after the start: the demo moved on and was followed.
        if seen.iter().any(|e| e["event"] == "deploy_failed") {
            break;
        }
    }
    assert_eq!(
        seen[0]["event"], "approval_pending",
        "what waits comes first"
    );
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "Ctrl-C ends watch with exit 0");
}

#[test]
fn exec_gets_each_event_as_json_on_stdin_without_a_shell_unless_asked() {
    let dir = scratch("exec");
    let file = dir.join("events.jsonl");
    let _ = std::fs::remove_file(&file);
    // One system (backoffice has an approval waiting too), so one event at the start.
    // No shell: the words are the program and its arguments (`>>` would be an argument).
    let tee = format!("tee -a '{}'", file.display());
    let out = run(&[
        "--demo",
        "--system",
        "storefront",
        "watch",
        "--once",
        "-o",
        "jsonl",
        "--exec",
        &tee,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&file).unwrap();
    let got: Vec<Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["event"], "approval_pending");
    // With --shell: a pipeline, and the event's kind in the environment.
    let script = format!(
        "cat > /dev/null; echo \"$SHIPDECK_EVENT $SHIPDECK_ENVIRONMENT\" >> '{}'",
        file.display()
    );
    let out = run(&[
        "--demo",
        "--system",
        "storefront",
        "watch",
        "--once",
        "--shell",
        "--exec",
        &script,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written.lines().last(), Some("approval_pending prd"));
    // A command that takes too long is killed and said, and `--once` ends with exit 1: the
    // event's hook did not run through.
    let out = run(&[
        "--demo",
        "--system",
        "storefront",
        "watch",
        "--once",
        "--exec",
        "sleep 30",
        "--exec-timeout",
        "1",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--exec `sleep 30` for approval_pending: killed after 1 s")
            && err.contains("watch: 1 --exec command failed (said above)"),
        "{err}"
    );
    // So does one that fails; the event itself is still printed.
    let out = run(&[
        "--demo",
        "--system",
        "storefront",
        "watch",
        "--once",
        "--exec",
        "false",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--exec `false` for approval_pending: ended with exit status: 1"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("prd"));
    // An unbalanced quote is a usage error.
    let out = run(&["--demo", "watch", "--exec", "echo 'oops"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a command"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--exec` runs its commands side by side: while the command of the first event (the approval
/// waiting at the start) is held, the next events are still printed and their commands run. The
/// slow command waits for a file the test writes only after a later command ran (under a
/// five-minute hang guard, not a timing assertion).
#[test]
fn a_slow_exec_command_does_not_hold_back_later_events() {
    use std::time::{Duration, Instant};
    let dir = scratch("exec-slow");
    let (log, release) = (dir.join("hooks.log"), dir.join("release"));
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(&release);
    let script = format!(
        "cat > /dev/null; if [ \"$SHIPDECK_EVENT\" = approval_pending ]; then \
         echo slow-start >> '{log}'; while [ ! -f '{release}' ]; do sleep 0.05; done; \
         echo slow-end >> '{log}'; else echo \"fast $SHIPDECK_EVENT\" >> '{log}'; fi",
        log = log.display(),
        release = release.display()
    );
    let mut child = command(&[
        "--demo",
        "--system",
        "storefront",
        "--speed",
        "20000",
        "watch",
        "-o",
        "jsonl",
        "--shell",
        "--exec",
        &script,
        "--exec-timeout",
        "600",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let stdout = child.stdout.take().unwrap();
    // Whatever the outcome, the held command is let go and watch ends.
    struct Release(std::process::Child, PathBuf);
    impl Drop for Release {
        fn drop(&mut self) {
            let _ = std::fs::write(&self.1, "");
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let id = child.id();
    let mut watch = Release(child, release.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let guard = Instant::now() + Duration::from_secs(300);
    let next = || -> Value {
        let left = guard.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .expect("the next event printed while the first command is held");
        serde_json::from_str(&line).unwrap()
    };
    let first = next();
    assert_eq!(first["event"], "approval_pending");
    let second = next();
    assert_ne!(second["event"], "approval_pending", "{second}");
    let fast = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.starts_with("fast ")) {
            break (line.to_string(), text);
        }
        assert!(Instant::now() < guard, "no later command ran: {text}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        fast.1.contains("slow-start") && !fast.1.contains("slow-end"),
        "the later command ran while the first was still held: {}",
        fast.1
    );
    std::fs::write(&release, "").unwrap();
    let kill = Command::new("kill")
        .args(["-INT", &id.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    // Watch ends on its own (its Ctrl-C path ends a command still running) before the folder
    // with the release file goes: killed outright first, it could leave the held command
    // waiting for a file that no longer comes.
    while watch.0.try_wait().unwrap().is_none() && Instant::now() < guard {
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(watch);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Ctrl-C ends watch and the `--exec` commands still running with it: none is left behind.
#[test]
fn ctrl_c_stops_the_exec_commands_still_running() {
    use std::time::{Duration, Instant};
    let dir = scratch("exec-stop");
    let pid_file = dir.join("pid");
    let _ = std::fs::remove_file(&pid_file);
    // The command of the approval waiting at the start becomes a long sleep (same process id).
    let script = format!(
        "cat > /dev/null; if [ \"$SHIPDECK_EVENT\" = approval_pending ]; then \
         echo $$ > '{pid}.tmp'; mv '{pid}.tmp' '{pid}'; exec sleep 600 > /dev/null 2>&1; fi",
        pid = pid_file.display()
    );
    let child = command(&[
        "--demo",
        "--system",
        "storefront",
        "watch",
        "-o",
        "jsonl",
        "--shell",
        "--exec",
        &script,
        "--exec-timeout",
        "900",
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let guard = Instant::now() + Duration::from_secs(120);
    let pid = loop {
        if let Ok(text) = std::fs::read_to_string(&pid_file) {
            break text.trim().to_string();
        }
        assert!(Instant::now() < guard, "the command never started");
        std::thread::sleep(Duration::from_millis(50));
    };
    let alive = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
    };
    assert!(alive(&pid), "the command runs while watch does");
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "Ctrl-C ends watch with exit 0");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("stopped 1 --exec command(s) not finished"),
        "{err}"
    );
    while alive(&pid) {
        if Instant::now() >= guard {
            let _ = Command::new("kill").arg(&pid).status();
            panic!("the command outlived watch: {pid}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Without `--system` or `--env`, watch follows every system, each event naming its system;
/// `--env` of one system's environment follows that system.
#[test]
fn once_without_system_reports_every_systems_events_each_naming_its_system() {
    let out = run(&["--demo", "watch", "--once", "-o", "jsonl"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Vec<(String, String)> = (lines(&out).iter())
        .map(|e| {
            assert_event(e);
            (e["system"].to_string(), e["environment"].to_string())
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("\"storefront\"".into(), "\"prd\"".into()),
            ("\"backoffice\"".into(), "\"live\"".into())
        ]
    );
    let text = run(&["--demo", "watch", "--once"]);
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.contains("  approval_pending   backoffice  "), "{text}");
    let live = run(&["--demo", "watch", "--once", "-o", "jsonl", "--env", "live"]);
    let events = lines(&live);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["system"], "backoffice");
}

/// `--once` when the first read fails (AWS cannot be reached): what waits is unknown, not
/// "nothing", so it exits 1 naming the read, not 0 with an empty report.
#[test]
fn once_exits_1_naming_the_read_when_the_first_read_failed() {
    let dir = scratch("unreachable");
    let config = dir.join("shipdeck.toml");
    std::fs::write(
        &config,
        "[aws]\nregion = \"eu-west-1\"\n\n[[environments]]\nname = \"dev\"\n\
         pipeline = \"storefront-deployer-dev\"\nsource_bucket = \"storefront-deployer-source\"\n\
         source_key = \"dev/release.zip\"\ndistribution_id = \"E2DEVSTOREFRNT\"\n",
    )
    .unwrap();
    // Nothing listens on the discard port of the loopback address.
    let out = command(&[
        "--config",
        config.to_str().unwrap(),
        "--endpoint-url",
        "http://127.0.0.1:9",
        "watch",
        "--once",
        "-o",
        "jsonl",
    ])
    .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    .env("AWS_SECRET_ACCESS_KEY", "secret")
    .env_remove("AWS_PROFILE")
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the first read failed, so what waits there is not known"),
        "{err}"
    );
    assert!(
        err.contains("127.0.0.1:9") || err.contains("dispatch failure"),
        "{err}"
    );
    assert!(lines(&out).is_empty(), "no event invented");
    std::fs::remove_dir_all(&dir).ok();
}

/// A reader that goes away (`watch | head -1`) ends watch, with exit 0, without waiting for a
/// next event to fail to print: the demo at its usual pace has none for minutes.
#[test]
fn watch_ends_when_its_reader_goes_away() {
    let mut child = command(&["--demo", "watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("approval_pending"), "{first}");
    drop(out);
    // A hang guard, not a timing: it ends at its next tick (a second or so).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let status = status.expect("watch ended once its reader went away");
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
}
