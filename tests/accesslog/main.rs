//! The CloudFront access-log engine: the W3C parser and its readers, filter expressions, live
//! statistics, the retained records and the tail planner.

mod filter;
mod parse;
mod retain;
mod sql;
mod stats;
mod tail;
