//! Writing a command's answer to stdout without panicking: a reader that went away (`| head`)
//! ends the output quietly; any other write error is said once on stderr.

use crate::cli::io::stderr::{errln, write_unless_closed};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once stdout cannot be written: nothing more is tried.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout as it is.
pub fn write(text: &str) {
    if let Some(e) = write_unless_closed(&CLOSED, std::io::stdout().lock(), text)
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        errln!("shipdeck: cannot write to stdout: {e}");
    }
}

/// Whether stdout's reader went away: a write failed, or (on Unix) the system says so without
/// a write — a pipe whose reader closed polls as an error — so a command that follows on and
/// prints rarely (`watch`) ends then, as `tail -f` does, not at its next line.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed) || reader_gone()
}

#[cfg(unix)]
fn reader_gone() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let out = std::io::stdout();
    let mut fds = [PollFd::new(&out, PollFlags::empty())];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    match poll(&mut fds, Some(&now)) {
        Ok(n) if n > 0 => fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP),
        _ => false,
    }
}

#[cfg(not(unix))]
fn reader_gone() -> bool {
    false
}

/// Writes `text` and a newline to stdout.
pub fn line(text: &str) {
    write(&format!("{text}\n"));
}
