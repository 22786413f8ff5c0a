//! A deterministic generator of realistic CloudFront access records (pure: no I/O, no clock).

use super::tables::{
    ASNS, BEHAVIORS, BOTS, BROWSERS, EDGE_COUNTRIES, EDGES, REFERERS, SCANNERS, TOOLS,
};
use crate::accesslog::AccessRecord;
use crate::domain::{Millis, Timestamp};

/// The site a distribution serves, as the generator needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteProfile {
    /// The distribution's domain (`dxxxx.cloudfront.net`), logged as `cs(Host)`.
    pub distribution_domain: String,
    /// The alias viewers use (`www.example.com`), logged as `x-host-header`.
    pub host: String,
    /// Content hash of the deployed build's assets (`index-<hash>.js`).
    pub asset_hash: String,
    /// Hash of the previous build, still requested by cached pages for a while (404s).
    pub stale_hash: Option<String>,
}

/// Temporary conditions that skew the mix (a failed or fresh deploy).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Conditions {
    /// Extra probability that an origin request fails with a 5xx.
    pub error_boost: f64,
    /// Extra probability of a cache miss (fresh deploy, invalidation, a release that caches
    /// less).
    pub miss_boost: f64,
    /// Extra time taken, as a fraction of the usual (0.5: half as slow again): a slow release.
    pub latency_boost: f64,
}

/// Draws access records from a seed; the same seed and calls give the same records.
#[derive(Debug, Clone)]
pub struct LogGenerator {
    state: u64,
    pub(super) site: SiteProfile,
    clients: Vec<Client>,
}

#[derive(Debug, Clone)]
pub(super) struct Client {
    pub(super) ip: String,
    pub(super) agent: &'static str,
    pub(super) edge: &'static str,
    pub(super) kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Browser,
    Bot,
    Tool,
    Scanner,
}

impl LogGenerator {
    /// A generator for `site`, seeded with `seed`.
    pub fn new(seed: u64, site: SiteProfile) -> LogGenerator {
        let mut g = LogGenerator {
            state: seed ^ 0x5DEE_CE66_D1CE_4E5B,
            site,
            clients: Vec::new(),
        };
        g.clients = (0..96).map(|_| g.client()).collect();
        g
    }

    /// `count` records at random times in `[start, start + len)`, in no particular time order.
    pub fn window(
        &mut self,
        start: Timestamp,
        len: Millis,
        count: usize,
        cond: &Conditions,
    ) -> Vec<AccessRecord> {
        (0..count)
            .map(|_| {
                let at = start + self.int(0, len.max(1) - 1);
                self.record(at, cond)
            })
            .collect()
    }

