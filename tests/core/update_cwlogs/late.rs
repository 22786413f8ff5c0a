//! Events CloudWatch ingests late, and reads longer than a page: each poll re-reads an overlap
//! before the newest event, a late event sorts in by its time while the rows shown stay on the
//! events being read, partial and empty pages are followed to the end, and a read past what the
//! view holds goes on from its token at the next poll, the memory bounded.

use super::*;
use shipdeck::app::{LOG_SEEN_CAP, LOG_TAIL_CAP};
use shipdeck::cloud::sim::LogTiming;

/// The event at the bottom of the rows shown.
fn bottom(s: &State) -> String {
    let rows = s.visible_log_rows();
    let row = rows.len() - 1 - s.logs.scroll;
    s.logs.events[rows[row]].event_id.clone()
}

#[test]
fn a_late_event_sorts_in_by_its_time_and_the_rows_shown_stay_on_their_events() {
    let mut s = logs_view(50);
    // A search match marks e43 (an ERROR line) at the bottom of the rows shown, paused.
    prompt(&mut s, Action::SearchOpen, "timeout");
    let rows = s.visible_log_rows();
    let marked = |s: &State| {
        s.logs.events[s.visible_log_rows()[s.logs.mark.unwrap()]]
            .event_id
            .clone()
    };
    assert_eq!(marked(&s), "e43");
    assert_eq!(bottom(&s), "e43");
    assert_eq!(rows.len(), 50);
    let newest = s.logs.events.last().unwrap().timestamp;
    let next = s.logs.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let Some(Effect::FetchLogs { reads, .. }) = fetch(&fx) else {
        panic!("{fx:?}")
    };
    assert_eq!(
        from(&reads),
        vec![(API.to_string(), newest - LOG_OVERLAP)],
        "the poll re-reads two minutes before the newest event"
    );
    // The overlap brings e45–e49 again, an event ingested late with an older time (between
    // e40 and e41, above the row being read) and a new one.
    let e40 = s.logs.events[40].timestamp;
    let mut again: Vec<LogEvent> = s.logs.events[45..].to_vec();
    again.push(event("late", e40 + 500, "GET /api/late 200"));
    again.push(event("new", T0, "GET /api/new 200"));
    land(&mut s, &fx, again);
    let ids: Vec<&str> = s.logs.events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids.len(), 52, "e45–e49 once each");
    assert_eq!(
        &ids[40..43],
        ["e40", "late", "e41"],
        "sorted in by its time"
    );
    assert_eq!(ids.last(), Some(&"new"));
    assert_eq!(marked(&s), "e43", "the mark stays on its event");
    assert_eq!(bottom(&s), "e43", "so does the bottom row shown");
    assert!(s.logs.paused);
    // Following again shows the newest at the bottom.
    update(&mut s, Action::ToggleFollow);
    assert_eq!(bottom(&s), "new");
}

/// The dev environment's Logs view reading only `group`, against the simulator, and a function
/// that runs its due reads through the runtime.
fn sim_view(seed: u64, group: &str) -> (support::sim::Rig, State) {
    let rig = support::sim::Rig::new(seed);
    let mut s = state();
    s.envs[0].spec.log_groups = vec![group.to_string()];
    let now = rig.now();
    update(&mut s, Action::Tick(now));
    (rig, s)
}

/// Runs the reads `fx` asks for through the runtime and lands their answers.
async fn run_reads(rig: &support::sim::Rig, s: &mut State, fx: Vec<Effect>) {
    let cloud = rig.sim.cloud();
    for effect in fx {
        if matches!(effect, Effect::FetchLogs { .. })
            && let Some(answer) = shipdeck::runtime::run_effect(&cloud, effect).await
        {
            update(s, answer);
        }
    }
}

/// Moves the simulator on by `ms` and lets the view poll.
async fn poll_after(rig: &support::sim::Rig, s: &mut State, ms: i64) {
    let now = rig.sim.with(|w| {
        w.advance(ms);
        w.now()
    });
    let fx = update(s, Action::Tick(now));
    run_reads(rig, s, fx).await;
}

