//! The local engine's run of a Traffic `:query` ([`Effect::RunLocalQuery`](crate::app::Effect::RunLocalQuery)):
//! the objects Athena would read (the plan's prefixes listed, each key kept when its partition or
//! hour stamp holds the range) fetched through the one fetch loop
//! ([`LogBucket::read_listed`]), each record in range and through the filter counted by every
//! grouping ([`crate::query::local::Grouping`]), progress sent as it goes. The operator's cancel
//! stops it between objects, with what it counted; an object that cannot be fetched or read
//! whole makes the answer unknown (it says which), never a smaller count.

use super::cloudfront_logs::{LogBucket, ObjectReader};
use crate::accesslog::{Filter, ListRequest, LogFields, WindowConfig};
use crate::accesslog_io::{ReadOptions, ReadReport, read_bytes_with};
use crate::app::queries::local::{LocalAnswer, LocalProgress, LocalQuery};
use crate::app::{Action, Reply, RequestId};
use crate::cloud::{Cloud, CloudResult};
use crate::domain::Timestamp;
use crate::ops::apply::upload::Cancel;
use crate::query::local::Grouping;
use crate::query::{GroupBy, Range, Setup};
use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Objects between two progress reports.
const REPORT_EVERY: usize = 8;

/// What the reader counts, and where its progress goes.
struct Counter {
    bucket: String,
    opts: ReadOptions,
    filter: Filter,
    range: (i64, i64),
    groups: Vec<Grouping>,
    report: ReadReport,
    progress: LocalProgress,
    listed: Arc<AtomicUsize>,
    listing_done: Arc<AtomicBool>,
    send: Box<dyn FnMut(LocalProgress) + Send>,
    cancel: Cancel,
}

impl ObjectReader for Counter {
    fn take(&mut self, key: String, body: CloudResult<Vec<u8>>) -> bool {
        let name = format!("s3://{}/{key}", self.bucket);
        match body {
            Ok(bytes) => {
                self.progress.bytes += bytes.len() as u64;
                let (filter, (since, until), groups) = (&self.filter, self.range, &mut self.groups);
                let report = read_bytes_with(&bytes, &name, &self.opts, &mut |v| {
                    let t = v.timestamp_ms();
                    if t < since || t >= until || !filter.matches(v) {
                        return;
                    }
                    for g in groups.iter_mut() {
                        g.observe(v);
                    }
                });
                self.report.merge(report);
            }
            Err(e) => self.report.merge(ReadReport::failure(&name, e)),
        }
        self.progress.read += 1;
        self.progress.listed = self.listed.load(Ordering::Acquire).max(self.progress.read);
        self.progress.listing = !self.listing_done.load(Ordering::Acquire);
        if self.progress.read.is_multiple_of(REPORT_EVERY) {
            (self.send)(self.progress);
        }
        !self.cancel.is_set()
    }
}

/// The read options of `setup`'s objects: a plain delivery's columns and delimiter.
fn options(setup: &Setup) -> ReadOptions {
    let plain = match setup.format {
        crate::query::Format::Plain { delimiter } => {
            let names: Vec<&str> = setup.fields.iter().map(|f| f.name()).collect();
            let delimiter = delimiter.to_string();
            crate::accesslog::input::PlainLayout::parse(&names.join(","), Some(&delimiter)).ok()
        }
        _ => None,
    };
    ReadOptions {
        plain,
        columns: None,
    }
}

/// Counts the records of `setup`'s objects under `listing` that hold `[since, until)`, through
/// `filter`, by each of `groups`; `progress` hears how far it has come, `cancel` stops it.
#[allow(clippy::too_many_arguments)]
pub async fn count(
    cloud: &Cloud,
    setup: &Setup,
    listing: &[String],
    filter: &Filter,
    (since, until): (Timestamp, Timestamp),
    groups: &[(GroupBy, usize)],
    progress: Box<dyn FnMut(LocalProgress) + Send>,
    cancel: &Cancel,
) -> Result<LocalAnswer, String> {
    let range = Range::new(since, until).map_err(|e| e.to_string())?;
    let logs = LogBucket::new(cloud.storage.clone(), &setup.bucket);
    let listed = Arc::new(AtomicUsize::new(0));
    let listing_done = Arc::new(AtomicBool::new(false));
    let reader = Counter {
        bucket: setup.bucket.clone(),
        opts: options(setup),
        filter: filter.clone(),
        range: (since.millis(), until.millis()),
        groups: groups
            .iter()
            .map(|(g, top)| Grouping::new(Some(*g), *top))
            .collect(),
        report: ReadReport::default(),
        progress: LocalProgress {
            listing: true,
            ..LocalProgress::default()
        },
        listed: listed.clone(),
        listing_done: listing_done.clone(),
        send: progress,
        cancel: cancel.clone(),
    };
    let requests: Vec<ListRequest> = listing
        .iter()
        .map(|prefix| ListRequest {
            prefix: prefix.clone(),
            start_after: String::new(),
        })
        .collect();
    let keys = logs
        .pages(requests)
        .map(|page| {
            page.map(|objects| {
                let keys: Vec<String> = objects
                    .into_iter()
                    .filter(|o| range.holds(setup, &o.key))
                    .map(|o| o.key)
                    .collect();
                listed.fetch_add(keys.len(), Ordering::AcqRel);
                keys
            })
        })
        .chain(futures::stream::poll_fn(|_| {
            listing_done.store(true, Ordering::Release);
            std::task::Poll::Ready(None)
        }));
    let (reader, list_error) = logs
        .read_listed(Box::pin(keys), reader, WindowConfig::default())
        .await?;
    let stopped = cancel.is_set();
    if let Some(failed) = list_error {
        return Err(format!(
            "cannot list s3://{}/{}: {}",
            setup.bucket, failed.prefix, failed.error
        ));
    }
    if reader.report.failed > 0 {
        return Err(format!(
            "{} of {} objects could not be read whole ({}); Athena would not count them either",
            reader.report.failed,
            reader.progress.read,
            reader.report.errors.first().cloned().unwrap_or_default()
        ));
    }
    let mut progress = reader.progress;
    progress.listing = false;
    Ok(LocalAnswer {
        rows: reader.groups.iter().map(Grouping::rows).collect(),
        progress,
        skipped: reader.report.skipped,
        errors: reader.report.skips.clone(),
        stopped,
    })
}

/// Runs the console's local read `query` of request `request`: progress to `tx`, the answer as
/// the action.
pub async fn run(
    cloud: &Cloud,
    request: RequestId,
    query: &LocalQuery,
    tx: Option<tokio::sync::mpsc::UnboundedSender<Action>>,
    cancel: &Cancel,
) -> Action {
    let send = Box::new(move |progress: LocalProgress| {
        if let Some(tx) = &tx {
            let _ = tx.send(Action::Reply(Reply::LocalQueryProgress {
                request,
                progress,
            }));
        }
    });
    let q = query;
    let range = (q.since, q.until);
    let result = count(
        cloud, &q.setup, &q.listing, &q.filter, range, &q.groups, send, cancel,
    )
    .await;
    Action::Reply(Reply::LocalQueryEnded {
        request,
        result: Box::new(result),
    })
}
