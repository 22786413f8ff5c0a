//! The known name closest to a mistyped one, for the "did you mean" of an error message.

/// Edit distance between two short ASCII names.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<u8> = b.bytes().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The one of `known` closest to `name`, if it is a likely typo of it (at most 2 edits away);
/// the first of equally close ones.
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .enumerate()
        .map(|(i, k)| (distance(name, k), i, k))
        .min()
        .filter(|(d, _, _)| *d <= 2)
        .map(|(_, _, k)| k)
}

/// `did you mean `x`? (expected one of a, b, c)` when `name` is a likely typo of one of
/// `known`, else `expected one of a, b, c`: the tail of an "unknown name" message.
pub fn expected_one_of(name: &str, known: &[&str]) -> String {
    let list = known.join(", ");
    match nearest(name, known.iter().copied()) {
        Some(k) => format!("did you mean `{k}`? (expected one of {list})"),
        None => format!("expected one of {list}"),
    }
}

/// The key a TOML "duplicate key" error points at, when `span` of `text` holds one: the parsers
/// say only "duplicate key", and an operator wants to know which.
pub fn toml_message(text: &str, message: &str, span: Option<std::ops::Range<usize>>) -> String {
    let key = span
        .and_then(|s| text.get(s))
        .map(|k| k.trim().trim_matches(|c| c == '"' || c == '\''))
        .filter(|k| !k.is_empty() && !k.contains('\n'));
    match key {
        Some(key) if message == "duplicate key" => {
            format!("duplicate key `{key}`: it is already set in this table (a key is set once)")
        }
        _ => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_the_nearest_name() {
        assert_eq!(distance("eu-west-1", "eu-wset-1"), 2);
        assert_eq!(distance("sc-satus", "sc-status"), 1);
        assert_eq!(distance("", "abc"), 3);
        let known = ["sc-status", "sc-bytes", "cs-bytes"];
        assert_eq!(nearest("sc-satus", known), Some("sc-status"));
        assert_eq!(nearest("cs-byte", known), Some("cs-bytes"));
        assert_eq!(nearest("referrer", known), None);
        assert_eq!(
            expected_one_of("regoin", &["profile", "region"]),
            "did you mean `region`? (expected one of profile, region)"
        );
        assert_eq!(
            expected_one_of("zone", &["profile", "region"]),
            "expected one of profile, region"
        );
    }

    #[test]
    fn a_duplicate_key_is_named() {
        let text = "a = 1\nregion = 2\nregion = 3\n";
        let at = text.rfind("region").unwrap();
        assert_eq!(
            toml_message(text, "duplicate key", Some(at..at + 6)),
            "duplicate key `region`: it is already set in this table (a key is set once)"
        );
        assert_eq!(toml_message(text, "other", Some(at..at + 6)), "other");
        assert_eq!(toml_message(text, "duplicate key", None), "duplicate key");
    }
}
