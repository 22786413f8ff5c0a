//! The standard streams at start: one closed outright (`2>&-`, not a pipe) is opened on
//! `/dev/null`, so that no file opened later (the console's log, an export) takes its number
//! and receives what was meant for it.

/// Opens `/dev/null` on each of stdin, stdout and stderr that is closed; the others are left
/// as they are. Call first, before any file is opened.
#[cfg(unix)]
pub fn reopen_closed() {
    use std::os::fd::{AsFd, AsRawFd, IntoRawFd};
    let open = |fd: std::os::fd::BorrowedFd<'_>| rustix::io::fcntl_getfd(fd).is_ok();
    let closed = [
        !open(std::io::stdin().as_fd()),
        !open(std::io::stdout().as_fd()),
        !open(std::io::stderr().as_fd()),
    ];
    // A new file takes the lowest free number, so one opened per closed stream fills exactly
    // those, lowest first.
    for _ in closed.iter().filter(|c| **c) {
        let Ok(null) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")
        else {
            return;
        };
        if null.as_raw_fd() <= 2 {
            // Kept open for the process's life, as the stream it stands in for.
            let _ = null.into_raw_fd();
        }
    }
}

/// Elsewhere the streams are left as they are.
#[cfg(not(unix))]
pub fn reopen_closed() {}
