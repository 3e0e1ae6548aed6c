//! Languages the summarizer knows, and detecting them from text.
//!
//! Detection is our own and cheap: the script decides between Latin, Cyrillic
//! and Han text, and within a script the language whose most frequent function
//! words occur most often in the opening of the text wins. News text is full of
//! function words, so a few hundred words are plenty.

use std::fmt;
use std::str::FromStr;

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
const SAMPLE_BYTES: usize = 1024;

/// The Latin-script languages told apart by function words, in bit order of
/// [`marker_mask`].
const LATIN: [Lang; 7] =
    [Lang::English, Lang::French, Lang::German, Lang::Spanish, Lang::Italian, Lang::Portuguese, Lang::Dutch];

/// Which Latin-script languages (bits in [`LATIN`] order) use `word` (lower
/// case) among their thirty most frequent function words. A `match` compiles
/// to a fast dispatch on length and bytes.
fn marker_mask(word: &str) -> u8 {
    match word {
        "a" => 0x20,
        "aan" => 0x40,
        "al" => 0x08,
        "alla" => 0x10,
        "anche" => 0x10,
        "and" => 0x01,
        "ao" => 0x20,
        "are" => 0x01,
        "as" => 0x21,
        "au" => 0x02,
        "auch" => 0x04,
        "auf" => 0x04,
        "aus" => 0x04,
        "aux" => 0x02,
        "avec" => 0x02,
        "been" => 0x01,
        "bei" => 0x04,
        "bij" => 0x40,
        "by" => 0x01,
        "ce" => 0x02,
        "cette" => 0x02,
        "che" => 0x10,
        "com" => 0x20,
        "come" => 0x10,
        "como" => 0x28,
        "con" => 0x18,
        "da" => 0x20,
        "dans" => 0x02,
        "das" => 0x24,
        "dat" => 0x40,
        "de" => 0x68,
        "dei" => 0x10,
        "del" => 0x18,
        "della" => 0x10,
        "delle" => 0x10,
        "dem" => 0x04,
        "den" => 0x04,
        "der" => 0x04,
        "des" => 0x06,
        "deze" => 0x40,
        "di" => 0x10,
        "die" => 0x04,
        "dit" => 0x40,
        "do" => 0x20,
        "door" => 0x40,
        "dos" => 0x20,
        "du" => 0x02,
        "e" => 0x30,
        "een" => 0x40,
        "ein" => 0x04,
        "eine" => 0x04,
        "el" => 0x08,
        "elle" => 0x02,
        "em" => 0x20,
        "en" => 0x48,
        "er" => 0x40,
        "es" => 0x0c,
        "essere" => 0x10,
        "est" => 0x02,
        "esta" => 0x08,
        "este" => 0x08,
        "et" => 0x02,
        "foi" => 0x20,
        "for" => 0x01,
        "from" => 0x01,
        "fue" => 0x08,
        "für" => 0x04,
        "gli" => 0x10,
        "ha" => 0x18,
        "has" => 0x01,
        "hat" => 0x04,
        "have" => 0x01,
        "he" => 0x01,
        "her" => 0x01,
        "het" => 0x40,
        "hij" => 0x40,
        "his" => 0x01,
        "il" => 0x12,
        "im" => 0x04,
        "in" => 0x01,
        "is" => 0x41,
        "ist" => 0x04,
        "it" => 0x01,
        "la" => 0x1a,
        "las" => 0x08,
        "le" => 0x12,
        "les" => 0x02,
        "leur" => 0x02,
        "lo" => 0x08,
        "loro" => 0x10,
        "los" => 0x08,
        "ma" => 0x10,
        "maar" => 0x40,
        "mais" => 0x22,
        "met" => 0x40,
        "mit" => 0x04,
        "más" => 0x08,
        "na" => 0x20,
        "naar" => 0x40,
        "nach" => 0x04,
        "nel" => 0x10,
        "nella" => 0x10,
        "nicht" => 0x04,
        "niet" => 0x40,
        "no" => 0x20,
        "noch" => 0x04,
        "nog" => 0x40,
        "non" => 0x10,
        "não" => 0x20,
        "o" => 0x20,
        "of" => 0x01,
        "om" => 0x40,
        "on" => 0x01,
        "ont" => 0x02,
        "ook" => 0x40,
        "op" => 0x40,
        "os" => 0x20,
        "par" => 0x02,
        "para" => 0x28,
        "pas" => 0x02,
        "pelo" => 0x20,
        "per" => 0x10,
        "pero" => 0x08,
        "più" => 0x10,
        "plus" => 0x02,
        "por" => 0x28,
        "pour" => 0x02,
        "que" => 0x2a,
        "questo" => 0x10,
        "qui" => 0x02,
        "said" => 0x01,
        "se" => 0x28,
        "según" => 0x08,
        "selon" => 0x02,
        "seu" => 0x20,
        "she" => 0x01,
        "sich" => 0x04,
        "sie" => 0x04,
        "sind" => 0x04,
        "sobre" => 0x08,
        "sono" => 0x10,
        "sont" => 0x02,
        "stato" => 0x10,
        "su" => 0x08,
        "sua" => 0x20,
        "sur" => 0x02,
        "sus" => 0x08,
        "são" => 0x20,
        "también" => 0x08,
        "também" => 0x20,
        "te" => 0x40,
        "that" => 0x01,
        "the" => 0x01,
        "they" => 0x01,
        "this" => 0x01,
        "to" => 0x01,
        "uit" => 0x40,
        "um" => 0x20,
        "uma" => 0x20,
        "un" => 0x1a,
        "una" => 0x18,
        "und" => 0x04,
        "une" => 0x02,
        "van" => 0x40,
        "von" => 0x04,
        "voor" => 0x40,
        "was" => 0x01,
        "werd" => 0x40,
        "were" => 0x01,
        "which" => 0x01,
        "wie" => 0x04,
        "will" => 0x01,
        "wird" => 0x04,
        "with" => 0x01,
        "wordt" => 0x40,
        "would" => 0x01,
        "wurde" => 0x04,
        "y" => 0x08,
        "ze" => 0x40,
        "zij" => 0x40,
        "zijn" => 0x40,
        "zu" => 0x04,
        "è" => 0x10,
        "été" => 0x02,
        _ => 0,
    }
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
    let (mut latin, mut cyrillic, mut han, mut other) = (0usize, 0usize, 0usize, 0usize);
    let (mut uk, mut ru) = (0usize, 0usize);
    // ASCII letters are counted byte-wise; only other characters are decoded.
    latin += sample.bytes().filter(u8::is_ascii_alphabetic).count();
    for c in sample.chars().filter(|c| !c.is_ascii()) {
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
    let mut counts = [0usize; LATIN.len()];
    let mut words = 0usize;
    let mut buf = String::new();
    // Function words are frequent: the first kilobyte of the sample is plenty.
    let mut words_end = sample.len().min(640);
    while !sample.is_char_boundary(words_end) {
        words_end -= 1;
    }
    for word in sample[..words_end].split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        words += 1;
        if word.len() > 12 {
            continue;
        }
        buf.clear();
        if word.is_ascii() {
            buf.push_str(word);
            buf.make_ascii_lowercase();
        } else {
            buf.extend(word.chars().flat_map(char::to_lowercase));
        }
        let mask = marker_mask(&buf);
        if mask != 0 {
            for (bit, count) in counts.iter_mut().enumerate() {
                if mask & (1 << bit) != 0 {
                    *count += 1;
                }
            }
        }
    }
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
