//! The simulator's data catalog: databases and external tables as `CREATE DATABASE` and
//! `CREATE EXTERNAL TABLE` (Hive DDL, parsed by `sqlparser`) declare them — columns and types,
//! the row format (delimited text, the OpenX JSON SerDe, Parquet), the location, and partition
//! projection (`projection.*`, `storage.location.template`), which tells which objects a query
//! reads.

use super::expr::{Eval, SqlError};
use sqlparser::ast::{
    self, ColumnDef, CreateTableOptions, HiveDistributionStyle, HiveRowFormat, SqlOption, Statement,
};
use std::collections::{BTreeMap, BTreeSet};

/// How a table's objects are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowFormat {
    /// Delimited text (LazySimpleSerDe): columns by position.
    Delimited {
        /// The field delimiter.
        delimiter: char,
        /// Lines skipped at the top of each object (`skip.header.line.count`).
        skip: usize,
    },
    /// One JSON object a line (OpenX SerDe): columns by key, through `mapping.*`.
    Json {
        /// Column → key, where they differ.
        mapping: BTreeMap<String, String>,
    },
    /// Parquet: columns by name.
    Parquet,
}

/// One projected partition column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Projection {
    /// `integer` between two bounds, written with at least `digits` digits.
    Integer { lo: i64, hi: i64, digits: usize },
    /// `enum`: one of the values.
    Enum(Vec<String>),
}

/// An external table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    /// Columns and their types (lowercase), in order.
    pub(crate) columns: Vec<(String, String)>,
    /// Partition columns and their types.
    pub(crate) partitions: Vec<(String, String)>,
    /// How rows are read.
    pub(crate) format: RowFormat,
    /// `s3://bucket/prefix/`.
    pub(crate) location: String,
    /// Partition projection: each partition column's values.
    pub(crate) projection: BTreeMap<String, Projection>,
    /// `storage.location.template`, when projection is on.
    pub(crate) template: Option<String>,
}

/// Databases and their tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct Catalog {
    databases: BTreeSet<String>,
    tables: BTreeMap<(String, String), Table>,
}

/// A change a DDL statement makes when it succeeds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ddl {
    /// `CREATE DATABASE [IF NOT EXISTS]`.
    Database { name: String, if_not_exists: bool },
    /// `CREATE EXTERNAL TABLE [IF NOT EXISTS]`.
    Table {
        database: Option<String>,
        name: String,
        if_not_exists: bool,
        table: Box<Table>,
    },
}

fn unmodelled<T>(what: impl Into<String>) -> Eval<T> {
    Err(SqlError::Unmodelled(what.into()))
}

/// The name's parts, lowercased (Glue names are lowercase).
fn parts(name: &ast::ObjectName) -> Vec<String> {
    name.0
        .iter()
        .filter_map(|p| p.as_ident())
        .map(|i| i.value.to_ascii_lowercase())
        .collect()
}

fn text_of(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                Some(s.clone())
            }
            other => Some(other.to_string()),
        },
        ast::Expr::Identifier(i) => Some(i.value.clone()),
        _ => None,
    }
}

/// `'key'='value'` options as a map.
fn options(opts: &[SqlOption]) -> Eval<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for o in opts {
        let SqlOption::KeyValue { key, value } = o else {
            return unmodelled(format!("the table option {o}"));
        };
        let key = key.to_string();
        let key = key.trim_matches(|c| c == '\'' || c == '"' || c == '`');
        let Some(value) = text_of(value) else {
            return unmodelled(format!("the value of table option {key}"));
        };
        out.insert(key.to_string(), value);
    }
    Ok(out)
}

fn column(c: &ColumnDef) -> (String, String) {
    (
        c.name.value.to_ascii_lowercase(),
        c.data_type.to_string().to_ascii_lowercase(),
    )
}

/// A delimiter as written in Hive DDL (`'\t'` kept escaped or not).
fn delimiter(text: &str) -> Option<char> {
    match text {
        "\\t" => Some('\t'),
        t => {
            let mut chars = t.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            }
        }
    }
}

