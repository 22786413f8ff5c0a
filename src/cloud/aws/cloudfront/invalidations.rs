//! The `Cdn` port's invalidations over CloudFront: `CreateInvalidation`, `GetInvalidation` and
//! `ListInvalidations`.

use super::super::AwsCloud;
use super::super::convert::ts;
use super::super::errors::{Call, map};
use crate::cloud::{
    CloudError, CloudResult, Invalidation, InvalidationPage, InvalidationStatus,
    InvalidationSummary,
};
use aws_sdk_cloudfront::types as sdk;

/// The SDK's invalidation → the port's.
fn invalidation(i: &sdk::Invalidation) -> Invalidation {
    Invalidation {
        id: i.id.clone(),
        status: InvalidationStatus::parse(&i.status),
        created: ts(&i.create_time),
        paths: i
            .invalidation_batch
            .as_ref()
            .and_then(|b| b.paths.as_ref())
            .and_then(|p| p.items.clone())
            .unwrap_or_default(),
    }
}

fn invalid(err: impl std::fmt::Display) -> CloudError {
    CloudError::Rejected {
        code: "InvalidArgument".into(),
        message: format!("CreateInvalidation: {err}"),
    }
}

/// `CreateInvalidation`.
pub(super) async fn create_invalidation(
    aws: &AwsCloud,
    distribution_id: &str,
    paths: &[String],
    caller_reference: &str,
) -> CloudResult<Invalidation> {
    let r = aws.ready().await;
    let c = Call {
        service: "cloudfront",
        operation: "CreateInvalidation",
        iam: "cloudfront:CreateInvalidation",
        resources: &[("distribution", distribution_id)],
    };
    let items = sdk::Paths::builder()
        .quantity(paths.len() as i32)
        .set_items(Some(paths.to_vec()))
        .build()
        .map_err(invalid)?;
    let batch = sdk::InvalidationBatch::builder()
        .paths(items)
        .caller_reference(caller_reference)
        .build()
        .map_err(invalid)?;
    let out = r
        .clients
        .cloudfront
        .create_invalidation()
        .distribution_id(distribution_id)
        .invalidation_batch(batch)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    let i = out.invalidation.ok_or_else(|| CloudError::Rejected {
        code: "InvalidResponse".into(),
        message: format!("CreateInvalidation on {distribution_id} returned no invalidation"),
    })?;
    Ok(invalidation(&i))
}

/// `GetInvalidation`.
pub(super) async fn get_invalidation(
    aws: &AwsCloud,
    distribution_id: &str,
    id: &str,
) -> CloudResult<Invalidation> {
    let r = aws.ready().await;
    let c = Call {
        service: "cloudfront",
        operation: "GetInvalidation",
        iam: "cloudfront:GetInvalidation",
        resources: &[("invalidation", id), ("distribution", distribution_id)],
    };
    let out = r
        .clients
        .cloudfront
        .get_invalidation()
        .distribution_id(distribution_id)
        .id(id)
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    let i = out.invalidation.ok_or_else(|| CloudError::NotFound {
        kind: "invalidation".into(),
        name: id.into(),
    })?;
    Ok(invalidation(&i))
}

/// `ListInvalidations`: one page, newest first.
pub(super) async fn list_invalidations(
    aws: &AwsCloud,
    distribution_id: &str,
    marker: Option<&str>,
    max_items: usize,
) -> CloudResult<InvalidationPage> {
    let r = aws.ready().await;
    let c = Call {
        service: "cloudfront",
        operation: "ListInvalidations",
        iam: "cloudfront:ListInvalidations",
        resources: &[("distribution", distribution_id)],
    };
    let out = r
        .clients
        .cloudfront
        .list_invalidations()
        .distribution_id(distribution_id)
        .set_marker(marker.map(str::to_string))
        .max_items(i32::try_from(max_items.clamp(1, 100)).unwrap_or(100))
        .send()
        .await
        .map_err(|e| map(e, &c, &r.site))?;
    let Some(list) = out.invalidation_list else {
        return Ok(InvalidationPage::default());
    };
    let items = list
        .items
        .iter()
        .flatten()
        .map(|i| InvalidationSummary {
            id: i.id.clone(),
            status: InvalidationStatus::parse(&i.status),
            created: ts(&i.create_time),
        })
        .collect();
    Ok(InvalidationPage {
        items,
        next_marker: list
            .next_marker
            .filter(|m| list.is_truncated && !m.is_empty()),
    })
}
