//! The detail panes beside or under a view's list: the selected environment, each environment at
//! a glance (the home screen), the selected log event, the selected access-log record, the
//! Traffic view's charts and its release-health panel, the answers of the Traffic view's
//! `:query` (and the question an Athena query asks first) and the Logs view's `:insights`.

pub mod athena_question;
pub mod environment;
pub mod glance;
pub mod impact;
pub mod insights_table;
pub mod log_event;
pub mod traffic_charts;
pub mod traffic_query;
pub mod traffic_record;
