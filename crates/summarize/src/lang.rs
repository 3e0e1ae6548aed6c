//! Languages the summarizer knows, and detecting them from text.
//!
//! Detection is our own and cheap: the script decides between Latin, Cyrillic
//! and Han text, and within a script the language whose most frequent function
//! words occur most often in the opening of the text wins. News text is full of
//! function words, so a few hundred words are plenty.

use std::fmt;
use std::str::FromStr;

use crate::text::{HIGH_BITS, compress, splat};
use crate::wordtable::pack_lower;

/// A language of the text being summarized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Lang {
    /// English.
    English,
    /// French.
    French,
    /// German.
    German,
    /// Spanish.
    Spanish,
    /// Italian.
    Italian,
    /// Portuguese.
    Portuguese,
    /// Dutch.
    Dutch,
    /// Russian.
    Russian,
    /// Ukrainian.
    Ukrainian,
    /// Chinese (simplified or traditional).
    Chinese,
    /// Any other language: no stemming and no stop words, word boundaries only.
    Other,
}

/// The error of parsing a language code that is not known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown language {:?}: expected one of en, fr, de, es, it, pt, nl, ru, uk, zh", self.0)
    }
}

impl std::error::Error for UnknownLang {}

impl Lang {
    /// Every language with its own analysis, in a fixed order.
    pub const ALL: [Lang; 10] = [
        Lang::English,
        Lang::French,
        Lang::German,
        Lang::Spanish,
        Lang::Italian,
        Lang::Portuguese,
        Lang::Dutch,
        Lang::Russian,
        Lang::Ukrainian,
        Lang::Chinese,
    ];

    /// The ISO 639-1 code (`"en"`, `"uk"`, …), or `"und"` for [`Lang::Other`].
    pub fn code(self) -> &'static str {
        match self {
            Lang::English => "en",
            Lang::French => "fr",
            Lang::German => "de",
            Lang::Spanish => "es",
            Lang::Italian => "it",
            Lang::Portuguese => "pt",
            Lang::Dutch => "nl",
            Lang::Russian => "ru",
            Lang::Ukrainian => "uk",
            Lang::Chinese => "zh",
            Lang::Other => "und",
        }
    }

    /// The language of an ISO 639-1 or 639-3 code or an English name, case-insensitive.
    /// Region subtags are ignored (`"en-GB"`, `"zh_Hans"`).
    pub fn from_code(code: &str) -> Option<Lang> {
        let lower = code.trim().to_ascii_lowercase();
        let base = lower.split(['-', '_']).next().unwrap_or("");
        Some(match base {
            "en" | "eng" | "english" => Lang::English,
            "fr" | "fra" | "fre" | "french" => Lang::French,
            "de" | "deu" | "ger" | "german" => Lang::German,
            "es" | "spa" | "spanish" => Lang::Spanish,
            "it" | "ita" | "italian" => Lang::Italian,
            "pt" | "por" | "portuguese" => Lang::Portuguese,
            "nl" | "nld" | "dut" | "dutch" => Lang::Dutch,
            "ru" | "rus" | "russian" => Lang::Russian,
            "uk" | "ukr" | "ukrainian" => Lang::Ukrainian,
            "zh" | "zho" | "chi" | "cmn" | "chinese" => Lang::Chinese,
            "und" | "other" => Lang::Other,
            _ => return None,
        })
    }

    /// Whether words are written without spaces between them (Chinese).
    pub fn is_cjk(self) -> bool {
        self == Lang::Chinese
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Lang::from_code(s).ok_or_else(|| UnknownLang(s.to_string()))
    }
}

