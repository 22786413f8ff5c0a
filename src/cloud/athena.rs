//! Athena: a SQL statement started in a workgroup (`StartQueryExecution`), its state as it runs
//! (`GetQueryExecution`: state, the service's reason, bytes scanned, engine time), its rows page
//! by page (`GetQueryResults`) and stopping it (`StopQueryExecution`); the one loop that runs a
//! statement to its end, shared by the CLI and the console.

use super::{Clock, CloudResult};
use crate::domain::Millis;
use serde::Serialize;

/// Rows one `GetQueryResults` page holds at most (the service's maximum).
pub const MAX_PAGE_ROWS: usize = 1000;
/// The first wait between two `GetQueryExecution` calls.
pub const FIRST_POLL: Millis = 500;
/// The longest wait between two `GetQueryExecution` calls.
pub const LAST_POLL: Millis = 5_000;

/// One statement to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AthenaQuery {
    /// The SQL (a SELECT, or DDL such as `CREATE EXTERNAL TABLE`).
    pub sql: String,
    /// The database unqualified names resolve in (`QueryExecutionContext.Database`).
    pub database: String,
    /// The workgroup.
    pub workgroup: String,
    /// Where the results go (`None`: the workgroup's own location).
    pub output_location: Option<String>,
    /// The idempotency token: the same token starts the statement once (32–128 characters).
    pub client_request_token: String,
}

/// Where an execution is (`QueryExecutionStatus.State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ExecutionState {
    /// Accepted, waiting for capacity.
    Queued,
    /// Running.
    Running,
    /// Done: the results are complete.
    Succeeded,
    /// The service could not run it: the reason says why.
    Failed,
    /// Stopped (`StopQueryExecution`).
    Cancelled,
    /// A state this build does not know.
    Unknown,
}

impl ExecutionState {
    /// Whether the execution has ended.
    pub fn is_final(self) -> bool {
        !matches!(self, ExecutionState::Queued | ExecutionState::Running)
    }

    /// The service's name of the state.
    pub fn name(self) -> &'static str {
        match self {
            ExecutionState::Queued => "QUEUED",
            ExecutionState::Running => "RUNNING",
            ExecutionState::Succeeded => "SUCCEEDED",
            ExecutionState::Failed => "FAILED",
            ExecutionState::Cancelled => "CANCELLED",
            ExecutionState::Unknown => "UNKNOWN",
        }
    }
}

/// One `GetQueryExecution` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Execution {
    /// The execution id.
    pub id: String,
    /// Where it is.
    pub state: ExecutionState,
    /// `StateChangeReason`: why it failed or was cancelled, as the service says it.
    pub reason: Option<String>,
    /// Bytes read from S3 so far (`DataScannedInBytes`; what the query is billed by).
    pub bytes_scanned: u64,
    /// Milliseconds of engine time so far (`EngineExecutionTimeInMillis`).
    pub engine_ms: u64,
}

/// A result column: its name and Athena's type (`varchar`, `bigint`, `double`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultColumn {
    /// The column's name (its `AS` alias).
    pub name: String,
    /// Its type, as `ResultSetMetadata` names it.
    #[serde(rename = "type")]
    pub ty: String,
}

/// One page of `GetQueryResults`: the columns and the rows, each cell as text or `None` for
/// SQL NULL, without the header row the service puts first on a SELECT's first page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResultPage {
    /// The columns, in order.
    pub columns: Vec<ResultColumn>,
    /// The rows of this page.
    pub rows: Vec<Vec<Option<String>>>,
    /// The token of the next page, when there is one.
    pub next_token: Option<String>,
}

/// A cell as JSON by its column's type: numbers for integer and floating types, `null` for
/// SQL NULL, text otherwise (a number that does not parse stays text).
pub fn typed(cell: Option<&str>, ty: &str) -> serde_json::Value {
    use serde_json::Value;
    let Some(text) = cell else {
        return Value::Null;
    };
    match ty {
        "tinyint" | "smallint" | "integer" | "bigint" => text
            .parse::<i64>()
            .map_or_else(|_| Value::String(text.into()), Value::from),
        "double" | "float" | "real" => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(text.into()), Value::Number),
        "boolean" => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.into()),
        },
        _ => Value::String(text.into()),
    }
}

