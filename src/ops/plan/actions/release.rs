//! Trigger a release: promote a package kept under the release prefix to an environment's
//! source key (`CopyObject`, metadata kept), or upload a local package first (never overwriting
//! an existing version). The new source object starts the pipeline.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::domain::{EnvSpec, ExecutionStatus, Release, SUMMARY_KEY, Version};
use serde_json::json;
use std::collections::BTreeMap;

pub use super::super::package::{
    CATALOGUE_MAX, Catalogue, Limits, Package, UNNAMED_MAX, version_of_key,
};
use super::super::package::{not_found, package_key};

/// A local package to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPackage {
    /// File path.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// The release it is.
    pub release: Release,
}

/// What the plan would ship, what runs now, and the key the copy lands on.
fn shipping_lines(spec: &EnvSpec, r: &Release, data: &PipelineData<'_>) -> [String; 3] {
    [
        format!("would ship:    {}", r.describe()),
        format!("deployed now:  {}", data.deployed_text()),
        format!(
            "source key:    s3://{}/{}",
            spec.source_bucket, spec.source_key
        ),
    ]
}

/// What a release manager should know before shipping `r` to the environment: the same
/// release again, an older one than runs, or one the environment it promotes from has not run.
pub fn promotion_warnings(env: &str, r: &Release, data: &PipelineData<'_>) -> Vec<String> {
    let v = &r.version;
    let mut out = Vec::new();
    if let Some(runs) = data.deployed_release() {
        if runs.version == *v {
            out.push(format!(
                "{env} already runs {v}: releasing it again starts the pipeline on the same release"
            ));
        } else if runs.version > *v {
            out.push(format!(
                "{env} runs {}, newer than {v}: this ships an older release (a rollback of the \
                 deploy stage redeploys an earlier execution instead)",
                runs.version
            ));
        }
    }
    let Some(up) = data.upstream else {
        return out;
    };
    let ran_there = up.executions.iter().any(|e| {
        e.status == ExecutionStatus::Succeeded && e.release().is_some_and(|x| x.version == *v)
    });
    match up.deployed {
        Ok(Some(e)) => match e.release() {
            Some(there) if there.version == *v || ran_there => {}
            Some(there) if there.version < *v => out.push(format!(
                "{} (which {env} promotes from) runs {}: {v} has not been through {} yet",
                up.name, there.version, up.name
            )),
            Some(there) => out.push(format!(
                "{} (which {env} promotes from) runs {}; {v} is not among its last {} executions \
                 that succeeded",
                up.name,
                there.version,
                up.executions.len()
            )),
            None => out.push(format!(
                "what runs in {} (which {env} promotes from) names no release: {v} may not have \
                 been through it",
                up.name
            )),
        },
        Ok(None) if !ran_there => out.push(format!(
            "nothing has been deployed in {} (which {env} promotes from) yet",
            up.name
        )),
        Ok(None) => {}
        Err(why) => out.push(format!(
            "what runs in {} (which {env} promotes from) is unknown ({why}): whether {v} has \
             been through it cannot be told",
            up.name
        )),
    }
    out
}

fn head(ctx: &Context<'_>, what: &str) -> String {
    format!(
        "{what} to {}{}: the pipeline {} starts on it",
        ctx.spec.name,
        if ctx.spec.protected {
            " (PROTECTED)"
        } else {
            ""
        },
        ctx.spec.pipeline
    )
}

/// Plans promoting the catalogue's package of `version` to the environment's source key.
pub fn plan_promote(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    packages: &[Package],
    version: &str,
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let Some(wanted) = Version::parse(version) else {
        return Err(Refusal::by(
            Guard::Input,
            format!("--from expects a version such as 1.43.0, got `{version}`"),
        ));
    };
    let Some(p) = packages.iter().find(|p| p.release.version == wanted) else {
        let text = not_found(&spec.source_bucket, &spec.release_prefix, packages, &wanted);
        return Err(Refusal::by(Guard::Input, text));
    };
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let r = &p.release;
    let mut summary = vec![
        head(ctx, &format!("Release {}", r.version)),
        format!(
            "package:       s3://{}/{} ({} bytes, uploaded {})",
            spec.source_bucket, p.key, p.size, p.last_modified
        ),
    ];
    summary.extend(shipping_lines(spec, r, &data));
    summary.extend(super::freeze::frozen_lines(data.state));
    let call = ApiCall::new(
        "s3",
        "CopyObject",
        json!({
            "Bucket": spec.source_bucket,
            "Key": spec.source_key,
            "CopySource": format!("{}/{}", spec.source_bucket, p.key),
            "MetadataDirective": "COPY",
        }),
    );
    Ok(Plan {
        kind: OpKind::Release,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: promotion_warnings(&spec.name, r, &data),
        target: Target::new(
            format!("{}/{} to {}", spec.source_bucket, p.key, spec.source_key),
            format!("release {} (commit {})", r.version, r.short_commit()),
        ),
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Promote {
            pipeline: spec.pipeline.clone(),
            bucket: spec.source_bucket.clone(),
            from_key: p.key.clone(),
            to_key: spec.source_key.clone(),
            version: r.version.to_string(),
        },
        note: None,
    })
}

