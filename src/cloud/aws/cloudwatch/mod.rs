//! The `Logs` port over CloudWatch Logs: `FilterLogEvents` pages and live tails.

pub(super) mod livetail;
mod logs;
