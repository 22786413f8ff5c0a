//! A SELECT over one table, as the simulator's Athena runs it: the projection (plain columns,
//! or aggregates with `GROUP BY` ordinals or expressions), `WHERE`, `ORDER BY` output names or
//! ordinals, `LIMIT`. Conditions on partition columns and `"$path"` alone choose the objects
//! read, as Athena prunes partitions and files.

use super::expr::{AggCall, AggKind, Eval, Expr, SqlError, Value, compare, compile, truth};
use sqlparser::ast::{self, GroupByExpr, LimitClause, OrderByKind, SelectItem, SetExpr};
use std::cmp::Ordering;

/// A compiled SELECT.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Select {
    /// `db`, `table` as written (lowercased), the database `None` when unqualified.
    pub(crate) table: (Option<String>, String),
    /// Where the table name starts in the text, `line:column`, for messages.
    pub(crate) at: (usize, usize),
    /// Output names and expressions.
    pub(crate) items: Vec<(String, Expr)>,
    /// The aggregates the items refer to.
    pub(crate) aggs: Vec<AggCall>,
    /// Whether the query aggregates (aggregates or GROUP BY).
    pub(crate) grouped: bool,
    /// Grouping expressions.
    pub(crate) group: Vec<Expr>,
    /// `WHERE`, split at its top-level ANDs.
    pub(crate) filter: Vec<Expr>,
    /// Output column index and descending, per ORDER BY key.
    pub(crate) order: Vec<(usize, bool)>,
    /// `LIMIT`.
    pub(crate) limit: Option<usize>,
}

fn unmodelled<T>(what: impl Into<String>) -> Eval<T> {
    Err(SqlError::Unmodelled(what.into()))
}

fn conjuncts(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::And(a, b) => {
            conjuncts(*a, out);
            conjuncts(*b, out);
        }
        e => out.push(e),
    }
}

