//! The simulator's Athena: `StartQueryExecution` parses the statement (the SQL subset shipdeck
//! writes; anything else is refused naming what, as `InvalidRequestException`), a SELECT is
//! evaluated over the simulator's own log objects, read with shipdeck's decoders as the table's
//! DDL declares them, and DDL changes the catalog once it succeeds. Each execution is QUEUED,
//! then RUNNING for a time that grows with the bytes it reads, then SUCCEEDED or FAILED with
//! Athena's reason; `StopQueryExecution` cancels it. Too many running at once is
//! `TooManyRequestsException`; a caller denied `GetObject` makes a query fail on the S3 path,
//! as Athena reads S3 with the caller's permissions.

mod catalog;
mod expr;
mod scan;
mod select;

#[cfg(test)]
mod tests;

/// The demo's dev logging setup as a query sees it (legacy flat W3C under `cloudfront/dev/` in
/// the demo's logs bucket), and the plan of `ask` over it: what the tests of the simulator's
/// Athena and of the query loop run.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::accesslog::KeyTemplate;
    use crate::cloud::sim::cloudfront::logging::DEMO_LOGS_BUCKET;
    use crate::query::{Ask, Format, Names, Plan, Setup, plan};

    /// dev's setup in the demo.
    pub(crate) fn dev_setup() -> Setup {
        Setup::new(
            "legacy",
            Format::Legacy,
            Vec::new(),
            DEMO_LOGS_BUCKET,
            KeyTemplate::flat("cloudfront/dev/"),
            "E2DEVSTOREFRNT",
        )
        .unwrap()
    }

    /// The plan of `ask` over dev's setup, its table named as shipdeck names dev's.
    pub(crate) fn dev_plan(ask: &Ask<'_>) -> Plan {
        let setup = dev_setup();
        plan(&setup, Names::for_env("shipdeck", "dev", &setup), ask).unwrap()
    }
}

use super::Simulator;
use crate::cloud::athena::{AthenaQuery, Execution, ExecutionState, ResultColumn, ResultPage};
use crate::cloud::{CloudError, CloudResult};
use crate::domain::{Millis, Timestamp};
use catalog::{Catalog, Ddl};
use expr::{Eval, SqlError, Value};
use select::Select;
use std::collections::BTreeMap;

/// Queries an account runs at once (Athena's default active DML query quota in most regions);
/// one more is refused.
pub(crate) const MAX_RUNNING: usize = 25;
/// How long a query waits in the queue.
const QUEUED: Millis = 600;
/// The least time a query runs.
const BASE_RUN: Millis = 1_200;
/// Bytes read a second.
const SCAN_RATE: f64 = 16.0 * 1024.0 * 1024.0;
/// How long a query that fails in planning (no such table, a column it cannot resolve) runs.
const PLANNING: Millis = 400;

/// What an execution ends with.
#[derive(Debug, Clone)]
enum Outcome {
    /// A SELECT's result.
    Rows {
        columns: Vec<ResultColumn>,
        rows: Vec<Vec<Option<String>>>,
    },
    /// A catalog change, made when it succeeds (then `Done`).
    Ddl(Ddl),
    /// DDL made.
    Done,
    /// It fails with this reason.
    Fail(String),
}

#[derive(Debug, Clone)]
struct SimExecution {
    query: AthenaQuery,
    submitted: Timestamp,
    run: Millis,
    bytes: u64,
    stopped: Option<Timestamp>,
    outcome: Outcome,
}

/// Where the simulated `primary` workgroup writes query results.
pub(crate) const RESULTS_LOCATION: &str = "s3://aws-athena-query-results-123456789012-eu-west-1/";

/// Athena's executions and catalog.
#[derive(Debug, Clone, Default)]
pub(crate) struct AthenaSim {
    catalog: Catalog,
    executions: BTreeMap<String, SimExecution>,
    tokens: BTreeMap<String, String>,
    started: u64,
}

fn invalid(message: impl Into<String>) -> CloudError {
    CloudError::Rejected {
        code: "InvalidRequestException".into(),
        message: message.into(),
    }
}

impl SimExecution {
    fn state(&self, now: Timestamp) -> ExecutionState {
        if self.stopped.is_some_and(|s| s <= now) {
            return ExecutionState::Cancelled;
        }
        let elapsed = now.since(self.submitted);
        if elapsed < QUEUED {
            ExecutionState::Queued
        } else if elapsed < QUEUED + self.run {
            ExecutionState::Running
        } else if matches!(self.outcome, Outcome::Fail(_)) {
            ExecutionState::Failed
        } else {
            ExecutionState::Succeeded
        }
    }

