//! One retained record read back ([`RetainedRecord`], a [`LogFields`]), and the packed IPv4 form.

use crate::accesslog::fields::LogFields;
use crate::accesslog::intern::EMPTY_ID;
use crate::accesslog::retain::{Col, NO_MS, Retained, V4};

/// Parses a canonical dotted-quad IPv4 address (no leading zeros, so it formats back exactly).
#[inline]
pub(in crate::accesslog) fn parse_v4(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() < 7 || b.len() > 15 {
        return None;
    }
    let (mut addr, mut part, mut digits, mut dots) = (0u32, 0u32, 0u32, 0u32);
    for &c in b {
        match c {
            b'0'..=b'9' => {
                if digits == 1 && part == 0 {
                    return None;
                }
                part = part * 10 + u32::from(c - b'0');
                digits += 1;
                if part > 255 {
                    return None;
                }
            }
            b'.' if digits > 0 && dots < 3 => {
                addr = (addr << 8) | part;
                (part, digits) = (0, 0);
                dots += 1;
            }
            _ => return None,
        }
    }
    (dots == 3 && digits > 0).then_some((addr << 8) | part)
}

/// A client IP as text: formatted from the packed form, or borrowed from the interner.
#[derive(Debug, Clone, Copy)]
pub enum IpText<'a> {
    /// A formatted IPv4 address (bytes, length).
    V4([u8; 15], u8),
    /// Any other address, as logged.
    Str(&'a str),
}

impl IpText<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            IpText::V4(buf, len) => std::str::from_utf8(&buf[..usize::from(*len)]).unwrap_or(""),
            IpText::Str(s) => s,
        }
    }
}

/// Formats a packed IPv4 address.
pub(in crate::accesslog) fn format_v4(a: u32) -> IpText<'static> {
    let mut buf = [0u8; 15];
    let mut n = 0;
    for (i, octet) in a.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            buf[n] = b'.';
            n += 1;
        }
        if octet >= 100 {
            buf[n] = b'0' + octet / 100;
            n += 1;
        }
        if octet >= 10 {
            buf[n] = b'0' + octet / 10 % 10;
            n += 1;
        }
        buf[n] = b'0' + octet % 10;
        n += 1;
    }
    IpText::V4(buf, n as u8)
}

/// One retained record, read through [`LogFields`] (strings borrowed from the store).
#[derive(Debug, Clone, Copy)]
pub struct RetainedRecord<'a> {
    store: &'a Retained,
    p: usize,
    ip: IpText<'a>,
}

impl<'a> RetainedRecord<'a> {
    pub(in crate::accesslog) fn new(store: &'a Retained, p: usize) -> RetainedRecord<'a> {
        RetainedRecord {
            store,
            p,
            ip: store.ip_text(p),
        }
    }

    /// Position in the store (0 = oldest) when this record was read.
    pub fn position(&self) -> usize {
        self.store.logical(self.p)
    }

    /// Sequence number (stable across evictions).
    pub fn seq(&self) -> u64 {
        self.store.seq(self.position())
    }

    /// The client IP as a packed IPv4 address, if it is one.
    pub fn ipv4(&self) -> Option<u32> {
        (self.store.status[self.p] & V4 != 0).then(|| self.store.ip[self.p])
    }

    fn text(&self, col: Col) -> &'a str {
        let c = col as usize;
        let id = self.store.ids[c].get(self.p).copied().unwrap_or(EMPTY_ID);
        self.store.strings[c].get(id)
    }

    fn origin(&self, which: usize) -> Option<u32> {
        let ms = self.store.origin[which].get(self.p).copied()?;
        (ms != NO_MS).then_some(ms)
    }
}

impl LogFields for RetainedRecord<'_> {
    fn timestamp_ms(&self) -> i64 {
        self.store.ts[self.p]
    }
    fn logs_timestamp_ms(&self) -> bool {
        self.store.ms_logged
    }
    fn status(&self) -> u16 {
        self.store.status[self.p] & !V4
    }
    fn sc_bytes(&self) -> u64 {
        self.store.bytes[self.p]
    }
    fn time_taken_ms(&self) -> u32 {
        self.store.taken[self.p]
    }
    fn ttfb_ms(&self) -> u32 {
        self.store.ttfb[self.p]
    }
    fn method(&self) -> &str {
        self.text(Col::Method)
    }
    fn path(&self) -> &str {
        self.text(Col::Path)
    }
    fn query(&self) -> &str {
        self.text(Col::Query)
    }
    fn client_ip(&self) -> &str {
        self.ip.as_str()
    }
    fn edge_location(&self) -> &str {
        self.text(Col::Edge)
    }
    fn result_type(&self) -> &str {
        self.text(Col::Result)
    }
    fn user_agent(&self) -> &str {
        self.text(Col::Agent)
    }
    fn referer(&self) -> &str {
        self.text(Col::Referer)
    }
    fn host(&self) -> &str {
        self.text(Col::Host)
    }
    fn origin_fbl_opt(&self) -> Option<u32> {
        self.origin(0)
    }
    fn origin_lbl_opt(&self) -> Option<u32> {
        self.origin(1)
    }
    fn country(&self) -> &str {
        self.text(Col::Country)
    }
    fn asn(&self) -> &str {
        self.text(Col::Asn)
    }
    fn cache_behavior(&self) -> &str {
        self.text(Col::Behavior)
    }
}

impl Retained {
    /// The record at position `i` (0 = oldest).
    pub fn get(&self, i: usize) -> Option<RetainedRecord<'_>> {
        (i < self.len()).then(|| RetainedRecord::new(self, self.phys(i)))
    }

    /// The newest record.
    pub fn newest(&self) -> Option<RetainedRecord<'_>> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Records from oldest to newest.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = RetainedRecord<'_>> + '_ {
        (0..self.len()).map(move |i| RetainedRecord::new(self, self.phys(i)))
    }

    /// Records from newest to oldest.
    pub fn newest_first(&self) -> impl Iterator<Item = RetainedRecord<'_>> + '_ {
        self.iter().rev()
    }

    /// The client IP of storage index `p` as text.
    pub(in crate::accesslog) fn ip_text(&self, p: usize) -> IpText<'_> {
        if self.status[p] & V4 != 0 {
            format_v4(self.ip[p])
        } else {
            IpText::Str(self.ips.get(self.ip[p]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_packs_and_formats_back_exactly() {
        for s in [
            "0.0.0.0",
            "1.2.3.4",
            "203.0.113.7",
            "255.255.255.255",
            "10.0.10.100",
        ] {
            let a = parse_v4(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(format_v4(a).as_str(), s);
        }
        assert_eq!(parse_v4("203.0.113.7"), Some(0xCB00_7107));
        for s in [
            "",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "256.1.1.1",
            "1..2.3",
            "2a02::1",
            "1.2.3.4 ",
        ] {
            assert_eq!(parse_v4(s), None, "{s}");
        }
    }
}