/// Compiles the SELECT `q` (whose text is `sql`).
pub(crate) fn compile_select(q: &ast::Query, sql: &str) -> Eval<Select> {
    if q.with.is_some() || q.fetch.is_some() || !q.locks.is_empty() {
        return unmodelled("WITH, FETCH or locking clauses");
    }
    let SetExpr::Select(s) = q.body.as_ref() else {
        return unmodelled(format!("the query form `{}`", q.body));
    };
    if s.distinct.is_some() || s.having.is_some() || s.top.is_some() || !s.lateral_views.is_empty()
    {
        return unmodelled("DISTINCT, HAVING, TOP or LATERAL VIEW");
    }
    let [from] = s.from.as_slice() else {
        return unmodelled("a query over other than one table");
    };
    if !from.joins.is_empty() {
        return unmodelled("JOIN");
    }
    let ast::TableFactor::Table { name, .. } = &from.relation else {
        return unmodelled(format!("FROM {}", from.relation));
    };
    let mut names: Vec<String> = name
        .0
        .iter()
        .filter_map(|p| p.as_ident())
        .map(|i| i.value.to_ascii_lowercase())
        .collect();
    let Some(table) = names.pop() else {
        return unmodelled("a table without a name");
    };
    let at = position(sql, &name.to_string());
    let mut aggs = Vec::new();
    let mut items = Vec::new();
    for (i, item) in s.projection.iter().enumerate() {
        let (e, name) = match item {
            SelectItem::UnnamedExpr(e) => (e, format!("_col{i}")),
            SelectItem::ExprWithAlias { expr, alias } => (expr, alias.value.clone()),
            other => return unmodelled(format!("the select item `{other}`")),
        };
        let name = match e {
            ast::Expr::Identifier(id) if matches!(item, SelectItem::UnnamedExpr(_)) => {
                id.value.to_ascii_lowercase()
            }
            _ => name,
        };
        items.push((name, compile(e, &mut Some(&mut aggs))?));
    }
    let group = match &s.group_by {
        GroupByExpr::Expressions(exprs, modifiers) if modifiers.is_empty() => {
            let mut out = Vec::new();
            for e in exprs {
                let g = match e {
                    ast::Expr::Value(v) => match &v.value {
                        ast::Value::Number(n, _) => {
                            let k: usize = n.to_string().parse().unwrap_or(0);
                            match items.get(k.wrapping_sub(1)) {
                                Some((_, e)) => e.clone(),
                                None => {
                                    return Err(SqlError::Failed(format!(
                                        "INVALID_COLUMN_REFERENCE: GROUP BY position {k} is not in \
                                         select list"
                                    )));
                                }
                            }
                        }
                        _ => compile(e, &mut None)?,
                    },
                    e => compile(e, &mut None)?,
                };
                out.push(g);
            }
            out
        }
        other => return unmodelled(format!("{other}")),
    };
    let grouped = !aggs.is_empty() || !group.is_empty();
    if grouped {
        for (name, e) in &items {
            if !contains_agg(e) && !group.contains(e) && !is_constant(e) {
                return Err(SqlError::Failed(format!(
                    "EXPRESSION_NOT_AGGREGATE: '{name}' must be an aggregate expression or appear \
                     in GROUP BY clause"
                )));
            }
        }
    }
    let mut filter = Vec::new();
    if let Some(w) = &s.selection {
        conjuncts(compile(w, &mut None)?, &mut filter);
    }
    let mut order = Vec::new();
    if let Some(o) = &q.order_by {
        let OrderByKind::Expressions(keys) = &o.kind else {
            return unmodelled("ORDER BY ALL");
        };
        for k in keys {
            let index = match &k.expr {
                ast::Expr::Identifier(id) => items
                    .iter()
                    .position(|(n, _)| n.eq_ignore_ascii_case(&id.value)),
                ast::Expr::Value(v) => match &v.value {
                    ast::Value::Number(n, _) => n
                        .to_string()
                        .parse::<usize>()
                        .ok()
                        .and_then(|k| k.checked_sub(1))
                        .filter(|k| *k < items.len()),
                    _ => None,
                },
                _ => None,
            };
            let Some(index) = index else {
                return unmodelled(format!(
                    "ORDER BY `{}` (only output names and positions are modelled)",
                    k.expr
                ));
            };
            let desc = matches!(k.options.sort, Some(ast::OrderBySort::Desc));
            if k.options.nulls_first.is_some() {
                return unmodelled("NULLS FIRST/LAST");
            }
            order.push((index, desc));
        }
    }
    let limit = match &q.limit_clause {
        None => None,
        Some(LimitClause::LimitOffset {
            limit: Some(ast::Expr::Value(v)),
            offset: None,
            limit_by,
        }) if limit_by.is_empty() => match &v.value {
            ast::Value::Number(n, _) => Some(
                n.to_string()
                    .parse()
                    .map_err(|_| SqlError::Unmodelled(format!("LIMIT {n}")))?,
            ),
            other => return unmodelled(format!("LIMIT {other}")),
        },
        Some(other) => return unmodelled(format!("{other}")),
    };
    Ok(Select {
        table: (names.pop(), table),
        at,
        items,
        aggs,
        grouped,
        group,
        filter,
        order,
        limit,
    })
}

