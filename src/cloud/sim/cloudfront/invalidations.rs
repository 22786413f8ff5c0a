//! CloudFront invalidations as the API serves them: created InProgress, Completed after a
//! simulated minute or two, idempotent per caller reference, within CloudFront's limits (paths
//! per batch, path form and length, file and wildcard paths in progress) and with its errors;
//! listed newest first with the deployer's own `/*` after each deploy among them.

use super::super::Simulator;
use crate::cloud::{
    CloudError, CloudResult, Invalidation, InvalidationPage, InvalidationStatus,
    InvalidationSummary,
};
use crate::domain::Timestamp;
use std::collections::BTreeMap;

/// File paths (without a `*`) in progress at once per distribution (Developer Guide,
/// "Concurrent invalidation request maximum").
pub(crate) const MAX_FILES_IN_PROGRESS: usize = 3000;
/// Wildcard paths in progress at once per distribution, counted apart from the file paths.
pub(crate) const MAX_WILDCARDS_IN_PROGRESS: usize = 15;
/// Paths in one invalidation batch; more is `BatchTooLarge` (HTTP 413).
pub(crate) const MAX_BATCH_PATHS: usize = 3000;
/// Characters in one path.
const MAX_PATH_CHARS: usize = 4000;
/// CloudFront's message for a path it does not accept (it names none of them).
const INVALID_PATHS: &str = "Your request contains one or more invalid invalidation paths.";

/// One invalidation with the time it completes.
#[derive(Debug, Clone)]
pub(crate) struct InvalidationSim {
    id: String,
    caller_reference: String,
    paths: Vec<String>,
    created: Timestamp,
    done: Timestamp,
    /// Made by the deployer's build after a deploy, not through the ports.
    by_deployer: bool,
}

/// Most invalidations one `ListInvalidations` page holds.
const MAX_LIST_ITEMS: usize = 100;

impl InvalidationSim {
    /// The deployer's invalidation of `/*` after a deploy (`hash`: the new build's), created
    /// `now`, done at `done`; its id and caller reference follow from `hash` and `n`, the
    /// distribution's invalidations so far.
    pub(crate) fn by_deployer(hash: &str, n: usize, now: Timestamp, done: Timestamp) -> Self {
        InvalidationSim {
            id: format!("I{}{n:05}", hash.to_uppercase()),
            caller_reference: format!("deployer-{hash}"),
            paths: vec!["/*".into()],
            created: now,
            done,
            by_deployer: true,
        }
    }

    fn summary(&self, now: Timestamp) -> InvalidationSummary {
        let v = self.view(now);
        InvalidationSummary {
            id: v.id,
            status: v.status,
            created: v.created,
        }
    }

    fn view(&self, now: Timestamp) -> Invalidation {
        Invalidation {
            id: self.id.clone(),
            status: if now >= self.done {
                InvalidationStatus::Completed
            } else {
                InvalidationStatus::InProgress
            },
            created: self.created,
            paths: self.paths.clone(),
        }
    }
}

/// Invalidations per distribution id, oldest first.
pub(crate) type Invalidations = BTreeMap<String, Vec<InvalidationSim>>;

fn rejected(code: &str, message: impl Into<String>) -> CloudError {
    CloudError::Rejected {
        code: code.into(),
        message: message.into(),
    }
}