/// Whether `c` is a Han ideograph or CJK punctuation/kana.
pub(crate) fn is_cjk_char(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// How many bytes of the text detection looks at.
const SAMPLE_BYTES: usize = 600;

/// The Latin-script languages told apart by function words, in the bit
/// order of [`MARKERS`].
const LATIN: [Lang; 7] =
    [Lang::English, Lang::French, Lang::German, Lang::Spanish, Lang::Italian, Lang::Portuguese, Lang::Dutch];

/// The thirty or so most frequent function words of each Latin-script
/// language, with a bit per language in [`LATIN`] order (a word may belong to
/// several). Looked up lower-cased and packed ([`MarkerTable`]).
static MARKERS: MarkerTable = MarkerTable::new(MARKER_WORDS);

/// The words of [`MARKERS`], in groups with their language bits.
const MARKER_WORDS: &[(&[&str], u8)] = &[
    (
        &[
            "and", "are", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have", "he", "her", "his",
            "in", "it", "its", "not", "of", "on", "said", "she", "that", "the", "their", "there", "they", "this", "to",
            "was", "were", "which", "who", "will", "with", "would",
        ],
        0x01,
    ),
    (&["an"], 0x05),
    (
        &[
            "au", "aux", "avec", "ce", "cette", "dans", "du", "elle", "est", "et", "les", "leur", "ont", "par", "pas",
            "plus", "pour", "qui", "selon", "sont", "sur", "une", "été",
        ],
        0x02,
    ),
    (
        &[
            "auch", "auf", "aus", "bei", "dem", "den", "der", "die", "ein", "eine", "für", "hat", "im", "ist", "mit",
            "nach", "nicht", "noch", "sich", "sie", "sind", "und", "von", "wie", "wird", "wurde", "zu",
        ],
        0x04,
    ),
    (&["des"], 0x06),
    (
        &[
            "al", "el", "esta", "este", "fue", "las", "lo", "los", "más", "pero", "según", "sobre", "su", "sus",
            "también", "y",
        ],
        0x08,
    ),
    (&["es"], 0x0c),
    (
        &[
            "alla", "anche", "che", "come", "dei", "della", "delle", "di", "essere", "gli", "loro", "ma", "nel",
            "nella", "non", "per", "più", "questo", "sono", "stato", "è",
        ],
        0x10,
    ),
    (&["il", "le"], 0x12),
    (&["con", "del", "ha", "una"], 0x18),
    (&["la", "un"], 0x1a),
    (
        &[
            "a", "ao", "com", "da", "do", "dos", "em", "foi", "na", "no", "não", "o", "os", "pelo", "seu", "sua",
            "são", "também", "um", "uma",
        ],
        0x20,
    ),
    (&["as"], 0x21),
    (&["mais"], 0x22),
    (&["das"], 0x24),
    (&["como", "para", "por", "se"], 0x28),
    (&["que"], 0x2a),
    (&["e"], 0x30),
    (
        &[
            "aan", "bij", "dat", "deze", "dit", "door", "een", "er", "het", "hij", "maar", "met", "naar", "niet",
            "nog", "om", "ook", "op", "te", "uit", "van", "voor", "werd", "wordt", "ze", "zij", "zijn",
        ],
        0x40,
    ),
    (&["is"], 0x41),
    (&["en"], 0x48),
    (&["de"], 0x68),
    // The commonest French words of all (`de`, `à`, elided `l'`, `d'`, `qu'`,
    // `n'`), and words shared with Italian and Spanish.
    (&["de", "à", "en", "a", "ne", "se", "l", "d", "qu", "n"], 0x02),
    (&["a", "l", "si", "ne"], 0x10),
    (&["a"], 0x08),
    // English "a", the commonest English word after "the": with it, a short
    // English text ("A good sentence here.") is not taken for French.
    (&["a"], 0x01),
];

/// Language bits (seven, in [`LATIN`] order) spread out one to a byte, so
/// that adding them to a tally counts a word for each of its languages at
/// once: a multiplication puts a copy of the bits every seven bits, so that
/// bit `k` of copy `k` lands on bit `8 * k`, and no two copies overlap.
#[inline]
const fn spread(bits: u8) -> u64 {
    ((bits & 0x7F) as u64).wrapping_mul(0x0000_0408_1020_4081) & 0x0001_0101_0101_0101
}

/// The number of buckets of a [`MarkerTable`], a power of two.
const BUCKETS: usize = 128;

/// The number of words a bucket of a [`MarkerTable`] holds.
const WAYS: usize = 4;

/// The words of a [`MarkerTable`] that hash alike, with their language
/// bits, in one cache line.
#[repr(align(64))]
#[derive(Clone, Copy)]
struct Bucket {
    /// Packed words ([`pack8`]); 0 (the empty word, never stored) marks a
    /// free place.
    keys: [u64; WAYS],
    /// The language bits of each word (0 in a free place), and 0 after them
    /// for a word that is not in the bucket.
    bits: [u8; 8],
}

/// The marker words, looked up with no branch: every marker is at most eight
/// bytes long, so a word packs into a `u64`, and a multiplicative hash with a
/// multiplier chosen at compile time puts at most [`WAYS`] of them in each
/// bucket, so a look-up compares a bucket's words, all of them.
struct MarkerTable {
    /// The multiplier of the hash.
    multiplier: u64,
    buckets: [Bucket; BUCKETS],
}

/// `word` packed into a `u64`: its bytes, little-endian, with zeros after
/// them. A word has no zero byte, so words of up to eight bytes get
/// different keys. `None` if it is longer.
const fn pack8(word: &[u8]) -> Option<u64> {
    if word.len() > 8 {
        return None;
    }
    let mut key = 0u64;
    let mut i = 0;
    while i < word.len() {
        key |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    Some(key)
}

impl MarkerTable {
    /// The bucket of a packed word, under `multiplier`.
    #[inline]
    const fn bucket(key: u64, multiplier: u64) -> usize {
        (key.wrapping_mul(multiplier) >> (64 - BUCKETS.trailing_zeros())) as usize
    }

    /// Builds the table from groups of words, each group with its language
    /// bits; a word in several groups gets all their bits. Tries multipliers
    /// until one fits every bucket's words in [`WAYS`] places. Panics (at
    /// compile time) on an empty word or one longer than eight bytes.
    const fn new(groups: &[(&[&str], u8)]) -> Self {
        let mut attempt = 0u64;
        loop {
            assert!(attempt < 10_000, "no multiplier fits the marker words in their buckets");
            let multiplier = 0x9E37_79B9_7F4A_7C15u64.wrapping_add(attempt.wrapping_mul(0x6A09_E667_F3BC_C908)) | 1;
            if let Some(table) = Self::with_multiplier(groups, multiplier) {
                return table;
            }
            attempt += 1;
        }
    }

    /// The table under `multiplier`, or `None` if a bucket overflows.
    const fn with_multiplier(groups: &[(&[&str], u8)], multiplier: u64) -> Option<Self> {
        let mut buckets = [Bucket { keys: [0; WAYS], bits: [0; 8] }; BUCKETS];
        let mut g = 0;
        while g < groups.len() {
            let (words, flag) = groups[g];
            let mut w = 0;
            while w < words.len() {
                let Some(key) = pack8(words[w].as_bytes()) else { panic!("marker word longer than eight bytes") };
                assert!(key != 0, "empty marker word");
                let bucket = &mut buckets[Self::bucket(key, multiplier)];
                let mut at = 0;
                while at < WAYS && bucket.keys[at] != 0 && bucket.keys[at] != key {
                    at += 1;
                }
                if at == WAYS {
                    return None;
                }
                bucket.keys[at] = key;
                bucket.bits[at] |= flag;
                w += 1;
            }
            g += 1;
        }
        Some(MarkerTable { multiplier, buckets })
    }

    /// The language bits of a packed word: 0 if it is no marker, and for the
    /// key 0, which stands for a word that cannot be one.
    #[inline]
    fn bits(&self, key: u64) -> u8 {
        let bucket = &self.buckets[Self::bucket(key, self.multiplier)];
        // A bit for each place that holds the word (at most one), and one
        // past them, so that the lowest is the word's place, or the place
        // after them, of no bits, if none holds it. Loading from a place
        // chosen so, not choosing between loads, keeps the look-up free of
        // branches.
        let mut found = 1u32 << WAYS;
        for (at, &k) in bucket.keys.iter().enumerate() {
            found |= u32::from(k == key) << at;
        }
        bucket.bits[found.trailing_zeros() as usize & 7]
    }
}

/// The high bit of each byte of `x` that is an ASCII letter. Only the low
/// seven bits of each byte take part, so that no carry crosses a byte:
/// adding `0x80 - lo` sets a byte's high bit from `lo` up, adding
/// `0x7F - hi` from just past `hi`, and `| 0x20` folds capitals onto small
/// letters (and maps no other byte there).
#[inline]
const fn ascii_letters(x: u64) -> u64 {
    let low = x & !HIGH_BITS | splat(0x20);
    low.wrapping_add(splat(0x80 - b'a')) & !low.wrapping_add(splat(0x7F - b'z')) & !x & HIGH_BITS
}

/// The high bit of each byte of `x` that is an ASCII digit (as [`ascii_letters`]).
#[inline]
const fn ascii_digits(x: u64) -> u64 {
    let low = x & !HIGH_BITS;
    low.wrapping_add(splat(0x80 - b'0')) & !low.wrapping_add(splat(0x7F - b'9')) & !x & HIGH_BITS
}

/// The sum of the eight bytes of `x`, each at most 127.
#[inline]
const fn sum_bytes(x: u64) -> usize {
    let pairs = (x & 0x00FF_00FF_00FF_00FF) + (x >> 8 & 0x00FF_00FF_00FF_00FF);
    (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize
}

/// Eight bytes of `bytes` from `at`, little-endian, with zeros past its end.
#[inline]
fn load8(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(chunk) => u64::from_le_bytes(chunk.try_into().unwrap_or_default()),
        None => {
            let tail = bytes.get(at..).unwrap_or_default();
            let mut buf = [0u8; 8];
            buf[..tail.len()].copy_from_slice(tail);
            u64::from_le_bytes(buf)
        }
    }
}

/// The bytes of `bytes`, eight at a time ([`load8`]).
#[inline]
fn chunks8(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let whole = bytes.chunks_exact(8);
    let rest = whole.remainder();
    whole
        .map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap_or_default()))
        .chain((!rest.is_empty()).then(|| load8(rest, 0)))
}

