//! The AWS adapters: every port over the official aws-sdk crates (CodePipeline, S3, CloudFront,
//! CloudWatch Logs, CloudWatch metrics, STS, ECR, CodeBuild, Athena), with profiles, SSO, credential
//! processes and an endpoint override.
//!
//! The SDK configuration is loaded on the first call, so building an [`AwsCloud`] never blocks and
//! never fails once [`AwsSettings::check`] passed; credential problems surface as port errors.

mod athena;
mod cloudfront;
mod cloudwatch;
mod codepipeline;
mod codes;
mod convert;
mod convert_v2;
mod emulator;
mod errors;
mod identity;
mod images;
pub mod login;
mod s3;
mod settings;

pub use s3::storage::MAX_OBJECT_BYTES;
pub use settings::{
    AwsSettings, CredentialSource, RoleSettings, Timeouts, check_endpoint, check_region,
};

use crate::cloud::Cloud;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use errors::Site;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// Attempts per call (the first and two retries with jittered back-off): throttling and transient
/// failures are retried by the SDK, few enough that the console stays responsive.
pub const MAX_ATTEMPTS: u32 = 3;

/// One client per service.
#[derive(Clone, Debug)]
pub struct AwsClients {
    /// CodePipeline.
    pub codepipeline: aws_sdk_codepipeline::Client,
    /// S3 (path-style addressing when an endpoint is overridden).
    pub s3: aws_sdk_s3::Client,
    /// CloudFront.
    pub cloudfront: aws_sdk_cloudfront::Client,
    /// CloudWatch Logs.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// CloudWatch Logs in us-east-1, for CloudFront's log deliveries (standard logging v2).
    pub deliveries: aws_sdk_cloudwatchlogs::Client,
    /// CloudWatch metrics (API Gateway, Lambda).
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// CloudWatch metrics in us-east-1, where CloudFront publishes its own.
    pub cloudwatch_cdn: aws_sdk_cloudwatch::Client,
    /// STS.
    pub sts: aws_sdk_sts::Client,
    /// ECR.
    pub ecr: aws_sdk_ecr::Client,
    /// CodeBuild.
    pub codebuild: aws_sdk_codebuild::Client,
    /// Athena.
    pub athena: aws_sdk_athena::Client,
}

impl AwsClients {
    /// Clients for every service from one SDK configuration; `emulator` (an endpoint override)
    /// turns on path-style S3 addressing and the emulator compatibility of `emulator.rs`.
    pub fn new(sdk: &SdkConfig, emulator: bool) -> AwsClients {
        let s3 = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(emulator)
            .build();
        let mut codepipeline = aws_sdk_codepipeline::config::Builder::from(sdk);
        if emulator {
            codepipeline = codepipeline.interceptor(emulator::EpochTimestamps);
        }
        let mut logs = aws_sdk_cloudwatchlogs::config::Builder::from(sdk);
        if emulator {
            logs = logs.interceptor(cloudwatch::livetail::NoHostPrefix);
        }
        let deliveries = aws_sdk_cloudwatchlogs::config::Builder::from(sdk)
            .region(Region::new(cloudwatch::DELIVERY_REGION))
            .build();
        let metrics = |region: Option<Region>| {
            let mut b = aws_sdk_cloudwatch::config::Builder::from(sdk);
            if let Some(region) = region {
                b = b.region(region);
            }
            if emulator {
                b = b.interceptor(cloudwatch::emulator_json::JsonProtocol);
            }
            aws_sdk_cloudwatch::Client::from_conf(b.build())
        };
        AwsClients {
            cloudwatch: metrics(None),
            cloudwatch_cdn: metrics(Some(Region::new(crate::domain::MetricRegion::CLOUDFRONT))),
            deliveries: aws_sdk_cloudwatchlogs::Client::from_conf(deliveries),
            codepipeline: aws_sdk_codepipeline::Client::from_conf(codepipeline.build()),
            s3: aws_sdk_s3::Client::from_conf(s3),
            cloudfront: aws_sdk_cloudfront::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(logs.build()),
            sts: aws_sdk_sts::Client::new(sdk),
            ecr: aws_sdk_ecr::Client::new(sdk),
            codebuild: aws_sdk_codebuild::Client::new(sdk),
            athena: aws_sdk_athena::Client::new(sdk),
        }
    }
}

