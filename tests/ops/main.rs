//! The ops layer against the simulator: every action planned, applied and verified, the guards,
//! and lost replies of mutating calls.

mod changes;
mod guards;
mod lost_reply;
mod lost_reply_changes;
mod lost_reply_console;
mod sim;
#[path = "../support/mod.rs"]
mod support;
