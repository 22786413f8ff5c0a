//! tracing to a file in the XDG state dir; the terminal belongs to the UI.

use std::fs::{self, OpenOptions};
use std::path::PathBuf;
use std::sync::Mutex;

/// The state directory: `$XDG_STATE_HOME/shipdeck` or `~/.local/state/shipdeck`.
pub fn state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("shipdeck"))
}

/// Sends tracing to `<state dir>/shipdeck.log` (level from `SHIPDECK_LOG`, default `info`).
/// Returns the log path, or `None` when no file could be opened (then nothing is logged).
pub fn init() -> Option<PathBuf> {
    let dir = state_dir()?;
    fs::create_dir_all(&dir).ok()?;
    let path = dir.join("shipdeck.log");
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("SHIPDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    tracing::info!("shipdeck {} started", env!("CARGO_PKG_VERSION"));
    Some(path)
}
