//! Numbers in words as an operator reads them: `1 environment`, `3 environments`.

/// `n` and the noun for it: `1 invalidation`, `3 invalidations`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}
