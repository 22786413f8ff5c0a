//! Actions with side effects, each in its own module: a pure `plan`, a confirmation, an async
//! `apply` that sends exactly one mutating call, and an async `verify` that watches the result.
//!
//! The TUI and the CLI share these modules through one planner, [`plan`] of an [`Ask`]: it takes
//! the data a front end already holds and never awaits; `apply` re-checks what may have changed since the plan was shown; `verify`
//! waits on a [`Pace`] the caller passes (the simulator's clock in tests).

mod answer;
mod answer_lost;
pub mod approve;
mod ask;
pub mod audit;
mod catalogue;
mod changes;
pub mod deploy;
pub mod digest;
pub mod follow;
pub mod freeze;
pub mod guards;
pub mod invalidate;
mod lost;
mod lost_copy;
mod plan;
pub mod release;
mod request;
pub mod retry;
pub mod rollback;
pub mod run;
pub mod stop;
mod text;
pub mod upload;
pub mod verify;

pub use ask::{Ask, Reads, ReleaseFrom, What, plan};
pub use guards::{Guard, GuardCheck, SelfApproval};
pub use plan::{
    ApiCall, Confirm, Context, Delivery, Draft, ExitClass, OpKind, Outcome, Plan, Planned, Refusal,
    Request, Target,
};
pub use run::{apply, verify};
pub use text::{kebab, shell_quote, short_token};
pub use verify::{Pace, SimPace, Verified, WallPace};
