//! Writing messages to stderr without panicking: when stderr cannot be written (a reader that
//! went away, as in `2>&1 | head`), the messages are dropped quietly and the command ends with
//! the exit code it would have had.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stderr cannot be written: nothing more is tried.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stderr as it is.
pub fn write(text: &str) {
    let _ = write_unless_closed(&CLOSED, std::io::stderr().lock(), text);
}

/// Writes and flushes `text` to `out` unless `closed` is set; the first write that fails sets
/// it (nothing more is tried) and is returned. Stdout's writer is this one too.
pub(super) fn write_unless_closed(
    closed: &AtomicBool,
    mut out: impl Write,
    text: &str,
) -> Option<std::io::Error> {
    if closed.load(Ordering::Relaxed) {
        return None;
    }
    let e = out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .err()?;
    closed.store(true, Ordering::Relaxed);
    Some(e)
}

/// Writes `text` and a newline to stderr.
pub fn line(text: &str) {
    write(&format!("{text}\n"));
}

/// `eprintln!` that does not panic when stderr is closed ([`line`]).
macro_rules! errln {
    () => {
        $crate::cli::io::stderr::line("")
    };
    ($($arg:tt)*) => {
        $crate::cli::io::stderr::line(&format!($($arg)*))
    };
}

/// `eprint!` that does not panic when stderr is closed ([`write`]).
macro_rules! errw {
    ($($arg:tt)*) => {
        $crate::cli::io::stderr::write(&format!($($arg)*))
    };
}

pub(crate) use {errln, errw};

#[cfg(test)]
mod tests {
    /// Every `.rs` file under `dir`.
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_command_line_prints_only_through_the_writers_that_do_not_panic() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = vec![root.join("src/main.rs")];
        files(&root.join("src/cli"), &mut paths);
        let mut found = Vec::new();
        for path in &paths {
            let text = std::fs::read_to_string(path).unwrap();
            for (i, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("#[cfg(test)]") {
                    break;
                }
                let code = line.split("//").next().unwrap_or("");
                // `println!` and friends panic when the stream is closed (`| head`).
                if ["println!(", "print!(", "dbg!("]
                    .iter()
                    .any(|m| code.contains(m))
                {
                    found.push(format!("{}:{}", path.display(), i + 1));
                }
            }
        }
        assert!(paths.len() > 30, "the scan read the CLI ({})", paths.len());
        assert!(
            found.is_empty(),
            "printing that panics:\n{}",
            found.join("\n")
        );
    }
}
