//! The simulator's CodePipeline: pipeline definitions and state, stage mechanics, the operations
//! as the API serves them (with AWS's checks and error codes), and rollbacks.

pub(super) mod conditions;
pub(super) mod control;
pub(super) mod declaration;
pub(super) mod enter;
pub(super) mod flow;
pub(super) mod gates;
pub(super) mod pipeline;
pub(super) mod queries;
pub(super) mod rollback;
