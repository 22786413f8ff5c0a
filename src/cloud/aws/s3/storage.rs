//! The `Storage` port over S3: `ListObjectsV2` pages (`MaxKeys` up to S3's 1000, followed by
//! `NextContinuationToken` while `IsTruncated`), streamed `GetObject`, `HeadObject`.

use super::super::AwsCloud;
use super::super::convert::ts_or_zero;
use super::super::errors::{Call, map};
use super::uploads;
use crate::cloud::{
    CloudError, CloudResult, ObjectMeta, ObjectPage, ObjectVersion, PutOutcome, PutRequest,
    Storage, UploadedPart,
};
use crate::domain::ObjectInfo;
use async_trait::async_trait;

/// Largest object body read into memory (access-log files are a few MiB at most).
pub const MAX_OBJECT_BYTES: u64 = 256 * 1024 * 1024;

fn call<'a>(
    operation: &'static str,
    iam: &'static str,
    resources: &'a [(&'static str, &'a str)],
) -> Call<'a> {
    Call {
        service: "s3",
        operation,
        iam,
        resources,
    }
}

fn too_large(bucket: &str, key: &str, size: u64) -> CloudError {
    CloudError::Rejected {
        code: "ObjectTooLarge".into(),
        message: format!(
            "s3://{bucket}/{key} is {size} bytes; shipdeck reads objects up to {MAX_OBJECT_BYTES}"
        ),
    }
}

