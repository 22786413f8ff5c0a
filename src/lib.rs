//! shipdeck: a terminal operations console for a CloudFront + CodePipeline deployment system.
#![forbid(unsafe_code)]

pub mod accesslog;
pub mod accesslog_io;
pub mod app;
pub mod cli;
pub mod cloud;
pub mod config;
pub mod domain;
#[cfg(test)]
mod layers;
pub mod logging;
pub mod ops;
pub mod query;
pub mod runtime;
pub mod tui;
