//! The simulator's Athena expressions: the SQL subset shipdeck writes, compiled from `sqlparser`'s
//! tree (anything else is refused by name) and evaluated over one row with SQL's three-valued
//! logic: comparisons, `BETWEEN`, `IN`, `LIKE … ESCAPE`, `IS NULL`, `AND`/`OR`/`NOT`, `CASE`,
//! `CAST`/`TRY_CAST` (bigint, double, varchar, ipaddress), arithmetic, and the functions
//! `coalesce`, `nullif`, `lower`, `strpos`, `substr`, `concat`, `regexp_like`, `split_part`,
//! `contains` (a CIDR and an address), `from_unixtime`, `date_format`.

use sqlparser::ast::{self, BinaryOperator, CastKind, Expr as Sql, UnaryOperator};
use std::cmp::Ordering;
use std::net::{IpAddr, Ipv6Addr};

/// A SQL value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// A bigint.
    Int(i64),
    /// A double.
    Double(f64),
    /// A varchar.
    Str(String),
    /// A timestamp, in milliseconds since the epoch (UTC).
    Time(i64),
    /// An ipaddress (IPv4 held as IPv4-mapped IPv6, as Trino holds it).
    Ip(Ipv6Addr),
}

impl Value {
    /// The value as a result cell: text, or `None` for NULL.
    pub(crate) fn cell(&self) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Double(d) if d.fract() == 0.0 && d.abs() < 1e15 => format!("{d:.1}"),
            Value::Double(d) => d.to_string(),
            Value::Str(s) => s.clone(),
            Value::Time(ms) => time_text(*ms, "%Y-%m-%d %H:%M:%S%.3f"),
            Value::Ip(a) => match a.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => a.to_string(),
            },
        })
    }

    /// Athena's name of the value's type.
    pub(crate) fn type_name(&self) -> Option<&'static str> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => "boolean",
            Value::Int(_) => "bigint",
            Value::Double(_) => "double",
            Value::Str(_) => "varchar",
            Value::Time(_) => "timestamp",
            Value::Ip(_) => "ipaddress",
        })
    }

    fn number(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Double(d) => Some(*d),
            _ => None,
        }
    }
}

/// Why an expression cannot be run: SQL the simulator does not model (refused when the query
/// is started) or a failure while it runs (the query fails with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SqlError {
    /// Not modelled: the statement is refused (`InvalidRequestException`).
    Unmodelled(String),
    /// The query fails with this reason (Athena's error name first).
    Failed(String),
}

pub(crate) type Eval<T> = Result<T, SqlError>;

fn unmodelled<T>(what: impl std::fmt::Display) -> Eval<T> {
    Err(SqlError::Unmodelled(what.to_string()))
}

fn failed<T>(what: impl Into<String>) -> Eval<T> {
    Err(SqlError::Failed(what.into()))
}

/// A type a value is cast to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    Bigint,
    Double,
    Varchar,
    IpAddress,
}

/// A scalar function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Coalesce,
    NullIf,
    Lower,
    Strpos,
    Substr,
    Concat,
    RegexpLike,
    SplitPart,
    Contains,
    FromUnixtime,
    DateFormat,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum AggKind {
    /// `count(*)` (no argument) or `count(x)`.
    Count,
    CountIf,
    Sum,
    Min,
    Max,
    Avg,
    /// `approx_percentile(x, p)`: the value at rank ⌈p·n⌉ (nearest rank) of the sorted values.
    Percentile(f64),
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A column by (lowercased) name, before binding.
    Column(String),
    /// A column of the row, once bound.
    Slot(usize),
    /// The result of aggregate `i` of the query.
    Agg(usize),
    Lit(Value),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(Ordering, bool, Box<Expr>, Box<Expr>),
    Arith(char, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Between(Box<Expr>, Box<Expr>, Box<Expr>, bool),
    In(Box<Expr>, Vec<Expr>, bool),
    Like(Box<Expr>, Box<Expr>, Option<char>, bool),
    IsNull(Box<Expr>, bool),
    Case(Vec<(Expr, Expr)>, Option<Box<Expr>>),
    Cast(Box<Expr>, Type, bool),
    Call(Func, Vec<Expr>),
}

/// An aggregate call found in a projection: its kind and argument.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AggCall {
    pub(crate) kind: AggKind,
    pub(crate) arg: Option<Expr>,
}

