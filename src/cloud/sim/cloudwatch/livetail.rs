//! Live tails (`StartLiveTail`): sessions fed as the world advances with an update every
//! simulated second — the events ingested in that second, sampled down to 500, or none (an
//! empty update, as CloudWatch sends one every second) — ended after three hours.

use super::super::Simulator;
use super::pattern::Pattern;
use crate::cloud::{
    CloudError, CloudResult, LiveTail, LiveTailBatch, LiveTailRequest, MAX_TAIL_EVENTS,
};
use crate::domain::{LogEvent, Millis, Timestamp};
use futures::StreamExt;
use futures::channel::mpsc::{UnboundedSender, unbounded};

/// How long a session lasts.
pub const LIVE_TAIL_LIMIT: Millis = 3 * Timestamp::HOUR;

/// One open session.
#[derive(Debug)]
pub(crate) struct TailSession {
    /// The caller's account, whose groups it tails.
    account: String,
    req: LiveTailRequest,
    /// The request's filter pattern.
    pattern: Pattern,
    /// Events ingested up to here (inclusive) were sent; the next update covers the rest of
    /// that second.
    cursor: Timestamp,
    ends: Timestamp,
    tx: UnboundedSender<CloudResult<LiveTailBatch>>,
}

fn invalid(message: String) -> CloudError {
    CloudError::Rejected {
        code: "InvalidParameterException".into(),
        message,
    }
}

/// Keeps at most `MAX_TAIL_EVENTS`, evenly spread.
fn sample(events: Vec<LogEvent>) -> (Vec<LogEvent>, bool) {
    let n = events.len();
    if n <= MAX_TAIL_EVENTS {
        return (events, false);
    }
    let kept = events
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i * MAX_TAIL_EVENTS / n != (i + 1) * MAX_TAIL_EVENTS / n)
        .map(|(_, e)| e)
        .collect();
    (kept, true)
}

impl Simulator {
    /// `StartLiveTail` by a caller in `account` (its own groups only): events ingested from now
    /// on arrive as the world advances.
    pub(crate) fn op_live_tail(
        &mut self,
        account: &str,
        req: &LiveTailRequest,
    ) -> CloudResult<LiveTail> {
        req.check().map_err(invalid)?;
        let pattern = Pattern::parse(req.pattern.as_deref())?;
        if let Some(g) = (req.groups.iter()).find(|g| !self.logs.has_group(account, g)) {
            return Err(CloudError::NotFound {
                kind: "log group".into(),
                name: g.clone(),
            });
        }
        let (tx, rx) = unbounded();
        self.tails.push(TailSession {
            account: account.to_string(),
            req: req.clone(),
            pattern,
            cursor: self.now,
            ends: self.now + LIVE_TAIL_LIMIT,
            tx,
        });
        Ok(rx.boxed())
    }

    /// Sends every open session an update for each second that ended since its cursor: what was
    /// ingested in it, or nothing.
    pub(crate) fn feed_tails(&mut self) {
        if self.tails.is_empty() {
            return;
        }
        let now = self.now;
        let mut tails = std::mem::take(&mut self.tails);
        tails.retain_mut(|t| {
            let upto = now.min(t.ends);
            let mut open = true;
            loop {
                // The end of the second after the cursor: that second's update is due once it is over.
                let second = (t.cursor.millis() + 1).div_euclid(1000);
                let end = Timestamp(second * 1000 + 999);
                if end >= upto || !open {
                    break;
                }
                let mut events: Vec<LogEvent> = Vec::new();
                for g in &t.req.groups {
                    let name = crate::cloud::group_name(g);
                    events.extend(self.logs.ingested(
                        (&t.account, name),
                        (t.cursor, end),
                        &t.req.streams,
                        &t.pattern,
                    ));
                }
                events.sort_by_key(|e| e.ingestion_time);
                t.cursor = end;
                let (events, sampled) = sample(events);
                // The same check as against AWS: each event's group is one asked for.
                let batch = LiveTailBatch::checked(&t.req, &t.req.groups, events, sampled);
                open &= t.tx.unbounded_send(Ok(batch)).is_ok();
            }
            if open && upto >= t.ends {
                let end = CloudError::Rejected {
                    code: "SessionTimeoutException".into(),
                    message: "The live tail session ended after three hours; start a new one"
                        .into(),
                };
                let _ = t.tx.unbounded_send(Err(end));
                return false;
            }
            open && !t.tx.is_closed()
        });
        self.tails = tails;
    }

    /// Writes `count` events to `group`/`stream` within a second of `at` (a burst, for tests).
    pub fn put_log_events(&mut self, group: &str, stream: &str, at: Timestamp, count: usize) {
        for i in 0..count {
            let ts = at + (i * 1000 / count.max(1)) as Millis;
            let account = self.group_account(group);
            self.logs
                .put((&account, group), stream, ts, format!("burst event {i}\n"));
        }
    }

    /// Truth: open live-tail sessions.
    pub fn live_tails(&self) -> usize {
        self.tails.len()
    }
}
