//! tracing to a file in the XDG state dir; the terminal belongs to the UI.

use std::fs::{self, OpenOptions};
use std::path::PathBuf;
use std::sync::Mutex;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The state directory: `$XDG_STATE_HOME/shipdeck` or `~/.local/state/shipdeck`.
pub fn state_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("shipdeck"))
}

/// Events never written whatever `SHIPDECK_LOG` asks for: the AWS SDK's request signing below
/// info, whose canonical requests carry the session token (`x-amz-security-token:…`).
fn carries_secrets(meta: &tracing::Metadata<'_>) -> bool {
    meta.target().starts_with("aws_sigv4") && *meta.level() > tracing::Level::INFO
}

/// Sends tracing to `<state dir>/shipdeck.log` (level from `SHIPDECK_LOG`, default `info`;
/// events that would carry credentials are dropped, see [`carries_secrets`]).
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
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .with_filter(filter)
        .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
            !carries_secrets(meta)
        }));
    tracing_subscriber::registry().with(layer).try_init().ok()?;
    tracing::info!("shipdeck {} started", env!("CARGO_PKG_VERSION"));
    Some(path)
}
