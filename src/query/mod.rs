//! Access-log queries for Athena (pure): the filter language as exact Trino SQL, the Glue DDL of
//! each logging setup (legacy W3C, v2 W3C, JSON, plain, Parquet; partition projection or
//! `"$path"` pruning), a time range's partition predicates, and the cost of a query from the
//! sizes of the objects it reads; and the same filters as CloudWatch Logs Insights queries over a
//! v2 delivery to a log group; and the local engine's count of the same grouped query over
//! records read here (`local`). Running a query is the runtime's job.

mod cost;
mod ddl;
mod insights;
pub mod local;
mod quote;
mod range;
mod select;
mod setup;
mod where_sql;

pub use cost::{
    DEFAULT_PRICE, Estimate, MB, MIN_BILLED, PRICES, TB, dollars, estimate, price_per_tb, size,
};
pub use ddl::{Names, create_database, create_table, partition_columns};
pub use insights::{
    BYTES, InsightsAsk, KEY, REQUESTS, STATUS, SeriesStep, insights_condition, insights_field,
    insights_query, insights_string,
};
pub use quote::{ident, like_text, literal};
pub use range::Range;
pub use select::{Ask, GROUP_BYS, GroupBy, select, where_clause};
pub use setup::{Clock, Column, ColumnType, Format, Setup, V2_DEFAULT};
pub use where_sql::{condition, num_field, text_field};

/// Why a query cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The filter or grouping reads a field the setup does not log.
    #[error(
        "{what} reads the log field {field}, which {setup} does not log: no record of it could match"
    )]
    MissingField {
        /// The filter's (or group's) name for it.
        what: String,
        /// The log field.
        field: &'static str,
        /// The setup.
        setup: String,
    },
    /// The setup cannot be read as a table.
    #[error("{0}")]
    Setup(String),
    /// A bad time range.
    #[error("{0}")]
    Range(String),
}

/// Everything a dry run shows: the statements that would create the table, the query, and
/// where the objects it reads are listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The database and table.
    pub names: Names,
    /// `CREATE DATABASE …`, then `CREATE EXTERNAL TABLE …`.
    pub ddl: Vec<String>,
    /// The SELECT.
    pub sql: String,
    /// The key prefixes to list for the objects in range.
    pub listing: Vec<String>,
}

/// The plan of `ask` over `setup`, its table named by `names`.
pub fn plan(setup: &Setup, names: Names, ask: &Ask<'_>) -> Result<Plan, QueryError> {
    let sql = select(setup, &names.quoted(), ask)?;
    Ok(Plan {
        ddl: vec![create_database(&names), create_table(&names, setup)],
        sql,
        listing: ask.range.listing(setup),
        names,
    })
}

#[cfg(test)]
mod tests;
