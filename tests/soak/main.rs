//! Long runs: the chaos soak (`make soak` for the long form), a flood of terminal events and the
//! API budget.

mod budget;
mod flood;
mod soak;
#[path = "../support/mod.rs"]
mod support;
