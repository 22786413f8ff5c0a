//! A reader that went away (`2>&1 | head`): stdout or stderr closed before the command writes
//! ends the output quietly with the exit code the command would have had, never a panic; a
//! stream closed outright (`2>&-`) gives no file opened later its messages.

use super::*;

/// How the command's stdout or stderr is given: a pipe whose reader is already gone, or one
/// the test reads.
#[derive(Clone, Copy, PartialEq)]
enum End {
    Closed,
    Read,
}

fn stdio(end: End) -> Stdio {
    match end {
        End::Read => Stdio::piped(),
        End::Closed => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            Stdio::from(writer)
        }
    }
}

fn shipdeck_ends(args: &[&str], out: End, err: End) -> Output {
    command(args)
        .stdin(Stdio::null())
        .stdout(stdio(out))
        .stderr(stdio(err))
        .output()
        .unwrap()
}

/// A gzip log cut short: its first records read, then "truncated gzip".
fn truncated_gz(tag: &str) -> PathBuf {
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    let log = std::fs::read(fixture("cloudfront-33.log")).unwrap();
    gz.write_all(&log.repeat(40)).unwrap();
    let bytes = gz.finish().unwrap();
    let path = std::env::temp_dir().join(format!(
        "shipdeck-cli-trunc-{tag}-{}.gz",
        std::process::id()
    ));
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    path
}

#[test]
fn a_closed_stdout_or_stderr_ends_quietly_with_the_commands_exit_code() {
    let good = fixture("cloudfront-33.log");
    let trunc = truncated_gz("closed");
    let trunc = trunc.display().to_string();
    let missing = "/nonexistent/nope.log";
    let runs: [(&[&str], i32); 4] = [
        (&["--file", missing, "--file", &good, "--stats"], 0),
        (&["--file", missing, "--file", &good], 0),
        (&["--file", &trunc, "--stats"], 0),
        (&["--file", missing], 1),
    ];
    for (flags, code) in runs {
        let mut args = vec!["logs", "cloudfront"];
        args.extend(flags);
        for (out, err) in [
            (End::Closed, End::Closed),
            (End::Closed, End::Read),
            (End::Read, End::Closed),
        ] {
            let ran = shipdeck_ends(&args, out, err);
            let said = text(&ran.stderr);
            assert!(!said.contains("panicked"), "{args:?}: {said}");
            assert_eq!(ran.status.code(), Some(code), "{args:?}: {said}");
            if err == End::Read {
                // The warnings still reach a stderr that is read.
                assert!(said.contains("shipdeck: "), "{args:?}: {said}");
            }
            if out == End::Read && flags.contains(&"--stats") {
                assert!(text(&ran.stdout).contains("requests"), "{args:?}");
            }
        }
    }
    std::fs::remove_file(&trunc).unwrap();
}

#[test]
fn an_environments_warnings_to_a_closed_stderr_end_quietly() {
    // An empty window: "no log files in …" goes to stderr, which nobody reads; exit 1 as ever.
    let args = [
        "--demo",
        "logs",
        "cloudfront",
        "dev",
        "--since",
        "2026-11-25T09:30:00Z",
    ];
    for (out, err) in [(End::Closed, End::Closed), (End::Read, End::Closed)] {
        let ran = shipdeck_ends(&args, out, err);
        assert_eq!(ran.status.code(), Some(1), "{}", text(&ran.stderr));
    }
}

#[test]
fn a_stderr_closed_outright_gives_its_messages_to_no_file_opened_later() {
    // `2>&-`: the console opens its log file first, which would take the free number 2 and
    // receive the error about the missing configuration.
    let state = std::env::temp_dir().join(format!("shipdeck-cli-fd2-{}", std::process::id()));
    let ran = Command::new("sh")
        .args(["-c", "exec \"$0\" --config /nonexistent/shipdeck.toml 2>&-"])
        .arg(env!("CARGO_BIN_EXE_shipdeck"))
        .env("XDG_STATE_HOME", &state)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(ran.status.code(), Some(1));
    let log = std::fs::read_to_string(state.join("shipdeck/shipdeck.log")).unwrap();
    assert!(
        log.contains("started"),
        "the console's log was written: {log}"
    );
    assert!(!log.contains("config file not found"), "{log}");
    // With stderr open, that is where the error goes.
    let ran = command(&["--config", "/nonexistent/shipdeck.toml"])
        .env("XDG_STATE_HOME", &state)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(text(&ran.stderr).contains("config file not found"));
    std::fs::remove_dir_all(&state).unwrap();
}
