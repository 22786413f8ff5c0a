//! Trigger a release: promote a package kept under the release prefix to an environment's
//! source key (`CopyObject`, metadata kept), or upload a local package first (never overwriting
//! an existing version). The new source object starts the pipeline, and the verify follows the
//! execution on exactly that version. On a V2 pipeline, a release the source key already holds
//! as one of its versions is started on that version (`StartPipelineExecution` with
//! `sourceRevisions`): no copy, so no second execution started by the S3 trigger.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::domain::{
    EnvSpec, ExecutionStatus, PipelineType, Release, SUMMARY_KEY, SourceObject, Version,
};
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

/// The versions of the source key a V2 release reads (newest first, each with the release its
/// metadata names), or why they could not be read.
pub type SourceVersions = Result<Vec<SourceObject>, String>;

/// Versions of the source key read for a V2 release (one `HeadObject` each).
pub const SOURCE_VERSIONS: usize = 10;

/// Whether releases on this pipeline start on an exact source version instead of copying: a V2
/// pipeline (`None`: the definition is not read yet, so not known to be V2).
pub fn starts_on_versions(data: &PipelineData<'_>) -> bool {
    data.def
        .is_some_and(|d| d.pipeline_type == Some(PipelineType::V2))
}

/// The newest of `versions` holding exactly release `r`: its version, and its commit when both
/// name one.
pub fn holding<'a>(versions: &'a [SourceObject], r: &Release) -> Option<&'a SourceObject> {
    versions.iter().find(|v| {
        v.version_id.is_some()
            && v.release.as_ref().is_some_and(|x| {
                x.version == r.version
                    && (r.commit.is_empty()
                        || x.commit.is_empty()
                        || x.commit.starts_with(&r.commit)
                        || r.commit.starts_with(&x.commit))
            })
    })
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
/// release again, an older one than runs, one the environment it promotes from has not run, and
/// what the new execution meets in the pipeline (an approval it waits behind, an execution it
/// supersedes).
pub fn promotion_warnings(env: &str, r: &Release, data: &PipelineData<'_>) -> Vec<String> {
    let mut out = order_warnings(env, r, data);
    out.extend(super::queue::new_execution_warnings(env, data));
    out
}