#[tokio::test]
async fn an_event_ingested_late_is_shown_by_a_later_poll() {
    const GROUP: &str = "/aws/lambda/late-ingestion";
    let (rig, mut s) = sim_view(5, GROUP);
    let t = rig.now();
    rig.sim.with(|w| {
        w.put_log_events(GROUP, "s1", t - 60_000, 3);
        // Written at t-30s, ingested only 42 s later.
        w.ingest_log_event(GROUP, "s2", t - 30_000, t + 12_000, "late line");
        w.advance(5_000);
    });
    let fx = update(&mut s, Action::Show(View::Logs));
    run_reads(&rig, &mut s, fx).await;
    assert_eq!(s.logs.events.len(), 3, "the late line is not ingested yet");
    // A newer event arrives on time; then the late one is ingested.
    rig.sim.with(|w| {
        let now = w.now();
        w.put_log_events(GROUP, "s1", now - 10_000, 1);
    });
    poll_after(&rig, &mut s, 5_000).await;
    assert_eq!(s.logs.events.len(), 4);
    poll_after(&rig, &mut s, 10_000).await;
    let lines: Vec<&str> = s.logs.events.iter().map(|e| e.message.trim()).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(
        lines[3], "late line",
        "read although older than the newest event seen, and sorted in by its time"
    );
    poll_after(&rig, &mut s, 5_000).await;
    assert_eq!(
        s.logs.events.len(),
        5,
        "read again in the overlap, shown once"
    );
}

#[tokio::test]
async fn partial_and_empty_pages_are_followed_to_the_last() {
    const GROUP: &str = "/aws/lambda/partial-pages";
    let (rig, mut s) = sim_view(6, GROUP);
    rig.sim.with(|w| {
        let now = w.now();
        w.set_log_timing(LogTiming {
            partial_pages: 1.0,
            ..LogTiming::default()
        });
        w.put_log_events(GROUP, "s1", now - 120_000, 300);
        w.advance(5_000);
    });
    let before = rig
        .sim
        .with(|w| w.stats().calls.get("FilterLogEvents").copied());
    let fx = update(&mut s, Action::Show(View::Logs));
    run_reads(&rig, &mut s, fx).await;
    let calls = rig
        .sim
        .with(|w| w.stats().calls.get("FilterLogEvents").copied());
    assert!(
        calls.unwrap_or(0) - before.unwrap_or(0) > 2,
        "every page cut short was followed"
    );
    assert_eq!(s.logs.events.len(), 300, "all of them in one poll");
    assert!(s.logs.behind().is_empty(), "the read reached its end");
}

#[tokio::test]
async fn a_read_past_what_the_view_holds_goes_on_at_the_next_poll() {
    const GROUP: &str = "/aws/lambda/busy";
    let (rig, mut s) = sim_view(7, GROUP);
    rig.sim.with(|w| {
        let now = w.now();
        w.put_log_events(GROUP, "s1", now - 300_000, 3_000);
        w.put_log_events(GROUP, "s2", now - 200_000, 3_000);
        w.advance(5_000);
    });
    let fx = update(&mut s, Action::Show(View::Logs));
    run_reads(&rig, &mut s, fx).await;
    assert_eq!(
        s.logs.events.len(),
        LOG_TAIL_CAP,
        "the view holds the newest read"
    );
    assert_eq!(s.logs.behind(), [GROUP], "5,000 of 6,000 read: catching up");
    let next = s.logs.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let Some(Effect::FetchLogs { reads, .. }) = fetch(&fx) else {
        panic!("{fx:?}")
    };
    assert!(reads[0].token.is_some(), "on from where the read stopped");
    run_reads(&rig, &mut s, fx).await;
    assert!(s.logs.behind().is_empty());
    let held = &s.logs.events;
    assert_eq!(held.len(), LOG_TAIL_CAP, "the newest events, bounded");
    assert!(
        held.iter().all(|e| e.stream == "s2"),
        "the newest 2,000 of 6,000"
    );
    assert!(held.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
    let mut ids: Vec<&str> = held.iter().map(|e| e.event_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), LOG_TAIL_CAP, "each once");
    // The overlap re-reads the group's last 2,000 events at most: what it remembers is bounded.
    poll_after(&rig, &mut s, 5_000).await;
    assert!(
        s.logs.behind().is_empty(),
        "a busy group's overlap fits in a read"
    );
    assert!(s.logs.polls[GROUP].remembered() <= LOG_SEEN_CAP);
    assert_eq!(s.logs.events.len(), LOG_TAIL_CAP);
}
