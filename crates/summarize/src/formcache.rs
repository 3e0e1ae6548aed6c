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
use crate::text::HIGH_BITS;

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

/// The [`ShortKey`] of the word `bytes[start..end]`, or `None` if it is
/// longer than 15 bytes. An ASCII word's key is lower-cased ([`fold_ascii`]),
/// so `The` and `the` share one; other words are keyed as written. Read as
/// two 8-byte loads and masked when the input has 16 bytes from `start`, so
/// no buffer is written and read back.
#[inline]
pub(crate) fn short_key(bytes: &[u8], start: usize, end: usize) -> Option<ShortKey> {
    let len = end - start;
    if len > 15 {
        return None;
    }
    let key = match bytes.get(start..start + 16) {
        Some(chunk) => {
            // The word's bytes, the rest masked off with no branch on the
            // length (a shift by at most 120 bits), and the length on top.
            let word = u128::from_le_bytes(chunk.try_into().unwrap_or_default()) & ((1u128 << (8 * len)) - 1);
            [word as u64, (word >> 64) as u64 | (len as u64) << 56]
        }
        // Near the end of the input: the same key, built in a buffer.
        None => crate::wordtable::pack_fast(&bytes[start..end]).map(|k| [k as u64, (k >> 64) as u64])?,
    };
    Some(fold_ascii(key))
}

/// Whether a key's word is ASCII (its length byte is below 16).
#[inline]
pub(crate) fn is_ascii_key(key: &ShortKey) -> bool {
    (key[0] | key[1]) & HIGH_BITS == 0
}

/// A key with its ASCII capitals lower-cased, eight bytes at a time; keys of
/// words with other characters are returned as they are.
#[inline]
fn fold_ascii(key: ShortKey) -> ShortKey {
    if !is_ascii_key(&key) {
        return key;
    }
    // On ASCII bytes, adding 0x3F sets the high bit from `A` up and adding
    // 0x25 from just past `Z` (no carry crosses a byte): their difference
    // marks the capitals, each of which gains 0x20.
    let fold = |x: u64| {
        let capitals = x.wrapping_add(0x3F3F_3F3F_3F3F_3F3F) & !x.wrapping_add(0x2525_2525_2525_2525) & HIGH_BITS;
        x | capitals >> 2
    };
    [fold(key[0]), fold(key[1])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_do_not_depend_on_what_follows() {
        let padded = "said the minister of state in a long sentence";
        for (start, end) in [(0, 4), (5, 8), (9, 17), (0, 15), (30, 31), (9, 9)] {
            let word = &padded.as_bytes()[start..end];
            let alone = short_key(word, 0, word.len());
            assert_eq!(short_key(padded.as_bytes(), start, end), alone);
            let packed = crate::wordtable::pack(word).map(|k| [k as u64, (k >> 64) as u64]);
            assert_eq!(alone, packed);
        }
        assert_eq!(short_key(padded.as_bytes(), 0, 16), None);
    }

    #[test]
    fn ascii_keys_ignore_case_and_others_do_not() {
        let key = |w: &str| short_key(w.as_bytes(), 0, w.len());
        assert_eq!(key("The"), key("the"));
        assert_eq!(key("MINISTER-OF"), key("minister-of"));
        assert_eq!(key("AZaz@[`{09"), key("azaz@[`{09"));
        assert_ne!(key("Été"), key("été"));
        // Every ASCII byte folds as `to_ascii_lowercase` does.
        for b in 0..128u8 {
            let w = [b, b'Q', b];
            let lower = w.to_ascii_lowercase();
            assert_eq!(short_key(&w, 0, 3), short_key(&lower, 0, 3).map(fold_ascii), "{b}");
            assert_eq!(short_key(&w, 0, 3), crate::wordtable::pack_fast(&lower).map(|k| [k as u64, (k >> 64) as u64]));
        }
    }

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
