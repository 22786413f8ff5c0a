//! A logging setup as the SQL sees it: the format and fields of the log objects, where they are
//! (bucket and key template), and each field's column, type and value expression in the table.

use crate::accesslog::{Field, FieldKind, KeyTemplate};
use crate::query::QueryError;
use crate::query::quote::ident;

/// How the log objects are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Standard logging (legacy): gzip W3C, tab-separated, two header lines, the 33 fields.
    Legacy,
    /// A v2 delivery of W3C lines: two header lines, then the delivery's fields tab-separated.
    W3c,
    /// A v2 delivery of JSON lines: one object per record keyed by field name, every value a
    /// string.
    Json,
    /// A v2 delivery of plain lines: the delivery's fields joined by its delimiter, no header.
    Plain {
        /// The field delimiter.
        delimiter: char,
    },
    /// A v2 delivery of Parquet: string columns named like `cs_user_agent`.
    Parquet,
}

impl Format {
    /// `legacy W3C`, `v2 JSON`, … for messages.
    pub fn label(self) -> &'static str {
        match self {
            Format::Legacy => "legacy W3C",
            Format::W3c => "v2 W3C",
            Format::Json => "v2 JSON",
            Format::Plain { .. } => "v2 plain",
            Format::Parquet => "v2 Parquet",
        }
    }

    /// Whether the table types its columns (delimited text read by LazySimpleSerDe); JSON and
    /// Parquet hold every value as a string, cast in the SQL.
    pub fn typed(self) -> bool {
        matches!(self, Format::Legacy | Format::W3c | Format::Plain { .. })
    }
}

/// The fields a v2 delivery logs when it lists none: the legacy 33, then v2's.
pub const V2_DEFAULT: [Field; 39] = Field::V2_DEFAULT;

/// One logging setup of a distribution, as Athena will read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// Which source this is, for messages (`legacy`, `v2 <delivery id>`, `configured`).
    pub label: String,
    /// How the objects are written.
    pub format: Format,
    /// The fields of each record, in order.
    pub fields: Vec<Field>,
    /// The logs bucket.
    pub bucket: String,
    /// The keys up to the file name.
    pub layout: KeyTemplate,
    /// The distribution id.
    pub distribution: String,
}

/// The column type of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// `string`.
    String,
    /// `bigint`.
    Bigint,
    /// `double` (seconds with millisecond precision).
    Double,
    /// `date`.
    Date,
}

impl ColumnType {
    /// The type as Athena's DDL writes it.
    pub fn ddl(self) -> &'static str {
        match self {
            ColumnType::String => "string",
            ColumnType::Bigint => "bigint",
            ColumnType::Double => "double",
            ColumnType::Date => "date",
        }
    }
}

/// One column of a setup's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The log field it holds.
    pub field: Field,
    /// Its name: the field's Parquet-style name (`cs_user_agent`, `timestamp_ms`) in every
    /// setup, so one query reads them all.
    pub name: String,
    /// Its type.
    pub ty: ColumnType,
}

