//! Writing a command's answer to stdout without panicking: a reader that went away (`| head`)
//! ends the output quietly; any other write error is said once on stderr.

use crate::cli::stderr::errln;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout cannot be written: nothing more is tried.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout as it is.
pub fn write(text: &str) {
    if CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            errln!("shipdeck: cannot write to stdout: {e}");
        }
    }
}

/// Writes `text` and a newline to stdout.
pub fn line(text: &str) {
    write(&format!("{text}\n"));
}
