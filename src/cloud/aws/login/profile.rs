//! Which IAM Identity Center session a profile signs in to: its `[sso-session NAME]` (start URL,
//! region, registration scopes) or the legacy `sso_start_url`/`sso_region` in the profile, read
//! from the profile files by aws-config's own parser so both resolve a profile alike.

use super::LoginError;
use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};

/// The scope the AWS CLI registers an `sso-session` client with when the session names none: it
/// lets the token be refreshed and list and reach the accounts.
pub const DEFAULT_SCOPE: &str = "sso:account:access";

/// Where one profile signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoTarget {
    /// The profile asked for.
    pub profile: String,
    /// The profile that holds the SSO settings (itself, or the end of its `source_profile`
    /// chain when it assumes a role with an SSO profile's credentials).
    pub sso_profile: String,
    /// The `[sso-session NAME]` it uses; `None` for a legacy profile (`sso_start_url` in the
    /// profile itself).
    pub session: Option<String>,
    /// The AWS access portal, e.g. `https://d-1234567890.awsapps.com/start`.
    pub start_url: String,
    /// The region of IAM Identity Center.
    pub region: String,
    /// The scopes the client registers with (an `sso-session` only; legacy profiles register none).
    pub scopes: Vec<String>,
}

impl SsoTarget {
    /// What the token cache file is named after: the session name, or the start URL of a
    /// legacy profile (as aws-config and the AWS CLI name it).
    pub fn cache_key(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.start_url)
    }

    /// The session as the operator knows it: `sso-session corp` or `https://… (profile ops)`.
    pub fn describe(&self) -> String {
        match &self.session {
            Some(s) => format!("sso-session `{s}`"),
            None => format!("{} (profile `{}`)", self.start_url, self.sso_profile),
        }
    }
}

/// Loads the shared config and credentials files as the SDK does (`AWS_CONFIG_FILE`,
/// `AWS_SHARED_CREDENTIALS_FILE`, `~/.aws/config`).
pub async fn load() -> Result<ProfileSet, LoginError> {
    aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None)
        .await
        .map_err(|e| LoginError::Profiles(e.to_string()))
}

/// Parses the text of a config file (no credentials file), as aws-config does.
pub async fn parse(config: &str) -> Result<ProfileSet, LoginError> {
    let files = EnvConfigFiles::builder()
        .include_default_credentials_file(false)
        .include_default_config_file(false)
        .with_contents(EnvConfigFileKind::Config, config)
        .build();
    aws_config::profile::load(&Fs::from_slice(&[]), &Env::from_slice(&[]), &files, None)
        .await
        .map_err(|e| LoginError::Profiles(e.to_string()))
}

/// Where `profile` signs in: its SSO settings, following `source_profile` from a role profile to
/// the SSO profile whose credentials assume the role.
pub fn resolve(set: &ProfileSet, profile: &str) -> Result<SsoTarget, LoginError> {
    let mut name = profile.to_string();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let Some(p) = set.get_profile(&name) else {
            if name == profile {
                let mut known: Vec<String> = set.profiles().map(str::to_string).collect();
                known.sort();
                return Err(LoginError::ProfileNotFound {
                    profile: profile.into(),
                    known,
                });
            }
            return Err(LoginError::NotSso {
                profile: profile.into(),
                why: format!("its source_profile `{name}` is not defined"),
            });
        };
        let get = |key: &str| p.get(key).map(str::trim).filter(|v| !v.is_empty());
        if let Some(session) = get("sso_session") {
            return from_session(set, profile, &name, session);
        }
        if let Some(start_url) = get("sso_start_url") {
            let region = get("sso_region").ok_or_else(|| LoginError::Incomplete {
                section: format!("profile `{name}`"),
                key: "sso_region",
            })?;
            return Ok(SsoTarget {
                profile: profile.into(),
                sso_profile: name.clone(),
                session: None,
                start_url: start_url.into(),
                region: region.into(),
                scopes: Vec::new(),
            });
        }
        if get("login_session").is_some() {
            return Err(LoginError::ConsoleLogin {
                profile: profile.into(),
                login: name.clone(),
            });
        }
        match (get("role_arn"), get("source_profile")) {
            (Some(_), Some(source)) if !seen.contains(&source.to_string()) && seen.len() < 8 => {
                seen.push(name.clone());
                name = source.to_string();
            }
            _ => {
                let why = if name == profile {
                    "no sso_session or sso_start_url".to_string()
                } else {
                    format!("its source_profile `{name}` has no sso_session or sso_start_url")
                };
                return Err(LoginError::NotSso {
                    profile: profile.into(),
                    why,
                });
            }
        }
    }
}

