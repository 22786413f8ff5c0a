//! The CloudFront access-log engine: the W3C parser and its readers, filter expressions, live
//! statistics and the tail planner.

mod filter;
mod parse;
mod stats;
mod tail;
