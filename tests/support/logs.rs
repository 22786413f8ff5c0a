//! Generated CloudFront access logs for the Traffic view's tests: records, gzip W3C objects and
//! the batches the runtime makes of them.

use shipdeck::accesslog::{AccessRecord, write_w3c};
use shipdeck::app::TrafficBatch;
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::domain::Timestamp;
use shipdeck::runtime::parse_objects;

/// The key the batches' object is read from.
pub const KEY: &str = "cloudfront/dev/E2DEVSTOREFRNT.2025-11-25-08.0a1b2c3d.gz";

/// `n` records of the dev site over `span` from `from`, with `error_boost` more errors.
pub fn generated(
    seed: u64,
    n: usize,
    from: Timestamp,
    span: i64,
    error_boost: f64,
) -> Vec<AccessRecord> {
    let site = SiteProfile {
        distribution_domain: "d111.cloudfront.net".into(),
        host: "dev.example.com".into(),
        asset_hash: "abc123".into(),
        stale_hash: None,
    };
    let cond = Conditions {
        error_boost,
        miss_boost: 0.0,
        latency_boost: 0.0,
    };
    LogGenerator::new(seed, site).window(from, span, n, &cond)
}

/// The records as one gzip W3C log object.
pub fn gzip(recs: &[AccessRecord]) -> Vec<u8> {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let mut text = String::new();
    write_w3c(recs, &mut text);
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

/// The batch the runtime makes of that object read from [`KEY`].
pub fn batch(recs: &[AccessRecord]) -> TrafficBatch {
    parse_objects("b", vec![(KEY.to_string(), Ok(gzip(recs)))])
}