    /// One record at time `at`.
    pub fn record(&mut self, at: Timestamp, cond: &Conditions) -> AccessRecord {
        let client = if self.f() < 0.8 {
            let i = self.int(0, self.clients.len() as i64 - 1) as usize;
            self.clients
                .get(i)
                .cloned()
                .unwrap_or_else(|| self.client())
        } else {
            self.client()
        };
        let https = self.f()
            > if client.kind == Kind::Scanner {
                0.3
            } else {
                0.02
            };
        let ask = self.ask(client.kind);
        let (status, result, detailed) = self.outcome(&ask, https, cond);
        let hit = result == "Hit" || result == "RefreshHit";
        let median = match (hit, ask.cacheable, status) {
            (_, _, 504) => 30_000.0,
            (_, _, 500..=599) => 900.0,
            (true, _, _) => 1.6,
            (false, true, _) => 45.0,
            (false, false, _) => {
                if ask.path.starts_with("/api/") {
                    110.0
                } else {
                    8.0
                }
            }
        };
        let slow = if hit { 1.0 } else { 1.0 + cond.latency_boost };
        let taken = (median * slow * (0.75 * self.normal()).exp()).clamp(0.0, 60_000.0) as u32;
        let ttfb = (f64::from(taken) * (0.55 + 0.4 * self.f())) as u32;
        let body = match status {
            200 => ask.size,
            304 | 0 => 0,
            301 => 183,
            _ => 915,
        };
        let protocol_version = match (https, self.f()) {
            (false, _) => "HTTP/1.1",
            (true, x) if x < 0.7 => "HTTP/2.0",
            (true, x) if x < 0.92 => "HTTP/1.1",
            _ => "HTTP/3.0",
        };
        let tls13 = self.f() < 0.8;
        let referer = match (client.kind, ask.path.starts_with("/assets/"), self.f()) {
            (Kind::Browser, true, _) => Some(format!("https://{}/", self.site.host)),
            (Kind::Browser, false, x) if x < 0.5 => Some(format!("https://{}/", self.site.host)),
            (Kind::Browser, false, x) if x < 0.75 => self.pick(REFERERS).map(|r| r.to_string()),
            _ => None,
        };
        let range = ask.content_type == "video/mp4";
        // The v2 fields follow from what was drawn (no draws of their own, so a seed gives the
        // same legacy fields as before): the edge's country, an AS of the address, the origin's
        // share of the time when the origin was asked.
        let country = EDGE_COUNTRIES
            .iter()
            .find(|(code, _)| client.edge.starts_with(code))
            .map(|(_, country)| country.to_string());
        let asn = ASNS
            .get(crate::accesslog::hash_str(&client.ip) as usize % ASNS.len())
            .map(|a| a.to_string());
        let behavior = BEHAVIORS
            .iter()
            .find(|b| match (b.strip_suffix('*'), b.strip_prefix('*')) {
                (Some(""), _) => true,
                (Some(prefix), _) => ask.path.starts_with(prefix),
                (None, Some(suffix)) => ask.path.ends_with(suffix),
                (None, None) => ask.path == **b,
            })
            .map(|b| b.to_string());
        let origin = !hit && status != 0 && !matches!(result, "Redirect" | "Error" if status < 500);
        let origin_fbl_ms = origin.then(|| ttfb.saturating_sub(ttfb / 8 + 1));
        let origin_lbl_ms = origin.then(|| taken.saturating_sub(taken / 10 + 1));
        AccessRecord {
            time: at,
            edge_location: client.edge.to_string(),
            sc_bytes: body + self.int(290, 620) as u64,
            client_ip: client.ip,
            method: ask.method.to_string(),
            host: self.site.distribution_domain.clone(),
            uri_stem: ask.path,
            status,
            referer,
            user_agent: Some(client.agent.to_string()),
            query: ask.query,
            cookie: None,
            edge_result_type: result.to_string(),
            request_id: self.request_id(),
            host_header: self.site.host.clone(),
            protocol: if https { "https" } else { "http" }.to_string(),
            cs_bytes: self.int(180, 1400) as u64,
            time_taken_ms: taken,
            forwarded_for: None,
            ssl_protocol: https.then(|| if tls13 { "TLSv1.3" } else { "TLSv1.2" }.to_string()),
            ssl_cipher: https.then(|| {
                if tls13 {
                    "TLS_AES_128_GCM_SHA256"
                } else {
                    "ECDHE-RSA-AES128-GCM-SHA256"
                }
                .to_string()
            }),
            response_result_type: result.to_string(),
            protocol_version: protocol_version.to_string(),
            fle_status: None,
            fle_encrypted_fields: None,
            client_port: self.int(1024, 65_535) as u16,
            time_to_first_byte_ms: ttfb,
            detailed_result_type: detailed.to_string(),
            content_type: (status != 304).then(|| {
                if status >= 400 {
                    "text/html"
                } else {
                    ask.content_type
                }
                .to_string()
            }),
            content_len: (status == 200 && ask.cacheable).then_some(body),
            range_start: (range && status == 206).then_some(0),
            range_end: (range && status == 206).then_some(body.saturating_sub(1)),
            origin_fbl_ms,
            origin_lbl_ms,
            asn,
            country,
            cache_behavior: behavior,
        }
    }

    fn client(&mut self) -> Client {
        let kind = match self.f() {
            x if x < 0.86 => Kind::Browser,
            x if x < 0.93 => Kind::Bot,
            x if x < 0.97 => Kind::Tool,
            _ => Kind::Scanner,
        };
        let table = match kind {
            Kind::Browser => BROWSERS,
            Kind::Bot => BOTS,
            Kind::Tool => TOOLS,
            Kind::Scanner => SCANNERS,
        };
        let agent = self.pick(table).copied().unwrap_or("curl/8.5.0");
        let total: u32 = EDGES.iter().map(|e| e.1).sum();
        let mut roll = self.int(0, i64::from(total) - 1) as u32;
        let mut edge = "FRA56-P1";
        for (name, w) in EDGES {
            if roll < *w {
                edge = name;
                break;
            }
            roll -= w;
        }
        let ip = if self.f() < 0.12 {
            format!(
                "2a02:{:x}:{:x}:{:x}::{:x}",
                self.int(0x100, 0xffff),
                self.int(0, 0xffff),
                self.int(0, 0xffff),
                self.int(1, 0xfff)
            )
        } else {
            let first = [
                31, 46, 62, 78, 84, 91, 94, 109, 176, 185, 188, 203, 212, 217,
            ][self.int(0, 13) as usize];
            format!(
                "{first}.{}.{}.{}",
                self.int(0, 255),
                self.int(0, 255),
                self.int(1, 254)
            )
        };
        Client {
            ip,
            agent,
            edge,
            kind,
        }
    }

    fn request_id(&mut self) -> String {
        const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut s: String = (0..54)
            .map(|_| B64[(self.next() & 63) as usize] as char)
            .collect();
        s.push_str("==");
        s
    }

    fn next(&mut self) -> u64 {
        // SplitMix64: tiny, fast and good enough for synthetic traffic.
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(super) fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
        }
    }

    pub(super) fn normal(&mut self) -> f64 {
        let u1 = self.f().max(1e-12);
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * self.f()).cos()
    }

    pub(super) fn pick<T>(&mut self, items: &'static [T]) -> Option<&'static T> {
        items.get(self.int(0, items.len() as i64 - 1) as usize)
    }
}
