//! Reading under trouble: retention evicting the oldest records, and objects cut short in
//! transit read again, counted once, or given up with their longest read.

use super::*;

#[test]
fn retention_evicts_the_oldest_and_keeps_rows_consistent() {
    let mut s = state();
    s.retain = 1000;
    update(&mut s, Action::Tick(T0));
    let fx = update(&mut s, Action::Show(View::Traffic));
    let (request, _) = list_effect(&fx).unwrap();
    assert_eq!(s.traffic.records.capacity(), 1000);
    let b = of_keys(batch(&records(2500, T0 - 40 * Timestamp::MINUTE)), &[KEY]);
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(b),
        }),
    );
    let t = &s.traffic;
    assert_eq!(
        (t.records.len(), t.rows.len(), t.stats.requests()),
        (1000, 1000, 2500)
    );
    assert_eq!(t.rows.front().copied(), Some(1500));
}

const BROKEN: &str = "cloudfront/dev/E2DEVSTOREFRNT.2025-11-25-08.b0b0b0b0.gz";

/// The next poll of the tail: lists `KEY` and `BROKEN`; when `BROKEN` is to be read, reads
/// `body` for it. Whether it was read.
fn poll_broken(s: &mut State, body: Vec<u8>) -> bool {
    let next = s.traffic.load.next_poll;
    let fx = update(s, Action::Tick(next));
    let (request, keys) = streamed(&fx, &[KEY, BROKEN]).expect("a read");
    if keys.is_empty() {
        // Nothing to read: the round ends empty.
        update(
            s,
            Action::Reply(Reply::TrafficRead {
                env: 0,
                request,
                batch: Box::default(),
            }),
        );
        return false;
    }
    assert_eq!(
        keys,
        vec![BROKEN.to_string()],
        "only the broken object is read"
    );
    let b = parse_objects("b", vec![(BROKEN.into(), Ok(body))]);
    update(
        s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(b),
        }),
    );
    true
}

#[test]
fn a_body_cut_short_in_transit_is_read_again_and_counted_once() {
    let mut s = traffic(100);
    let full = gzip(&records(300, T0 - 30 * Timestamp::MINUTE));
    assert!(poll_broken(&mut s, full[..full.len() / 2].to_vec()));
    let t = &s.traffic;
    assert_eq!(
        (t.records.pushed(), t.objects),
        (100, 1),
        "nothing of it counted yet"
    );
    assert!(
        t.load.error.as_deref().unwrap().contains("retrying"),
        "{:?}",
        t.load.error
    );
    assert!(poll_broken(&mut s, full.clone()));
    let t = &s.traffic;
    assert_eq!(
        (t.records.pushed(), t.objects, t.object_errors),
        (400, 2, 0)
    );
    assert_eq!(t.retries, 1);
    assert!(!poll_broken(&mut s, full), "read once, never again");
}

#[test]
fn an_object_still_broken_after_the_last_read_keeps_its_longest_read() {
    use shipdeck::accesslog::MAX_READS;
    let mut s = traffic(100);
    let full = gzip(&records(300, T0 - 30 * Timestamp::MINUTE));
    let cuts = [3, 2, 4, 5, 6, 7, 8];
    let longest = parse_objects(
        "b",
        vec![(BROKEN.into(), Ok(full[..full.len() / 2].to_vec()))],
    )
    .incomplete[0]
        .batch
        .records
        .len() as u64;
    assert!(longest > 0 && longest < 300);
    for read in 0..MAX_READS as usize {
        let cut = full[..full.len() / cuts[read]].to_vec();
        assert!(poll_broken(&mut s, cut), "read {read}");
        if read + 1 < MAX_READS as usize {
            assert_eq!(s.traffic.objects, 1, "read {read}: not given up yet");
        }
    }
    let t = &s.traffic;
    assert_eq!(
        (t.objects, t.object_errors),
        (2, 1),
        "given up, counted as unreadable"
    );
    assert_eq!(
        t.records.pushed(),
        100 + longest,
        "the longest read's complete records"
    );
    assert!(
        t.load.error.as_deref().unwrap().contains(BROKEN),
        "{:?}",
        t.load.error
    );
    assert!(!poll_broken(&mut s, full), "never read again");
}

