//! Where to reach AWS and as whom: profile, region, endpoint override and timeouts, resolved from
//! the flags, `shipdeck.toml` and the environment, and checked before the first call; where the
//! credentials will come from, for error messages.

use crate::config::{AwsConfig, EnvIdentity, regions};
use std::path::PathBuf;
use std::time::Duration;

/// How long to wait for AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Wait for a TCP (and TLS) connection, per attempt.
    pub connect: Duration,
    /// Limit of one call, retries included; each attempt gets at most half of it.
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: AwsConfig::DEFAULT_CONNECT_TIMEOUT,
            operation: AwsConfig::DEFAULT_OPERATION_TIMEOUT,
        }
    }
}

impl Timeouts {
    /// The limit of one attempt: half the operation's, so that a hung attempt leaves time for a
    /// retry.
    pub fn attempt(&self) -> Duration {
        self.operation / 2
    }
}

/// Where the SDK's default chain will find credentials, as far as the environment and the
/// profile files tell: what an error about them should say and suggest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// `AWS_ACCESS_KEY_ID` in the environment (the chain's first place).
    Environment,
    /// An IAM Identity Center (SSO) profile; `login` is the profile `aws sso login` takes (the
    /// profile itself, or the SSO profile a role profile's `source_profile` chain ends in).
    Sso {
        /// The profile to log in with.
        login: String,
    },
    /// A profile that assumes a role (`role_arn`).
    Role,
    /// A profile whose credentials a `credential_process` prints.
    Process,
    /// A profile with keys (`aws_access_key_id`), maybe with a session token.
    Keys,
    /// Nothing in the environment or the profile files: web identity, container or instance
    /// credentials, if any.
    Elsewhere,
}

/// A role assumed (`sts:AssumeRole`) with the profile's credentials.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleSettings {
    /// The role's ARN.
    pub arn: String,
    /// The external id its trust policy asks for.
    pub external_id: Option<String>,
    /// The role session's name (what CloudTrail shows, and whom the self-approval guard and the
    /// audit log see) as configured; `None`: named after the base credentials' caller (see
    /// [`RoleSettings::session_for`]).
    pub session_name: Option<String>,
}

impl RoleSettings {
    /// The session name when neither the configuration nor the caller names one.
    pub const DEFAULT_SESSION_NAME: &'static str = "shipdeck";

    /// The session name to assume the role with: the configured one, else the person the base
    /// credentials are (`caller`, their ARN's last part: `alice` of `…:user/alice`,
    /// `alice@example.com` of an SSO session), so that a shared role's sessions still say who
    /// acts — one session name for everyone would let anyone approve their own release; else
    /// [`DEFAULT_SESSION_NAME`](Self::DEFAULT_SESSION_NAME). Characters a session name cannot
    /// hold become `-`; at most 64 are kept.
    pub fn session_for(&self, caller: Option<&str>) -> String {
        if let Some(name) = &self.session_name {
            return name.clone();
        }
        let person = caller.and_then(|arn| arn.rsplit(['/', ':']).next());
        let name: String = (person.unwrap_or_default().chars())
            .map(|c| match c {
                c if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) => c,
                _ => '-',
            })
            .take(64)
            .collect();
        if name.len() < 2 {
            Self::DEFAULT_SESSION_NAME.into()
        } else {
            name
        }
    }
}

