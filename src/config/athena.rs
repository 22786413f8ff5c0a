//! An environment's `[environments.athena]`: the Glue database, the workgroup and the query
//! results location its access-log queries use, each checked by AWS's rules.

use super::error::ConfigError;
use super::reader::Table;
use super::validate;
use std::collections::BTreeMap;

/// Keys of `[environments.athena]`.
pub(crate) const ATHENA_KEYS: &[&str] = &[
    "database",
    "workgroup",
    "output_location",
    "max_scan_bytes",
    "local_max_bytes",
];

/// The database when none is configured.
pub const DEFAULT_DATABASE: &str = "shipdeck";
/// The workgroup when none is configured (every account has it).
pub const DEFAULT_WORKGROUP: &str = "primary";

/// The bytes a query may scan without the operator's confirmation when none is configured
/// (50 GiB: $0.25 at $5 a TB).
pub const DEFAULT_MAX_SCAN_BYTES: u64 = 50 << 30;

/// The most bytes of log objects (as stored) the Traffic view's `:query` downloads to answer
/// with the local engine when none is configured (256 MiB: about 3 million requests of gzip
/// W3C, seconds to read); a range holding more runs on Athena.
pub const DEFAULT_LOCAL_MAX_BYTES: u64 = 256 << 20;

/// Where an environment's Athena queries run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AthenaSpec {
    /// The Glue database of the tables (`shipdeck`).
    pub database: String,
    /// The Athena workgroup (`primary`).
    pub workgroup: String,
    /// `s3://bucket/prefix/` for query results; `None`: the workgroup's own setting.
    pub output_location: Option<String>,
    /// A query estimated to scan more is run only when the operator confirms it.
    pub max_scan_bytes: u64,
    /// The console's `:query` reads a range holding at most this many bytes of log objects
    /// here (free) rather than on Athena; 0: always Athena unless asked for `local`.
    pub local_max_bytes: u64,
}

impl Default for AthenaSpec {
    fn default() -> Self {
        AthenaSpec {
            database: DEFAULT_DATABASE.into(),
            workgroup: DEFAULT_WORKGROUP.into(),
            output_location: None,
            max_scan_bytes: DEFAULT_MAX_SCAN_BYTES,
            local_max_bytes: DEFAULT_LOCAL_MAX_BYTES,
        }
    }
}

/// Each environment's `[environments.athena]` (absent: the defaults), by name.
pub(crate) fn read_all(root: &Table<'_, '_>) -> Result<BTreeMap<String, AthenaSpec>, ConfigError> {
    let mut out = BTreeMap::new();
    let Some(tables) = root.tables("environments")? else {
        return Ok(out);
    };
    for t in tables.into_inner() {
        let Some(name) = t.str("name")? else { continue };
        let spec = match t.table("athena")? {
            Some(a) => read(&a)?,
            None => AthenaSpec::default(),
        };
        out.insert(name.get_ref().to_string(), spec);
    }
    Ok(out)
}

fn read(t: &Table<'_, '_>) -> Result<AthenaSpec, ConfigError> {
    t.deny_unknown(ATHENA_KEYS)?;
    let mut spec = AthenaSpec::default();
    if let Some(v) = t.str("database")? {
        database(v.get_ref()).map_err(|m| t.invalid("database", &v.span(), m))?;
        spec.database = v.get_ref().to_string();
    }
    if let Some(v) = t.str("workgroup")? {
        workgroup(v.get_ref()).map_err(|m| t.invalid("workgroup", &v.span(), m))?;
        spec.workgroup = v.get_ref().to_string();
    }
    if let Some(v) = t.str("output_location")? {
        output_location(v.get_ref()).map_err(|m| t.invalid("output_location", &v.span(), m))?;
        spec.output_location = Some(v.get_ref().to_string());
    }
    if let Some(v) = t.int("max_scan_bytes")? {
        spec.max_scan_bytes = u64::try_from(*v.get_ref())
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                t.invalid(
                    "max_scan_bytes",
                    &v.span(),
                    format!("expected a positive number of bytes, found {}", v.get_ref()),
                )
            })?;
    }
    if let Some(v) = t.int("local_max_bytes")? {
        spec.local_max_bytes = u64::try_from(*v.get_ref()).map_err(|_| {
            t.invalid(
                "local_max_bytes",
                &v.span(),
                format!(
                    "expected a number of bytes (0: always Athena), found {}",
                    v.get_ref()
                ),
            )
        })?;
    }
    Ok(spec)
}

/// A Glue database name as Athena takes it: 1–255 lowercase letters, digits and `_`.
fn database(name: &str) -> Result<(), String> {
    let ok = (1..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a database name of lowercase letters, digits and `_` (at most 255), found `{name}`"
        ))
    }
}

/// A workgroup name: 1–128 letters, digits, `.`, `_` and `-`.
fn workgroup(name: &str) -> Result<(), String> {
    let ok = (1..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a workgroup name of letters, digits, `.`, `_` or `-` (at most 128), found `{name}`"
        ))
    }
}

/// `s3://bucket/` or `s3://bucket/prefix/`.
fn output_location(url: &str) -> Result<(), String> {
    let Some(rest) = url.strip_prefix("s3://") else {
        return Err(format!(
            "expected an S3 URL such as s3://my-athena-results/shipdeck/, found `{url}`"
        ));
    };
    let bucket = rest.split('/').next().unwrap_or("");
    validate::bucket(bucket).map_err(|m| format!("in `{url}`: {m}"))
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    const ENV: &str = crate::config::ONE_ENV;

    #[test]
    fn athena_settings_default_and_bad_values_name_the_key() {
        let c = Config::from_str(ENV, None).unwrap();
        let a = c.athena("dev");
        assert_eq!(
            (a.database.as_str(), a.workgroup.as_str()),
            ("shipdeck", "primary")
        );
        assert_eq!(a.output_location, None);
        assert_eq!(a.max_scan_bytes, 50 << 30);
        assert_eq!(a.local_max_bytes, 256 << 20);
        let text = format!(
            "{ENV}[environments.athena]\ndatabase = \"logs_db\"\nworkgroup = \"ops-wg\"\noutput_location = \"s3://athena-results-1/shipdeck/\"\nlocal_max_bytes = 0\n"
        );
        let c = Config::from_str(&text, None).unwrap();
        let a = c.athena("dev");
        assert_eq!(
            (a.database.as_str(), a.workgroup.as_str()),
            ("logs_db", "ops-wg")
        );
        assert_eq!(
            a.output_location.as_deref(),
            Some("s3://athena-results-1/shipdeck/")
        );
        assert_eq!(a.local_max_bytes, 0);
        for (body, says) in [
            (
                "database = \"Logs-DB\"",
                "environments[0].athena.database: expected a database name",
            ),
            (
                "workgroup = \"a b\"",
                "environments[0].athena.workgroup: expected a workgroup name",
            ),
            (
                "output_location = \"athena-results\"",
                "environments[0].athena.output_location: expected an S3 URL",
            ),
            (
                "output_location = \"s3://Bad_Bucket/\"",
                "in `s3://Bad_Bucket/`",
            ),
            (
                "max_scan_bytes = 0",
                "environments[0].athena.max_scan_bytes: expected a positive number of bytes",
            ),
            (
                "local_max_bytes = -1",
                "environments[0].athena.local_max_bytes: expected a number of bytes (0: always Athena), found -1",
            ),
            (
                "region = \"x\"",
                "unknown key `region` in environments[0].athena",
            ),
        ] {
            let err = Config::from_str(&format!("{ENV}[environments.athena]\n{body}\n"), None)
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{err}");
        }
    }
}
