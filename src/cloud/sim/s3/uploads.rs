//! S3 writes as the API serves them: `PutObject`, multipart uploads and `CopyObject`, with
//! SHA-256 checksums and conditional writes. A write to an environment's source key starts its
//! pipeline, as the S3 source's EventBridge rule does after a GitHub Actions upload.

use super::super::Simulator;
use super::super::codepipeline::flow::SUMMARY_KEY;
use super::super::deployer::Deployer;
use super::buckets::{Object, etag_of};
use crate::cloud::{CloudError, CloudResult, PutOutcome, PutRequest, UploadedPart};
use crate::domain::{Release, Version};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Smallest part S3 accepts in a completed upload, except the last.
pub const MIN_PART_BYTES: usize = 5 * 1024 * 1024;
/// Highest part number.
const MAX_PART: i32 = 10_000;

/// An open multipart upload.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    bucket: String,
    key: String,
    metadata: BTreeMap<String, String>,
    /// Part number → (bytes, etag).
    parts: BTreeMap<i32, (Vec<u8>, String)>,
}

fn rejected(code: &str, message: impl Into<String>) -> CloudError {
    CloudError::Rejected {
        code: code.into(),
        message: message.into(),
    }
}

fn url(bucket: &str, key: &str) -> String {
    format!("s3://{bucket}/{key}")
}

/// Base64 SHA-256, as S3's `x-amz-checksum-sha256`.
pub(crate) fn sha256_b64(bytes: &[u8]) -> String {
    aws_smithy_types::base64::encode(Sha256::digest(bytes))
}

fn exists(bucket: &str, key: &str) -> CloudError {
    CloudError::AlreadyExists {
        kind: "key".into(),
        name: url(bucket, key),
    }
}

fn no_upload(id: &str) -> CloudError {
    CloudError::NotFound {
        kind: "multipart upload".into(),
        name: id.into(),
    }
}

impl Simulator {
    fn need_bucket(&self, bucket: &str) -> CloudResult<()> {
        if self.buckets.has_bucket(bucket) {
            Ok(())
        } else {
            Err(CloudError::NotFound {
                kind: "bucket".into(),
                name: bucket.into(),
            })
        }
    }

    /// Stores `object` and reacts as the world does: a release package is published, a
    /// source key starts its pipeline.
    fn write(&mut self, bucket: &str, key: &str, object: Object) -> PutOutcome {
        let etag = object.etag.clone();
        let release = object
            .metadata
            .get(SUMMARY_KEY)
            .and_then(|s| Release::parse_summary(s));
        let version_id = self.buckets.put(bucket, key, object);
        for env in 0..self.envs.len() {
            let spec = &self.envs[env].spec;
            if spec.source_bucket != bucket {
                continue;
            }
            if spec.source_key == key {
                let trigger = self.event_trigger(env);
                self.begin_execution(env, trigger, None, &Default::default());
            } else if key.starts_with(&spec.release_prefix)
                && let Some(r) = &release
            {
                self.deployer.record_release(r);
            }
        }
        PutOutcome { etag, version_id }
    }

    /// `PutObject`.
    pub(crate) fn op_put_object(&mut self, req: &PutRequest) -> CloudResult<PutOutcome> {
        self.need_bucket(&req.bucket)?;
        if let Some(expected) = &req.sha256
            && *expected != sha256_b64(&req.body)
        {
            return Err(rejected(
                "BadDigest",
                format!(
                    "The SHA256 you specified did not match the calculated checksum of {}",
                    url(&req.bucket, &req.key)
                ),
            ));
        }
        if req.if_none_match && self.buckets.latest(&req.bucket, &req.key).is_some() {
            return Err(exists(&req.bucket, &req.key));
        }
        let object = Object::new(req.body.clone(), self.now, req.metadata.clone());
        self.record("PutObject", url(&req.bucket, &req.key), "", None);
        Ok(self.write(&req.bucket, &req.key, object))
    }

    /// `CreateMultipartUpload`.
    pub(crate) fn op_create_multipart(&mut self, req: &PutRequest) -> CloudResult<String> {
        self.need_bucket(&req.bucket)?;
        let id = self.rng.hex(64);
        self.uploads.insert(
            id.clone(),
            Upload {
                bucket: req.bucket.clone(),
                key: req.key.clone(),
                metadata: req.metadata.clone(),
                parts: BTreeMap::new(),
            },
        );
        Ok(id)
    }

    fn upload_mut(&mut self, bucket: &str, key: &str, id: &str) -> CloudResult<&mut Upload> {
        self.uploads
            .get_mut(id)
            .filter(|u| u.bucket == bucket && u.key == key)
            .ok_or_else(|| no_upload(id))
    }

