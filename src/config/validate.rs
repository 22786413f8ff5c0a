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

/// A CloudWatch Logs group name: 1 to 512 letters, digits and `_ - / . #`. A pasted ARN gets a
/// message with the name to write.
pub(crate) fn log_group(name: &str) -> Result<(), String> {
    let ok = (1..=512).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-/.#".contains(&b));
    if ok {
        return Ok(());
    }
    let hint = match name.split_once(":log-group:") {
        Some((head, group)) if head.starts_with("arn:") => {
            let group = group.trim_end_matches(":*");
            format!(" (that is the log group's ARN: write `{group}`)")
        }
        _ => String::new(),
    };
    Err(format!(
        "expected a log group name (1-512 letters, digits and `_ - / . #`), found `{name}`{hint}"
    ))
}

/// An ECR repository name: 2 to 256 characters, lowercase letters and digits separated by one
/// `.`, `_` or `-` (or `/` between namespaces). A pasted image URI gets the name to write.
pub(crate) fn ecr_repository(name: &str) -> Result<(), String> {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.split(['.', '_', '-']).all(|w| {
                !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    };
    if (2..=256).contains(&name.len()) && name.split('/').all(part_ok) {
        return Ok(());
    }
    let hint = match name.split_once(".amazonaws.com/") {
        Some((_, rest)) => {
            let repo = rest.split(['@', ':']).next().unwrap_or(rest);
            format!(" (that is an image URI: write `{repo}`)")
        }
        None => String::new(),
    };
    Err(format!(
        "expected an ECR repository name (lowercase letters, digits, `. _ -` and `/`), found `{name}`{hint}"
    ))
}

/// A CodeBuild project name: 2 to 255 letters, digits, `-` and `_`, the first a letter or digit.
pub(crate) fn codebuild_project(name: &str) -> Result<(), String> {
    let ok = (2..=255).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        return Ok(());
    }
    let hint = match name.split_once(":project/") {
        Some((head, project)) if head.starts_with("arn:") => {
            format!(" (that is the project's ARN: write `{project}`)")
        }
        _ => String::new(),
    };
    Err(format!(
        "expected a CodeBuild project name (2-255 letters, digits, `-` and `_`), found `{name}`{hint}"
    ))
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

/// A CloudFront distribution id: 1 to 32 uppercase letters and digits, the first a letter (AWS's
/// ids are 14 characters starting with `E`, e.g. `E1U5RQF7T870K0`). A pasted ARN, domain name or
/// lowercased id gets a message saying what to write instead.
pub(crate) fn distribution_id(id: &str) -> Result<(), String> {
    let ok = (1..=32).contains(&id.len())
        && id.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        return Ok(());
    }
    let hint = if let Some((_, tail)) = id
        .strip_prefix("arn:")
        .and_then(|arn| arn.rsplit_once(":distribution/"))
    {
        format!(" (that is the distribution's ARN: write `{tail}`)")
    } else if id.ends_with(".cloudfront.net") {
        " (that is the distribution's domain name: write its id, shown by \
         `aws cloudfront list-distributions`)"
            .to_string()
    } else if id.bytes().any(|b| b.is_ascii_lowercase())
        && distribution_id(&id.to_ascii_uppercase()).is_ok()
    {
        format!(" (ids are upper case: `{}`)", id.to_ascii_uppercase())
    } else {
        String::new()
    };
    Err(format!(
        "expected a CloudFront distribution id (1-32 uppercase letters and digits starting with \
         a letter, e.g. E2DEVSTOREFRNT), found `{id}`{hint}"
    ))
}

/// An AWS region: one AWS lists, or one named as a newer region of a partition would be (see
/// [`super::regions`]).
pub(crate) fn region(region: &str) -> Result<(), String> {
    super::regions::check(region).map(|_| ())
}

/// Prefixes S3 reserves: no bucket can be created with them.
const BUCKET_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
/// Suffixes S3 reserves for access point aliases, Multi-Region Access Points, directory and
/// table buckets: no general purpose bucket ends with them.
const BUCKET_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/// An S3 general purpose bucket name, by S3's naming rules: 3-63 lowercase letters, digits, `.`
/// and `-`, starting and ending with a letter or digit, without `..`, not shaped like an IP
/// address, and without a reserved prefix or suffix.
pub(crate) fn bucket(name: &str) -> Result<(), String> {
    if let Some(rest) = name.strip_prefix("s3://") {
        let bucket = rest.split('/').next().unwrap_or_default();
        return Err(format!(
            "expected a bucket name, not an S3 URL: write `{bucket}`, found `{name}`"
        ));
    }
    if let Some(arn) = name.strip_prefix("arn:") {
        let bucket = arn.rsplit(':').next().unwrap_or_default();
        return Err(format!(
            "expected a bucket name, not an ARN: write `{bucket}`, found `{name}`"
        ));
    }
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
    if !ok {
        return Err(format!(
            "expected an S3 bucket name (3-63 lowercase letters, digits, `.` and `-`, starting \
             and ending with a letter or digit), found `{name}`"
        ));
    }
    if let Some(prefix) = BUCKET_PREFIXES.iter().find(|p| name.starts_with(*p)) {
        return Err(format!(
            "S3 bucket names cannot start with `{prefix}` (reserved by S3), found `{name}`"
        ));
    }
    if let Some(suffix) = BUCKET_SUFFIXES.iter().find(|s| name.ends_with(*s)) {
        return Err(format!(
            "S3 general purpose bucket names cannot end with `{suffix}` (reserved by S3 for \
             access points and other bucket types), found `{name}`"
        ));
    }
    Ok(())
}

/// A CodePipeline pipeline name, by the API's pattern `[A-Za-z0-9.@\-_]+` and length 1-100.
pub(crate) fn pipeline(name: &str) -> Result<(), String> {
    let ok = (1..=100).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'@' | b'-' | b'_'));
    if ok {
        return Ok(());
    }
    let hint = match name
        .strip_prefix("arn:")
        .and_then(|arn| arn.rsplit_once(':'))
    {
        Some((_, tail)) if !tail.is_empty() => {
            format!(" (that is the pipeline's ARN: write `{tail}`)")
        }
        _ if name.len() > 100 => format!(" ({} characters)", name.chars().count()),
        _ => String::new(),
    };
    Err(format!(
        "expected a pipeline name (1-100 letters, digits, `.`, `@`, `-` and `_`), found `{name}`{hint}"
    ))
}

/// An AWS timeout in seconds, 1 to `max` (`ceiling` says what bounds it).
pub(crate) fn timeout(n: i64, max: i64, ceiling: &str) -> Result<std::time::Duration, String> {
    match u64::try_from(n) {
        Ok(secs) if (1..=max).contains(&n) => Ok(std::time::Duration::from_secs(secs)),
        _ => Err(format!(
            "expected seconds between 1 and {max} ({ceiling}), found {n}"
        )),
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
