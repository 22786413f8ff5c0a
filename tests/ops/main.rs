//! The ops layer against the simulator: every action planned, applied and verified, the guards,
//! and lost replies of mutating calls.

mod changes;
#[path = "../common/mod.rs"]
mod common;
mod guards;
mod lost_reply;
mod lost_reply_changes;
mod lost_reply_console;
#[path = "../common/ops_lost.rs"]
mod rig;
mod sim;