/// Compiles `e`; aggregate calls are moved to `aggs` (refused when `aggs` is `None`: not
/// allowed there).
pub(crate) fn compile(e: &Sql, aggs: &mut Option<&mut Vec<AggCall>>) -> Eval<Expr> {
    let b = |e: &Sql, aggs: &mut Option<&mut Vec<AggCall>>| compile(e, aggs).map(Box::new);
    Ok(match e {
        Sql::Identifier(i) => Expr::Column(i.value.to_ascii_lowercase()),
        Sql::CompoundIdentifier(parts) => match parts.last() {
            Some(i) => Expr::Column(i.value.to_ascii_lowercase()),
            None => return unmodelled("an empty name"),
        },
        Sql::Nested(inner) => compile(inner, aggs)?,
        Sql::Value(v) => Expr::Lit(literal(&v.value)?),
        Sql::UnaryOp { op, expr } => match op {
            UnaryOperator::Not => Expr::Not(b(expr, aggs)?),
            UnaryOperator::Minus => Expr::Neg(b(expr, aggs)?),
            UnaryOperator::Plus => compile(expr, aggs)?,
            other => return unmodelled(format!("the operator {other}")),
        },
        Sql::BinaryOp { left, op, right } => {
            let (l, r) = (b(left, aggs)?, b(right, aggs)?);
            match op {
                BinaryOperator::And => Expr::And(l, r),
                BinaryOperator::Or => Expr::Or(l, r),
                BinaryOperator::Eq => Expr::Cmp(Ordering::Equal, false, l, r),
                BinaryOperator::NotEq => {
                    Expr::Not(Box::new(Expr::Cmp(Ordering::Equal, false, l, r)))
                }
                BinaryOperator::Lt => Expr::Cmp(Ordering::Less, false, l, r),
                BinaryOperator::LtEq => Expr::Cmp(Ordering::Less, true, l, r),
                BinaryOperator::Gt => Expr::Cmp(Ordering::Greater, false, l, r),
                BinaryOperator::GtEq => Expr::Cmp(Ordering::Greater, true, l, r),
                BinaryOperator::Plus => Expr::Arith('+', l, r),
                BinaryOperator::Minus => Expr::Arith('-', l, r),
                BinaryOperator::Multiply => Expr::Arith('*', l, r),
                BinaryOperator::Divide => Expr::Arith('/', l, r),
                BinaryOperator::Modulo => Expr::Arith('%', l, r),
                BinaryOperator::StringConcat => Expr::Call(Func::Concat, vec![*l, *r]),
                other => return unmodelled(format!("the operator {other}")),
            }
        }
        Sql::Between {
            expr,
            negated,
            low,
            high,
        } => Expr::Between(b(expr, aggs)?, b(low, aggs)?, b(high, aggs)?, *negated),
        Sql::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            global: false,
        } => Expr::In(
            b(expr, aggs)?,
            list.iter().map(|e| compile(e, aggs)).collect::<Eval<_>>()?,
            *negated,
        ),
        Sql::Like {
            negated,
            any: false,
            expr,
            pattern,
            escape_char,
        } => {
            let escape = match escape_char.as_deref() {
                None => None,
                Some(Sql::Value(v)) => match &v.value {
                    ast::Value::SingleQuotedString(s) if s.chars().count() == 1 => s.chars().next(),
                    other => return unmodelled(format!("the LIKE escape {other}")),
                },
                Some(other) => return unmodelled(format!("the LIKE escape {other}")),
            };
            Expr::Like(b(expr, aggs)?, b(pattern, aggs)?, escape, *negated)
        }
        Sql::IsNull(e) => Expr::IsNull(b(e, aggs)?, false),
        Sql::IsNotNull(e) => Expr::IsNull(b(e, aggs)?, true),
        Sql::Case {
            operand: None,
            conditions,
            else_result,
            ..
        } => Expr::Case(
            conditions
                .iter()
                .map(|w| Ok((compile(&w.condition, aggs)?, compile(&w.result, aggs)?)))
                .collect::<Eval<_>>()?,
            match else_result {
                Some(e) => Some(b(e, aggs)?),
                None => None,
            },
        ),
        Sql::Cast {
            kind,
            expr,
            data_type,
            format: None,
        } => {
            let try_ = match kind {
                CastKind::TryCast | CastKind::SafeCast => true,
                CastKind::Cast => false,
                CastKind::DoubleColon => return unmodelled("the :: cast"),
            };
            let ty = match data_type.to_string().to_ascii_lowercase().as_str() {
                "bigint" => Type::Bigint,
                "double" => Type::Double,
                "varchar" => Type::Varchar,
                "ipaddress" => Type::IpAddress,
                other => return unmodelled(format!("a cast to {other}")),
            };
            Expr::Cast(b(expr, aggs)?, ty, try_)
        }
        Sql::Substring {
            expr,
            substring_from: Some(from),
            substring_for,
            ..
        } => {
            let mut args = vec![compile(expr, aggs)?, compile(from, aggs)?];
            if let Some(f) = substring_for {
                args.push(compile(f, aggs)?);
            }
            Expr::Call(Func::Substr, args)
        }
        Sql::Function(f) => return function(f, aggs),
        other => return unmodelled(format!("the expression `{other}`")),
    })
}

