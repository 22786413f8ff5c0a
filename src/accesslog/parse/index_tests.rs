//! Tests of the whole-buffer separator index.

use super::*;
use crate::accesslog::parse::scan::{block_mask, block_mask_swar, block_masks, block_masks_swar};

#[test]
fn the_simd_and_portable_separator_masks_agree() {
    let mut block = [b'x'; 64];
    for i in 0..64 {
        block[i] = if i % 3 == 0 { b'\n' } else { b'\t' };
        block[(i * 7 + 3) % 64] = 0xC3;
        for newlines in [false, true] {
            assert_eq!(
                block_mask(&block, newlines),
                block_mask_swar(&block, newlines),
                "{i}"
            );
            assert_eq!(
                block_masks(&block, newlines),
                block_masks_swar(&block, newlines),
                "{i}"
            );
        }
        block[(i * 7 + 3) % 64] = b'a';
    }
}

#[test]
fn every_tab_and_newline_is_indexed_once_in_order_and_the_newlines_listed_alone() {
    let (mut out, mut lines) = (Vec::new(), vec![7]);
    for len in 0..300usize {
        let buf: Vec<u8> = (0..len)
            .map(|i| match (i * 31 + len) % 7 {
                0 => b'\t',
                1 => b'\n',
                _ => b'a',
            })
            .collect();
        let expected: Vec<u32> = std::iter::once(0)
            .chain(
                buf.iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\t' || **b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            )
            .collect();
        let n = scan_separators(&buf, &mut out, &mut lines);
        assert_eq!(&out[..n], &expected[..], "length {len}");
        let newlines: Vec<u32> = memchr::memchr_iter(b'\n', &buf).map(|i| i as u32).collect();
        assert_eq!(lines, newlines, "length {len}");
    }
    let all_tabs = vec![b'\t'; 5000];
    let n = scan_separators(&all_tabs, &mut out, &mut lines);
    assert_eq!(n, 5001, "the index grows as needed");
    assert_eq!(out[5000], 5000);
    assert!(lines.is_empty());
}
