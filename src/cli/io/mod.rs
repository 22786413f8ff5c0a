//! The process's standard streams: stdin, stdout and stderr made safe at start, and the
//! command's answer and messages written without panicking when a reader goes away.

pub mod stderr;
pub mod stdio;
pub(crate) mod stdout;
