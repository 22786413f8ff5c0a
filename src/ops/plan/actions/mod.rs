//! Each action's plan: what it acts on, the facts the operator confirms, the request it would
//! send, or why it is refused.

pub mod approve;
pub mod deploy;
pub mod freeze;
pub mod invalidate;
pub mod override_condition;
pub mod queue;
pub mod release;
pub mod release_workflow;
pub mod retry;
pub mod rollback;
pub mod runs;
pub mod stop;
