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
    }
}
