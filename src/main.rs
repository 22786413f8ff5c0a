//! The `shipdeck` binary: parses the command line, then runs the console or one CLI command.
#![forbid(unsafe_code)]

use clap::FromArgMatches;
use shipdeck::cli::io::stderr;
use shipdeck::cli::{self, Cli};
use shipdeck::runtime::terminal_loop;
use shipdeck::tui::{keymap::Keymap, terminal};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    cli::io::stdio::reopen_closed();
    let cli = match Cli::from_arg_matches(&cli::args::command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            stderr::line(&format!("shipdeck: cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Some(command) => runtime.block_on(cli::run(&cli.global, command)),
        None => runtime.block_on(interactive(cli.global)),
    }
}

async fn interactive(global: cli::Global) -> ExitCode {
    let _log = shipdeck::logging::init();
    let mut backend = match cli::connect(&global) {
        Ok(b) => b,
        Err(message) => {
            stderr::line(&format!("shipdeck: {message}"));
            return ExitCode::FAILURE;
        }
    };
    let keymap = match Keymap::load(backend.config.ui.keymap.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            stderr::line(&format!("shipdeck: {e}"));
            return ExitCode::FAILURE;
        }
    };
    if global.no_notify {
        backend.config.notify.enabled = false;
    }
    let tick = Duration::from_millis(backend.config.ui.tick_ms);
    let _ = color_eyre::install();
    terminal::install_panic_hook();
    match terminal_loop::run(backend, keymap, tick, global.speed).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            terminal::restore();
            stderr::line(&format!("shipdeck: {e}"));
            ExitCode::FAILURE
        }
    }
}
