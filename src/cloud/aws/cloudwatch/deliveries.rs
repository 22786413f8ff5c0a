//! Standard logging v2 discovery over the CloudWatch Logs delivery APIs, always in us-east-1
//! (where CloudFront's delivery sources live, whatever the environment's region):
//! `DescribeDeliverySources` (those of log type `ACCESS_LOGS` whose resource ARNs hold the
//! distribution), `DescribeDeliveries` (those of each source), `GetDeliveryDestination` (type,
//! output format, destination ARN).

use super::super::AwsCloud;
use super::super::errors::{Call, Site, map};
use crate::accesslog::delivery_template;
use crate::cloud::CloudResult;
use crate::domain::{LogDestination, LogSource, SourceKind};
use aws_sdk_cloudwatchlogs::types::Delivery;

/// The region of CloudFront's delivery sources.
pub const DELIVERY_REGION: &str = "us-east-1";
/// Pages of each listing read at most.
const PAGES: usize = 20;

/// Whether a delivery source's resource ARN is distribution `id`'s
/// (`arn:aws:cloudfront::<account>:distribution/<id>`).
fn is_distribution(arn: &str, id: &str) -> bool {
    arn.split(':').nth(2) == Some("cloudfront")
        && arn.rsplit(':').next() == Some(&format!("distribution/{id}"))
}

/// The account of an ARN (its fifth field).
fn account_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or("")
}

/// The v2 deliveries of distribution `id`, each as a log source, in delivery-source order.
pub(crate) async fn log_deliveries(cloud: &AwsCloud, id: &str) -> CloudResult<Vec<LogSource>> {
    let r = cloud.ready().await;
    let client = &r.clients.deliveries;
    let site = Site {
        region: Some(DELIVERY_REGION.into()),
        ..r.site.clone()
    };
    let c = Call {
        service: "logs",
        operation: "DescribeDeliverySources",
        iam: "logs:DescribeDeliverySources",
        resources: &[("delivery source", "*")],
    };
    let mut sources = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..PAGES {
        let page = client
            .describe_delivery_sources()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map(e, &c, &site))?;
        for s in page.delivery_sources() {
            let ours = s.log_type() == Some("ACCESS_LOGS")
                && s.resource_arns().iter().any(|a| is_distribution(a, id));
            if let (true, Some(name)) = (ours, s.name()) {
                let account = s.resource_arns().first().map_or("", |a| account_of(a));
                sources.push((name.to_string(), account.to_string()));
            }
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let c = Call {
        service: "logs",
        operation: "DescribeDeliveries",
        iam: "logs:DescribeDeliveries",
        resources: &[("delivery", "*")],
    };
    let mut deliveries: Vec<Delivery> = Vec::new();
    for _ in 0..PAGES {
        let page = client
            .describe_deliveries()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map(e, &c, &site))?;
        deliveries.extend(page.deliveries.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut out = Vec::new();
    for (source, account) in &sources {
        for d in deliveries
            .iter()
            .filter(|d| d.delivery_source_name() == Some(source.as_str()))
        {
            out.push(delivery_source(cloud, &site, d, source, account).await?);
        }
    }
    Ok(out)
}

/// One delivery with its destination read (`GetDeliveryDestination`).
async fn delivery_source(
    cloud: &AwsCloud,
    site: &Site,
    d: &Delivery,
    source: &str,
    account: &str,
) -> CloudResult<LogSource> {
    let r = cloud.ready().await;
    let dest_arn = d.delivery_destination_arn().unwrap_or("");
    let dest_name = dest_arn.rsplit(':').next().unwrap_or(dest_arn);
    let c = Call {
        service: "logs",
        operation: "GetDeliveryDestination",
        iam: "logs:GetDeliveryDestination",
        resources: &[("delivery destination", dest_name)],
    };
    let out = r
        .clients
        .deliveries
        .get_delivery_destination()
        .name(dest_name)
        .send()
        .await
        .map_err(|e| map(e, &c, site))?;
    let dest = out.delivery_destination;
    let format = dest
        .as_ref()
        .and_then(|d| d.output_format())
        .map_or_else(String::new, |f| f.as_str().to_string());
    let resource = dest
        .as_ref()
        .and_then(|d| d.delivery_destination_configuration())
        .map_or("", |c| c.destination_resource_arn());
    let s3 = d.s3_delivery_configuration();
    let suffix = s3.and_then(|s| s.suffix_path());
    let hive = s3.and_then(|s| s.enable_hive_compatible_path()) == Some(true);
    let id = d.id().unwrap_or("").to_string();
    Ok(LogSource {
        name: id.clone(),
        kind: SourceKind::Delivery {
            id,
            source: source.to_string(),
            destination: dest_name.to_string(),
        },
        destination: LogDestination::from_arn(resource, |prefix| {
            delivery_template(prefix, suffix, hive, account)
        }),
        format,
        fields: d.record_fields().to_vec(),
        delimiter: d.field_delimiter().map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_arns() {
        let arn = "arn:aws:cloudfront::123456789012:distribution/E2ABC";
        assert!(is_distribution(arn, "E2ABC"));
        assert!(!is_distribution(arn, "E2AB"));
        assert!(!is_distribution("arn:aws:s3:::distribution/E2ABC", "E2ABC"));
        assert_eq!(account_of(arn), "123456789012");
    }
}
