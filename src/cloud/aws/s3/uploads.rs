//! The `Storage` port's writes over S3: `PutObject`, multipart uploads and `CopyObject`, with
//! SHA-256 checksums and conditional writes (`If-None-Match: *`).

use super::super::AwsCloud;
use super::super::errors::{Call, map};
use crate::cloud::{CloudError, CloudResult, PutOutcome, PutRequest, UploadedPart};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types as sdk;

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

/// `s3://bucket/key`, the name error messages use.
fn url(bucket: &str, key: &str) -> String {
    format!("s3://{bucket}/{key}")
}

/// `x-amz-copy-source`: `bucket/key` with the key percent-encoded (slashes kept).
pub(crate) fn copy_source(bucket: &str, key: &str) -> String {
    let mut out = format!("{bucket}/");
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `PutObject`.
pub(super) async fn put_object(aws: &AwsCloud, req: &PutRequest) -> CloudResult<PutOutcome> {
    let r = aws.ready().await;
    let path = url(&req.bucket, &req.key);
    let named = [("key", path.as_str()), ("bucket", req.bucket.as_str())];
    let c = call("PutObject", "s3:PutObject", &named);
    let out = r
        .clients
        .s3
        .put_object()
        .bucket(&req.bucket)
        .key(&req.key)
        .body(ByteStream::from(req.body.clone()))
        .set_metadata(Some(req.metadata.clone().into_iter().collect()))
        .set_content_type(req.content_type.clone())
        .checksum_algorithm(sdk::ChecksumAlgorithm::Sha256)
        .set_checksum_sha256(req.sha256.clone())
        .set_if_none_match(req.if_none_match.then(|| "*".to_string()))
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(PutOutcome {
        etag: out.e_tag.unwrap_or_default(),
        version_id: out.version_id,
    })
}

/// `CreateMultipartUpload` with SHA-256 part checksums; returns the upload id.
pub(super) async fn create_multipart(aws: &AwsCloud, req: &PutRequest) -> CloudResult<String> {
    let r = aws.ready().await;
    let path = url(&req.bucket, &req.key);
    let named = [("key", path.as_str()), ("bucket", req.bucket.as_str())];
    let c = call("CreateMultipartUpload", "s3:PutObject", &named);
    let out = r
        .clients
        .s3
        .create_multipart_upload()
        .bucket(&req.bucket)
        .key(&req.key)
        .set_metadata(Some(req.metadata.clone().into_iter().collect()))
        .set_content_type(req.content_type.clone())
        .checksum_algorithm(sdk::ChecksumAlgorithm::Sha256)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    // Without an upload id no part can be sent: an answer that lacks one is the service's fault,
    // said as such, not an empty id every later call would be refused with.
    out.upload_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| CloudError::Server {
            service: "S3".into(),
            operation: "CreateMultipartUpload".into(),
            message: format!("the answer for {path} carries no UploadId"),
        })
}

/// `UploadPart`.
pub(super) async fn upload_part(
    aws: &AwsCloud,
    (bucket, key, upload_id): (&str, &str, &str),
    part: i32,
    body: Vec<u8>,
) -> CloudResult<UploadedPart> {
    let r = aws.ready().await;
    let path = url(bucket, key);
    let named = [
        ("multipart upload", upload_id),
        ("key", path.as_str()),
        ("bucket", bucket),
    ];
    let c = call("UploadPart", "s3:PutObject", &named);
    let out = r
        .clients
        .s3
        .upload_part()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .part_number(part)
        .body(ByteStream::from(body))
        .checksum_algorithm(sdk::ChecksumAlgorithm::Sha256)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(UploadedPart {
        part,
        etag: out.e_tag.unwrap_or_default(),
        sha256: out.checksum_sha256,
    })
}

/// `CompleteMultipartUpload`, optionally refusing to overwrite.
pub(super) async fn complete_multipart(
    aws: &AwsCloud,
    (bucket, key, upload_id): (&str, &str, &str),
    parts: &[UploadedPart],
    if_none_match: bool,
) -> CloudResult<PutOutcome> {
    let r = aws.ready().await;
    let path = url(bucket, key);
    let named = [
        ("multipart upload", upload_id),
        ("key", path.as_str()),
        ("bucket", bucket),
    ];
    let c = call("CompleteMultipartUpload", "s3:PutObject", &named);
    let completed = sdk::CompletedMultipartUpload::builder()
        .set_parts(Some(
            parts
                .iter()
                .map(|p| {
                    sdk::CompletedPart::builder()
                        .part_number(p.part)
                        .e_tag(&p.etag)
                        .set_checksum_sha256(p.sha256.clone())
                        .build()
                })
                .collect(),
        ))
        .build();
    let out = r
        .clients
        .s3
        .complete_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .multipart_upload(completed)
        .set_if_none_match(if_none_match.then(|| "*".to_string()))
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(PutOutcome {
        etag: out.e_tag.unwrap_or_default(),
        version_id: out.version_id,
    })
}

/// `AbortMultipartUpload`.
pub(super) async fn abort_multipart(
    aws: &AwsCloud,
    bucket: &str,
    key: &str,
    upload_id: &str,
) -> CloudResult<()> {
    let r = aws.ready().await;
    let path = url(bucket, key);
    let named = [
        ("multipart upload", upload_id),
        ("key", path.as_str()),
        ("bucket", bucket),
    ];
    let c = call("AbortMultipartUpload", "s3:AbortMultipartUpload", &named);
    r.clients
        .s3
        .abort_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(())
}

/// `CopyObject` of the newest version, metadata copied with it.
pub(super) async fn copy_object(
    aws: &AwsCloud,
    (from_bucket, from_key): (&str, &str),
    (to_bucket, to_key): (&str, &str),
) -> CloudResult<PutOutcome> {
    let r = aws.ready().await;
    let from = url(from_bucket, from_key);
    let to = url(to_bucket, to_key);
    let named = [
        ("key", from.as_str()),
        ("key", to.as_str()),
        ("bucket", to_bucket),
    ];
    let c = call(
        "CopyObject",
        "s3:PutObject (and s3:GetObject on the source)",
        &named,
    );
    let out = r
        .clients
        .s3
        .copy_object()
        .copy_source(copy_source(from_bucket, from_key))
        .bucket(to_bucket)
        .key(to_key)
        .metadata_directive(sdk::MetadataDirective::Copy)
        .checksum_algorithm(sdk::ChecksumAlgorithm::Sha256)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    Ok(PutOutcome {
        etag: out
            .copy_object_result
            .and_then(|r| r.e_tag)
            .unwrap_or_default(),
        version_id: out.version_id,
    })
}
