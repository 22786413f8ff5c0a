//! The simulator's S3: versioned buckets, listings and the writes (puts, multipart uploads, copies).

pub(super) mod buckets;
pub(super) mod uploads;