#[test]
fn a_late_file_older_than_the_first_records_is_listed_and_charted() {
    use shipdeck::app::Traffic;
    // The 1h look-back reaches 08:00; the first files hold 08:20–08:50.
    let mut t = Traffic::new(0, Preset::H1, T0, 10_000);
    t.ingest(&batch(&records(300, T0 - 40 * Timestamp::MINUTE)));
    assert_eq!(t.rows.len(), 300);
    // A file delivered late: 08:05–08:15, inside the look-back and the hour to the newest record.
    let late = support::logs::generated(
        8,
        100,
        T0 - 55 * Timestamp::MINUTE,
        10 * Timestamp::MINUTE,
        0.2,
    );
    t.ingest(&batch(&late));
    assert_eq!(t.rows.len(), 400, "the late records are listed");
    let chart = t.panel.snapshot.as_ref().unwrap();
    assert_eq!(chart.requests, 400, "and counted in the same window");
}

/// A shorter preset lists its span back from now, not from the newest record: with the newest
/// record 20 minutes old, the last 15 minutes list none (and the charts count none), while what
/// was read is kept for a longer preset.
#[test]
fn a_shorter_preset_counts_back_from_now_when_the_newest_record_is_older_than_it() {
    // Records up to about 08:50; at 09:10 the newest is 20 minutes old, older than 15m back.
    let mut s = traffic(300);
    update(&mut s, Action::Tick(T0 + 10 * Timestamp::MINUTE));
    update(&mut s, Action::CommandOpen);
    typed(&mut s, "range 15m");
    let fx = update(&mut s, Action::Submit);
    assert!(list_effect(&fx).is_none(), "no new read: {fx:?}");
    let t = &s.traffic;
    assert_eq!((t.preset, t.records.len()), (Preset::M15, 300));
    assert!(
        t.rows.is_empty(),
        "nothing in the 15 minutes back from 09:10"
    );
    assert_eq!(t.panel.snapshot.as_ref().unwrap().requests, 0);
}

/// The three objects of [`reading_three`].
fn three() -> [String; 3] {
    ["a", "b", "c"].map(|k| KEY.replace(".gz", &format!("{k}.gz")))
}

/// A read started over a bucket listing three objects: the read's request.
fn reading_three(s: &mut State) -> u64 {
    update(s, Action::Tick(T0));
    let fx = update(s, Action::Show(View::Traffic));
    let keys = three();
    let listed: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (request, keys) = streamed(&fx, &listed).expect("a read");
    assert_eq!(keys.len(), 3);
    request
}

/// How far a read of three objects has come after `read` of them.
fn progress(read: usize) -> ReadProgress {
    ReadProgress {
        read,
        listed: 3,
        listing: false,
        bytes: 1000 * read as u64,
    }
}

#[test]
fn a_part_of_a_read_is_drawn_at_once_and_the_final_reply_adds_only_the_rest() {
    let mut s = state();
    let request = reading_three(&mut s);
    let keys = three();
    let first = of_keys(
        batch(&records(100, T0 - 40 * Timestamp::MINUTE)),
        &[&keys[0]],
    );
    update(
        &mut s,
        Action::Reply(Reply::TrafficPart {
            env: 0,
            request,
            batch: Box::new(first),
            progress: progress(1),
        }),
    );
    let t = &s.traffic;
    assert_eq!(
        (t.records.pushed(), t.rows.len(), t.stats.requests()),
        (100, 100, 100),
        "the part's records are listed and counted while the read goes on"
    );
    assert_eq!(t.reading, Some(progress(1)));
    assert_eq!(t.load.inflight, Some(request), "the read has not ended");
    assert!(!t.panel.series.is_empty(), "the charts are drawn");
    let rest = of_keys(
        batch(&records(50, T0 - 20 * Timestamp::MINUTE)),
        &[&keys[1], &keys[2]],
    );
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(rest),
        }),
    );
    let t = &s.traffic;
    assert_eq!(
        (t.records.pushed(), t.stats.requests()),
        (150, 150),
        "each record counted once"
    );
    assert_eq!(
        (t.reading, t.load.inflight, &t.load.error),
        (None, None, &None)
    );
    assert!(t.load.next_poll > T0, "the next poll is scheduled");
}