fn literal(v: &ast::Value) -> Eval<Value> {
    Ok(match v {
        ast::Value::Null => Value::Null,
        ast::Value::Boolean(b) => Value::Bool(*b),
        ast::Value::SingleQuotedString(s) => Value::Str(s.clone()),
        ast::Value::Number(n, _) => {
            let n = n.to_string();
            match n.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => match n.parse::<f64>() {
                    Ok(d) => Value::Double(d),
                    Err(_) => return unmodelled(format!("the number {n}")),
                },
            }
        }
        other => return unmodelled(format!("the literal {other}")),
    })
}

fn function(f: &ast::Function, aggs: &mut Option<&mut Vec<AggCall>>) -> Eval<Expr> {
    let name = f.name.to_string().to_ascii_lowercase();
    let ast::FunctionArguments::List(list) = &f.args else {
        return unmodelled(format!("the function {name} without arguments"));
    };
    if f.filter.is_some() || f.over.is_some() || list.duplicate_treatment.is_some() {
        return unmodelled(format!("{name} with FILTER, OVER or DISTINCT"));
    }
    let mut star = false;
    let mut args = Vec::new();
    for a in &list.args {
        match a {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard) => star = true,
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => args.push(e),
            other => return unmodelled(format!("the argument `{other}` of {name}")),
        }
    }
    let agg = match name.as_str() {
        "count" => Some(AggKind::Count),
        "count_if" => Some(AggKind::CountIf),
        "sum" => Some(AggKind::Sum),
        "min" => Some(AggKind::Min),
        "max" => Some(AggKind::Max),
        "avg" => Some(AggKind::Avg),
        "approx_percentile" => {
            let p = match args.get(1) {
                Some(e) => match compile(e, &mut None)? {
                    Expr::Lit(v) => v.number(),
                    _ => None,
                },
                None => None,
            };
            match p {
                Some(p) if (0.0..=1.0).contains(&p) && args.len() == 2 => {
                    args.truncate(1);
                    Some(AggKind::Percentile(p))
                }
                _ => return unmodelled("approx_percentile other than (x, constant 0-1)"),
            }
        }
        _ => None,
    };
    if let Some(kind) = agg {
        let Some(list) = aggs.as_deref_mut() else {
            return unmodelled(format!("the aggregate {name} here"));
        };
        let arg = match (kind, star, args.as_slice()) {
            (AggKind::Count, true, []) => None,
            (_, false, [one]) => Some(compile(one, &mut None)?),
            _ => return unmodelled(format!("{name} with these arguments")),
        };
        list.push(AggCall { kind, arg });
        return Ok(Expr::Agg(list.len() - 1));
    }
    let (func, arity): (Func, &[usize]) = match name.as_str() {
        "coalesce" => (Func::Coalesce, &[]),
        "nullif" => (Func::NullIf, &[2]),
        "lower" => (Func::Lower, &[1]),
        "strpos" => (Func::Strpos, &[2]),
        "substr" | "substring" => (Func::Substr, &[2, 3]),
        "concat" => (Func::Concat, &[]),
        "regexp_like" => (Func::RegexpLike, &[2]),
        "split_part" => (Func::SplitPart, &[3]),
        "contains" => (Func::Contains, &[2]),
        "from_unixtime" => (Func::FromUnixtime, &[1]),
        "date_format" => (Func::DateFormat, &[2]),
        _ => return unmodelled(format!("the function {name}")),
    };
    if star || (!arity.is_empty() && !arity.contains(&args.len())) || args.is_empty() {
        return unmodelled(format!("{name} with {} arguments", args.len()));
    }
    let args = args
        .into_iter()
        .map(|e| compile(e, aggs))
        .collect::<Eval<Vec<_>>>()?;
    Ok(Expr::Call(func, args))
}

