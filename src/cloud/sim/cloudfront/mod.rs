//! The simulator's CloudFront model: the deterministic access-log traffic generator, its request
//! mix and the tables it draws from (pure: no I/O, no clock).

mod generate;
mod mix;
mod tables;

pub use generate::{Conditions, LogGenerator, SiteProfile};

#[cfg(test)]
mod tests;
