//! The Traffic view's effects: listing the logs bucket (every page) and fetching log objects,
//! whose gzip inflation and parsing run on tokio's blocking pool; what comes back is compact.

use crate::accesslog::{LineView, LogFields, Retained};
use crate::app::{DETAIL_KEEP, FullLine, Incomplete, TrafficBatch};
use crate::cloud::{CloudError, CloudResult, Storage};
use crate::domain::ObjectInfo;
use crate::logread::{ReadReport, read_bytes};
use futures::StreamExt;
use std::collections::VecDeque;
use std::sync::Arc;

/// Objects fetched at the same time.
const FETCHES: usize = 4;
/// Keys per listing page.
const PAGE: usize = 1000;
/// Most pages of one listing (1000 keys each).
const MAX_PAGES: usize = 100;

/// Lists every object after `start_after` under `prefix`.
pub(super) async fn list_all(
    storage: &dyn Storage,
    bucket: &str,
    prefix: &str,
    start_after: &str,
) -> CloudResult<Vec<ObjectInfo>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = super::effects::timed(
            "ListObjectsV2",
            storage.list_objects(bucket, prefix, Some(start_after), token.as_deref(), PAGE),
        )
        .await?;
        out.extend(page.objects);
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

/// Fetches `keys` a few at a time, then reads them all off the async threads.
pub(super) async fn read_objects(
    storage: Arc<dyn Storage>,
    bucket: String,
    keys: Vec<String>,
) -> TrafficBatch {
    let bodies: Vec<(String, CloudResult<Vec<u8>>)> = futures::stream::iter(keys)
        .map(|key| {
            let (storage, bucket) = (storage.clone(), bucket.clone());
            async move {
                let body =
                    super::effects::timed("GetObject", storage.get_object(&bucket, &key)).await;
                (key, body)
            }
        })
        .buffered(FETCHES)
        .collect()
        .await;
    // When this read is cancelled (its task aborted), `waiting` is dropped and the parse stops
    // before the next object instead of reading on for nobody.
    let (alive, waiting) = tokio::sync::oneshot::channel::<()>();
    let job = move || parse_objects_while(&bucket, bodies, || !alive.is_closed());
    let parsed = tokio::task::spawn_blocking(job).await;
    drop(waiting);
    match parsed {
        Ok(batch) => batch,
        Err(e) => TrafficBatch {
            errors: vec![format!("reading log objects stopped: {e}")],
            ..TrafficBatch::default()
        },
    }
}

/// Parses fetched bodies into one time-ordered batch. An object read incompletely (truncated
/// or corrupt) is set apart with its complete records, for the tail to read again or give up
/// on; an object that could not be fetched is given back.
pub fn parse_objects(
    bucket: &str,
    bodies: Vec<(String, Result<Vec<u8>, CloudError>)>,
) -> TrafficBatch {
    parse_objects_while(bucket, bodies, || true)
}

/// [`parse_objects`], stopping before the next object once `wanted` says the batch is no
/// longer waited for (the objects left are not in the batch).
pub fn parse_objects_while(
    bucket: &str,
    bodies: Vec<(String, Result<Vec<u8>, CloudError>)>,
    wanted: impl Fn() -> bool,
) -> TrafficBatch {
    let mut whole = Vec::new();
    let mut batch = TrafficBatch::default();
    for (key, body) in bodies {
        if !wanted() {
            break;
        }
        let name = format!("s3://{bucket}/{key}");
        let bytes = match body {
            Ok(b) => b,
            Err(e) => {
                batch.failed_keys.push(key);
                batch.errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        let (chunk, lines, report) = parse_one(&bytes, &name);
        batch.skipped += report.skipped;
        if report.errors.is_empty() {
            batch.complete_keys.push(key);
            whole.push((chunk, lines));
            continue;
        }
        let (records, lines) = assemble(vec![(chunk, lines)]);
        let error = report.errors.join("; ");
        let part = TrafficBatch {
            records,
            lines,
            objects: 1,
            ..TrafficBatch::default()
        };
        batch.incomplete.push(Incomplete {
            key,
            error,
            batch: part,
        });
    }
    batch.objects = whole.len();
    let (records, lines) = assemble(whole);
    batch.records = records;
    batch.lines = lines;
    batch
}

/// One object's records (in file order) and the raw lines of its newest records.
fn parse_one(bytes: &[u8], name: &str) -> (Retained, VecDeque<FullLine>, ReadReport) {
    let mut chunk = Retained::new(usize::MAX / 4);
    let mut lines: VecDeque<FullLine> = VecDeque::new();
    let mut names: Option<(usize, Arc<[Box<str>]>)> = None;
    let report = read_bytes(bytes, name, &mut |v: &LineView<'_>| {
        let schema = v.schema() as *const _ as usize;
        let arc = match &names {
            Some((p, a)) if *p == schema => a.clone(),
            _ => {
                let a: Arc<[Box<str>]> = v.schema().names().into();
                names = Some((schema, a.clone()));
                a
            }
        };
        if lines.len() == DETAIL_KEEP {
            lines.pop_front();
        }
        lines.push_back(FullLine {
            index: u32::try_from(chunk.len()).unwrap_or(u32::MAX),
            names: arc,
            line: v.line().into(),
        });
        chunk.push(v);
    });
    (chunk, lines, report)
}

/// Objects' records merged in time order (files of an hour are listed in random-name order),
/// with the raw lines of the newest [`DETAIL_KEEP`] re-indexed.
fn assemble(parts: Vec<(Retained, VecDeque<FullLine>)>) -> (Retained, Vec<FullLine>) {
    let total: usize = parts.iter().map(|(c, _)| c.len()).sum();
    let mut ts: Vec<i64> = Vec::with_capacity(total);
    let mut refs: Vec<(usize, usize)> = Vec::with_capacity(total);
    let mut all_lines: VecDeque<FullLine> = VecDeque::new();
    for (p, (chunk, lines)) in parts.iter().enumerate() {
        let base = u32::try_from(ts.len()).unwrap_or(u32::MAX);
        for (i, r) in chunk.iter().enumerate() {
            ts.push(r.timestamp_ms());
            refs.push((p, i));
        }
        for l in lines {
            if all_lines.len() == DETAIL_KEEP {
                all_lines.pop_front();
            }
            let mut l = l.clone();
            l.index = base.saturating_add(l.index);
            all_lines.push_back(l);
        }
    }
    let mut order: Vec<u32> = (0..u32::try_from(total).unwrap_or(u32::MAX)).collect();
    order.sort_by_key(|&i| ts[i as usize]);
    let mut sorted = Retained::new(total.max(1));
    let mut new_index = vec![0u32; total];
    for (pos, &i) in order.iter().enumerate() {
        let (p, k) = refs[i as usize];
        if let Some(r) = parts.get(p).and_then(|(c, _)| c.get(k)) {
            sorted.push(&r);
        }
        new_index[i as usize] = u32::try_from(pos).unwrap_or(u32::MAX);
    }
    let mut lines: Vec<FullLine> = all_lines
        .into_iter()
        .map(|mut l| {
            l.index = new_index.get(l.index as usize).copied().unwrap_or(l.index);
            l
        })
        .collect();
    lines.sort_by_key(|l| l.index);
    (sorted, lines)
}
