//! Key phrases: runs of one to three adjacent content words, scored by how
//! often their words occur and how early, with a spelling from the text.
//!
//! Two passes over the article's tokens, without branches where the text
//! decides at random (stop words, first occurrences): the first counts and
//! weighs each stem and notes where single words first appear (dense arrays
//! indexed by stem), and lists the content words; the second links
//! neighbours in that list into phrases of two or three words, only where
//! every word recurs (a phrase can recur only then), counted in a small
//! hash table. The candidates, packed into integers, are ranked lazily: one
//! pass keeps the best few in order, the rest are sorted only if needed.

use crate::analyze::{Doc, Token};

/// Longest key phrase, in words.
const MAX_WORDS: usize = 3;

/// A candidate phrase: up to three stems, unused slots `u32::MAX`.
type Key = [u32; MAX_WORDS];

/// What pass 1 learns of a stem, updated for each of its content words
/// without a branch that depends on earlier occurrences (whether a word is
/// new is a coin toss to the branch predictor).
#[derive(Clone, Copy)]
struct Stem {
    /// Occurrences as a content word.
    count: u32,
    /// Occurrences, those in the opening fifth counted twice (an integer, so
    /// summing it as `f64` or as `u32` gives the same number).
    weight: u32,
    /// Occurrences as a single word of more than one character: a candidate
    /// if any.
    singles: u32,
    /// The first of those, as a [`Place`] (`u64::MAX` if none), then a
    /// slot where the later ones are written: the choice of slot is an
    /// index, not a branch (the compiler would turn a select back into one).
    first: [Place; 2],
}

impl Stem {
    const NONE: Stem = Stem { count: 0, weight: 0, singles: 0, first: [u64::MAX; 2] };
}

/// A token's place: its sentence in the high half, its index in
/// `doc.tokens` in the low half. Two words are neighbours in one sentence
/// exactly when their places differ by one.
type Place = u64;

/// A phrase of two or three words, where only spaces and hyphens stand
/// between them.
#[derive(Clone, Copy)]
struct Phrase {
    /// Its stems, packed: the first in the top 32 of 96 bits ([`pack`]), so
    /// that packed keys sort as keys do.
    key: u128,
    count: u32,
    /// Its first occurrence, as an index in [`Buffers::words`].
    first: u32,
    /// Its first occurrence not at the start of a sentence, likewise;
    /// `u32::MAX` if none.
    inner: u32,
}

/// Working memory of [`keywords`], kept in the [`Scratch`](crate::Scratch)
/// between articles: an article then allocates little but its result.
#[derive(Default)]
pub(crate) struct Buffers {
    /// Pass 1, by stem id.
    stems: Vec<Stem>,
    /// Pass 1: the [`Place`]s of the content words, in order; only the
    /// first so many are this article's (a long article's size is kept, so
    /// that the list is written without a check per word).
    words: Vec<Place>,
    /// Pass 1: the stem of each of `words`; used as `words` is.
    word_stems: Vec<u32>,
    /// Pass 1: the stems that stand as single words, in order of first
    /// appearance: the single-word candidates. Used as `words` is.
    singles: Vec<u32>,
    /// Pass 2: the indices in `words` of the words linked to the one before
    /// them; used as `words` is.
    links: Vec<u32>,
    /// Pass 2: the phrases, in order of first appearance.
    phrases: Vec<Phrase>,
    /// Pass 2: an open-addressing table of the phrases by key: one more
    /// than the index in `phrases`, 0 if free. A power of two at least
    /// twice the phrase occurrences long, cleared for each article.
    table: Vec<u32>,
    /// The phrases that recur, packed as keys above their index in
    /// `phrases`, sorted: in key order.
    recurring: Vec<u128>,
    /// Every candidate, as [`rank`] packs it.
    ranked: Vec<u128>,
    /// The best candidates, in order.
    best: Vec<u128>,
    /// The chosen phrases' stems.
    chosen: Vec<Key>,
}

/// A candidate packed into one integer that sorts in ranking order: higher
/// scores first ([`descending`]), then smaller keys, so that ties break the
/// same way on every run. Below the score: the key's first stem, then the
/// phrase's index in [`Buffers::recurring`], `u32::MAX` for a single word (a
/// key with more stems after the same first one sorts before it); those
/// are in key order, so this orders keys as the keys themselves.
/// Keys are distinct, so no two candidates are equal.
fn rank(score: f64, first: u32, phrase: u32) -> u128 {
    u128::from(descending(score)) << 64 | u128::from(first) << 32 | u128::from(phrase)
}

