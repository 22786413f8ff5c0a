//! End to end: the whole app headless against the simulator, and the console's actions from keys
//! to the audit line.

mod accounts;
mod attention;
mod ops;
mod sim;
#[path = "../support/mod.rs"]
mod support;
mod systems;
mod traffic;