fn from_session(
    set: &ProfileSet,
    profile: &str,
    sso_profile: &str,
    session: &str,
) -> Result<SsoTarget, LoginError> {
    let section = set
        .sso_session(session)
        .ok_or_else(|| LoginError::NoSession {
            profile: sso_profile.into(),
            session: session.into(),
        })?;
    let get = |key: &'static str| {
        section
            .get(key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| LoginError::Incomplete {
                section: format!("sso-session `{session}`"),
                key,
            })
    };
    let scopes: Vec<String> = section
        .get("sso_registration_scopes")
        .unwrap_or(DEFAULT_SCOPE)
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    Ok(SsoTarget {
        profile: profile.into(),
        sso_profile: sso_profile.into(),
        session: Some(session.into()),
        start_url: get("sso_start_url")?.into(),
        region: get("sso_region")?.into(),
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, codecatalyst:read_write

[sso-session bare]
sso_start_url = https://d-2.awsapps.com/start
sso_region = us-east-1

[sso-session broken]
sso_start_url = https://d-3.awsapps.com/start

[profile ops]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Deployer

[profile plain]
sso_session = bare

[profile legacy]
sso_start_url = https://d-legacy.awsapps.com/start
sso_region = us-west-2
sso_account_id = 222222222222
sso_role_name = Admin

[profile admin]
role_arn = arn:aws:iam::333333333333:role/Admin
source_profile = ops

[profile keys]
aws_access_key_id = AKIDEXAMPLE

[profile ghost-session]
sso_session = nowhere

[profile half]
sso_session = broken

[profile console]
login_session = arn:aws:iam::444444444444:user/Admin

[profile loop-a]
role_arn = arn:aws:iam::1:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::1:role/b
source_profile = loop-a
";

    async fn resolved(profile: &str) -> Result<SsoTarget, LoginError> {
        resolve(&parse(CONFIG).await.unwrap(), profile)
    }

    #[tokio::test]
    async fn an_sso_session_profile_signs_in_to_its_session_with_its_scopes() {
        let t = resolved("ops").await.unwrap();
        assert_eq!(t.session.as_deref(), Some("corp"));
        assert_eq!(t.start_url, "https://d-1234567890.awsapps.com/start");
        assert_eq!(t.region, "eu-west-1");
        assert_eq!(t.scopes, ["sso:account:access", "codecatalyst:read_write"]);
        assert_eq!(t.cache_key(), "corp");
        let plain = resolved("plain").await.unwrap();
        assert_eq!(plain.scopes, [DEFAULT_SCOPE], "the AWS CLI's default scope");
    }

    #[tokio::test]
    async fn a_legacy_profile_is_keyed_by_its_start_url() {
        let t = resolved("legacy").await.unwrap();
        assert_eq!(t.session, None);
        assert_eq!(t.region, "us-west-2");
        assert!(t.scopes.is_empty());
        assert_eq!(t.cache_key(), "https://d-legacy.awsapps.com/start");
    }

    #[tokio::test]
    async fn a_role_profile_signs_in_with_its_source_profiles_session() {
        let t = resolved("admin").await.unwrap();
        assert_eq!(t.profile, "admin");
        assert_eq!(t.sso_profile, "ops");
        assert_eq!(t.session.as_deref(), Some("corp"));
    }

    #[tokio::test]
    async fn profiles_that_cannot_sign_in_say_why() {
        let msg = |r: Result<SsoTarget, LoginError>| r.unwrap_err().to_string();
        let m = msg(resolved("nobody").await);
        assert!(
            m.contains("`nobody` is not defined") && m.contains("ops"),
            "{m}"
        );
        let m = msg(resolved("keys").await);
        assert!(m.contains("`keys`") && m.contains("no sso_session"), "{m}");
        let m = msg(resolved("ghost-session").await);
        assert!(m.contains("[sso-session nowhere]"), "{m}");
        let m = msg(resolved("half").await);
        assert!(
            m.contains("sso-session `broken`") && m.contains("sso_region"),
            "{m}"
        );
        let m = msg(resolved("console").await);
        assert!(m.contains("aws login --profile console"), "{m}");
        let m = msg(resolved("loop-a").await);
        assert!(m.contains("`loop-a`"), "{m}");
    }
}
