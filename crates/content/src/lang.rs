//! Language tags: which are well formed, and which are written right to left.

/// Whether `code` is a well-formed language tag (BCP 47, simplified): a
/// primary subtag of two or three letters, then subtags of one to eight
/// letters or digits, joined by hyphens ("pl", "pt-BR", "zh-Hant"). An
/// article may be in any language; the summarizer knows some of them, and
/// treats the others by their word boundaries.
pub fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether text in the language `tag` is written right to left: a script
/// subtag says so when there is one ("az-Arab", "ur-Latn"), else the
/// primary language does (Arabic, Hebrew, Persian, Urdu, Pashto, Sindhi,
/// Uyghur, Yiddish, Dhivehi, Syriac, N'Ko, Sorani Kurdish, ...).
pub fn is_rtl(tag: &str) -> bool {
    const RTL_SCRIPTS: [&str; 9] = ["arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg", "mand", "samr"];
    const RTL_LANGUAGES: [&str; 22] = [
        "ar", "arc", "azb", "bal", "ckb", "dv", "fa", "he", "iw", "ji", "khw", "ks", "mzn", "nqo", "pnb", "prs", "ps",
        "sd", "syr", "ug", "ur", "yi",
    ];
    let mut parts = tag.trim().split(['-', '_']);
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    match parts.find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic())) {
        Some(script) => RTL_SCRIPTS.contains(&script.to_ascii_lowercase().as_str()),
        None => RTL_LANGUAGES.contains(&primary.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_languages() {
        for rtl in ["ar", "he", "fa", "ur", "ps", "yi", "ar-EG", "AR", "az-Arab", "pa-Arab-PK"] {
            assert!(is_rtl(rtl), "{rtl}");
        }
        for ltr in ["en", "fr", "pl", "zh-Hant", "ja", "uk", "az", "az-Latn", "ur-Latn", "", "arab", "a"] {
            assert!(!is_rtl(ltr), "{ltr}");
        }
    }
}
