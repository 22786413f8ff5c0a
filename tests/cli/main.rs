//! The command line run as a process: reads, the logs commands, the mutating commands (also on a
//! pseudo-terminal) and a wrong value for every flag.

mod accounts;
mod bad_input;
mod commands;
mod logs;
mod ops;
mod ops_changes;
mod ops_tty;
mod query;
#[path = "../support/mod.rs"]
mod support;
mod systems;
mod watch;
