//! Reading CloudFront log files — gzip or plain files, stdin, directories, in parallel across
//! cores — around the pure `accesslog` parser, which does no I/O itself.

mod read;
mod read_par;

pub use read::{ReadReport, is_gzip, read_bytes, read_path, read_reader};
pub use read_par::{default_threads, list_dir, par_read, read_dir, read_paths};
