//! CloudFront access logs: W3C format and the deterministic log generator.

mod catalog;
mod generate;
mod mix;
mod record;
mod w3c;

pub use generate::{Conditions, LogGenerator, SiteProfile};
pub use record::AccessRecord;
pub use w3c::{FIELDS, encode_value, write_header, write_line, write_w3c};

#[cfg(test)]
mod tests;
