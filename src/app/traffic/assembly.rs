//! How a Traffic read's objects become one batch (pure): each object's records retained in file
//! order with the raw lines of its newest, the objects read completely merged in time order, and
//! an object read incompletely set apart with its complete records.

use super::batch::{DETAIL_KEEP, FullLine, Incomplete, TrafficBatch};
use crate::accesslog::{LineView, LogFields, Retained};
use std::collections::VecDeque;
use std::sync::Arc;

/// One object's records in file order, and the raw lines of its newest [`DETAIL_KEEP`].
#[derive(Debug)]
pub struct ObjectRecords {
    chunk: Retained,
    lines: VecDeque<FullLine>,
    /// The `#Fields` names last seen, shared by the lines under them (keyed by the layout's
    /// address, which stays put while the parser keeps it).
    names: Option<(usize, Arc<[Box<str>]>)>,
}

impl Default for ObjectRecords {
    fn default() -> Self {
        ObjectRecords {
            chunk: Retained::new(usize::MAX / 4),
            lines: VecDeque::new(),
            names: None,
        }
    }
}

impl ObjectRecords {
    /// Nothing read yet.
    pub fn new() -> ObjectRecords {
        ObjectRecords::default()
    }

    /// Takes the next record of the object.
    pub fn push(&mut self, v: &LineView<'_>) {
        let schema = v.schema() as *const _ as usize;
        let names = match &self.names {
            Some((p, a)) if *p == schema => a.clone(),
            _ => {
                let a: Arc<[Box<str>]> = v.schema().names().into();
                self.names = Some((schema, a.clone()));
                a
            }
        };
        if self.lines.len() == DETAIL_KEEP {
            self.lines.pop_front();
        }
        self.lines.push_back(FullLine {
            index: u32::try_from(self.chunk.len()).unwrap_or(u32::MAX),
            names,
            line: v.line().into(),
        });
        self.chunk.push(v);
    }
}

/// One read's batch in the making: objects are added in the order they were read.
#[derive(Debug, Default)]
pub struct BatchAssembly {
    whole: Vec<(Retained, VecDeque<FullLine>)>,
    batch: TrafficBatch,
}

impl BatchAssembly {
    /// No object yet.
    pub fn new() -> BatchAssembly {
        BatchAssembly::default()
    }

    /// An object that could not be fetched (`error` names it): given back to be fetched again.
    pub fn fetch_failed(&mut self, key: String, error: String) {
        self.batch.failed_keys.push(key);
        self.batch.errors.push(error);
    }

    /// An object read: complete when `errors` is empty, else set apart with its complete
    /// records (and the errors joined) for the tail to read again or give up on.
    pub fn read(&mut self, key: String, records: ObjectRecords, skipped: u64, errors: &[String]) {
        self.batch.skipped += skipped;
        if errors.is_empty() {
            self.batch.complete_keys.push(key);
            self.whole.push((records.chunk, records.lines));
            return;
        }
        let (records, lines) = assemble(vec![(records.chunk, records.lines)]);
        self.batch.incomplete.push(Incomplete {
            key,
            error: errors.join("; "),
            batch: TrafficBatch {
                records,
                lines,
                objects: 1,
                ..TrafficBatch::default()
            },
        });
    }

    /// The batch: the complete objects' records in time order.
    pub fn finish(self) -> TrafficBatch {
        let mut batch = self.batch;
        batch.objects = self.whole.len();
        let (records, lines) = assemble(self.whole);
        batch.records = records;
        batch.lines = lines;
        batch
    }
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