#[async_trait]
impl Storage for AwsCloud {
    async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        start_after: Option<&str>,
        continuation: Option<&str>,
        max_keys: usize,
    ) -> CloudResult<ObjectPage> {
        let r = self.ready().await;
        let resources = [("bucket", bucket)];
        let c = call("ListObjectsV2", "s3:ListBucket", &resources);
        let out = r
            .clients
            .s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_start_after(start_after.map(str::to_string))
            .set_continuation_token(continuation.map(str::to_string))
            .max_keys(max_keys.min(1000) as i32)
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        let objects = out
            .contents()
            .iter()
            .map(|o| ObjectInfo {
                key: o.key.clone().unwrap_or_default(),
                size: o.size.unwrap_or(0).max(0) as u64,
                last_modified: ts_or_zero(o.last_modified.as_ref()),
                etag: o.e_tag.clone().unwrap_or_default(),
            })
            .collect();
        // A truncated page without the token of the next one cannot be followed: an error, never
        // a listing that silently ends there.
        let next_token = match (
            out.is_truncated.unwrap_or(false),
            out.next_continuation_token,
        ) {
            (false, _) => None,
            (true, Some(token)) if !token.is_empty() => Some(token),
            (true, _) => {
                return Err(CloudError::Server {
                    service: "s3".into(),
                    operation: "ListObjectsV2".into(),
                    message: format!(
                        "the listing of s3://{bucket}/{prefix} from {} is truncated but has no \
                         NextContinuationToken",
                        r.site.endpoint_of("s3")
                    ),
                });
            }
        };
        Ok(ObjectPage {
            objects,
            next_token,
        })
    }

    async fn get_object(&self, bucket: &str, key: &str) -> CloudResult<Vec<u8>> {
        let r = self.ready().await;
        let path = format!("s3://{bucket}/{key}");
        let named = [("key", path.as_str()), ("bucket", bucket)];
        let c = call("GetObject", "s3:GetObject", &named);
        let out = r
            .clients
            .s3
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        let declared = out.content_length.unwrap_or(0).max(0) as u64;
        if declared > MAX_OBJECT_BYTES {
            return Err(too_large(bucket, key, declared));
        }
        let mut body = out.body;
        let mut bytes = Vec::with_capacity(declared as usize);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                CloudError::Network(format!(
                    "reading {path} from {} failed: {e}",
                    r.site.endpoint_of("s3")
                ))
            })?;
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > MAX_OBJECT_BYTES {
                return Err(too_large(bucket, key, bytes.len() as u64));
            }
        }
        Ok(bytes)
    }

    async fn list_object_versions(
        &self,
        bucket: &str,
        key: &str,
        max: usize,
    ) -> CloudResult<Vec<ObjectVersion>> {
        let r = self.ready().await;
        let path = format!("s3://{bucket}/{key}");
        let named = [("key", path.as_str()), ("bucket", bucket)];
        let c = call("ListObjectVersions", "s3:ListBucketVersions", &named);
        // The key's own versions come first: every other key it prefixes sorts after it.
        let out = r
            .clients
            .s3
            .list_object_versions()
            .bucket(bucket)
            .prefix(key)
            .max_keys(i32::try_from(max.clamp(1, 1000)).unwrap_or(1000))
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        let mut versions: Vec<ObjectVersion> = out
            .versions
            .iter()
            .flatten()
            .filter(|v| v.key.as_deref() == Some(key))
            .map(|v| ObjectVersion {
                info: ObjectInfo {
                    key: key.to_string(),
                    size: v.size.unwrap_or(0).max(0) as u64,
                    last_modified: ts_or_zero(v.last_modified.as_ref()),
                    etag: v.e_tag.clone().unwrap_or_default(),
                },
                version_id: v.version_id.clone().unwrap_or_else(|| "null".into()),
                is_latest: v.is_latest.unwrap_or(false),
            })
            .collect();
        versions.sort_by_key(|v| std::cmp::Reverse(v.info.last_modified));
        versions.truncate(max);
        Ok(versions)
    }

    async fn head_object_version(
        &self,
        bucket: &str,
        key: &str,
        version_id: &str,
    ) -> CloudResult<ObjectMeta> {
        head(self, bucket, key, Some(version_id)).await
    }

    async fn head_object(&self, bucket: &str, key: &str) -> CloudResult<ObjectMeta> {
        head(self, bucket, key, None).await
    }

    async fn put_object(&self, req: &PutRequest) -> CloudResult<PutOutcome> {
        uploads::put_object(self, req).await
    }

    async fn create_multipart(&self, req: &PutRequest) -> CloudResult<String> {
        uploads::create_multipart(self, req).await
    }

    async fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        part: i32,
        body: Vec<u8>,
    ) -> CloudResult<UploadedPart> {
        uploads::upload_part(self, (bucket, key, upload_id), part, body).await
    }

    async fn complete_multipart(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[UploadedPart],
        if_none_match: bool,
    ) -> CloudResult<PutOutcome> {
        let upload = (bucket, key, upload_id);
        uploads::complete_multipart(self, upload, parts, if_none_match).await
    }

    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> CloudResult<()> {
        uploads::abort_multipart(self, bucket, key, upload_id).await
    }

    async fn copy_object(
        &self,
        from_bucket: &str,
        from_key: &str,
        to_bucket: &str,
        to_key: &str,
    ) -> CloudResult<PutOutcome> {
        uploads::copy_object(self, (from_bucket, from_key), (to_bucket, to_key)).await
    }
}

/// HeadObject of the key's current version, or of `version_id`.
async fn head(
    cloud: &AwsCloud,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
) -> CloudResult<ObjectMeta> {
    let r = cloud.ready().await;
    let (path, action) = match version_id {
        Some(v) => (
            format!("s3://{bucket}/{key}?versionId={v}"),
            "s3:GetObjectVersion",
        ),
        None => (format!("s3://{bucket}/{key}"), "s3:GetObject"),
    };
    let named = [("key", path.as_str()), ("bucket", bucket)];
    let c = call("HeadObject", action, &named);
    let out = r
        .clients
        .s3
        .head_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version_id.map(str::to_string))
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(ObjectMeta {
        info: ObjectInfo {
            key: key.to_string(),
            size: out.content_length.unwrap_or(0).max(0) as u64,
            last_modified: ts_or_zero(out.last_modified.as_ref()),
            etag: out.e_tag.clone().unwrap_or_default(),
        },
        version_id: out.version_id.clone(),
        metadata: out
            .metadata
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    })
}
