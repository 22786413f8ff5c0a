//! CloudWatch Logs Insights: a query over log groups (`StartQuery`), its results as they come
//! (`GetQueryResults`: status, rows so far, what was scanned) and stopping it (`StopQuery`); the
//! one loop that runs a query to its end, shared by the CLI and the console.

use super::{Clock, CloudError, CloudResult, Logs};
use crate::domain::{Millis, Timestamp};
use serde::Serialize;

/// Most log groups one query reads (the service's limit).
pub const MAX_QUERY_GROUPS: usize = 50;
/// Most rows a query returns (the service's default and maximum).
pub const MAX_QUERY_ROWS: usize = 10_000;
/// How long the service lets a query run before it ends it as `Timeout`.
pub const QUERY_TIMEOUT: Millis = 60 * Timestamp::MINUTE;

/// One query: Logs Insights query language over `groups` for events in `[start, end]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsightsQuery {
    /// Log group names (1–50).
    pub groups: Vec<String>,
    /// First event time (the service takes whole seconds).
    pub start: Timestamp,
    /// Last event time.
    pub end: Timestamp,
    /// The query, e.g. `filter level = "ERROR" | stats count(*) by bin(5m)`.
    pub query: String,
    /// Most rows to return (`None`: the service's 10,000).
    pub limit: Option<usize>,
}

impl InsightsQuery {
    /// Checks the request as the service does; the error says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.groups.is_empty() || self.groups.len() > MAX_QUERY_GROUPS {
            return Err(format!(
                "a query reads 1-{MAX_QUERY_GROUPS} log groups, got {}",
                self.groups.len()
            ));
        }
        if self.query.trim().is_empty() {
            return Err("the query is empty".into());
        }
        if self.end < self.start {
            return Err("the query's end is before its start".into());
        }
        if let Some(l) = self.limit
            && !(1..=MAX_QUERY_ROWS).contains(&l)
        {
            return Err(format!("the row limit is 1-{MAX_QUERY_ROWS}, got {l}"));
        }
        Ok(())
    }
}

/// Where a query is (`GetQueryResults`' `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryStatus {
    /// Waiting to run.
    Scheduled,
    /// Running: the rows are those found so far.
    Running,
    /// Done: the rows are final.
    Complete,
    /// The service could not run it.
    Failed,
    /// Stopped (`StopQuery`).
    Cancelled,
    /// It ran longer than the service allows (60 minutes).
    Timeout,
    /// A status this build does not know.
    Unknown,
}

impl QueryStatus {
    /// Whether the query has ended (its rows will not change).
    pub fn is_final(self) -> bool {
        !matches!(self, QueryStatus::Scheduled | QueryStatus::Running)
    }

    /// The service's name of the status.
    pub fn name(self) -> &'static str {
        match self {
            QueryStatus::Scheduled => "Scheduled",
            QueryStatus::Running => "Running",
            QueryStatus::Complete => "Complete",
            QueryStatus::Failed => "Failed",
            QueryStatus::Cancelled => "Cancelled",
            QueryStatus::Timeout => "Timeout",
            QueryStatus::Unknown => "Unknown",
        }
    }
}

/// What a query scanned and matched so far.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct QueryStatistics {
    /// Log events that matched the query.
    pub records_matched: f64,
    /// Log events read.
    pub records_scanned: f64,
    /// Bytes read (what the query is billed by).
    pub bytes_scanned: f64,
}

/// One `GetQueryResults` answer: each row is its fields in the query's order (`@ptr` included,
/// as the service gives it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryResults {
    /// Where the query is.
    pub status: QueryStatus,
    /// The rows so far.
    pub rows: Vec<Vec<(String, String)>>,
    /// What was scanned and matched so far.
    pub statistics: QueryStatistics,
}

impl QueryResults {
    /// The result's column names in order of first appearance, without `@ptr` (the service's
    /// pointer to the event, for `GetLogRecord`).
    pub fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for row in &self.rows {
            for (field, _) in row {
                if field != "@ptr" && !out.contains(field) {
                    out.push(field.clone());
                }
            }
        }
        out
    }

    /// A row's value of `column` on one line (tabs and newlines as spaces, trailing blanks
    /// trimmed); empty where the row has no such field.
    pub fn cell(row: &[(String, String)], column: &str) -> String {
        row.iter()
            .find(|(f, _)| f == column)
            .map(|(_, v)| v.trim_end().replace(['\n', '\t'], " "))
            .unwrap_or_default()
    }
}

