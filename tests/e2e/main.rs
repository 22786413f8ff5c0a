//! End to end: the whole app headless against the simulator, and the console's actions from keys
//! to the audit line.

#[path = "../common/mod.rs"]
mod common;
mod ops;
mod sim;
