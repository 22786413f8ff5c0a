//! The `Storage` port over S3: listings and reads, and the writes (puts, multipart uploads, copies).

pub(super) mod storage;
mod uploads;
