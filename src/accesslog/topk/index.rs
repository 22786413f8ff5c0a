//! The internals of [`SpaceSaving`]: a linear-probing index from key to counter, and the list of
//! eviction candidates (slots at the smallest count).

use crate::accesslog::topk::{FREE, SpaceSaving};

impl SpaceSaving {
    /// The slot of a tracked key. Keys are told apart by their 64-bit hash, tag and length (not
    /// their bytes): two keys merge only if all three collide, about `C / 2⁶⁴` per new key.
    #[inline]
    pub(in crate::accesslog) fn find(&self, hash: u64, tag: u16, key: &str) -> Option<usize> {
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

    pub(in crate::accesslog) fn table_insert(&mut self, slot: usize) {
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
    pub(in crate::accesslog) fn table_remove(&mut self, slot: usize) {
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

    /// A slot with the smallest count (the last of `mins`, which [`SpaceSaving::observe`] pops
    /// once it has raised that slot's count); the list is rebuilt when none of it is left.
    #[inline]
    pub(in crate::accesslog) fn min_slot(&mut self) -> Option<usize> {
        while let Some(&slot) = self.mins.last() {
            if self.entries[slot as usize].count == self.min_count {
                return Some(slot as usize);
            }
            self.mins.pop();
        }
        self.rebuild_mins()
    }

    #[cold]
    fn rebuild_mins(&mut self) -> Option<usize> {
        let min = self.entries.iter().map(|e| e.count).min()?;
        self.min_count = min;
        // Reversed, so that the lowest slots are taken first.
        for (slot, e) in self.entries.iter().enumerate().rev() {
            if e.count == min {
                self.mins.push(slot as u32);
            }
        }
        self.mins.last().map(|&slot| slot as usize)
    }
}
