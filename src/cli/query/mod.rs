//! `shipdeck query ENV FILTER`: the Athena query of an environment's CloudFront access logs —
//! the SQL, the DDL of the table for its logging setup and the estimated bytes scanned and cost
//! (from a listing of the objects in range through the storage port). `--dry-run` prints them
//! with nothing run or created; otherwise the query runs (`run.rs`).

mod run;

use crate::cli::args::{Global, QueryArgs, QueryOutput};
use crate::cli::io::stderr::errln;
use crate::cli::{Answer, Failure, connect};
use crate::config::AthenaSpec;
use crate::query::{Ask, Estimate, Format, Names, Plan, Range, Setup, estimate, plan};
use crate::runtime::athena::{SetupError, scanned, setup};

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
    let mut notes = Vec::new();
    let found = setup(cloud, &spec, args.source.as_deref(), range, &mut notes).await;
    for n in notes {
        errln!("shipdeck: {n}");
    }
    let setup = found.map_err(|e| match e {
        SetupError::Usage(m) => Failure::usage(m),
        SetupError::Failed(m) => Failure::new(m),
    })?;
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
    // The workgroup as a run would find it: one that cannot be used is named (exit 1).
    let wg = crate::runtime::athena::work_group(cloud, &athena)
        .await
        .map(|wg| crate::runtime::athena::work_group_line(&wg, &athena));
    let text = match args.output {
        QueryOutput::Pretty => pretty(
            &args, &setup, &athena, &wg, &plan, range, &estimate, &scanned, &region,
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
                "work_group": wg.as_ref().ok(),
                "work_group_error": wg.as_ref().err(),
                "table": plan.names.table,
                "ddl": plan.ddl,
                "sql": plan.sql,
                "estimate": e,
                "estimate_error": scanned.as_ref().err(),
            });
            super::json(&value)?
        }
    };
    // The estimate and the workgroup are part of the answer: unknown when the listing failed,
    // or the workgroup cannot be read or used (exit 1).
    Ok(Answer::with_unknowns(
        text,
        usize::from(scanned.is_err()) + usize::from(wg.is_err()),
    ))
}

#[allow(clippy::too_many_arguments)]
fn pretty(
    args: &QueryArgs,
    setup: &Setup,
    athena: &AthenaSpec,
    wg: &Result<String, String>,
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
        "-- Athena: database {}, {}\n",
        athena.database,
        match wg {
            Ok(line) => line.clone(),
            Err(why) => why.clone(),
        }
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
                "-- Scans at most: {} objects, {} (billed {}): {} at {price}\n",
                e.objects,
                crate::query::size(e.bytes),
                crate::query::size(e.billed),
                crate::query::dollars(e.usd)
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
