//! Uploading a local release package: one `PutObject` (small files) or a multipart upload,
//! with a SHA-256 checksum and `If-None-Match: *` so an existing version is never overwritten;
//! then one `CopyObject` onto the environment's source key.

use super::lost::may_have_reached;
use super::lost_copy::{AfterLost, Landed, NotCopied, copy_once, package_landed};
use crate::cloud::{Cloud, CloudError, PutRequest, UploadedPart};
use crate::ops::plan::digest::{base64, hex, sha256};
use crate::ops::plan::guards::Guard;
use crate::ops::plan::{Outcome, Refusal, Request};

/// Part size of a multipart upload (and the largest file sent in one `PutObject`).
pub const PART_BYTES: usize = 8 * 1024 * 1024;

/// Reads a file and its SHA-256 (hex).
pub fn read_package(path: &str) -> Result<(Vec<u8>, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if bytes.is_empty() {
        return Err(format!("{path} is empty; expected a release package (zip)"));
    }
    let digest = hex(&sha256(&bytes));
    Ok((bytes, digest))
}

/// Uploads the package (reporting bytes sent and total to `progress`), then promotes it.
pub async fn apply(
    cloud: &Cloud,
    request: &Request,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Outcome {
    let Request::Upload {
        bucket,
        key,
        to_key,
        path,
        sha256: planned,
        metadata,
        ..
    } = request
    else {
        return Outcome::failed("internal: not an upload request");
    };
    let (bytes, digest) = match read_package(path) {
        Ok(read) => read,
        Err(e) => return Outcome::failed(e),
    };
    if &digest != planned {
        return Outcome::refused(Refusal::by(
            Guard::Input,
            format!("{path} changed since the plan (sha-256 {digest}); nothing was sent"),
        ));
    }
    let total = bytes.len() as u64;
    let req = PutRequest {
        bucket: bucket.clone(),
        key: key.clone(),
        body: Vec::new(),
        metadata: metadata.clone(),
        content_type: Some(crate::ops::plan::release::CONTENT_TYPE.into()),
        sha256: None,
        if_none_match: true,
    };
    let single = bytes.len() <= PART_BYTES;
    let written = if single {
        let req = PutRequest {
            sha256: Some(base64(&sha256(&bytes))),
            body: bytes,
            ..req.clone()
        };
        let put = cloud.storage.put_object(&req).await;
        progress(total, total);
        put.map(|_| ()).map_err(|e| (e, Some(req)))
    } else {
        multipart(cloud, &req, &bytes, progress)
            .await
            .map(|_| ())
            .map_err(|e| (e, None))
    };
    let mut notes = Vec::new();
    let mut lost_write = false;
    if let Err((e, single)) = written {
        match after_failed_write(cloud, &req, total, single.as_ref(), e).await {
            Ok(Written::Confirmed(note)) => {
                lost_write = true;
                notes.push(note);
            }
            Ok(Written::SentAgain(note)) => notes.push(note),
            Err(out) => return out,
        }
    }
    match copy_once(cloud, bucket, key, to_key).await {
        Ok(copied) => {
            let confirmed = match copied.lost {
                Some(AfterLost::Confirmed(note)) => Some(note),
                Some(AfterLost::SentAgain) => {
                    notes.push("CopyObject sent again after the key was seen unchanged".into());
                    None
                }
                None => None,
            };
            let mut message = format!(
                "uploaded s3://{bucket}/{key} ({total} bytes) and copied it to s3://{bucket}/{to_key}"
            );
            if !notes.is_empty() {
                message = format!("{message} ({})", notes.join("; "));
            }
            let mut out = match confirmed {
                Some(note) => Outcome::confirmed(format!("{message}; {note}"), None),
                None if lost_write => Outcome::confirmed(message, None),
                None => Outcome::done(message, None),
            };
            out.reference = copied.reference;
            out
        }
        Err(NotCopied { unknown, detail }) => {
            let message = format!(
                "uploaded s3://{bucket}/{key}, but the copy to {to_key}: {detail}; {}",
                if unknown {
                    "check the source key before promoting it with --from"
                } else {
                    "promote it with --from"
                }
            );
            if unknown {
                Outcome::unknown(message)
            } else {
                Outcome::failed(message)
            }
        }
    }
}

/// How the package was written after its first write failed.
enum Written {
    /// Re-reading showed the first write made (its reply was lost).
    Confirmed(String),
    /// Re-reading showed nothing written, and the write sent again was answered.
    SentAgain(String),
}

/// After the write of the package failed with `error`: how it was written after all, or the
/// outcome to report. A `PutObject` (`single`) whose call was not served is sent once more; an
/// existing key is never overwritten.
async fn after_failed_write(
    cloud: &Cloud,
    req: &PutRequest,
    total: u64,
    single: Option<&PutRequest>,
    error: CloudError,
) -> Result<Written, Outcome> {
    let name = format!("s3://{}/{}", req.bucket, req.key);
    if matches!(error, CloudError::AlreadyExists { .. }) {
        return Err(exists_refusal(&name));
    }
    if !may_have_reached(&error) {
        return Err(Outcome::failed(format!("upload of {name} failed: {error}")));
    }
    let lost = |e: &CloudError| {
        Written::Confirmed(format!(
            "the upload's reply was lost ({e}); re-reading shows the package at {name}"
        ))
    };
    match package_landed(cloud, &req.bucket, &req.key, &req.metadata, total).await {
        Ok(Landed::Ours) => return Ok(lost(&error)),
        Ok(Landed::Other) => return Err(exists_refusal(&name)),
        Ok(Landed::Absent) => {}
        Err(read) => return Err(unwritten_unknown(&name, &error, &read)),
    }
    let Some(put) = single else {
        return Err(Outcome::failed(format!(
            "upload of {name} failed ({error}); re-reading shows nothing written; try again"
        )));
    };
    let again = match cloud.storage.put_object(put).await {
        Ok(_) => {
            return Ok(Written::SentAgain(format!(
                "PutObject sent again: the first failed ({error}) and {name} was absent"
            )));
        }
        Err(e) if may_have_reached(&e) || matches!(e, CloudError::AlreadyExists { .. }) => e,
        Err(e) => return Err(Outcome::failed(format!("upload of {name} failed: {e}"))),
    };
    match package_landed(cloud, &req.bucket, &req.key, &req.metadata, total).await {
        Ok(Landed::Ours) => Ok(lost(&again)),
        Ok(Landed::Absent) => Err(Outcome::failed(format!(
            "upload of {name} failed twice ({again}); nothing was written"
        ))),
        Ok(Landed::Other) => Err(exists_refusal(&name)),
        Err(read) => Err(unwritten_unknown(&name, &again, &read)),
    }
}

fn unwritten_unknown(name: &str, error: &CloudError, read: &str) -> Outcome {
    Outcome::unknown(format!(
        "upload of {name} failed ({error}) and re-reading failed ({read}); nothing was copied to \
         the source key"
    ))
}

fn exists_refusal(name: &str) -> Outcome {
    Outcome::refused(Refusal::by(
        Guard::VersionExists,
        format!("{name} already exists; versions are never overwritten, nothing was changed"),
    ))
}

/// A multipart upload in [`PART_BYTES`] parts, aborted on any failure.
async fn multipart(
    cloud: &Cloud,
    req: &PutRequest,
    bytes: &[u8],
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<crate::cloud::PutOutcome, CloudError> {
    let s = &cloud.storage;
    let id = s.create_multipart(req).await?;
    let total = bytes.len() as u64;
    let mut parts: Vec<UploadedPart> = Vec::new();
    let mut sent = 0u64;
    for (i, chunk) in bytes.chunks(PART_BYTES).enumerate() {
        let number = i as i32 + 1;
        match s
            .upload_part(&req.bucket, &req.key, &id, number, chunk.to_vec())
            .await
        {
            Ok(part) => parts.push(part),
            Err(e) => {
                let _ = s.abort_multipart(&req.bucket, &req.key, &id).await;
                return Err(e);
            }
        }
        sent += chunk.len() as u64;
        progress(sent, total);
    }
    let done = s
        .complete_multipart(&req.bucket, &req.key, &id, &parts, true)
        .await;
    if done.is_err() {
        let _ = s.abort_multipart(&req.bucket, &req.key, &id).await;
    }
    done
}
