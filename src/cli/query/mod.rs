//! `shipdeck query ENV FILTER`: the Athena query of an environment's CloudFront access logs —
//! the SQL, the DDL of the table for its logging setup and the estimated bytes scanned and cost
//! (from a listing of the objects in range through the storage port). `--dry-run` prints them
//! with nothing run or created; otherwise the query runs (`run.rs`).

mod run;

use crate::accesslog::input::InputFormat;
use crate::accesslog::{Field, KeyTemplate};
use crate::accesslog_io::inflate_whole;
use crate::cli::args::{Global, QueryArgs, QueryOutput};
use crate::cli::{Answer, Failure, connect};
use crate::cloud::Cloud;
use crate::config::AthenaSpec;
use crate::domain::{EnvSpec, LogSource, SourceKind, default_source, pick_source};
use crate::query::{Ask, Estimate, Format, Names, Plan, Range, Setup, estimate, plan};
use crate::runtime::cloudfront_logs::discover;

/// Runs `shipdeck query`.
pub async fn run(global: &Global, args: QueryArgs) -> Result<Answer, Failure> {
    if args.top.is_some() && args.group_by.is_none() {
        return Err(Failure::usage(
            "--top counts groups: give --group-by too (path, status, edge, …)",
        ));
    }
    let backend = connect(global).map_err(Failure::new)?;
    let i = super::env_position(
        backend.config.environments.iter().map(|e| e.name.as_str()),
        &args.env,
    )?;
    let spec = backend.config.environments[i].clone();
    let athena = backend.config.athena(&spec.name);
    let now = backend.now;
    let since = args.since.at(now);
    let until = args.until.map_or(now, |u| u.at(now));
    let range = Range::new(since, until).map_err(|e| Failure::usage(e.to_string()))?;
    let cloud = backend.clouds.named(&spec.name);
    let setup = setup(cloud, &spec, args.source.as_deref(), range).await?;
    let ask = Ask {
        filter: &args.filter,
        range,
        group: args.group_by,
        top: args.top.unwrap_or(10),
    };
    let names = Names::for_env(&athena.database, &spec.name, &setup);
    let plan = plan(&setup, names, &ask).map_err(|e| Failure::usage(e.to_string()))?;
    let region = backend
        .config
        .identity(&spec.name)
        .region
        .unwrap_or_default();
    let scanned = scanned(cloud, &setup, &plan, range).await;
    let estimate = scanned
        .as_ref()
        .ok()
        .map(|sizes| estimate(sizes.clone(), &region));
    if !args.dry_run {
        let job = run::Job {
            global,
            backend: &backend,
            spec: &spec,
            athena: &athena,
            args: &args,
            plan: &plan,
            estimate: match (&estimate, &scanned) {
                (Some(e), _) => Ok(*e),
                (None, Err(why)) => Err(why.clone()),
                (None, Ok(_)) => Err("no estimate".to_string()),
            },
            region: &region,
        };
        return run::run(job).await;
    }
    let text = match args.output {
        QueryOutput::Pretty => pretty(
            &args, &setup, &athena, &plan, range, &estimate, &scanned, &region,
        ),
        QueryOutput::Json | QueryOutput::Jsonl => {
            let e = estimate.map(|e| {
                serde_json::json!({
                    "objects": e.objects,
                    "bytes": e.bytes,
                    "billed_bytes": e.billed,
                    "price_per_tb_usd": e.price_per_tb,
                    "price_known": e.price_known,
                    "usd": e.usd,
                    "region": region,
                })
            });
            let value = serde_json::json!({
                "env": spec.name,
                "dry_run": true,
                "source": setup.label,
                "format": setup.format.label(),
                "location": format!("s3://{}/{}", setup.bucket, setup.layout),
                "since": since.to_string(),
                "until": until.to_string(),
                "database": athena.database,
                "workgroup": athena.workgroup,
                "output_location": athena.output_location,
                "table": plan.names.table,
                "ddl": plan.ddl,
                "sql": plan.sql,
                "estimate": e,
                "estimate_error": scanned.as_ref().err(),
            });
            super::json(&value)?
        }
    };
    // The estimate is part of the answer: unknown when the listing failed (exit 1).
    Ok(Answer::with_unknowns(text, usize::from(scanned.is_err())))
}