impl Setup {
    /// The setup of a discovered source (one that delivers to S3 in a format Athena reads);
    /// the error names the source.
    pub fn of_source(source: &crate::domain::LogSource, dist: &str) -> Result<Setup, String> {
        let label = source.label();
        let Some((bucket, template)) = source.s3() else {
            return Err(format!(
                "{label} delivers to {}: Athena reads logs in S3 (the Traffic view's :query reads a log group with Logs Insights)",
                source.destination.describe()
            ));
        };
        let format = match (source.format.as_str(), &source.kind) {
            ("w3c", crate::domain::SourceKind::Legacy) => Format::Legacy,
            ("w3c", _) => Format::W3c,
            ("json", _) => Format::Json,
            ("parquet", _) => Format::Parquet,
            ("plain", _) => {
                let d = source.delimiter.as_deref().unwrap_or("\t");
                let mut chars = d.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Format::Plain { delimiter: c },
                    _ => {
                        return Err(format!(
                            "{label}: a field delimiter of one character is needed, found `{d}`"
                        ));
                    }
                }
            }
            (other, _) => {
                return Err(format!("{label}: {other} output cannot be queried"));
            }
        };
        let mut fields = Vec::new();
        for name in &source.fields {
            let f = Field::from_any_name(name)
                .ok_or_else(|| format!("{label}: unknown record field `{name}`"))?;
            fields.push(f);
        }
        let layout = KeyTemplate::parse(template).map_err(|e| format!("{label}: {e}"))?;
        Setup::new(&label, format, fields, bucket, layout, dist).map_err(|e| e.to_string())
    }

    /// A setup of `format` with `fields` (empty: the format's default: the legacy 33 for
    /// legacy logging, every v2 field for a delivery). A plain delivery without fields is an
    /// error: its lines cannot be laid out.
    pub fn new(
        label: &str,
        format: Format,
        fields: Vec<Field>,
        bucket: &str,
        layout: KeyTemplate,
        distribution: &str,
    ) -> Result<Setup, QueryError> {
        let fields = match (format, fields.is_empty()) {
            (Format::Legacy, _) => Field::ALL[..Field::LEGACY].to_vec(),
            (Format::Plain { .. }, true) => {
                return Err(QueryError::Setup(format!(
                    "{label}: a plain delivery without its record fields cannot be laid out as a table"
                )));
            }
            (_, true) => V2_DEFAULT.to_vec(),
            (_, false) => fields,
        };
        Ok(Setup {
            label: label.to_string(),
            format,
            fields,
            bucket: bucket.to_string(),
            layout,
            distribution: distribution.to_string(),
        })
    }

    /// The table's columns, in the objects' field order.
    pub fn columns(&self) -> Vec<Column> {
        self.fields
            .iter()
            .map(|&field| Column {
                field,
                name: field.column_name(),
                ty: self.column_type(field),
            })
            .collect()
    }

    fn column_type(&self, field: Field) -> ColumnType {
        if !self.format.typed() {
            return ColumnType::String;
        }
        match field.kind() {
            // `asn` is text to the filter language (as written), and so a string here.
            FieldKind::Integer if field == Field::Asn => ColumnType::String,
            FieldKind::Integer => ColumnType::Bigint,
            // AWS's example declares FLOAT (32 bits): 0.201 would then not compare equal to
            // the literal 0.201; a double holds every millisecond value exactly enough.
            FieldKind::Seconds => ColumnType::Double,
            FieldKind::Date => ColumnType::Date,
            FieldKind::Time | FieldKind::Text | FieldKind::EpochSeconds => ColumnType::String,
        }
    }

    /// Whether records of this setup have `field`.
    pub fn has(&self, field: Field) -> bool {
        self.fields.contains(&field)
    }

    /// The column of `field`, quoted; an error naming the filter's name for it (`what`) and the
    /// setup when the setup does not log it.
    pub fn column(&self, field: Field, what: &str) -> Result<String, QueryError> {
        if self.has(field) {
            Ok(ident(&field.column_name()))
        } else {
            Err(QueryError::MissingField {
                what: what.to_string(),
                field: field.name(),
                setup: format!("{} ({})", self.label, self.format.label()),
            })
        }
    }

    /// The text of `field` as the local engine sees it: `-` and a missing value are ``.
    pub fn text(&self, field: Field, what: &str) -> Result<String, QueryError> {
        let c = self.column(field, what)?;
        Ok(format!("COALESCE(NULLIF({c}, '-'), '')"))
    }

    /// An integer field (`sc-status`, `sc-bytes`) as a bigint, 0 when missing (as the local
    /// engine counts it).
    pub fn integer(&self, field: Field, what: &str) -> Result<String, QueryError> {
        let c = self.column(field, what)?;
        Ok(if self.column_type(field) == ColumnType::Bigint {
            format!("COALESCE({c}, 0)")
        } else {
            format!("COALESCE(TRY_CAST({c} AS bigint), 0)")
        })
    }

    /// A seconds field as a double, NULL when missing.
    pub fn seconds(&self, field: Field, what: &str) -> Result<String, QueryError> {
        let c = self.column(field, what)?;
        Ok(if self.column_type(field) == ColumnType::Double {
            c
        } else {
            format!("TRY_CAST({c} AS double)")
        })
    }

    /// How a record's time is read: `date` and `time` when the setup has both (the local
    /// engine prefers them), else `timestamp(ms)`.
    pub fn clock(&self) -> Result<Clock, QueryError> {
        if self.has(Field::Date) && self.has(Field::Time) {
            Ok(Clock::DateTime)
        } else if self.has(Field::TimestampMs) {
            Ok(Clock::EpochMs)
        } else {
            Err(QueryError::Setup(format!(
                "{} ({}) logs neither date and time nor timestamp(ms): its records have no time",
                self.label,
                self.format.label()
            )))
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` of a record (UTC), for the time range and the time group-bys.
    pub fn second_text(&self) -> Result<String, QueryError> {
        Ok(match self.clock()? {
            Clock::DateTime => "concat(CAST(\"date\" AS varchar), ' ', \"time\")".to_string(),
            Clock::EpochMs => format!(
                "date_format(from_unixtime(TRY_CAST({} AS bigint) / 1000E0), '%Y-%m-%d %H:%i:%s')",
                ident("timestamp_ms")
            ),
        })
    }
}

/// Where a record's time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// `date` and `time` (second precision).
    DateTime,
    /// `timestamp(ms)`.
    EpochMs,
}