/// The change `statement` makes, when it is DDL shipdeck writes; `None` for another kind of
/// statement.
pub(crate) fn ddl(statement: &Statement) -> Eval<Option<Ddl>> {
    match statement {
        Statement::CreateDatabase {
            db_name,
            if_not_exists,
            ..
        } => Ok(Some(Ddl::Database {
            name: parts(db_name).join("."),
            if_not_exists: *if_not_exists,
        })),
        Statement::CreateTable(t) => {
            if !t.external {
                return unmodelled("CREATE TABLE other than EXTERNAL");
            }
            let mut name = parts(&t.name);
            let Some(table_name) = name.pop() else {
                return unmodelled("a table without a name");
            };
            let partitions = match &t.hive_distribution {
                HiveDistributionStyle::PARTITIONED { columns } => {
                    columns.iter().map(column).collect()
                }
                HiveDistributionStyle::NONE => Vec::new(),
                _ => return unmodelled("SKEWED tables"),
            };
            let Some(formats) = &t.hive_formats else {
                return unmodelled("a table without ROW FORMAT and LOCATION");
            };
            let props = match &t.table_options {
                CreateTableOptions::TableProperties(o) => options(o)?,
                CreateTableOptions::None => BTreeMap::new(),
                other => return unmodelled(format!("the table options {other}")),
            };
            let serde = options(formats.serde_properties.as_deref().unwrap_or_default())?;
            let format = match &formats.row_format {
                Some(HiveRowFormat::DELIMITED { delimiters }) => {
                    let mut field = '\u{1}';
                    for d in delimiters {
                        if matches!(d.delimiter, ast::HiveDelimiter::FieldsTerminatedBy) {
                            field = delimiter(&d.char.value).ok_or_else(|| {
                                SqlError::Unmodelled(format!("the delimiter '{}'", d.char.value))
                            })?;
                        } else {
                            return unmodelled(format!("the delimiter clause {}", d.delimiter));
                        }
                    }
                    let skip = match props.get("skip.header.line.count") {
                        Some(n) => n.parse().map_err(|_| {
                            SqlError::Unmodelled(format!("skip.header.line.count '{n}'"))
                        })?,
                        None => 0,
                    };
                    RowFormat::Delimited {
                        delimiter: field,
                        skip,
                    }
                }
                Some(HiveRowFormat::SERDE { class }) => match class.as_str() {
                    "org.openx.data.jsonserde.JsonSerDe" => RowFormat::Json {
                        mapping: serde
                            .iter()
                            .filter_map(|(k, v)| {
                                k.strip_prefix("mapping.")
                                    .map(|c| (c.to_ascii_lowercase(), v.to_ascii_lowercase()))
                            })
                            .collect(),
                    },
                    "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" => {
                        RowFormat::Parquet
                    }
                    other => return unmodelled(format!("the SerDe {other}")),
                },
                None => return unmodelled("a table without ROW FORMAT"),
            };
            let Some(location) = formats.location.clone().or_else(|| t.location.clone()) else {
                return unmodelled("a table without LOCATION");
            };
            let projection = projection(&props, &partitions)?;
            let template = props.get("storage.location.template").cloned();
            Ok(Some(Ddl::Table {
                database: name.pop(),
                name: table_name,
                if_not_exists: t.if_not_exists,
                table: Box::new(Table {
                    columns: t.columns.iter().map(column).collect(),
                    partitions,
                    format,
                    location,
                    projection,
                    template,
                }),
            }))
        }
        _ => Ok(None),
    }
}

