//! Text matching for filters: exact, `*` wildcards and substrings, optionally ignoring ASCII
//! case; and IP networks.

use crate::accesslog::filter::TextTest;
use std::net::IpAddr;

/// Whether `ip` lies in `net/prefix`, an IPv4-mapped IPv6 address read as its IPv4 address.
pub fn in_net(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    in_subnet(ip, net, prefix)
}

/// Whether `ip` lies in `net/prefix`, both of one version (an IPv4-mapped IPv6 address is an
/// IPv6 address here).
pub fn in_subnet(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX
                .checked_shl(128 - u32::from(prefix.min(128)))
                .unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Finds `needle` (lowercase ASCII) in `hay` ignoring ASCII case, from byte `from`.
fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    let last = hay.len().checked_sub(needle.len())?;
    (from..=last).find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

fn find(hay: &[u8], needle: &[u8], from: usize, case: bool) -> Option<usize> {
    if case {
        let rest = hay.get(from..)?;
        memchr::memmem::find(rest, needle).map(|i| i + from)
    } else {
        find_ci(hay, needle, from)
    }
}

fn starts(hay: &[u8], p: &[u8], case: bool) -> bool {
    hay.len() >= p.len()
        && if case {
            &hay[..p.len()] == p
        } else {
            hay[..p.len()].eq_ignore_ascii_case(p)
        }
}

impl TextTest {
    /// Whether `value` passes.
    pub fn matches(&self, value: &str) -> bool {
        let v = value.as_bytes();
        match self {
            TextTest::Exact { text, case: true } => value == text,
            TextTest::Exact { text, case: false } => value.eq_ignore_ascii_case(text),
            TextTest::Contains(text) => find_ci(v, text.as_bytes(), 0).is_some(),
            TextTest::Glob { parts, case } => glob(v, parts, *case),
        }
    }
}

/// Matches `parts` (a pattern split at `*`) against the whole of `v`.
fn glob(v: &[u8], parts: &[String], case: bool) -> bool {
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return v.is_empty();
    };
    if parts.len() == 1 {
        return v.len() == first.len() && starts(v, first.as_bytes(), case);
    }
    let (first, last) = (first.as_bytes(), last.as_bytes());
    if v.len() < first.len() + last.len() || !starts(v, first, case) {
        return false;
    }
    let tail = &v[v.len() - last.len()..];
    if !starts(tail, last, case) {
        return false;
    }
    let end = v.len() - last.len();
    let mut at = first.len();
    for mid in &parts[1..parts.len() - 1] {
        match find(&v[..end], mid.as_bytes(), at, case) {
            Some(i) => at = i + mid.len(),
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(pattern: &str, case: bool) -> TextTest {
        let parts = pattern.split('*').map(str::to_string).collect();
        TextTest::Glob { parts, case }
    }

    #[test]
    fn globs_anchor_both_ends_and_find_middles_in_order() {
        let cases = [
            ("/api/*", "/api/cart", true),
            ("/api/*", "/api", false),
            ("*", "", true),
            ("*.php", "/wp-login.php", true),
            ("*.php", "/x.phpx", false),
            ("/a*b*c", "/a-b-c", true),
            ("/a*b*c", "/a-c-b", false),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("*b*", "abc", true),
            ("FRA*", "fra56-P1", false),
        ];
        for (p, v, want) in cases {
            assert_eq!(g(p, true).matches(v), want, "{p} {v}");
        }
        assert!(g("FRA*", false).matches("fra56-P1"));
        assert!(g("*BOT*", false).matches("Googlebot/2.1"));
        assert!(TextTest::Contains("bot".into()).matches("GoogleBOT"));
        let v4: IpAddr = [203, 0, 113, 7].into();
        assert!(in_net(v4, [203, 0, 0, 0].into(), 8));
        assert!(!in_net(v4, [10, 0, 0, 0].into(), 8));
        assert!(in_net(v4, [1, 2, 3, 4].into(), 0));
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap_or(v4);
        assert!(in_net(mapped, [203, 0, 113, 0].into(), 24));
    }
}