/// The sizes of the objects in range, or why they could not be listed.
async fn scanned(
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
/// source (`--source`, else the default one), which must deliver to S3.
async fn setup(
    cloud: &Cloud,
    spec: &EnvSpec,
    pick: Option<&str>,
    range: Range,
) -> Result<Setup, Failure> {
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
        .map_err(|e| Failure::new(e.to_string()));
    }
    let found = discover(cloud, dist).await;
    for p in found.problems() {
        eprintln!("shipdeck: {p}");
    }
    let sources = found.sources();
    let index = match pick {
        Some(p) => pick_source(&sources, p).map_err(Failure::usage)?,
        None => default_source(&sources).ok_or_else(|| {
            Failure::new(format!(
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
    of_source(&sources[index], dist)
}

/// The setup of a discovered source.
fn of_source(source: &LogSource, dist: &str) -> Result<Setup, Failure> {
    let label = source.label();
    let Some((bucket, template)) = source.s3() else {
        return Err(Failure::new(format!(
            "{label} delivers to {}: Athena reads logs in S3 (CloudWatch Logs Insights comes later)",
            source.destination.describe()
        )));
    };
    let format = match (source.format.as_str(), &source.kind) {
        ("w3c", SourceKind::Legacy) => Format::Legacy,
        ("w3c", _) => Format::W3c,
        ("json", _) => Format::Json,
        ("parquet", _) => Format::Parquet,
        ("plain", _) => {
            let d = source.delimiter.as_deref().unwrap_or("\t");
            let mut chars = d.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Format::Plain { delimiter: c },
                _ => {
                    return Err(Failure::new(format!(
                        "{label}: a field delimiter of one character is needed, found `{d}`"
                    )));
                }
            }
        }
        (other, _) => {
            return Err(Failure::new(format!(
                "{label}: {other} output cannot be queried"
            )));
        }
    };
    let mut fields = Vec::new();
    for name in &source.fields {
        let f = Field::from_any_name(name)
            .ok_or_else(|| Failure::new(format!("{label}: unknown record field `{name}`")))?;
        fields.push(f);
    }
    let layout = KeyTemplate::parse(template).map_err(|e| Failure::new(format!("{label}: {e}")))?;
    Setup::new(&label, format, fields, bucket, layout, dist)
        .map_err(|e| Failure::new(e.to_string()))
}

/// The format of the first object in range of a configured partitioned bucket, by its content.
async fn sniff(
    cloud: &Cloud,
    bucket: &str,
    layout: &KeyTemplate,
    dist: &str,
    range: Range,
) -> Result<Format, Failure> {
    let probe = Setup::new(
        "configured",
        Format::Json,
        Vec::new(),
        bucket,
        layout.clone(),
        dist,
    )
    .map_err(|e| Failure::new(e.to_string()))?;
    for prefix in range.listing(&probe) {
        let page = cloud
            .storage
            .list_objects(bucket, &prefix, None, None, 1000)
            .await
            .map_err(|e| Failure::new(format!("cannot list s3://{bucket}/{prefix}: {e}")))?;
        let Some(first) = page.objects.iter().find(|o| range.holds(&probe, &o.key)) else {
            continue;
        };
        let body = cloud
            .storage
            .get_object(bucket, &first.key)
            .await
            .map_err(|e| Failure::new(format!("cannot read s3://{bucket}/{}: {e}", first.key)))?;
        let text = if body.starts_with(&[0x1f, 0x8b]) {
            inflate_whole(&body).unwrap_or_default()
        } else {
            body
        };
        return match InputFormat::detect(&text) {
            InputFormat::Parquet => Ok(Format::Parquet),
            InputFormat::JsonLines => Ok(Format::Json),
            InputFormat::W3c => Ok(Format::W3c),
            _ => Err(Failure::new(format!(
                "s3://{bucket}/{} holds plain lines: their fields are known only from the \
                 delivery; query it with --source",
                first.key
            ))),
        };
    }
    Err(Failure::new(format!(
        "no log object in s3://{bucket}/{layout} in range: the format of a configured \
         partitioned bucket is told by its objects"
    )))
}

/// `12.3 MB`.
fn size(bytes: u64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

#[allow(clippy::too_many_arguments)]
fn pretty(
    args: &QueryArgs,
    setup: &Setup,
    athena: &AthenaSpec,
    plan: &Plan,
    range: Range,
    estimate: &Option<Estimate>,
    scanned: &Result<Vec<u64>, String>,
    region: &str,
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "-- shipdeck query {} --dry-run: nothing was run or created.\n",
        args.env
    ));
    out.push_str(&format!(
        "-- Logs: {} ({}), s3://{}/{}\n",
        setup.label,
        setup.format.label(),
        setup.bucket,
        setup.layout
    ));
    out.push_str(&format!(
        "-- Range: {} to {} (UTC, the end excluded)\n",
        range.since, range.until
    ));
    out.push_str(&format!(
        "-- Athena: database {}, workgroup {}, results to {}\n",
        athena.database,
        athena.workgroup,
        athena
            .output_location
            .as_deref()
            .unwrap_or("the workgroup's location")
    ));
    match (estimate, scanned) {
        (Some(e), _) => {
            let region = if region.is_empty() {
                "region unknown"
            } else {
                region
            };
            let price = if e.price_known {
                format!("${:.2}/TB in {region}", e.price_per_tb)
            } else {
                format!(
                    "${:.2}/TB assumed ({region} not in shipdeck's price table)",
                    e.price_per_tb
                )
            };
            out.push_str(&format!(
                "-- Scans at most: {} objects, {} (billed {}): ${} at {price}\n",
                e.objects,
                size(e.bytes),
                size(e.billed),
                if e.usd >= 0.01 {
                    format!("{:.2}", e.usd)
                } else {
                    format!("{:.6}", e.usd)
                }
            ));
            if setup.format == Format::Parquet {
                out.push_str("-- (Parquet: Athena reads only the columns used, so less.)\n");
            }
        }
        (None, Err(why)) => out.push_str(&format!("-- Scans: unknown: {why}\n")),
        (None, Ok(_)) => {}
    }
    out.push_str("\n-- The table the query reads (a dry run creates nothing):\n");
    for s in &plan.ddl {
        out.push_str(s);
        out.push_str(";\n\n");
    }
    out.push_str("-- The query:\n");
    out.push_str(&plan.sql);
    out.push_str(";\n");
    out
}
