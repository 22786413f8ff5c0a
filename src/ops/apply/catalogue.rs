//! Reading the release catalogue: every page of the release prefix, and the metadata of the
//! packages that need it; and the versions of an environment's source key a V2 release starts
//! on.

use super::lost::reread;
use crate::cloud::{Cloud, CloudError, CloudResult, ObjectMeta};
use crate::domain::{EnvSpec, ObjectInfo, Release, Version};
use crate::ops::plan::package::{Catalogue, Limits, Package, version_of_key};

/// The release of an object from its metadata, with `named` as the version when the metadata
/// has none.
fn described(meta: &ObjectMeta, named: Option<&Version>) -> Option<Release> {
    Release::from_metadata(&meta.metadata, named)
}

/// `HeadObject`, read again on a transient failure; `None` when the key is gone since it was
/// listed.
async fn head(cloud: &Cloud, bucket: &str, key: &str) -> CloudResult<Option<ObjectMeta>> {
    match reread(|| cloud.storage.head_object(bucket, key)).await {
        Ok(meta) => Ok(Some(meta)),
        Err(CloudError::NotFound { kind, .. }) if kind == "key" => Ok(None),
        Err(e) => Err(e),
    }
}

fn package(o: ObjectInfo, release: Release, described: bool) -> Package {
    Package {
        key: o.key,
        release,
        last_modified: o.last_modified,
        size: o.size,
        described,
    }
}

/// Newest version first; of one version, the described, then the latest upload.
fn sort(packages: &mut [Package]) {
    packages.sort_by(|a, b| {
        b.release
            .version
            .cmp(&a.release.version)
            .then(b.described.cmp(&a.described))
            .then(b.last_modified.cmp(&a.last_modified))
            .then(a.key.cmp(&b.key))
    });
}

/// Every object under `prefix`, page after page (each page read again on a transient failure).
async fn list(
    cloud: &Cloud,
    bucket: &str,
    prefix: &str,
    page_keys: usize,
) -> CloudResult<Vec<ObjectInfo>> {
    let mut objects = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = reread(|| {
            cloud
                .storage
                .list_objects(bucket, prefix, None, token.as_deref(), page_keys)
        })
        .await?;
        objects.extend(page.objects);
        token = page.next_token;
        if token.is_none() {
            return Ok(objects);
        }
    }
}

/// Reads the catalogue under `s3://bucket/prefix`: every page of the listing, then the metadata
/// of the newest `limits.describe` packages, of every package whose key names `want`, and of
/// the `limits.unnamed` latest keys without a version in their name. Any read that fails (after
/// up to three tries of a transient failure) fails the whole catalogue: an unknown catalogue is
/// never shown as an empty one.
pub async fn read(
    cloud: &Cloud,
    bucket: &str,
    prefix: &str,
    want: Option<&Version>,
    limits: Limits,
) -> CloudResult<Catalogue> {
    let mut packages = Vec::new();
    let mut unnamed = Vec::new();
    for o in list(cloud, bucket, prefix, limits.page_keys).await? {
        if o.key.ends_with('/') {
            continue; // a folder placeholder, not an object anyone uploaded
        }
        let name = o.key.strip_prefix(prefix).unwrap_or(&o.key);
        match version_of_key(name) {
            Some(version) => {
                let release = Release {
                    version,
                    commit: String::new(),
                    actor: String::new(),
                };
                packages.push(package(o, release, false));
            }
            None => unnamed.push(o),
        }
    }
    unnamed.sort_by_key(|o| std::cmp::Reverse(o.last_modified));
    let mut skipped = Vec::new();
    let mut unread = Vec::new();
    for (i, o) in unnamed.into_iter().enumerate() {
        if i >= limits.unnamed {
            unread.push(o.key);
            continue;
        }
        let Some(meta) = head(cloud, bucket, &o.key).await? else {
            continue;
        };
        match described(&meta, None) {
            Some(release) => packages.push(package(o, release, true)),
            None => skipped.push(o.key),
        }
    }
    // A described version may differ from the one its key names and move the package in the
    // order: describe again until the newest are all described (a few rounds at most).
    for _ in 0..3 {
        sort(&mut packages);
        let todo: Vec<usize> = (0..packages.len())
            .filter(|&i| {
                let p = &packages[i];
                !p.described && (i < limits.describe || want == Some(&p.release.version))
            })
            .collect();
        if todo.is_empty() {
            break;
        }
        let mut gone = Vec::new();
        for i in todo {
            let p = &mut packages[i];
            match head(cloud, bucket, &p.key).await? {
                Some(meta) => {
                    if let Some(release) = described(&meta, Some(&p.release.version)) {
                        p.release = release;
                    }
                    p.described = true;
                }
                None => gone.push(p.key.clone()),
            }
        }
        packages.retain(|p| !gone.contains(&p.key));
    }
    sort(&mut packages);
    skipped.sort();
    unread.sort();
    Ok(Catalogue {
        bucket: bucket.to_string(),
        prefix: prefix.to_string(),
        packages,
        skipped,
        unread,
    })
}

/// The catalogue of an environment as the release picker reads it: every package, the newest
/// [`CATALOGUE_MAX`] described.
pub async fn catalogue(cloud: &Cloud, spec: &EnvSpec) -> CloudResult<Vec<Package>> {
    let c = read(
        cloud,
        &spec.source_bucket,
        &spec.release_prefix,
        None,
        Limits::PICKER,
    )
    .await?;
    Ok(c.packages)
}

/// The catalogue a release command needs: every version, and the metadata of the one it
/// promotes (`from`, as typed; none for an upload).
pub async fn catalogue_for(
    cloud: &Cloud,
    spec: &EnvSpec,
    from: Option<&str>,
) -> CloudResult<Catalogue> {
    let want = from.and_then(Version::parse);
    read(
        cloud,
        &spec.source_bucket,
        &spec.release_prefix,
        want.as_ref(),
        Limits::LOOKUP,
    )
    .await
}

/// The newest versions of the environment's source key (at most
/// [`SOURCE_VERSIONS`](crate::ops::plan::release::SOURCE_VERSIONS)), each with the release its
/// metadata names: what a V2 release looks for before copying.
pub async fn source_versions(
    cloud: &Cloud,
    spec: &EnvSpec,
) -> crate::ops::plan::release::SourceVersions {
    use crate::ops::plan::release::SOURCE_VERSIONS;
    let (bucket, key) = (&spec.source_bucket, &spec.source_key);
    let failed = |e: CloudError| format!("s3://{bucket}/{key}: {e}");
    let listed = reread(|| {
        cloud
            .storage
            .list_object_versions(bucket, key, SOURCE_VERSIONS)
    })
    .await
    .map_err(failed)?;
    let mut out = Vec::new();
    for v in listed {
        let meta = reread(|| {
            cloud
                .storage
                .head_object_version(bucket, key, &v.version_id)
        })
        .await
        .map_err(failed)?;
        out.push(crate::domain::SourceObject {
            bucket: bucket.clone(),
            key: key.clone(),
            version_id: Some(v.version_id),
            last_modified: v.info.last_modified,
            release: described(&meta, None),
        });
    }
    Ok(out)
}
