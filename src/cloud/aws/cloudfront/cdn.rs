//! The `Cdn` port over CloudFront: one distribution, or every distribution of the account.

use super::super::AwsCloud;
use super::super::convert::ts;
use super::super::errors::{Call, map};
use super::invalidations;
use crate::cloud::{Cdn, CloudError, CloudResult, Invalidation, InvalidationPage};
use crate::domain::Distribution;
use async_trait::async_trait;
use aws_sdk_cloudfront::types as sdk;

/// Pages of `ListDistributions` read at most (100 distributions a page).
const LIST_PAGES: usize = 20;

fn aliases(a: Option<&sdk::Aliases>) -> Vec<String> {
    a.and_then(|a| a.items.clone()).unwrap_or_default()
}

/// `GetDistribution.Distribution` → the domain's distribution.
fn distribution(d: &sdk::Distribution) -> Distribution {
    let config = d.distribution_config.as_ref();
    let logging = config
        .and_then(|c| c.logging.as_ref())
        .filter(|l| l.enabled);
    Distribution {
        id: d.id.clone(),
        domain_name: d.domain_name.clone(),
        status: d.status.clone(),
        enabled: config.is_some_and(|c| c.enabled),
        aliases: aliases(config.and_then(|c| c.aliases.as_ref())),
        logging_bucket: logging.map(|l| l.bucket.clone()),
        logging_prefix: logging.map(|l| l.prefix.clone()),
        last_modified: ts(&d.last_modified_time),
        in_progress_invalidations: d.in_progress_invalidation_batches.max(0) as u32,
        viewer_function: config.and_then(viewer_function),
    }
}

/// The name of the CloudFront Function the default cache behaviour runs on viewer requests
/// (its ARN ends in `function/NAME`).
fn viewer_function(c: &sdk::DistributionConfig) -> Option<String> {
    let behaviour = c.default_cache_behavior.as_ref()?;
    behaviour
        .function_associations()?
        .items()
        .iter()
        .find(|f| *f.event_type() == sdk::EventType::ViewerRequest)
        .map(|f| {
            let arn = f.function_arn();
            arn.rsplit('/').next().unwrap_or(arn).to_string()
        })
}

/// A listing row: the listing carries no logging settings and no invalidation count.
fn summary(d: &sdk::DistributionSummary) -> Distribution {
    Distribution {
        id: d.id.clone(),
        domain_name: d.domain_name.clone(),
        status: d.status.clone(),
        enabled: d.enabled,
        aliases: aliases(d.aliases.as_ref()),
        logging_bucket: None,
        logging_prefix: None,
        last_modified: ts(&d.last_modified_time),
        in_progress_invalidations: 0,
        viewer_function: None,
    }
}

#[async_trait]
impl Cdn for AwsCloud {
    async fn get_distribution(&self, id: &str) -> CloudResult<Distribution> {
        let r = self.ready().await;
        let c = Call {
            service: "cloudfront",
            operation: "GetDistribution",
            iam: "cloudfront:GetDistribution",
            resources: &[("distribution", id)],
        };
        let out = r.clients.cloudfront.get_distribution().id(id).send().await;
        let out = out.map_err(|e| map(e, &c, &r.site))?;
        let d = out.distribution.ok_or_else(|| CloudError::NotFound {
            kind: "distribution".into(),
            name: id.into(),
        })?;
        Ok(distribution(&d))
    }

    async fn list_distributions(&self) -> CloudResult<Vec<Distribution>> {
        let r = self.ready().await;
        let c = Call {
            service: "cloudfront",
            operation: "ListDistributions",
            iam: "cloudfront:ListDistributions",
            resources: &[("distribution", "*")],
        };
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        for _ in 0..LIST_PAGES {
            let page = r
                .clients
                .cloudfront
                .list_distributions()
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| map(e, &c, &r.site))?;
            let Some(list) = page.distribution_list else {
                break;
            };
            out.extend(list.items.iter().flatten().map(summary));
            marker = list.next_marker.filter(|_| list.is_truncated);
            if marker.is_none() {
                break;
            }
        }
        Ok(out)
    }

    async fn create_invalidation(
        &self,
        distribution_id: &str,
        paths: &[String],
        caller_reference: &str,
    ) -> CloudResult<Invalidation> {
        invalidations::create_invalidation(self, distribution_id, paths, caller_reference).await
    }

    async fn get_invalidation(&self, distribution_id: &str, id: &str) -> CloudResult<Invalidation> {
        invalidations::get_invalidation(self, distribution_id, id).await
    }

    async fn list_invalidations(
        &self,
        distribution_id: &str,
        marker: Option<&str>,
        max_items: usize,
    ) -> CloudResult<InvalidationPage> {
        invalidations::list_invalidations(self, distribution_id, marker, max_items).await
    }
}
