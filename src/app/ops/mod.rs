//! The console's actions: the plan/confirm dialog, the release picker, the call in flight, the
//! watch after it, the audit view, the upload of a local package and the `:` commands that open
//! them.

pub(super) mod audit;
pub(super) mod command;
pub(super) mod dialog;
pub(super) mod plan;
pub(super) mod release;
pub(super) mod state;
pub(super) mod update;
pub(super) mod upload;
pub(super) mod watch;
pub(super) mod workflow;
