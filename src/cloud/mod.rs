//! Ports: the traits the app needs from the outside world, and the bundle that carries them.
//!
//! The simulator (`sim`) implements every port; the AWS adapters implement the same traits.

mod error;
mod ports;
pub mod sim;

pub use error::{CloudError, CloudResult};
pub use ports::{
    ApprovalAnswer, ApprovalOutcome, Cdn, Cloud, Identity, LogPage, LogQuery, Logs, ObjectMeta,
    ObjectPage, Pipelines, RetryMode, StartRequest, Storage, WhoAmI,
};
