//! `shipdeck query ENV FILTER` run on Athena: the estimate checked against the byte limit (above
//! it the operator confirms, or passes `--max-scan-bytes`), the query run by the shared loop
//! ([`crate::cloud::athena::run_query`]) with its progress on stderr, the table created on first
//! use once the operator saw its statements and agreed (`--yes` in scripts; refused read-only;
//! audited), then the rows as a table, JSON or JSON lines. Ctrl-C stops the query
//! (`StopQueryExecution`, exit 130); a FAILED query exits 1 with Athena's reason.

use crate::cli::args::{Global, QueryArgs, QueryOutput};
use crate::cli::io::stderr::{errln, errw};
use crate::cli::{Answer, Failure};
use crate::cloud::athena::{
    AthenaEnd, ExecutionState, Progress, ResultColumn, cost, run_query, typed,
};
use crate::cloud::{Cloud, CloudError};
use crate::config::AthenaSpec;
use crate::domain::EnvSpec;
use crate::ops::apply::audit_log::{self, Entry, Log, Mode};
use crate::query::{Estimate, Plan, dollars, price_per_tb};
use crate::runtime::athena::{self, DdlFailure};
use crate::runtime::{Backend, Clock, SimClock, WallClock};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit code after Ctrl-C stopped the query (128 + SIGINT, as shells report it).
const STOPPED: u8 = 130;

/// What a run needs from the command's preparation.
pub(super) struct Job<'a> {
    pub(super) global: &'a Global,
    pub(super) backend: &'a Backend,
    pub(super) spec: &'a EnvSpec,
    pub(super) athena: &'a AthenaSpec,
    pub(super) args: &'a QueryArgs,
    pub(super) plan: &'a Plan,
    /// The dry run's estimate, or why it is unknown.
    pub(super) estimate: Result<Estimate, String>,
    pub(super) region: &'a str,
}

/// `12.3 MB` (decimal megabytes, as Athena's console shows them).
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// `RUNNING · 3.5 s · 12.4 MB scanned · $0.000060`.
pub(super) fn progress_line(p: &Progress) -> String {
    format!(
        "{} · {:.1} s · {} scanned · {}",
        p.state.name(),
        p.elapsed_ms as f64 / 1000.0,
        megabytes(p.bytes_scanned),
        dollars(p.usd)
    )
}

/// Asks `question` on the terminal; `false` unless the answer is yes. Without a terminal, no.
async fn ask(question: String) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    errw!("{question} [y/N] ");
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await;
    matches!(answer, Ok(Ok(line)) if matches!(line.trim(), "y" | "Y" | "yes"))
}