impl Expr {
    /// Replaces column names by their slots (`slot` gives a name's slot); an unknown name is
    /// the failure Athena reports.
    pub(crate) fn bind(&mut self, slot: &dyn Fn(&str) -> Option<usize>) -> Eval<()> {
        match self {
            Expr::Column(name) => match slot(name) {
                Some(i) => *self = Expr::Slot(i),
                None => {
                    return failed(format!(
                        "COLUMN_NOT_FOUND: Column '{name}' cannot be resolved or requester is \
                         not authorized to access requested resources"
                    ));
                }
            },
            Expr::Slot(_) | Expr::Agg(_) | Expr::Lit(_) => {}
            Expr::Not(a) | Expr::Neg(a) | Expr::IsNull(a, _) | Expr::Cast(a, _, _) => {
                a.bind(slot)?
            }
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, _, a, b) | Expr::Arith(_, a, b) => {
                a.bind(slot)?;
                b.bind(slot)?;
            }
            Expr::Like(a, b, _, _) => {
                a.bind(slot)?;
                b.bind(slot)?;
            }
            Expr::Between(a, b, c, _) => {
                a.bind(slot)?;
                b.bind(slot)?;
                c.bind(slot)?;
            }
            Expr::In(a, list, _) => {
                a.bind(slot)?;
                for e in list {
                    e.bind(slot)?;
                }
            }
            Expr::Case(whens, other) => {
                for (c, r) in whens {
                    c.bind(slot)?;
                    r.bind(slot)?;
                }
                if let Some(o) = other {
                    o.bind(slot)?;
                }
            }
            Expr::Call(_, args) => {
                for a in args {
                    a.bind(slot)?;
                }
            }
        }
        Ok(())
    }

    /// The column names the expression reads.
    pub(crate) fn columns(&self, out: &mut Vec<String>) {
        match self {
            Expr::Column(n) => out.push(n.clone()),
            Expr::Slot(_) | Expr::Agg(_) | Expr::Lit(_) => {}
            Expr::Not(a) | Expr::Neg(a) | Expr::IsNull(a, _) | Expr::Cast(a, _, _) => {
                a.columns(out)
            }
            Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Cmp(_, _, a, b)
            | Expr::Arith(_, a, b)
            | Expr::Like(a, b, _, _) => {
                a.columns(out);
                b.columns(out);
            }
            Expr::Between(a, b, c, _) => {
                a.columns(out);
                b.columns(out);
                c.columns(out);
            }
            Expr::In(a, list, _) => {
                a.columns(out);
                list.iter().for_each(|e| e.columns(out));
            }
            Expr::Case(whens, other) => {
                for (c, r) in whens {
                    c.columns(out);
                    r.columns(out);
                }
                if let Some(o) = other {
                    o.columns(out);
                }
            }
            Expr::Call(_, args) => args.iter().for_each(|e| e.columns(out)),
        }
    }

    /// The value over `row`, with `aggs` the finished aggregates (for a grouped query's output).
    pub(crate) fn eval(&self, row: &[Value], aggs: &[Value]) -> Eval<Value> {
        let ev = |e: &Expr| e.eval(row, aggs);
        Ok(match self {
            Expr::Column(n) => return failed(format!("COLUMN_NOT_FOUND: Column '{n}' unbound")),
            Expr::Slot(i) => row.get(*i).cloned().unwrap_or(Value::Null),
            Expr::Agg(i) => aggs.get(*i).cloned().unwrap_or(Value::Null),
            Expr::Lit(v) => v.clone(),
            Expr::Not(a) => match truth(&ev(a)?)? {
                Some(b) => Value::Bool(!b),
                None => Value::Null,
            },
            Expr::And(a, b) => match (truth(&ev(a)?)?, truth(&ev(b)?)?) {
                (Some(false), _) | (_, Some(false)) => Value::Bool(false),
                (Some(true), Some(true)) => Value::Bool(true),
                _ => Value::Null,
            },
            Expr::Or(a, b) => match (truth(&ev(a)?)?, truth(&ev(b)?)?) {
                (Some(true), _) | (_, Some(true)) => Value::Bool(true),
                (Some(false), Some(false)) => Value::Bool(false),
                _ => Value::Null,
            },
            Expr::Cmp(want, or_equal, a, b) => match compare(&ev(a)?, &ev(b)?)? {
                Some(o) => Value::Bool(o == *want || (*or_equal && o == Ordering::Equal)),
                None => Value::Null,
            },
            Expr::Arith(op, a, b) => arith(*op, &ev(a)?, &ev(b)?)?,
            Expr::Neg(a) => match ev(a)? {
                Value::Int(i) => Value::Int(-i),
                Value::Double(d) => Value::Double(-d),
                Value::Null => Value::Null,
                other => return failed(format!("TYPE_MISMATCH: cannot negate {other:?}")),
            },
            Expr::Between(x, lo, hi, negated) => {
                let x = ev(x)?;
                let ge = compare(&x, &ev(lo)?)?.map(|o| o != Ordering::Less);
                let le = compare(&x, &ev(hi)?)?.map(|o| o != Ordering::Greater);
                let inside = match (ge, le) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                inside.map_or(Value::Null, |b| Value::Bool(b != *negated))
            }
            Expr::In(x, list, negated) => {
                let x = ev(x)?;
                let mut unknown = false;
                let mut found = false;
                for e in list {
                    match compare(&x, &ev(e)?)? {
                        Some(Ordering::Equal) => found = true,
                        None => unknown = true,
                        _ => {}
                    }
                }
                match (found, unknown) {
                    (true, _) => Value::Bool(!negated),
                    (false, true) => Value::Null,
                    (false, false) => Value::Bool(*negated),
                }
            }
            Expr::Like(x, p, escape, negated) => match (ev(x)?, ev(p)?) {
                (Value::Str(s), Value::Str(p)) => Value::Bool(like(&s, &p, *escape)? != *negated),
                (Value::Null, _) | (_, Value::Null) => Value::Null,
                (a, b) => return failed(format!("TYPE_MISMATCH: {a:?} LIKE {b:?}")),
            },
            Expr::IsNull(x, negated) => Value::Bool((ev(x)? == Value::Null) != *negated),
            Expr::Case(whens, other) => {
                for (c, r) in whens {
                    if truth(&ev(c)?)? == Some(true) {
                        return ev(r);
                    }
                }
                match other {
                    Some(o) => ev(o)?,
                    None => Value::Null,
                }
            }
            Expr::Cast(x, ty, try_) => cast(ev(x)?, *ty, *try_)?,
            Expr::Call(f, args) => {
                let vals = args.iter().map(ev).collect::<Eval<Vec<_>>>()?;
                call(*f, vals)?
            }
        })
    }
}

