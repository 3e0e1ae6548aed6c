//! Languages the summarizer knows, and detecting them from text.
//!
//! Detection is our own and cheap: the script decides between Latin, Cyrillic
//! and Han text, and within a script the language whose most frequent function
//! words occur most often in the opening of the text wins. News text is full of
//! function words, so a few hundred words are plenty.

use std::fmt;
use std::str::FromStr;

use crate::analyze::HIGH_BITS;
use crate::wordtable::{WordTable, pack_lower};

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
/// several). Looked up lower-cased and packed, by binary search.
static MARKERS: WordTable<512> = WordTable::new(MARKER_WORDS);

/// The words of [`MARKERS`], in groups with their language bits.
const MARKER_WORDS: &[(&[&str], u8)] = &[
    (
        &[
            "and", "are", "been", "by", "for", "from", "has", "have", "he", "her", "his", "in", "it", "of", "on",
            "said", "she", "that", "the", "they", "this", "to", "was", "were", "which", "will", "with", "would",
        ],
        0x01,
    ),
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
];

/// The longest word of [`MARKERS`], in bytes: a longer ASCII word (whose
/// length lower-casing does not change) is none of them.
const LONGEST_MARKER: usize = {
    let mut longest = 0;
    let mut g = 0;
    while g < MARKER_WORDS.len() {
        let mut w = 0;
        while w < MARKER_WORDS[g].0.len() {
            if MARKER_WORDS[g].0[w].len() > longest {
                longest = MARKER_WORDS[g].0[w].len();
            }
            w += 1;
        }
        g += 1;
    }
    longest
};

/// For each set of language bits of a marker word (seven bits), the bits
/// spread out one to a byte, so that adding it to a tally counts the word
/// for each of its languages at once.
const SPREAD: [u64; 128] = {
    let mut t = [0u64; 128];
    let mut m = 0;
    while m < 128 {
        let mut bit = 0;
        while bit < LATIN.len() {
            t[m] |= ((m as u64 >> bit) & 1) << (8 * bit);
            bit += 1;
        }
        m += 1;
    }
    t
};

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

/// Detects the language of `text`. Returns [`Lang::Other`] for text whose
/// script or function words match none of the known languages, and for text
/// too short to tell (English is then assumed for Latin script).
pub fn detect(text: &str) -> Lang {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let (mut cyrillic, mut han, mut other) = (0usize, 0usize, 0usize);
    let (mut uk, mut ru) = (0usize, 0usize);
    // ASCII letters are counted byte-wise (a loop without branches, which
    // the compiler vectorizes); only other characters are decoded.
    let bytes = sample.as_bytes();
    let mut latin = bytes.iter().map(|&b| usize::from(b.is_ascii_alphabetic())).sum::<usize>();
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
        } else if c.is_alphabetic() {
            other += 1;
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
    // The marker words found for each language, a byte each ([`SPREAD`]): a
    // byte cannot overflow, as 400 bytes hold at most 200 words.
    let mut tally = 0u64;
    let mut words = 0usize;
    // Function words are frequent: the first 400 bytes (some 70 words) are plenty.
    let mut words_end = sample.len().min(400);
    while !sample.is_char_boundary(words_end) {
        words_end -= 1;
    }
    let sample = &sample[..words_end];
    crate::analyze::alphabetic_words(sample, |start, end, _| {
        words += 1;
        if end - start > 12 {
            return;
        }
        // The word's key, read from the whole text (the same key, only
        // without a copy). An ASCII word's key is already lower-cased, and
        // one longer than every marker is none.
        let Some(key) = crate::analyze::short_key(text.as_bytes(), start, end) else { return };
        let key = if crate::analyze::is_ascii_key(&key) {
            if end - start > LONGEST_MARKER {
                return;
            }
            u128::from(key[0]) | u128::from(key[1]) << 64
        } else {
            match pack_lower(&sample[start..end]) {
                Some(key) => key,
                None => return,
            }
        };
        tally += SPREAD[usize::from(MARKERS.flags(key) & 0x7F)];
    });
    let counts: [usize; LATIN.len()] = std::array::from_fn(|bit| (tally >> (8 * bit)) as usize & 0xFF);
    let (best, &hits) =
        counts.iter().enumerate().max_by_key(|&(i, c)| (*c, usize::MAX - i)).expect("LATIN is not empty");
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
        ];
        for (text, lang) in cases {
            assert_eq!(detect(text), lang, "{text}");
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
