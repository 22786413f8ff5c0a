//! Unit tests of the log-object faults: corrupt at rest stays corrupt, a body cut in transit
//! leaves the object whole, listings repeat keys, late and repeated deliveries happen.

use super::super::config::LogFaultRates;
use super::super::*;
use crate::accesslog_io::read_bytes;
use crate::domain::Timestamp;

fn faulty(rates: LogFaultRates) -> Simulator {
    let config = SimConfig {
        history_days: 1,
        traffic_scale: 0.05,
        log_faults: rates,
        ..SimConfig::default()
    };
    Simulator::new(config, &demo_specs())
}

fn logs(sim: &Simulator) -> (String, Vec<String>) {
    let spec = &sim.envs[2].spec;
    let bucket = spec.logs_bucket.clone().unwrap_or_default();
    let prefix = format!("{}{}.", spec.logs_prefix, spec.distribution_id);
    let page = sim.buckets.list(&bucket, &prefix, None, None, 1000);
    let keys = page.map(|p| p.objects.into_iter().map(|o| o.key).collect());
    (bucket, keys.unwrap_or_default())
}

fn errors(bytes: &[u8]) -> usize {
    read_bytes(bytes, "x", &mut |_| {}).errors.len()
}

#[test]
fn corrupt_objects_stay_corrupt_and_whole_ones_stay_whole() {
    let mut sim = faulty(LogFaultRates {
        corrupt_object: 0.3,
        ..LogFaultRates::default()
    });
    let (bucket, keys) = logs(&sim);
    assert!(keys.len() > 50, "{}", keys.len());
    let mut broken = 0;
    for key in &keys {
        let first = sim.buckets.get(&bucket, key).unwrap_or_default();
        let again = sim.buckets.get(&bucket, key).unwrap_or_default();
        assert_eq!(first, again, "{key}: the same bytes at every read");
        broken += usize::from(errors(&first) > 0);
    }
    assert!(
        broken > 0 && broken < keys.len(),
        "{broken} of {}",
        keys.len()
    );
    assert!(sim.stats().faults_of("corrupt_object") > 0);
}

#[test]
fn a_body_cut_in_transit_leaves_the_object_whole() {
    let mut sim = faulty(LogFaultRates {
        truncated_body: 1.0,
        ..LogFaultRates::default()
    });
    let (bucket, keys) = logs(&sim);
    let key = keys.first().cloned().unwrap_or_default();
    let whole = sim.buckets.get(&bucket, &key).unwrap_or_default();
    assert_eq!(errors(&whole), 0);
    let cut = sim.read_in_transit(&bucket, whole.clone());
    assert!(cut.len() < whole.len() && errors(&cut) > 0);
    assert_eq!(sim.buckets.get(&bucket, &key).unwrap_or_default(), whole);
    // Other buckets' objects are never cut.
    assert_eq!(sim.read_in_transit("elsewhere", whole.clone()), whole);
}

#[test]
fn listings_repeat_keys_and_files_arrive_late_and_twice() {
    let mut sim = faulty(LogFaultRates {
        late_delivery: 0.3,
        duplicate_delivery: 0.3,
        ..LogFaultRates::default()
    });
    sim.advance(6 * Timestamp::HOUR);
    let stats = sim.stats();
    assert!(stats.faults_of("late_delivery") > 0 && stats.faults_of("redelivery") > 0);
    let (bucket, keys) = logs(&sim);
    let spec = sim.envs[2].spec.clone();
    let infos = sim
        .buckets
        .list(&bucket, &spec.logs_prefix, None, None, 1000)
        .map(|p| p.objects)
        .unwrap_or_default();
    let late = infos
        .iter()
        .filter_map(|o| {
            let hour =
                crate::accesslog::key_hour(&o.key, &spec.logs_prefix, &spec.distribution_id)?;
            Some(o.last_modified.since(hour))
        })
        .any(|d| d > 2 * Timestamp::HOUR);
    assert!(late, "some files were delivered hours after their hour");
    let mut repeated = false;
    for _ in 0..20 {
        let page = sim.list_in_transit(&bucket, infos.clone());
        repeated |= page.len() == infos.len() + 1;
    }
    assert!(
        repeated && !keys.is_empty(),
        "a listing returned a key twice"
    );
}