/// Runs the query; see the module docs.
pub(super) async fn run(job: Job<'_>) -> Result<Answer, Failure> {
    let Job {
        args,
        athena,
        spec,
        backend,
        ..
    } = &job;
    let cloud = backend.clouds.named(&spec.name);
    let wg = athena::work_group(cloud, athena)
        .await
        .map_err(Failure::new)?;
    errln!("shipdeck: {}", athena::work_group_line(&wg, athena));
    let limit = args.max_scan_bytes.unwrap_or(athena.max_scan_bytes);
    match &job.estimate {
        Ok(e) if e.bytes <= limit => {}
        Ok(e) => {
            let question = format!(
                "The query may scan {} ({} objects), more than the limit of {} \
                 (max_scan_bytes): about {}. Run it?",
                megabytes(e.bytes),
                e.objects,
                megabytes(limit),
                dollars(e.usd)
            );
            if !ask(question).await {
                return Err(Failure::new(format!(
                    "refused: the query may scan {} ({} bytes), more than the limit of {limit} \
                     bytes; pass --max-scan-bytes {} to run it",
                    megabytes(e.bytes),
                    e.bytes,
                    e.bytes
                )));
            }
        }
        Err(why) => {
            if !ask(format!(
                "The bytes the query scans are unknown ({why}). Run it?"
            ))
            .await
            {
                return Err(Failure::new(format!(
                    "refused: the bytes the query scans are unknown ({why}), so the limit of \
                     {limit} bytes cannot be checked"
                )));
            }
        }
    }
    let clock: Box<dyn Clock> = match &backend.sim {
        Some(sim) => Box::new(SimClock::driven(sim.clone())),
        None => Box::new(WallClock),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let signal = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    let ran = select_with_table(&job, cloud, clock.as_ref(), &stop).await;
    signal.abort();
    let end = ran?;
    answer(&job, end)
}

/// Runs one statement with progress on stderr (a live line on a terminal, else a line per
/// state).
async fn statement(
    cloud: &Cloud,
    clock: &dyn Clock,
    job: &Job<'_>,
    sql: &str,
    n: usize,
    price: f64,
    stop: &AtomicBool,
) -> Result<AthenaEnd, Failure> {
    let query = athena::statement(job.athena, sql, clock.now().millis(), n);
    let live = std::io::stderr().is_terminal();
    let mut last: Option<ExecutionState> = None;
    let mut progress = |p: &Progress| {
        if live {
            errw!("\r\x1b[K{}", progress_line(p));
        } else if last != Some(p.state) {
            errln!("shipdeck: query {}: {}", p.id, progress_line(p));
        }
        last = Some(p.state);
    };
    let ran = run_query(
        cloud.athena.as_ref(),
        clock,
        &query,
        price,
        &mut progress,
        &|| stop.load(Ordering::SeqCst),
    )
    .await;
    if live {
        errw!("\r\x1b[K");
    }
    ran.map_err(|e| refused(&e))
}

/// An error starting or reading a query.
fn refused(e: &CloudError) -> Failure {
    Failure::new(format!("Athena: {e}"))
}

/// The SELECT; when its table does not exist, the DDL (once agreed) and the SELECT again.
async fn select_with_table(
    job: &Job<'_>,
    cloud: &Cloud,
    clock: &dyn Clock,
    stop: &AtomicBool,
) -> Result<AthenaEnd, Failure> {
    let (price, _) = price_per_tb(job.region);
    let sql = &job.plan.sql;
    let end = statement(cloud, clock, job, sql, 0, price, stop).await?;
    if !end.missing_table() {
        return Ok(end);
    }
    create_table(job, cloud, clock, stop).await?;
    statement(cloud, clock, job, sql, 1, price, stop).await
}

/// Shows the DDL, asks, runs it and audits it (refused read-only, declined without `--yes`
/// when there is no terminal to ask on).
async fn create_table(
    job: &Job<'_>,
    cloud: &Cloud,
    clock: &dyn Clock,
    stop: &AtomicBool,
) -> Result<(), Failure> {
    let names = &job.plan.names;
    errln!(
        "shipdeck: table {}.{} does not exist yet; creating it runs these statements on \
         Athena (workgroup {}; DDL is not billed):",
        names.database,
        names.table,
        job.athena.workgroup
    );
    for s in &job.plan.ddl {
        errln!("{s};\n");
    }
    let read_only = job.global.read_only || job.spec.read_only;
    let audit = |outcome: &str, guard: Option<&str>, message: &str| {
        audit(job, cloud, clock, outcome, guard, message);
    };
    if read_only {
        let why = "read-only: creating the table is refused (the query needs it)";
        audit("refused", Some("read-only"), why);
        return Err(Failure::new(format!(
            "{why}; run without --read-only to create it"
        )));
    }
    let agreed = job.args.yes || ask("Create them?".to_string()).await;
    if !agreed {
        let why = "the table was not created (pass --yes to create it without asking)";
        audit("declined", None, why);
        return Err(Failure::new(why));
    }
    let mut progress = |p: &Progress| {
        errln!("shipdeck: query {}: {}", p.id, progress_line(p));
    };
    let created = athena::create_table(
        cloud,
        clock,
        job.athena,
        &job.plan.ddl,
        &mut progress,
        &|| stop.load(Ordering::SeqCst),
    )
    .await;
    match created {
        Ok(()) => {}
        Err(DdlFailure::Failed(why)) => {
            audit("failed", None, &why);
            return Err(Failure::new(why));
        }
        Err(DdlFailure::Stopped) => {
            audit("failed", None, "stopped by the operator");
            return Err(Failure {
                message: "stopped while creating the table".into(),
                code: STOPPED,
            });
        }
    }
    audit(
        "done",
        None,
        &format!("created {}.{}", names.database, names.table),
    );
    Ok(())
}

/// Appends the table's creation to the audit log (a failure to write it is said on stderr).
fn audit(
    job: &Job<'_>,
    _cloud: &Cloud,
    clock: &dyn Clock,
    outcome: &str,
    guard: Option<&str>,
    message: &str,
) {
    let mode = if job.global.demo {
        Mode::Demo
    } else {
        Mode::Aws
    };
    let entry = Entry::create_athena_table(
        &job.spec.name,
        None,
        job.athena,
        job.plan,
        clock.now(),
        outcome,
        guard,
        message,
    );
    if let Err(e) = audit_log::append(&Log::of(mode), &entry, &|| WallClock.now()) {
        errln!("shipdeck: the audit log was not written: {e}");
    }
}

/// The rows and how the query ended, as the output asks.
fn answer(job: &Job<'_>, end: AthenaEnd) -> Result<Answer, Failure> {
    let (price, _) = price_per_tb(job.region);
    let (execution, columns, rows) = match end {
        AthenaEnd::Succeeded {
            execution,
            columns,
            rows,
        } => (execution, columns, rows),
        AthenaEnd::Ended(e) => {
            return Err(Failure::new(format!(
                "query {} {}: {}",
                e.id,
                e.state.name(),
                e.reason.as_deref().unwrap_or("Athena gave no reason")
            )));
        }
        AthenaEnd::Stopped { last, note } => {
            let state = last.as_ref().map_or("unknown", |e| e.state.name());
            let mut message = format!("stopped (StopQueryExecution sent); the query is {state}");
            if let Some(n) = note {
                message.push_str(&format!("; {n}"));
            }
            return Err(Failure {
                message,
                code: STOPPED,
            });
        }
    };
    let usd = cost(execution.bytes_scanned, price);
    let summary = format!(
        "query {}: SUCCEEDED · {} rows · {} scanned · {} at ${price:.2}/TB · engine {:.1} s",
        execution.id,
        rows.len(),
        megabytes(execution.bytes_scanned),
        dollars(usd),
        execution.engine_ms as f64 / 1000.0
    );
    let objects = |rows: &[Vec<Option<String>>]| -> Vec<serde_json::Value> {
        rows.iter()
            .map(|row| {
                serde_json::Value::Object(
                    columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| (c.name.clone(), typed(v.as_deref(), &c.ty)))
                        .collect(),
                )
            })
            .collect()
    };
    let text = match job.args.output {
        QueryOutput::Pretty => {
            let mut t = table(&columns, &rows);
            t.push_str(&format!("-- {summary}\n"));
            t
        }
        QueryOutput::Json => super::super::json(&serde_json::json!({
            "env": job.spec.name,
            "query_id": execution.id,
            "state": execution.state,
            "database": job.plan.names.database,
            "table": job.plan.names.table,
            "sql": job.plan.sql,
            "bytes_scanned": execution.bytes_scanned,
            "engine_ms": execution.engine_ms,
            "usd": usd,
            "region": job.region,
            "columns": columns,
            "rows": objects(&rows),
        }))?,
        QueryOutput::Jsonl => {
            errln!("shipdeck: {summary}");
            let mut t = String::new();
            for o in objects(&rows) {
                t.push_str(&o.to_string());
                t.push('\n');
            }
            t
        }
    };
    Ok(Answer::ok(text))
}

/// The rows as aligned columns (NULL as `-`).
fn table(columns: &[ResultColumn], rows: &[Vec<Option<String>>]) -> String {
    let mut lines = vec![columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()];
    for row in rows {
        lines.push(
            row.iter()
                .map(|c| c.clone().unwrap_or_else(|| "-".into()))
                .collect(),
        );
    }
    super::super::columns(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_says_state_time_megabytes_and_cost() {
        let p = Progress {
            id: "q".into(),
            state: ExecutionState::Running,
            elapsed_ms: 3_456,
            bytes_scanned: 12_400_000,
            usd: cost(12_400_000, 5.0),
        };
        assert_eq!(
            progress_line(&p),
            "RUNNING · 3.5 s · 12.4 MB scanned · $0.000057"
        );
    }
}