/// The clients and what error messages need to know about them.
struct Ready {
    clients: AwsClients,
    site: Site,
}

struct Inner {
    settings: AwsSettings,
    ready: OnceCell<Ready>,
    /// Set when these settings cannot work (an unknown profile, a bad region): every call fails
    /// with it, for the environments of this identity only.
    refused: Option<crate::cloud::CloudError>,
}

/// Every port over AWS; cheap to clone.
#[derive(Clone)]
pub struct AwsCloud {
    inner: Arc<Inner>,
}

impl AwsCloud {
    /// Checks the settings; the SDK configuration is loaded on the first call.
    pub fn new(settings: AwsSettings) -> Result<AwsCloud, String> {
        settings.check()?;
        Ok(AwsCloud {
            inner: Arc::new(Inner {
                settings,
                ready: OnceCell::new(),
                refused: None,
            }),
        })
    }

    /// The settings if they pass [`AwsSettings::check`]; else a cloud whose every call fails
    /// with the check's message (`what` says whose settings they are, e.g. `environment prd`),
    /// so that the environments using other settings keep working.
    pub fn new_or_refusing(settings: AwsSettings, what: &str) -> AwsCloud {
        let refused =
            settings
                .check()
                .err()
                .map(|reason| crate::cloud::CloudError::CredentialsFailed {
                    reason: format!("{what}: {reason}"),
                });
        AwsCloud {
            inner: Arc::new(Inner {
                settings,
                ready: OnceCell::new(),
                refused,
            }),
        }
    }

    /// Over ready-made clients (tests with mocked clients); the credentials are described as
    /// the environment and profile files describe them.
    pub fn with_clients(clients: AwsClients, settings: AwsSettings) -> AwsCloud {
        let source = settings.credential_source();
        AwsCloud::with_clients_as(clients, settings, source)
    }