/// The resolved connection settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsSettings {
    /// Named profile (`--profile`, `[aws] profile`, else `AWS_PROFILE`).
    pub profile: Option<String>,
    /// Region (`--region`, `[aws] region`, else the SDK's chain: `AWS_REGION`, the profile).
    pub region: Option<String>,
    /// Endpoint override (`--endpoint-url`, `[aws] endpoint_url`, else `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    /// Connect and operation timeouts (`[aws] connect_timeout`, `operation_timeout`).
    pub timeouts: Timeouts,
    /// A role assumed on top of the profile's credentials (`role_arn`).
    pub role: Option<RoleSettings>,
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
            timeouts: Timeouts {
                connect: config
                    .connect_timeout
                    .unwrap_or(AwsConfig::DEFAULT_CONNECT_TIMEOUT),
                operation: config
                    .operation_timeout
                    .unwrap_or(AwsConfig::DEFAULT_OPERATION_TIMEOUT),
            },
            role: role_of(&config.identity()),
        }
    }

    /// One environment's settings: the keys its own table sets (`own`) win; the others are
    /// those of [`AwsSettings::resolve`] (flags, then `[aws]`, then the environment variables).
    pub fn for_environment(
        profile: Option<&str>,
        region: Option<&str>,
        endpoint_url: Option<&str>,
        config: &AwsConfig,
        own: Option<&EnvIdentity>,
    ) -> AwsSettings {
        let mut s = AwsSettings::resolve(profile, region, endpoint_url, config);
        let Some(own) = own else { return s };
        if own.profile.is_some() {
            s.profile = own.profile.clone();
        }
        if own.region.is_some() {
            s.region = own.region.clone();
        }
        if own.endpoint_url.is_some() {
            s.endpoint_url = own.endpoint_url.clone();
        }
        s.role = role_of(&own.or(&config.identity()));
        s
    }

    /// What two environments must share to share clients: everything but the timeouts (which
    /// are `[aws]`'s for all).
    pub fn key(
        &self,
    ) -> (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<RoleSettings>,
    ) {
        (
            self.profile.clone(),
            self.region.clone(),
            self.endpoint_url.clone(),
            self.role.clone(),
        )
    }

    /// Who the calls are made as, in a few words: `profile ops`, `profile ops → role
    /// arn:aws:iam::222222222222:role/shipdeck`.
    pub fn describe(&self) -> String {
        let base = format!("profile {}", self.effective_profile());
        match &self.role {
            Some(role) => format!("{base} → role {}", role.arn),
            None => base,
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

    /// Where the SDK's default chain will find credentials: the environment first, then the
    /// profile (what its sections in the profile files hold).
    pub fn credential_source(&self) -> CredentialSource {
        if env("AWS_ACCESS_KEY_ID").is_some() {
            return CredentialSource::Environment;
        }
        ProfileFiles::locate().source(&self.effective_profile(), 0)
    }

    /// The places the SDK's default chain looks for credentials, in its order, and what each
    /// held: for a "no credentials found" message. Names settings, never their values.
    pub fn places_looked(&self) -> String {
        let profile = self.effective_profile();
        let files = ProfileFiles::locate();
        let set = |name: &str| env(name).is_some();
        let mut places = vec![
            match (set("AWS_ACCESS_KEY_ID"), set("AWS_SECRET_ACCESS_KEY")) {
                (false, _) => "the environment (AWS_ACCESS_KEY_ID not set)".to_string(),
                (true, false) => {
                    "the environment (AWS_ACCESS_KEY_ID set without AWS_SECRET_ACCESS_KEY)"
                        .to_string()
                }
                (true, true) => {
                    "the environment (AWS_ACCESS_KEY_ID and the secret set)".to_string()
                }
            },
        ];
        let in_files = format!(
            "profile `{profile}` in {} and {}",
            files.config.display(),
            files.credentials.display()
        );
        let source = files.source(&profile, 0);
        places.push(if !files.has_profile(&profile) {
            format!("{in_files} (not defined there)")
        } else if source == CredentialSource::Elsewhere {
            format!(
                "{in_files} (defined without credentials: no aws_access_key_id, sso_session, \
                 role_arn or credential_process)"
            )
        } else {
            format!("{in_files} (defined)")
        });
        if !matches!(source, CredentialSource::Sso { .. }) {
            places.push(format!(
                "SSO (profile `{profile}` has no sso_session or sso_start_url)"
            ));
        }
        if !set("AWS_WEB_IDENTITY_TOKEN_FILE") {
            places.push("a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE not set)".into());
        }
        if !set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            && !set("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        {
            places.push(
                "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set)"
                    .into(),
            );
        }
        let imds_off =
            env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        places.push(if imds_off {
            "the EC2 instance metadata service (IMDS; disabled by AWS_EC2_METADATA_DISABLED)".into()
        } else {
            "the EC2 instance metadata service (IMDS; no credentials from it: not on EC2, or no role)"
                .into()
        });
        places.join(", ")
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
                    "AWS profile `{profile}` is not defined in {} or {} (profiles found: {}; \
                     aws reads AWS_CONFIG_FILE, else ~/.aws/config, and \
                     AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials)",
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

/// The role keys of a resolved identity.
fn role_of(identity: &EnvIdentity) -> Option<RoleSettings> {
    Some(RoleSettings {
        arn: identity.role_arn.clone()?,
        external_id: identity.external_id.clone(),
        session_name: identity.role_session_name.clone(),
    })
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

    /// A key of `profile` in either file (the credentials file's first).
    fn any_value(&self, profile: &str, key: &str) -> Option<String> {
        let mut sections: Vec<&(bool, Section)> = self.sections.iter().collect();
        sections.sort_by_key(|(c, _)| *c);
        sections
            .into_iter()
            .filter(|(c, (h, _))| Self::profile_of(*c, h).as_deref() == Some(profile))
            .flat_map(|(_, (_, pairs))| pairs.iter())
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
    }

    /// Where `profile`'s credentials come from, as the SDK's profile provider decides it: a
    /// role first (following `source_profile` to an SSO profile), then SSO, a credential
    /// process, keys.
    fn source(&self, profile: &str, depth: usize) -> CredentialSource {
        let has = |key: &str| self.any_value(profile, key).is_some();
        if has("role_arn") {
            let from = self.any_value(profile, "source_profile");
            if let Some(from) = from.filter(|f| f != profile && depth < 8)
                && let sso @ CredentialSource::Sso { .. } = self.source(&from, depth + 1)
            {
                return sso;
            }
            return CredentialSource::Role;
        }
        if has("sso_session") || has("sso_start_url") {
            return CredentialSource::Sso {
                login: profile.to_string(),
            };
        }
        if has("credential_process") {
            return CredentialSource::Process;
        }
        if has("aws_access_key_id") {
            return CredentialSource::Keys;
        }
        CredentialSource::Elsewhere
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

    /// A role's session is named after the person the base credentials are, unless configured:
    /// one name for everyone would make every operator the same person to the guards.
    #[test]
    fn a_role_session_is_named_after_the_caller_unless_configured() {
        let role = |name: Option<&str>| RoleSettings {
            arn: "arn:aws:iam::222222222222:role/shipdeck-operator".into(),
            external_id: None,
            session_name: name.map(str::to_string),
        };
        let sso =
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0a1b/alice@example.com";
        assert_eq!(role(None).session_for(Some(sso)), "alice@example.com");
        let user = "arn:aws:iam::111111111111:user/ops/bob";
        assert_eq!(role(None).session_for(Some(user)), "bob");
        assert_eq!(role(Some("ci")).session_for(Some(user)), "ci");
        assert_eq!(role(None).session_for(None), "shipdeck");
        assert_eq!(role(None).session_for(Some("arn:aws:iam::1:root")), "root");
        let odd = "arn:aws:sts::1:assumed-role/R/jo smith#1";
        assert_eq!(role(None).session_for(Some(odd)), "jo-smith-1");
        let long = format!("arn:aws:iam::1:user/{}", "x".repeat(80));
        assert_eq!(role(None).session_for(Some(&long)).len(), 64);
    }

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

    fn files(config: &str, credentials: &str) -> ProfileFiles {
        let mut sections: Vec<(bool, Section)> = Vec::new();
        sections.extend(parse_ini(config).into_iter().map(|s| (true, s)));
        sections.extend(parse_ini(credentials).into_iter().map(|s| (false, s)));
        ProfileFiles {
            config: PathBuf::from("config"),
            credentials: PathBuf::from("credentials"),
            sections,
        }
    }

    #[test]
    fn credential_sources_follow_the_profile_providers_order() {
        let f = files(
            "[profile sso]\nsso_session = corp\n[profile legacy]\nsso_start_url = https://x\n\
             [profile admin]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = sso\n\
             [profile ci]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = keys\n\
             [profile proc]\ncredential_process = /bin/creds\n[profile empty]\nregion = eu-west-1\n",
            "[keys]\naws_access_key_id = AKIA\naws_secret_access_key = s\n",
        );
        let sso = |p: &str| CredentialSource::Sso { login: p.into() };
        assert_eq!(f.source("sso", 0), sso("sso"));
        assert_eq!(f.source("legacy", 0), sso("legacy"));
        assert_eq!(
            f.source("admin", 0),
            sso("sso"),
            "log in with the source profile"
        );
        assert_eq!(f.source("ci", 0), CredentialSource::Role);
        assert_eq!(f.source("proc", 0), CredentialSource::Process);
        assert_eq!(f.source("keys", 0), CredentialSource::Keys);
        assert_eq!(f.source("empty", 0), CredentialSource::Elsewhere);
        assert_eq!(f.source("ghost", 0), CredentialSource::Elsewhere);
        let looped = files(
            "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = a\n",
            "",
        );
        assert_eq!(looped.source("a", 0), CredentialSource::Role);
    }

    #[test]
    fn timeouts_come_from_the_aws_table_else_the_defaults() {
        let config = AwsConfig {
            operation_timeout: Some(Duration::from_secs(5)),
            ..AwsConfig::default()
        };
        let s = AwsSettings::resolve(None, Some("eu-west-1"), None, &config);
        assert_eq!(
            s.timeouts,
            Timeouts {
                connect: Duration::from_secs(3),
                operation: Duration::from_secs(5)
            }
        );
        let s = AwsSettings::resolve(None, None, None, &AwsConfig::default());
        assert_eq!(s.timeouts, Timeouts::default());
    }

    #[test]
    fn timeouts_stay_below_the_consoles_limit_and_leave_room_for_a_retry() {
        let max = Duration::from_secs(AwsConfig::MAX_TIMEOUT_SECS as u64);
        assert!(max < crate::runtime::REQUEST_TIMEOUT);
        let t = Timeouts::default();
        assert_eq!(t.attempt(), Duration::from_secs(7));
        assert!(t.connect <= t.operation);
    }
}