    fn view(&self, id: &str, now: Timestamp) -> Execution {
        let state = self.state(now);
        let until = self.stopped.map_or(now, |s| s.min(now));
        let ran = until.since(self.submitted + QUEUED).clamp(0, self.run);
        let share = if self.run == 0 {
            1.0
        } else {
            ran as f64 / self.run as f64
        };
        Execution {
            id: id.to_string(),
            state,
            reason: match (state, &self.outcome) {
                (ExecutionState::Failed, Outcome::Fail(why)) => Some(why.clone()),
                (ExecutionState::Cancelled, _) => Some("Query was cancelled by user".into()),
                _ => None,
            },
            bytes_scanned: (self.bytes as f64 * share).round() as u64,
            engine_ms: u64::try_from(ran).unwrap_or(0),
        }
    }
}

impl Simulator {
    /// `StartQueryExecution`.
    pub(crate) fn op_start_query_execution(&mut self, q: &AthenaQuery) -> CloudResult<String> {
        if let Some(id) = self.athena.tokens.get(&q.client_request_token) {
            return Ok(id.clone());
        }
        if !(32..=128).contains(&q.client_request_token.len()) {
            return Err(invalid(
                "ClientRequestToken must be between 32 and 128 characters long",
            ));
        }
        if q.sql.trim().is_empty() || q.workgroup.trim().is_empty() {
            return Err(invalid("QueryString and WorkGroup must not be empty"));
        }
        let now = self.now;
        self.settle_athena();
        let running = (self.athena.executions.values())
            .filter(|e| !e.state(now).is_final())
            .count();
        if running >= MAX_RUNNING {
            return Err(CloudError::Throttled {
                service: "athena".into(),
                operation: "StartQueryExecution".into(),
                until: None,
            });
        }
        let (outcome, bytes) = match self.plan_statement(q) {
            Ok(planned) => planned,
            Err(SqlError::Unmodelled(what)) => {
                return Err(invalid(format!(
                    "the simulator's Athena does not model {what}"
                )));
            }
            Err(SqlError::Failed(why)) => (Outcome::Fail(why), 0),
        };
        let run = match &outcome {
            Outcome::Fail(_) if bytes == 0 => PLANNING,
            Outcome::Ddl(_) | Outcome::Done => PLANNING,
            _ => BASE_RUN + (bytes as f64 / SCAN_RATE * 1000.0) as Millis,
        };
        let a = &mut self.athena;
        a.started += 1;
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            now.millis() as u32,
            a.started & 0xffff,
            a.started & 0xfff,
            (a.started >> 12) & 0xfff,
            a.started
        );
        a.tokens.insert(q.client_request_token.clone(), id.clone());
        a.executions.insert(
            id.clone(),
            SimExecution {
                query: q.clone(),
                submitted: now,
                run,
                bytes,
                stopped: None,
                outcome,
            },
        );
        Ok(id)
    }

    /// `GetQueryExecution`.
    pub(crate) fn op_get_query_execution(&mut self, id: &str) -> CloudResult<Execution> {
        self.settle_athena();
        let e = self.execution(id)?;
        Ok(e.view(id, self.now))
    }

    /// `GetQueryResults`: a page of a succeeded execution's rows (the token is the row to
    /// start at).
    pub(crate) fn op_get_athena_results(
        &mut self,
        id: &str,
        token: Option<&str>,
        max: usize,
    ) -> CloudResult<ResultPage> {
        self.settle_athena();
        let now = self.now;
        let e = self.execution(id)?;
        match e.state(now) {
            ExecutionState::Succeeded => {}
            s if s.is_final() => {
                return Err(invalid(format!(
                    "Query did not finish successfully. Final query state: {}",
                    s.name()
                )));
            }
            s => {
                return Err(invalid(format!(
                    "Query has not yet finished. Current state: {}",
                    s.name()
                )));
            }
        }
        let (columns, rows) = match &e.outcome {
            Outcome::Rows { columns, rows } => (columns.clone(), rows.as_slice()),
            _ => (Vec::new(), &[][..]),
        };
        let from = match token {
            None => 0,
            Some(t) => t
                .strip_prefix("sim-athena-")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n <= rows.len())
                .ok_or_else(|| invalid(format!("Invalid NextToken {t}")))?,
        };
        let to = (from + max.clamp(1, crate::cloud::athena::MAX_PAGE_ROWS)).min(rows.len());
        Ok(ResultPage {
            columns,
            rows: rows[from..to].to_vec(),
            next_token: (to < rows.len()).then(|| format!("sim-athena-{to}")),
        })
    }

    /// `StopQueryExecution`: an execution that has ended stays as it ended.
    pub(crate) fn op_stop_query_execution(&mut self, id: &str) -> CloudResult<()> {
        self.settle_athena();
        let now = self.now;
        self.execution(id)?;
        if let Some(e) = self.athena.executions.get_mut(id)
            && !e.state(now).is_final()
        {
            e.stopped = Some(now);
        }
        Ok(())
    }

    fn execution(&self, id: &str) -> CloudResult<&SimExecution> {
        self.athena
            .executions
            .get(id)
            .ok_or_else(|| invalid(format!("QueryExecution {id} was not found")))
    }

    /// `GetWorkGroup`: every account's `primary` (enabled, results to the simulator's results
    /// bucket, nothing enforced); any other name is not found, as Athena says it.
    pub(crate) fn op_get_work_group(
        &mut self,
        name: &str,
    ) -> CloudResult<crate::cloud::athena::WorkGroup> {
        if name != "primary" {
            return Err(invalid(format!("WorkGroup {name} is not found.")));
        }
        Ok(crate::cloud::athena::WorkGroup {
            name: name.to_string(),
            enabled: true,
            output_location: Some(RESULTS_LOCATION.to_string()),
            enforced: false,
            bytes_cutoff: None,
        })
    }

    /// Puts the access-log tables of `envs` in the catalog, as shipdeck's DDL for each one's
    /// default source creates them (database [`DEFAULT_DATABASE`](crate::config::DEFAULT_DATABASE)):
    /// an account that has used shipdeck before. An environment without a source Athena reads
    /// is left without.
    pub(crate) fn athena_tables_at_start(&mut self, envs: &[String]) {
        use crate::query::{Names, Setup, create_database, create_table};
        use sqlparser::dialect::HiveDialect;
        let database = crate::config::DEFAULT_DATABASE;
        for name in envs {
            let Some(spec) = self.envs.iter().map(|e| &e.spec).find(|s| &s.name == name) else {
                continue;
            };
            let sources: Vec<crate::domain::LogSource> =
                super::cloudfront::logging::setup(spec, self.cfg.account(name))
                    .into_iter()
                    .map(|s| s.source)
                    .collect();
            let Some(setup) = (match &spec.logs_bucket {
                // A configured flat prefix is read as legacy logging, as shipdeck reads it.
                Some(bucket) => Setup::new(
                    "the configured logs_bucket",
                    crate::query::Format::Legacy,
                    Vec::new(),
                    bucket,
                    crate::accesslog::KeyTemplate::flat(&spec.logs_prefix),
                    &spec.distribution_id,
                )
                .ok(),
                None => crate::domain::default_source(&sources)
                    .and_then(|i| Setup::of_source(&sources[i], &spec.distribution_id).ok()),
            }) else {
                continue;
            };
            let names = Names::for_env(database, name, &setup);
            for sql in [create_database(&names), create_table(&names, &setup)] {
                let change = sqlparser::parser::Parser::parse_sql(&HiveDialect {}, &sql)
                    .ok()
                    .and_then(|s| s.first().and_then(|s| catalog::ddl(s).ok().flatten()));
                if let Some(change) = change {
                    let _ = self.athena.catalog.apply(&change, database);
                }
            }
        }
    }

    /// Makes the catalog changes of the DDL that has succeeded by now.
    fn settle_athena(&mut self) {
        let now = self.now;
        let a = &mut self.athena;
        for e in a.executions.values_mut() {
            if let Outcome::Ddl(change) = &e.outcome
                && e.state(now) == ExecutionState::Succeeded
            {
                e.outcome = match a.catalog.apply(change, &e.query.database) {
                    Ok(()) => Outcome::Done,
                    Err(why) => Outcome::Fail(why),
                };
            }
        }
    }

    /// What statement `q` ends with and the bytes it reads.
    fn plan_statement(&mut self, q: &AthenaQuery) -> Eval<(Outcome, u64)> {
        use sqlparser::dialect::{GenericDialect, HiveDialect};
        let ddl = q
            .sql
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("CREATE");
        let parsed = if ddl {
            sqlparser::parser::Parser::parse_sql(&HiveDialect {}, &q.sql)
        } else {
            sqlparser::parser::Parser::parse_sql(&GenericDialect {}, &q.sql)
        };
        let statements = parsed.map_err(|e| SqlError::Failed(format!("SYNTAX_ERROR: {e}")))?;
        let [statement] = statements.as_slice() else {
            return Err(SqlError::Unmodelled(format!(
                "{} statements in one query (Athena runs one)",
                statements.len()
            )));
        };
        if let Some(change) = catalog::ddl(statement)? {
            return Ok((Outcome::Ddl(change), 0));
        }
        let sqlparser::ast::Statement::Query(query) = statement else {
            return Err(SqlError::Unmodelled(format!(
                "the statement `{}`",
                statement.to_string().chars().take(40).collect::<String>()
            )));
        };
        let select = select::compile_select(query, &q.sql)?;
        let mut bytes = 0;
        match self.run_select(select, &q.database, &mut bytes) {
            Ok(outcome) => Ok((outcome, bytes)),
            Err(SqlError::Failed(why)) => Ok((Outcome::Fail(why), bytes)),
            Err(e) => Err(e),
        }
    }

    /// Reads the objects a SELECT needs and runs it; `bytes` counts what was read.
    fn run_select(&mut self, mut s: Select, context: &str, bytes: &mut u64) -> Eval<Outcome> {
        let (line, col) = s.at;
        let db = s
            .table
            .0
            .clone()
            .unwrap_or_else(|| context.to_ascii_lowercase());
        let name = s.table.1.clone();
        if !self.athena.catalog.has_database(&db) {
            return Err(SqlError::Failed(format!(
                "SCHEMA_NOT_FOUND: line {line}:{col}: Schema '{db}' does not exist"
            )));
        }
        let Some(table) = self.athena.catalog.table(&db, &name).cloned() else {
            return Err(SqlError::Failed(format!(
                "TABLE_NOT_FOUND: line {line}:{col}: Table 'awsdatacatalog.{db}.{name}' does \
                 not exist"
            )));
        };
        // The columns the statement reads (the others are not converted, as Athena reads only
        // what a query uses).
        let mut used = Vec::new();
        for e in s
            .filter
            .iter()
            .chain(s.items.iter().map(|(_, e)| e))
            .chain(&s.group)
        {
            e.columns(&mut used);
        }
        for a in &s.aggs {
            if let Some(e) = &a.arg {
                e.columns(&mut used);
            }
        }
        let needed: Vec<bool> = table
            .columns
            .iter()
            .map(|(n, _)| used.contains(n))
            .collect();
        let slots = scan::slot_names(&table);
        let slot = |n: &str| slots.iter().position(|s| s == n);
        // Conditions on partition columns and "$path" alone pick the objects.
        let per_file: Vec<String> = table
            .partitions
            .iter()
            .map(|(n, _)| n.clone())
            .chain(["$path".to_string()])
            .collect();
        let mut prune = Vec::new();
        for c in &s.filter {
            let mut cols = Vec::new();
            c.columns(&mut cols);
            if cols.iter().all(|c| per_file.contains(c)) {
                let mut c = c.clone();
                c.bind(&slot)?;
                prune.push(c);
            }
        }
        for c in &mut s.filter {
            c.bind(&slot)?;
        }
        for (_, e) in &mut s.items {
            e.bind(&slot)?;
        }
        for g in &mut s.group {
            g.bind(&slot)?;
        }
        for a in &mut s.aggs {
            if let Some(e) = &mut a.arg {
                e.bind(&slot)?;
            }
        }
        let location = table.location.strip_prefix("s3://").unwrap_or_default();
        let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .buckets
                .list(bucket, prefix, None, token.as_deref(), 1000)
                .map_err(|e| SqlError::Failed(format!("HIVE_FILESYSTEM_ERROR: {e}")))?;
            keys.extend(page.objects.into_iter().map(|o| o.key));
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        // Rows are folded as they are read: the groups are kept, not the rows.
        let mut fold = s.fold();
        for key in keys {
            let Some(partition) = table.partition_of(bucket, &key) else {
                continue;
            };
            let mut probe: Vec<Value> = vec![Value::Null; table.columns.len()];
            probe.extend(partition.iter().zip(&table.partitions).map(|(v, (_, ty))| {
                if ty == "string" {
                    Value::Str(v.clone())
                } else {
                    v.parse().map_or(Value::Null, Value::Int)
                }
            }));
            probe.push(Value::Str(format!("s3://{bucket}/{key}")));
            let mut read = true;
            for c in &prune {
                read &= expr::truth(&c.eval(&probe, &[])?)? == Some(true);
            }
            if !read {
                continue;
            }
            if self.athena_denied_read() {
                return Err(SqlError::Failed(format!(
                    "Permission denied on S3 path: s3://{bucket}/{key}"
                )));
            }
            let body = self
                .buckets
                .get(bucket, &key)
                .map_err(|e| SqlError::Failed(format!("HIVE_CANNOT_OPEN_SPLIT: {e}")))?;
            *bytes += body.len() as u64;
            for row in scan::rows(&table, &needed, bucket, &key, &partition, &body)
                .map_err(SqlError::Failed)?
            {
                if s.keeps(&row)? {
                    fold.add(row)?;
                }
            }
        }
        let out = fold.finish()?;
        Ok(Outcome::Rows {
            columns: out
                .columns
                .into_iter()
                .map(|(name, ty)| ResultColumn { name, ty })
                .collect(),
            rows: out
                .rows
                .into_iter()
                .map(|r| r.iter().map(Value::cell).collect())
                .collect(),
        })
    }
}
