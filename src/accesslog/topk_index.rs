//! The internals of [`SpaceSaving`]: a linear-probing index from key to counter, and a lazy
//! min-heap of counters by count (the eviction candidate on top, refreshed when stale).

use super::topk::{FREE, SpaceSaving};

impl SpaceSaving {
    /// The slot of a tracked key. Keys are told apart by their 64-bit hash, tag and length (not
    /// their bytes): two keys merge only if all three collide, about `C / 2⁶⁴` per new key.
    #[inline]
    pub(super) fn find(&self, hash: u64, tag: u16, key: &str) -> Option<usize> {
        let mask = self.table.len() - 1;
        let low = hash as u32;
        let mut p = hash as usize & mask;
        loop {
            let (slot, check) = self.table[p];
            if slot == FREE {
                return None;
            }
            if check == low {
                let e = &self.entries[slot as usize];
                if e.hash == hash && e.tag == tag && e.key.len() == key.len() {
                    return Some(slot as usize);
                }
            }
            p = (p + 1) & mask;
        }
    }

    pub(super) fn table_insert(&mut self, slot: usize) {
        if (self.entries.len() + 1) * 2 > self.table.len() {
            let size = self.table.len() * 2;
            self.table = vec![(FREE, 0); size];
            for i in 0..self.entries.len() {
                if i != slot {
                    self.place(i);
                }
            }
        }
        self.place(slot);
    }

    fn place(&mut self, slot: usize) {
        let mask = self.table.len() - 1;
        let hash = self.entries[slot].hash;
        let mut p = hash as usize & mask;
        while self.table[p].0 != FREE {
            p = (p + 1) & mask;
        }
        self.table[p] = (slot as u32, hash as u32);
    }

    /// Removes `slot` from the linear-probing table, shifting later cells of its run back.
    pub(super) fn table_remove(&mut self, slot: usize) {
        let mask = self.table.len() - 1;
        let mut p = self.entries[slot].hash as usize & mask;
        while self.table[p].0 != slot as u32 {
            if self.table[p].0 == FREE {
                return;
            }
            p = (p + 1) & mask;
        }
        let mut hole = p;
        let mut q = (p + 1) & mask;
        while self.table[q].0 != FREE {
            let home = self.table[q].1 as usize & mask;
            // Move q back into the hole unless its home lies cyclically in (hole, q].
            if (q.wrapping_sub(home) & mask) >= (q.wrapping_sub(hole) & mask) {
                self.table[hole] = self.table[q];
                hole = q;
            }
            q = (q + 1) & mask;
        }
        self.table[hole] = (FREE, 0);
    }

    /// The slot with the smallest count, refreshing stale heap tops on the way.
    pub(super) fn min_slot(&mut self) -> Option<usize> {
        loop {
            let (seen, slot) = *self.heap.first()?;
            let now = self.entries[slot as usize].count;
            if seen == now {
                return Some(slot as usize);
            }
            self.heap[0].0 = now;
            self.sift_down(0);
        }
    }

    pub(super) fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent].0 <= self.heap[i].0 {
                break;
            }
            self.heap.swap(parent, i);
            i = parent;
        }
    }

    #[inline]
    pub(super) fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut m = i;
            if l < n && self.heap[l].0 < self.heap[m].0 {
                m = l;
            }
            if r < n && self.heap[r].0 < self.heap[m].0 {
                m = r;
            }
            if m == i {
                return;
            }
            self.heap.swap(i, m);
            i = m;
        }
    }
}
