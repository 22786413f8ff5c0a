//! Long runs: the chaos soak (`make soak` for the long form), a flood of terminal events and the
//! API budget.

mod budget;
#[path = "../common/mod.rs"]
mod common;
mod flood;
mod soak;
