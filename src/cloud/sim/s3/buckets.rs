//! Versioned in-memory S3 buckets: put, get, head (of a version too), `ListObjectsV2` paging and
//! `ListObjectVersions` of one key.

use super::super::cloudfront::traffic::LogRecipe;
use crate::cloud::{CloudError, CloudResult, ObjectMeta, ObjectPage, ObjectVersion};
use crate::domain::{ObjectInfo, Timestamp};
use std::collections::BTreeMap;

/// An object body: bytes, or an access-log file generated on first read.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// The bytes.
    Ready(Vec<u8>),
    /// A log file described by its recipe; its listed size is an estimate until first read.
    Lazy(Box<LogRecipe>),
}

/// One version of an object.
#[derive(Debug, Clone)]
pub(crate) struct Object {
    pub(crate) body: Body,
    pub(crate) size: u64,
    pub(crate) etag: String,
    pub(crate) version_id: Option<String>,
    pub(crate) last_modified: Timestamp,
    pub(crate) metadata: BTreeMap<String, String>,
}

impl Object {
    /// An object with a ready body; the ETag is a hash of the bytes.
    pub(crate) fn new(body: Vec<u8>, at: Timestamp, metadata: BTreeMap<String, String>) -> Object {
        let etag = etag_of(&body);
        Object {
            size: body.len() as u64,
            body: Body::Ready(body),
            etag,
            version_id: None,
            last_modified: at,
            metadata,
        }
    }
}

/// A 32-hex pseudo-MD5 ETag (FNV-based; only identity matters here).
pub(crate) fn etag_of(bytes: &[u8]) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for &x in bytes {
        a = (a ^ u64::from(x)).wrapping_mul(0x100_0000_01b3);
        b = (b ^ u64::from(x))
            .wrapping_mul(0x100_0000_01b3)
            .rotate_left(5);
    }
    format!("\"{a:016x}{b:016x}\"")
}

#[derive(Debug, Default)]
struct Bucket {
    versioned: bool,
    /// Key → versions, oldest first.
    objects: BTreeMap<String, Vec<Object>>,
}

/// Every bucket of the account.
#[derive(Debug, Default)]
pub(crate) struct Buckets {
    buckets: BTreeMap<String, Bucket>,
    versions: u64,
}

const TOKEN_PREFIX: &str = "sim1-";

fn no_bucket(name: &str) -> CloudError {
    CloudError::NotFound {
        kind: "bucket".into(),
        name: name.into(),
    }
}

impl Buckets {
    /// Creates a bucket (idempotent); versioned buckets keep every put.
    pub(crate) fn create(&mut self, name: &str, versioned: bool) {
        self.buckets.entry(name.to_string()).or_default().versioned |= versioned;
    }

    /// Whether bucket `name` exists.
    pub(crate) fn has_bucket(&self, name: &str) -> bool {
        self.buckets.contains_key(name)
    }

    /// Stores an object; returns its version id in a versioned bucket. Unknown buckets are created.
    pub(crate) fn put(&mut self, bucket: &str, key: &str, mut object: Object) -> Option<String> {
        let b = self.buckets.entry(bucket.to_string()).or_default();
        let versions = b.objects.entry(key.to_string()).or_default();
        if b.versioned {
            self.versions += 1;
            let mut h =
                self.versions.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ object.last_modified.0 as u64;
            const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
            let id: String = (0..32)
                .map(|i| {
                    if i % 10 == 0 {
                        h = h
                            .wrapping_mul(0x5851_F42D_4C95_7F2D)
                            .wrapping_add(self.versions);
                    }
                    let c = ABC[((h >> ((i % 10) * 6)) & 63) as usize];
                    c as char
                })
                .collect();
            object.version_id = Some(id);
        } else {
            versions.clear();
        }
        let id = object.version_id.clone();
        versions.push(object);
        id
    }

    fn latest_mut(&mut self, bucket: &str, key: &str) -> CloudResult<&mut Object> {
        let b = self
            .buckets
            .get_mut(bucket)
            .ok_or_else(|| no_bucket(bucket))?;
        b.objects
            .get_mut(key)
            .and_then(|v| v.last_mut())
            .ok_or_else(|| CloudError::NotFound {
                kind: "key".into(),
                name: format!("s3://{bucket}/{key}"),
            })
    }

    /// The newest version of an object.
    pub(crate) fn latest(&self, bucket: &str, key: &str) -> Option<&Object> {
        self.buckets.get(bucket)?.objects.get(key)?.last()
    }

    /// The version `version_id` of an object.
    pub(crate) fn version(&self, bucket: &str, key: &str, version_id: &str) -> Option<&Object> {
        let versions = self.buckets.get(bucket)?.objects.get(key)?;
        versions
            .iter()
            .find(|o| o.version_id.as_deref() == Some(version_id))
    }

