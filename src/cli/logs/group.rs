//! `shipdeck logs group ENV NAME`: a CloudWatch log group's events through `FilterLogEvents`,
//! every page followed; `--follow` then streams new events with `StartLiveTail` (saying when an
//! update carried only a sample, and starting a new session when updates stop coming), or, where
//! live tails are unavailable, polls every 5 seconds like `aws logs tail`, each poll re-reading
//! two minutes before the newest event (events ingested late), de-duplicated by event id.

use super::cloudfront::find_env;
use super::sink::Sink;
use crate::app::GroupPoll;
use crate::cli::args::Since;
use crate::cli::args::{Global, GroupArgs, GroupOutput};
use crate::cli::io::stderr::errln;
use crate::cli::{Failure, connect};
use crate::cloud::{
    Cloud, CloudError, LiveTailRequest, LogQuery, MAX_TAIL_EVENTS, filter_pages,
    live_tail_unavailable,
};
use crate::domain::{LogEvent, Millis, Timestamp};
use crate::runtime::{Clock, SimClock, WallClock};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

/// Wall time between polls with `--follow`.
const POLL: Duration = Duration::from_secs(5);
/// Wall time between clock reads while a live tail waits (moves a simulated world on).
const TICK: Duration = Duration::from_secs(1);
/// A live tail sends an update every second, empty when nothing arrived: this long (on the
/// clock, simulated in the demo) without one, the session is taken as stalled and replaced.
const STALL: Millis = 15 * Timestamp::SECOND;

/// How a live tail ended.
enum TailEnd {
    /// The output was closed (e.g. `| head`).
    Closed,
    /// Live tails are not available here: poll instead, after the newest event shown (if any).
    Unavailable(Option<Timestamp>),
}

/// What `--follow` says of live-tail updates that carried a sample (more than 500 events matched
/// in their second): once when sampling starts, and when it ends, with how many updates left
/// events out and around which times, to read them in full with `FilterLogEvents`.
#[derive(Debug, Default)]
struct Sampling {
    /// Sampled updates in a row so far, and the event times their samples span.
    run: Option<(usize, Timestamp, Timestamp)>,
}

impl Sampling {
    /// The note to print for an update, if any.
    fn update(&mut self, sampled: bool, events: &[LogEvent]) -> Option<String> {
        let span = events.iter().map(|e| e.timestamp);
        let (lo, hi) = (span.clone().min(), span.max());
        match (sampled, self.run) {
            (true, None) => {
                let at = lo.unwrap_or(Timestamp(0));
                self.run = Some((1, at, hi.unwrap_or(at)));
                Some(format!(
                    "more than {MAX_TAIL_EVENTS} events a second match: the live tail shows a sample \
                     of {MAX_TAIL_EVENTS} a second and leaves the others out (from {})",
                    at.rfc3339()
                ))
            }
            (true, Some((n, from, to))) => {
                let to = hi.map_or(to, |h| h.max(to));
                self.run = Some((n + 1, from.min(lo.unwrap_or(from)), to));
                None
            }
            (false, Some((n, from, to))) => {
                self.run = None;
                Some(format!(
                    "back to every event; {n} update{} of the live tail left events out, between \
                     {} and {}: `--since` without `--follow` reads them all",
                    if n == 1 { "" } else { "s" },
                    from.rfc3339(),
                    to.rfc3339()
                ))
            }
            (false, None) => None,
        }
    }
}

/// Whether a live-tail session that last sent an update at `last` has stalled by `now` (updates
/// come every second, empty ones too).
fn stalled(last: Timestamp, now: Timestamp) -> bool {
    now.since(last) > STALL
}

