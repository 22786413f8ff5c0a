//! The simulator's agenda: timed events, popped in time order (ties in insertion order).

use super::s3::buckets::Object;
use crate::domain::Timestamp;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Something that happens at a simulated instant.
#[derive(Debug)]
pub(crate) enum Ev {
    /// The running action of a stage finishes (or an approval expires); stale if `generation` moved on.
    Stage {
        env: usize,
        stage: usize,
        generation: u64,
    },
    /// A stage condition's rules in progress are evaluated again; stale if `generation` moved on.
    Condition {
        env: usize,
        stage: usize,
        generation: u64,
    },
    /// An abandoned execution settles from Stopping to Stopped.
    Settle { env: usize, exec: usize },
    /// GitHub Actions publishes a release (`forced` ones do not schedule the next).
    Publish { forced: bool },
    /// The release manager promotes to a protected environment.
    Promote { env: usize, forced: bool },
    /// A developer deploys a dev build with `make`.
    DevBuild,
    /// A GitHub Actions run started by an operator (attempt `attempt`) ends.
    RunDone { run: u64, attempt: usize },
    /// A simulated approver answers an approval (history only).
    Answer {
        env: usize,
        stage: usize,
        token: String,
        approve: bool,
        actor: String,
    },
    /// A five-minute traffic window of one distribution begins.
    Traffic { dist: usize },
    /// An object (an access-log file) is delivered to a bucket.
    Deliver {
        bucket: String,
        key: String,
        object: Box<Object>,
    },
}

struct Entry {
    at: Timestamp,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest pops first.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A priority queue of events.
#[derive(Default)]
pub(crate) struct Agenda {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl Agenda {
    /// Schedules `ev` at `at`.
    pub(crate) fn push(&mut self, at: Timestamp, ev: Ev) {
        self.seq += 1;
        self.heap.push(Entry {
            at,
            seq: self.seq,
            ev,
        });
    }

    /// Pops the earliest event if it is due at or before `until`.
    pub(crate) fn pop_due(&mut self, until: Timestamp) -> Option<(Timestamp, Ev)> {
        if self.heap.peek()?.at > until {
            return None;
        }
        self.heap.pop().map(|e| (e.at, e.ev))
    }

    /// Number of scheduled events.
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }
}
