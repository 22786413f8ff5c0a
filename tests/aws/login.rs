//! `shipdeck login`'s device authorization against a local stand-in of IAM Identity Center's
//! OIDC service (RegisterClient, StartDeviceAuthorization, CreateToken): approved after a
//! pending answer, slowed down, expired, denied, a cached registration reused, and the token
//! file read back by aws-config's own SSO token provider.

use async_trait::async_trait;
use shipdeck::cloud::Clock;
use shipdeck::cloud::aws::login::{self, LoginError, SsoTarget, cache};
use shipdeck::domain::{Millis, Timestamp};
use std::path::Path;
use std::sync::Mutex;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A clock the test drives: each pause moves it on and is recorded, nothing waits.
struct TestClock {
    now: Mutex<Timestamp>,
    pauses: Mutex<Vec<Millis>>,
}

impl TestClock {
    fn at(now: Timestamp) -> TestClock {
        TestClock {
            now: Mutex::new(now),
            pauses: Mutex::new(Vec::new()),
        }
    }

    fn pauses(&self) -> Vec<Millis> {
        self.pauses.lock().unwrap().clone()
    }
}

#[async_trait]
impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap()
    }

    async fn pause(&self, ms: Millis) {
        *self.now.lock().unwrap() = self.now() + ms;
        self.pauses.lock().unwrap().push(ms);
    }
}

const S: Millis = Timestamp::SECOND;
const START_URL: &str = "https://d-1234567890.awsapps.com/start";

fn t0() -> Timestamp {
    Timestamp::parse_rfc3339("2026-12-06T21:00:00Z").unwrap()
}

fn target() -> SsoTarget {
    SsoTarget {
        profile: "ops".into(),
        sso_profile: "ops".into(),
        session: Some("corp".into()),
        start_url: START_URL.into(),
        region: "eu-west-1".into(),
        scopes: vec!["sso:account:access".into()],
    }
}

fn oidc_error(kind: &str, error: &str) -> ResponseTemplate {
    ResponseTemplate::new(400)
        .insert_header("x-amzn-errortype", kind)
        .insert_header("x-amzn-requestid", "req-1")
        .set_body_json(serde_json::json!({ "error": error }))
}

/// The stand-in with RegisterClient and StartDeviceAuthorization answering (code valid for
/// `expires_in` seconds, polled every 5 s); the test mounts CreateToken's answers.
async fn stand_in(expires_in: i64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/client/register"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "clientId": "client-1",
            "clientSecret": "client-secret-1",
            "clientIdIssuedAt": t0().millis() / 1000,
            "clientSecretExpiresAt": t0().millis() / 1000 + 90 * 86_400,
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/device_authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "deviceCode": "device-code-1",
            "userCode": "WDJB-MJHT",
            "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/",
            "verificationUriComplete": "https://device.sso.eu-west-1.amazonaws.com/?user_code=WDJB-MJHT",
            "expiresIn": expires_in,
            "interval": 5,
        })))
        .mount(&server)
        .await;
    server
}

