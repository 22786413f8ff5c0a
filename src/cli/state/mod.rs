//! The read-only commands that show where the environments stand — `status` (of one system or
//! of several), `approvals`, `pipeline ENV`, `rules ENV` — and the JSON shapes they print.

mod all_systems;
pub(super) mod approvals;
pub(super) mod pipeline;
pub mod report;
pub(super) mod rules;
pub(super) mod status;
