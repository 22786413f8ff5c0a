//! The logging setup an Athena query reads and what it would scan, for `shipdeck query` and the
//! Traffic view's `:query` alike: the configured bucket (legacy W3C under a flat prefix; under a
//! partitioned one, the format of its first object in range), else the discovered source
//! (picked, else the default one), which must deliver to S3; and the sizes of the objects in
//! range, listed through the storage port.

use crate::accesslog::KeyTemplate;
use crate::accesslog::input::InputFormat;
use crate::accesslog_io::inflate_head;
use crate::cloud::Cloud;
use crate::domain::{EnvSpec, default_source, pick_source};
use crate::query::{Format, Plan, Range, Setup};
use crate::runtime::cloudfront_logs::discover;

/// Why the setup cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    /// The operator asked for a source that is not there (a usage error on the command line).
    #[error("{0}")]
    Usage(String),
    /// The setup could not be found or read.
    #[error("{0}")]
    Failed(String),
}

/// The sizes of the objects in range, or why they could not be listed.
pub async fn scanned(
    cloud: &Cloud,
    setup: &Setup,
    plan: &Plan,
    range: Range,
) -> Result<Vec<u64>, String> {
    let mut sizes = Vec::new();
    for prefix in &plan.listing {
        let mut token: Option<String> = None;
        loop {
            let page = cloud
                .storage
                .list_objects(&setup.bucket, prefix, None, token.as_deref(), 1000)
                .await
                .map_err(|e| format!("cannot list s3://{}/{prefix}: {e}", setup.bucket))?;
            sizes.extend(
                page.objects
                    .iter()
                    .filter(|o| range.holds(setup, &o.key))
                    .map(|o| o.size),
            );
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
    }
    Ok(sizes)
}

/// The logging setup the query reads: the configured bucket (legacy W3C under a flat prefix;
/// under a partitioned one, the format of its first object in range), else the discovered
/// source (`--source`, else the default one), which must deliver to S3. What discovery could not
/// read goes to `notes`.
pub async fn setup(
    cloud: &Cloud,
    spec: &EnvSpec,
    pick: Option<&str>,
    range: Range,
    notes: &mut Vec<String>,
) -> Result<Setup, SetupError> {
    let dist = spec.distribution_id.as_str();
    if let (Some(bucket), None) = (&spec.logs_bucket, pick) {
        let layout = KeyTemplate::parse(&spec.logs_prefix)
            .unwrap_or_else(|_| KeyTemplate::flat(&spec.logs_prefix));
        let format = if layout.is_partitioned() {
            sniff(cloud, bucket, &layout, dist, range).await?
        } else {
            Format::Legacy
        };
        return Setup::new(
            "the configured logs_bucket",
            format,
            Vec::new(),
            bucket,
            layout,
            dist,
        )
        .map_err(|e| SetupError::Failed(e.to_string()));
    }
    let found = discover(cloud, dist).await;
    notes.extend(found.problems());
    let sources = found.sources();
    let index = match pick {
        Some(p) => pick_source(&sources, p).map_err(SetupError::Usage)?,
        None => default_source(&sources).ok_or_else(|| {
            SetupError::Failed(format!(
                "no log source of {} ({dist}) can be queried: {}",
                spec.name,
                if sources.is_empty() {
                    "the distribution has no access logging".to_string()
                } else {
                    "none delivers to S3 in a format shipdeck reads".to_string()
                }
            ))
        })?,
    };
    Setup::of_source(&sources[index], dist).map_err(SetupError::Failed)
}

/// The format of the first object in range of a configured partitioned bucket, by its content.
async fn sniff(
    cloud: &Cloud,
    bucket: &str,
    layout: &KeyTemplate,
    dist: &str,
    range: Range,
) -> Result<Format, SetupError> {
    let probe = Setup::new(
        "configured",
        Format::Json,
        Vec::new(),
        bucket,
        layout.clone(),
        dist,
    )
    .map_err(|e| SetupError::Failed(e.to_string()))?;
    for prefix in range.listing(&probe) {
        let page = cloud
            .storage
            .list_objects(bucket, &prefix, None, None, 1000)
            .await
            .map_err(|e| SetupError::Failed(format!("cannot list s3://{bucket}/{prefix}: {e}")))?;
        let Some(first) = page.objects.iter().find(|o| range.holds(&probe, &o.key)) else {
            continue;
        };
        let body = cloud
            .storage
            .get_object(bucket, &first.key)
            .await
            .map_err(|e| {
                SetupError::Failed(format!("cannot read s3://{bucket}/{}: {e}", first.key))
            })?;
        let text = if body.starts_with(&[0x1f, 0x8b]) {
            inflate_head(&body, 64 * 1024)
        } else {
            body
        };
        return match InputFormat::detect(&text) {
            InputFormat::Parquet => Ok(Format::Parquet),
            InputFormat::JsonLines => Ok(Format::Json),
            InputFormat::W3c => Ok(Format::W3c),
            _ => Err(SetupError::Failed(format!(
                "s3://{bucket}/{} holds plain lines: their fields are known only from the \
                 delivery; query it with --source",
                first.key
            ))),
        };
    }
    Err(SetupError::Failed(format!(
        "no log object in s3://{bucket}/{layout} in range: the format of a configured \
         partitioned bucket is told by its objects"
    )))
}
