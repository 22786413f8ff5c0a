//! The detail panes beside or under a view's list: the selected environment, each environment at
//! a glance (the home screen), the selected log event, the selected access-log record, the
//! Traffic view's charts and its release-health panel.

pub mod environment;
pub mod glance;
pub mod impact;
pub mod log_event;
pub mod traffic_charts;
pub mod traffic_record;
