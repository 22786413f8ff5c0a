//! The commands that follow a release: `trace` (where a commit is on its way to prd), `health`
//! (the health map) and `impact` (a deploy's release health from the access logs).

pub mod health;
pub(super) mod impact;
pub(super) mod trace;
