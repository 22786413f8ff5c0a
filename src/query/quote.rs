//! Quoting for Trino SQL: identifiers in double quotes and string literals in single quotes, the
//! quote character doubled inside; nothing else is special (a backslash is a plain character in
//! Trino string literals), so no filter text can end a literal early.

/// `name` as a quoted identifier: `"date"`, `"a""b"`.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `text` as a string literal: `'it''s'`.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `text` as a LIKE pattern matching it literally, with `\` as the escape character (write
/// `ESCAPE '\'` after it): `%`, `_` and `\` are escaped.
pub fn like_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled_and_like_wildcards_escaped() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("x' OR 1=1 --"), "'x'' OR 1=1 --'");
        assert_eq!(like_text("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
