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
}
