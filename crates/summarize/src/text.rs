//! Text helpers below every stage: byte classes and the word scanner.
//!
//! Words are runs of letters, digits and combining marks; the scanner reads
//! the text in blocks of 64 bytes turned into bit masks of word bytes.

/// Letters and digits, the bytes of an ASCII word.
const ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// ASCII white space as `char::is_whitespace` has it (with the vertical tab).
pub(crate) const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// The high bit of every byte of a word.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Calls `f(start, end, spaced)` for each word of `s`: runs of letters,
/// digits and combining marks (so apostrophes split words, as elision in
/// French and Italian wants: `l'économie`). `spaced` tells whether white
/// space stands between the word and the one before (always for the first):
/// a reader counts a new word only then.
///
/// The text is read in blocks of up to 64 bytes, each turned into a bit
/// mask of its word bytes ([`word_mask`]); words are then found with a
/// trailing-zero count per edge, not a test per byte. A gap between words
/// is looked at only to tell whether it holds white space, and the usual
/// gap, one space, costs one comparison.
#[inline]
pub(crate) fn alphabetic_words(s: &str, f: impl FnMut(usize, usize, bool)) {
    words_in(s, 0, s.len(), f);
}

/// [`alphabetic_words`] of `text[start..end]` (a range on character
/// boundaries), with byte offsets in `text`. Blocks are read from `text`, past
/// `end` where it goes on (the bits past `end` are dropped), so that the end
/// of a sentence needs no copy.
#[inline]
pub(crate) fn words_in(text: &str, start: usize, end: usize, mut f: impl FnMut(usize, usize, bool)) {
    let bytes = text.as_bytes();
    // The open word's start, if one is open; where the gap since the last
    // word started (`None` before the first word).
    let (mut word_start, mut in_word, mut spaced) = (0usize, false, true);
    let mut gap_start: Option<usize> = None;
    let mut pos = start;
    while pos < end {
        let (len, mask) = word_mask(text, pos, end);
        // Bits from `i` up to the block's end.
        let from = |i: usize| (u64::MAX << i) & (u64::MAX >> (64 - len));
        let mut i = 0usize;
        while i < len {
            if in_word {
                // The word ends at the first byte from `i` that is in none.
                let rest = !mask & from(i);
                if rest == 0 {
                    break;
                }
                let e = pos + rest.trailing_zeros() as usize;
                f(word_start, e, spaced);
                in_word = false;
                gap_start = Some(e);
                i = e - pos;
            } else {
                let rest = mask & from(i);
                if rest == 0 {
                    break;
                }
                word_start = pos + rest.trailing_zeros() as usize;
                spaced = match gap_start {
                    None => true,
                    // A one-byte gap is an ASCII character.
                    Some(g) if word_start == g + 1 => is_ascii_space(bytes[g]),
                    Some(g) => has_space(&text[g..word_start]),
                };
                in_word = true;
                i = word_start - pos;
            }
        }
        pos += len;
    }
    if in_word {
        f(word_start, end, spaced);
    }
}

/// The bit mask of the word bytes (letters, digits, combining marks) of the
/// block of `text[..end]` from `pos` (bit `k` for byte `pos + k`), and the
/// block's length: 64 bytes, or fewer at `end` or to end on a character
/// boundary. Eight bytes are classified at a time, read from `text` even past
/// `end`; only the eight-byte chunks that hold other than ASCII are then
/// redone byte by byte, decoding each character where it starts.
#[inline]
fn word_mask(text: &str, pos: usize, end: usize) -> (usize, u64) {
    let bytes = text.as_bytes();
    let mut len = (end - pos).min(64);
    let mut copy = [0u8; 64];
    let block = match bytes.get(pos..pos + 64) {
        Some(block) => block,
        None => {
            // Near the end of the text: the same, from a copy.
            copy[..len].copy_from_slice(&bytes[pos..pos + len]);
            &copy
        }
    };
    // The word bytes, right for every chunk that is all ASCII, and the
    // chunks that are not (bit `k` for chunk `k`).
    let (mut mask, mut other) = (0u64, 0u32);
    for k in 0..8 {
        let x = u64::from_le_bytes(block[8 * k..8 * k + 8].try_into().unwrap_or_default());
        other |= u32::from(x & HIGH_BITS != 0) << k;
        mask |= compress(alnum_bytes(x)) << (8 * k);
    }
    // Chunks from `len` on do not matter.
    other &= (1u32 << len.div_ceil(8)) - 1;
    if other != 0 {
        while !text.is_char_boundary(pos + len) {
            len -= 1;
        }
        // Whether the current character is a word character; a chunk that
        // opens with a continuation byte follows one whose character began
        // there, and which was redone too.
        let mut word = false;
        while other != 0 {
            let k = other.trailing_zeros() as usize;
            other &= other - 1;
            let mut bits = 0u64;
            for i in 8 * k..(8 * k + 8).min(len) {
                let b = bytes[pos + i];
                if b < 0x80 {
                    word = ALNUM[b as usize];
                } else if b >= 0xC0 {
                    let c = text[pos + i..].chars().next().unwrap_or(' ');
                    word = c.is_alphanumeric() || is_mark(c);
                }
                bits |= u64::from(word) << (i - 8 * k);
            }
            mask = mask & !(0xFF << (8 * k)) | bits << (8 * k);
        }
    }
    (len, mask & (u64::MAX >> (64 - len)))
}

