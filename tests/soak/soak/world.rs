//! The soak's fault rates, the operator's dice and the exact count of the logs bucket.

use shipdeck::app::State;
use shipdeck::cloud::sim::{FaultRates, LogFaultRates, SECRET_COOKIE, SimCloud};
use shipdeck::domain::Timestamp;
use std::collections::BTreeSet;

pub fn call_faults() -> FaultRates {
    FaultRates {
        throttle: 0.03,
        timeout: 0.025,
        server_error: 0.03,
        // An expired session stays expired until the operator logs in again, two minutes on.
        expired_credentials: 0.002,
        relogin_after: Some(2 * Timestamp::MINUTE),
        lost_reply: 0.08,
    }
}

pub fn log_faults() -> LogFaultRates {
    LogFaultRates {
        truncated_body: 0.05,
        corrupt_object: 0.03,
        late_delivery: 0.05,
        duplicate_delivery: 0.1,
    }
}

/// A tiny deterministic generator for the operator's moments and choices.
pub struct Dice(pub u64);
impl Dice {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Records, objects and records with a secret cookie of the tailed distribution's log objects
/// from the tail's first hour on, counted by reading each object once through the storage port.
pub async fn exact_records(sim: &SimCloud, state: &State) -> (u64, usize, u64) {
    use shipdeck::accesslog::{hour_floor, key_hour};
    let spec = &state.envs[state.traffic.env].spec;
    let bucket = spec.logs_bucket.as_deref().unwrap_or_default();
    let storage = sim.cloud().storage;
    let prefix = format!("{}{}.", spec.logs_prefix, spec.distribution_id);
    let first = hour_floor(state.traffic.since);
    let (mut records, mut objects, mut cookies) = (0u64, 0usize, 0u64);
    let mut seen = BTreeSet::new();
    let mut token: Option<String> = None;
    loop {
        let page = storage
            .list_objects(bucket, &prefix, None, token.as_deref(), 1000)
            .await
            .unwrap();
        for o in &page.objects {
            let hour = key_hour(&o.key, &spec.logs_prefix, &spec.distribution_id).unwrap();
            if hour < first || !seen.insert(o.key.clone()) {
                continue;
            }
            objects += 1;
            let body = storage.get_object(bucket, &o.key).await.unwrap();
            shipdeck::accesslog_io::read_bytes(&body, &o.key, &mut |v| {
                records += 1;
                cookies += u64::from(v.cookie().is_some_and(|c| c.contains(SECRET_COOKIE)));
            });
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    (records, objects, cookies)
}
