//! The environments: what each one runs and how healthy it is, and the execution detail opened
//! from its pipeline history.

pub(super) mod deployer;
pub(super) mod execution;
pub mod failure;
pub mod glance;
pub(super) mod main_lag;
pub(super) mod summary;
