//! Everything the soak writes: the tracing output (a global subscriber into a buffer) and the
//! screens drawn.

use shipdeck::app::State;
use std::collections::BTreeSet;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// A shared buffer the tracing subscriber writes into.
#[derive(Clone, Default)]
pub struct Buffer(pub Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs a subscriber writing every event of shipdeck at debug level into the buffer.
pub fn tracing_buffer() -> Buffer {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("shipdeck=debug"))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    buffer
}

/// Draws the state as the terminal would show it and returns the screen's text. An open
/// approve or reject dialog shows its token whole in the `aws` command the operator may run;
/// that one place is blanked, so any other sighting of a token still counts as a leak.
pub fn screen(state: &State) -> String {
    let text = drawn(state);
    let planned = state
        .ops
        .dialog
        .as_ref()
        .and_then(|d| d.planned.as_ref().ok());
    match planned.map(|p| &p.request) {
        Some(shipdeck::ops::Request::Answer { token, .. }) if !token.is_empty() => {
            text.replace(token.as_str(), "[token]")
        }
        _ => text,
    }
}

fn drawn(state: &State) -> String {
    crate::support::screen::text(state, 180, 50)
}

/// Asserts that no secret cookie value and no approval token appears in full in any of the
/// `outputs` (name, text).
pub fn assert_no_secrets(outputs: &[(&str, &str)], cookie: &str, tokens: &BTreeSet<String>) {
    for (name, text) in outputs {
        assert!(
            !text.contains(cookie),
            "a cookie value in the {name} output"
        );
        for token in tokens {
            assert!(
                !text.contains(token.as_str()),
                "approval token {token} in the {name} output"
            );
        }
    }
}