/// Where a running statement is, as the loop reports it after each read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// The execution id.
    pub id: String,
    /// Its state.
    pub state: ExecutionState,
    /// Time since it was started (the loop's clock).
    pub elapsed_ms: Millis,
    /// Bytes scanned so far.
    pub bytes_scanned: u64,
    /// What that costs at the price given to the loop (Athena's rounding and 10 MB minimum).
    pub usd: f64,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum AthenaEnd {
    /// It succeeded: its last state and every row, page by page.
    Succeeded {
        /// The final state (bytes scanned, engine time).
        execution: Execution,
        /// The result columns.
        columns: Vec<ResultColumn>,
        /// Every row.
        rows: Vec<Vec<Option<String>>>,
    },
    /// The service failed or cancelled it: its last state, with the service's reason.
    Ended(Execution),
    /// The caller stopped it: `StopQueryExecution` was sent (its failure, if any, is the note);
    /// the state read after it, if that read worked.
    Stopped {
        /// The state after the stop, if read.
        last: Option<Execution>,
        /// Why `StopQueryExecution` or the read after it failed, if one did.
        note: Option<String>,
    },
}

impl AthenaEnd {
    /// Whether it failed because its table (or database) does not exist yet
    /// (`TABLE_NOT_FOUND`, `SCHEMA_NOT_FOUND` in Athena's reason).
    pub fn missing_table(&self) -> bool {
        matches!(self, AthenaEnd::Ended(Execution { state: ExecutionState::Failed, reason: Some(r), .. })
            if r.starts_with("TABLE_NOT_FOUND") || r.starts_with("SCHEMA_NOT_FOUND"))
    }
}

/// A workgroup, as `GetWorkGroup` describes it: whether it takes queries, where their results
/// go and what it enforces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkGroup {
    /// Its name.
    pub name: String,
    /// Whether it is ENABLED (a DISABLED workgroup refuses queries).
    pub enabled: bool,
    /// Its query results location, if it has one.
    pub output_location: Option<String>,
    /// Whether its settings override the client's (`EnforceWorkGroupConfiguration`): then the
    /// results go to its location whatever shipdeck asks.
    pub enforced: bool,
    /// The bytes a query may scan before the workgroup cancels it
    /// (`BytesScannedCutoffPerQuery`), if set.
    pub bytes_cutoff: Option<u64>,
}

impl WorkGroup {
    /// Why a query cannot run in it, naming it: it is disabled.
    pub fn refusal(&self) -> Option<String> {
        (!self.enabled).then(|| {
            format!(
                "Athena workgroup `{}` is disabled: it refuses queries (enable it, or set \
                 [environments.athena] workgroup to another)",
                self.name
            )
        })
    }

    /// Where the results go: the workgroup's location when it enforces its settings or shipdeck
    /// names none, else `output_location`.
    pub fn results_to(&self, output_location: Option<&str>) -> Option<String> {
        match (self.enforced, output_location) {
            (false, Some(out)) => Some(out.to_string()),
            _ => self.output_location.clone(),
        }
    }
}

/// The Athena API.
#[async_trait::async_trait]
pub trait Athena: Send + Sync {
    /// `StartQueryExecution`: the execution id.
    async fn start_query_execution(&self, query: &AthenaQuery) -> CloudResult<String>;
    /// `GetQueryExecution`.
    async fn get_query_execution(&self, id: &str) -> CloudResult<Execution>;
    /// `GetQueryResults`: one page of at most `max` rows, after the page that gave `token`.
    async fn get_query_results(
        &self,
        id: &str,
        token: Option<&str>,
        max: usize,
    ) -> CloudResult<ResultPage>;
    /// `StopQueryExecution`.
    async fn stop_query_execution(&self, id: &str) -> CloudResult<()>;
    /// `GetWorkGroup`.
    async fn get_work_group(&self, name: &str) -> CloudResult<WorkGroup>;
}

/// Time before the `polls`-th `GetQueryExecution` after the first: half a second, doubling to
/// five.
pub fn poll_interval(polls: u32) -> Millis {
    FIRST_POLL.saturating_mul(1 << polls.min(8)).min(LAST_POLL)
}

/// What `bytes` scanned cost at `price_per_tb`: Athena bills whole megabytes, at least 10.
pub fn cost(bytes: u64, price_per_tb: f64) -> f64 {
    let billed = crate::query::estimate([bytes], "").billed;
    billed as f64 / crate::query::TB as f64 * price_per_tb
}

/// What `execution` is billed at `price_per_tb` so far: Athena charges nothing for a failed
/// query, nothing is billed before anything is scanned, and a query that ends otherwise is billed
/// its bytes (whole megabytes, at least 10).
pub fn billed(execution: &Execution, price_per_tb: f64) -> f64 {
    let nothing = execution.state == ExecutionState::Failed
        || (execution.bytes_scanned == 0 && execution.state != ExecutionState::Succeeded);
    if nothing {
        0.0
    } else {
        cost(execution.bytes_scanned, price_per_tb)
    }
}

