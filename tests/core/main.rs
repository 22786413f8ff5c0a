//! The core's tests: `update` table and property tests for every view, the plan/confirm
//! dialogs and their guards, polling, log-tail cancellation, the Traffic charts' off-keystroke
//! work, and loading `shipdeck.toml` and the keymap.

mod bad_input_config;
mod config;
mod dialog;
mod dialog_guards;
mod dialog_release;
mod dialog_rollback;
mod dialog_upload;
mod dialog_watch;
mod keymap;
mod polling;
#[path = "../support/mod.rs"]
mod support;
mod tail_cancel;
mod traffic_charts;
mod update;
mod update_cwlogs;
mod update_logs;
mod update_props;
