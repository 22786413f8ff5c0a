//! `shipdeck login`: signs in to IAM Identity Center for the profile shipdeck uses (or
//! `--profile`), as `aws sso login` does: prints the page and code, opens the browser, waits
//! for the approval, and says which session is signed in until when.

use super::{Answer, Failure, Global, stdout};
use crate::cloud::aws::login::{self, LoginError};
use crate::runtime::WallClock;

/// Runs `shipdeck login`; `browser` false prints the page without opening it.
pub async fn run(global: &Global, browser: bool) -> Result<Answer, Failure> {
    if global.demo {
        return Err(Failure::usage(
            "--demo runs against the embedded simulator: there is no SSO session to sign in to",
        ));
    }
    let profiles = profiles(global)?;
    let sessions = login::sessions(&profiles).await.map_err(failure)?;
    let dir = login::cache_dir().map_err(failure)?;
    let endpoint = login::endpoint_from_env();
    let mut text = String::new();
    for (target, names) in sessions {
        let client = login::client(&target.region, endpoint.as_deref());
        let pending = login::start(&client, target, &dir, &WallClock)
            .await
            .map_err(failure)?;
        let code = &pending.code;
        stdout::line(&format!(
            "Signing in to {} for profile {}.\nOpen this page and check that it shows the code {}:\n\n  {}\n\nWaiting for the approval (the code expires at {} UTC; Ctrl-C stops)…",
            pending.target.describe(),
            names.join(", "),
            code.user_code,
            code.url,
            code.expires_at.clock(),
        ));
        if browser && let Err(e) = open::that_detached(&code.url) {
            stdout::line(&format!(
                "(could not open a browser: {e}; open the page above yourself)"
            ));
        }
        let done = login::finish(&client, pending, &WallClock)
            .await
            .map_err(failure)?;
        text.push_str(&format!(
            "Signed in to {} until {} UTC (profile {}); the AWS CLI uses this session too.\n",
            done.target.describe(),
            done.expires_at
                .rfc3339()
                .replace('T', " ")
                .trim_end_matches('Z'),
            names.join(", "),
        ));
    }
    Ok(Answer::ok(text))
}

/// The profiles to sign in: `--profile`, else the `[aws]` profile of `shipdeck.toml` (then
/// `AWS_PROFILE`, then `default`).
fn profiles(global: &Global) -> Result<Vec<String>, Failure> {
    if let Some(p) = &global.profile {
        return Ok(vec![p.clone()]);
    }
    let config = crate::config::discover(global.config.as_deref()).map_err(|e| {
        Failure::usage(format!(
            "{e}; pass --profile to sign in without a configuration"
        ))
    })?;
    let settings = crate::cloud::aws::AwsSettings::resolve(None, None, None, &config.aws);
    Ok(vec![settings.effective_profile()])
}

/// Bad input (a profile that is not there or cannot sign in) exits 2; a sign-in that failed, 1.
fn failure(e: LoginError) -> Failure {
    match e {
        LoginError::ProfileNotFound { .. }
        | LoginError::NotSso { .. }
        | LoginError::ConsoleLogin { .. }
        | LoginError::NoSession { .. }
        | LoginError::Incomplete { .. } => Failure::usage(e.to_string()),
        _ => Failure::new(e.to_string()),
    }
}
