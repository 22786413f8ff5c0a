//! Writes of release packages that survive a lost reply: a `CopyObject` onto the source key
//! (which starts the pipeline, so a second copy would start a second execution) and the upload
//! of a package are checked with `HeadObject` before anything is sent again.

use super::lost::{may_have_reached, reread};
use crate::cloud::{Cloud, CloudError, ObjectMeta};
use crate::domain::Timestamp;
use std::collections::BTreeMap;

/// What changes with every write of a key: version id, ETag, time.
type Stamp = (Option<String>, String, Timestamp);

fn stamp(m: &ObjectMeta) -> Stamp {
    (
        m.version_id.clone(),
        m.info.etag.clone(),
        m.info.last_modified,
    )
}

/// `HeadObject`, read again while it fails transiently; `None` when the key is absent.
pub async fn head(cloud: &Cloud, bucket: &str, key: &str) -> Result<Option<ObjectMeta>, String> {
    let s = &cloud.storage;
    match reread(|| s.head_object(bucket, key)).await {
        Ok(m) => Ok(Some(m)),
        Err(CloudError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// A copy made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The new version id (or ETag) of the source key.
    pub reference: Option<String>,
    /// What happened after a lost reply, if one was.
    pub lost: Option<AfterLost>,
}

/// How a copy whose reply was lost was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterLost {
    /// Re-reading showed the first copy made (the note says how).
    Confirmed(String),
    /// Re-reading showed the key unchanged, and the copy sent again was answered.
    SentAgain,
}

/// A copy not known to be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCopied {
    /// Whether it may have been made all the same.
    pub unknown: bool,
    /// What happened.
    pub detail: String,
}

/// Copies `from_key` onto `to_key` once: reads the key's current version first, and after a
/// reply that may have been lost compares the key with it and with the package; sends the
/// copy again at most once, and only when the key is seen unchanged.
pub async fn copy_once(
    cloud: &Cloud,
    bucket: &str,
    from_key: &str,
    to_key: &str,
) -> Result<Copied, NotCopied> {
    let s = &cloud.storage;
    let before = head(cloud, bucket, to_key)
        .await
        .map(|m| m.map(|m| stamp(&m)));
    let mut sent_again = false;
    loop {
        let error = match s.copy_object(bucket, from_key, bucket, to_key).await {
            Ok(put) => {
                return Ok(Copied {
                    reference: put.version_id.or(Some(put.etag)),
                    lost: sent_again.then_some(AfterLost::SentAgain),
                });
            }
            Err(e) if may_have_reached(&e) => e,
            Err(e) => {
                return Err(NotCopied {
                    unknown: sent_again,
                    detail: format!("CopyObject failed: {e}"),
                });
            }
        };
        let unknown = |why: String| NotCopied {
            unknown: true,
            detail: format!("CopyObject failed ({error}) and {why}"),
        };
        let Ok(before) = &before else {
            return Err(unknown(
                "the key's version before the copy could not be read".into(),
            ));
        };
        let after = head(cloud, bucket, to_key).await;
        let package = head(cloud, bucket, from_key).await;
        let (after, package) = match (after, package) {
            (Ok(a), Ok(p)) => (a, p),
            (Err(e), _) | (_, Err(e)) => return Err(unknown(format!("re-reading failed ({e})"))),
        };
        let changed = after.as_ref().map(stamp) != *before;
        let same = match (&after, &package) {
            (Some(a), Some(p)) => a.metadata == p.metadata && a.info.size == p.info.size,
            _ => false,
        };
        match (changed, same) {
            (true, true) => {
                let a = after.as_ref();
                return Ok(Copied {
                    reference: a.and_then(|a| a.version_id.clone().or(Some(a.info.etag.clone()))),
                    lost: Some(AfterLost::Confirmed(format!(
                        "CopyObject failed ({error}); s3://{bucket}/{to_key} now holds a new \
                         version with the package's metadata"
                    ))),
                });
            }
            (true, false) => {
                return Err(unknown(format!(
                    "s3://{bucket}/{to_key} was rewritten with another object since"
                )));
            }
            (false, _) if sent_again => {
                return Err(NotCopied {
                    unknown: false,
                    detail: format!(
                        "CopyObject failed twice ({error}); s3://{bucket}/{to_key} is unchanged, \
                         nothing was copied"
                    ),
                });
            }
            (false, _) => sent_again = true,
        }
    }
}

/// What a `HeadObject` of an uploaded package's key shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landed {
    /// The package, as uploaded (same metadata, with its SHA-256, and size).
    Ours,
    /// No object.
    Absent,
    /// Another object.
    Other,
}

/// Whether the package was written at `key` (after its reply was lost, or an
/// `If-None-Match` refusal).
pub async fn package_landed(
    cloud: &Cloud,
    bucket: &str,
    key: &str,
    metadata: &BTreeMap<String, String>,
    size: u64,
) -> Result<Landed, String> {
    Ok(match head(cloud, bucket, key).await? {
        None => Landed::Absent,
        Some(m) if &m.metadata == metadata && m.info.size == size => Landed::Ours,
        Some(_) => Landed::Other,
    })
}