fn same_paths(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

impl Simulator {
    fn need_distribution(&self, id: &str) -> CloudResult<usize> {
        self.dists
            .iter()
            .position(|d| d.dist.id == id)
            .ok_or_else(|| CloudError::NotFound {
                kind: "distribution".into(),
                name: id.into(),
            })
    }

    /// `CreateInvalidation`.
    pub(crate) fn op_create_invalidation(
        &mut self,
        dist: &str,
        paths: &[String],
        caller_reference: &str,
    ) -> CloudResult<Invalidation> {
        let d = self.need_distribution(dist)?;
        if paths.is_empty() || caller_reference.is_empty() {
            return Err(rejected(
                "InvalidArgument",
                "An invalidation needs at least one path and a caller reference",
            ));
        }
        if paths.len() > MAX_BATCH_PATHS {
            return Err(rejected(
                "BatchTooLarge",
                "Invalidation batch specified is too large.",
            ));
        }
        // A path begins with `/`, has at most 4,000 characters, and a `*` only as its last one.
        let valid = |p: &String| {
            p.starts_with('/')
                && p.chars().count() <= MAX_PATH_CHARS
                && p.find('*').is_none_or(|i| i + 1 == p.len())
        };
        if !paths.iter().all(valid) {
            return Err(rejected("InvalidArgument", INVALID_PATHS));
        }
        let now = self.now;
        let list = self.invalidations.entry(dist.to_string()).or_default();
        if let Some(old) = list.iter().find(|i| i.caller_reference == caller_reference) {
            if same_paths(&old.paths, paths) {
                return Ok(old.view(now));
            }
            return Err(rejected(
                "InvalidationBatchAlreadyExists",
                format!(
                    "Caller reference {caller_reference:?} was already used for invalidation {} of {dist} with other paths",
                    old.id
                ),
            ));
        }
        // File paths and wildcard paths in progress are limited independently. The deployer's
        // own invalidation of `/*` after each deploy is one wildcard path while it runs (the
        // distribution keeps the end of every invalidation, those made here included).
        let running = list.iter().filter(|i| i.done > now);
        let made_here = running.clone().count();
        let all = self.dists[d].invalidations.iter().filter(|t| **t > now);
        let (mut wild, mut files) = (all.count().saturating_sub(made_here), 0);
        for p in running.flat_map(|i| i.paths.iter()).chain(paths) {
            if p.ends_with('*') {
                wild += 1;
            } else {
                files += 1;
            }
        }
        if wild > MAX_WILDCARDS_IN_PROGRESS {
            return Err(rejected(
                "TooManyInvalidationsInProgress",
                "Processing your request will cause you to exceed the maximum number of \
                 in-progress wildcard invalidations.",
            ));
        }
        if files > MAX_FILES_IN_PROGRESS {
            return Err(rejected(
                "TooManyInvalidationsInProgress",
                "Processing your request will cause you to exceed the maximum number of \
                 in-progress invalidations.",
            ));
        }
        let id = format!("I{}", self.rng.hex(13).to_uppercase());
        let done = now + self.rng.range(45_000, 150_000);
        let inv = InvalidationSim {
            id,
            caller_reference: caller_reference.to_string(),
            paths: paths.to_vec(),
            created: now,
            done,
            by_deployer: false,
        };
        let view = inv.view(now);
        self.record(
            "CreateInvalidation",
            caller_reference,
            view.id.clone(),
            None,
        );
        self.invalidations
            .entry(dist.to_string())
            .or_default()
            .push(inv);
        let ds = &mut self.dists[d];
        ds.invalidations.retain(|t| *t > now);
        ds.invalidations.push(done);
        Ok(view)
    }

    /// `GetInvalidation`.
    pub(crate) fn op_get_invalidation(&self, dist: &str, id: &str) -> CloudResult<Invalidation> {
        self.need_distribution(dist)?;
        self.invalidations
            .get(dist)
            .and_then(|l| l.iter().find(|i| i.id == id))
            .map(|i| i.view(self.now))
            .ok_or_else(|| CloudError::NotFound {
                kind: "invalidation".into(),
                name: id.into(),
            })
    }

    /// `ListInvalidations`: newest first, `max_items` a page (at most 100), after the
    /// invalidation `marker` names (the id of the first one not listed yet).
    pub(crate) fn op_list_invalidations(
        &self,
        dist: &str,
        marker: Option<&str>,
        max_items: usize,
    ) -> CloudResult<InvalidationPage> {
        self.need_distribution(dist)?;
        let all = self.invalidations.get(dist).map_or(&[][..], Vec::as_slice);
        let newest_first = all.iter().rev();
        let from = match marker {
            None => 0,
            Some(m) => newest_first
                .clone()
                .position(|i| i.id == m)
                .ok_or_else(|| rejected("InvalidArgument", format!("Invalid marker {m:?}")))?,
        };
        let take = max_items.clamp(1, MAX_LIST_ITEMS);
        let mut rest = newest_first.skip(from);
        let items = rest
            .by_ref()
            .take(take)
            .map(|i| i.summary(self.now))
            .collect();
        Ok(InvalidationPage {
            items,
            next_marker: rest.next().map(|i| i.id.clone()),
        })
    }

    /// Truth: the invalidations created through the ports for distribution `dist`, oldest first.
    pub fn invalidations(&self, dist: &str) -> Vec<Invalidation> {
        self.invalidations
            .get(dist)
            .map(|l| {
                l.iter()
                    .filter(|i| !i.by_deployer)
                    .map(|i| i.view(self.now))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Truth: every invalidation of distribution `dist` (the deployer's too), oldest first.
    pub fn all_invalidations(&self, dist: &str) -> Vec<Invalidation> {
        self.invalidations
            .get(dist)
            .map(|l| l.iter().map(|i| i.view(self.now)).collect())
            .unwrap_or_default()
    }
}
