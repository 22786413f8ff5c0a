//! The runtime: runs effects on the ports, keeps time, drives the app headless or in a terminal.

pub mod athena;
pub mod backend;
mod clock;
pub mod cloudfront_logs;
mod deployer;
mod effects;
mod export_file;
mod headless;
pub mod health;
mod insights;
mod local_files;
pub mod local_query;
pub mod notify;
pub mod ops_effects;
pub mod routing;
mod sign_in;
mod tasks;
pub mod trace;

pub use crate::cloud::Clock;
pub use crate::cloud::sim::SimClock;
pub use backend::{Backend, Connection, GitHubLink, connect, load_config, load_failures};
pub use clock::WallClock;
pub use cloudfront_logs::{parse_objects, parse_objects_while};
pub use effects::{REQUEST_TIMEOUT, run_effect, run_effect_with};
pub use headless::Headless;
pub use tasks::Tasks;
pub mod terminal_loop;
