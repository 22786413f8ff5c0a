//! The device authorization's calls to IAM Identity Center's OIDC service, on a clock the
//! caller gives (the wall clock, or a test's).

use super::cache::{self, CachedToken, Registration, Secret};
use super::schedule::{Schedule, Wait};
use super::{LoginError, SsoTarget};
use crate::cloud::Clock;
use crate::domain::Timestamp;
use aws_sdk_ssooidc::Client;
use aws_sdk_ssooidc::config::{BehaviorVersion, Region};
use aws_sdk_ssooidc::error::{DisplayErrorContext, SdkError};
use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use aws_sdk_ssooidc::operation::start_device_authorization::{
    StartDeviceAuthorizationError, StartDeviceAuthorizationOutput,
};
use std::path::{Path, PathBuf};

/// The grant of the device authorization (RFC 8628).
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The name the client registers under (the portal shows it).
const CLIENT_NAME: &str = "shipdeck";

/// What the operator needs to approve the sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    /// The code the portal shows, to compare with the one shown here.
    pub user_code: String,
    /// The page to open, with the code filled in when the portal gives one.
    pub url: String,
    /// When the code expires.
    pub expires_at: Timestamp,
}

/// A sign-in waiting for the operator's approval.
#[derive(Debug)]
pub struct Pending {
    /// Where it signs in.
    pub target: SsoTarget,
    /// What to show.
    pub code: DeviceCode,
    registration: Registration,
    device_code: Secret,
    schedule: Schedule,
    cache_file: PathBuf,
    region: String,
}

/// A finished sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The session signed in to.
    pub target: SsoTarget,
    /// Until when the token is valid.
    pub expires_at: Timestamp,
    /// The cache file written.
    pub cache_file: PathBuf,
}

/// The OIDC client of `region`; `endpoint` overrides where it calls (a test's stand-in, or
/// `AWS_ENDPOINT_URL_SSO_OIDC`). The calls are unsigned: no credentials are needed.
/// The calls wait as long as shipdeck's other AWS calls do by default (a service that never
/// answers ends the sign-in with a message, not a hang).
pub fn client(region: &str, endpoint: Option<&str>) -> Client {
    let timeouts = crate::cloud::aws::Timeouts::default();
    let mut config = aws_sdk_ssooidc::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .timeout_config(crate::cloud::aws::timeout_config(&timeouts))
        .region(Region::new(region.to_string()));
    if let Some(url) = endpoint {
        config = config.endpoint_url(url);
    }
    Client::from_conf(config.build())
}

