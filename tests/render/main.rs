//! What the terminal shows: snapshots of every view and dialog, every size from 1×1 to 300×100,
//! and the terminal left as it was found.

mod map;
mod queries;
mod runs;
mod sizes;
mod snapshots;
mod snapshots_ops;
mod snapshots_upload;
#[path = "../support/mod.rs"]
mod support;
mod systems;
mod terminal;
mod views;
mod views_layout;