/// The mask of the first `n` bytes of a `u64`, for `n` up to eight; none
/// for longer (index 9), as no marker is longer.
const KEY_BYTES: [u64; 10] = {
    let mut t = [0u64; 10];
    let mut n = 1;
    while n <= 8 {
        t[n] = u64::MAX >> (64 - 8 * n);
        n += 1;
    }
    t
};

/// The key for [`MarkerTable::bits`] of an ASCII word of `len` bytes that
/// starts the eight bytes `x` ([`load8`]): packed and lower-cased, or 0 if
/// it is longer than any marker.
#[inline]
fn ascii_key(x: u64, len: usize) -> u64 {
    let x = x & KEY_BYTES[len.min(9)];
    // Adding 0x3F sets the high bit from `A` up and adding 0x25 from just
    // past `Z` (no carry crosses a byte): their difference marks the
    // capitals, each of which gains 0x20.
    let capitals = x.wrapping_add(splat(0x3F)) & !x.wrapping_add(splat(0x25)) & HIGH_BITS;
    x | capitals >> 2
}

/// The key for [`MarkerTable::bits`] of the word `sample[start..start +
/// len]`, which may hold other than ASCII: lower-cased and packed, or 0 if
/// it cannot be a marker. Words of over 12 bytes are not looked up.
#[inline]
fn word_key(sample: &str, start: usize, len: usize) -> u64 {
    if len > 12 {
        return 0;
    }
    let bytes = sample.as_bytes();
    let x = load8(bytes, start);
    if (x & KEY_BYTES[len.min(8)] | load8(bytes, start + 8) & KEY_BYTES[len.saturating_sub(8)]) & HIGH_BITS == 0 {
        return ascii_key(x, len);
    }
    // Lower-casing may change the length.
    match pack_lower(&sample[start..start + len]) {
        Some(key) if key >> 120 <= 8 => key as u64,
        _ => 0,
    }
}