/// `AWS_ENDPOINT_URL_SSO_OIDC`, the SDK's setting for where the OIDC service is.
pub fn endpoint_from_env() -> Option<String> {
    std::env::var("AWS_ENDPOINT_URL_SSO_OIDC")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// A failed OIDC call, said in a line: the service's error code and message, or that it did not
/// answer in time, or what stopped the connection (the full chain goes to the log).
fn failed<E>(target: &SsoTarget, operation: &'static str, err: &SdkError<E>) -> LoginError
where
    E: std::error::Error + aws_sdk_ssooidc::error::ProvideErrorMetadata + 'static,
{
    tracing::warn!(operation, error = %DisplayErrorContext(err), "OIDC call failed");
    let timeouts = crate::cloud::aws::Timeouts::default();
    let no_answer = || format!("no answer within {} s", timeouts.operation.as_secs());
    let message = match err {
        SdkError::TimeoutError(_) => no_answer(),
        SdkError::DispatchFailure(f) if f.is_timeout() => no_answer(),
        SdkError::DispatchFailure(_) => format!(
            "cannot connect: {}",
            crate::cloud::aws::errors::root_cause(err)
        ),
        SdkError::ServiceError(s) => match (s.err().code(), s.err().message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_string(),
            _ => crate::cloud::aws::errors::root_cause(err),
        },
        _ => crate::cloud::aws::errors::root_cause(err),
    };
    LoginError::Oidc {
        region: target.region.clone(),
        operation,
        message,
    }
}

/// Registers shipdeck as a public OIDC client of the session's portal (with the session's
/// scopes and the refresh grant, so the SDK can renew the token; none for a legacy profile).
async fn register(
    client: &Client,
    target: &SsoTarget,
    now: Timestamp,
) -> Result<Registration, LoginError> {
    let mut call = client
        .register_client()
        .client_name(CLIENT_NAME)
        .client_type("public");
    if target.session.is_some() {
        call = call
            .set_scopes(Some(target.scopes.clone()))
            .grant_types(DEVICE_GRANT)
            .grant_types("refresh_token")
            .issuer_url(&target.start_url);
    }
    let out = call
        .send()
        .await
        .map_err(|e| failed(target, "RegisterClient", &e))?;
    let missing = |what: &str| LoginError::Oidc {
        region: target.region.clone(),
        operation: "RegisterClient",
        message: format!("the answer has no {what}"),
    };
    Ok(Registration {
        client_id: out.client_id.ok_or_else(|| missing("clientId"))?,
        client_secret: Secret::new(out.client_secret.ok_or_else(|| missing("clientSecret"))?),
        expires_at: if out.client_secret_expires_at > 0 {
            Timestamp(out.client_secret_expires_at.saturating_mul(1000))
        } else {
            now + 90 * Timestamp::DAY
        },
    })
}

async fn authorize(
    client: &Client,
    target: &SsoTarget,
    registration: &Registration,
) -> Result<StartDeviceAuthorizationOutput, SdkError<StartDeviceAuthorizationError>> {
    client
        .start_device_authorization()
        .client_id(&registration.client_id)
        .client_secret(registration.client_secret.expose())
        .start_url(&target.start_url)
        .send()
        .await
}

/// Starts a sign-in: reuses the client registration the cache file holds while it is valid
/// (else registers), and asks for a device code. `cache_dir` is `~/.aws/sso/cache`.
pub async fn start(
    client: &Client,
    target: SsoTarget,
    cache_dir: &Path,
    clock: &dyn Clock,
) -> Result<Pending, LoginError> {
    let now = clock.now();
    let cache_file = cache::file(cache_dir, target.cache_key());
    let cached = cache::read(&cache_file)
        .and_then(|t| t.registration(&target.start_url, &target.region, now));
    let reused = cached.is_some();
    let mut registration = match cached {
        Some(r) => r,
        None => register(client, &target, now).await?,
    };
    let out = match authorize(client, &target, &registration).await {
        // A cached registration the portal no longer knows: register again, once.
        Err(SdkError::ServiceError(e))
            if reused
                && matches!(
                    e.err(),
                    StartDeviceAuthorizationError::InvalidClientException(_)
                ) =>
        {
            registration = register(client, &target, now).await?;
            authorize(client, &target, &registration).await
        }
        other => other,
    }
    .map_err(|e| failed(&target, "StartDeviceAuthorization", &e))?;
    let missing = |what: &str| LoginError::Oidc {
        region: target.region.clone(),
        operation: "StartDeviceAuthorization",
        message: format!("the answer has no {what}"),
    };
    let device_code = Secret::new(out.device_code.ok_or_else(|| missing("deviceCode"))?);
    let user_code = out.user_code.ok_or_else(|| missing("userCode"))?;
    let url = out
        .verification_uri_complete
        .or(out.verification_uri)
        .ok_or_else(|| missing("verificationUri"))?;
    let schedule = Schedule::new(now, out.interval, out.expires_in);
    Ok(Pending {
        region: target.region.clone(),
        target,
        code: DeviceCode {
            user_code,
            url,
            expires_at: schedule.expires_at,
        },
        registration,
        device_code,
        schedule,
        cache_file,
    })
}

/// Asks for the token until the operator approved (writes it to the cache), refused, or the code
/// expired: at once, then every interval the portal asked for (5 s more after each slow-down).
pub async fn finish(
    client: &Client,
    mut pending: Pending,
    clock: &dyn Clock,
) -> Result<SignedIn, LoginError> {
    let issued = pending.schedule.expires_at.since(clock.now());
    let session = pending.target.describe();
    let expired = || LoginError::Expired {
        session: session.clone(),
        minutes: (issued / Timestamp::MINUTE).max(1),
    };
    loop {
        let answer = client
            .create_token()
            .client_id(&pending.registration.client_id)
            .client_secret(pending.registration.client_secret.expose())
            .grant_type(DEVICE_GRANT)
            .device_code(pending.device_code.expose())
            .send()
            .await;
        let now = clock.now();
        let wait = match answer {
            Ok(out) => return save(pending, out, now),
            Err(SdkError::ServiceError(e)) => match e.err() {
                CreateTokenError::AuthorizationPendingException(_) => Wait::Pending,
                CreateTokenError::SlowDownException(_) => Wait::SlowDown,
                CreateTokenError::ExpiredTokenException(_) => return Err(expired()),
                CreateTokenError::AccessDeniedException(_) => {
                    return Err(LoginError::Denied { session });
                }
                _ => {
                    return Err(failed(
                        &pending.target,
                        "CreateToken",
                        &SdkError::ServiceError(e),
                    ));
                }
            },
            Err(e) => return Err(failed(&pending.target, "CreateToken", &e)),
        };
        match pending.schedule.next(wait, now) {
            Some(ms) => clock.pause(ms).await,
            None => return Err(expired()),
        }
    }
}

fn save(
    pending: Pending,
    out: aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    now: Timestamp,
) -> Result<SignedIn, LoginError> {
    let Some(access_token) = out.access_token else {
        return Err(LoginError::Oidc {
            region: pending.region,
            operation: "CreateToken",
            message: "the answer has no accessToken".into(),
        });
    };
    let expires_at = now + i64::from(out.expires_in.max(0)) * Timestamp::SECOND;
    let token = CachedToken {
        access_token: Secret::new(access_token),
        expires_at: expires_at.rfc3339(),
        refresh_token: out.refresh_token.map(Secret::new),
        client_id: Some(pending.registration.client_id),
        client_secret: Some(pending.registration.client_secret),
        registration_expires_at: Some(pending.registration.expires_at.rfc3339()),
        region: Some(pending.target.region.clone()),
        start_url: Some(pending.target.start_url.clone()),
    };
    cache::write(&pending.cache_file, &token).map_err(LoginError::Cache)?;
    Ok(SignedIn {
        target: pending.target,
        expires_at,
        cache_file: pending.cache_file,
    })
}