/// A key that sorts as `f64::total_cmp` does, reversed.
fn descending(score: f64) -> u64 {
    let bits = score.to_bits() as i64;
    // As `total_cmp`: flip the magnitude bits of negative numbers; then the
    // sign bit, for an unsigned order, and all of them, to reverse it.
    !((bits ^ (((bits >> 63) as u64) >> 1) as i64) as u64 ^ 1 << 63)
}

/// The top `k` key phrases of the article, best first. Its steps are
/// functions kept out of line: inlined into one, their loops compile with
/// more registers spilled (some 4,000 more instructions an article).
pub(crate) fn keywords(text: &str, doc: &Doc, k: usize, buffers: &mut Buffers) -> Vec<String> {
    if k == 0 || doc.tokens.is_empty() {
        return Vec::new();
    }
    let Buffers { stems, words, word_stems, singles, links, phrases, table, recurring, ranked, best, chosen } = buffers;
    let bytes = text.as_bytes();
    let tokens = &doc.tokens;
    stems.clear();
    stems.resize(doc.stems, Stem::NONE);
    if words.len() < tokens.len() {
        words.resize(tokens.len(), 0);
        word_stems.resize(tokens.len(), 0);
        singles.resize(tokens.len(), 0);
    }
    let (n_words, n_singles) = count(doc, bytes, stems, words, word_stems, singles);
    let (words, word_stems) = (&words[..n_words], &word_stems[..n_words]);
    if links.len() < n_words {
        links.resize(n_words, 0);
    }
    let n_links = link(doc, bytes, stems, words, word_stems, links);
    gather(doc, words, word_stems, &links[..n_links], phrases, table);
    // The phrases that recur, listed without a branch (about half do).
    recurring.clear();
    recurring.resize(phrases.len(), 0);
    let mut n_recurring = 0;
    for (i, phrase) in (0..).zip(phrases.iter()) {
        recurring[n_recurring] = phrase.key << 32 | i;
        n_recurring += usize::from(phrase.count >= 2);
    }
    recurring.truncate(n_recurring);
    recurring.sort_unstable();
    candidates(stems, &singles[..n_singles], words, phrases, recurring, ranked);
    // Only the best few are looked at, in order: the best `batch` are kept
    // in order in one pass (few of the rest beat the worst of them), and
    // the rest are sorted only if those do not do. Three per phrase wanted
    // rarely fall short (two did for about one article in forty, each time
    // a costly sort).
    let keep = (k * 8).max(32);
    let batch = (k * 3).max(24);
    best_of(ranked, batch, best);
    chosen.clear();
    let mut out: Vec<String> = Vec::with_capacity(k);
    for looked in 0..keep.min(ranked.len()) {
        if looked == best.len() {
            // Rarely: the rest, in order.
            let worst = best[best.len() - 1];
            best.extend(ranked.iter().filter(|&&r| r > worst));
            best[looked..].sort_unstable();
        }
        let candidate = best[looked];
        let mut phrase = candidate as u32;
        if phrase == u32::MAX {
            // A word that mostly stands in one recurring phrase ("Minister"
            // in "Foreign Minister") gives way to that phrase.
            phrase = phrase_of((candidate >> 32) as u32, stems, phrases, recurring).unwrap_or(u32::MAX);
        }
        let key = if phrase == u32::MAX {
            [(candidate >> 32) as u32, u32::MAX, u32::MAX]
        } else {
            unpack(phrases[recurring[phrase as usize] as u32 as usize].key)
        };
        // Skip phrases whose words a chosen phrase already covers, and
        // single words of a chosen longer phrase.
        let stems_here = stems_of(&key);
        let covered = chosen.iter().any(|d| {
            let d = stems_of(d);
            stems_here.iter().all(|s| d.contains(s)) || d.iter().all(|s| stems_here.contains(s))
        });
        if !covered {
            chosen.push(key);
            let at = if phrase == u32::MAX {
                single_spelling(doc, bytes, words, key[0], stems[key[0] as usize].first[0])
            } else {
                let phrase = &phrases[recurring[phrase as usize] as u32 as usize];
                let j = if phrase.inner != u32::MAX { phrase.inner } else { phrase.first };
                words[j as usize] as u32 as usize
            };
            let (start, end) = (tokens[at].start, tokens[at + stems_here.len() - 1].end);
            let spelled = spelling(&text[start as usize..end as usize]);
            // A country and its people (`Ukraine`, `Ukrainian`) have
            // different stems but make one tag: the place name is kept. The
            // other stays chosen, so phrases with it are covered too.
            if let Some(same) = out.iter_mut().find(|o| same_place(o.as_str(), &spelled)) {
                if spelled.len() < same.len() {
                    *same = spelled;
                }
                continue;
            }
            out.push(spelled);
            if out.len() >= k {
                break;
            }
        }
    }
    out
}