/// Whether the character `c` is a word character (a letter, digit or
/// combining mark, as `alphabetic_words` has them), for those whose class is
/// known here, which hold no combining marks: the characters below them
/// (U+0300), and the punctuation, super- and subscripts and currency symbols
/// from U+2000 to U+20CF that English and French text is full of. `None`
/// for others.
#[inline]
fn is_word_char(c: char) -> Option<bool> {
    (c < '\u{0300}' || ('\u{2000}'..'\u{20D0}').contains(&c)).then(|| c.is_alphanumeric())
}

/// The positions in `bytes` of the first bytes of multi-byte characters
/// (0xC0 and up), found eight bytes at a time: plain ASCII text has none.
fn lead_bytes(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    let whole = chunks.enumerate().flat_map(|(n, chunk)| {
        let w = u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
        // A byte's top two bits are both set: shifting left by one moves each
        // byte's 0x40 bit onto its 0x80 bit.
        let mut leads = w & (w << 1) & HIGH_BITS;
        std::iter::from_fn(move || {
            if leads == 0 {
                return None;
            }
            let at = n * 8 + leads.trailing_zeros() as usize / 8;
            leads &= leads - 1;
            Some(at)
        })
    });
    let start = bytes.len() - tail.len();
    whole.chain((start..bytes.len()).filter(move |&i| bytes[i] >= 0xC0))
}

