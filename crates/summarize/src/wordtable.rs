//! Small fixed sets of short words (abbreviations, function words), looked
//! up without allocating: a word of up to 15 bytes is packed into one
//! integer, and the tables are sorted integers built at compile time, so a
//! look-up is a binary search over integers with no string comparison.

/// Longest word, in bytes, that a table can hold.
pub(crate) const MAX_BYTES: usize = 15;

/// `word` packed into an integer: its bytes, little-endian, with its length
/// in the top byte (so `"ab"` and `"ab\0"` differ). `None` if it is longer
/// than [`MAX_BYTES`].
pub(crate) const fn pack(word: &[u8]) -> Option<u128> {
    if word.len() > MAX_BYTES {
        return None;
    }
    let mut key = (word.len() as u128) << 120;
    let mut i = 0;
    while i < word.len() {
        key |= (word[i] as u128) << (8 * i);
        i += 1;
    }
    Some(key)
}

/// [`pack`] for run time: the same key, built with one copy.
#[inline]
pub(crate) fn pack_fast(word: &[u8]) -> Option<u128> {
    if word.len() > MAX_BYTES {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..word.len()].copy_from_slice(word);
    buf[15] = word.len() as u8;
    Some(u128::from_le_bytes(buf))
}

/// `word` lower-cased (Unicode) and packed, or `None` if that is longer than
/// [`MAX_BYTES`].
pub(crate) fn pack_lower(word: &str) -> Option<u128> {
    if word.is_ascii() {
        let bytes = word.as_bytes();
        if bytes.len() > MAX_BYTES {
            return None;
        }
        let mut buf = [0u8; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        buf.make_ascii_lowercase();
        buf[15] = bytes.len() as u8;
        return Some(u128::from_le_bytes(buf));
    }
    if word.len() > MAX_BYTES * 4 {
        return None;
    }
    let mut buf = [0u8; MAX_BYTES];
    let mut len = 0;
    for c in word.chars().flat_map(char::to_lowercase) {
        let n = c.len_utf8();
        if len + n > MAX_BYTES {
            return None;
        }
        c.encode_utf8(&mut buf[len..]);
        len += n;
    }
    pack_fast(&buf[..len])
}

/// A set of words, each with a byte of flags: an open-addressing hash table
/// of packed keys, built at compile time. `CAP` is its number of slots, a
/// power of two at least twice the number of words ([`capacity_for`]).
pub(crate) struct WordTable<const CAP: usize> {
    /// Packed keys; 0 (the empty word, never stored) marks a free slot.
    keys: [u128; CAP],
    flags: [u8; CAP],
}

/// The number of slots for a [`WordTable`] of `words` words.
pub(crate) const fn capacity_for(words: usize) -> usize {
    (words * 2).next_power_of_two()
}

impl<const CAP: usize> WordTable<CAP> {
    const fn slot(key: u128) -> usize {
        let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & (CAP - 1)
    }

    /// Builds the table from groups of words, each group with its flag; a
    /// word in several groups gets all their flags. Panics (at compile time,
    /// when used in a `const` or `static`) on a word longer than
    /// [`MAX_BYTES`], an empty word, or too small a `CAP`.
    pub(crate) const fn new(groups: &[(&[&str], u8)]) -> Self {
        assert!(CAP.is_power_of_two());
        let mut keys = [0u128; CAP];
        let mut flags = [0u8; CAP];
        let mut len = 0;
        let mut g = 0;
        while g < groups.len() {
            let (words, flag) = groups[g];
            let mut w = 0;
            while w < words.len() {
                let Some(key) = pack(words[w].as_bytes()) else { panic!("word too long for a WordTable") };
                assert!(key != 0, "empty word in a WordTable");
                let mut at = Self::slot(key);
                while keys[at] != 0 && keys[at] != key {
                    at = (at + 1) & (CAP - 1);
                }
                if keys[at] == 0 {
                    len += 1;
                    assert!(len * 2 <= CAP, "WordTable too small");
                    keys[at] = key;
                }
                flags[at] |= flag;
                w += 1;
            }
            g += 1;
        }
        WordTable { keys, flags }
    }

    /// The flags of a packed word (0 if absent).
    #[inline]
    pub(crate) fn flags(&self, key: u128) -> u8 {
        if key == 0 {
            return 0;
        }
        let mut at = Self::slot(key);
        loop {
            let k = self.keys[at];
            if k == key {
                return self.flags[at];
            }
            if k == 0 {
                return 0;
            }
            at = (at + 1) & (CAP - 1);
        }
    }

    /// The flags of `word` as written (0 if absent or too long).
    pub(crate) fn flags_of(&self, word: &str) -> u8 {
        pack_fast(word.as_bytes()).map_or(0, |k| self.flags(k))
    }

    /// The flags of `word` lower-cased (0 if absent or too long).
    pub(crate) fn flags_of_lower(&self, word: &str) -> u8 {
        pack_lower(word).map_or(0, |k| self.flags(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: WordTable<16> = WordTable::new(&[(&["mr", "dr", "st"], 1), (&["st", "the", "київ"], 2)]);

    #[test]
    fn finds_words_with_all_their_flags() {
        assert_eq!(T.flags_of("mr"), 1);
        assert_eq!(T.flags_of("st"), 3);
        assert_eq!(T.flags_of("the"), 2);
        assert_eq!(T.flags_of_lower("THE"), 2);
        assert_eq!(T.flags_of_lower("Київ"), 2);
        assert_eq!(T.flags_of("th"), 0);
        assert_eq!(T.flags_of("thee"), 0);
        assert_eq!(T.flags_of(""), 0);
        assert_eq!(T.flags_of("mr\0"), 0);
        assert_eq!(T.flags_of("a-very-long-word-indeed"), 0);
        for w in ["", "a", "mr\0", "exactly15bytes!", "київ"] {
            assert_eq!(pack(w.as_bytes()), pack_fast(w.as_bytes()), "{w}");
        }
        assert_eq!(pack_fast(b"sixteen bytes!!!"), None);
    }

    #[test]
    fn holds_each_word_once() {
        assert_eq!(T.keys.iter().filter(|&&k| k != 0).count(), 5);
    }
}
