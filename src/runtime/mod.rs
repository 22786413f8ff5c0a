//! The runtime: runs effects on the ports, keeps time, drives the app headless or in a terminal.

pub mod backend;
mod clock;
mod effects;
mod export_file;
mod headless;
pub mod ops_effects;
mod tasks;
mod traffic;

pub use crate::cloud::Clock;
pub use crate::cloud::sim::SimClock;
pub use backend::{Backend, Connection, GitHubLink, connect, load_failures};
pub use clock::WallClock;
pub use effects::{REQUEST_TIMEOUT, run_effect};
pub use headless::Headless;
pub use tasks::Tasks;
pub use traffic::{parse_objects, parse_objects_while};
pub mod terminal_loop;