/// The recurring phrase (its index in `recurring`) that holds at least
/// half of the occurrences of the stem `stem`, the most frequent such
/// phrase if several do (the first of them on a tie): the phrase is then
/// what the article speaks of, and the word alone says less ("Foreign
/// Minister", not "Minister"). Looked up only for the few single words
/// chosen, in the few phrases that recur.
fn phrase_of(stem: u32, stems: &[Stem], phrases: &[Phrase], recurring: &[u128]) -> Option<u32> {
    let total = stems[stem as usize].count;
    let mut found: Option<(u32, u32)> = None;
    for (i, &r) in (0..).zip(recurring) {
        let phrase = &phrases[r as u32 as usize];
        if 2 * phrase.count >= total
            && stems_of(&unpack(phrase.key)).contains(&stem)
            && found.is_none_or(|(_, count)| phrase.count > count)
        {
            found = Some((i, phrase.count));
        }
    }
    found.map(|(i, _)| i)
}

/// Whether two key phrases are one place and the adjective or people of it
/// (`Ukraine` and `Ukrainian`, `China` and `Chinese`, `Iraq` and `Iraqi`):
/// single capitalized words that share at least four letters, after which
/// the shorter has at most an `a`, `e` or `y` and the longer a demonym
/// ending. Words such as `police` and `policy` are not capitalized pairs of
/// that shape.
fn same_place(a: &str, b: &str) -> bool {
    // Most pairs differ in their first letter: no lower-casing for them.
    let first = a.chars().next();
    if first != b.chars().next() || !first.is_some_and(char::is_uppercase) || a.contains(' ') || b.contains(' ') {
        return false;
    }
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // The shared beginning, in bytes, on a character boundary of both.
    let (mut common, mut letters) = (0, 0);
    for (x, _) in short.chars().zip(long.chars()).take_while(|(x, y)| x == y) {
        (common, letters) = (common + x.len_utf8(), letters + 1);
    }
    let (short_rest, long_rest) = (&short[common..], &long[common..]);
    letters >= 4
        && matches!(short_rest, "" | "a" | "e" | "y")
        && matches!(long_rest, "n" | "ns" | "an" | "ans" | "ian" | "ians" | "ese" | "i" | "is")
}

/// Pass 1: the content words of each sentence, listed in `words` without a
/// branch (half the words are stop words: a coin toss to the branch
/// predictor); then each one's stem: its occurrences, its weight
/// (occurrences, doubled in the opening fifth), and where it first stands
/// as a single word, written to a slot chosen by an index rather than a
/// branch (whether an occurrence is a stem's first is another coin toss),
/// and listed in `singles` then, likewise. The numbers of content words and
/// of single-word stems.
#[inline(never)]
fn count(
    doc: &Doc,
    bytes: &[u8],
    stems: &mut [Stem],
    words: &mut [Place],
    word_stems: &mut [u32],
    singles: &mut [u32],
) -> (usize, usize) {
    let tokens = &doc.tokens[..];
    let mut n_words = 0;
    for (si, range) in doc.sentences.iter().enumerate() {
        for (place, t) in (((si as u64) << 32 | range.start as u64)..).zip(&tokens[range.clone()]) {
            words[n_words] = place;
            // The two flags side by side: one load, one test.
            n_words += usize::from(u16::from_ne_bytes([u8::from(t.stop), u8::from(t.number)]) == 0);
        }
    }
    // A sentence is early if `si * 5 < n_sent || si < 3`: below this.
    let early = doc.sentences.len().div_ceil(5).max(3) as u64;
    let mut n_singles = 0;
    for (&place, word_stem) in words[..n_words].iter().zip(&mut word_stems[..n_words]) {
        let t = &tokens[place as u32 as usize];
        *word_stem = t.stem;
        let single = is_single(bytes, t);
        let stem = &mut stems[t.stem as usize];
        let new = single & (stem.singles == 0);
        singles[n_singles] = t.stem;
        n_singles += usize::from(new);
        stem.count += 1;
        stem.weight += 1 + u32::from(place >> 32 < early);
        stem.first[usize::from(!new)] = place;
        stem.singles += u32::from(single);
    }
    (n_words, n_singles)
}

