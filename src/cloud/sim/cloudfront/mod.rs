//! The simulator's CloudFront: distributions, their diurnal traffic and the access-log files they
//! deliver (drawn by the deterministic generator from its request mix and tables) in every format
//! standard logging writes, the faults of those log objects, and invalidations.

mod formats;
mod generate;
pub(super) mod invalidations;
pub(super) mod logfaults;
#[cfg(test)]
mod logfaults_tests;
pub(super) mod logging;
mod mix;
mod tables;
pub(super) mod traffic;

pub use formats::{LogFormat, V2_FIELDS, write_log};
pub use generate::{Conditions, LogGenerator, SiteProfile};
pub use logging::{DEMO_LOGS_BUCKET, DEMO_SUFFIX};
pub use traffic::harm;

#[cfg(test)]
mod tests;
