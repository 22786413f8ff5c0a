//! String interning for retained records, and the fast string hash that interners and the
//! heavy-hitters sketches share.

/// Id of the empty string in every [`Interner`].
pub const EMPTY_ID: u32 = 0;
const FREE: u32 = u32::MAX;
const K0: u64 = 0x243F_6A88_85A3_08D3;
const K1: u64 = 0x1319_8A2E_0370_7344;
const K2: u64 = 0xA409_3822_299F_31D0;

#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

#[inline]
fn read8(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

#[inline]
fn read4(b: &[u8]) -> u64 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u64::from(u32::from_le_bytes(a))
}

/// A fast non-cryptographic 64-bit hash (one folded 64×64→128 multiply per 16 bytes). Not
/// DoS-resistant: the tables using it are bounded, so a flood of collisions only costs time.
#[inline]
pub fn hash_str(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut h = K0 ^ (b.len() as u64).wrapping_mul(K2);
    let mut chunks = b.chunks_exact(16);
    for c in &mut chunks {
        h = fold(read8(c) ^ K1, read8(&c[8..]) ^ h);
    }
    let r = chunks.remainder();
    let (x, y) = match r.len() {
        0 => (0, 0),
        1..=3 => {
            let v = (u64::from(r[0]) << 16)
                | (u64::from(r[r.len() / 2]) << 8)
                | u64::from(r[r.len() - 1]);
            (v, 0)
        }
        4..=7 => (read4(r), read4(&r[r.len() - 4..])),
        _ => (read8(r), read8(&r[r.len() - 8..])),
    };
    fold(fold(x ^ K1, y ^ h) ^ K2, K0 ^ (b.len() as u64))
}

/// Strings stored once in one arena and named by dense `u32` ids (`0` is the empty string).
/// Overhead per distinct string: 4 bytes of end offset, 4 of hash, and ≤ 8 of table slots.
#[derive(Debug, Clone)]
pub struct Interner {
    bytes: String,
    ends: Vec<u32>,
    hashes: Vec<u32>,
    table: Vec<u32>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner::new()
    }
}

impl Interner {
    /// An interner holding only the empty string (id [`EMPTY_ID`]).
    pub fn new() -> Interner {
        let mut i = Interner {
            bytes: String::new(),
            ends: Vec::new(),
            hashes: Vec::new(),
            table: vec![FREE; 16],
        };
        i.intern("");
        i
    }

    /// The id of `s`, adding it if new. Should the arena pass 4 GiB, new strings read as empty.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        self.intern_hashed(s, hash_str(s))
    }

    /// [`Interner::intern`] with the [`hash_str`] of `s` already computed.
    pub fn intern_hashed(&mut self, s: &str, hash: u64) -> u32 {
        let h = hash as u32;
        let mask = self.table.len() - 1;
        let mut p = h as usize & mask;
        loop {
            let id = self.table[p];
            if id == FREE {
                break;
            }
            if self.hashes[id as usize] == h && self.get(id) == s {
                return id;
            }
            p = (p + 1) & mask;
        }
        let end = self.bytes.len() + s.len();
        let Ok(end32) = u32::try_from(end) else {
            return EMPTY_ID;
        };
        let id = self.ends.len() as u32;
        self.bytes.push_str(s);
        self.ends.push(end32);
        self.hashes.push(h);
        self.table[p] = id;
        if self.ends.len() * 2 > self.table.len() {
            self.grow();
        }
        id
    }

    fn grow(&mut self) {
        let size = self.table.len() * 2;
        let mask = size - 1;
        let mut table = vec![FREE; size];
        for (id, h) in self.hashes.iter().enumerate() {
            let mut p = *h as usize & mask;
            while table[p] != FREE {
                p = (p + 1) & mask;
            }
            table[p] = id as u32;
        }
        self.table = table;
    }

    /// The id of `s` if it is interned.
    pub fn lookup(&self, s: &str) -> Option<u32> {
        let h = hash_str(s) as u32;
        let mask = self.table.len() - 1;
        let mut p = h as usize & mask;
        loop {
            let id = *self.table.get(p)?;
            if id == FREE {
                return None;
            }
            if self.hashes[id as usize] == h && self.get(id) == s {
                return Some(id);
            }
            p = (p + 1) & mask;
        }
    }

    /// The string with this id (empty for an unknown id).
    #[inline]
    pub fn get(&self, id: u32) -> &str {
        let i = id as usize;
        let start = match i.checked_sub(1) {
            Some(prev) => self.ends.get(prev).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.bytes.get(start as usize..end as usize).unwrap_or("")
    }

    /// Number of distinct strings (the empty string included).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether only the empty string is held.
    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }

    /// Every `(id, string)` in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        (0..self.ends.len() as u32).map(move |id| (id, self.get(id)))
    }

    /// Heap bytes held (allocated capacity of the arena, offsets, hashes and table).
    pub fn footprint_bytes(&self) -> usize {
        self.bytes.capacity()
            + 4 * (self.ends.capacity() + self.hashes.capacity() + self.table.capacity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable_and_dense() {
        let mut i = Interner::new();
        assert_eq!(i.intern(""), EMPTY_ID);
        let a = i.intern("/index.html");
        let b = i.intern("/api/cart");
        assert_eq!(i.intern("/index.html"), a);
        assert_eq!((a, b), (1, 2));
        assert_eq!(i.get(b), "/api/cart");
        assert_eq!(i.get(999), "");
        for n in 0..10_000 {
            i.intern(&format!("/p/{n}"));
        }
        assert_eq!(i.len(), 10_003);
        assert_eq!(i.lookup("/p/777").map(|id| i.get(id)), Some("/p/777"));
        assert_eq!(i.lookup("/nope"), None);
    }

    #[test]
    fn the_hash_separates_lengths_and_tails() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
        ];
        let mut hashes: Vec<u64> = words.iter().map(|w| hash_str(w)).collect();
        hashes.push(hash_str("abcdefghijklmnopq"));
        hashes.push(hash_str("abcdefghijklmnopr"));
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), words.len() + 2);
    }
}
