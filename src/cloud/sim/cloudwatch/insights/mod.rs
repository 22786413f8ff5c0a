//! The simulator's Logs Insights: `StartQuery` checks the groups and parses the query (a
//! malformed one is refused naming the position), then the query is scheduled, runs for a time
//! that grows with the bytes it scans (rows found so far on each `GetQueryResults`), and
//! completes; `StopQuery` cancels it. At most [`MAX_RUNNING`] run at once, as in an account.

pub(crate) mod eval;
pub(crate) mod parse;

#[cfg(test)]
mod exact_tests;
#[cfg(test)]
mod tests;

use super::super::Simulator;
use crate::cloud::{
    CloudError, CloudResult, InsightsQuery, QueryResults, QueryStatistics, QueryStatus,
};
use crate::domain::{Millis, Timestamp};
use std::collections::BTreeMap;

/// Queries an account runs at once; one more is refused (`LimitExceededException`).
pub(crate) const MAX_RUNNING: usize = 30;
/// How long a query waits before it runs.
const SCHEDULED: Millis = 400;
/// The least time a query runs.
const BASE_RUN: Millis = 1_500;
/// Bytes a query scans a second.
const SCAN_RATE: f64 = 40.0 * 1024.0 * 1024.0;
/// One query started.
#[derive(Debug, Clone)]
pub(crate) struct SimQuery {
    /// The account that started it: its groups are read, and only it sees the query.
    account: String,
    request: InsightsQuery,
    parsed: parse::Query,
    submitted: Timestamp,
    /// When `StopQuery` stopped it.
    stopped: Option<Timestamp>,
    /// Its run time, fixed at its first read (from the bytes it scans).
    run: Option<Millis>,
}

/// The queries started, by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Queries {
    by_id: BTreeMap<String, SimQuery>,
    started: u64,
}

fn rejected(code: &str, message: String) -> CloudError {
    CloudError::Rejected {
        code: code.into(),
        message,
    }
}

impl Simulator {
    /// `StartQuery` by a caller in `account`, over its own groups.
    pub(crate) fn op_start_query(
        &mut self,
        account: &str,
        q: &InsightsQuery,
    ) -> CloudResult<String> {
        q.check()
            .map_err(|m| rejected("InvalidParameterException", m))?;
        for g in &q.groups {
            if !self.logs.has_group(account, g) {
                return Err(CloudError::NotFound {
                    kind: "log group".into(),
                    name: g.clone(),
                });
            }
        }
        let parsed = parse::parse(&q.query).map_err(|m| {
            rejected(
                "MalformedQueryException",
                format!("{} at position {}", m.message, m.at + 1),
            )
        })?;
        let now = self.now;
        let running = (self.logs.queries.by_id.values())
            .filter(|s| s.account == account && !status_at(s, now).is_final())
            .count();
        if running >= MAX_RUNNING {
            return Err(rejected(
                "LimitExceededException",
                format!("Account maximum query concurrency limit of [{MAX_RUNNING}] reached"),
            ));
        }
        let queries = &mut self.logs.queries;
        queries.started += 1;
        let id = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            now.millis() as u32,
            queries.started & 0xffff,
            queries.started & 0xfff,
            (queries.started >> 12) & 0xfff,
            queries.started
        );
        // The service takes whole seconds.
        let request = InsightsQuery {
            start: Timestamp(q.start.millis().div_euclid(1000) * 1000),
            end: Timestamp(q.end.millis().div_euclid(1000) * 1000 + 999),
            ..q.clone()
        };
        queries.by_id.insert(
            id.clone(),
            SimQuery {
                account: account.to_string(),
                request,
                parsed,
                submitted: now,
                stopped: None,
                run: None,
            },
        );
        Ok(id)
    }

    /// `GetQueryResults` by a caller in `account`: what its query found by now.
    pub(crate) fn op_get_query_results(
        &mut self,
        account: &str,
        id: &str,
    ) -> CloudResult<QueryResults> {
        let now = self.now;
        let found = self.logs.queries.by_id.get(id);
        let Some(q) = found.filter(|q| q.account == account).cloned() else {
            return Err(CloudError::NotFound {
                kind: "query".into(),
                name: id.to_string(),
            });
        };
        let mut rows: Vec<eval::Row> = Vec::new();
        let mut bytes = 0usize;
        for g in &q.request.groups {
            let name = crate::cloud::group_name(g);
            let group = (q.account.as_str(), name);
            for e in (self.logs).events_in(group, (q.request.start, q.request.end), q.submitted) {
                bytes += e.message.len();
                rows.push(eval::discover(e, &q.account, rows.len()));
            }
        }
        let run = q
            .run
            .unwrap_or(BASE_RUN + (bytes as f64 / SCAN_RATE * 1000.0) as Millis);
        if let Some(s) = self.logs.queries.by_id.get_mut(id) {
            s.run = Some(run);
        }
        let q = SimQuery {
            run: Some(run),
            ..q
        };
        let status = status_at(&q, now);
        // How far the scan got: all of it once complete, else the share of its run time.
        let until = q.stopped.map_or(now, |s| s.min(now));
        let began = q.submitted + SCHEDULED;
        let share = match status {
            QueryStatus::Complete => 1.0,
            QueryStatus::Scheduled => 0.0,
            _ => (until.since(began) as f64 / run as f64).clamp(0.0, 1.0),
        };
        // Newest first, as the service returns events when no `sort` says otherwise.
        rows.sort_by(|a, b| b.get("@timestamp").cmp(&a.get("@timestamp")));
        let scanned = ((rows.len() as f64) * share).round() as usize;
        rows.truncate(scanned);
        let scanned_bytes = bytes as f64 * share;
        let limit = q
            .request
            .limit
            .unwrap_or(crate::cloud::insights::MAX_QUERY_ROWS);
        let mut out = eval::run(&q.parsed, rows, limit);
        if status == QueryStatus::Scheduled {
            // Nothing read yet: no rows (not a `stats` row counting nothing).
            out.rows.clear();
        }
        Ok(QueryResults {
            status,
            rows: out.rows,
            statistics: QueryStatistics {
                records_matched: out.matched as f64,
                records_scanned: scanned as f64,
                bytes_scanned: scanned_bytes.round(),
            },
        })
    }

    /// `StopQuery` by a caller in `account`: a query that has ended is refused.
    pub(crate) fn op_stop_query(&mut self, account: &str, id: &str) -> CloudResult<()> {
        let now = self.now;
        let found = self.logs.queries.by_id.get_mut(id);
        let Some(q) = found.filter(|q| q.account == account) else {
            return Err(CloudError::NotFound {
                kind: "query".into(),
                name: id.to_string(),
            });
        };
        if status_at(q, now).is_final() {
            return Err(rejected(
                "InvalidParameterException",
                format!("Query {id} is not running"),
            ));
        }
        q.stopped = Some(now);
        Ok(())
    }
}

/// Where query `q` is at `now`.
fn status_at(q: &SimQuery, now: Timestamp) -> QueryStatus {
    if let Some(s) = q.stopped
        && s <= now
    {
        return QueryStatus::Cancelled;
    }
    let began = q.submitted + SCHEDULED;
    if now < began {
        return QueryStatus::Scheduled;
    }
    let run = q.run.unwrap_or(BASE_RUN);
    if run > crate::cloud::insights::QUERY_TIMEOUT {
        if now.since(began) >= crate::cloud::insights::QUERY_TIMEOUT {
            return QueryStatus::Timeout;
        }
        return QueryStatus::Running;
    }
    if now.since(began) >= run {
        QueryStatus::Complete
    } else {
        QueryStatus::Running
    }
}