/// Runs `query` to its end: `StartQueryExecution`, then `GetQueryExecution` on `clock` (half a
/// second apart, doubling to five) until the state is final, reporting each read to `progress`
/// with the cost at `price_per_tb`; then, when it succeeded, its rows page by page. `stop` is
/// asked before each read: when it says so, `StopQueryExecution` is sent and the state read
/// once more. A failed start is the error; a failed read stops the execution (so that it is not
/// left running and billed) and is the error too.
pub async fn run_query(
    athena: &dyn Athena,
    clock: &dyn Clock,
    query: &AthenaQuery,
    price_per_tb: f64,
    progress: &mut (dyn FnMut(&Progress) + Send),
    stop: &(dyn Fn() -> bool + Sync),
) -> CloudResult<AthenaEnd> {
    let started = clock.now();
    let id = athena.start_query_execution(query).await?;
    let mut polls = 0;
    let execution = loop {
        if stop() {
            let sent = athena.stop_query_execution(&id).await;
            let read = athena.get_query_execution(&id).await;
            let note = match (&sent, &read) {
                (Err(e), _) => Some(format!("StopQueryExecution failed: {e}")),
                (_, Err(e)) => Some(format!("the state after the stop is unknown: {e}")),
                _ => None,
            };
            return Ok(AthenaEnd::Stopped {
                last: read.ok(),
                note,
            });
        }
        let execution = match athena.get_query_execution(&id).await {
            Ok(e) => e,
            Err(e) => {
                let _ = athena.stop_query_execution(&id).await;
                return Err(e);
            }
        };
        progress(&Progress {
            id: id.clone(),
            state: execution.state,
            elapsed_ms: clock.now().since(started),
            bytes_scanned: execution.bytes_scanned,
            usd: billed(&execution, price_per_tb),
        });
        match execution.state {
            ExecutionState::Succeeded => break execution,
            s if s.is_final() => return Ok(AthenaEnd::Ended(execution)),
            _ => {}
        }
        clock.pause(poll_interval(polls)).await;
        polls += 1;
    };
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = athena
            .get_query_results(&id, token.as_deref(), MAX_PAGE_ROWS)
            .await?;
        if columns.is_empty() {
            columns = page.columns;
        }
        rows.extend(page.rows);
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(AthenaEnd::Succeeded {
        execution,
        columns,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::{SimClock, SimCloud, SimConfig, Simulator, demo_specs};

    /// The demo world with dev's legacy table created, and its count of the last hour.
    async fn world() -> (SimCloud, AthenaQuery) {
        use crate::accesslog::Filter;
        use crate::query::{Ask, Range};
        let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
        let now = sim.with(|s| s.now());
        let filter = Filter::all();
        let ask = Ask {
            filter: &filter,
            range: Range::new(now - Timestamp::HOUR, now).unwrap(),
            group: None,
            top: 10,
        };
        let plan = crate::cloud::sim::athena_fixture::dev_plan(&ask);
        let clock = SimClock::driven(sim.clone());
        let cloud = sim.cloud();
        for (i, sql) in plan.ddl.iter().enumerate() {
            let end = run_query(
                cloud.athena.as_ref(),
                &clock,
                &query(sql, i),
                0.0,
                &mut |_| {},
                &|| false,
            )
            .await
            .unwrap();
            assert!(matches!(end, AthenaEnd::Succeeded { .. }), "{end:?}");
        }
        (sim, query(&plan.sql, 9))
    }

    use crate::domain::Timestamp;

    fn query(sql: &str, n: usize) -> AthenaQuery {
        AthenaQuery {
            sql: sql.into(),
            database: "shipdeck".into(),
            workgroup: "primary".into(),
            output_location: None,
            client_request_token: format!("loop-test-{n:030}"),
        }
    }

    #[test]
    fn polls_start_at_half_a_second_and_double_to_five() {
        let waits: Vec<Millis> = (0..6).map(poll_interval).collect();
        assert_eq!(waits, [500, 1_000, 2_000, 4_000, 5_000, 5_000]);
        assert_eq!(poll_interval(40), 5_000);
    }

    #[test]
    fn cells_are_typed_by_their_column() {
        assert_eq!(typed(Some("42"), "bigint"), serde_json::json!(42));
        assert_eq!(typed(Some("0.5"), "double"), serde_json::json!(0.5));
        assert_eq!(typed(Some("x"), "bigint"), serde_json::json!("x"));
        assert_eq!(typed(None, "varchar"), serde_json::Value::Null);
        // Athena bills at least 10 MB a query.
        assert!((cost(1, 5.0) - 10.0 * 5.0 / 1_048_576.0).abs() < 1e-12);
    }

    #[test]
    fn a_failed_query_and_one_that_scanned_nothing_yet_are_billed_nothing() {
        let execution = |state, bytes_scanned| Execution {
            id: "q".into(),
            state,
            reason: None,
            bytes_scanned,
            engine_ms: 0,
        };
        let ten_mb = cost(1, 5.0);
        assert_eq!(billed(&execution(ExecutionState::Failed, 0), 5.0), 0.0);
        assert_eq!(
            billed(&execution(ExecutionState::Failed, 50 << 20), 5.0),
            0.0
        );
        assert_eq!(billed(&execution(ExecutionState::Queued, 0), 5.0), 0.0);
        assert_eq!(billed(&execution(ExecutionState::Running, 0), 5.0), 0.0);
        assert_eq!(billed(&execution(ExecutionState::Cancelled, 0), 5.0), 0.0);
        assert_eq!(
            billed(&execution(ExecutionState::Succeeded, 0), 5.0),
            ten_mb
        );
        assert_eq!(billed(&execution(ExecutionState::Running, 1), 5.0), ten_mb);
        assert_eq!(
            billed(&execution(ExecutionState::Cancelled, 30 << 20), 5.0),
            cost(30 << 20, 5.0)
        );
    }

    #[tokio::test]
    async fn a_query_runs_to_its_rows_reporting_state_bytes_and_cost() {
        let (sim, q) = world().await;
        let clock = SimClock::driven(sim.clone());
        let mut seen: Vec<Progress> = Vec::new();
        let cloud = sim.cloud();
        let end = run_query(
            cloud.athena.as_ref(),
            &clock,
            &q,
            5.0,
            &mut |p| seen.push(p.clone()),
            &|| false,
        )
        .await
        .unwrap();
        let AthenaEnd::Succeeded {
            execution,
            columns,
            rows,
        } = end
        else {
            panic!("{end:?}")
        };
        assert_eq!(columns[0].name, "requests");
        assert_eq!(rows.len(), 1);
        assert!(execution.bytes_scanned > 0);
        let states: Vec<ExecutionState> = seen.iter().map(|p| p.state).collect();
        assert_eq!(states.first(), Some(&ExecutionState::Queued));
        assert_eq!(states.last(), Some(&ExecutionState::Succeeded));
        assert!(states.contains(&ExecutionState::Running), "{states:?}");
        // The reads come 0.5 s, 1 s, 2 s … apart on the clock.
        let gaps: Vec<Millis> = seen
            .windows(2)
            .map(|w| w[1].elapsed_ms - w[0].elapsed_ms)
            .collect();
        assert_eq!(gaps[..2], [500, 1_000], "{gaps:?}");
        let last = seen.last().unwrap();
        assert_eq!(last.usd, cost(execution.bytes_scanned, 5.0));
    }

    #[tokio::test]
    async fn a_stop_sends_stop_query_execution_and_reads_the_state_once_more() {
        let (sim, q) = world().await;
        let clock = SimClock::driven(sim.clone());
        let cloud = sim.cloud();
        let mut reads = 0;
        let reads_seen = std::sync::atomic::AtomicUsize::new(0);
        let end = run_query(
            cloud.athena.as_ref(),
            &clock,
            &q,
            5.0,
            &mut |_| {
                reads += 1;
                reads_seen.store(reads, std::sync::atomic::Ordering::SeqCst);
            },
            &|| reads_seen.load(std::sync::atomic::Ordering::SeqCst) >= 2,
        )
        .await
        .unwrap();
        let AthenaEnd::Stopped { last, note } = end else {
            panic!("{end:?}")
        };
        assert_eq!(note, None);
        assert_eq!(last.unwrap().state, ExecutionState::Cancelled);
        assert_eq!(sim.with(|s| s.stats().calls["StopQueryExecution"]), 1);
    }

    #[tokio::test]
    async fn a_failed_read_stops_the_query_and_is_the_error() {
        let (sim, q) = world().await;
        sim.with(|s| s.deny("GetQueryExecution"));
        let clock = SimClock::driven(sim.clone());
        let cloud = sim.cloud();
        let err = run_query(cloud.athena.as_ref(), &clock, &q, 5.0, &mut |_| {}, &|| {
            false
        })
        .await
        .unwrap_err();
        assert!(
            err.to_string().contains("athena:GetQueryExecution"),
            "{err}"
        );
        assert_eq!(sim.with(|s| s.stats().calls["StopQueryExecution"]), 1);
    }
}
