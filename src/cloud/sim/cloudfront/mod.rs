//! The simulator's CloudFront: distributions, their traffic and access-log deliveries, the faults
//! of those log objects, and invalidations.

pub(super) mod invalidations;
pub(super) mod logfaults;
#[cfg(test)]
mod logfaults_tests;
pub(super) mod traffic;
