//! The request mix: what viewers ask for, and how the edge answers (status and result type).

use super::generate::{Conditions, Kind, LogGenerator};
use super::tables::{PRODUCTS, SCAN_PATHS, SEARCHES};

/// What a request asks for, before the edge decides the outcome.
pub(super) struct Ask {
    pub(super) method: &'static str,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) content_type: &'static str,
    pub(super) size: u64,
    pub(super) cacheable: bool,
    pub(super) fixed: Option<u16>,
}

impl LogGenerator {
    pub(super) fn ask(&mut self, kind: Kind) -> Ask {
        let a = |method, path: String, ct, size, cacheable| Ask {
            method,
            path,
            query: None,
            content_type: ct,
            size,
            cacheable,
            fixed: None,
        };
        let product = self.pick(PRODUCTS).copied().unwrap_or("canvas-tote");
        let hash = self.site.asset_hash.clone();
        let x = self.f();
        match kind {
            Kind::Scanner => {
                let mut s = a(
                    "GET",
                    self.pick(SCAN_PATHS).copied().unwrap_or("/.env").into(),
                    "text/html",
                    0,
                    false,
                );
                s.fixed = Some(if self.f() < 0.5 { 403 } else { 404 });
                if s.path.contains("xmlrpc") {
                    s.method = "POST"
                }
                s
            }
            Kind::Bot if x < 0.15 => a("GET", "/robots.txt".into(), "text/plain", 68, true),
            Kind::Bot if x < 0.3 => a("GET", "/sitemap.xml".into(), "application/xml", 2_310, true),
            Kind::Tool if x < 0.5 => a("GET", "/api/health".into(), "application/json", 27, false),
            _ => match self.f() {
                x if x < 0.14 => a("GET", "/".into(), "text/html", 1_932, true),
                x if x < 0.18 => a("GET", "/index.html".into(), "text/html", 1_932, true),
                x if x < 0.26 => a(
                    "GET",
                    format!("/assets/index-{hash}.js"),
                    "application/javascript",
                    148_211,
                    true,
                ),
                x if x < 0.33 => a(
                    "GET",
                    format!("/assets/vendor-{}.js", &hash[..hash.len().min(6)]),
                    "application/javascript",
                    412_907,
                    true,
                ),
                x if x < 0.40 => a(
                    "GET",
                    format!("/assets/index-{hash}.css"),
                    "text/css",
                    38_640,
                    true,
                ),
                x if x < 0.42 => match self.site.stale_hash.clone() {
                    Some(old) => {
                        let mut s = a(
                            "GET",
                            format!("/assets/index-{old}.js"),
                            "text/html",
                            0,
                            true,
                        );
                        s.fixed = Some(404);
                        s
                    }
                    None => a(
                        "GET",
                        format!("/assets/index-{hash}.js"),
                        "application/javascript",
                        148_211,
                        true,
                    ),
                },
                x if x < 0.58 => a(
                    "GET",
                    format!("/images/products/{product}.webp"),
                    "image/webp",
                    self.int(18_000, 160_000) as u64,
                    true,
                ),
                x if x < 0.61 => a(
                    "GET",
                    format!("/images/hero-{}.jpg", self.int(1, 4)),
                    "image/jpeg",
                    284_113,
                    true,
                ),
                x if x < 0.62 => a(
                    "GET",
                    "/media/lookbook.mp4".into(),
                    "video/mp4",
                    1_048_576,
                    true,
                ),
                x if x < 0.66 => a("GET", "/favicon.ico".into(), "image/x-icon", 15_086, true),
                x if x < 0.67 => a("GET", "/robots.txt".into(), "text/plain", 68, true),
                x if x < 0.72 => a(
                    "GET",
                    format!("/products/{product}"),
                    "text/html",
                    1_932,
                    true,
                ),
                x if x < 0.73 => {
                    let mut s = a(
                        "GET",
                        format!("/products/{product}/"),
                        "text/html",
                        0,
                        false,
                    );
                    s.fixed = Some(301);
                    s
                }
                x if x < 0.80 => a(
                    "GET",
                    "/api/products".into(),
                    "application/json",
                    9_211,
                    false,
                ),
                x if x < 0.85 => a(
                    "GET",
                    format!("/api/products/{product}"),
                    "application/json",
                    1_804,
                    false,
                ),
                x if x < 0.88 => {
                    let mut s = a(
                        "GET",
                        "/api/search".into(),
                        "application/json",
                        4_020,
                        false,
                    );
                    let term = self.pick(SEARCHES).copied().unwrap_or("scarf");
                    s.query = Some(format!("q={}", term.replace(' ', "+").replace('&', "%26")));
                    s
                }
                x if x < 0.93 => a("POST", "/api/cart".into(), "application/json", 611, false),
                x if x < 0.95 => a("OPTIONS", "/api/cart".into(), "text/plain", 0, false),
                x if x < 0.97 => a("GET", "/api/session".into(), "application/json", 142, false),
                _ => {
                    let mut s = a("GET", "/".into(), "text/html", 1_932, true);
                    s.query =
                        Some("utm_source=newsletter&utm_medium=email&utm_campaign=winter".into());
                    s
                }
            },
        }
    }

    pub(super) fn outcome(
        &mut self,
        ask: &Ask,
        https: bool,
        cond: &Conditions,
    ) -> (u16, &'static str, &'static str) {
        if !https {
            return (301, "Redirect", "Redirect");
        }
        match ask.fixed {
            Some(301) => return (301, "Redirect", "Redirect"),
            Some(code) => return (code, "Error", "Error"),
            None => {}
        }
        if ask.cacheable && self.f() < (0.88 - cond.miss_boost).max(0.0) {
            let conditional = ask.content_type.starts_with("text/html") || self.f() < 0.25;
            if conditional && self.f() < 0.5 {
                return (304, "RefreshHit", "RefreshHit");
            }
            let status = if ask.content_type == "video/mp4" {
                206
            } else {
                200
            };
            return (status, "Hit", "Hit");
        }
        if self.f() < 0.0015 + cond.error_boost {
            return match self.f() {
                x if x < 0.5 => (502, "Error", "OriginConnectError"),
                x if x < 0.8 => (503, "Error", "Error"),
                _ => (504, "Error", "OriginCommError"),
            };
        }
        if self.f() < 0.001 {
            return (0, "Error", "ClientCommError");
        }
        if ask.path.starts_with("/api/") && self.f() < 0.03 {
            return (if self.f() < 0.5 { 401 } else { 404 }, "Error", "Error");
        }
        (200, "Miss", "Miss")
    }
}
