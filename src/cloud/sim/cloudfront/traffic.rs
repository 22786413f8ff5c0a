//! CloudFront: the distributions, their diurnal traffic and the access-log files they deliver.

use super::super::Simulator;
use super::super::config::SECRET_COOKIE;
use super::super::events::Ev;
use super::super::rng::Rng;
use super::super::s3::buckets::{Body, Object, etag_of};
use super::invalidations::InvalidationSim;
use super::logfaults::Damage;
use super::logging::{SimSource, Writing, setup};
use super::{Conditions, LogFormat, LogGenerator, SiteProfile, write_log};
use crate::accesslog::{AccessRecord, write_w3c};
use crate::domain::{Distribution, LogSource, Millis, Release, Timestamp};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::collections::BTreeMap;
use std::io::Write;

/// Length of one traffic window (and roughly one log file).
const WINDOW: Millis = 5 * Timestamp::MINUTE;
/// Lambda logs are written for windows from this long before the start on.
const LAMBDA_HISTORY: Millis = Timestamp::HOUR;
/// CloudFront's metrics are published for windows from this long before the start on.
const METRICS_HISTORY: Millis = Timestamp::HOUR;
/// Estimated gzip bytes per record, for the listed size of a file not read yet.
const EST_BYTES: u64 = 96;

/// How to regenerate one access-log file: everything the generator needs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogRecipe {
    seed: u64,
    site: SiteProfile,
    start: Timestamp,
    count: usize,
    cond: Conditions,
    damage: Damage,
    cookies: bool,
    writing: Writing,
}

impl LogRecipe {
    /// The file as its source writes it: gzip W3C (legacy), or the delivery's format (gzip
    /// unless Parquet).
    pub(crate) fn render(&self) -> Vec<u8> {
        let records = self.records();
        let text = match &self.writing {
            Writing::Legacy => {
                let mut text = String::with_capacity(self.count * 420 + 512);
                write_w3c(&records, &mut text);
                text.into_bytes()
            }
            Writing::V2 { format, fields } => {
                // Writing to memory fails only on a schema error: then the file is empty.
                let body = write_log(&records, fields, *format).unwrap_or_default();
                if matches!(format, LogFormat::Parquet { .. }) {
                    return self.damage.apply(body);
                }
                body
            }
        };
        let mut gz = GzEncoder::new(Vec::with_capacity(text.len() / 6), Compression::default());
        // Writing to a Vec cannot fail; on the impossible error the file is simply empty.
        let bytes = gz
            .write_all(&text)
            .and_then(|()| gz.finish())
            .unwrap_or_default();
        self.damage.apply(bytes)
    }
}

impl LogRecipe {
    /// The window's records, in no particular time order.
    fn records(&self) -> Vec<AccessRecord> {
        let mut generator = LogGenerator::new(self.seed, self.site.clone());
        let mut records = generator.window(self.start, WINDOW, self.count, &self.cond);
        if self.cookies {
            for (i, r) in records.iter_mut().enumerate() {
                let secret = format!("{SECRET_COOKIE}{:016x}", self.seed ^ i as u64);
                r.cookie = Some(format!("session={secret};%20theme=dark"));
            }
        }
        records
    }
}

/// One distribution with its traffic model.
#[derive(Debug, Clone)]
pub(crate) struct DistSim {
    /// Environment index.
    env: usize,
    /// What `GetDistribution` shows (invalidations computed on view).
    pub(crate) dist: Distribution,
    site: SiteProfile,
    peak: f64,
    stale_until: Timestamp,
    miss_until: Timestamp,
    error_until: Timestamp,
    error_level: f64,
    /// How the release that runs skews the traffic (all zero for a healthy one): from the
    /// moment its deploy succeeded until another deploy replaces it (a rollback, the next
    /// release).
    harm: Conditions,
    pub(crate) invalidations: Vec<Timestamp>,
    /// When the latest configuration change has reached every edge location.
    propagated: Timestamp,
    /// How it logs: legacy logging and v2 deliveries.
    pub(crate) sources: Vec<SimSource>,
    /// Whether its additional metrics (cache-hit rate, origin latency) are on: not for the
    /// first environment (dev), as they cost extra.
    pub(crate) additional_metrics: bool,
}

