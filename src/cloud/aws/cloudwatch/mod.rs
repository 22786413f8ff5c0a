//! The `Logs` port over CloudWatch Logs (`FilterLogEvents` pages, live tails and CloudFront's
//! log deliveries) and the `Metrics` port over CloudWatch (`GetMetricData`).

mod deliveries;
pub(super) mod emulator_json;
pub(super) mod livetail;
mod logs;
mod metrics;

pub use deliveries::DELIVERY_REGION;