/// A boolean's truth (`None` for NULL).
pub(crate) fn truth(v: &Value) -> Eval<Option<bool>> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        other => failed(format!("TYPE_MISMATCH: {other:?} is not a boolean")),
    }
}

/// How `a` compares with `b` (`None` when either is NULL); values of unlike types are an error,
/// numbers compare across bigint and double.
pub(crate) fn compare(a: &Value, b: &Value) -> Eval<Option<Ordering>> {
    Ok(Some(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => return Ok(None),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Str(x), Value::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Time(x), Value::Time(y)) => x.cmp(y),
        (Value::Ip(x), Value::Ip(y)) => x.cmp(y),
        (x, y) => match (x.number(), y.number()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => {
                return failed(format!(
                    "TYPE_MISMATCH: cannot compare {} with {}",
                    x.type_name().unwrap_or("unknown"),
                    y.type_name().unwrap_or("unknown")
                ));
            }
        },
    }))
}

fn arith(op: char, a: &Value, b: &Value) -> Eval<Value> {
    Ok(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Int(x), Value::Int(y)) => {
            let r = match op {
                '+' => x.checked_add(*y),
                '-' => x.checked_sub(*y),
                '*' => x.checked_mul(*y),
                '/' if *y == 0 => return failed("DIVISION_BY_ZERO: Division by zero"),
                '/' => x.checked_div(*y),
                _ if *y == 0 => return failed("DIVISION_BY_ZERO: Division by zero"),
                _ => x.checked_rem(*y),
            };
            match r {
                Some(v) => Value::Int(v),
                None => return failed("NUMERIC_VALUE_OUT_OF_RANGE: bigint overflow"),
            }
        }
        (x, y) => match (x.number(), y.number()) {
            (Some(x), Some(y)) => Value::Double(match op {
                '+' => x + y,
                '-' => x - y,
                '*' => x * y,
                '/' => x / y,
                _ => x % y,
            }),
            _ => return failed(format!("TYPE_MISMATCH: {x:?} {op} {y:?}")),
        },
    })
}