/// The same release again, an older one than runs, or one the upstream environment has not run.
fn order_warnings(env: &str, r: &Release, data: &PipelineData<'_>) -> Vec<String> {
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

/// Plans promoting the catalogue's package of `version` to the environment's source key: on a
/// V2 pipeline whose source key already holds it (`versions`, read beforehand), a start pinned
/// to that version; else a copy (`token`: the start's idempotency token).
pub fn plan_promote(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    packages: &[Package],
    version: &str,
    versions: Option<&SourceVersions>,
    token: &str,
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
    let mut warnings = promotion_warnings(&spec.name, r, &data);
    if starts_on_versions(&data) {
        match versions {
            None => {
                let target = Target::provisional(
                    format!("{}/{} to {}", spec.source_bucket, p.key, spec.source_key),
                    format!("release {} (commit {})", r.version, r.short_commit()),
                );
                return Err(Refusal::by(
                    Guard::Input,
                    format!(
                        "the versions of s3://{}/{} are not read yet (a V2 pipeline starts on the \
                        one that holds {} instead of copying)",
                        spec.source_bucket, spec.source_key, r.version
                    ),
                )
                .with_draft(target, summary));
            }
            Some(Ok(list)) => {
                if let Some(held) = holding(list, r) {
                    return Ok(start_on(
                        ctx, data, r, summary, warnings, held, token, read_only,
                    ));
                }
            }
            Some(Err(why)) => warnings.push(format!(
                "the versions of s3://{}/{} could not be read ({why}): copying instead of \
                starting on one, so the S3 trigger starts the execution",
                spec.source_bucket, spec.source_key
            )),
        }
    }
    summary.push(format!(
        "ships:         the new version of s3://{}/{} this copy writes; the verify follows the \
        execution whose source revision is exactly that version id",
        spec.source_bucket, spec.source_key
    ));
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
        warnings,
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

/// The plan of a V2 release the source key already holds as version `held`: one start pinned
/// to it, so that what is approved is exactly what ships, and nothing is copied (a copy would
/// make the S3 trigger start a second execution, on "the latest").
#[allow(clippy::too_many_arguments)]
fn start_on(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    r: &Release,
    mut summary: Vec<String>,
    warnings: Vec<String>,
    held: &SourceObject,
    token: &str,
    read_only: guards::GuardCheck,
) -> Plan {
    let spec = ctx.spec;
    let vid = held.version_id.clone().unwrap_or_default();
    let action = super::deploy::source_action(data.def).to_string();
    summary.push(format!(
        "ships:         source version {vid} of s3://{}/{} (written {}, holds {}): started on \
        exactly that version, nothing copied",
        spec.source_bucket, spec.source_key, held.last_modified, r.version
    ));
    summary.push(format!("idempotency:   clientRequestToken {token}"));
    summary.extend(super::freeze::frozen_lines(data.state));
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let call = ApiCall::new(
        "codepipeline",
        "StartPipelineExecution",
        json!({
            "name": spec.pipeline,
            "clientRequestToken": token,
            "sourceRevisions": [{
                "actionName": action,
                "revisionType": "S3_OBJECT_VERSION_ID",
                "revisionValue": vid,
            }],
        }),
    );
    Plan {
        kind: OpKind::Release,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings,
        target: Target::new(
            format!("{} source version {vid}", spec.pipeline),
            format!(
                "release {} (commit {}) as source version {vid}",
                r.version,
                r.short_commit()
            ),
        ),
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Start {
            pipeline: spec.pipeline.clone(),
            client_request_token: token.to_string(),
            variables: BTreeMap::new(),
            source_revisions: [(action, vid)].into_iter().collect(),
        },
        // The call names only the version id: the audit log keeps which release it holds.
        note: Some(format!(
            "release {} (commit {})",
            r.version,
            r.short_commit()
        )),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ActionCategory, ActionDef, PipelineDef, StageDef, Timestamp};
    use crate::ops::SelfApproval;

    fn spec() -> EnvSpec {
        EnvSpec {
            name: "stg".into(),
            protected: false,
            read_only: false,
            pipeline: "storefront-deployer-stg".into(),
            source_bucket: "storefront-deployer-source".into(),
            source_key: "stg/release.zip".into(),
            release_prefix: "releases/".into(),
            distribution_id: "E2".into(),
            logs_bucket: None,
            logs_prefix: "cloudfront/".into(),
            log_groups: Vec::new(),
            build_log_group: None,
            site_url: None,
            api_url: None,
            promotes_from: None,
        }
    }

    fn def(kind: Option<PipelineType>) -> PipelineDef {
        PipelineDef {
            name: "storefront-deployer-stg".into(),
            version: 1,
            stages: vec![StageDef {
                name: "Source".into(),
                actions: vec![ActionDef {
                    name: "FetchRelease".into(),
                    category: ActionCategory::Source,
                    provider: "S3".into(),
                    run_order: 1,
                    configuration: Default::default(),
                    timeout_minutes: None,
                }],
                conditions: Vec::new(),
            }],
            pipeline_type: kind,
            execution_mode: Default::default(),
            variables: Vec::new(),
        }
    }

    fn release(v: &str, commit: &str) -> Release {
        Release {
            version: Version::parse(v).unwrap(),
            commit: commit.into(),
            actor: "carol".into(),
        }
    }

    fn packages() -> Vec<Package> {
        ["1.5.0", "1.4.0"]
            .iter()
            .map(|v| Package {
                key: format!("releases/{v}/release.zip"),
                release: release(v, &format!("c{}", v.replace('.', ""))),
                last_modified: Timestamp(0),
                size: 10,
                described: true,
            })
            .collect()
    }

    /// The source key's versions: 1.5.0 newest, then 1.4.0 (written when stg last ran it).
    fn versions() -> Vec<SourceObject> {
        [("v-new", "1.5.0", "c150"), ("v-old", "1.4.0", "c140")]
            .iter()
            .map(|(id, v, c)| SourceObject {
                bucket: "storefront-deployer-source".into(),
                key: "stg/release.zip".into(),
                version_id: Some(id.to_string()),
                last_modified: Timestamp(0),
                release: Some(release(v, c)),
            })
            .collect()
    }

    fn plan(kind: Option<PipelineType>, version: &str, read: Option<&SourceVersions>) -> Planned {
        let spec = spec();
        let def = def(kind);
        let ctx = Context {
            spec: &spec,
            identity: None,
            now: Timestamp(0),
            read_only: false,
            self_approval: SelfApproval::Default,
            aws_identity: None,
        };
        let data = PipelineData::new(Some(&def), None, &[]);
        plan_promote(&ctx, data, &packages(), version, read, "tok-1")
    }

    #[test]
    fn a_v2_release_the_source_key_holds_starts_on_that_version_without_a_copy() {
        let read = Ok(versions());
        let p = plan(Some(PipelineType::V2), "1.4.0", Some(&read)).unwrap();
        assert_eq!(
            (p.call.service, p.call.operation),
            ("codepipeline", "StartPipelineExecution")
        );
        let Request::Start {
            source_revisions,
            client_request_token,
            ..
        } = &p.request
        else {
            panic!("{:?}", p.request)
        };
        assert_eq!(client_request_token, "tok-1");
        assert_eq!(
            source_revisions.get("FetchRelease").map(String::as_str),
            Some("v-old")
        );
        assert_eq!(
            p.call.params["sourceRevisions"][0]["revisionType"],
            "S3_OBJECT_VERSION_ID"
        );
        assert!(p.aws_command.contains("v-old"), "{}", p.aws_command);
        let text = p.summary.join("\n");
        assert!(
            text.contains("ships:         source version v-old of s3://storefront-deployer-source/stg/release.zip"),
            "{text}"
        );
        assert!(
            p.target.text.contains("as source version v-old"),
            "{}",
            p.target.text
        );
    }

    #[test]
    fn a_v2_release_the_source_key_does_not_hold_is_copied_and_followed_by_its_new_version() {
        let read = Ok(versions()[..1].to_vec());
        let p = plan(Some(PipelineType::V2), "1.4.0", Some(&read)).unwrap();
        assert_eq!(p.call.operation, "CopyObject");
        assert!(matches!(p.request, Request::Promote { .. }));
        assert!(
            p.summary
                .iter()
                .any(|l| l.starts_with("ships:") && l.contains("exactly that version id")),
            "{:?}",
            p.summary
        );
        // The same version with another commit is not the package picked.
        let mut other = versions();
        other[1].release = Some(release("1.4.0", "d999"));
        let p = plan(Some(PipelineType::V2), "1.4.0", Some(&Ok(other))).unwrap();
        assert_eq!(p.call.operation, "CopyObject");
        // Versions that could not be read: unknown, so it copies and says why.
        let p = plan(
            Some(PipelineType::V2),
            "1.4.0",
            Some(&Err("AccessDenied".into())),
        )
        .unwrap();
        assert_eq!(p.call.operation, "CopyObject");
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("could not be read (AccessDenied)")),
            "{:?}",
            p.warnings
        );
        // Not read yet: refused for now, the facts and a provisional target shown meanwhile.
        let r = plan(Some(PipelineType::V2), "1.4.0", None).unwrap_err();
        assert!(r.reason.contains("not read yet"), "{}", r.reason);
        let draft = r.draft.expect("a draft");
        assert!(draft.target.provisional);
    }

    #[test]
    fn a_v1_release_copies_whatever_versions_the_source_key_holds() {
        let read = Ok(versions());
        for kind in [Some(PipelineType::V1), None] {
            let p = plan(kind, "1.4.0", Some(&read)).unwrap();
            assert_eq!(p.call.operation, "CopyObject", "{kind:?}");
            let p = plan(kind, "1.4.0", None).unwrap();
            assert_eq!(p.call.operation, "CopyObject", "{kind:?}");
        }
    }
}