/// Letters only Ukrainian uses among Cyrillic languages.
const UKRAINIAN_LETTERS: [char; 8] = ['і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є', 'Ґ'];
/// Letters only Russian uses among the two.
const RUSSIAN_LETTERS: [char; 8] = ['ы', 'э', 'ъ', 'ё', 'Ы', 'Э', 'Ъ', 'Ё'];

/// How many bytes of the sample marker words are looked for in: function
/// words are frequent, and 400 bytes hold some 70 words, plenty.
const WORD_BYTES: usize = 400;

// `detect` gives each eight-byte chunk of the opening a bit of a `u64`.
const _: () = assert!(WORD_BYTES <= 8 * 64);

/// Detects the language of `text`. Returns [`Lang::Other`] for text whose
/// script or function words match none of the known languages, and for text
/// too short to tell (English is then assumed for Latin script).
pub fn detect(text: &str) -> Lang {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let bytes = sample.as_bytes();
    // ASCII letters are counted eight bytes at a time, each chunk's letters
    // adding one to a byte of `lanes`, with no branch. The bytes marker words
    // are looked for in also get a bit each in `word_bytes` if an ASCII
    // letter or digit.
    let head = &bytes[..bytes.len().min(WORD_BYTES)];
    let mut word_bytes = [0u64; WORD_BYTES.div_ceil(64)];
    let (mut lanes, mut high) = (0u64, 0u64);
    chunks8(head).enumerate().for_each(|(k, x)| {
        let letters = ascii_letters(x);
        lanes += letters >> 7;
        high |= x;
        word_bytes[k / 8] |= compress(letters | ascii_digits(x)) << (8 * (k % 8));
    });
    // The opening's chunks that hold other than ASCII, a bit each.
    let mut head_chunks = 0u64;
    if high & HIGH_BITS != 0 {
        for k in 0..head.len().div_ceil(8) {
            head_chunks |= u64::from(load8(head, 8 * k) & HIGH_BITS != 0) << k;
        }
    }
    chunks8(&bytes[head.len()..]).for_each(|x| {
        lanes += ascii_letters(x) >> 7;
        high |= x;
    });
    // No byte gets more than one from each of the 75 chunks.
    let mut latin = sum_bytes(lanes);
    let (mut cyrillic, mut han, mut other) = (0usize, 0usize, 0usize);
    let (mut uk, mut ru) = (0usize, 0usize);
    // Latin letters with accents (é, à, ü): rare in English.
    let mut accented = 0usize;
    // Other characters are decoded, if there are any.
    if high & HIGH_BITS != 0 {
        for c in lead_bytes(bytes).filter_map(|i| sample[i..].chars().next()) {
            if is_cjk_char(c) {
                han += 1;
            } else if ('\u{0400}'..='\u{04FF}').contains(&c) {
                cyrillic += 1;
                if UKRAINIAN_LETTERS.contains(&c) {
                    uk += 1;
                } else if RUSSIAN_LETTERS.contains(&c) {
                    ru += 1;
                }
            } else if ('\u{00C0}'..='\u{024F}').contains(&c) {
                latin += 1;
                accented += 1;
            } else if c.is_alphabetic() {
                other += 1;
            }
        }
    }
    let letters = latin + cyrillic + han + other;
    if letters == 0 {
        return Lang::Other;
    }
    // Han characters carry a word each, so they weigh more than letters.
    if han * 3 >= letters {
        return Lang::Chinese;
    }
    if cyrillic >= latin && cyrillic >= other {
        return if uk > ru { Lang::Ukrainian } else { Lang::Russian };
    }
    if other > latin {
        return Lang::Other;
    }
    // The marker words found for each language, a byte each ([`spread`]): a
    // byte cannot overflow, as 400 bytes hold at most 200 words.
    let mut tally = 0u64;
    let mut words = 0usize;
    // The opening's words are the runs of word characters (as
    // `alphabetic_words` has them): letters and digits in chunks of ASCII,
    // and where the other characters are all ones whose class is known here
    // ([`is_word_char`]), each byte gets its character's class; else
    // `alphabetic_words` finds them.
    let mut words_end = head.len();
    while !sample.is_char_boundary(words_end) {
        words_end -= 1;
    }
    let mut known = true;
    let mut chunks = head_chunks;
    while chunks != 0 && known {
        let k = chunks.trailing_zeros() as usize;
        chunks &= chunks - 1;
        // A continuation byte opening the chunk takes the class of the
        // byte before, already right.
        let mut word = k > 0 && word_bytes[(8 * k - 1) / 64] >> ((8 * k - 1) % 64) & 1 != 0;
        let mut bits = 0u64;
        for i in 8 * k..(8 * k + 8).min(head.len()) {
            let b = head[i];
            if i >= words_end {
                // Part of a character the opening does not hold whole.
                word = false;
            } else if b < 0x80 {
                word = b.is_ascii_alphanumeric();
            } else if b >= 0xC0 {
                match sample[i..].chars().next().and_then(is_word_char) {
                    Some(w) => word = w,
                    None => known = false,
                }
            }
            bits |= u64::from(word) << (i - 8 * k);
        }
        word_bytes[k / 8] = word_bytes[k / 8] & !(0xFF << (8 * (k % 8))) | bits << (8 * (k % 8));
    }
    if known {
        // Each word from its first byte, with its length: the run of bits
        // from there, which goes on into the next block if it reaches the
        // block's end. (A word that runs on past the next block too is
        // longer than any looked up, so its length, then too short, does
        // not matter.)
        for (n, &w) in word_bytes.iter().enumerate() {
            let before = if n == 0 { 0 } else { word_bytes[n - 1] >> 63 };
            let mut firsts = w & !(w << 1 | before);
            while firsts != 0 {
                let at = firsts.trailing_zeros() as usize;
                firsts &= firsts - 1;
                let mut len = (!(w >> at)).trailing_zeros() as usize;
                if at + len == 64 {
                    len += word_bytes.get(n + 1).map_or(0, |next| next.trailing_ones() as usize);
                }
                let first = 64 * n + at;
                words += 1;
                let key =
                    if head_chunks == 0 { ascii_key(load8(head, first), len) } else { word_key(sample, first, len) };
                tally += spread(MARKERS.bits(key));
            }
        }
    } else {
        crate::text::alphabetic_words(&sample[..words_end], |start, end, _| {
            words += 1;
            tally += spread(MARKERS.bits(word_key(sample, start, end - start)));
        });
    }
    let counts: [usize; LATIN.len()] = std::array::from_fn(|bit| (tally >> (8 * bit)) as usize & 0xFF);
    // Ties go to the language listed first, English, unless the text has
    // accented letters: "Nicolas Sarkozy a refusé" has one marker word,
    // "a", that is English and French.
    let (best, &hits) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, c)| (*c, !(i == 0 && accented > 0), usize::MAX - i))
        .expect("LATIN is not empty");
    if hits == 0 || hits * 20 < words {
        // Latin script, but no known function words: likely another language.
        return if words < 8 { Lang::English } else { Lang::Other };
    }
    LATIN[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_language() {
        let cases = [
            ("The minister said on Tuesday that the plan would be delayed until the spring.", Lang::English),
            ("Le ministre a déclaré mardi que le projet serait retardé jusqu'au printemps.", Lang::French),
            ("Der Minister sagte am Dienstag, dass der Plan bis zum Frühjahr verschoben wird.", Lang::German),
            ("El ministro dijo el martes que el plan se retrasará hasta la primavera.", Lang::Spanish),
            ("Il ministro ha detto martedì che il piano sarà rinviato alla primavera.", Lang::Italian),
            ("O ministro disse na terça-feira que o plano será adiado para a primavera.", Lang::Portuguese),
            ("De minister zei dinsdag dat het plan tot het voorjaar wordt uitgesteld.", Lang::Dutch),
            ("Министр заявил во вторник, что план будет отложен до весны этого года.", Lang::Russian),
            ("Міністр заявив у вівторок, що план буде відкладено до весни цього року.", Lang::Ukrainian),
            ("部长周二表示，该计划将推迟到明年春天。", Lang::Chinese),
            // Few of the function words that only French has: `de`, `à` and elision decide.
            ("L'incendie de la cathédrale n'a pas dispersé de plomb dans l'air, a dit la préfecture.", Lang::French),
            ("A moins de 70 jours de l'élection, Donald Trump a clôturé la convention républicaine.", Lang::French),
            // Short texts: English "a", "at", "not"; a tie with French goes to
            // French when the text has accented letters.
            ("A good body sentence here. Another good sentence there.", Lang::English),
            ("No punctuation at all just words", Lang::English),
            ("It is not a problem at all.", Lang::English),
            ("Nicolas Sarkozy a refusé, lundi 14", Lang::French),
        ];
        for (text, lang) in cases {
            assert_eq!(detect(text), lang, "{text}");
        }
    }

    #[test]
    fn word_characters_known_here_are_as_alphabetic_words_has_them() {
        for c in ('\u{80}'..'\u{3000}').filter(|&c| is_word_char(c).is_some()) {
            let text = format!("a{c}b");
            let mut words = 0;
            crate::text::alphabetic_words(&text, |_, _, _| words += 1);
            assert_eq!(is_word_char(c), Some(words == 1), "{c:?}");
        }
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(lang.code().parse::<Lang>(), Ok(lang));
        }
        assert_eq!(Lang::from_code("en-GB"), Some(Lang::English));
        assert_eq!(Lang::from_code("zh_Hans"), Some(Lang::Chinese));
        assert!("klingon".parse::<Lang>().is_err());
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        assert_eq!(detect(""), Lang::Other);
        assert_eq!(detect("   \n\t"), Lang::Other);
        assert_eq!(detect("12345 67"), Lang::Other);
        let long = "é".repeat(5000);
        let _ = detect(&long);
    }
}