impl DistSim {
    /// The distribution as the API shows it at `now`: `InProgress` until its latest
    /// configuration change has propagated, then `Deployed` (invalidations do not change it).
    pub(crate) fn view(&self, now: Timestamp) -> Distribution {
        let mut d = self.dist.clone();
        d.in_progress_invalidations =
            self.invalidations.iter().filter(|t| **t > now).count() as u32;
        d.status = if now < self.propagated {
            "InProgress"
        } else {
            "Deployed"
        }
        .into();
        d
    }
}

/// How `release` skews its distribution's traffic while it runs: nothing for a healthy release;
/// for one that [`degrades`](crate::cloud::sim::degrades) (the release the CloudWatchAlarm rule
/// sees in ALARM), 5 % more origin requests fail with a 5xx, and, decided by its commit as well,
/// a third of those also take 2.5× as long at the origin and another third miss the cache 30 %
/// more often.
pub fn harm(release: Option<&Release>) -> Conditions {
    let Some(r) = release.filter(|r| crate::cloud::sim::degrades(Some(r))) else {
        return Conditions::default();
    };
    let kind = r
        .commit
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31) ^ u32::from(b))
        % 3;
    Conditions {
        error_boost: 0.05,
        latency_boost: if kind == 1 { 1.5 } else { 0.0 },
        miss_boost: if kind == 2 { 0.3 } else { 0.0 },
    }
}

/// Requests per second relative to the daily peak (≈ 15:00 UTC), between 0.1 and 1.
fn diurnal(t: Timestamp) -> f64 {
    let hour = t.millis().rem_euclid(Timestamp::DAY) as f64 / Timestamp::HOUR as f64;
    0.55 - 0.45 * (std::f64::consts::TAU * (hour - 15.0) / 24.0).cos()
}

/// The CloudFront Function environment `env`'s distribution of `app` runs on viewer requests (it
/// adds the security headers and rewrites `/` to `/index.html`).
pub(crate) fn viewer_function(app: &str, env: &str) -> String {
    format!("{app}-{env}-viewer-request")
}

fn host_of(url: Option<&str>) -> Option<String> {
    let rest = url?.split("://").nth(1)?;
    rest.split('/').next().map(str::to_string)
}

impl Simulator {
    /// Creates one distribution per environment and schedules their first traffic windows.
    pub(crate) fn init_traffic(&mut self, t0: Timestamp) {
        let created = t0 - 200 * Timestamp::DAY;
        let app = self.app_name();
        for env in 0..self.envs.len() {
            let spec = self.envs[env].spec.clone();
            const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
            let domain: String = (0..13)
                .map(|_| ALNUM[self.rng.below(ALNUM.len())] as char)
                .collect();
            let domain = format!("d{domain}.cloudfront.net");
            let alias = host_of(spec.site_url.as_deref());
            let peak = if spec.protected {
                6.0
            } else if spec.promotes_from.is_none() {
                0.2
            } else {
                0.5
            };
            let sources = setup(&spec, self.cfg.account(&spec.name));
            let legacy = sources.iter().find_map(|s| match s.writing {
                Writing::Legacy => s.source.s3(),
                Writing::V2 { .. } => None,
            });
            let dist = Distribution {
                id: spec.distribution_id.clone(),
                domain_name: domain.clone(),
                status: "Deployed".into(),
                enabled: true,
                aliases: alias.iter().cloned().collect(),
                logging_bucket: legacy.map(|(b, _)| format!("{b}.s3.amazonaws.com")),
                logging_prefix: legacy.map(|(_, p)| p.to_string()),
                last_modified: created,
                in_progress_invalidations: 0,
                viewer_function: Some(viewer_function(&app, &spec.name)),
            };
            let site = SiteProfile {
                distribution_domain: domain.clone(),
                host: alias.unwrap_or(domain),
                asset_hash: self.rng.hex(8),
                stale_hash: None,
            };
            self.dists.push(DistSim {
                env,
                dist,
                site,
                peak,
                stale_until: t0,
                miss_until: t0,
                error_until: t0,
                error_level: 0.0,
                harm: Conditions::default(),
                invalidations: Vec::new(),
                propagated: created,
                sources,
                additional_metrics: spec.promotes_from.is_some(),
            });
            let first = Timestamp(t0.millis() - t0.millis().rem_euclid(WINDOW));
            self.agenda.push(
                first,
                Ev::Traffic {
                    dist: self.dists.len() - 1,
                },
            );
        }
    }

