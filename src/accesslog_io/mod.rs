//! Reading CloudFront log files — every format CloudFront delivers (W3C, JSON lines, plain,
//! Parquet), gzip or not, from files, stdin and directory trees, in parallel across cores —
//! around the pure `accesslog` parser and converters, which do no I/O themselves.

mod events;
mod inflate;
mod json;
mod parquet;
mod read;
mod read_par;

pub use events::read_events;
pub use inflate::{WHOLE_MAX_IN, WHOLE_MAX_OUT, inflate_head};
pub use read::{
    ReadOptions, ReadReport, is_gzip, read_bytes, read_bytes_with, read_path, read_path_with,
    read_reader, read_reader_with,
};
pub use read_par::{default_threads, list_dir, par_read, par_read_with, read_dir, read_paths};

#[cfg(test)]
mod tests;
