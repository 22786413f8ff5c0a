//! Uploading a local release package: one `PutObject` (small files) or a multipart upload,
//! with a SHA-256 checksum and `If-None-Match: *` so an existing version is never overwritten;
//! then one `CopyObject` onto the environment's source key.

use super::digest::{base64, hex, sha256};
use super::guards::Guard;
use super::plan::{Outcome, Refusal, Request};
use crate::cloud::{Cloud, CloudError, PutRequest, UploadedPart};

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
        content_type: Some("application/zip".into()),
        sha256: None,
        if_none_match: true,
    };
    let written = if bytes.len() <= PART_BYTES {
        let req = PutRequest {
            sha256: Some(base64(&sha256(&bytes))),
            body: bytes,
            ..req
        };
        let put = cloud.storage.put_object(&req).await;
        progress(total, total);
        put
    } else {
        multipart(cloud, &req, &bytes, progress).await
    };
    match written {
        Ok(_) => {}
        Err(CloudError::AlreadyExists { name, .. }) => {
            return Outcome::refused(Refusal::by(
                Guard::VersionExists,
                format!(
                    "{name} already exists; versions are never overwritten, nothing was changed"
                ),
            ));
        }
        Err(e) => return Outcome::failed(format!("upload of {path} failed: {e}")),
    }
    match cloud.storage.copy_object(bucket, key, bucket, to_key).await {
        Ok(put) => {
            let mut out = Outcome::done(
                format!(
                    "uploaded s3://{bucket}/{key} ({total} bytes) and copied it to s3://{bucket}/{to_key}"
                ),
                None,
            );
            out.reference = put.version_id.or(Some(put.etag));
            out
        }
        Err(e) => Outcome::failed(format!(
            "uploaded s3://{bucket}/{key}, but CopyObject to {to_key} failed: {e}; promote it with \
             --from"
        )),
    }
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
