//! Faults of CloudFront log objects: bodies read cut short, files corrupt at rest, files
//! delivered hours late (out of key order) and duplicated deliveries or listing entries; and
//! CloudWatch Logs' timing: events ingested late, `FilterLogEvents` pages cut short.

use super::super::Simulator;
use super::super::cloudwatch::store::LogTiming;
use super::super::config::LogFaultRates;
use crate::domain::{ObjectInfo, Timestamp};

/// How a log file is damaged at rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Damage {
    /// Intact.
    #[default]
    None,
    /// Cut short for good (a gzip stream without its end).
    Cut,
    /// Not gzip at all (the bytes of something else).
    NotGzip,
}

impl Damage {
    /// The stored bytes of a file with this damage.
    pub(crate) fn apply(self, bytes: Vec<u8>) -> Vec<u8> {
        match self {
            Damage::None => bytes,
            Damage::Cut => cut(bytes, 2),
            Damage::NotGzip => {
                let mut junk = b"PK\x03\x04".to_vec();
                junk.extend(std::iter::repeat_n(0u8, 60));
                junk
            }
        }
    }
}

/// The first `1/parts` or so of a gzip body (never less than its header and a few bytes).
fn cut(mut bytes: Vec<u8>, parts: usize) -> Vec<u8> {
    let keep = (bytes.len() / parts.max(2))
        .max(16)
        .min(bytes.len().saturating_sub(1));
    bytes.truncate(keep);
    bytes
}

impl Simulator {
    /// Changes the log-object fault probabilities.
    pub fn set_log_faults(&mut self, faults: LogFaultRates) {
        self.cfg.log_faults = faults;
    }

    /// Changes CloudWatch Logs' timing: how late events written from now on are ingested, and
    /// how full `FilterLogEvents` pages are.
    pub fn set_log_timing(&mut self, timing: LogTiming) {
        self.logs.set_timing(timing);
    }

    /// Writes one event at `at` to `group`/`stream` that CloudWatch ingests at `ingested` (a
    /// late one, for tests: PutLogEvents takes events up to 14 days old).
    pub fn ingest_log_event(
        &mut self,
        group: &str,
        stream: &str,
        at: Timestamp,
        ingested: Timestamp,
        message: &str,
    ) {
        let account = self.group_account(group);
        self.logs
            .put_ingested((&account, group), stream, at, ingested, message.to_string());
    }

    /// Rolls a log-object fault of `kind` at `rate`; counts it when it happens. A zero rate
    /// draws nothing, so worlds without log faults are unchanged.
    pub(crate) fn log_fault(&mut self, kind: &str, rate: f64) -> bool {
        if rate <= 0.0 || !self.fault_rng.chance(rate) {
            return false;
        }
        *self.stats.faults.entry(kind.to_string()).or_default() += 1;
        true
    }

    /// The damage of a new log file.
    pub(crate) fn roll_damage(&mut self) -> Damage {
        if !self.log_fault("corrupt_object", self.cfg.log_faults.corrupt_object) {
            Damage::None
        } else if self.fault_rng.chance(0.5) {
            Damage::Cut
        } else {
            Damage::NotGzip
        }
    }

    /// A body read from a logs bucket, maybe cut short in transit (the object stays whole).
    pub(crate) fn read_in_transit(&mut self, bucket: &str, bytes: Vec<u8>) -> Vec<u8> {
        let logs = self.is_logs_bucket(bucket);
        if logs && bytes.len() > 32 && self.log_fault("truncated_body", self.rates().truncated_body)
        {
            let parts = 2 + self.fault_rng.below(3);
            return cut(bytes, parts);
        }
        bytes
    }

    /// A listing page of a logs bucket, maybe with one key returned twice.
    pub(crate) fn list_in_transit(
        &mut self,
        bucket: &str,
        mut page: Vec<ObjectInfo>,
    ) -> Vec<ObjectInfo> {
        let logs = self.is_logs_bucket(bucket);
        if logs
            && !page.is_empty()
            && self.log_fault("duplicate_listing", self.rates().duplicate_delivery)
        {
            let i = self.fault_rng.below(page.len());
            let again = page[i].clone();
            page.insert(i, again);
        }
        page
    }

    fn rates(&self) -> LogFaultRates {
        self.cfg.log_faults
    }
}