#[test]
fn a_read_that_stops_after_a_part_keeps_the_part_and_reads_only_what_it_did_not_reach_next() {
    let mut s = state();
    let request = reading_three(&mut s);
    let keys = three();
    let first = of_keys(
        batch(&records(100, T0 - 40 * Timestamp::MINUTE)),
        &[&keys[0]],
    );
    update(
        &mut s,
        Action::Reply(Reply::TrafficPart {
            env: 0,
            request,
            batch: Box::new(first),
            progress: progress(1),
        }),
    );
    let stopped = shipdeck::app::TrafficBatch {
        stopped: Some("reading log objects stopped: the reader panicked".into()),
        ..Default::default()
    };
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(stopped),
        }),
    );
    let t = &s.traffic;
    assert_eq!(t.records.pushed(), 100, "what was read stays");
    assert_eq!(t.reading, None);
    assert!(
        t.load.error.as_deref().unwrap_or("").contains("stopped"),
        "the failure is said: {:?}",
        t.load.error
    );
    assert_eq!(
        t.object_errors, 0,
        "the keys not reached are read again, not given up"
    );
    // The next round picks the two objects the read did not reach, and not the one it did.
    let next = s.traffic.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let listed: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (_, again) = streamed(&fx, &listed).expect("a read");
    assert_eq!(again, keys[1..]);
}

#[test]
fn a_listing_that_stops_leaves_a_partial_view_said_as_such_and_is_listed_whole_again() {
    let mut s = state();
    let request = reading_three(&mut s);
    let keys = three();
    let read = of_keys(
        batch(&records(100, T0 - 40 * Timestamp::MINUTE)),
        &[&keys[0]],
    );
    let partial = TrafficBatch {
        listing_error: Some((
            "s3://logs/cloudfront/dev/E2DEVSTOREFRNT.".into(),
            CloudError::Network("connection reset".into()),
        )),
        ..read
    };
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env: 0,
            request,
            batch: Box::new(partial),
        }),
    );
    let t = &s.traffic;
    assert_eq!(
        (t.records.pushed(), t.objects),
        (100, 1),
        "what was read stays"
    );
    let error = t.load.error.as_deref().unwrap_or("");
    assert!(
        error.starts_with("partial: listing s3://logs/cloudfront/dev/E2DEVSTOREFRNT.")
            && error.contains("connection reset"),
        "the view is marked partial with the reason: {error}"
    );
    assert!(
        t.load.next_poll <= T0 + 30 * Timestamp::SECOND,
        "listed again soon"
    );
    // The next round lists again (the whole look-back: the planner's unit tests) and reads
    // only what was not read.
    let next = s.traffic.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let listed: Vec<&str> = keys.iter().map(String::as_str).collect();
    let (_, again) = streamed(&fx, &listed).expect("a read");
    assert_eq!(again, keys[1..], "not the object already read");
}

#[test]
fn a_part_of_an_abandoned_read_is_dropped() {
    let mut s = state();
    let request = reading_three(&mut s);
    update(
        &mut s,
        Action::Reply(Reply::TrafficPart {
            env: 0,
            request: request + 100,
            batch: Box::new(batch(&records(100, T0 - 40 * Timestamp::MINUTE))),
            progress: progress(1),
        }),
    );
    assert_eq!((s.traffic.records.pushed(), s.traffic.reading), (0, None));
}