    /// `GetObject`: the body (a lazy log file is generated now and kept).
    pub(crate) fn get(&mut self, bucket: &str, key: &str) -> CloudResult<Vec<u8>> {
        let object = self.latest_mut(bucket, key)?;
        if let Body::Lazy(recipe) = &object.body {
            let bytes = recipe.render();
            object.size = bytes.len() as u64;
            object.body = Body::Ready(bytes);
        }
        match &object.body {
            Body::Ready(bytes) => Ok(bytes.clone()),
            Body::Lazy(recipe) => Ok(recipe.render()),
        }
    }

    /// `HeadObject`.
    pub(crate) fn head(&mut self, bucket: &str, key: &str) -> CloudResult<ObjectMeta> {
        let o = self.latest_mut(bucket, key)?;
        Ok(ObjectMeta {
            info: info(key, o),
            version_id: o.version_id.clone(),
            metadata: o.metadata.clone(),
        })
    }

    /// `ListObjectVersions` of exactly `key`, newest first, at most `max`.
    pub(crate) fn versions(
        &self,
        bucket: &str,
        key: &str,
        max: usize,
    ) -> CloudResult<Vec<ObjectVersion>> {
        let b = self.buckets.get(bucket).ok_or_else(|| no_bucket(bucket))?;
        let versions = b.objects.get(key).map_or(&[][..], Vec::as_slice);
        Ok(versions
            .iter()
            .rev()
            .take(max)
            .enumerate()
            .map(|(i, o)| ObjectVersion {
                info: info(key, o),
                version_id: o.version_id.clone().unwrap_or_else(|| "null".into()),
                is_latest: i == 0,
            })
            .collect())
    }

    /// `HeadObject` of the version `version_id` of an object.
    pub(crate) fn head_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: &str,
    ) -> CloudResult<ObjectMeta> {
        if !self.buckets.contains_key(bucket) {
            return Err(no_bucket(bucket));
        }
        let o = self
            .version(bucket, key, version_id)
            .ok_or_else(|| CloudError::NotFound {
                kind: "version".into(),
                name: format!("s3://{bucket}/{key}?versionId={version_id}"),
            })?;
        Ok(ObjectMeta {
            info: info(key, o),
            version_id: o.version_id.clone(),
            metadata: o.metadata.clone(),
        })
    }

    /// `ListObjectsV2` as S3 pages it: the keys under `prefix` in byte order, after the key the
    /// continuation token stands for (else after `start_after`), at most `max_keys` (capped at
    /// S3's 1,000; 0 gives an empty page that is not truncated). `next_token`
    /// (`NextContinuationToken`) is set exactly when another key under the prefix follows
    /// (`IsTruncated`); a token this bucket did not issue is S3's `InvalidArgument`.
    pub(crate) fn list(
        &self,
        bucket: &str,
        prefix: &str,
        start_after: Option<&str>,
        continuation: Option<&str>,
        max_keys: usize,
    ) -> CloudResult<ObjectPage> {
        let b = self.buckets.get(bucket).ok_or_else(|| no_bucket(bucket))?;
        let after = match continuation {
            Some(token) => Some(decode_token(token).ok_or_else(|| CloudError::Rejected {
                code: "InvalidArgument".into(),
                message: "The continuation token provided is incorrect".into(),
            })?),
            None => start_after.map(str::to_string),
        };
        let max = max_keys.min(1000);
        let mut objects = Vec::new();
        let mut next_token = None;
        let from = after.clone().unwrap_or_else(|| prefix.to_string());
        for (key, versions) in b.objects.range(from..) {
            if after.as_deref() == Some(key.as_str()) {
                continue;
            }
            if !key.starts_with(prefix) {
                if key.as_str() > prefix {
                    break;
                }
                continue;
            }
            let Some(o) = versions.last() else { continue };
            if objects.len() == max {
                next_token = objects.last().map(|i: &ObjectInfo| encode_token(&i.key));
                break;
            }
            objects.push(info(key, o));
        }
        Ok(ObjectPage {
            objects,
            next_token,
        })
    }
}

fn info(key: &str, o: &Object) -> ObjectInfo {
    ObjectInfo {
        key: key.to_string(),
        size: o.size,
        last_modified: o.last_modified,
        etag: o.etag.clone(),
    }
}

fn encode_token(key: &str) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{TOKEN_PREFIX}{hex}")
}

fn decode_token(token: &str) -> Option<String> {
    let hex = token.strip_prefix(TOKEN_PREFIX)?;
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    String::from_utf8(bytes?).ok()
}

impl super::super::Simulator {
    /// Creates an unversioned bucket (idempotent), e.g. a logs bucket for a benchmark.
    pub fn create_bucket(&mut self, name: &str) {
        self.buckets.create(name, false);
    }
}
