//! shipdeck: a terminal operations console for a CloudFront + CodePipeline deployment system.
#![forbid(unsafe_code)]

pub mod accesslog;
pub mod cloud;
pub mod config;
pub mod domain;