    /// Someone changes distribution `id`'s configuration (an infrastructure apply): its
    /// `LastModifiedTime` is now, and `GetDistribution` says `InProgress` until the change has
    /// propagated to every edge location, a few minutes later. `false` if there is no such
    /// distribution.
    pub fn change_distribution(&mut self, id: &str) -> bool {
        let now = self.now;
        let propagation = self
            .rng
            .range(3 * Timestamp::MINUTE, 12 * Timestamp::MINUTE);
        let Some(d) = self.dists.iter_mut().find(|d| d.dist.id == id) else {
            return false;
        };
        d.dist.last_modified = now;
        d.propagated = now + propagation;
        true
    }

    /// Environment `env`'s site and API fail `share` of their requests (0.05: 5 %) with server
    /// errors for the next `ms` milliseconds, as after a bad deploy; `false` if there is no such
    /// environment.
    pub fn degrade(&mut self, env: &str, share: f64, ms: Millis) -> bool {
        let now = self.now;
        let Some(i) = self.envs.iter().position(|e| e.spec.name == env) else {
            return false;
        };
        let Some(d) = self.dists.iter_mut().find(|d| d.env == i) else {
            return false;
        };
        d.error_until = now + ms;
        d.error_level = share.clamp(0.0, 1.0);
        true
    }

    /// The share of environment `env`'s (index) requests failing with server errors now.
    pub(crate) fn failing_share(&self, env: usize) -> f64 {
        self.dists
            .iter()
            .find(|d| d.env == env)
            .filter(|d| self.now < d.error_until)
            .map_or(0.0, |d| d.error_level)
    }

    /// A Deploy action ended in `env`: a fresh build changes asset hashes, invalidates the cache
    /// and bumps misses (and briefly errors), and `release` now runs, healthy or [harmful](harm);
    /// a failed one bumps origin errors for a while (what ran before still runs).
    pub(crate) fn on_deploy_done(&mut self, env: usize, ok: bool, release: Option<&Release>) {
        let now = self.now;
        let hash = self.rng.hex(8);
        let done = now + self.rng.range(60_000, 150_000);
        let Some(d) = self.dists.iter_mut().find(|d| d.env == env) else {
            return;
        };
        if ok {
            d.site.stale_hash = Some(std::mem::replace(&mut d.site.asset_hash, hash.clone()));
            d.stale_until = now + 45 * Timestamp::MINUTE;
            d.miss_until = now + 10 * Timestamp::MINUTE;
            d.error_until = now + 3 * Timestamp::MINUTE;
            d.error_level = 0.01;
            d.harm = harm(release);
            d.invalidations.retain(|t| *t > now);
            d.invalidations.push(done);
            // The deployer's `/*`, listed by `ListInvalidations` like any other.
            let list = self.invalidations.entry(d.dist.id.clone()).or_default();
            list.push(InvalidationSim::by_deployer(&hash, list.len(), now, done));
        } else {
            d.error_until = now + 15 * Timestamp::MINUTE;
            d.error_level = 0.06;
        }
    }

