//! Where to reach AWS and as whom: profile, region and endpoint override, resolved from the flags,
//! `shipdeck.toml` and the environment, and checked before the first call.

use crate::config::{AwsConfig, regions};
use std::path::PathBuf;

/// The resolved connection settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsSettings {
    /// Named profile (`--profile`, `[aws] profile`, else `AWS_PROFILE`).
    pub profile: Option<String>,
    /// Region (`--region`, `[aws] region`, else the SDK's chain: `AWS_REGION`, the profile).
    pub region: Option<String>,
    /// Endpoint override (`--endpoint-url`, `[aws] endpoint_url`, else `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl AwsSettings {
    /// Flags first, then the configuration file, then the environment.
    pub fn resolve(
        profile: Option<&str>,
        region: Option<&str>,
        endpoint_url: Option<&str>,
        config: &AwsConfig,
    ) -> AwsSettings {
        let pick = |flag: Option<&str>, file: &Option<String>, var: &str| {
            flag.map(str::to_string)
                .or_else(|| file.clone())
                .or_else(|| env(var))
        };
        AwsSettings {
            profile: pick(profile, &config.profile, "AWS_PROFILE"),
            region: region.map(str::to_string).or_else(|| config.region.clone()),
            endpoint_url: pick(endpoint_url, &config.endpoint_url, "AWS_ENDPOINT_URL"),
        }
    }

    /// The profile whose credentials are used.
    pub fn effective_profile(&self) -> String {
        self.profile.clone().unwrap_or_else(|| "default".into())
    }

    /// The region the SDK will use: the explicit one, the environment's, or the profile's.
    pub fn effective_region(&self) -> Option<String> {
        self.region
            .clone()
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or_else(|| {
                let files = ProfileFiles::locate();
                files.value(&self.effective_profile(), "region")
            })
    }

    /// Checks what can be checked without a call; the error is a message for the operator.
    pub fn check(&self) -> Result<(), String> {
        if let Some(url) = &self.endpoint_url {
            check_endpoint(url)?;
        }
        if let Some(profile) = &self.profile {
            let files = ProfileFiles::locate();
            if !files.has_profile(profile) {
                return Err(format!(
                    "AWS profile `{profile}` is not defined in {} or {} (profiles found: {})",
                    files.config.display(),
                    files.credentials.display(),
                    files.names().join(", ")
                ));
            }
        }
        match self.effective_region() {
            Some(region) => check_region(&region),
            None => Err(format!(
                "no AWS region: pass --region, set `region` in [aws] of shipdeck.toml or in \
                 profile `{}`, or set AWS_REGION",
                self.effective_profile()
            )),
        }
    }
}

/// A region AWS lists, or one named like a newer region of a partition (see
/// [`crate::config::regions`]); the same rule as `[aws] region` in `shipdeck.toml`.
pub fn check_region(region: &str) -> Result<(), String> {
    regions::check(region)
        .map(|_| ())
        .map_err(|message| format!("invalid AWS region `{region}`: {message}"))
}

/// An endpoint override is an `http://` or `https://` URL with a host.
pub fn check_endpoint(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') && !host.contains(' ') => Ok(()),
        _ => Err(format!(
            "invalid endpoint URL `{url}`: expected http://HOST:PORT or https://HOST"
        )),
    }
}

/// The shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`).
struct ProfileFiles {
    config: PathBuf,
    credentials: PathBuf,
    /// (file is the config file, the section).
    sections: Vec<(bool, Section)>,
}

/// An INI section: its header and `key = value` pairs.
type Section = (String, Vec<(String, String)>);

impl ProfileFiles {
    fn locate() -> ProfileFiles {
        let home = env("HOME").map(PathBuf::from).unwrap_or_default();
        let config = env("AWS_CONFIG_FILE").map_or_else(|| home.join(".aws/config"), PathBuf::from);
        let credentials = env("AWS_SHARED_CREDENTIALS_FILE")
            .map_or_else(|| home.join(".aws/credentials"), PathBuf::from);
        let mut sections = Vec::new();
        for (is_config, path) in [(true, &config), (false, &credentials)] {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for section in parse_ini(&text) {
                sections.push((is_config, section));
            }
        }
        ProfileFiles {
            config,
            credentials,
            sections,
        }
    }

    /// The profile a section header names, if it names one.
    fn profile_of(is_config: bool, header: &str) -> Option<String> {
        let words: Vec<&str> = header.split_whitespace().collect();
        match (is_config, words.as_slice()) {
            (true, ["profile", name]) => Some((*name).to_string()),
            (_, ["default"]) => Some("default".into()),
            (false, [name]) => Some((*name).to_string()),
            _ => None,
        }
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .sections
            .iter()
            .filter_map(|(c, (h, _))| Self::profile_of(*c, h))
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            names.push("none".into());
        }
        names
    }

    fn has_profile(&self, name: &str) -> bool {
        self.sections
            .iter()
            .any(|(c, (h, _))| Self::profile_of(*c, h).as_deref() == Some(name))
    }

    fn value(&self, profile: &str, key: &str) -> Option<String> {
        self.sections
            .iter()
            .filter(|(c, (h, _))| *c && Self::profile_of(*c, h).as_deref() == Some(profile))
            .flat_map(|(_, (_, pairs))| pairs.iter())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
}

/// `[header]` sections with their `key = value` lines (comments and blank lines skipped).
fn parse_ini(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push((header.trim().to_string(), Vec::new()));
        } else if let (Some((key, value)), Some(last)) = (line.split_once('='), out.last_mut()) {
            last.1
                .push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_endpoints_are_checked() {
        for good in ["eu-west-1", "us-gov-west-1", "ap-southeast-4"] {
            assert!(check_region(good).is_ok(), "{good}");
        }
        for bad in [
            "eu-west",
            "Eu-west-1",
            "euwest1",
            "eu-west-1a",
            "",
            "e-west-1",
        ] {
            let err = check_region(bad).unwrap_err();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
        assert!(check_endpoint("http://127.0.0.1:5000").is_ok());
        assert!(check_endpoint("127.0.0.1:5000").is_err());
        assert!(check_endpoint("https://").is_err());
    }

    #[test]
    fn ini_sections_name_profiles() {
        let ini =
            parse_ini("[default]\nregion=eu-west-1\n# c\n[profile ops]\n region = us-east-1 \n");
        assert_eq!(ini.len(), 2);
        assert_eq!(ini[1].1, vec![("region".into(), "us-east-1".into())]);
        assert_eq!(
            ProfileFiles::profile_of(true, "profile ops").as_deref(),
            Some("ops")
        );
        assert_eq!(ProfileFiles::profile_of(true, "sso-session corp"), None);
        assert_eq!(
            ProfileFiles::profile_of(false, "ops").as_deref(),
            Some("ops")
        );
    }
}