/// Whether `s` matches the LIKE pattern `p` (`%` any run, `_` one character, `escape` before
/// either or itself for the character).
fn like(s: &str, p: &str, escape: Option<char>) -> Eval<bool> {
    enum Tok {
        Any,
        One,
        Char(char),
    }
    let mut toks = Vec::new();
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            match chars.next() {
                Some(n) if n == '%' || n == '_' || Some(n) == escape => toks.push(Tok::Char(n)),
                _ => {
                    return failed(
                        "INVALID_FUNCTION_ARGUMENT: Escape character must be followed by '%', '_' \
                         or the escape character itself",
                    );
                }
            }
        } else if c == '%' {
            toks.push(Tok::Any);
        } else if c == '_' {
            toks.push(Tok::One);
        } else {
            toks.push(Tok::Char(c));
        }
    }
    let s: Vec<char> = s.chars().collect();
    // can[j]: the first i tokens match the first j characters.
    let mut can = vec![false; s.len() + 1];
    can[0] = true;
    for t in &toks {
        let mut next = vec![false; s.len() + 1];
        match t {
            Tok::Any => {
                let mut seen = false;
                for j in 0..=s.len() {
                    seen |= can[j];
                    next[j] = seen;
                }
            }
            Tok::One => next[1..].copy_from_slice(&can[..s.len()]),
            Tok::Char(c) => {
                for j in 1..=s.len() {
                    next[j] = can[j - 1] && s[j - 1] == *c;
                }
            }
        }
        can = next;
    }
    Ok(can[s.len()])
}

