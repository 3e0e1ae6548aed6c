//! The word-form cache of the analysis: short words as written (packed in
//! two integers) → (global stem id, flags).
//!
//! An open-addressing table with linear probing whose slots hold the key and
//! the value together, so a look-up reads one cache line. A general hash map
//! keeps control bytes apart from the entries, which costs a second cache
//! miss per look-up; with tens of thousands of word forms the table does not
//! fit in the fast caches, and this look-up was the largest single cost of
//! summarizing (measured with `perf`).

/// A word of up to 15 bytes: its bytes little-endian and its length in the
/// top byte. `[0, 0]` (the empty word) marks a free slot.
pub(crate) type ShortKey = [u64; 2];

#[derive(Clone, Copy, Default)]
struct Slot {
    key: ShortKey,
    global: u32,
    flags: u8,
}

/// Short word form → (global stem id, flags).
#[derive(Default)]
pub(crate) struct FormCache {
    slots: Vec<Slot>,
    len: usize,
    /// Whether the table may be filled to 7/8 rather than half: for tables
    /// built once and then only read, where size matters more than a
    /// probe or two.
    dense: bool,
}

impl FormCache {
    /// Number of slots of a new table.
    const INITIAL: usize = 1024;

    /// A table for exactly `n` keys, filled to between 7/16 and 7/8: for
    /// tables that are built once and then only read.
    pub(crate) fn dense(n: usize) -> FormCache {
        let size = (n * 8).div_ceil(7).next_power_of_two().max(Self::INITIAL);
        FormCache { slots: vec![Slot::default(); size], len: 0, dense: true }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = Slot::default());
        self.len = 0;
    }

    fn index(key: &ShortKey, mask: usize) -> usize {
        let mixed = key[0] ^ key[1].rotate_left(23);
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
    }

    #[inline]
    pub(crate) fn get(&self, key: &ShortKey) -> Option<(u32, u8)> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::index(key, mask);
        loop {
            let slot = &self.slots[i];
            if slot.key == *key {
                return Some((slot.global, slot.flags));
            }
            if slot.key == [0, 0] {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Reads the home slot of each key, so that the look-ups that follow
    /// find them in the fast caches: the loop is so short that the processor
    /// has dozens of these reads under way at once, where a loop of
    /// look-ups, with its comparisons and probing, had a few. (The table is
    /// larger than the fast caches, and its words come in no order; this
    /// is what `_mm_prefetch` would do, with no `unsafe`.)
    pub(crate) fn touch(&self, keys: &[ShortKey]) {
        self.touch_some(keys.iter());
    }

    /// [`FormCache::touch`] for keys that are not in a slice.
    pub(crate) fn touch_some<'a>(&self, keys: impl Iterator<Item = &'a ShortKey>) {
        if self.slots.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        let sum = keys.fold(0u64, |sum, key| sum ^ self.slots[Self::index(key, mask)].key[0]);
        std::hint::black_box(sum);
    }

    /// Inserts a key that is not in the table (`key` is not the empty word).
    pub(crate) fn insert(&mut self, key: ShortKey, (global, flags): (u32, u8)) {
        debug_assert!(key != [0, 0]);
        // At most half full: a look-up then mostly finds its word in its
        // home slot. Measured against 7/8 on the English development set
        // (cachegrind): 12,000 fewer instructions an article, 5% fewer
        // first-level cache misses and fewer mispredicted branches, for
        // twice the table (at most 12 MB at `Scratch::MAX_FORMS`).
        let full = if self.dense { self.slots.len() / 8 * 7 } else { self.slots.len() / 2 };
        if self.len + 1 > full {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::index(&key, mask);
        while self.slots[i].key != [0, 0] && self.slots[i].key != key {
            i = (i + 1) & mask;
        }
        if self.slots[i].key == [0, 0] {
            self.len += 1;
        }
        self.slots[i] = Slot { key, global, flags };
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(Self::INITIAL);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        self.len = 0;
        for slot in old.into_iter().filter(|s| s.key != [0, 0]) {
            self.insert(slot.key, (slot.global, slot.flags));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_through_growth() {
        let mut cache = FormCache::default();
        assert_eq!(cache.get(&[1, 1 << 56]), None);
        for i in 1..5000u64 {
            cache.insert([i * 7919, (i % 15 + 1) << 56], (i as u32, (i % 8) as u8));
        }
        assert_eq!(cache.len(), 4999);
        for i in 1..5000u64 {
            assert_eq!(cache.get(&[i * 7919, (i % 15 + 1) << 56]), Some((i as u32, (i % 8) as u8)));
        }
        assert_eq!(cache.get(&[3, 1 << 56]), None);
        cache.clear();
        assert_eq!(cache.get(&[7919, 2 << 56]), None);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn a_dense_table_holds_its_keys_without_growing() {
        let mut cache = FormCache::dense(1792);
        assert_eq!(cache.slots.len(), 2048);
        for i in 1..=1792u64 {
            cache.insert([i * 7919, (i % 15 + 1) << 56], (i as u32, 0));
        }
        assert_eq!(cache.slots.len(), 2048, "7/8 full at most, not grown");
        assert!((1..=1792u64).all(|i| cache.get(&[i * 7919, (i % 15 + 1) << 56]) == Some((i as u32, 0))));
        assert_eq!(cache.get(&[1, 1 << 56]), None);
        cache.insert([1, 1 << 56], (0, 0));
        assert_eq!(cache.slots.len(), 4096, "grown past 7/8");
    }
}