/// CreateToken answers `first` (in order, once each), then the token.
async fn token_after(server: &MockServer, first: &[ResponseTemplate]) {
    for (i, answer) in first.iter().enumerate() {
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(answer.clone())
            .up_to_n_times(1)
            .with_priority(u8::try_from(i + 1).unwrap())
            .mount(server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_partial_json(serde_json::json!({
            "grantType": "urn:ietf:params:oauth:grant-type:device_code",
            "deviceCode": "device-code-1",
            "clientId": "client-1",
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "accessToken": "access-token-1",
            "tokenType": "Bearer",
            "expiresIn": 28_800,
            "refreshToken": "refresh-token-1",
        })))
        .with_priority(100)
        .mount(server)
        .await;
}

async fn sign_in(
    server: &MockServer,
    home: &Path,
    clock: &TestClock,
) -> Result<login::SignedIn, LoginError> {
    let client = login::client("eu-west-1", Some(&server.uri()));
    let pending = login::start(&client, target(), &cache::dir(home), clock).await?;
    assert_eq!(pending.code.user_code, "WDJB-MJHT");
    assert!(
        pending.code.url.ends_with("?user_code=WDJB-MJHT"),
        "the code filled in"
    );
    login::finish(&client, pending, clock).await
}

async fn calls(server: &MockServer, to: &str) -> usize {
    let requests = server.received_requests().await.unwrap();
    requests.iter().filter(|r| r.url.path() == to).count()
}

#[tokio::test]
async fn a_pending_sign_in_is_polled_every_interval_then_cached_as_the_aws_cli_does() {
    let server = stand_in(600).await;
    token_after(
        &server,
        &[oidc_error(
            "AuthorizationPendingException",
            "authorization_pending",
        )],
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let clock = TestClock::at(t0());
    let done = sign_in(&server, home.path(), &clock).await.unwrap();
    assert_eq!(
        clock.pauses(),
        [5 * S],
        "polled at once, then after the interval"
    );
    assert_eq!(done.expires_at, t0() + 5 * S + 8 * Timestamp::HOUR);
    let file = home
        .path()
        .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    assert_eq!(
        done.cache_file, file,
        "named by the SHA-1 of the session name"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "accessToken": "access-token-1",
            "expiresAt": "2026-12-07T05:00:05Z",
            "refreshToken": "refresh-token-1",
            "clientId": "client-1",
            "clientSecret": "client-secret-1",
            "registrationExpiresAt": "2027-03-06T21:00:00Z",
            "region": "eu-west-1",
            "startUrl": START_URL,
        })
    );
    // The client registered with the session's scopes and the refresh grant.
    let requests = server.received_requests().await.unwrap();
    let register: serde_json::Value = requests[0].body_json().unwrap();
    assert_eq!(
        register["scopes"],
        serde_json::json!(["sso:account:access"])
    );
    assert_eq!(register["clientType"], "public");
    assert_eq!(calls(&server, "/token").await, 2);
    let debug = format!("{done:?}");
    assert!(!debug.contains("access-token-1"), "{debug}");
}

#[tokio::test]
async fn slow_down_adds_five_seconds_to_the_interval() {
    let server = stand_in(600).await;
    let slow = oidc_error("SlowDownException", "slow_down");
    token_after(&server, &[slow.clone(), slow]).await;
    let home = tempfile::tempdir().unwrap();
    let clock = TestClock::at(t0());
    sign_in(&server, home.path(), &clock).await.unwrap();
    assert_eq!(clock.pauses(), [10 * S, 15 * S]);
}

