//! What the terminal shows: snapshots of every view and dialog, every size from 1×1 to 300×100,
//! and the terminal left as it was found.

#[path = "../common/mod.rs"]
mod common;
mod sizes;
mod snapshots;
mod snapshots_ops;
mod terminal;
