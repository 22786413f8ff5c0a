//! Fuzz target: any text through the filter expression parser; an error points inside the
//! text, a parsed filter re-parses from its source to the same tree and evaluates on records.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipdeck::accesslog::{AccessRecord, Filter};
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::domain::Timestamp;
use std::sync::OnceLock;

/// A fixed sample of generated records to evaluate parsed filters on.
fn records() -> &'static [AccessRecord] {
    static RECORDS: OnceLock<Vec<AccessRecord>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let site = SiteProfile {
            distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
            host: "www.storefront.example.com".into(),
            asset_hash: "9f8e7d6c".into(),
            stale_hash: Some("01234567".into()),
        };
        let cond = Conditions {
            error_boost: 0.05,
            miss_boost: 0.1,
            latency_boost: 0.0,
        };
        LogGenerator::new(7, site).window(Timestamp(1_795_597_200_000), 3_600_000, 64, &cond)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Filter::parse(text) {
        Err(e) => {
            assert!(
                e.position <= text.chars().count(),
                "error position {} beyond the text",
                e.position
            );
            assert!(!e.message.is_empty());
            let _ = e.to_string();
        }
        Ok(filter) => {
            let again = Filter::parse(filter.source()).expect("a filter's source parses");
            assert_eq!(again.expr(), filter.expr());
            let matched = records().iter().filter(|r| filter.matches(*r)).count();
            if filter.is_all() {
                assert_eq!(matched, records().len());
            }
        }
    }
});
