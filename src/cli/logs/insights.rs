//! `shipdeck insights ENV [GROUP] QUERY`: a CloudWatch Logs Insights query over the
//! environment's log groups (one named, or all of them), run to its end by the shared loop
//! ([`crate::cloud::insights::run_query`]): its progress on stderr while it runs (when stderr is
//! a terminal), then the rows as a table, JSON, JSON lines or TSV, and what it scanned. Ctrl-C
//! stops the query (`StopQuery`) and prints the rows found so far.

use super::cloudfront::find_env;
use super::group::pick_group;
use crate::cli::args::Since;
use crate::cli::args::{Global, InsightsArgs, InsightsOutput};
use crate::cli::io::stderr::{errln, errw};
use crate::cli::{Failure, connect};
use crate::cloud::insights::run_query;
use crate::cloud::{CloudError, InsightsQuery, QueryEnd, QueryResults, QueryStatus};
use crate::domain::Timestamp;
use crate::runtime::{Clock, SimClock, WallClock};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit code after Ctrl-C stopped the query (128 + SIGINT, as shells report it).
const STOPPED: u8 = 130;

/// Runs the query and prints its rows; the exit code says how it ended.
pub(in crate::cli) async fn run(global: &Global, args: InsightsArgs) -> ExitCode {
    match query(global, &args).await {
        Ok(code) => code,
        Err(f) => {
            errln!("shipdeck: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

async fn query(global: &Global, args: &InsightsArgs) -> Result<ExitCode, Failure> {
    let backend = connect(global).map_err(Failure::new)?;
    let spec = find_env(&backend.config.environments, &args.env)?;
    let (group, text) = args.group_and_query();
    let groups = match group {
        Some(name) => vec![pick_group(&spec.log_groups, name)?],
        None if spec.log_groups.is_empty() => {
            return Err(Failure::new(format!(
                "environment {} has no log groups (`log_groups` in its configuration); name one: \
                 shipdeck insights {} GROUP QUERY",
                spec.name, spec.name
            )));
        }
        None => spec.log_groups.clone(),
    };
    let now = backend.now;
    let start = args.since.unwrap_or(Since::Ago(Timestamp::HOUR)).at(now);
    let end = args.until.map_or(now, |u| u.at(now));
    crate::query::Range::new(start, end).map_err(|e| Failure::usage(e.to_string()))?;
    let request = InsightsQuery {
        groups,
        start,
        end,
        query: text.to_string(),
        limit: args.limit,
    };
    request.check().map_err(|m| Failure {
        message: m,
        code: 2,
    })?;
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
    let live = std::io::stderr().is_terminal();
    let mut progress = |_id: &str, r: &QueryResults| {
        if live {
            errw!("\r\x1b[K{}", progress_line(r));
        }
    };
    let ran = run_query(
        backend.clouds.named(&spec.name).logs.as_ref(),
        clock.as_ref(),
        &request,
        &mut progress,
        &|| stop.load(Ordering::SeqCst),
    )
    .await;
    signal.abort();
    if live {
        errw!("\r\x1b[K");
    }
    let (id, end) = ran.map_err(|e| refused(&e))?;
    let (results, code, note) = match end {
        QueryEnd::Ended(r) => {
            let (code, note) = match r.status {
                QueryStatus::Complete => (0, None),
                s => (1, Some(format!("the query ended {}", s.name()))),
            };
            (r, code, note)
        }
        QueryEnd::Stopped { last, note } => {
            let said = match note {
                Some(n) => format!("stopped; {n}"),
                None => "stopped (StopQuery sent): the rows found so far".to_string(),
            };
            let r = last.unwrap_or(QueryResults {
                status: QueryStatus::Cancelled,
                rows: Vec::new(),
                statistics: Default::default(),
            });
            (r, STOPPED, Some(said))
        }
    };
    print(&id, &request, &results, args.output);
    if let Some(note) = note {
        errln!("shipdeck: query {id}: {note}");
    }
    Ok(ExitCode::from(code))
}

/// A refused start or read: a malformed query or a bad parameter is the caller's (exit 2).
fn refused(e: &CloudError) -> Failure {
    match e {
        CloudError::Rejected { code, message }
            if code == "MalformedQueryException" || code == "InvalidParameterException" =>
        {
            Failure {
                message: format!("the query was refused: {message}"),
                code: 2,
            }
        }
        e => Failure::new(format!("Logs Insights: {e}")),
    }
}

/// `1.2 MB`: bytes in decimal megabytes, as the service's console shows them.
fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

/// `Running · 120 rows · 4,211 of 50,022 records · 12.4 MB scanned`.
fn progress_line(r: &QueryResults) -> String {
    let s = &r.statistics;
    format!(
        "{} · {} rows · {} of {} records · {} scanned",
        r.status.name(),
        r.rows.len(),
        s.records_matched as u64,
        s.records_scanned as u64,
        megabytes(s.bytes_scanned)
    )
}

fn print(id: &str, request: &InsightsQuery, r: &QueryResults, output: InsightsOutput) {
    let columns = r.columns();
    let value_of = |row: &[(String, String)], c: &str| -> String {
        row.iter()
            .find(|(f, _)| f == c)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    match output {
        InsightsOutput::Json => {
            let rows: Vec<serde_json::Value> = r
                .rows
                .iter()
                .map(|row| {
                    serde_json::Value::Object(
                        row.iter()
                            .filter(|(f, _)| f != "@ptr")
                            .map(|(f, v)| (f.clone(), serde_json::Value::String(v.clone())))
                            .collect(),
                    )
                })
                .collect();
            let value = serde_json::json!({
                "query_id": id,
                "groups": request.groups,
                "query": request.query,
                "start": request.start.rfc3339(),
                "end": request.end.rfc3339(),
                "status": r.status,
                "statistics": r.statistics,
                "columns": columns,
                "rows": rows,
            });
            crate::cli::io::stdout::line(&value.to_string());
        }
        InsightsOutput::Jsonl => {
            for row in &r.rows {
                let obj: serde_json::Map<String, serde_json::Value> = row
                    .iter()
                    .filter(|(f, _)| f != "@ptr")
                    .map(|(f, v)| (f.clone(), serde_json::Value::String(v.clone())))
                    .collect();
                crate::cli::io::stdout::line(&serde_json::Value::Object(obj).to_string());
            }
            errln!("shipdeck: {}", progress_line(r));
        }
        InsightsOutput::Tsv => {
            crate::cli::io::stdout::line(&columns.join("\t"));
            for row in &r.rows {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| {
                        value_of(row, c)
                            .trim_end()
                            .replace('\t', "\\t")
                            .replace('\n', "\\n")
                    })
                    .collect();
                crate::cli::io::stdout::line(&cells.join("\t"));
            }
            errln!("shipdeck: {}", progress_line(r));
        }
        InsightsOutput::Pretty => {
            for line in table(&columns, r) {
                crate::cli::io::stdout::line(&line);
            }
            crate::cli::io::stdout::line(&progress_line(r));
        }
    }
}

/// The rows as a table: every column padded to its widest cell (at most 40 characters, the
/// last one whole), one line per row, messages on one line.
fn table(columns: &[String], r: &QueryResults) -> Vec<String> {
    let cell = QueryResults::cell;
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| {
            r.rows
                .iter()
                .map(|row| cell(row, c).chars().count())
                .chain([c.chars().count()])
                .max()
                .unwrap_or(0)
                .min(40)
        })
        .collect();
    let line = |cells: Vec<String>| -> String {
        let last = cells.len().saturating_sub(1);
        cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    c
                } else {
                    let cut: String = c.chars().take(widths[i]).collect();
                    format!("{cut:<w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = vec![line(columns.to_vec())];
    for row in &r.rows {
        out.push(line(columns.iter().map(|c| cell(row, c)).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::QueryStatistics;

    fn results() -> QueryResults {
        QueryResults {
            status: QueryStatus::Complete,
            rows: vec![
                vec![
                    ("path".into(), "/cart".into()),
                    ("count(*)".into(), "3".into()),
                ],
                vec![
                    ("path".into(), "/products".into()),
                    ("count(*)".into(), "12".into()),
                    ("@ptr".into(), "p".into()),
                ],
            ],
            statistics: QueryStatistics {
                records_matched: 15.0,
                records_scanned: 40.0,
                bytes_scanned: 1_234_567.0,
            },
        }
    }

    #[test]
    fn a_table_pads_each_column_to_its_widest_cell_without_the_pointer() {
        let r = results();
        assert_eq!(
            table(&r.columns(), &r),
            ["path       count(*)", "/cart      3", "/products  12"]
        );
    }

    #[test]
    fn progress_says_status_rows_records_and_megabytes() {
        assert_eq!(
            progress_line(&results()),
            "Complete · 2 rows · 15 of 40 records · 1.2 MB scanned"
        );
    }

    #[test]
    fn a_malformed_query_is_the_callers_error() {
        let f = refused(&CloudError::Rejected {
            code: "MalformedQueryException".into(),
            message: "unknown command `frobnicate` at position 12".into(),
        });
        assert_eq!(f.code, 2);
        assert!(f.message.contains("frobnicate"), "{}", f.message);
    }
}
