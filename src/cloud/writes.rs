//! The types of the mutating calls: uploads, copies, invalidations and stage transitions.

use crate::domain::Timestamp;
use std::collections::BTreeMap;

/// Parameters of `PutObject` and `CreateMultipartUpload` (the latter ignores `body`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutRequest {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// The bytes (empty for `CreateMultipartUpload`).
    pub body: Vec<u8>,
    /// User metadata (`x-amz-meta-*` without the prefix).
    pub metadata: BTreeMap<String, String>,
    /// `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Expected base64 SHA-256 of the body; S3 refuses a body that does not match (`BadDigest`).
    /// Without it the checksum is computed and sent by the adapter.
    pub sha256: Option<String>,
    /// Conditional write (`If-None-Match: *`): refuse to overwrite an existing key with
    /// [`CloudError::AlreadyExists`](crate::cloud::CloudError::AlreadyExists).
    pub if_none_match: bool,
}

/// What a completed write returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PutOutcome {
    /// ETag of the new object.
    pub etag: String,
    /// Version id, in a versioned bucket.
    pub version_id: Option<String>,
}

/// One uploaded part of a multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedPart {
    /// Part number (1–10 000).
    pub part: i32,
    /// The part's ETag.
    pub etag: String,
    /// The part's base64 SHA-256, as S3 computed it.
    pub sha256: Option<String>,
}

/// Progress of a CloudFront invalidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidationStatus {
    /// Edge caches are being cleared.
    InProgress,
    /// Every edge cache was cleared.
    Completed,
}

impl InvalidationStatus {
    /// CloudFront's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InvalidationStatus::InProgress => "InProgress",
            InvalidationStatus::Completed => "Completed",
        }
    }

    /// Parses CloudFront's spelling (anything but `Completed` is in progress).
    pub fn parse(s: &str) -> InvalidationStatus {
        if s == "Completed" {
            InvalidationStatus::Completed
        } else {
            InvalidationStatus::InProgress
        }
    }
}

/// A CloudFront invalidation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalidation {
    /// Invalidation id.
    pub id: String,
    /// Progress.
    pub status: InvalidationStatus,
    /// When it was created.
    pub created: Timestamp,
    /// The invalidated paths (`/*`, `/index.html`, …).
    pub paths: Vec<String>,
}

/// An invalidation as `ListInvalidations` summarises it: its paths need `GetInvalidation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidationSummary {
    /// Invalidation id.
    pub id: String,
    /// Progress.
    pub status: InvalidationStatus,
    /// When it was created.
    pub created: Timestamp,
}

/// A distribution's invalidations as listed (`ListInvalidations`), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvalidationPage {
    /// The invalidations, newest first.
    pub items: Vec<InvalidationSummary>,
    /// `NextMarker`: present exactly when more (older) invalidations follow; pass it back to
    /// list them.
    pub next_marker: Option<String>,
}

/// A change of a stage's inbound transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionChange {
    /// `DisableStageTransition`: executions wait before the stage.
    Disable {
        /// Why (1–300 characters), shown in the pipeline state.
        reason: String,
    },
    /// `EnableStageTransition`: waiting executions may enter again.
    Enable,
}

/// Longest reason `DisableStageTransition` accepts.
pub const MAX_TRANSITION_REASON: usize = 300;

/// Checks a `DisableStageTransition` reason as CodePipeline does: 1–300 characters of
/// `[a-zA-Z0-9!@ ()\.*?\-]`; the error says what is wrong.
pub fn check_transition_reason(reason: &str) -> Result<(), String> {
    let n = reason.chars().count();
    if n == 0 || n > MAX_TRANSITION_REASON {
        return Err(format!(
            "the reason must be 1-{MAX_TRANSITION_REASON} characters, got {n}"
        ));
    }
    if let Some(c) = reason
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "!@ ().*?-".contains(*c)))
    {
        return Err(format!(
            "the reason may contain only letters, digits, spaces and !@().*?- (found {c:?})"
        ));
    }
    Ok(())
}
