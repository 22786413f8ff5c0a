//! The `Logs` port over CloudWatch Logs (`FilterLogEvents` pages, live tails, CloudFront's
//! log deliveries and Logs Insights queries) and the `Metrics` port over CloudWatch (`GetMetricData`).

mod deliveries;
pub(super) mod emulator_json;
mod insights;
pub(super) mod livetail;
mod logs;
mod metrics;

pub use deliveries::DELIVERY_REGION;
