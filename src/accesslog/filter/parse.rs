//! The filter-expression parser: words with char positions, then recursive descent with
//! `not` > `and` (explicit or implied) > `or`. Every error names its char offset.

use crate::accesslog::filter::term::{
    TEXT_OPS, ident_len, is_field, is_term, op_at, term_for, text_pred,
};
use crate::accesslog::filter::{Expr, FilterError, TextField, TextTest};

const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Open,
    Close,
    And,
    Or,
    Not,
    Word {
        text: Vec<char>,
        quote_at: Option<usize>,
    },
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    start: usize,
}

pub(in crate::accesslog) fn err<T>(
    position: usize,
    message: impl Into<String>,
) -> Result<T, FilterError> {
    Err(FilterError {
        position,
        message: message.into(),
    })
}

fn lex(chars: &[char]) -> Result<Vec<Token>, FilterError> {
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == '(' || c == ')' {
            let kind = if c == '(' { Kind::Open } else { Kind::Close };
            toks.push(Token { kind, start });
            i += 1;
            continue;
        }
        let (mut text, mut quote_at) = (Vec::new(), None);
        while let Some(&c) = chars.get(i) {
            if c.is_whitespace() || c == '(' || c == ')' {
                break;
            }
            if c != '"' {
                text.push(c);
                i += 1;
                continue;
            }
            quote_at.get_or_insert(text.len());
            let open = i;
            i += 1;
            loop {
                match chars.get(i) {
                    None => return err(open, "missing closing quote for the quote"),
                    Some('"') => break,
                    Some('\\') if matches!(chars.get(i + 1), Some('"' | '\\')) => {
                        text.extend(chars.get(i + 1));
                        i += 2;
                    }
                    Some(&q) => {
                        text.push(q);
                        i += 1;
                    }
                }
            }
            i += 1;
        }
        let word: String = text.iter().collect();
        let kind = match word.to_ascii_lowercase().as_str() {
            "and" | "&&" if quote_at.is_none() => Kind::And,
            "or" | "||" if quote_at.is_none() => Kind::Or,
            "not" if quote_at.is_none() => Kind::Not,
            _ => Kind::Word { text, quote_at },
        };
        toks.push(Token { kind, start });
    }
    Ok(toks)
}

