//! The release catalogue's shapes: the packages under an environment's release prefix, newest
//! version first, and what a listing skipped (reading it: `apply::catalogue`). A package's
//! version is the one in its metadata when that was read, else the first semantic version in its
//! key name (`releases/1.4.0/release.zip`, `releases/app-1.4.0.zip`). The metadata
//! (`HeadObject`) is read only where it is needed: the newest packages a picker shows, the
//! version asked for, and — a bounded number — keys with no version in their name. Keys with no
//! version anywhere are kept as skipped, never dropped silently.

use super::guards::Guard;
use super::shapes::Refusal;
use crate::domain::{EnvSpec, Release, Timestamp, Version};

/// Packages whose metadata the release picker reads, newest first (one `HeadObject` each).
pub const CATALOGUE_MAX: usize = 30;

/// Keys without a version in their name whose metadata is read, most recently uploaded first.
pub const UNNAMED_MAX: usize = 20;

/// `MaxKeys` of a catalogue page: S3's largest (and default) page.
pub const PAGE_KEYS: usize = 1000;

/// How much of the catalogue to read besides the listing itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `MaxKeys` of each `ListObjectsV2` page.
    pub page_keys: usize,
    /// Packages whose metadata is read, newest version first.
    pub describe: usize,
    /// Keys without a version in their name whose metadata is read.
    pub unnamed: usize,
}

impl Limits {
    /// The console's release picker: the newest [`CATALOGUE_MAX`] packages with their commit
    /// and actor.
    pub const PICKER: Limits = Limits {
        page_keys: PAGE_KEYS,
        describe: CATALOGUE_MAX,
        unnamed: UNNAMED_MAX,
    };
    /// A command: every version, the metadata of only the one asked for (and of unnamed keys).
    pub const LOOKUP: Limits = Limits {
        describe: 0,
        ..Limits::PICKER
    };
    /// The environments view's count of releases, read every minute: key names only, no
    /// `HeadObject` at all.
    pub const NAMES: Limits = Limits {
        describe: 0,
        unnamed: 0,
        ..Limits::PICKER
    };
}

/// A release package under the release prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Object key.
    pub key: String,
    /// Release version, commit and actor: from the object's metadata when `described`, else
    /// only the version is known (from the key name) and the commit and actor are empty.
    pub release: Release,
    /// Upload time.
    pub last_modified: Timestamp,
    /// Size in bytes.
    pub size: u64,
    /// Whether the object's metadata was read (`HeadObject`).
    pub described: bool,
}

/// What the listing of a release prefix found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalogue {
    /// The bucket listed.
    pub bucket: String,
    /// The release prefix listed.
    pub prefix: String,
    /// Every package under the prefix, newest version first.
    pub packages: Vec<Package>,
    /// Keys with no version in their name nor in their metadata.
    pub skipped: Vec<String>,
    /// Keys with no version in their name whose metadata was not read (over the bound).
    pub unread: Vec<String>,
}

/// The version a key names: the first semantic version anywhere in it.
pub fn version_of_key(key: &str) -> Option<Version> {
    Version::find_in(key)
}