#[tokio::test]
async fn an_expired_code_stops_with_a_message_and_caches_nothing() {
    let server = stand_in(600).await;
    token_after(
        &server,
        &[
            oidc_error("AuthorizationPendingException", "authorization_pending"),
            oidc_error("ExpiredTokenException", "expired_token"),
        ],
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let clock = TestClock::at(t0());
    let err = sign_in(&server, home.path(), &clock).await.unwrap_err();
    assert!(
        matches!(err, LoginError::Expired { minutes: 10, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("sso-session `corp`"), "{err}");
    assert!(!cache::dir(home.path()).exists(), "nothing cached");
}

#[tokio::test]
async fn polling_stops_when_the_code_expires_before_the_next_poll() {
    // A code valid 12 s, polled every 5 s: at 0, 5 and 10 s; the next poll would be past it.
    let server = stand_in(12).await;
    let pending = oidc_error("AuthorizationPendingException", "authorization_pending");
    token_after(&server, &[pending.clone(), pending.clone(), pending]).await;
    let home = tempfile::tempdir().unwrap();
    let clock = TestClock::at(t0());
    let err = sign_in(&server, home.path(), &clock).await.unwrap_err();
    assert!(matches!(err, LoginError::Expired { .. }), "{err:?}");
    assert_eq!(clock.pauses(), [5 * S, 5 * S]);
    assert_eq!(calls(&server, "/token").await, 3);
}

#[tokio::test]
async fn a_denied_sign_in_says_so() {
    let server = stand_in(600).await;
    token_after(
        &server,
        &[oidc_error("AccessDeniedException", "access_denied")],
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let err = sign_in(&server, home.path(), &TestClock::at(t0()))
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::Denied { .. }), "{err:?}");
    assert!(err.to_string().contains("denied"), "{err}");
}

#[tokio::test]
async fn a_valid_registration_in_the_cache_file_is_reused() {
    let server = stand_in(600).await;
    token_after(&server, &[]).await;
    let home = tempfile::tempdir().unwrap();
    let earlier = cache::CachedToken {
        access_token: cache::Secret::new("old-token"),
        expires_at: "2026-12-06T08:00:00Z".into(),
        refresh_token: None,
        client_id: Some("client-1".into()),
        client_secret: Some(cache::Secret::new("client-secret-1")),
        registration_expires_at: Some("2027-01-01T00:00:00Z".into()),
        region: Some("eu-west-1".into()),
        start_url: Some(START_URL.into()),
    };
    cache::write(&cache::file(&cache::dir(home.path()), "corp"), &earlier).unwrap();
    sign_in(&server, home.path(), &TestClock::at(t0()))
        .await
        .unwrap();
    assert_eq!(
        calls(&server, "/client/register").await,
        0,
        "no new registration"
    );
    let written = cache::read(&cache::file(&cache::dir(home.path()), "corp")).unwrap();
    assert_eq!(written.access_token.expose(), "access-token-1");
    assert_eq!(
        written.registration_expires_at.as_deref(),
        Some("2027-01-01T00:00:00Z")
    );
}

/// The strongest check that shipdeck and the AWS CLI stay in step: aws-config's SSO token
/// provider, in a process whose HOME is the test's, reads the token `shipdeck login` wrote. The
/// test runs itself in that process (the environment variable below says which half it is).
#[tokio::test]
async fn aws_configs_sso_token_provider_reads_the_token_written() {
    const CHILD: &str = "SHIPDECK_TEST_SSO_READER";
    if std::env::var_os(CHILD).is_some() {
        // The child: HOME is the cache's; aws-config finds the token there by itself.
        use aws_credential_types::provider::token::ProvideToken;
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .no_credentials()
            .load()
            .await;
        let provider = aws_config::sso::SsoTokenProvider::builder()
            .configure(&sdk)
            .session_name("corp")
            .region(aws_config::Region::new("eu-west-1"))
            .start_url(START_URL)
            .build()
            .await;
        let token = provider.provide_token().await.unwrap();
        assert_eq!(token.token(), "access-token-1");
        return;
    }
    let server = stand_in(600).await;
    token_after(&server, &[]).await;
    let home = tempfile::tempdir().unwrap();
    // Now, so that the token is valid for aws-config's wall clock.
    let now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    sign_in(&server, home.path(), &TestClock::at(now))
        .await
        .unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "login::aws_configs_sso_token_provider_reads_the_token_written",
            "--nocapture",
        ])
        .env("HOME", home.path())
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A profile of the AWS CLI's console sign-in (`login_session`, made by `aws login`) resolves:
/// aws-config's `credentials-login` provider looks for its cached session instead of refusing
/// the profile for a feature not built in.
#[tokio::test]
async fn a_console_sign_in_profile_is_resolved_by_the_login_provider() {
    use aws_config::profile::ProfileFileCredentialsProvider;
    use aws_credential_types::provider::ProvideCredentials;
    use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
    let files = EnvConfigFiles::builder()
        .include_default_config_file(false)
        .include_default_credentials_file(false)
        .with_contents(
            EnvConfigFileKind::Config,
            "[profile console]\nlogin_session = arn:aws:iam::444444444444:user/Admin\nregion = eu-west-1\n",
        )
        .build();
    let provider = ProfileFileCredentialsProvider::builder()
        .profile_files(files)
        .profile_name("console")
        .build();
    let err = provider.provide_credentials().await.unwrap_err();
    let text = format!("{}", aws_sdk_sts::error::DisplayErrorContext(&err));
    assert!(!text.contains("feature must be enabled"), "{text}");
    assert!(text.to_lowercase().contains("login"), "{text}");
}

/// The error `login::start` ends with against the OIDC service at `url`.
async fn start_error(url: &str, home: &Path) -> String {
    let client = login::client("eu-west-1", Some(url));
    let clock = TestClock::at(t0());
    let pending = login::start(&client, target(), &cache::dir(home), &clock).await;
    pending.unwrap_err().to_string()
}

/// An OIDC service that never answers ends the sign-in with a line saying so, within the usual
/// call limit, not a hang; one that cannot be reached says what stopped the connection, in a
/// line (no SDK debug text).
#[tokio::test]
async fn a_silent_or_unreachable_service_ends_the_sign_in_with_one_line() {
    let home = tempfile::tempdir().unwrap();
    let silent = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(600)))
        .mount(&silent)
        .await;
    let err = start_error(&silent.uri(), home.path()).await;
    assert!(
        err.starts_with("IAM Identity Center (eu-west-1) RegisterClient failed: no answer within"),
        "{err}"
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let err = start_error(&url, home.path()).await;
    assert!(
        err.contains("RegisterClient failed: cannot connect: "),
        "{err}"
    );
    assert!(
        !err.contains("DispatchFailure") && !err.contains('\n'),
        "{err}"
    );
}
