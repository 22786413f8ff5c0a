//! Log events and stored objects as the app sees them.

use super::Timestamp;
use serde::{Deserialize, Serialize};

/// One CloudWatch Logs event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
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
