//! Signing in to IAM Identity Center as `aws sso login` does: the OIDC device authorization
//! (RegisterClient, StartDeviceAuthorization, then CreateToken every few seconds until the
//! operator approves in the browser), the token written to the AWS CLI's cache so the SDK's SSO
//! providers, shipdeck's and the CLI's, read it on their next call.
//!
//! The pure parts are separate and tested on their own: which session a profile signs in to
//! ([`profile`]), the cache's file names and format ([`cache`]), the polling ([`schedule`]).

pub mod cache;
mod device;
pub mod profile;
pub mod schedule;

pub use cache::Secret;
pub use device::{DeviceCode, Pending, SignedIn, client, endpoint_from_env, finish, start};
pub use profile::SsoTarget;

use thiserror::Error;

/// Why a sign-in could not start or did not end signed in.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LoginError {
    /// The profile files could not be read.
    #[error("cannot read the AWS profile files: {0}")]
    Profiles(String),
    /// No such profile.
    #[error(
        "AWS profile `{profile}` is not defined in the AWS config files (profiles: {})",
        list(known)
    )]
    ProfileNotFound {
        /// The profile asked for.
        profile: String,
        /// The profiles defined.
        known: Vec<String>,
    },
    /// A profile with no IAM Identity Center settings.
    #[error(
        "AWS profile `{profile}` does not sign in with IAM Identity Center ({why}); shipdeck login \
         signs in SSO profiles only (`aws configure sso` makes one)"
    )]
    NotSso {
        /// The profile asked for.
        profile: String,
        /// What it has instead.
        why: String,
    },
    /// A profile of the AWS CLI's console sign-in (`login_session`): `aws login` signs it in.
    #[error(
        "AWS profile `{profile}` uses an AWS console sign-in session (login_session in profile \
         `{login}`): sign in with `aws login --profile {login}`; shipdeck then reads the \
         credentials it caches"
    )]
    ConsoleLogin {
        /// The profile asked for.
        profile: String,
        /// The profile with the `login_session`.
        login: String,
    },
    /// A profile names an `sso-session` the config file does not define.
    #[error(
        "AWS profile `{profile}` names sso_session `{session}`, but there is no [sso-session {session}] section"
    )]
    NoSession {
        /// The profile naming it.
        profile: String,
        /// The session.
        session: String,
    },
    /// A setting the sign-in needs is missing.
    #[error("{section} has no {key}")]
    Incomplete {
        /// Where it is missing, e.g. ``sso-session `corp` ``.
        section: String,
        /// The setting.
        key: &'static str,
    },
    /// The operator (or an administrator's policy) refused the sign-in.
    #[error("the sign-in to {session} was denied (AccessDeniedException): nothing was cached")]
    Denied {
        /// The session, as [`SsoTarget::describe`] says it.
        session: String,
    },
    /// The code was not approved before it expired.
    #[error(
        "the sign-in code for {session} expired before it was approved: run the sign-in again \
         and approve it in the browser within {minutes} min"
    )]
    Expired {
        /// The session.
        session: String,
        /// How long the code was valid.
        minutes: i64,
    },
    /// IAM Identity Center's OIDC service failed or could not be reached.
    #[error("IAM Identity Center ({region}) {operation} failed: {message}")]
    Oidc {
        /// The region called.
        region: String,
        /// The operation, e.g. `RegisterClient`.
        operation: &'static str,
        /// What went wrong, in a line: the service's code and message, no answer in time, or
        /// what stopped the connection (never a token: requests are not in it).
        message: String,
    },
    /// The token could not be written to the cache.
    #[error("signed in, but {0}")]
    Cache(String),
    /// No home directory to find `~/.aws/sso/cache` in.
    #[error("cannot find the SSO token cache: HOME is not set")]
    NoHome,
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Where each of `profiles` signs in, one entry per distinct session (in the order first named),
/// with the profiles that use it; the profile files are read as the SDK reads them.
pub async fn sessions(profiles: &[String]) -> Result<Vec<(SsoTarget, Vec<String>)>, LoginError> {
    let set = profile::load().await?;
    let mut out: Vec<(SsoTarget, Vec<String>)> = Vec::new();
    for name in profiles {
        let target = profile::resolve(&set, name)?;
        match out.iter_mut().find(|(t, _)| same_session(t, &target)) {
            Some((_, names)) if !names.contains(name) => names.push(name.clone()),
            Some(_) => {}
            None => out.push((target, vec![name.clone()])),
        }
    }
    Ok(out)
}

/// Whether two targets sign in to one cached session (one sign-in serves both).
pub fn same_session(a: &SsoTarget, b: &SsoTarget) -> bool {
    a.cache_key() == b.cache_key() && a.start_url == b.start_url && a.region == b.region
}

/// `~/.aws/sso/cache`, from `HOME` as aws-config finds it.
pub fn cache_dir() -> Result<std::path::PathBuf, LoginError> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| cache::dir(std::path::Path::new(&h)))
        .ok_or(LoginError::NoHome)
}
