//! The pure half of the actions: what an operator asks for, the one planner both front ends
//! call, each action's plan, the guards, the `aws` command, the audit entry and the rules that
//! follow an action after its call. Nothing here awaits, reads a clock or touches a file.

mod actions;
pub mod ask;
pub mod audit;
pub mod data;
pub mod digest;
pub mod follow;
pub mod follow_workflow;
pub mod guards;
pub mod identity;
pub mod package;
mod request;
mod shapes;
pub mod text;
pub mod trace;

pub use actions::{
    approve, deploy, freeze, invalidate, override_condition, release, release_workflow, retry,
    rollback, runs, stop,
};
pub use data::{PipelineData, Upstream};
pub use request::{Request, RunAction};
pub use shapes::{
    ApiCall, Confirm, Context, Delivery, Draft, ExitClass, NewRun, OpKind, Outcome, Plan, Planned,
    Refusal, Target,
};
