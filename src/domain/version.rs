//! Release versions (`1.42.0`, `v1.42.0`, `1.43.0-dev.3`) with the ordering operators expect.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A release version: major.minor.patch with an optional pre-release tag that sorts before the release.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Version {
    /// Major number.
    pub major: u32,
    /// Minor number.
    pub minor: u32,
    /// Patch number.
    pub patch: u32,
    /// Pre-release tag after `-`, e.g. `dev.3`.
    pub pre: Option<String>,
}

impl Version {
    /// A release version without a pre-release tag.
    pub fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
            pre: None,
        }
    }

    /// Parses `1.2.3`, `v1.2.3` or `1.2.3-tag`; `None` if it is not a version.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) if !pre.is_empty() => (core, Some(pre.to_string())),
            Some(_) => return None,
            None => (text, None),
        };
        let mut parts = core.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        Some(Version {
            major,
            minor,
            patch,
            pre,
        })
    }
}

/// Archive extensions left off a file name before looking for a version in it, so that the
/// `.zip` of `app-1.4.0-rc.1.zip` is not read as part of the pre-release tag.
const ARCHIVE_EXTENSIONS: [&str; 9] = ["zip", "tar", "gz", "tgz", "bz2", "xz", "zst", "jar", "war"];

impl Version {
    /// The first semantic version anywhere in `text` (`releases/app-1.4.0.zip`,
    /// `releases/v1.4.0/release.zip`, `storefront_1.5.0-rc.1.tar.gz`): `MAJOR.MINOR.PATCH`
    /// without leading zeros, not preceded by a letter, digit or dot (a `v` before it is
    /// allowed) nor followed by a fourth `.N`, then an optional `-pre.release` tag and an
    /// ignored `+build` part. Archive extensions at the end are not part of the tag.
    pub fn find_in(text: &str) -> Option<Version> {
        let mut text = text;
        while let Some((stem, ext)) = text.rsplit_once('.') {
            if !ARCHIVE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
                break;
            }
            text = stem;
        }
        let bytes = text.as_bytes();
        (0..bytes.len())
            .filter(|&i| bytes[i].is_ascii_digit() && starts_version(bytes, i))
            .find_map(|i| version_at(text, i))
    }
}

/// Whether a version may start at `i`: after nothing, or after a separator that is not a dot,
/// letter or digit (or after a `v` that itself follows one).
fn starts_version(bytes: &[u8], i: usize) -> bool {
    let separator = |at: usize| {
        let b: u8 = bytes[at];
        !(b.is_ascii_alphanumeric() || b == b'.')
    };
    match i.checked_sub(1) {
        None => true,
        Some(p) if matches!(bytes[p], b'v' | b'V') => p == 0 || separator(p - 1),
        Some(p) => separator(p),
    }
}

/// A number without a leading zero at the start of `text`, and the bytes it took.
fn number(text: &str) -> Option<(u32, usize)> {
    let len = text.bytes().take_while(u8::is_ascii_digit).count();
    let digits = &text[..len];
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    Some((digits.parse().ok()?, len))
}

/// The pre-release tag at the start of `text` (after its `-`): dot-separated identifiers of
/// letters, digits and hyphens.
fn pre_release(text: &str) -> Option<String> {
    let len = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.'))
        .count();
    let tag = text[..len].trim_end_matches(['.', '-']);
    (!tag.is_empty() && !tag.starts_with('.') && !tag.contains("..")).then(|| tag.to_string())
}

/// The version that starts at byte `i` of `text`, if one does.
fn version_at(text: &str, i: usize) -> Option<Version> {
    let mut rest = &text[i..];
    let mut parts = [0u32; 3];
    for (n, part) in parts.iter_mut().enumerate() {
        if n > 0 {
            rest = rest.strip_prefix('.')?;
        }
        let (value, len) = number(rest)?;
        *part = value;
        rest = &rest[len..];
    }
    if rest
        .strip_prefix('.')
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    {
        return None;
    }
    let pre = rest.strip_prefix('-').and_then(pre_release);
    let [major, minor, patch] = parts;
    Some(Version {
        major,
        minor,
        patch,
        pre,
    })
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_versions() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(v("v1.2.3"), Version::new(1, 2, 3));
        assert!(v("1.10.0") > v("1.9.9"));
        assert!(v("1.3.0-dev.1") < v("1.3.0"));
        assert_eq!(v("1.3.0-dev.1").to_string(), "1.3.0-dev.1");
        for bad in ["", "1.2", "1.2.3.4", "a.b.c", "1.2.3-"] {
            assert!(Version::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn finds_a_version_anywhere_in_a_key() {
        let found = |s: &str| Version::find_in(s).map(|v| v.to_string());
        for (key, version) in [
            ("releases/1.4.0/release.zip", "1.4.0"),
            ("releases/app-1.4.0.zip", "1.4.0"),
            ("releases/storefront_v1.4.0.zip", "1.4.0"),
            ("releases/v2.0.1/storefront.zip", "2.0.1"),
            ("releases/app-1.5.0-rc.1.zip", "1.5.0-rc.1"),
            ("releases/app-1.5.0-rc.1.tar.gz", "1.5.0-rc.1"),
            (
                "releases/0.0.0-dev.20261201/release.zip",
                "0.0.0-dev.20261201",
            ),
            ("releases/app-1.4.0+build.7.zip", "1.4.0"),
            ("releases/app-1.4.0-.zip", "1.4.0"),
            ("releases/2026.11.24.1/app-1.4.2.zip", "1.4.2"),
            ("1.4.0", "1.4.0"),
        ] {
            assert_eq!(found(key).as_deref(), Some(version), "{key}");
        }
        for key in [
            "releases/latest.zip",
            "releases/app1.4.0.zip",
            "releases/1.4.zip",
            "releases/1.4.0.1.zip",
            "releases/2026.01.05/app.zip",
            "releases/abc.1.2.3",
            "",
        ] {
            assert_eq!(found(key), None, "{key}");
        }
    }
}
