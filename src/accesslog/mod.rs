//! CloudFront access logs: the W3C parser, readers and export, statistics, retention, the tail
//! planner, and the deterministic log generator (pure core apart from the file readers).

mod catalog;
mod decode;
mod export;
mod field;
pub mod fields;
mod filter;
mod filter_eval;
mod filter_num;
mod filter_parse;
mod filter_term;
mod filter_text;
mod generate;
mod hist;
mod intern;
mod mix;
mod parse;
mod parse_check;
mod parse_feed;
mod parse_index;
mod parse_scan;
mod parse_schema;
mod record;
mod retain;
mod retain_row;
mod stats;
mod stats_acc;
mod stats_query;
mod stats_snapshot;
mod tail;
mod topk;
mod topk_index;
mod topk_merge;
mod view;
mod w3c;

pub use decode::{decode, decode_twice};
pub use export::{Exporter, FieldLines, Format, RETAINED_FIELDS, write_jsonl, write_pretty};
pub use field::{Field, FieldKind};
pub use fields::LogFields;
pub use filter::{Expr, Filter, FilterError, NumField, Pred, TextField, TextTest};
pub use generate::{Conditions, LogGenerator, SiteProfile};
pub use hist::Histogram;
pub use intern::{EMPTY_ID, Interner, hash_str};
pub use parse::{KEPT_ERRORS, ParseCounts, Parsed, Parser};
pub use parse_schema::{MAX_COLUMNS, Malformed, Schema};
pub use record::AccessRecord;
pub use retain::{Col, DEFAULT_RETAIN, Retained};
pub use retain_row::{IpText, RetainedRecord};
pub use stats::{HORIZON_MS, Stats, StatsConfig, Window};
pub use stats_snapshot::{
    MinutePoint, Percentiles, StatsSnapshot, StatusMix, TopLists, TopRest, rest_note,
};
pub use tail::{
    ListRequest, MAX_READS, TailConfig, TailPlanner, hour_floor, hour_key_prefix, hour_string,
    key_hour,
};
pub use topk::{SpaceSaving, TopEntry};
pub use view::LineView;
pub use w3c::{FIELDS, encode_value, write_header, write_line, write_w3c};

#[cfg(test)]
mod tests;