    /// Over ready-made clients whose credentials come from `source` (what error messages say
    /// about them, e.g. whether `aws sso login` is the fix).
    pub fn with_clients_as(
        clients: AwsClients,
        settings: AwsSettings,
        source: CredentialSource,
    ) -> AwsCloud {
        let site = Site {
            profile: settings.effective_profile(),
            endpoint: settings.endpoint_url.clone(),
            region: settings.region.clone(),
            source,
            looked: settings.places_looked(),
            timeouts: settings.timeouts,
            role: None,
            refused: None,
        };
        AwsCloud {
            inner: Arc::new(Inner {
                settings,
                ready: OnceCell::new_with(Some(Ready { clients, site })),
                refused: None,
            }),
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &AwsSettings {
        &self.inner.settings
    }

    /// The port bundle the app uses.
    pub fn cloud(&self) -> Cloud {
        Cloud {
            pipelines: Arc::new(self.clone()),
            storage: Arc::new(self.clone()),
            cdn: Arc::new(self.clone()),
            logs: Arc::new(self.clone()),
            metrics: Arc::new(self.clone()),
            probes: Arc::new(crate::cloud::probe::HttpProbes::new(
                crate::cloud::probe::PROBE_TIMEOUT,
            )),
            identity: Arc::new(self.clone()),
            registry: Arc::new(self.clone()),
            builds: Arc::new(self.clone()),
            github: None,
            athena: Arc::new(self.clone()),
        }
    }

    async fn ready(&self) -> &Ready {
        self.inner
            .ready
            .get_or_init(|| load(&self.inner.settings, self.inner.refused.clone()))
            .await
    }
}

/// The SDK's timeouts for these: connect, the whole operation (retries included) and half of it
/// per attempt.
pub fn timeout_config(t: &Timeouts) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(t.connect)
        .operation_attempt_timeout(t.attempt())
        .operation_timeout(t.operation)
        .build()
}

/// The SDK configuration for these settings: the default chains (environment, profile with SSO
/// and credential processes, container and instance roles), modest retries, the timeouts of
/// [`AwsSettings::timeouts`]; with a role, its credentials come from `sts:AssumeRole` made with
/// those (see [`assume_role`]).
pub async fn sdk_config(settings: &AwsSettings) -> SdkConfig {
    let base = base_config(settings).await;
    match &settings.role {
        Some(role) => {
            let caller = match role.session_name {
                Some(_) => None,
                None => base_caller(&base).await.ok(),
            };
            assume_role(&base, role, &role.session_for(caller.as_deref())).await
        }
        None => base,
    }
}

/// `base` with its credentials replaced by the role's: an `AssumeRoleProvider` whose calls are
/// signed with `base`'s credentials (so an SSO profile, a credential process or keys can assume
/// the role). The provider itself does not cache; the SDK configuration's identity cache (the
/// lazy cache of `aws_config::defaults`) keeps the role session and renews it shortly before it
/// expires, so a console left open keeps working past the session's hour. The session is named
/// `session` (see [`RoleSettings::session_for`]).
pub async fn assume_role(base: &SdkConfig, role: &RoleSettings, session: &str) -> SdkConfig {
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(&role.arn)
        .session_name(session)
        .configure(base);
    if let Some(id) = &role.external_id {
        builder = builder.external_id(id);
    }
    let provider = builder.build().await;
    base.clone()
        .into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

/// [`sdk_config`] without the role: the profile's own credentials.
async fn base_config(settings: &AwsSettings) -> SdkConfig {
    let retry = RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(500))
        .with_max_backoff(Duration::from_secs(4));
    let timeouts = timeout_config(&settings.timeouts);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

async fn load(settings: &AwsSettings, refused: Option<crate::cloud::CloudError>) -> Ready {
    if let Some(err) = refused {
        return refusing(settings, err);
    }
    let base = base_config(settings).await;
    let (sdk, role) = match &settings.role {
        Some(role) => {
            let caller = base_caller(&base).await;
            let session = role.session_for(caller.as_deref().ok());
            let site = errors::RoleSite {
                arn: role.arn.clone(),
                caller,
            };
            (assume_role(&base, role, &session).await, Some(site))
        }
        None => (base, None),
    };
    let site = Site {
        profile: settings.effective_profile(),
        endpoint: settings.endpoint_url.clone(),
        region: sdk.region().map(|r| r.to_string()),
        source: settings.credential_source(),
        looked: settings.places_looked(),
        timeouts: settings.timeouts,
        role,
        refused: None,
    };
    tracing::info!(?site, "AWS configuration loaded");
    Ready {
        clients: AwsClients::new(&sdk, settings.endpoint_url.is_some()),
        site,
    }
}

/// Who the base credentials of a role are (`GetCallerIdentity` made with them), for a message
/// when the role cannot be assumed; the reason when that is unknown too.
async fn base_caller(base: &SdkConfig) -> Result<String, String> {
    let sts = aws_sdk_sts::Client::new(base);
    match sts.get_caller_identity().send().await {
        Ok(out) => Ok(out.arn.unwrap_or_default()),
        Err(e) => {
            let text = aws_sdk_sts::error::DisplayErrorContext(&e).to_string();
            tracing::warn!(error = %text, "GetCallerIdentity with the base credentials failed");
            Err(errors::short(&text))
        }
    }
}

/// Clients that never reach AWS: their credentials provider fails, and the error mapping
/// answers every call with `err` (settings that cannot work).
fn refusing(settings: &AwsSettings, err: crate::cloud::CloudError) -> Ready {
    let region = settings
        .region
        .clone()
        .filter(|r| check_region(r).is_ok())
        .unwrap_or_else(|| "us-east-1".into());
    let sdk = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(Refused(
                err.to_string(),
            )),
        )
        .build();
    let site = Site {
        profile: settings.effective_profile(),
        endpoint: settings.endpoint_url.clone(),
        region: settings.region.clone(),
        source: CredentialSource::Elsewhere,
        looked: String::new(),
        timeouts: settings.timeouts,
        role: None,
        refused: Some(err),
    };
    Ready {
        clients: AwsClients::new(&sdk, false),
        site,
    }
}

/// A credentials provider that always fails (see [`refusing`]).
#[derive(Debug)]
struct Refused(String);

impl aws_credential_types::provider::ProvideCredentials for Refused {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::invalid_configuration(
                self.0.clone(),
            ),
        ))
    }
}
