//! The actions, in two halves. `plan/` is pure: one planner both front ends call ([`plan`] of
//! an [`Ask`]), the guards, the texts and `aws` commands, the audit entry and the rules that
//! follow an action after its call. `apply/` talks to the world: it sends exactly one mutating
//! call after re-checking what may have changed since the plan was shown, handles lost replies,
//! verifies on the clock the caller passes (the simulator's clock in tests), uploads packages,
//! reads the release catalogue and writes the audit log files.

pub mod apply;
pub mod plan;

pub use apply::verify::{Verified, Watched};
pub use apply::{apply, verify};
pub use plan::ask::{Ask, Reads, ReleaseFrom, What, plan};
pub use plan::guards::{Guard, GuardCheck, SelfApproval};
pub use plan::text::{kebab, shell_quote, short_token};
pub use plan::{
    ApiCall, Confirm, Context, Delivery, Draft, ExitClass, OpKind, Outcome, Plan, Planned, Refusal,
    Request, Target,
};
