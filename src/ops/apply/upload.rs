//! Uploading a local release package: one `PutObject` (small files) or a multipart upload,
//! with a SHA-256 checksum and `If-None-Match: *` so an existing version is never overwritten;
//! then one `CopyObject` onto the environment's source key. The operator may cancel it until the
//! copy: a multipart upload is aborted, a `PutObject` in flight is dropped, nothing is released.

use super::lost::may_have_reached;
use super::lost_copy::{AfterLost, Landed, NotCopied, copy_once, package_landed};
use crate::cloud::{Cloud, CloudError, PutRequest, UploadedPart};
use crate::ops::plan::digest::{base64, hex, sha256};
use crate::ops::plan::guards::Guard;
use crate::ops::plan::{Outcome, Refusal, Request};

/// Part size of a multipart upload (and the largest file sent in one `PutObject`).
pub const PART_BYTES: usize = 8 * 1024 * 1024;

/// How a zip archive starts: a local file header, an empty archive's end record, or the marker
/// of a spanned archive.
const ZIP_MAGIC: [&[u8]; 3] = [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];

/// Reads a release package (a zip file) and its SHA-256 (hex); a directory, an empty file or
/// one that is no zip is an error naming the path.
pub fn read_package(path: &str) -> Result<(Vec<u8>, String), String> {
    if std::path::Path::new(path).is_dir() {
        return Err(format!(
            "{path} is a directory; expected a release package (zip)"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if bytes.is_empty() {
        return Err(format!("{path} is empty; expected a release package (zip)"));
    }
    if !ZIP_MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return Err(format!(
            "{path} is not a release package: not a zip file (it does not start with `PK`)"
        ));
    }
    let digest = hex(&sha256(&bytes));
    Ok((bytes, digest))
}

/// The commit of the working tree (`git rev-parse HEAD`), else `unknown`: the commit of a
/// package uploaded without one named.
pub fn working_tree_commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// The operator's cancel of an upload in flight, as the upload sees it: looked at before each
/// part and before the copy, and raced against a `PutObject` in flight.
#[derive(Debug, Clone)]
pub struct Cancel(tokio::sync::watch::Receiver<bool>);

/// What cancels an upload: [`CancelHandle::cancel`], once.
#[derive(Debug)]
pub struct CancelHandle(tokio::sync::watch::Sender<bool>);

impl Cancel {
    /// A cancel and the handle that sets it.
    pub fn new() -> (CancelHandle, Cancel) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (CancelHandle(tx), Cancel(rx))
    }

    /// A cancel nobody can set (the command line, a plain `ops::apply`).
    pub fn never() -> Cancel {
        Cancel::new().1
    }

    /// Whether the operator cancelled.
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until the operator cancels (forever for [`Cancel::never`]).
    async fn wait(&self) {
        let mut rx = self.0.clone();
        if rx.wait_for(|c| *c).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl CancelHandle {
    /// Cancels the upload.
    pub fn cancel(&self) {
        let _ = self.0.send(true);
    }

    /// Whether the upload it cancels has ended (nobody looks at the cancel any more).
    pub fn is_closed(&self) -> bool {
        self.0.is_closed()
    }
}

/// The first words of the outcome of a cancelled upload.
pub const CANCELLED: &str = "cancelled: nothing was released";

/// Uploads the package (reporting bytes sent and total to `progress`), then promotes it;
/// until the copy, `cancel` stops it with nothing released.
pub async fn apply(
    cloud: &Cloud,
    request: &Request,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    cancel: &Cancel,
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
    let name = format!("s3://{bucket}/{key}");
    if cancel.is_set() {
        return cancelled(format!("{CANCELLED} (nothing was sent)"));
    }
    progress(0, total);
    let single = bytes.len() <= PART_BYTES;
    let written = if single {
        let req = PutRequest {
            sha256: Some(base64(&sha256(&bytes))),
            body: bytes,
            ..req.clone()
        };
        let put = tokio::select! {
            biased;
            () = cancel.wait() => None,
            put = cloud.storage.put_object(&req) => Some(put),
        };
        let Some(put) = put else {
            return dropped_put(cloud, &req, total, &name).await;
        };
        progress(total, total);
        put.map(|_| ()).map_err(|e| (e, Some(req)))
    } else {
        match multipart(cloud, &req, &bytes, progress, cancel).await {
            Ok(Parts::Completed) => Ok(()),
            Ok(Parts::Aborted(note)) => return cancelled(format!("{CANCELLED} ({note})")),
            Err(e) => Err((e, None)),
        }
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
    if cancel.is_set() {
        return cancelled(format!(
            "{CANCELLED}: the upload had finished; {name} is kept and not copied to {to_key} \
             (promote it with --from {})",
            metadata.get("version").map_or("VERSION", String::as_str)
        ));
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

/// The outcome of an upload the operator cancelled: audited `declined`.
fn cancelled(message: String) -> Outcome {
    Outcome {
        delivery: crate::ops::plan::Delivery::Cancelled,
        ..Outcome::refused(Refusal::by(Guard::Confirmation, message))
    }
}

/// A `PutObject` dropped in flight by a cancel: it may have reached S3 all the same, so the key
/// is read to say whether the package is there (it is never copied to the source key).
async fn dropped_put(cloud: &Cloud, req: &PutRequest, total: u64, name: &str) -> Outcome {
    match package_landed(cloud, &req.bucket, &req.key, &req.metadata, total).await {
        Ok(Landed::Absent) => cancelled(format!("{CANCELLED} (PutObject dropped; {name} absent)")),
        Ok(Landed::Ours) => cancelled(format!(
            "{CANCELLED}: the PutObject reached S3 before the cancel; {name} is kept and not \
             copied to the source key (promote it with --from {})",
            req.metadata
                .get("version")
                .map_or("VERSION", String::as_str)
        )),
        Ok(Landed::Other) => cancelled(format!(
            "{CANCELLED} (PutObject dropped; {name} holds another package)"
        )),
        Err(e) => cancelled(format!(
            "{CANCELLED} (PutObject dropped; whether it reached {name} is unknown: {e})"
        )),
    }
}

/// How a multipart upload ended without an error.
enum Parts {
    /// Every part sent and the upload completed.
    Completed,
    /// The operator cancelled: the upload was aborted (the note says how far it went).
    Aborted(String),
}

/// A multipart upload in [`PART_BYTES`] parts, aborted on any failure and on a cancel (looked
/// at before each part; a part in flight is dropped).
async fn multipart(
    cloud: &Cloud,
    req: &PutRequest,
    bytes: &[u8],
    progress: &mut (dyn FnMut(u64, u64) + Send),
    cancel: &Cancel,
) -> Result<Parts, CloudError> {
    let s = &cloud.storage;
    let id = s.create_multipart(req).await?;
    let total = bytes.len() as u64;
    let mut parts: Vec<UploadedPart> = Vec::new();
    let mut sent = 0u64;
    let upload_id = id.as_str();
    let abort = |sent: u64| async move {
        let note = match s.abort_multipart(&req.bucket, &req.key, upload_id).await {
            Ok(()) => format!("multipart upload aborted after {sent} of {total} bytes"),
            Err(e) => format!(
                "AbortMultipartUpload failed ({e}): the parts sent stay until the bucket's \
                 lifecycle removes them"
            ),
        };
        Ok(Parts::Aborted(note))
    };
    for (i, chunk) in bytes.chunks(PART_BYTES).enumerate() {
        if cancel.is_set() {
            return abort(sent).await;
        }
        let number = i as i32 + 1;
        let part = tokio::select! {
            biased;
            () = cancel.wait() => None,
            part = s.upload_part(&req.bucket, &req.key, &id, number, chunk.to_vec()) => Some(part),
        };
        match part {
            None => return abort(sent).await,
            Some(Ok(part)) => parts.push(part),
            Some(Err(e)) => {
                let _ = s.abort_multipart(&req.bucket, &req.key, &id).await;
                return Err(e);
            }
        }
        sent += chunk.len() as u64;
        progress(sent, total);
    }
    if cancel.is_set() {
        return abort(sent).await;
    }
    let done = s
        .complete_multipart(&req.bucket, &req.key, &id, &parts, true)
        .await;
    if done.is_err() {
        let _ = s.abort_multipart(&req.bucket, &req.key, &id).await;
    }
    done.map(|_| Parts::Completed)
}

#[cfg(test)]
mod tests {
    use super::read_package;

    /// A directory, an empty file and a file that is no zip are errors naming the path; a zip
    /// is read with its SHA-256.
    #[test]
    fn only_a_zip_file_is_a_release_package() {
        let dir = std::env::temp_dir().join(format!("shipdeck-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let d = dir.display().to_string();
        assert_eq!(
            read_package(&d).unwrap_err(),
            format!("{d} is a directory; expected a release package (zip)")
        );
        let text = dir.join("notes.txt");
        std::fs::write(&text, "release notes").unwrap();
        let t = text.display().to_string();
        assert_eq!(
            read_package(&t).unwrap_err(),
            format!("{t} is not a release package: not a zip file (it does not start with `PK`)")
        );
        let empty = dir.join("empty.zip");
        std::fs::write(&empty, "").unwrap();
        assert!(
            read_package(&empty.display().to_string())
                .unwrap_err()
                .contains("is empty")
        );
        let zip = dir.join("app-1.0.0.zip");
        std::fs::write(&zip, b"PK\x05\x06").unwrap();
        let (bytes, sha) = read_package(&zip.display().to_string()).unwrap();
        assert_eq!((bytes.len(), sha.len()), (4, 64));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
