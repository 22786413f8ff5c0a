//! End to end: the whole app headless against the simulator, and the console's actions from keys
//! to the audit line.

mod ops;
mod sim;
#[path = "../support/mod.rs"]
mod support;
