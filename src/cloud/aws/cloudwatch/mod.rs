//! The `Logs` port over CloudWatch Logs: `FilterLogEvents` pages, live tails and CloudFront's
//! log deliveries.

mod deliveries;
pub(super) mod livetail;
mod logs;

pub use deliveries::DELIVERY_REGION;
