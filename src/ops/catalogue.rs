//! The release catalogue: packages under an environment's release prefix, newest version
//! first, with the version, commit and actor of their metadata.

use super::lost::reread;
use crate::cloud::sim::SUMMARY_KEY;
use crate::cloud::{Cloud, CloudResult};
use crate::domain::{EnvSpec, Release, Timestamp, Version};

/// Packages read from the catalogue (each one a `HeadObject`).
pub const CATALOGUE_MAX: usize = 30;

/// A release package under the release prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Object key.
    pub key: String,
    /// Release version, commit and actor (from the object's metadata).
    pub release: Release,
    /// Upload time.
    pub last_modified: Timestamp,
    /// Size in bytes.
    pub size: u64,
}

/// The version a key names: the first path segment (or file stem) that parses as a version.
pub fn version_of_key(key: &str) -> Option<Version> {
    key.split('/').find_map(|seg| {
        let stem = seg.strip_suffix(".zip").unwrap_or(seg);
        Version::parse(stem)
    })
}

/// Where a version's package is kept: `<release_prefix><version>/release.zip`.
pub fn package_key(spec: &EnvSpec, version: &Version) -> String {
    format!("{}{version}/release.zip", spec.release_prefix)
}

/// Reads the release catalogue of an environment: newest version first, with the version,
/// commit and actor of each package's metadata (the newest [`CATALOGUE_MAX`]). Each read is
/// made again on a transient failure (up to three times), so one throttled `HeadObject` among
/// thirty does not lose the whole catalogue.
pub async fn catalogue(cloud: &Cloud, spec: &EnvSpec) -> CloudResult<Vec<Package>> {
    let s = &cloud.storage;
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = reread(|| {
            s.list_objects(
                &spec.source_bucket,
                &spec.release_prefix,
                None,
                token.as_deref(),
                1000,
            )
        })
        .await?;
        for o in page.objects {
            if let Some(v) = version_of_key(&o.key) {
                found.push((v, o));
            }
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0));
    let mut out = Vec::new();
    for (version, o) in found.into_iter().take(CATALOGUE_MAX) {
        let meta = reread(|| s.head_object(&spec.source_bucket, &o.key)).await?;
        let m = &meta.metadata;
        let from_summary = m.get(SUMMARY_KEY).and_then(|t| Release::parse_summary(t));
        let release = Release {
            version: m
                .get("version")
                .and_then(|v| Version::parse(v))
                .unwrap_or(version),
            commit: m
                .get("commit")
                .cloned()
                .or_else(|| from_summary.as_ref().map(|r| r.commit.clone()))
                .unwrap_or_default(),
            actor: m
                .get("actor")
                .cloned()
                .or_else(|| from_summary.map(|r| r.actor))
                .unwrap_or_default(),
        };
        out.push(Package {
            key: o.key,
            release,
            last_modified: o.last_modified,
            size: o.size,
        });
    }
    Ok(out)
}