fn cast(v: Value, ty: Type, try_: bool) -> Eval<Value> {
    let bad = |v: &Value, ty: &str| -> Eval<Value> {
        if try_ {
            Ok(Value::Null)
        } else {
            failed(format!("INVALID_CAST_ARGUMENT: Cannot cast {v:?} to {ty}"))
        }
    };
    Ok(match (ty, v) {
        (_, Value::Null) => Value::Null,
        (Type::Bigint, Value::Int(i)) => Value::Int(i),
        (Type::Bigint, Value::Double(d)) if d.is_finite() => Value::Int(d.round() as i64),
        (Type::Bigint, Value::Str(s)) => match s.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => return bad(&Value::Str(s), "bigint"),
        },
        (Type::Double, Value::Int(i)) => Value::Double(i as f64),
        (Type::Double, Value::Double(d)) => Value::Double(d),
        (Type::Double, Value::Str(s)) => match s.trim().parse::<f64>() {
            Ok(d) if !s.trim().is_empty() => Value::Double(d),
            _ => return bad(&Value::Str(s), "double"),
        },
        (Type::Varchar, v) => Value::Str(v.cell().unwrap_or_default()),
        (Type::IpAddress, Value::Str(s)) => match s.parse::<IpAddr>() {
            Ok(IpAddr::V4(a)) => Value::Ip(a.to_ipv6_mapped()),
            Ok(IpAddr::V6(a)) => Value::Ip(a),
            Err(_) => return bad(&Value::Str(s), "ipaddress"),
        },
        (Type::IpAddress, v @ Value::Ip(_)) => v,
        (ty, v) => return bad(&v, &format!("{ty:?}").to_ascii_lowercase()),
    })
}

fn text(v: &Value, f: &str) -> Eval<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::Str(s) => Ok(Some(s.clone())),
        other => failed(format!("TYPE_MISMATCH: {f} takes varchar, not {other:?}")),
    }
}

fn integer(v: &Value, f: &str) -> Eval<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        other => failed(format!("TYPE_MISMATCH: {f} takes bigint, not {other:?}")),
    }
}

