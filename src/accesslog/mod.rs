//! CloudFront access logs (pure): the W3C parser, filters, statistics, heavy hitters, retention,
//! export, the fetch planner of a logs bucket and its fetch window; the file readers are in `accesslog_io`, the
//! traffic generator in the simulator (`cloud::sim::cloudfront`).

mod decode;
mod event_tail;
mod export;
mod fetch_plan;
mod fetch_window;
mod field;
pub mod fields;
mod filter;
pub mod impact;
pub mod input;
mod intern;
mod layout;
mod parse;
mod record;
mod retain;
mod stats;
mod topk;
mod view;
mod w3c;

pub use decode::{decode, decode_twice};
pub use event_tail::{EVENT_OVERLAP, EVENT_POLL, EventTail};
pub use export::{
    Exporter, FieldLines, Format, RETAINED_FIELDS, RETAINED_V2, write_jsonl, write_pretty,
};
pub use fetch_plan::{
    ListRequest, MAX_READS, TailConfig, TailPlanner, TailRound, hour_floor, hour_key_prefix,
    hour_string, key_hour,
};
pub use fetch_window::{FetchWindow, WindowConfig};
pub use field::{Field, FieldKind};
pub use fields::LogFields;
pub use filter::unknown::Seen;
pub use filter::{Expr, Filter, FilterError, NumField, Pred, TextField, TextTest, in_subnet};
pub use intern::{EMPTY_ID, Interner, hash_str};
pub use layout::{KeyTemplate, VARIABLES, delivery_template};
pub use parse::schema::{MAX_COLUMNS, Malformed, Schema};
pub use parse::{KEPT_ERRORS, ParseCounts, Parsed, Parser};
pub use record::AccessRecord;
pub use retain::row::{IpText, RetainedRecord};
pub use retain::{Col, DEFAULT_RETAIN, Retained};
pub use stats::hist::Histogram;
pub use stats::snapshot::{
    MinutePoint, Percentiles, StatsSnapshot, StatusMix, TopLists, TopRest, rest_note,
};
pub use stats::{HORIZON_MS, Stats, StatsConfig, Window};
pub use topk::{SpaceSaving, TopEntry};
pub use view::LineView;
pub use w3c::{FIELDS, encode_value, record_values, write_header, write_line, write_w3c};