/// `line:column` (from 1) of the first place `needle` follows `FROM` in `sql`.
fn position(sql: &str, needle: &str) -> (usize, usize) {
    let upper = sql.to_ascii_uppercase();
    let from = upper.find("FROM").map_or(0, |i| i + 4);
    let at = sql[from..].find(needle).map_or(from, |i| from + i);
    let line = sql[..at].matches('\n').count() + 1;
    let col = at - sql[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

fn contains_agg(e: &Expr) -> bool {
    match e {
        Expr::Agg(_) => true,
        Expr::Not(a) | Expr::Neg(a) | Expr::IsNull(a, _) | Expr::Cast(a, _, _) => contains_agg(a),
        Expr::And(a, b)
        | Expr::Or(a, b)
        | Expr::Cmp(_, _, a, b)
        | Expr::Arith(_, a, b)
        | Expr::Like(a, b, _, _) => contains_agg(a) || contains_agg(b),
        Expr::Between(a, b, c, _) => contains_agg(a) || contains_agg(b) || contains_agg(c),
        Expr::In(a, l, _) => contains_agg(a) || l.iter().any(contains_agg),
        Expr::Case(w, o) => {
            w.iter().any(|(c, r)| contains_agg(c) || contains_agg(r))
                || o.as_deref().is_some_and(contains_agg)
        }
        Expr::Call(_, args) => args.iter().any(contains_agg),
        Expr::Column(_) | Expr::Slot(_) | Expr::Lit(_) => false,
    }
}

fn is_constant(e: &Expr) -> bool {
    let mut cols = Vec::new();
    e.columns(&mut cols);
    cols.is_empty() && !matches!(e, Expr::Slot(_))
}

/// An aggregate's running state.
#[derive(Debug, Clone)]
enum Acc {
    Count(i64),
    Sum(Option<Value>),
    Best(Option<Value>, Ordering),
    Values(Vec<Value>),
}

impl Acc {
    fn new(kind: AggKind) -> Acc {
        match kind {
            AggKind::Count | AggKind::CountIf => Acc::Count(0),
            AggKind::Sum => Acc::Sum(None),
            AggKind::Min => Acc::Best(None, Ordering::Less),
            AggKind::Max => Acc::Best(None, Ordering::Greater),
            AggKind::Avg | AggKind::Percentile(_) => Acc::Values(Vec::new()),
        }
    }

    fn add(&mut self, call: &AggCall, row: &[Value]) -> Eval<()> {
        let v = match &call.arg {
            Some(e) => e.eval(row, &[])?,
            None => Value::Bool(true),
        };
        match self {
            Acc::Count(n) => {
                let counts = match call.kind {
                    AggKind::CountIf => truth(&v)? == Some(true),
                    _ => v != Value::Null,
                };
                *n += i64::from(counts);
            }
            Acc::Sum(total) => {
                if v != Value::Null {
                    *total = Some(match total.take() {
                        None => v,
                        Some(t) => super::expr::Expr::Arith(
                            '+',
                            Box::new(Expr::Lit(t)),
                            Box::new(Expr::Lit(v)),
                        )
                        .eval(&[], &[])?,
                    });
                }
            }
            Acc::Best(best, want) => {
                if v != Value::Null {
                    let better = match best {
                        None => true,
                        Some(b) => compare(&v, b)? == Some(*want),
                    };
                    if better {
                        *best = Some(v);
                    }
                }
            }
            Acc::Values(values) => {
                if v != Value::Null {
                    values.push(v);
                }
            }
        }
        Ok(())
    }

    fn finish(self, kind: AggKind) -> Eval<Value> {
        Ok(match self {
            Acc::Count(n) => Value::Int(n),
            Acc::Sum(v) | Acc::Best(v, _) => v.unwrap_or(Value::Null),
            Acc::Values(mut values) => {
                if values.is_empty() {
                    return Ok(Value::Null);
                }
                match kind {
                    AggKind::Percentile(p) => {
                        let mut err = None;
                        values.sort_by(|a, b| match compare(a, b) {
                            Ok(o) => o.unwrap_or(Ordering::Equal),
                            Err(e) => {
                                err = Some(e);
                                Ordering::Equal
                            }
                        });
                        if let Some(e) = err {
                            return Err(e);
                        }
                        let rank = ((p * values.len() as f64).ceil() as usize).max(1);
                        values[rank.min(values.len()) - 1].clone()
                    }
                    _ => {
                        let sum: f64 = values
                            .iter()
                            .filter_map(|v| match v {
                                Value::Int(i) => Some(*i as f64),
                                Value::Double(d) => Some(*d),
                                _ => None,
                            })
                            .sum();
                        Value::Double(sum / values.len() as f64)
                    }
                }
            }
        })
    }
}

/// The output of a SELECT: column names and types, and rows.
pub(crate) struct Output {
    pub(crate) columns: Vec<(String, String)>,
    pub(crate) rows: Vec<Vec<Value>>,
}

impl Select {
    /// Whether `row` passes every condition of the WHERE clause.
    pub(crate) fn keeps(&self, row: &[Value]) -> Eval<bool> {
        for c in &self.filter {
            if truth(&c.eval(row, &[])?)? != Some(true) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The fold of this SELECT's output: rows that passed the filter are added one at a time
    /// (a scan keeps its groups, not its rows), then [`Fold::finish`] orders and limits.
    pub(crate) fn fold(&self) -> Fold<'_> {
        Fold {
            select: self,
            groups: Vec::new(),
            index: std::collections::HashMap::new(),
            out: Vec::new(),
        }
    }
}

/// A SELECT's output being folded: its groups in order of first appearance (a sample row and the
/// accumulators), or the projected rows of an ungrouped SELECT.
pub(crate) struct Fold<'a> {
    select: &'a Select,
    groups: Vec<(Vec<Value>, Vec<Acc>)>,
    index: std::collections::HashMap<String, usize>,
    out: Vec<Vec<Value>>,
}

impl Fold<'_> {
    /// Adds one row that passed the filter.
    pub(crate) fn add(&mut self, row: Vec<Value>) -> Eval<()> {
        let s = self.select;
        if !s.grouped {
            let projected = s
                .items
                .iter()
                .map(|(_, e)| e.eval(&row, &[]))
                .collect::<Eval<Vec<_>>>()?;
            self.out.push(projected);
            return Ok(());
        }
        let key = s
            .group
            .iter()
            .map(|g| g.eval(&row, &[]))
            .collect::<Eval<Vec<_>>>()?;
        let id = format!("{key:?}");
        let at = match self.index.get(&id) {
            Some(i) => *i,
            None => {
                let accs = s.aggs.iter().map(|a| Acc::new(a.kind)).collect();
                self.groups.push((row.clone(), accs));
                self.index.insert(id, self.groups.len() - 1);
                self.groups.len() - 1
            }
        };
        let (_, accs) = &mut self.groups[at];
        for (acc, call) in accs.iter_mut().zip(&s.aggs) {
            acc.add(call, &row)?;
        }
        Ok(())
    }

    /// The projection, order and limit over the rows added.
    pub(crate) fn finish(self) -> Eval<Output> {
        let s = self.select;
        let mut out = self.out;
        let mut groups = self.groups;
        if s.grouped {
            if groups.is_empty() && s.group.is_empty() {
                let accs = s.aggs.iter().map(|a| Acc::new(a.kind)).collect();
                groups.push((Vec::new(), accs));
            }
            for (sample, accs) in groups {
                let finished = accs
                    .into_iter()
                    .zip(&s.aggs)
                    .map(|(acc, call)| acc.finish(call.kind))
                    .collect::<Eval<Vec<_>>>()?;
                out.push(
                    s.items
                        .iter()
                        .map(|(_, e)| e.eval(&sample, &finished))
                        .collect::<Eval<Vec<_>>>()?,
                );
            }
        }
        let mut err = None;
        out.sort_by(|a, b| {
            for &(i, desc) in &s.order {
                let o = match (&a[i], &b[i]) {
                    (Value::Null, Value::Null) => Ordering::Equal,
                    // NULLs last, whichever the direction.
                    (Value::Null, _) => return Ordering::Greater,
                    (_, Value::Null) => return Ordering::Less,
                    (x, y) => match compare(x, y) {
                        Ok(o) => o.unwrap_or(Ordering::Equal),
                        Err(e) => {
                            err = Some(e);
                            Ordering::Equal
                        }
                    },
                };
                let o = if desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        if let Some(e) = err {
            return Err(e);
        }
        if let Some(l) = s.limit {
            out.truncate(l);
        }
        let columns = s
            .items
            .iter()
            .enumerate()
            .map(|(i, (name, e))| {
                let seen = out.iter().find_map(|r| r[i].type_name());
                let ty = seen.unwrap_or(match e {
                    Expr::Agg(a) => match s.aggs[*a].kind {
                        AggKind::Count | AggKind::CountIf | AggKind::Sum => "bigint",
                        _ => "double",
                    },
                    _ => "varchar",
                });
                (name.clone(), ty.to_string())
            })
            .collect();
        Ok(Output { columns, rows: out })
    }
}
