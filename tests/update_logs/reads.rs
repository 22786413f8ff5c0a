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
    let fx = update(
        &mut s,
        Action::TrafficListed {
            env: 0,
            request,
            result: Ok(vec![object(KEY)]),
        },
    );
    let Some(Effect::ReadTraffic { request, .. }) = fx.first() else {
        panic!()
    };
    let b = batch(&records(2500, T0 - 40 * Timestamp::MINUTE));
    update(
        &mut s,
        Action::TrafficRead {
            env: 0,
            request: *request,
            batch: Box::new(b),
        },
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
    let next = s.traffic.next_poll;
    let fx = update(s, Action::Tick(next));
    let (request, _) = list_effect(&fx).expect("a listing");
    let fx = update(
        s,
        Action::TrafficListed {
            env: 0,
            request,
            result: Ok(vec![object(KEY), object(BROKEN)]),
        },
    );
    let Some(Effect::ReadTraffic { request, keys, .. }) = fx.first().cloned() else {
        return false;
    };
    assert_eq!(
        keys,
        vec![BROKEN.to_string()],
        "only the broken object is read"
    );
    let b = parse_objects("b", vec![(BROKEN.into(), Ok(body))]);
    update(
        s,
        Action::TrafficRead {
            env: 0,
            request,
            batch: Box::new(b),
        },
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
        t.error.as_deref().unwrap().contains("retrying"),
        "{:?}",
        t.error
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
        t.error.as_deref().unwrap().contains(BROKEN),
        "{:?}",
        t.error
    );
    assert!(!poll_broken(&mut s, full), "never read again");
}