/// Plans uploading a local package as a new version, then promoting it.
pub fn plan_upload(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    packages: &[Package],
    local: &LocalPackage,
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let r = &local.release;
    if let Some(p) = packages.iter().find(|p| p.release.version == r.version) {
        return Err(Refusal::by(
            Guard::VersionExists,
            format!(
                "version {} already exists (s3://{}/{}); versions are never overwritten — pick a new \
                 version, or promote it with --from {}",
                r.version, spec.source_bucket, p.key, r.version
            ),
        ));
    }
    let key = package_key(spec, &r.version);
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let mut summary = vec![
        head(ctx, &format!("Upload and release {}", r.version)),
        format!("package:       {} ({} bytes)", local.path, local.size),
        format!("sha-256:       {}", local.sha256),
        format!(
            "upload to:     s3://{}/{key} (only if absent)",
            spec.source_bucket
        ),
    ];
    summary.extend(shipping_lines(spec, r, &data));
    summary.extend(super::freeze::frozen_lines(data.state));
    let metadata: BTreeMap<String, String> = [
        (SUMMARY_KEY.to_string(), r.summary()),
        ("version".into(), r.version.to_string()),
        ("commit".into(), r.commit.clone()),
        ("actor".into(), r.actor.clone()),
        ("sha256".into(), local.sha256.clone()),
    ]
    .into_iter()
    .collect();
    let call = ApiCall::new(
        "s3",
        "PutObject",
        json!({
            "Bucket": spec.source_bucket,
            "Key": key,
            "Body": local.path,
            "IfNoneMatch": "*",
            "ContentType": CONTENT_TYPE,
            "ChecksumSHA256": super::super::digest::base64(&hex_bytes(&local.sha256)),
            "Metadata": metadata,
        }),
    );
    let copy = ApiCall::new(
        "s3",
        "CopyObject",
        json!({
            "Bucket": spec.source_bucket,
            "Key": spec.source_key,
            "CopySource": format!("{}/{key}", spec.source_bucket),
            "MetadataDirective": "COPY",
        }),
    );
    Ok(Plan {
        kind: OpKind::Release,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: promotion_warnings(&spec.name, r, &data),
        target: Target::new(
            format!(
                "upload {key} sha256 {} to {}",
                local.sha256, spec.source_key
            ),
            format!("release {} from {}", r.version, local.path),
        ),
        aws_command: format!(
            "{} && {}",
            upload_command(&call, spec, &key, local, &metadata),
            copy.aws_command()
        ),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Upload {
            pipeline: spec.pipeline.clone(),
            bucket: spec.source_bucket.clone(),
            key,
            to_key: spec.source_key.clone(),
            path: local.path.clone(),
            size: local.size,
            sha256: local.sha256.clone(),
            metadata,
        },
        note: None,
    })
}

/// The content type of a release package.
pub const CONTENT_TYPE: &str = "application/zip";

/// The largest object one `PutObject` (so `aws s3api put-object`) can write: 5 GiB.
pub const MAX_SINGLE_PUT: u64 = 5 * 1024 * 1024 * 1024;

/// The `aws` command that uploads the package as shipdeck does: `s3api put-object` with the
/// metadata, the checksum and `--if-none-match '*'`; beyond 5 GiB (a multipart upload, which
/// `aws s3 cp` makes itself) `aws s3 cp` after a check that the key is absent.
fn upload_command(
    put: &ApiCall,
    spec: &EnvSpec,
    key: &str,
    local: &LocalPackage,
    metadata: &BTreeMap<String, String>,
) -> String {
    if local.size <= MAX_SINGLE_PUT {
        return put.aws_command();
    }
    let meta = serde_json::to_string(metadata).unwrap_or_default();
    let q = super::super::text::shell_quote;
    format!(
        "! aws s3api head-object --bucket {b} --key {k} >/dev/null 2>&1 && aws s3 cp {path} {url} \
         --content-type {CONTENT_TYPE} --checksum-algorithm SHA256 --metadata {meta}",
        b = q(&spec.source_bucket),
        k = q(key),
        path = q(&local.path),
        url = q(&format!("s3://{}/{key}", spec.source_bucket)),
        meta = q(&meta),
    )
}

/// Bytes of a hex string (invalid pairs read as 0).
pub fn hex_bytes(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .unwrap_or(0)
        })
        .collect()
}