    /// `UploadPart` (a part uploaded again replaces the earlier one).
    pub(crate) fn op_upload_part(
        &mut self,
        (bucket, key, id): (&str, &str, &str),
        part: i32,
        body: Vec<u8>,
    ) -> CloudResult<UploadedPart> {
        if !(1..=MAX_PART).contains(&part) {
            return Err(rejected(
                "InvalidArgument",
                format!("Part number must be an integer between 1 and {MAX_PART}, got {part}"),
            ));
        }
        let upload = self.upload_mut(bucket, key, id)?;
        let etag = etag_of(&body);
        let sha256 = Some(sha256_b64(&body));
        upload.parts.insert(part, (body, etag.clone()));
        Ok(UploadedPart { part, etag, sha256 })
    }

    /// `CompleteMultipartUpload`: the listed parts, in ascending order, become the object.
    pub(crate) fn op_complete_multipart(
        &mut self,
        (bucket, key, id): (&str, &str, &str),
        parts: &[UploadedPart],
        if_none_match: bool,
    ) -> CloudResult<PutOutcome> {
        let upload = self.upload_mut(bucket, key, id)?.clone();
        if parts.is_empty() {
            return Err(rejected(
                "MalformedXML",
                "The XML you provided did not list any part",
            ));
        }
        if parts.windows(2).any(|w| w[0].part >= w[1].part) {
            return Err(rejected(
                "InvalidPartOrder",
                "The list of parts was not in ascending order by part number",
            ));
        }
        let mut body = Vec::new();
        let mut etags = String::new();
        for (n, p) in parts.iter().enumerate() {
            let Some((bytes, etag)) = upload.parts.get(&p.part).filter(|(_, e)| *e == p.etag)
            else {
                return Err(rejected(
                    "InvalidPart",
                    format!(
                        "Part {} of upload {id} was not uploaded or its ETag does not match",
                        p.part
                    ),
                ));
            };
            if n + 1 < parts.len() && bytes.len() < MIN_PART_BYTES {
                return Err(rejected(
                    "EntityTooSmall",
                    format!(
                        "Part {} is {} bytes; every part but the last needs at least {MIN_PART_BYTES}",
                        p.part,
                        bytes.len()
                    ),
                ));
            }
            body.extend_from_slice(bytes);
            etags.push_str(etag);
        }
        if if_none_match && self.buckets.latest(bucket, key).is_some() {
            return Err(exists(bucket, key));
        }
        self.uploads.remove(id);
        let mut object = Object::new(body, self.now, upload.metadata);
        let whole = etag_of(etags.as_bytes());
        object.etag = format!("{}-{}\"", whole.trim_end_matches('"'), parts.len());
        self.record("CompleteMultipartUpload", url(bucket, key), "", None);
        Ok(self.write(bucket, key, object))
    }

    /// `AbortMultipartUpload`.
    pub(crate) fn op_abort_multipart(
        &mut self,
        bucket: &str,
        key: &str,
        id: &str,
    ) -> CloudResult<()> {
        self.upload_mut(bucket, key, id)?;
        self.uploads.remove(id);
        Ok(())
    }

    /// `CopyObject` of the newest version with its metadata (`MetadataDirective=COPY`).
    pub(crate) fn op_copy(
        &mut self,
        (from_bucket, from_key): (&str, &str),
        (to_bucket, to_key): (&str, &str),
    ) -> CloudResult<PutOutcome> {
        self.need_bucket(from_bucket)?;
        self.need_bucket(to_bucket)?;
        if (from_bucket, from_key) == (to_bucket, to_key) {
            return Err(rejected(
                "InvalidRequest",
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata",
            ));
        }
        let mut object = self
            .buckets
            .latest(from_bucket, from_key)
            .cloned()
            .ok_or_else(|| CloudError::NotFound {
                kind: "key".into(),
                name: url(from_bucket, from_key),
            })?;
        object.last_modified = self.now;
        object.version_id = None;
        self.record("CopyObject", url(to_bucket, to_key), from_key, None);
        Ok(self.write(to_bucket, to_key, object))
    }

    /// Truth: open multipart uploads.
    pub fn open_uploads(&self) -> usize {
        self.uploads.len()
    }
}

impl Deployer {
    /// A release package uploaded through the ports: published like GitHub Actions' own, and
    /// the next automatic release comes after it.
    pub(crate) fn record_release(&mut self, r: &Release) {
        if r.version.pre.is_some() || self.releases.iter().any(|x| x.version == r.version) {
            return;
        }
        self.releases.push(r.clone());
        if r.version >= self.next {
            let v = &r.version;
            self.next = Version::new(v.major, v.minor, v.patch + 1);
        }
    }
}
