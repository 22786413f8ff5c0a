//! Tests of the generator and the W3C writer.

use super::*;
use crate::accesslog::*;
use crate::domain::Timestamp;

fn site() -> SiteProfile {
    SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: Some("01234567".into()),
    }
}

const T: Timestamp = Timestamp(1_795_597_200_000);

#[test]
fn the_same_seed_gives_the_same_records() {
    let a = LogGenerator::new(5, site()).window(T, 300_000, 200, &Conditions::default());
    let b = LogGenerator::new(5, site()).window(T, 300_000, 200, &Conditions::default());
    let c = LogGenerator::new(6, site()).window(T, 300_000, 200, &Conditions::default());
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn the_mix_looks_like_a_storefront() {
    let n = 20_000;
    let recs = LogGenerator::new(1, site()).window(T, 300_000, n, &Conditions::default());
    let share =
        |f: &dyn Fn(&AccessRecord) -> bool| recs.iter().filter(|r| f(r)).count() as f64 / n as f64;
    assert!(share(&|r| matches!(r.status, 200 | 206 | 304)) > 0.8);
    assert!(share(&|r| r.status == 301) > 0.01);
    assert!(share(&|r| r.status == 403 || r.status == 404) > 0.005);
    assert!(share(&|r| r.is_server_error()) < 0.01);
    assert!(share(&|r| r.edge_result_type == "Hit") > 0.3);
    assert!(share(&|r| r.edge_result_type == "Miss") > 0.1);
    assert!(share(&|r| r.client_ip.contains(':')) > 0.03);
    assert!(share(&|r| r.uri_stem == "/wp-login.php" || r.uri_stem == "/.env") > 0.0);
    assert!(share(&|r| r.uri_stem.starts_with("/api/")) > 0.1);
    assert!(
        recs.iter()
            .all(|r| r.time_to_first_byte_ms <= r.time_taken_ms)
    );
    assert!(recs.iter().all(|r| r.time >= T && r.time < T + 300_000));
    assert!(
        recs.windows(2).any(|w| w[0].time > w[1].time),
        "not in time order"
    );
    assert!(recs.iter().all(|r| r.request_id.len() == 56));
    let boosted = LogGenerator::new(1, site()).window(
        T,
        300_000,
        n,
        &Conditions {
            error_boost: 0.2,
            miss_boost: 0.5,
            latency_boost: 0.0,
        },
    );
    let errors = boosted.iter().filter(|r| r.is_server_error()).count() as f64 / n as f64;
    assert!(errors > 0.03, "{errors}");
}

#[test]
fn w3c_lines_have_33_fields_and_encode_the_user_agent_twice() {
    let recs = LogGenerator::new(2, site()).window(T, 300_000, 500, &Conditions::default());
    let mut text = String::new();
    write_w3c(&recs, &mut text);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("#Version: 1.0"));
    assert_eq!(lines.next().map(|l| l.split(' ').count()), Some(34));
    let mut double = 0;
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), FIELDS.len());
        assert!(cols.iter().all(|c| !c.is_empty() && !c.contains(' ')));
        assert_eq!(cols[0], "2026-11-25");
        if cols[10].contains("%2520") {
            double += 1;
        }
        assert!(
            cols[18].contains('.') && cols[27].contains('.'),
            "seconds with millis"
        );
    }
    assert!(double > 300);
}