    /// One five-minute window of a distribution: its log file (delivered later) and its API calls.
    pub(crate) fn traffic_window(&mut self, dist: usize) {
        let w = self.now;
        self.agenda.push(w + WINDOW, Ev::Traffic { dist });
        let d = &self.dists[dist];
        let rate = d.peak * diurnal(w) * self.cfg.traffic_scale;
        let count = self.rng.poisson(rate * (WINDOW / 1000) as f64) as usize;
        let error = if w < d.error_until {
            d.error_level
        } else {
            0.0
        };
        let fresh = if w < d.miss_until { 0.5 } else { 0.0 };
        let cond = Conditions {
            error_boost: error + d.harm.error_boost,
            miss_boost: f64::max(fresh, d.harm.miss_boost),
            latency_boost: d.harm.latency_boost,
        };
        let mut site = d.site.clone();
        if w >= d.stale_until {
            site.stale_hash = None;
        }
        let env = d.env;
        let start = self.cfg.start;
        if count > 0 {
            let recipe = LogRecipe {
                seed: self.rng.next_u64(),
                site,
                start: w,
                count,
                cond,
                damage: self.roll_damage(),
                cookies: self.cfg.secret_cookies,
                writing: Writing::Legacy,
            };
            if w + WINDOW >= start - METRICS_HISTORY {
                // The metrics count the very requests the log file holds.
                let id = self.dists[dist].dist.id.clone();
                let additional = self.dists[dist].additional_metrics;
                let function = self.dists[dist].dist.viewer_function.clone();
                self.publish_cdn_metrics(&id, additional, &recipe.records());
                if let Some(f) = function {
                    self.publish_function_metrics(&f, &recipe.records());
                }
            }
            let sources = self.dists[dist].sources.clone();
            for (i, source) in sources.iter().enumerate() {
                let recipe = LogRecipe {
                    writing: source.writing.clone(),
                    ..recipe.clone()
                };
                if source.source.log_group().is_some() {
                    self.deliver_events(dist, source, &recipe, i as u64);
                } else if i == 0 {
                    self.deliver_log(dist, source, recipe);
                } else {
                    self.deliver_more(dist, source, recipe, i as u64);
                }
            }
        }
        if w + WINDOW >= start - LAMBDA_HISTORY {
            let calls = self.rng.poisson(rate * 0.1 * (WINDOW / 1000) as f64) as usize;
            self.write_lambda_logs(env, w, WINDOW, calls, error);
        }
    }
}

impl Simulator {
    /// Delivers one window's log file of `source`, a few minutes later (sometimes hours, as
    /// CloudFront does), maybe twice.
    fn deliver_log(&mut self, dist: usize, source: &SimSource, recipe: LogRecipe) {
        let w = recipe.start;
        let count = recipe.count;
        let late = self.rng.chance(0.03);
        let delay = if self.log_fault("late_delivery", self.cfg.log_faults.late_delivery) {
            self.fault_rng
                .range(2 * Timestamp::HOUR, 20 * Timestamp::HOUR)
        } else if late {
            self.rng.range(Timestamp::HOUR, 8 * Timestamp::HOUR)
        } else {
            self.rng
                .range(2 * Timestamp::MINUTE, 12 * Timestamp::MINUTE)
        };
        let delivered = w + WINDOW + delay;
        let unique = self.rng.hex(8);
        let Some((bucket, key)) = source.key(&self.dists[dist].dist.id, w, &unique) else {
            return;
        };
        // The body is generated (and gzipped) on first read; until then the listed size is an
        // estimate (about 96 bytes a record at gzip level 6).
        let etag = etag_of(&recipe.seed.to_le_bytes());
        let size = count as u64 * EST_BYTES + 180;
        let body = Body::Lazy(Box::new(recipe));
        let metadata = BTreeMap::new();
        let object = Object {
            body,
            size,
            etag,
            version_id: None,
            last_modified: delivered,
            metadata,
        };
        if self.log_fault("redelivery", self.cfg.log_faults.duplicate_delivery) {
            let again = delivered + self.fault_rng.range(Timestamp::MINUTE, Timestamp::HOUR);
            let mut copy = object.clone();
            copy.last_modified = again;
            self.agenda.push(
                again,
                Ev::Deliver {
                    bucket: bucket.clone(),
                    key: key.clone(),
                    object: Box::new(copy),
                },
            );
        }
        self.agenda.push(
            delivered,
            Ev::Deliver {
                bucket,
                key,
                object: Box::new(object),
            },
        );
    }

