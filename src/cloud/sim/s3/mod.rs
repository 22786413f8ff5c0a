//! The simulator's S3: versioned buckets, listings, the writes (puts, multipart uploads, copies)
//! and an optional latency and bandwidth model.

pub(super) mod buckets;
pub mod pace;
pub(super) mod uploads;