/// The high bit of each of the eight bytes of `x`, gathered into the low
/// eight bits (bit `k` for byte `k`): a multiplication moves each to its
/// place in the top byte, and no two products overlap or carry.
#[inline]
pub(crate) const fn compress(x: u64) -> u64 {
    ((x & HIGH_BITS) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The byte `b` in each of eight bytes.
pub(crate) const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// The high bit of each byte of `x` (all ASCII) that lies in `lo..=hi`:
/// adding `0x80 - lo` sets a byte's high bit from `lo` up, adding
/// `0x7F - hi` from just past `hi`, and no carry crosses a byte.
#[inline]
const fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    x.wrapping_add(splat(0x80 - lo)) & !x.wrapping_add(splat(0x7F - hi)) & HIGH_BITS
}

/// The high bit of each letter or digit of an ASCII chunk (as [`ALNUM`]).
#[inline]
const fn alnum_bytes(x: u64) -> u64 {
    // `| 0x20` folds capitals onto small letters, and maps no other byte there.
    in_range(x, b'0', b'9') | in_range(x | splat(0x20), b'a', b'z')
}

/// Whether a gap between two words holds white space (a byte check for the
/// usual ASCII gap).
pub(crate) fn has_space(gap: &str) -> bool {
    // `char::is_whitespace` on each byte: unlike `u8::is_ascii_whitespace` it
    // counts the vertical tab, as `str::split_whitespace` does.
    if gap.is_ascii() { gap.bytes().any(|b| char::from(b).is_whitespace()) } else { gap.contains(char::is_whitespace) }
}

/// Combining marks, which belong to the word they follow.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_classes_match_the_byte_tables() {
        for b in 0..128u8 {
            let chunk = u64::from_le_bytes([b'x', b, b' ', b, b'-', b'Q', b, b'\n']);
            let expect = |f: &dyn Fn(u8) -> bool| {
                chunk.to_le_bytes().iter().enumerate().map(|(k, &c)| if f(c) { 0x80u64 << (8 * k) } else { 0 }).sum()
            };
            assert_eq!(alnum_bytes(chunk), expect(&|c| ALNUM[c as usize]), "{b}");
            let bits: u64 =
                chunk.to_le_bytes().iter().enumerate().map(|(k, &c)| u64::from(ALNUM[c as usize]) << k).sum();
            assert_eq!(compress(alnum_bytes(chunk)), bits, "{b}");
        }
    }

    #[test]
    fn words_are_the_same_read_in_chunks_or_bytes() {
        let text = "The U.S.-based firm's CEO, J. K. Rowling — said: «l'économie» \u{b}grew 3.5% in 2024!!\n\
                    Naïve café-owners\t\tdisagreed; Київ столиця.  Sehr   gut…   abcdefghijklmnopqrstuvwxyz0123456789 \
                    Supercalifragilisticexpialidocious-and-then-some-more-letters-to-span-a-block-of-64 \
                    ÀÉÎÕÜàéîõüÀÉÎÕÜàéîõüÀÉÎÕÜàéîõüÀÉÎÕÜ x\u{301}y — z\u{a0}w.";
        for start in 0..text.len() {
            if !text.is_char_boundary(start) {
                continue;
            }
            let s = &text[start..];
            let mut chunked = Vec::new();
            alphabetic_words(s, |a, b, spaced| chunked.push((a, b, spaced)));
            let expected = words_by_chars(s);
            assert_eq!(chunked, expected, "{s:?}");
            // A range of a longer text (a sentence): blocks are read past its
            // end, and only its own words come back, at their offsets in the text.
            for end in (start..=text.len()).step_by(7).filter(|&e| text.is_char_boundary(e)) {
                let mut ranged = Vec::new();
                words_in(text, start, end, |a, b, spaced| ranged.push((a - start, b - start, spaced)));
                let mut alone = Vec::new();
                alphabetic_words(&text[start..end], |a, b, spaced| alone.push((a, b, spaced)));
                assert_eq!(ranged, alone, "{:?}", &text[start..end]);
            }
        }
    }

    /// The words of `s` one character at a time, as the definition says.
    fn words_by_chars(s: &str) -> Vec<(usize, usize, bool)> {
        let mut expected = Vec::new();
        let (mut word, mut spaced) = (None, true);
        for (i, c) in s.char_indices().chain([(s.len(), ' ')]) {
            let in_word = i < s.len() && (c.is_alphanumeric() || is_mark(c));
            match (word, in_word) {
                (None, true) => word = Some(i),
                (Some(a), false) => {
                    expected.push((a, i, spaced));
                    (word, spaced) = (None, false);
                }
                _ => {}
            }
            if !in_word && c.is_whitespace() && i < s.len() {
                spaced = true;
            }
        }
        expected
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

        /// Any text, and any range of it (a sentence in a longer text):
        /// the block scanner finds the words the definition does.
        #[test]
        fn block_scanner_follows_the_definition(
            text in "(\\PC|[a-z ]{1,70}|[\u{300}-\u{36F}\u{a0}\u{b}éЖ中’]){0,40}",
            cut in 0usize..400,
            from in 0usize..400,
        ) {
            let mut found = Vec::new();
            alphabetic_words(&text, |a, b, spaced| found.push((a, b, spaced)));
            proptest::prop_assert_eq!(&found, &words_by_chars(&text));
            let mut end = cut.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let mut start = from.min(end);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut ranged = Vec::new();
            words_in(&text, start, end, |a, b, spaced| ranged.push((a - start, b - start, spaced)));
            proptest::prop_assert_eq!(ranged, words_by_chars(&text[start..end]));
        }
    }
}
