//! Percent-decoding of W3C log values, borrowing when there is nothing to decode.

use std::borrow::Cow;

#[inline]
fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes once (a `%` not followed by two hex digits stays as it is; `+` is not
/// a space in this format). Invalid UTF-8 in the result is replaced with U+FFFD.
pub fn decode(raw: &str) -> Cow<'_, str> {
    let bytes = raw.as_bytes();
    let Some(first) = memchr::memchr(b'%', bytes) else {
        return Cow::Borrowed(raw);
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(bytes.get(..first).unwrap_or_default());
    let mut i = first;
    let mut changed = false;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(h << 4 | l);
            changed = true;
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    if !changed {
        return Cow::Borrowed(raw);
    }
    match String::from_utf8(out) {
        Ok(s) => Cow::Owned(s),
        Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
    }
}

/// Decodes until the value is stable, at most twice (for the user agent, encoded twice).
pub fn decode_twice(raw: &str) -> Cow<'_, str> {
    match decode(raw) {
        Cow::Borrowed(b) => Cow::Borrowed(b),
        Cow::Owned(once) => match decode(&once) {
            Cow::Borrowed(_) => Cow::Owned(once),
            Cow::Owned(twice) => Cow::Owned(twice),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_once_and_borrows_when_clean() {
        assert!(matches!(
            decode("/index.html"),
            Cow::Borrowed("/index.html")
        ));
        assert_eq!(decode("a%20b%3Cc%3E%25%7E"), "a b<c>%~");
        assert_eq!(decode("100%"), "100%");
        assert!(matches!(decode("100%zz"), Cow::Borrowed(_)));
        assert_eq!(decode("%C3%A9t%C3%A9"), "été");
        assert_eq!(decode("bad%FF"), "bad\u{FFFD}");
        assert_eq!(decode("q=bags+%2526+totes"), "q=bags+%26+totes");
    }

    #[test]
    fn user_agents_decode_twice() {
        assert_eq!(decode_twice("Mozilla/5.0%2520(X11)"), "Mozilla/5.0 (X11)");
        assert_eq!(decode_twice("curl/8.5.0"), "curl/8.5.0");
        assert_eq!(decode_twice("a%252520b"), "a%20b");
        assert_eq!(decode_twice("a%20b"), "a b");
    }
}