/// Pass 2: links between neighbouring content words that both recur, with
/// only spaces and hyphens between them; two links in a row make a phrase
/// of three words. Most pairs fail, at random: the pairs of recurring
/// neighbours are listed without a branch, then those of them with such a
/// gap (the index in `words` of the second word). The number of links.
#[inline(never)]
fn link(doc: &Doc, bytes: &[u8], stems: &[Stem], words: &[Place], word_stems: &[u32], links: &mut [u32]) -> usize {
    let tokens = &doc.tokens[..];
    let mut n_pairs = 0;
    let (mut before, mut recurred) = (u64::MAX, false);
    for (j, (&place, &stem)) in words.iter().zip(word_stems).enumerate() {
        let recurs = stems[stem as usize].count >= 2;
        links[n_pairs] = j as u32;
        n_pairs += usize::from((place == before.wrapping_add(1)) & recurred & recurs);
        (before, recurred) = (place, recurs);
    }
    let mut n_links = 0;
    for i in 0..n_pairs {
        let j = links[i] as usize;
        let (end, start) = (tokens[words[j - 1] as u32 as usize].end, tokens[words[j] as u32 as usize].start);
        let gap = start.wrapping_sub(end);
        let between = bytes.get(end as usize).copied().unwrap_or(0);
        let mut linked = (gap == 0) | ((gap == 1) & ((between == b' ') | (between == b'-')));
        if gap > 1 {
            linked = adjacent(bytes, end as usize, start as usize);
        }
        links[n_links] = j as u32;
        n_links += usize::from(linked);
    }
    n_links
}

/// Each phrase's occurrences, from the links, counted in a small hash
/// table: there are few, and a table sized for them is cheap to clear.
#[inline(never)]
fn gather(
    doc: &Doc,
    words: &[Place],
    word_stems: &[u32],
    links: &[u32],
    phrases: &mut Vec<Phrase>,
    table: &mut Vec<u32>,
) {
    phrases.clear();
    let size = (4 * links.len()).next_power_of_two().max(16);
    table.clear();
    table.resize(size, 0);
    let stem_at = |j: u32| word_stems[j as usize];
    let mut add = |key: u128, j: u32| {
        let at_start = at_start(doc, words[j as usize]);
        let mut slot = hash(key, size);
        let at = loop {
            match table[slot] {
                0 => {
                    phrases.push(Phrase { key, count: 0, first: j, inner: u32::MAX });
                    table[slot] = phrases.len() as u32;
                    break phrases.len() - 1;
                }
                at if phrases[at as usize - 1].key == key => break at as usize - 1,
                _ => slot = (slot + 1) & (size - 1),
            }
        };
        let phrase = &mut phrases[at];
        phrase.count += 1;
        phrase.inner = phrase.inner.min(if at_start { u32::MAX } else { j });
    };
    let mut last = u32::MAX;
    for &j in links {
        let (a, b) = (stem_at(j - 1), stem_at(j));
        add(pack([a, b, u32::MAX]), j - 1);
        if last.wrapping_add(1) == j {
            add(pack([stem_at(j - 2), a, b]), j - 2);
        }
        last = j;
    }
}