/// Time between two `GetQueryResults` calls: a second at first, growing to five.
pub fn poll_interval(polls: u32) -> Millis {
    (1_000 + 500 * Millis::from(polls)).min(5_000)
}

/// How a run ended when it did not complete.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryEnd {
    /// It reached a final status (`Complete`, `Failed`, `Cancelled`, `Timeout`): the last answer.
    Ended(QueryResults),
    /// The caller stopped it: `StopQuery` was sent (its own failure, if any, is the note), with
    /// the last rows seen.
    Stopped {
        /// The last answer before stopping, if one came.
        last: Option<QueryResults>,
        /// Why `StopQuery` failed, if it did (the query may still run and be billed).
        note: Option<String>,
    },
}

/// Runs `query` to its end: `StartQuery`, then `GetQueryResults` on `clock` until the status is
/// final, handing each answer to `progress` (rows so far while running); `stop` is asked before
/// each read and, when it says so, the query is stopped with `StopQuery` and read once more (a
/// query that completed meanwhile ends complete). A failed start is the
/// error (a malformed query names what the service refused); a failed read ends the run with it
/// too, after stopping the query so that it is not left running.
pub async fn run_query(
    logs: &dyn Logs,
    clock: &dyn Clock,
    query: &InsightsQuery,
    progress: &mut (dyn FnMut(&str, &QueryResults) + Send),
    stop: &(dyn Fn() -> bool + Sync),
) -> CloudResult<(String, QueryEnd)> {
    query.check().map_err(|message| CloudError::Rejected {
        code: "InvalidParameterException".into(),
        message,
    })?;
    let id = logs.start_query(query).await?;
    let mut polls = 0;
    let mut last: Option<QueryResults> = None;
    loop {
        if stop() {
            let note = logs
                .stop_query(&id)
                .await
                .err()
                .map(|e| format!("StopQuery failed: {e}"));
            // One more read: the rows as of the stop — or the whole answer, when the query
            // completed before the stop reached it.
            let read = logs.get_query_results(&id).await.ok();
            if let Some(r) = read.as_ref().filter(|r| r.status == QueryStatus::Complete) {
                return Ok((id, QueryEnd::Ended(r.clone())));
            }
            let last = read.or(last);
            return Ok((id, QueryEnd::Stopped { last, note }));
        }
        let answer = match logs.get_query_results(&id).await {
            Ok(a) => a,
            Err(e) => {
                let _ = logs.stop_query(&id).await;
                return Err(e);
            }
        };
        progress(&id, &answer);
        if answer.status.is_final() {
            return Ok((id, QueryEnd::Ended(answer)));
        }
        last = Some(answer);
        clock.pause(poll_interval(polls)).await;
        polls += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> InsightsQuery {
        InsightsQuery {
            groups: vec!["/aws/lambda/api".into()],
            start: Timestamp(0),
            end: Timestamp(3_600_000),
            query: "stats count(*)".into(),
            limit: None,
        }
    }

    #[test]
    fn a_query_is_checked_as_the_service_checks_it() {
        assert!(query().check().is_ok());
        let none = InsightsQuery {
            groups: vec![],
            ..query()
        };
        assert_eq!(
            none.check().unwrap_err(),
            "a query reads 1-50 log groups, got 0"
        );
        let many = InsightsQuery {
            groups: (0..51).map(|i| format!("/g/{i}")).collect(),
            ..query()
        };
        assert!(many.check().unwrap_err().contains("got 51"));
        let backwards = InsightsQuery {
            start: Timestamp(10),
            end: Timestamp(0),
            ..query()
        };
        assert!(backwards.check().unwrap_err().contains("before its start"));
        let blank = InsightsQuery {
            query: "  ".into(),
            ..query()
        };
        assert_eq!(blank.check().unwrap_err(), "the query is empty");
        let over = InsightsQuery {
            limit: Some(10_001),
            ..query()
        };
        assert!(over.check().unwrap_err().contains("1-10000"));
    }

    /// The demo world's prd API group, with its traffic, and a query over its last hour.
    fn world() -> (crate::cloud::sim::SimCloud, InsightsQuery) {
        use crate::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
        let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
        let now = sim.with(|s| s.now());
        let q = InsightsQuery {
            groups: vec!["/aws/lambda/storefront-api-prd".into()],
            start: now - Timestamp::HOUR,
            end: now,
            query: "filter status >= 200 | stats count(*) as n by path".into(),
            limit: None,
        };
        (sim, q)
    }

    #[tokio::test]
    async fn a_query_runs_to_complete_handing_over_each_answer() {
        let (sim, q) = world();
        let clock = crate::cloud::sim::SimClock::driven(sim.clone());
        let mut statuses = Vec::new();
        let mut progress = |_: &str, r: &QueryResults| statuses.push(r.status);
        let cloud = sim.cloud();
        let (_, end) = run_query(cloud.logs.as_ref(), &clock, &q, &mut progress, &|| false)
            .await
            .unwrap();
        let QueryEnd::Ended(r) = end else {
            panic!("{end:?}")
        };
        assert_eq!(r.status, QueryStatus::Complete);
        assert!(!r.rows.is_empty());
        assert_eq!(statuses.first(), Some(&QueryStatus::Scheduled));
        assert_eq!(statuses.last(), Some(&QueryStatus::Complete));
    }

    /// Runs the demo's query, asking to stop once `answers` answers came; the ports, the
    /// query's id and how it ended.
    async fn stopped_after(answers: usize) -> (super::super::Cloud, String, QueryEnd) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (sim, q) = world();
        let clock = crate::cloud::sim::SimClock::driven(sim.clone());
        let seen = AtomicUsize::new(0);
        let mut progress = |_: &str, _: &QueryResults| {
            seen.fetch_add(1, Ordering::SeqCst);
        };
        let cloud = sim.cloud();
        let stop = || seen.load(Ordering::SeqCst) >= answers;
        let (id, end) = run_query(cloud.logs.as_ref(), &clock, &q, &mut progress, &stop)
            .await
            .unwrap();
        (cloud, id, end)
    }

    #[tokio::test]
    async fn a_stop_sends_stop_query_and_keeps_the_rows_found_so_far() {
        // Stop after the first answer (scheduled): a second later it runs.
        let (cloud, id, end) = stopped_after(1).await;
        let QueryEnd::Stopped { last, note } = end else {
            panic!("{end:?}")
        };
        assert_eq!(note, None, "StopQuery succeeded");
        let last = last.expect("the read after the stop");
        assert_eq!(
            last.status,
            QueryStatus::Cancelled,
            "the service stopped it"
        );
        assert!(last.statistics.records_scanned > 0.0, "it had read some");
        let after = cloud.logs.get_query_results(&id).await.unwrap();
        assert_eq!(after, last, "nothing more after the stop");
    }

    #[tokio::test]
    async fn a_stop_that_comes_after_the_query_completed_gives_the_whole_answer() {
        // After the second answer the next read comes 1.5 s later: the query has completed.
        let (_, _, end) = stopped_after(2).await;
        let QueryEnd::Ended(r) = end else {
            panic!("{end:?}")
        };
        assert_eq!(r.status, QueryStatus::Complete);
    }

    #[test]
    fn polls_start_at_a_second_and_slow_to_five() {
        assert_eq!(poll_interval(0), 1_000);
        assert_eq!(poll_interval(2), 2_000);
        assert_eq!(poll_interval(8), 5_000);
        assert_eq!(poll_interval(100), 5_000);
    }

    #[test]
    fn columns_come_in_order_of_first_appearance_without_the_pointer() {
        let r = QueryResults {
            status: QueryStatus::Complete,
            rows: vec![
                vec![
                    ("@timestamp".into(), "t".into()),
                    ("@message".into(), "m".into()),
                    ("@ptr".into(), "p".into()),
                ],
                vec![
                    ("level".into(), "ERROR".into()),
                    ("@timestamp".into(), "t".into()),
                ],
            ],
            statistics: QueryStatistics::default(),
        };
        assert_eq!(r.columns(), ["@timestamp", "@message", "level"]);
    }
}