    /// Delivers one window's file of a distribution's second or later source: its delivery
    /// drawn from the window's own seed, so that the world's other draws stay as they were
    /// (faults strike the first source only).
    fn deliver_more(&mut self, dist: usize, source: &SimSource, recipe: LogRecipe, n: u64) {
        let mut rng = Rng::new(recipe.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let delay = if rng.chance(0.03) {
            rng.range(Timestamp::HOUR, 8 * Timestamp::HOUR)
        } else {
            rng.range(2 * Timestamp::MINUTE, 12 * Timestamp::MINUTE)
        };
        let delivered = recipe.start + WINDOW + delay;
        let unique = rng.hex(8);
        let Some((bucket, key)) = source.key(&self.dists[dist].dist.id, recipe.start, &unique)
        else {
            return;
        };
        let object = Object {
            etag: etag_of(&recipe.seed.to_le_bytes()),
            size: recipe.count as u64 * EST_BYTES + 180,
            body: Body::Lazy(Box::new(recipe)),
            version_id: None,
            last_modified: delivered,
            metadata: BTreeMap::new(),
        };
        let object = Box::new(object);
        self.agenda.push(
            delivered,
            Ev::Deliver {
                bucket,
                key,
                object,
            },
        );
    }

    /// Writes one window's records of a delivery to a log group: one JSON event each (every
    /// value a string), in a stream named by the distribution, at the request's time, ingested
    /// 20 s to 2 min later (the event's time, as CloudWatch Logs orders and filters them, is the
    /// request's); events older than a day expire (and the history before the demo's start
    /// writes only its last day). Drawn from the window's own seed, so that the
    /// world's other draws stay as they were.
    fn deliver_events(&mut self, dist: usize, source: &SimSource, recipe: &LogRecipe, n: u64) {
        let (Some(arn), Writing::V2 { format, fields }) =
            (source.source.log_group(), &source.writing)
        else {
            return;
        };
        // The group keeps a day: the history before that is never written (it would expire).
        if recipe.start + WINDOW < self.cfg.start - Timestamp::DAY {
            return;
        }
        let group = crate::cloud::group_name(arn).to_string();
        // The delivery's group is in the distribution's account, which its ARN names.
        let account = (arn.split(':').nth(4).filter(|a| !a.is_empty()))
            .unwrap_or(super::super::ACCOUNT)
            .to_string();
        let group = (account.as_str(), group.as_str());
        let stream = self.dists[dist].dist.id.clone();
        let mut rng = Rng::new(recipe.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        self.logs.expire(group, recipe.start - Timestamp::DAY);
        for record in recipe.records() {
            let body =
                write_log(std::slice::from_ref(&record), fields, *format).unwrap_or_default();
            let message = String::from_utf8_lossy(&body).trim_end().to_string();
            let ingested = record.time + rng.range(20 * Timestamp::SECOND, 2 * Timestamp::MINUTE);
            self.logs
                .put_vended(group, &stream, (record.time, ingested), message);
        }
    }

    /// The v2 deliveries of distribution `id` (none for an unknown one: the delivery APIs list
    /// sources, they do not look a distribution up).
    pub(crate) fn log_deliveries(&self, id: &str) -> Vec<LogSource> {
        self.dists
            .iter()
            .filter(|d| d.dist.id == id)
            .flat_map(|d| &d.sources)
            .filter(|s| matches!(s.writing, Writing::V2 { .. }))
            .map(|s| s.source.clone())
            .collect()
    }

    /// Whether `bucket` receives access logs.
    pub(crate) fn is_logs_bucket(&self, bucket: &str) -> bool {
        self.dists
            .iter()
            .flat_map(|d| &d.sources)
            .any(|s| s.source.s3().is_some_and(|(b, _)| b == bucket))
    }
}
