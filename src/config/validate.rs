//! Value rules of the format (names, regions, buckets, URLs, distribution ids, ranges); each
//! returns the message to show.

use super::model::{PollingConfig, UiConfig};
use std::path::{Path, PathBuf};

/// An environment name: `[a-z0-9-]+`.
pub(crate) fn env_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".to_string());
    }
    if name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(())
    } else {
        Err(format!(
            "expected lowercase letters, digits and `-` ([a-z0-9-]+), found `{name}`"
        ))
    }
}

/// An absolute `http://` or `https://` URL.
pub(crate) fn url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.contains(char::is_whitespace) => Ok(()),
        _ => Err(format!(
            "expected a URL starting with http:// or https://, found `{url}`"
        )),
    }
}

/// A CloudFront distribution id: 1 to 32 uppercase letters and digits.
pub(crate) fn distribution_id(id: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a CloudFront distribution id (1-32 uppercase letters and digits, \
             e.g. E2DEVSTOREFRNT), found `{id}`"
        ))
    }
}

/// An AWS region code: lowercase words joined by `-`, the first of 2-4 letters, the last a number
/// (`eu-west-1`, `us-gov-west-1`, `ap-southeast-3`).
pub(crate) fn region(region: &str) -> Result<(), String> {
    let parts: Vec<&str> = region.split('-').collect();
    let word = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let ok = parts.len() >= 3
        && parts
            .first()
            .is_some_and(|p| (2..=4).contains(&p.len()) && word(p))
        && parts
            .get(1..parts.len() - 1)
            .is_some_and(|mid| mid.iter().all(word))
        && parts.last().is_some_and(|p| {
            !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected an AWS region code such as eu-west-1 or us-east-1, found `{region}`"
        ))
    }
}

/// An S3 bucket name: 3-63 lowercase letters, digits, `.` and `-`, starting and ending with a
/// letter or digit, without `..` and not shaped like an IP address.
pub(crate) fn bucket(name: &str) -> Result<(), String> {
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let ip_like = name.split('.').count() == 4
        && name
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let ok = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && edge(name.bytes().next())
        && edge(name.bytes().last())
        && !name.contains("..")
        && !ip_like;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected an S3 bucket name (3-63 lowercase letters, digits, `.` and `-`, starting \
             and ending with a letter or digit), found `{name}`"
        ))
    }
}

/// A CodePipeline pipeline name: 1-100 letters, digits, `.`, `@`, `-` and `_`.
pub(crate) fn pipeline(name: &str) -> Result<(), String> {
    let ok = (1..=100).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'@' | b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a pipeline name (1-100 letters, digits, `.`, `@`, `-` and `_`), found `{name}`"
        ))
    }
}

/// The UI tick, in milliseconds.
pub(crate) fn tick_ms(n: i64) -> Result<u64, String> {
    let range = UiConfig::TICK_MS_RANGE;
    match u64::try_from(n) {
        Ok(ms) if range.contains(&ms) => Ok(ms),
        _ => Err(format!(
            "expected milliseconds between {} and {}, found {n}",
            range.start(),
            range.end()
        )),
    }
}

/// A polling interval in seconds, at least `floor_secs` (described by `floor`), returned in milliseconds.
pub(crate) fn seconds(n: i64, floor_secs: u64, floor: &str) -> Result<u64, String> {
    let max = PollingConfig::MAX_SECS;
    match u64::try_from(n) {
        Ok(secs) if secs < floor_secs => Err(format!("must be at least {floor}, found {n}")),
        Ok(secs) if n <= max => Ok(secs * 1000),
        Ok(_) => Err(format!(
            "must be at most {max} seconds (one day), found {n}"
        )),
        Err(_) => Err(format!("must be at least {floor}, found {n}")),
    }
}

/// A file path from the config: `~` and `~/…` expand to `home`; relative paths are taken
/// relative to the directory holding the configuration file.
pub(crate) fn file_path(
    raw: &str,
    config_dir: Option<&Path>,
    home: Option<&Path>,
) -> Result<PathBuf, String> {
    if raw.trim().is_empty() {
        return Err("must not be empty".to_string());
    }
    if raw == "~" || raw.starts_with("~/") {
        let home = home.ok_or_else(|| format!("cannot expand `{raw}`: HOME is not set"))?;
        let rest = raw.trim_start_matches('~').trim_start_matches('/');
        return Ok(if rest.is_empty() {
            home.to_path_buf()
        } else {
            home.join(rest)
        });
    }
    if raw.starts_with('~') {
        return Err(format!(
            "only `~/` is expanded; use `~/…` or an absolute path, found `{raw}`"
        ));
    }
    let path = Path::new(raw);
    Ok(match config_dir {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_path_buf(),
    })
}