/// Parses `text` into an expression.
pub(in crate::accesslog) fn parse(text: &str) -> Result<Expr, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    let toks = lex(&chars)?;
    if toks.is_empty() {
        return Ok(Expr::All);
    }
    let mut p = Parser {
        toks,
        i: 0,
        end: chars.len(),
        depth: 0,
    };
    let e = p.or()?;
    match p.toks.get(p.i) {
        None => Ok(e),
        Some(t) => err(t.start, "unexpected \")\" without a matching \"(\""),
    }
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Kind> {
        self.toks.get(self.i).map(|t| &t.kind)
    }

    fn here(&self) -> usize {
        self.toks.get(self.i).map_or(self.end, |t| t.start)
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut e = self.and()?;
        while self.peek() == Some(&Kind::Or) {
            self.i += 1;
            let rhs = self.unary(Some("or"))?;
            let rhs = self.and_rest(rhs)?;
            e = Expr::Or(Box::new(e), Box::new(rhs));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let first = self.unary(None)?;
        self.and_rest(first)
    }

    fn and_rest(&mut self, mut e: Expr) -> Result<Expr, FilterError> {
        loop {
            let after = match self.peek() {
                Some(Kind::And) => {
                    self.i += 1;
                    Some("and")
                }
                Some(Kind::Word { .. } | Kind::Not | Kind::Open) => None,
                _ => return Ok(e),
            };
            let rhs = self.unary(after)?;
            e = Expr::And(Box::new(e), Box::new(rhs));
        }
    }

    fn unary(&mut self, after: Option<&str>) -> Result<Expr, FilterError> {
        let at = self.here();
        if self.depth >= MAX_DEPTH {
            return err(
                at,
                format!("expression nested more than {MAX_DEPTH} levels deep"),
            );
        }
        let expected = |what: &str| match after {
            Some(a) => format!("expected a filter after \"{a}\""),
            None => format!("expected a filter before {what}"),
        };
        let Some(tok) = self.toks.get(self.i).cloned() else {
            return err(at, expected("the end"));
        };
        match tok.kind {
            Kind::And => err(at, expected("\"and\"")),
            Kind::Or => err(at, expected("\"or\"")),
            Kind::Close => err(at, expected("\")\"")),
            Kind::Not => {
                self.i += 1;
                self.depth += 1;
                let inner = self.unary(Some("not"));
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner?)))
            }
            Kind::Open => {
                self.i += 1;
                if matches!(self.peek(), Some(Kind::Close) | None) {
                    return err(self.here(), "expected a filter after \"(\"");
                }
                self.depth += 1;
                let inner = self.or();
                self.depth -= 1;
                let inner = inner?;
                if self.peek() != Some(&Kind::Close) {
                    return err(tok.start, "missing \")\" to close the \"(\"");
                }
                self.i += 1;
                Ok(inner)
            }
            Kind::Word { text, quote_at } => {
                self.i += 1;
                self.term(tok.start, &text, quote_at)
            }
        }
    }

    /// One `field op value` term (spaces around the operator allowed after a field name), or
    /// a bare word (a path substring).
    fn term(
        &mut self,
        start: usize,
        text: &[char],
        quote_at: Option<usize>,
    ) -> Result<Expr, FilterError> {
        let plain = quote_at.unwrap_or(text.len());
        let ident = ident_len(&text[..plain]);
        let name: String = text[..ident].iter().collect();
        if ident > 0
            && let Some(op) = op_at(&text[..plain], ident)
        {
            let word = (text, quote_at, start, ident + op.len());
            return self.value(&name, start, (op, start + ident), word);
        }
        if ident > 0
            && ident == text.len()
            && let Some(Token {
                kind:
                    Kind::Word {
                        text: next,
                        quote_at: nq,
                    },
                start: ns,
            }) = self.toks.get(self.i).cloned()
            && let Some(op) = op_at(&next[..nq.unwrap_or(next.len())], 0)
            && (!TEXT_OPS.contains(&op) || is_field(&name))
        {
            self.i += 1;
            return self.value(&name, start, (op, ns), (&next, nq, ns, op.len()));
        }
        if let Some(op) = op_at(&text[..plain], 0)
            && (!TEXT_OPS.contains(&op) || text.len() == op.len())
        {
            return err(
                start,
                format!("expected a field name before \"{op}\" (as in status>=500)"),
            );
        }
        let word: String = text.iter().collect();
        Ok(text_pred(
            TextField::Path,
            TextTest::Contains(word.to_ascii_lowercase()),
        ))
    }

    /// The value after `name op`: the rest of the operator's word (`word` from char `from`, the
    /// word at offset `word_at`), or else the next word unless that is a filter of its own.
    fn value(
        &mut self,
        name: &str,
        start: usize,
        (op, op_pos): (&str, usize),
        (word, quote_at, word_at, from): (&[char], Option<usize>, usize, usize),
    ) -> Result<Expr, FilterError> {
        let mut value: String = word[from..].iter().collect();
        let mut value_at = word_at + from;
        if value.is_empty() && quote_at != Some(from) {
            let expected = format!("expected a value after \"{name}{op}\"");
            match self.toks.get(self.i) {
                Some(Token {
                    kind: Kind::Word { text, quote_at },
                    start,
                }) => {
                    if is_term(text, *quote_at) {
                        let t: String = text.iter().collect();
                        return err(
                            *start,
                            format!(
                                "{expected}; \"{t}\" is a filter of its own (quote it to match it as the value: {name}{op}\"{t}\")"
                            ),
                        );
                    }
                    value = text.iter().collect();
                    value_at = *start;
                    self.i += 1;
                }
                _ => return err(value_at, expected),
            }
        }
        term_for(name, start, (op, op_pos), &value, value_at)
    }
}
