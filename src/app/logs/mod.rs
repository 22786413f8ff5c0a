//! The Logs view (CloudWatch events of an environment's log groups or of one build, or a GitHub
//! Actions job's log) and the
//! keys both log views share (Logs and Traffic).

pub mod job;
pub(super) mod keys;
pub(super) mod select;
pub(super) mod state;
pub(super) mod update;
