//! Log events and stored objects as the app sees them.

use super::Timestamp;
use serde::{Deserialize, Serialize};

/// One CloudWatch Logs event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    /// The log group it belongs to: the group read (`FilterLogEvents` reads one), or the group
    /// a live tail said it came from, checked against those it asked for.
    #[serde(default)]
    pub group: String,
    /// Event id, unique within the group (used to de-duplicate).
    pub event_id: String,
    /// Log stream name.
    pub stream: String,
    /// Event time.
    pub timestamp: Timestamp,
    /// When CloudWatch ingested it.
    pub ingestion_time: Timestamp,
    /// The message.
    pub message: String,
}

impl LogEvent {
    /// What tells this event apart from any other: its group and its id (an id is unique only
    /// within its group).
    pub fn key(&self) -> (&str, &str) {
        (&self.group, &self.event_id)
    }
}

/// One object in a bucket listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectInfo {
    /// Key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modified.
    pub last_modified: Timestamp,
    /// ETag.
    pub etag: String,
}