/// Follows `group` with `StartLiveTail` sessions (a new one when one times out after 3 hours,
/// or stops sending updates).
async fn live(
    cloud: &Cloud,
    clock: &dyn Clock,
    req: &LiveTailRequest,
    sink: &mut Sink,
    output: GroupOutput,
) -> Result<TailEnd, Failure> {
    let group = req.groups.join(", ");
    let mut newest: Option<Timestamp> = None;
    let mut sampling = Sampling::default();
    loop {
        let mut stream = match cloud.logs.start_live_tail(req).await {
            Ok(s) => s,
            Err(e) if live_tail_unavailable(&e) => {
                errln!("shipdeck: live tail unavailable ({e}); polling every 5s instead");
                return Ok(TailEnd::Unavailable(newest));
            }
            Err(e) => return Err(Failure::new(format!("cannot follow {group}: {e}"))),
        };
        let mut tick = tokio::time::interval(TICK);
        // When the last update came, and the clock at the previous tick: updates due by then
        // have had a tick's time to arrive (reading a simulated clock moves its world on, and
        // queues that time's updates only then).
        let mut last = clock.now();
        let mut ticked = last;
        loop {
            let next = tokio::select! {
                next = stream.next() => next,
                _ = tick.tick() => {
                    if stalled(last, ticked) {
                        errln!(
                            "shipdeck: live tail of {group}: no update for {}s (one comes every \
                             second); starting a new session",
                            ticked.since(last) / 1000
                        );
                        break;
                    }
                    ticked = clock.now();
                    continue;
                }
            };
            match next {
                Some(Ok(batch)) => {
                    last = clock.now();
                    if let Some(note) = sampling.update(batch.sampled, &batch.events) {
                        errln!("shipdeck: live tail of {group}: {note}");
                    }
                    if let Some(t) = batch.events.iter().map(|e| e.timestamp).max() {
                        newest = Some(newest.map_or(t, |n| n.max(t)));
                    }
                    if let Some(note) = left_out_note(&group, &batch.other_groups) {
                        errln!("shipdeck: {note}");
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
                    errln!("shipdeck: live tail of {group} broke ({e}); polling every 5s instead");
                    return Ok(TailEnd::Unavailable(newest));
                }
                Some(Err(e)) => {
                    errln!("shipdeck: live tail of {group} ended ({e}); starting a new one");
                    break;
                }
                None => {
                    // Sessions end with an error (a timeout after 3 hours); a clean end is an
                    // endpoint that serves one-shot sessions (an emulator): poll instead.
                    errln!("shipdeck: live tail of {group} ended; polling every 5s instead");
                    return Ok(TailEnd::Unavailable(newest));
                }
            }
        }
    }
}

/// The environment's log group named `name`: an exact name, or the only one containing it; a
/// name that matches none or several is a bad value (exit 2).
pub(super) fn pick_group(groups: &[String], name: &str) -> Result<String, Failure> {
    if groups.iter().any(|g| g == name) || name.starts_with('/') {
        return Ok(name.to_string());
    }
    let hits: Vec<&String> = groups.iter().filter(|g| g.contains(name)).collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::usage(format!(
            "no log group of this environment matches `{name}`; it has {}",
            groups.join(", ")
        ))),
        _ => Err(Failure::usage(format!(
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

/// Prints the group's events since `--since` (default 10m) and before `--until` (default
/// now), then follows with `--follow`.
pub(super) async fn run(global: &Global, args: GroupArgs) -> Result<ExitCode, Failure> {
    let backend = connect(global).map_err(Failure::new)?;
    let spec = find_env(&backend.config.environments, &args.env)?;
    let group = pick_group(&spec.log_groups, &args.name)?;
    let clock: Box<dyn Clock> = match &backend.sim {
        Some(sim) => Box::new(SimClock::running(sim.clone(), global.speed)),
        None => Box::new(WallClock),
    };
    let first = args
        .since
        .unwrap_or(Since::Ago(10 * Timestamp::MINUTE))
        .at(backend.now);
    // `FilterLogEvents`' end time is inclusive: the last millisecond before `--until`.
    let last = super::until_after(Some(first), args.until, backend.now)?.map(|u| u - 1);
    // Each poll reads from two minutes before the newest event read (events ingested late);
    // the window gives each event once.
    let mut poll = GroupPoll::default();
    let mut polling = false;
    let mut sink = Sink::new(args.output.into());
    if args.output == GroupOutput::Tsv {
        sink.text("timestamp\tstream\tmessage");
    }
    loop {
        let query = LogQuery {
            group: group.clone(),
            streams: Vec::new(),
            start: Some(poll.since(first)),
            end: Some(last.unwrap_or_else(|| clock.now())),
            pattern: args.filter.clone(),
            next_token: None,
            limit: None,
        };
        let read = filter_pages(
            backend.clouds.named(&spec.name).logs.as_ref(),
            &query,
            usize::MAX,
            |events| {
                for e in &poll.fresh(events, first) {
                    write_event(&mut sink, e, args.output);
                }
                !sink.closed
            },
        )
        .await;
        match read {
            Ok(_) => {}
            Err(e) if args.filter.is_some() && pattern_refused(&e) => {
                return Err(Failure {
                    message: format!("--filter: {e}"),
                    code: 2,
                });
            }
            Err(e) if args.follow => errln!("shipdeck: cannot read {group}: {e}; retrying"),
            Err(e) => return Err(Failure::new(format!("cannot read {group}: {e}"))),
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
            match live(
                backend.clouds.named(&spec.name),
                clock.as_ref(),
                &req,
                &mut sink,
                args.output,
            )
            .await?
            {
                TailEnd::Closed => break,
                TailEnd::Unavailable(shown) => {
                    polling = true;
                    // Its events have no ids to tell them apart from the polls': polling
                    // starts after the newest one the live tail showed.
                    if let Some(at) = shown {
                        poll.start_after(at);
                    }
                }
            }
        }
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

    fn at(ms: i64) -> LogEvent {
        LogEvent {
            group: "/aws/lambda/api".into(),
            event_id: String::new(),
            stream: "s".into(),
            timestamp: Timestamp(1_795_597_200_000 + ms),
            ingestion_time: Timestamp(1_795_597_200_000 + ms),
            message: "m".into(),
        }
    }

    #[test]
    fn sampled_updates_are_said_when_sampling_starts_and_ends_with_what_was_left_out() {
        let mut s = Sampling::default();
        assert_eq!(s.update(false, &[at(0)]), None);
        assert_eq!(s.update(false, &[]), None, "an empty update says nothing");
        let start = s.update(true, &[at(1_000), at(1_900)]).unwrap();
        assert_eq!(
            start,
            "more than 500 events a second match: the live tail shows a sample of 500 a second \
             and leaves the others out (from 2026-11-25T09:00:01Z)"
        );
        assert_eq!(s.update(true, &[at(2_000), at(2_800)]), None, "said once");
        let end = s.update(false, &[]).unwrap();
        assert_eq!(
            end,
            "back to every event; 2 updates of the live tail left events out, between \
             2026-11-25T09:00:01Z and 2026-11-25T09:00:02Z: `--since` without `--follow` reads \
             them all"
        );
        assert_eq!(s.update(false, &[]), None);
    }

    #[test]
    fn a_session_without_an_update_for_fifteen_seconds_has_stalled() {
        let t = Timestamp(1_795_597_200_000);
        assert!(!stalled(t, t + 1_000), "updates come every second");
        assert!(!stalled(t, t + STALL));
        assert!(stalled(t, t + STALL + 1));
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