/// Every candidate, [`rank`]ed into `ranked`: the single words, then the
/// phrases that recur.
#[inline(never)]
fn candidates(
    stems: &[Stem],
    singles: &[u32],
    words: &[Place],
    phrases: &[Phrase],
    recurring: &[u128],
    ranked: &mut Vec<u128>,
) {
    ranked.clear();
    ranked.extend(singles.iter().map(|&s| {
        let stem = &stems[s as usize];
        // `score` of one word, whose mean is its weight and length factor 1
        // (dividing by 1 and multiplying by 1 change no bit).
        let first_sentence = f64::from((stem.first[0] >> 32) as u32);
        let score = f64::from(stem.weight) * f64::from(stem.singles).sqrt() * (1.0 + 1.0 / (1.0 + first_sentence));
        rank(score, s, u32::MAX)
    }));
    for (i, &r) in recurring.iter().enumerate() {
        let phrase = &phrases[r as u32 as usize];
        let key = unpack(phrase.key);
        let first_sentence = (words[phrase.first as usize] >> 32) as u32;
        ranked.push(rank(score(stems, stems_of(&key), phrase.count, first_sentence), key[0], i as u32));
    }
}

/// A candidate's score: the mean weight of its stems, times the root of
/// its occurrences, more the earlier it first appears, more for more words.
fn score(stems: &[Stem], key: &[u32], count: u32, first_sentence: u32) -> f64 {
    let mean: f64 = key.iter().map(|&s| f64::from(stems[s as usize].weight)).sum::<f64>() / key.len() as f64;
    let position = 1.0 + 1.0 / (1.0 + f64::from(first_sentence));
    let length = (key.len() as f64).sqrt();
    mean * f64::from(count).sqrt() * position * length
}

/// A one-character word is no key phrase on its own: the word is longer
/// than the UTF-8 sequence its first byte opens.
fn is_single(bytes: &[u8], t: &Token) -> bool {
    (t.end - t.start) as usize > utf8_len(bytes[t.start as usize])
}

/// Whether the word at `place` opens its sentence (where its capital may be
/// only that).
fn at_start(doc: &Doc, place: Place) -> bool {
    place as u32 as usize == doc.sentences[(place >> 32) as usize].start
}

/// The token whose spelling stands for `stem` as a single word, `first` its
/// first: the first not at the start of a sentence (`Budget` → `budget`),
/// else the first. Looked for only for the few chosen, and only past the
/// first if that opens its sentence.
fn single_spelling(doc: &Doc, bytes: &[u8], words: &[Place], stem: u32, first: Place) -> usize {
    let from = words.partition_point(|&p| p < first);
    let inner = words[from..].iter().find(|&&p| {
        let t = &doc.tokens[p as u32 as usize];
        t.stem == stem && is_single(bytes, t) && !at_start(doc, p)
    });
    inner.map_or(first, |&p| p) as u32 as usize
}

/// The best `n` of `all` (distinct) into `best`, in order, in one pass:
/// each one is compared with the worst kept, and only a better one is
/// inserted. All of them if they are few.
#[inline(never)]
fn best_of(all: &[u128], n: usize, best: &mut Vec<u128>) {
    best.clear();
    if all.len() <= 2 * n {
        best.extend_from_slice(all);
        best.sort_unstable();
        return;
    }
    best.extend_from_slice(&all[..n]);
    best.sort_unstable();
    for &r in &all[n..] {
        if r < best[n - 1] {
            let mut i = n - 1;
            while i > 0 && best[i - 1] > r {
                best[i] = best[i - 1];
                i -= 1;
            }
            best[i] = r;
        }
    }
}

/// A phrase's stems, packed into 96 bits (see [`Phrase::key`]).
fn pack(key: Key) -> u128 {
    u128::from(key[0]) << 64 | u128::from(key[1]) << 32 | u128::from(key[2])
}

/// The stems of a packed key.
fn unpack(key: u128) -> Key {
    [(key >> 64) as u32, (key >> 32) as u32, key as u32]
}

