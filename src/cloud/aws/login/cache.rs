//! The SSO token cache the AWS CLI and aws-config share: `~/.aws/sso/cache/<SHA-1 of the session
//! name, or of a legacy profile's start URL>.json`, camelCase JSON, written whole (a temporary
//! file of mode 0600 renamed into place) so a reader never sees half a token.

use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A token or client secret: shown as `** redacted **` by `Debug`, never printed or logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one call or file that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// One cache file, with the fields (and in the order) aws-config writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedToken {
    /// The access token the SSO portal takes for role credentials.
    pub access_token: Secret,
    /// When it expires, RFC 3339 UTC.
    pub expires_at: String,
    /// Renews the access token without a new sign-in (`sso-session` registrations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// The registered client the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Its secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    /// When the client registration expires, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_expires_at: Option<String>,
    /// The region of IAM Identity Center.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The access portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_url: Option<String>,
}

/// A registered OIDC client, reused until shortly before it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
    /// When the registration expires.
    pub expires_at: Timestamp,
}

/// A registration is not reused within this long of its expiry (the AWS CLI's window).
pub const REGISTRATION_MARGIN: crate::domain::Millis = 15 * Timestamp::MINUTE;

impl CachedToken {
    /// The client registration this file holds, if it is for `start_url` in `region` and still
    /// valid for [`REGISTRATION_MARGIN`] at `now`.
    pub fn registration(
        &self,
        start_url: &str,
        region: &str,
        now: Timestamp,
    ) -> Option<Registration> {
        if self.start_url.as_deref() != Some(start_url) || self.region.as_deref() != Some(region) {
            return None;
        }
        let expires_at = Timestamp::parse_rfc3339(self.registration_expires_at.as_deref()?)?;
        let client_id = self.client_id.clone().filter(|c| !c.is_empty())?;
        let client_secret = self.client_secret.clone()?;
        (expires_at.since(now) > REGISTRATION_MARGIN).then_some(Registration {
            client_id,
            client_secret,
            expires_at,
        })
    }

    /// The file's text.
    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string_pretty(self).map_err(|e| e.to_string())
    }
}

/// `HOME/.aws/sso/cache`.
pub fn dir(home: &Path) -> PathBuf {
    home.join(".aws").join("sso").join("cache")
}

/// The cache file of `key` (a session name, or a legacy profile's start URL) in `dir`: the
/// SHA-1 of the key in lower-case hex, `.json`.
pub fn file(dir: &Path, key: &str) -> PathBuf {
    let digest = Sha1::digest(key.as_bytes());
    let name: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{name}.json"))
}

/// The token in `path`, if there is one that parses.
pub fn read(path: &Path) -> Option<CachedToken> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Writes `token` to `path` whole: a temporary file of mode 0600 beside it, flushed, then
/// renamed over it. The directory is created when missing.
pub fn write(path: &Path, token: &CachedToken) -> Result<(), String> {
    let fail = |e: &dyn fmt::Display| format!("cannot write {}: {e}", path.display());
    let parent = path
        .parent()
        .ok_or_else(|| fail(&"the path names no directory"))?;
    std::fs::create_dir_all(parent).map_err(|e| fail(&e))?;
    let text = token.to_json().map_err(|e| fail(&e))?;
    // NamedTempFile creates the file readable and writable by its owner only (0600).
    let mut temp = tempfile::NamedTempFile::new_in(parent).map_err(|e| fail(&e))?;
    temp.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    temp.as_file().sync_all().map_err(|e| fail(&e))?;
    temp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> CachedToken {
        CachedToken {
            access_token: Secret::new("at-123"),
            expires_at: "2026-12-06T20:00:00Z".into(),
            refresh_token: Some(Secret::new("rt-456")),
            client_id: Some("client-1".into()),
            client_secret: Some(Secret::new("cs-789")),
            registration_expires_at: Some("2027-03-06T20:00:00Z".into()),
            region: Some("eu-west-1".into()),
            start_url: Some("https://d-1.awsapps.com/start".into()),
        }
    }

    #[test]
    fn files_are_named_by_the_sha1_of_the_session_or_start_url() {
        // The names aws-config's own tests expect (sso/cache.rs, determine_correct_cache_filenames).
        let d = Path::new("/home/someuser/.aws/sso/cache");
        assert_eq!(
            file(d, "https://d-92671207e4.awsapps.com/start"),
            d.join("13f9d35043871d073ab260e020f0ffde092cb14b.json")
        );
        assert_eq!(
            file(d, "admin"),
            d.join("d033e22ae348aeb5660fc2140aec35850c4da997.json")
        );
        assert_eq!(
            file(d, "dev-scopes"),
            d.join("75e4d41276d8bd17f85986fc6cccef29fd725ce3.json")
        );
        assert_eq!(dir(Path::new("/h")), Path::new("/h/.aws/sso/cache"));
    }

    #[test]
    fn the_file_has_the_aws_cli_fields_and_debug_shows_no_secret() {
        let json = token().to_json().unwrap();
        let keys: Vec<&str> = json
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
            .collect();
        assert_eq!(
            keys,
            [
                "accessToken",
                "expiresAt",
                "refreshToken",
                "clientId",
                "clientSecret",
                "registrationExpiresAt",
                "region",
                "startUrl"
            ]
        );
        let back: CachedToken = serde_json::from_str(&json).unwrap();
        assert_eq!(back, token());
        let debug = format!("{:?}", token());
        for secret in ["at-123", "rt-456", "cs-789"] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }

    #[test]
    fn a_registration_is_reused_only_for_its_portal_while_valid() {
        let t = token();
        let url = "https://d-1.awsapps.com/start";
        let now = Timestamp::parse_rfc3339("2026-12-06T12:00:00Z").unwrap();
        let r = t.registration(url, "eu-west-1", now).unwrap();
        assert_eq!(r.client_id, "client-1");
        assert!(
            t.registration(url, "us-east-1", now).is_none(),
            "other region"
        );
        assert!(
            t.registration("https://x/start", "eu-west-1", now)
                .is_none()
        );
        let late = Timestamp::parse_rfc3339("2027-03-06T19:50:00Z").unwrap();
        assert!(
            t.registration(url, "eu-west-1", late).is_none(),
            "expires within 15 min"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_replaced_whole_and_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let path = file(&dir(home.path()), "corp");
        write(&path, &token()).unwrap();
        let mut second = token();
        second.access_token = Secret::new("at-second");
        write(&path, &second).unwrap();
        assert_eq!(read(&path).unwrap(), second);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let files = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(files, 1, "no temporary file left behind");
    }
}
