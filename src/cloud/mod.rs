//! Ports: the traits the app needs from the outside world, and the bundle that carries them.
//!
//! The simulator (`sim`) implements every port; the AWS adapters (`aws`) implement the same traits;
//! `counting` wraps either to count calls per operation.

pub mod athena;
pub mod aws;
mod clock;
mod clouds;
pub mod counting;
mod error;
pub mod github;
mod images;
pub mod insights;
mod log_reads;
mod log_sources;
mod ports;
pub mod probe;
pub mod sim;
mod writes;

pub use crate::domain::{ApprovalOutcome, RetryMode};
pub use athena::Athena;
pub use clock::Clock;
pub use clouds::{Clouds, EnvRoute};
pub use counting::CountingCloud;
pub use error::{CloudError, CloudResult};
pub use images::{BuildProject, BuildProjects, BuildRun, BuildRuns, Builds, FailedPhase, Registry};
pub use insights::{InsightsQuery, QueryEnd, QueryResults, QueryStatistics, QueryStatus};
pub use log_reads::{
    LiveTail, LiveTailBatch, LiveTailRequest, MAX_TAIL_EVENTS, MAX_TAIL_GROUPS, filter_pages,
    group_name, live_tail_unavailable,
};
pub use log_sources::{Discovery, legacy_bucket};
pub use ports::{
    ApprovalAnswer, Cdn, Cloud, Identity, LogPage, LogQuery, Logs, Metrics, ObjectMeta, ObjectPage,
    ObjectVersion, Pipelines, Probes, StartRequest, Storage, WhoAmI,
};
pub use writes::{
    Invalidation, InvalidationPage, InvalidationStatus, InvalidationSummary, MAX_TRANSITION_REASON,
    PutOutcome, PutRequest, TransitionChange, UploadedPart, check_transition_reason,
};