/// Where a version's package is kept: `<release_prefix><version>/release.zip`.
pub fn package_key(spec: &EnvSpec, version: &Version) -> String {
    format!("{}{version}/release.zip", spec.release_prefix)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Up to three keys, then how many more.
fn some_keys(keys: &[String]) -> String {
    let mut text = keys.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if keys.len() > 3 {
        text.push_str(&format!(" and {} more", keys.len() - 3));
    }
    text
}

/// The refusal text of a version that is not among `packages` (every package listed under
/// `s3://bucket/prefix`).
pub fn not_found(bucket: &str, prefix: &str, packages: &[Package], wanted: &Version) -> String {
    if packages.is_empty() {
        return format!("no package of version {wanted}: no packages under s3://{bucket}/{prefix}");
    }
    let newest: Vec<String> = packages
        .iter()
        .take(5)
        .map(|p| p.release.version.to_string())
        .collect();
    format!(
        "no package of version {wanted} among {} under s3://{bucket}/{prefix}; newest: {}",
        plural(packages.len(), "package", "packages"),
        newest.join(", ")
    )
}

impl Catalogue {
    /// The package of version `wanted` whose metadata was read (the first, when several keys
    /// carry it).
    pub fn find(&self, wanted: &Version) -> Option<&Package> {
        self.packages
            .iter()
            .find(|p| p.described && p.release.version == *wanted)
    }

    /// The newest packages with their metadata read: what a picker lists.
    pub fn newest(&self) -> &[Package] {
        let n = self.packages.iter().take_while(|p| p.described).count();
        &self.packages[..n]
    }

    /// What the listing could not tell: keys without a version, keys not read.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.skipped.is_empty() {
            notes.push(format!(
                "skipped {} with no version in the name or metadata: {}",
                plural(self.skipped.len(), "key", "keys"),
                some_keys(&self.skipped)
            ));
        }
        if !self.unread.is_empty() {
            notes.push(format!(
                "{} with no version in the name not read (metadata of the newest {UNNAMED_MAX} \
                 only): {}",
                plural(self.unread.len(), "key", "keys"),
                some_keys(&self.unread)
            ));
        }
        notes
    }

    /// [`not_found`] for this listing, with its notes.
    pub fn not_found(&self, wanted: &Version) -> String {
        let mut text = not_found(&self.bucket, &self.prefix, &self.packages, wanted);
        for note in self.notes() {
            text.push_str("; ");
            text.push_str(&note);
        }
        text
    }

    /// A refusal of the planner for version `wanted` (text as typed): when it is the refusal of
    /// a version not in this listing, told also what the listing could not tell (skipped and
    /// unread keys); any other refusal as it is.
    pub fn explain(&self, wanted: &str, refusal: Refusal) -> Refusal {
        match Version::parse(wanted) {
            Some(v) if refusal.guard == Guard::Input && self.find(&v).is_none() => Refusal {
                reason: self.not_found(&v),
                ..refusal
            },
            _ => refusal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(version: &str, described: bool) -> Package {
        Package {
            key: format!("releases/{version}/release.zip"),
            release: Release {
                version: Version::parse(version).unwrap(),
                commit: String::new(),
                actor: String::new(),
            },
            last_modified: Timestamp(0),
            size: 1,
            described,
        }
    }

    #[test]
    fn a_key_names_its_version_anywhere() {
        for (key, version) in [
            ("releases/1.4.0/release.zip", "1.4.0"),
            ("releases/app-1.4.0.zip", "1.4.0"),
            ("releases/storefront-v1.5.2-rc.1.zip", "1.5.2-rc.1"),
            ("builds/2026/storefront_1.6.0.tar.gz", "1.6.0"),
        ] {
            assert_eq!(
                version_of_key(key).map(|v| v.to_string()).as_deref(),
                Some(version),
                "{key}"
            );
        }
        assert_eq!(version_of_key("releases/latest.zip"), None);
    }

    #[test]
    fn not_found_counts_every_package_and_names_the_prefix() {
        let packages: Vec<Package> = (0..42)
            .rev()
            .map(|p| pkg(&format!("1.0.{p}"), p >= 12))
            .collect();
        let wanted = Version::new(2, 0, 0);
        let text = not_found("b", "releases/", &packages, &wanted);
        assert_eq!(
            text,
            "no package of version 2.0.0 among 42 packages under s3://b/releases/; newest: \
             1.0.41, 1.0.40, 1.0.39, 1.0.38, 1.0.37"
        );
        assert_eq!(
            not_found("b", "releases/", &packages[..1], &wanted),
            "no package of version 2.0.0 among 1 package under s3://b/releases/; newest: 1.0.41"
        );
        assert_eq!(
            not_found("b", "releases/", &[], &wanted),
            "no package of version 2.0.0: no packages under s3://b/releases/"
        );
        let c = Catalogue {
            bucket: "b".into(),
            prefix: "releases/".into(),
            packages,
            skipped: vec!["releases/README.txt".into()],
            unread: (0..5).map(|i| format!("releases/k{i}.zip")).collect(),
        };
        assert_eq!(c.newest().len(), 30);
        assert!(c.find(&Version::new(1, 0, 11)).is_none(), "not described");
        assert!(c.find(&Version::new(1, 0, 12)).is_some());
        let text = c.not_found(&wanted);
        assert!(
            text.ends_with(
                "; skipped 1 key with no version in the name or metadata: releases/README.txt; \
                 5 keys with no version in the name not read (metadata of the newest 20 only): \
                 releases/k0.zip, releases/k1.zip, releases/k2.zip and 2 more"
            ),
            "{text}"
        );
        let planned = Refusal::by(Guard::Input, "no package of version 2.0.0 …");
        assert_eq!(c.explain("v2.0.0", planned).reason, text);
        let read_only = Refusal::by(Guard::ReadOnly, "read-only");
        assert_eq!(c.explain("2.0.0", read_only.clone()), read_only);
        let found = Refusal::by(Guard::Input, "other");
        assert_eq!(c.explain("1.0.12", found.clone()), found);
    }
}
