//! `shipdeck logs group ENV NAME`: a CloudWatch log group's events through `FilterLogEvents`,
//! paged and de-duplicated by event id; `--follow` then streams new events with `StartLiveTail`,
//! or, where live tails are unavailable, polls every 5 seconds like `aws logs tail`.

use super::args::{Global, GroupArgs, GroupOutput};
use super::logs::Since;
use super::logs_cloud::find_env;
use super::logs_sink::Sink;
use super::{Failure, connect};
use crate::cloud::{Cloud, CloudError, LiveTailRequest, LogQuery, live_tail_unavailable};
use crate::domain::{LogEvent, Timestamp};
use crate::runtime::{Clock, SimClock, WallClock};
use futures::StreamExt;
use std::collections::{BTreeMap, HashSet};
use std::process::ExitCode;
use std::time::Duration;

/// Wall time between polls with `--follow`.
const POLL: Duration = Duration::from_secs(5);
/// Wall time between clock reads while a live tail waits (moves a simulated world on).
const TICK: Duration = Duration::from_secs(1);

/// How a live tail ended.
enum TailEnd {
    /// The output was closed (e.g. `| head`).
    Closed,
    /// Live tails are not available here: poll instead.
    Unavailable,
}

/// Follows `group` with `StartLiveTail` sessions (a new one when one times out after 3 hours).
async fn live(
    cloud: &Cloud,
    clock: &dyn Clock,
    req: &LiveTailRequest,
    sink: &mut Sink,
    output: GroupOutput,
) -> Result<TailEnd, Failure> {
    let group = req.groups.join(", ");
    loop {
        let mut stream = match cloud.logs.start_live_tail(req).await {
            Ok(s) => s,
            Err(e) if live_tail_unavailable(&e) => {
                eprintln!("shipdeck: live tail unavailable ({e}); polling every 5s instead");
                return Ok(TailEnd::Unavailable);
            }
            Err(e) => return Err(Failure::new(format!("cannot follow {group}: {e}"))),
        };
        let mut tick = tokio::time::interval(TICK);
        loop {
            let next = tokio::select! {
                next = stream.next() => next,
                _ = tick.tick() => {
                    clock.now();
                    continue;
                }
            };
            match next {
                Some(Ok(batch)) => {
                    if batch.sampled {
                        eprintln!("shipdeck: more than 500 events in a second; showing a sample");
                    }
                    if let Some(note) = left_out_note(&group, &batch.other_groups) {
                        eprintln!("shipdeck: {note}");
                    }
                    // Updates are in ingestion order; a reader wants each one in event order.
                    let mut events = batch.events;
                    events.sort_by_key(|e| e.timestamp);
                    for e in &events {
                        write_event(sink, e, output);
                    }
                    sink.flush();
                    if sink.closed {
                        return Ok(TailEnd::Closed);
                    }
                }
                Some(Err(e)) if live_tail_unavailable(&e) => {
                    eprintln!(
                        "shipdeck: live tail of {group} broke ({e}); polling every 5s instead"
                    );
                    return Ok(TailEnd::Unavailable);
                }
                Some(Err(e)) => {
                    eprintln!("shipdeck: live tail of {group} ended ({e}); starting a new one");
                    break;
                }
                None => {
                    // Sessions end with an error (a timeout after 3 hours); a clean end is an
                    // endpoint that serves one-shot sessions (an emulator): poll instead.
                    eprintln!("shipdeck: live tail of {group} ended; polling every 5s instead");
                    return Ok(TailEnd::Unavailable);
                }
            }
        }
    }
}

