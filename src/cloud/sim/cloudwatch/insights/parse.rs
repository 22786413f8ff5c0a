//! The part of the Logs Insights query language the simulator models, parsed: `fields` (fields,
//! renames and `coalesce`), `display`, `filter` (comparisons, `like`, `=~`, `in`, `ispresent`,
//! `isIpv4InSubnet`, `isIpv6InSubnet`, `and`/`or`/`not`),
//! `stats` (`count`, `count_distinct`, `sum`, `avg`, `min`, `max`, `pct` by fields and `bin`),
//! `sort` and `limit`. Anything else is refused as the service refuses a malformed query, naming
//! the position — and saying when it is real syntax the simulator does not model.

use crate::domain::{Millis, Timestamp};

/// A parsed query: its commands in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub commands: Vec<Command>,
}

/// One command of the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Command {
    /// `fields a, b as c, coalesce(d, "-") as e`: the fields to show (renames, computed ones).
    Fields(Vec<(Value, String)>),
    /// `display a, b`: the fields shown, in this order.
    Display(Vec<String>),
    /// `filter EXPR`.
    Filter(Expr),
    /// `stats AGG, … [by KEY, …]`.
    Stats { aggs: Vec<Agg>, by: Vec<Key> },
    /// `sort FIELD [asc|desc], …` (`true`: descending).
    Sort(Vec<(String, bool)>),
    /// `limit N`.
    Limit(usize),
}

/// A filter expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, Cmp, Operand),
    /// `a like "text"` / `a like /re/` / `a =~ /re/`.
    Like(Operand, Matcher),
    /// `a in [x, y]`.
    In(Operand, Vec<Operand>),
    /// `ispresent(a)`.
    Present(String),
    /// `isIpv4InSubnet(a, "net/prefix")` (`v6: false`) or `isIpv6InSubnet` (`v6: true`): the
    /// field is a valid address of that version within the network.
    Subnet {
        field: String,
        v6: bool,
        net: std::net::IpAddr,
        prefix: u8,
    },
}

/// A value a `fields` entry computes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A field as it is.
    Field(String),
    /// `coalesce(a, b, …)`: the first of them that has a value.
    Coalesce(Vec<Operand>),
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// What `like` matches.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    /// A substring.
    Text(String),
    /// A regular expression.
    Regex(regex::Regex),
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Matcher) -> bool {
        match (self, other) {
            (Matcher::Text(a), Matcher::Text(b)) => a == b,
            (Matcher::Regex(a), Matcher::Regex(b)) => a.as_str() == b.as_str(),
            _ => false,
        }
    }
}

/// A field, a number or a string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    Field(String),
    Num(f64),
    Str(String),
}

/// An aggregate of `stats`, named as written (or by its `as`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Agg {
    pub func: Func,
    /// The field it reads (`None`: `count(*)`).
    pub field: Option<String>,
    /// The column's name.
    pub name: String,
}

/// The aggregate functions modelled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Func {
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
    /// `pct(field, P)`.
    Pct(f64),
}

/// A `by` key: a field, or `bin(PERIOD)` of `@timestamp`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Key {
    Field(String),
    Bin { period: Millis, name: String },
}

/// Why a query was refused: the message and the 0-based character position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Malformed {
    pub message: String,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Num(f64),
    Str(String),
    Regex(String),
    Sym(&'static str),
}