fn projection(
    props: &BTreeMap<String, String>,
    partitions: &[(String, String)],
) -> Eval<BTreeMap<String, Projection>> {
    let mut out = BTreeMap::new();
    if props.get("projection.enabled").map(String::as_str) != Some("true") {
        return Ok(out);
    }
    for (col, _) in partitions {
        let get = |k: &str| props.get(&format!("projection.{col}.{k}"));
        let p = match get("type").map(String::as_str) {
            Some("integer") => {
                let range = get("range").map(String::as_str).unwrap_or_default();
                let (lo, hi) = range
                    .split_once(',')
                    .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
                    .ok_or_else(|| {
                        SqlError::Unmodelled(format!("projection.{col}.range '{range}'"))
                    })?;
                let digits = get("digits").and_then(|d| d.parse().ok()).unwrap_or(1);
                Projection::Integer { lo, hi, digits }
            }
            Some("enum") => Projection::Enum(
                get("values")
                    .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
                    .unwrap_or_default(),
            ),
            other => {
                return unmodelled(format!(
                    "projection.{col}.type {}",
                    other.map_or("(none)", |s| s)
                ));
            }
        };
        out.insert(col.clone(), p);
    }
    Ok(out)
}

impl Catalog {
    /// Applies a DDL change; Athena's failure when it cannot be made.
    pub(crate) fn apply(&mut self, change: &Ddl, context: &str) -> Result<(), String> {
        match change {
            Ddl::Database {
                name,
                if_not_exists,
            } => {
                if !self.databases.insert(name.clone()) && !if_not_exists {
                    return Err(format!(
                        "FAILED: AlreadyExistsException: Database {name} already exists"
                    ));
                }
                Ok(())
            }
            Ddl::Table {
                database,
                name,
                if_not_exists,
                table,
            } => {
                let db = database
                    .clone()
                    .unwrap_or_else(|| context.to_ascii_lowercase());
                if !self.databases.contains(&db) {
                    return Err(format!(
                        "FAILED: SemanticException [Error 10072]: Database does not exist: {db}"
                    ));
                }
                let key = (db, name.clone());
                if self.tables.contains_key(&key) {
                    return if *if_not_exists {
                        Ok(())
                    } else {
                        Err(format!(
                            "FAILED: AlreadyExistsException: Table {name} already exists"
                        ))
                    };
                }
                self.tables.insert(key, (**table).clone());
                Ok(())
            }
        }
    }

    /// Whether database `db` exists.
    pub(crate) fn has_database(&self, db: &str) -> bool {
        self.databases.contains(db)
    }

    /// Table `db.name`.
    pub(crate) fn table(&self, db: &str, name: &str) -> Option<&Table> {
        self.tables.get(&(db.to_string(), name.to_string()))
    }
}

impl Table {
    /// The partition values of the object `key` of `bucket` (by the location template), or
    /// `None` when the object lies outside the projected partitions; an unpartitioned table
    /// reads every object under its location.
    pub(crate) fn partition_of(&self, bucket: &str, key: &str) -> Option<Vec<String>> {
        let path = format!("s3://{bucket}/{key}");
        if !path.starts_with(&self.location) {
            return None;
        }
        if self.partitions.is_empty() {
            return Some(Vec::new());
        }
        let template = self.template.as_deref()?;
        // Match the template piece by piece: literal text, then `${col}` up to the next `/`.
        let mut rest = path.as_str();
        let mut found: BTreeMap<String, String> = BTreeMap::new();
        let mut t = template;
        while !t.is_empty() {
            match t.find("${") {
                Some(0) => {
                    let end = t.find('}')?;
                    let col = t[2..end].to_ascii_lowercase();
                    let stop = rest.find('/').unwrap_or(rest.len());
                    found.insert(col, rest[..stop].to_string());
                    rest = &rest[stop..];
                    t = &t[end + 1..];
                }
                Some(at) => {
                    rest = rest.strip_prefix(&t[..at])?;
                    t = &t[at..];
                }
                None => {
                    rest = rest.strip_prefix(t)?;
                    t = "";
                }
            }
        }
        let mut values = Vec::new();
        for (col, _) in &self.partitions {
            let v = found.get(col)?;
            match self.projection.get(col)? {
                Projection::Integer { lo, hi, digits } => {
                    let n: i64 = v.parse().ok()?;
                    if n < *lo || n > *hi || format!("{n:0digits$}") != *v {
                        return None;
                    }
                    values.push(n.to_string());
                }
                Projection::Enum(allowed) => {
                    if !allowed.contains(v) {
                        return None;
                    }
                    values.push(v.clone());
                }
            }
        }
        Some(values)
    }
}