fn call(f: Func, args: Vec<Value>) -> Eval<Value> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    Ok(match f {
        Func::Coalesce => args
            .into_iter()
            .find(|v| *v != Value::Null)
            .unwrap_or(Value::Null),
        Func::NullIf => match compare(&arg(0), &arg(1))? {
            Some(Ordering::Equal) => Value::Null,
            _ => arg(0),
        },
        Func::Lower => match text(&arg(0), "lower")? {
            Some(s) => Value::Str(s.to_lowercase()),
            None => Value::Null,
        },
        Func::Strpos => match (text(&arg(0), "strpos")?, text(&arg(1), "strpos")?) {
            (Some(s), Some(n)) => Value::Int(match s.find(&n) {
                Some(at) => s[..at].chars().count() as i64 + 1,
                None => 0,
            }),
            _ => Value::Null,
        },
        Func::Substr => {
            let Some(s) = text(&arg(0), "substr")? else {
                return Ok(Value::Null);
            };
            let Some(start) = integer(&arg(1), "substr")? else {
                return Ok(Value::Null);
            };
            let chars: Vec<char> = s.chars().collect();
            let n = chars.len() as i64;
            let from = if start > 0 { start - 1 } else { n + start };
            if start == 0 || from < 0 || from >= n {
                return Ok(Value::Str(String::new()));
            }
            let len = match args.get(2) {
                Some(v) => match integer(v, "substr")? {
                    Some(l) => l.max(0),
                    None => return Ok(Value::Null),
                },
                None => n,
            };
            let to = (from + len).min(n);
            Value::Str(chars[from as usize..to as usize].iter().collect())
        }
        Func::Concat => {
            let mut out = String::new();
            for v in &args {
                match v {
                    Value::Null => return Ok(Value::Null),
                    v => out.push_str(&v.cell().unwrap_or_default()),
                }
            }
            Value::Str(out)
        }
        Func::RegexpLike => match (text(&arg(0), "regexp_like")?, text(&arg(1), "regexp_like")?) {
            (Some(s), Some(p)) => match regex::Regex::new(&p) {
                Ok(re) => Value::Bool(re.is_match(&s)),
                Err(e) => return failed(format!("INVALID_FUNCTION_ARGUMENT: {e}")),
            },
            _ => Value::Null,
        },
        Func::SplitPart => {
            let (Some(s), Some(d), Some(i)) = (
                text(&arg(0), "split_part")?,
                text(&arg(1), "split_part")?,
                integer(&arg(2), "split_part")?,
            ) else {
                return Ok(Value::Null);
            };
            if i < 1 {
                return failed("INVALID_FUNCTION_ARGUMENT: Index must be greater than zero");
            }
            let parts: Vec<&str> = if d.is_empty() {
                vec![s.as_str()]
            } else {
                s.split(d.as_str()).collect()
            };
            parts
                .get(i as usize - 1)
                .map_or(Value::Null, |p| Value::Str((*p).to_string()))
        }
        Func::Contains => match (arg(0), arg(1)) {
            (Value::Str(net), Value::Ip(a)) => Value::Bool(in_network(&net, a)?),
            (Value::Null, _) | (_, Value::Null) => Value::Null,
            (a, b) => return failed(format!("TYPE_MISMATCH: contains({a:?}, {b:?})")),
        },
        Func::FromUnixtime => match arg(0).number() {
            Some(secs) => Value::Time((secs * 1000.0).floor() as i64),
            None if arg(0) == Value::Null => Value::Null,
            None => return failed("TYPE_MISMATCH: from_unixtime takes a number"),
        },
        Func::DateFormat => match (arg(0), text(&arg(1), "date_format")?) {
            (Value::Time(ms), Some(fmt)) => Value::Str(time_text(ms, &mysql_format(&fmt)?)),
            (Value::Null, _) | (_, None) => Value::Null,
            (other, _) => return failed(format!("TYPE_MISMATCH: date_format of {other:?}")),
        },
    })
}

/// Whether `addr` lies in the network `cidr` (`10.0.0.0/8`, `2001:db8::/32`).
fn in_network(cidr: &str, addr: Ipv6Addr) -> Eval<bool> {
    let bad = || SqlError::Failed(format!("INVALID_FUNCTION_ARGUMENT: Invalid CIDR: {cidr}"));
    let (net, bits) = cidr.split_once('/').ok_or_else(bad)?;
    let bits: u32 = bits.parse().map_err(|_| bad())?;
    let (net, bits) = match net.parse::<IpAddr>().map_err(|_| bad())? {
        IpAddr::V4(a) if bits <= 32 => (a.to_ipv6_mapped(), bits + 96),
        IpAddr::V6(a) if bits <= 128 => (a, bits),
        _ => return Err(bad()),
    };
    let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
    Ok(u128::from(net) & mask == u128::from(addr) & mask)
}

/// A MySQL-style `date_format` pattern as chrono's; specifiers other than `%Y %m %d %H %i %s`
/// are refused.
fn mysql_format(f: &str) -> Eval<String> {
    let mut out = String::new();
    let mut chars = f.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str("%Y"),
            Some('m') => out.push_str("%m"),
            Some('d') => out.push_str("%d"),
            Some('H') => out.push_str("%H"),
            Some('i') => out.push_str("%M"),
            Some('s') => out.push_str("%S"),
            Some('%') => out.push_str("%%"),
            other => {
                return Err(SqlError::Unmodelled(format!(
                    "the date_format specifier %{}",
                    other.map(String::from).unwrap_or_default()
                )));
            }
        }
    }
    Ok(out)
}

fn time_text(ms: i64, chrono_format: &str) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format(chrono_format).to_string())
        .unwrap_or_default()
}
