//! The embedded simulator of the whole operated system: a pure, deterministic, event-driven world
//! (pipelines, buckets, distributions, logs, GitHub Actions, the people who deploy) behind every
//! port.

mod athena;
#[cfg(test)]
pub(crate) use athena::fixture as athena_fixture;
mod changelog;
mod clock;
pub mod cloudfront;
mod cloudwatch;
mod codebuild;
mod codepipeline;
mod config;
mod deployer;
mod ecr;
mod events;
mod faults;
pub mod github;
mod ports;
mod probes;
pub mod rng;
mod s3;
mod world;

pub use changelog::Change;
pub use clock::SimClock;
pub use cloudwatch::livetail::LIVE_TAIL_LIMIT;
pub use cloudwatch::store::LogTiming;
pub use codepipeline::declaration::{
    ALARM_RULE, ALARM_WAIT_MINUTES, WINDOW_CRON, WINDOW_RULE, WINDOW_ZONE,
};
pub use codepipeline::flow::SUMMARY_KEY;
pub use codepipeline::gates::degrades;
pub use codepipeline::pipeline::{ACCOUNT, APPROVAL_NOTE, REGION};
pub use config::{FaultRates, LogFaultRates, SECRET_COOKIE, SimConfig, SimStats};
pub use ecr::deployer_name;
pub use faults::{Fault, LOGIN_HINT, MUTATING};
pub use ports::{OPERATOR_ARN, SimCloud, SimIdentity};
pub use rng::Rng;
pub use s3::pace::S3Pace;
pub use s3::uploads::MIN_PART_BYTES;
pub use world::Simulator;

use crate::domain::EnvSpec;

/// The example storefront's three environments (dev → stg → prd, prd protected), as the
/// project's example configuration names them; usable without a config file.
pub fn demo_specs() -> Vec<EnvSpec> {
    let env = |name: &str, protected: bool, promotes_from: Option<&str>, site: &str, api: &str| {
        let upper = name.to_uppercase();
        EnvSpec {
            name: name.into(),
            protected,
            read_only: false,
            pipeline: format!("storefront-deployer-{name}"),
            source_bucket: "storefront-deployer-source".into(),
            source_key: format!("{name}/release.zip"),
            release_prefix: "releases/".into(),
            distribution_id: format!("E2{upper}STOREFRNT"),
            logs_bucket: Some("storefront-cloudfront-logs".into()),
            logs_prefix: format!("cloudfront/{name}/"),
            log_groups: vec![
                format!("/aws/lambda/storefront-api-{name}"),
                format!("/aws/codebuild/storefront-deploy-{name}"),
            ],
            build_log_group: Some(format!("/aws/codebuild/storefront-deploy-{name}")),
            site_url: Some(site.into()),
            api_url: Some(api.into()),
            promotes_from: promotes_from.map(str::to_string),
        }
    };
    vec![
        env(
            "dev",
            false,
            None,
            "https://dev.storefront.example.com",
            "https://api.dev.storefront.example.com",
        ),
        env(
            "stg",
            false,
            Some("dev"),
            "https://stg.storefront.example.com",
            "https://api.stg.storefront.example.com",
        ),
        env(
            "prd",
            true,
            Some("stg"),
            "https://www.storefront.example.com",
            "https://api.storefront.example.com",
        ),
    ]
}

#[cfg(test)]
mod tests;