/// The environment's log group named `name`: an exact name, or the only one containing it.
fn pick_group(groups: &[String], name: &str) -> Result<String, Failure> {
    if groups.iter().any(|g| g == name) || name.starts_with('/') {
        return Ok(name.to_string());
    }
    let hits: Vec<&String> = groups.iter().filter(|g| g.contains(name)).collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::new(format!(
            "no log group of this environment matches `{name}`; it has {}",
            groups.join(", ")
        ))),
        _ => Err(Failure::new(format!(
            "`{name}` matches several log groups: {}",
            hits.iter()
                .map(|g| g.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// What to say about events a live tail sent for groups it was not asked for (left out).
fn left_out_note(asked: &str, other: &BTreeMap<String, usize>) -> Option<String> {
    if other.is_empty() {
        return None;
    }
    let n: usize = other.values().sum();
    let groups: Vec<String> = other.iter().map(|(g, k)| format!("{g} ({k})")).collect();
    Some(format!(
        "left out {n} event{} the live tail of {asked} sent for another log group: {}",
        if n == 1 { "" } else { "s" },
        groups.join(", ")
    ))
}

fn write_event(sink: &mut Sink, e: &LogEvent, output: GroupOutput) {
    let line = match output {
        GroupOutput::Jsonl => serde_json::json!({
            "timestamp": e.timestamp.rfc3339_millis(),
            "ingestion_time": e.ingestion_time.rfc3339_millis(),
            "group": e.group,
            "stream": e.stream,
            "event_id": e.event_id,
            "message": e.message,
        })
        .to_string(),
        GroupOutput::Tsv => format!(
            "{}\t{}\t{}",
            e.timestamp.rfc3339_millis(),
            e.stream,
            e.message
                .trim_end()
                .replace('\t', "\\t")
                .replace('\n', "\\n")
        ),
        GroupOutput::Pretty => format!("{} {} {}", e.timestamp, e.stream, e.message.trim_end()),
    };
    sink.text(&line);
}

/// Whether CloudWatch refused the filter pattern (retrying cannot help).
fn pattern_refused(e: &CloudError) -> bool {
    matches!(e, CloudError::Rejected { code, message }
        if code == "InvalidParameterException" && message.contains("filter pattern"))
}

/// Prints the group's events since `--since` (default 10m), then follows with `--follow`.
pub(super) async fn run(global: &Global, args: GroupArgs) -> Result<ExitCode, Failure> {
    let backend = connect(global).map_err(Failure::new)?;
    let spec = find_env(&backend.config.environments, &args.env)?;
    let group = pick_group(&spec.log_groups, &args.name)?;
    let clock: Box<dyn Clock> = match &backend.sim {
        Some(sim) => Box::new(SimClock::running(sim.clone(), global.speed)),
        None => Box::new(WallClock),
    };
    let mut start = args
        .since
        .unwrap_or(Since::Ago(10 * Timestamp::MINUTE))
        .at(backend.now);
    let mut seen: HashSet<String> = HashSet::new();
    let mut polling = false;
    let mut sink = Sink::new(args.output.into());
    if args.output == GroupOutput::Tsv {
        sink.text("timestamp\tstream\tmessage");
    }
    loop {
        let mut query = LogQuery {
            group: group.clone(),
            streams: Vec::new(),
            start: Some(start),
            end: Some(clock.now()),
            pattern: args.filter.clone(),
            next_token: None,
            limit: None,
        };
        let mut newest = start;
        let mut fresh: HashSet<String> = HashSet::new();
        loop {
            let page = match backend.cloud.logs.filter_log_events(&query).await {
                Ok(page) => page,
                Err(e) if args.filter.is_some() && pattern_refused(&e) => {
                    return Err(Failure {
                        message: format!("--filter: {e}"),
                        code: 2,
                    });
                }
                Err(e) if args.follow => {
                    eprintln!("shipdeck: cannot read {group}: {e}; retrying");
                    break;
                }
                Err(e) => return Err(Failure::new(format!("cannot read {group}: {e}"))),
            };
            for e in &page.events {
                if seen.contains(&e.event_id) {
                    continue;
                }
                newest = newest.max(e.timestamp);
                fresh.insert(e.event_id.clone());
                write_event(&mut sink, e, args.output);
            }
            query.next_token = page.next_token;
            if query.next_token.is_none() || sink.closed {
                break;
            }
        }
        sink.flush();
        if !args.follow || sink.closed {
            break;
        }
        if !polling {
            let req = LiveTailRequest {
                groups: vec![group.clone()],
                streams: Vec::new(),
                pattern: args.filter.clone(),
            };
            match live(&backend.cloud, clock.as_ref(), &req, &mut sink, args.output).await? {
                TailEnd::Closed => break,
                TailEnd::Unavailable => polling = true,
            }
        }
        // The next query starts at the newest event seen (inclusive): events sharing that
        // millisecond are caught again and dropped by id; older ids can be forgotten.
        if newest > start {
            seen.clear();
            start = newest;
        }
        seen.extend(fresh);
        tokio::time::sleep(POLL).await;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_match_exactly_or_by_a_unique_part() {
        let groups = vec![
            "/aws/lambda/storefront-api-prd".to_string(),
            "/aws/codebuild/storefront-deploy-prd".to_string(),
        ];
        assert_eq!(pick_group(&groups, "api").ok(), Some(groups[0].clone()));
        assert_eq!(pick_group(&groups, "deploy").ok(), Some(groups[1].clone()));
        assert!(pick_group(&groups, "storefront").is_err());
        assert!(pick_group(&groups, "nope").is_err());
        assert_eq!(pick_group(&groups, "/other").ok(), Some("/other".into()));
    }

    #[test]
    fn events_of_other_groups_are_reported_not_printed_as_this_groups() {
        let mut other = BTreeMap::new();
        assert_eq!(left_out_note("/aws/lambda/api", &other), None);
        other.insert("/aws/codebuild/deploy".to_string(), 3);
        other.insert("/aws/lambda/x".to_string(), 1);
        assert_eq!(
            left_out_note("/aws/lambda/api", &other).as_deref(),
            Some(
                "left out 4 events the live tail of /aws/lambda/api sent for another log group: \
                 /aws/codebuild/deploy (3), /aws/lambda/x (1)"
            )
        );
    }
}