/// The slot of a packed key in a table of `size`, a power of two.
fn hash(key: u128, size: usize) -> usize {
    let h = ((key >> 64) as u64 ^ (key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xF135_7AEA_2E62_A9C5);
    (h >> (64 - size.trailing_zeros())) as usize
}

/// The spelling of a candidate in the text, its white space made single spaces.
fn spelling(spelling: &str) -> String {
    if !spelling.contains(char::is_whitespace) {
        return spelling.to_string();
    }
    let mut out = String::with_capacity(spelling.len());
    for word in spelling.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The length of the UTF-8 sequence that `first` opens (`0xC0..0xE0` → 2,
/// `0xE0..0xF0` → 3, above → 4, below → 1): a look-up by its top four bits,
/// without a branch.
fn utf8_len(first: u8) -> usize {
    const LEN: [u8; 16] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4];
    usize::from(LEN[usize::from(first >> 4)])
}

fn stems_of(key: &Key) -> &[u32] {
    let len = key.iter().position(|&s| s == u32::MAX).unwrap_or(MAX_WORDS);
    &key[..len]
}

/// Whether only spaces and hyphens stand between two words. Both are ASCII,
/// so the gap's bytes can be checked one by one.
fn adjacent(text: &[u8], end: usize, start: usize) -> bool {
    text.get(end..start).is_some_and(|gap| gap.iter().all(|&b| b == b' ' || b == b'-'))
}

#[cfg(test)]
mod tests {
    use crate::{Lang, Summarizer};

    #[test]
    fn a_word_gives_way_to_the_phrase_it_stands_in() {
        let text = "Ukrainian Foreign Minister Dmitry Kuleba spoke with Chinese Foreign Minister Qin Gang \
                    about peace talks. The phone call between the ministers lasted an hour. Kuleba said the \
                    talks on peace would go on, and the minister thanked Beijing.";
        let kw = Summarizer::new().keywords(text, Some(Lang::English), 8);
        assert!(kw.contains(&"Foreign Minister".to_string()), "{kw:?}");
        assert!(!kw.iter().any(|k| k.eq_ignore_ascii_case("minister")), "{kw:?}");
        // A word that mostly stands alone stays a word: `peace` is in no phrase
        // that recurs, `talks` stands alone in one of its two places.
        assert!(kw.contains(&"peace".to_string()), "{kw:?}");
    }

    #[test]
    fn recurring_phrases_and_names_rank_first() {
        let text = "The city council approved the new budget. The city council met on Monday, \
                    members said. Critics of the budget disagreed, and the city council listened.";
        let kw = Summarizer::new().keywords(text, Some(Lang::English), 3);
        assert_eq!(kw[0], "city council", "{kw:?}");
        assert!(kw.contains(&"budget".to_string()), "{kw:?}");
        // `council` alone is covered by the phrase.
        assert!(!kw.contains(&"council".to_string()), "{kw:?}");
    }

    #[test]
    fn a_place_and_its_people_are_one_key_phrase() {
        for (a, b) in [
            ("Ukraine", "Ukrainian"),
            ("Russian", "Russia"),
            ("China", "Chinese"),
            ("Japan", "Japanese"),
            ("Iraq", "Iraqi"),
            ("Syria", "Syrians"),
            ("Italy", "Italian"),
            ("Canada", "Canadian"),
        ] {
            assert!(super::same_place(a, b), "{a} {b}");
        }
        for (a, b) in [("Police", "Policy"), ("police", "policing"), ("Minister", "Ministry"), ("Iran", "Iran Deal")] {
            assert!(!super::same_place(a, b), "{a} {b}");
        }
        let text = "Ukraine asked for help. Ukrainian officials met in Kyiv. Ukrainian troops held the line. \
                    Ukraine thanked its allies. Kyiv was calm. Ukrainian ministers spoke in Kyiv.";
        let kw = Summarizer::new().keywords(text, Some(Lang::English), 3);
        assert!(kw.contains(&"Ukraine".to_string()) && !kw.contains(&"Ukrainian".to_string()), "{kw:?}");
    }

    #[test]
    fn spellings_come_from_inside_sentences() {
        // Both the phrase and the single word first open a sentence.
        let text = "Budget talks stalled. Lawmakers said the budget talks would resume. \
                    Deficit fears grew. The deficit grew, and the budget talks went on.";
        let kw = Summarizer::new().keywords(text, Some(Lang::English), 3);
        assert!(kw.contains(&"budget talks".to_string()), "{kw:?}");
        assert!(kw.contains(&"deficit".to_string()), "{kw:?}");
    }

    #[test]
    fn numbers_and_stop_words_are_never_key_phrases() {
        let text = "In 2024 the 2024 plan was the plan. It was 2024 and the plan held.";
        let kw = Summarizer::new().keywords(text, Some(Lang::English), 5);
        assert!(kw.iter().all(|k| !k.contains("2024") && k != "the"), "{kw:?}");
    }
}