/// Commands of the real language the simulator does not model.
const UNMODELLED: &[&str] = &[
    "parse",
    "dedup",
    "unmask",
    "unnest",
    "pattern",
    "diff",
    "anomaly",
    "lookup",
    "source",
    "filterindex",
];

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, Malformed> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<(Tok, usize)> = Vec::new();
    let mut i = 0;
    let bad = |at: usize, what: &str| Malformed {
        message: format!("unexpected {what}"),
        at,
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let regex_allowed = matches!(out.last(), Some((Tok::Sym("=~"), _)))
            || matches!(out.last(), Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case("like"));
        if c == '/' && regex_allowed {
            let mut body = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '/' {
                if chars[i] == '\\' && i + 1 < chars.len() && chars[i + 1] == '/' {
                    i += 1;
                }
                body.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err(bad(start, "end of query inside a regular expression"));
            }
            i += 1;
            out.push((Tok::Regex(body), start));
        } else if c == '"' || c == '\'' {
            let mut body = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                body.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err(bad(start, "end of query inside a string"));
            }
            i += 1;
            out.push((Tok::Str(body), start));
        } else if c == '`' {
            let end = chars[i + 1..].iter().position(|&x| x == '`');
            let Some(len) = end else {
                return Err(bad(start, "end of query inside a `field name`"));
            };
            out.push((Tok::Word(chars[i + 1..i + 1 + len].iter().collect()), start));
            i += len + 2;
        } else if c.is_ascii_digit()
            || (c == '-'
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && !matches!(out.last(), Some((Tok::Word(_) | Tok::Num(_), _))))
        {
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            // A number followed by letters is a period (`5m`) or a word: the caller reads it.
            if i < chars.len() && chars[i].is_ascii_alphabetic() {
                while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                out.push((Tok::Word(chars[start..i].iter().collect()), start));
                continue;
            }
            let n = s
                .parse()
                .map_err(|_| bad(start, &format!("number `{s}`")))?;
            out.push((Tok::Num(n), start));
        } else if c.is_alphanumeric() || c == '@' || c == '_' || c == '$' {
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '@' | '_' | '.' | '$' | '-'))
            {
                i += 1;
            }
            out.push((Tok::Word(chars[start..i].iter().collect()), start));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = match two.as_str() {
                "!=" => Some("!="),
                "<=" => Some("<="),
                ">=" => Some(">="),
                "=~" => Some("=~"),
                _ => None,
            };
            if let Some(s) = sym {
                out.push((Tok::Sym(s), start));
                i += 2;
                continue;
            }
            let one = match c {
                '|' => "|",
                ',' => ",",
                '(' => "(",
                ')' => ")",
                '[' => "[",
                ']' => "]",
                '=' => "=",
                '<' => "<",
                '>' => ">",
                '*' => "*",
                _ => return Err(bad(start, &format!("character `{c}`"))),
            };
            out.push((Tok::Sym(one), start));
            i += 1;
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    len: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.len, |(_, at)| *at)
    }

    fn fail<T>(&self, message: String) -> Result<T, Malformed> {
        Err(Malformed {
            message,
            at: self.at(),
        })
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|(t, _)| t.clone());
        self.pos += 1;
        t
    }

    fn keyword(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(k))
    }

    fn sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), Malformed> {
        if self.sym(s) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(format!("expected `{s}` here"))
        }
    }

    fn word(&mut self, what: &str) -> Result<String, Malformed> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            _ => self.fail(format!("expected {what} here")),
        }
    }

    fn at_end_of_command(&self) -> bool {
        self.peek().is_none() || self.sym("|")
    }

    fn command(&mut self) -> Result<Command, Malformed> {
        let at = self.at();
        let name = self.word("a command")?.to_ascii_lowercase();
        match name.as_str() {
            "fields" => {
                let mut out = Vec::new();
                loop {
                    let at = self.at();
                    let f = self.word("a field")?;
                    let value = if f.eq_ignore_ascii_case("coalesce") && self.sym("(") {
                        self.pos += 1;
                        let mut args = vec![self.operand()?];
                        while self.sym(",") {
                            self.pos += 1;
                            args.push(self.operand()?);
                        }
                        self.expect_sym(")")?;
                        Value::Coalesce(args)
                    } else if self.sym("(") {
                        return Err(Malformed {
                            message: format!(
                                "`{f}` is a function the demo simulator does not model in \
                                 `fields` (it models coalesce)"
                            ),
                            at,
                        });
                    } else {
                        Value::Field(f.clone())
                    };
                    let alias = if self.keyword("as") {
                        self.pos += 1;
                        self.word("a name")?
                    } else if matches!(value, Value::Field(_)) {
                        f.clone()
                    } else {
                        return self.fail("a computed field needs a name: `as NAME`".into());
                    };
                    out.push((value, alias));
                    if !self.sym(",") {
                        break;
                    }
                    self.pos += 1;
                }
                Ok(Command::Fields(out))
            }
            "display" => {
                let mut out = vec![self.word("a field")?];
                while self.sym(",") {
                    self.pos += 1;
                    out.push(self.word("a field")?);
                }
                Ok(Command::Display(out))
            }
            "filter" => Ok(Command::Filter(self.or()?)),
            "stats" => self.stats(),
            "sort" => {
                let mut out = Vec::new();
                loop {
                    let f = self.word("a field")?;
                    let desc = if self.keyword("desc") {
                        self.pos += 1;
                        true
                    } else {
                        if self.keyword("asc") {
                            self.pos += 1;
                        }
                        false
                    };
                    out.push((f, desc));
                    if !self.sym(",") {
                        break;
                    }
                    self.pos += 1;
                }
                Ok(Command::Sort(out))
            }
            "limit" => match self.next() {
                Some(Tok::Num(n)) if n >= 1.0 && n.fract() == 0.0 => Ok(Command::Limit(n as usize)),
                _ => Err(Malformed {
                    message: "`limit` takes a whole number of rows".into(),
                    at,
                }),
            },
            other if UNMODELLED.contains(&other) => Err(Malformed {
                message: format!(
                    "`{other}` is Logs Insights syntax the demo simulator does not model (it \
                     models fields, display, filter, stats, sort and limit)"
                ),
                at,
            }),
            other => Err(Malformed {
                message: format!("unknown command `{other}`"),
                at,
            }),
        }
    }

    fn stats(&mut self) -> Result<Command, Malformed> {
        let mut aggs = Vec::new();
        loop {
            let start = self.at();
            let func = self.word("an aggregate function")?.to_ascii_lowercase();
            self.expect_sym("(")?;
            let (func, field) = match func.as_str() {
                "count" if self.sym("*") => {
                    self.pos += 1;
                    (Func::Count, None)
                }
                "count" if self.sym(")") => (Func::Count, None),
                "count" => (Func::Count, Some(self.word("a field")?)),
                "count_distinct" => (Func::CountDistinct, Some(self.word("a field")?)),
                "sum" => (Func::Sum, Some(self.word("a field")?)),
                "avg" => (Func::Avg, Some(self.word("a field")?)),
                "min" => (Func::Min, Some(self.word("a field")?)),
                "max" => (Func::Max, Some(self.word("a field")?)),
                "pct" | "percentile" => {
                    let f = self.word("a field")?;
                    self.expect_sym(",")?;
                    match self.next() {
                        Some(Tok::Num(p)) if (0.0..=100.0).contains(&p) => (Func::Pct(p), Some(f)),
                        _ => return self.fail("`pct` takes a percentile from 0 to 100".into()),
                    }
                }
                other => {
                    return Err(Malformed {
                        message: format!(
                            "`{other}` is not an aggregate function the demo simulator models \
                             (count, count_distinct, sum, avg, min, max, pct)"
                        ),
                        at: start,
                    });
                }
            };
            self.expect_sym(")")?;
            let written = match (&func, &field) {
                (Func::Count, None) => "count(*)".to_string(),
                (Func::Pct(p), Some(f)) => format!("pct({f}, {p})"),
                (Func::CountDistinct, Some(f)) => format!("count_distinct({f})"),
                (func, Some(f)) => format!("{}({f})", format!("{func:?}").to_ascii_lowercase()),
                (_, None) => "count(*)".to_string(),
            };
            let name = if self.keyword("as") {
                self.pos += 1;
                self.word("a name")?
            } else {
                written
            };
            aggs.push(Agg { func, field, name });
            if !self.sym(",") {
                break;
            }
            self.pos += 1;
        }
        let mut by = Vec::new();
        if self.keyword("by") {
            self.pos += 1;
            loop {
                let w = self.word("a field or bin(…)")?;
                if w.eq_ignore_ascii_case("bin") && self.sym("(") {
                    self.pos += 1;
                    let at = self.at();
                    let period = match self.next() {
                        Some(Tok::Word(p)) => period(&p),
                        _ => None,
                    };
                    let Some(period) = period else {
                        return Err(Malformed {
                            message: "`bin` takes a period such as 30s, 5m, 1h or 1d".into(),
                            at,
                        });
                    };
                    self.expect_sym(")")?;
                    let name = format!("bin({})", period_text(period));
                    by.push(Key::Bin { period, name });
                } else {
                    by.push(Key::Field(w));
                }
                if !self.sym(",") {
                    break;
                }
                self.pos += 1;
            }
        }
        Ok(Command::Stats { aggs, by })
    }

    fn or(&mut self) -> Result<Expr, Malformed> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, Malformed> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, Malformed> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.sym("(") {
            self.pos += 1;
            let e = self.or()?;
            self.expect_sym(")")?;
            return Ok(e);
        }
        if self.keyword("ispresent") {
            self.pos += 1;
            self.expect_sym("(")?;
            let f = self.word("a field")?;
            self.expect_sym(")")?;
            return Ok(Expr::Present(f));
        }
        let v6 = self.keyword("isipv6insubnet");
        if v6 || self.keyword("isipv4insubnet") {
            self.pos += 1;
            self.expect_sym("(")?;
            let field = self.word("a field")?;
            self.expect_sym(",")?;
            let at = self.at();
            let Some(Tok::Str(subnet)) = self.next() else {
                return Err(Malformed {
                    message: "expected a subnet string such as \"192.0.2.0/24\"".into(),
                    at,
                });
            };
            let Some((net, prefix)) = subnet_of(&subnet, v6) else {
                return Err(Malformed {
                    message: format!(
                        "\"{subnet}\" is not an IPv{} subnet in CIDR notation",
                        if v6 { 6 } else { 4 }
                    ),
                    at,
                });
            };
            self.expect_sym(")")?;
            return Ok(Expr::Subnet {
                field,
                v6,
                net,
                prefix,
            });
        }
        let left = self.operand()?;
        if self.keyword("not") {
            self.pos += 1;
            if self.keyword("like") {
                self.pos += 1;
                return Ok(Expr::Not(Box::new(Expr::Like(left, self.matcher()?))));
            }
            if self.keyword("in") {
                self.pos += 1;
                return Ok(Expr::Not(Box::new(Expr::In(left, self.list()?))));
            }
            return self.fail("expected `like` or `in` after `not`".into());
        }
        if self.keyword("like") {
            self.pos += 1;
            return Ok(Expr::Like(left, self.matcher()?));
        }
        if self.sym("=~") {
            self.pos += 1;
            return Ok(Expr::Like(left, self.matcher()?));
        }
        if self.keyword("in") {
            self.pos += 1;
            return Ok(Expr::In(left, self.list()?));
        }
        let op = match self.peek() {
            Some(Tok::Sym("=")) => Cmp::Eq,
            Some(Tok::Sym("!=")) => Cmp::Ne,
            Some(Tok::Sym("<")) => Cmp::Lt,
            Some(Tok::Sym("<=")) => Cmp::Le,
            Some(Tok::Sym(">")) => Cmp::Gt,
            Some(Tok::Sym(">=")) => Cmp::Ge,
            _ => return self.fail("expected a comparison (=, !=, <, <=, >, >=, like, in)".into()),
        };
        self.pos += 1;
        Ok(Expr::Cmp(left, op, self.operand()?))
    }

    fn operand(&mut self) -> Result<Operand, Malformed> {
        match self.peek().cloned() {
            Some(Tok::Word(w)) => {
                self.pos += 1;
                Ok(Operand::Field(w))
            }
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(Operand::Num(n))
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(Operand::Str(s))
            }
            _ => self.fail("expected a field, a number or a string".into()),
        }
    }

    fn matcher(&mut self) -> Result<Matcher, Malformed> {
        let at = self.at();
        match self.next() {
            Some(Tok::Str(s)) => Ok(Matcher::Text(s)),
            Some(Tok::Regex(r)) => {
                regex::Regex::new(&r)
                    .map(Matcher::Regex)
                    .map_err(|e| Malformed {
                        message: format!("bad regular expression /{r}/: {e}"),
                        at,
                    })
            }
            _ => Err(Malformed {
                message: "expected a string or a /regular expression/".into(),
                at,
            }),
        }
    }

    fn list(&mut self) -> Result<Vec<Operand>, Malformed> {
        self.expect_sym("[")?;
        let mut out = vec![self.operand()?];
        while self.sym(",") {
            self.pos += 1;
            out.push(self.operand()?);
        }
        self.expect_sym("]")?;
        Ok(out)
    }
}

