//! The `Cdn` port over CloudFront: distributions and invalidations.

mod cdn;
mod invalidations;