/// `192.0.2.0/24` (IPv4) or `2001:db8::/32` (IPv6), as the function's version asks.
fn subnet_of(text: &str, v6: bool) -> Option<(std::net::IpAddr, u8)> {
    let (addr, prefix) = text.split_once('/')?;
    let prefix: u8 = prefix.parse().ok()?;
    let net: std::net::IpAddr = if v6 {
        std::net::IpAddr::V6(addr.parse().ok()?)
    } else {
        std::net::IpAddr::V4(addr.parse().ok()?)
    };
    (prefix <= if v6 { 128 } else { 32 }).then_some((net, prefix))
}

/// `30s`, `5m`, `1h`, `1d` as milliseconds.
pub(crate) fn period(p: &str) -> Option<Millis> {
    let split = p.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = p.split_at(split);
    let n: i64 = n.parse().ok().filter(|&n| n > 0)?;
    let unit = match unit {
        "s" | "sec" => Timestamp::SECOND,
        "m" | "min" => Timestamp::MINUTE,
        "h" | "hr" => 60 * Timestamp::MINUTE,
        "d" => Timestamp::DAY,
        _ => return None,
    };
    Some(n * unit)
}

fn period_text(ms: Millis) -> String {
    let s = ms / 1000;
    match s {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Parses `text`; the error names the position the service would.
pub(crate) fn parse(text: &str) -> Result<Query, Malformed> {
    let toks = lex(text)?;
    let mut p = Parser {
        toks,
        pos: 0,
        len: text.chars().count(),
    };
    let mut commands = Vec::new();
    loop {
        commands.push(p.command()?);
        if !p.at_end_of_command() {
            return p.fail("expected `|` or the end of the query here".into());
        }
        if p.peek().is_none() {
            break;
        }
        p.pos += 1;
    }
    Ok(Query { commands })
}
