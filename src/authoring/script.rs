//! The second stage of `import`: text copied from some sites is in traditional script,
//! with pinyin after some characters (`調(diào)研`). The glosses go, and traditional text
//! becomes simplified through OpenCC's dictionaries (phrases first, then characters).

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

/// What the script stage changed, for the imported file's header.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// Pinyin glosses removed.
    pub glosses: usize,
    /// Characters converted from traditional to simplified script.
    pub converted: usize,
}

/// A text is read as traditional when this share of its Chinese characters, at least
/// [`MIN_TRADITIONAL`] of them, is traditional: simplified text has almost none.
const TRADITIONAL_SHARE: f64 = 0.02;
const MIN_TRADITIONAL: usize = 3;

/// The text with glosses removed and, when it is traditional, in simplified script.
pub fn simplify(text: &str) -> (String, Changes) {
    let (text, glosses) = strip_glosses(text);
    let converter = match OpenCC::from_config(BuiltinConfig::T2s) {
        Ok(converter) => converter,
        // The dictionaries are built into the binary; failing to load them is a bug.
        Err(e) => panic!("the built-in OpenCC dictionaries do not load: {e}"),
    };
    let traditional = traditional_characters(&converter, &text);
    let chinese = text.chars().filter(|&c| is_han(c)).count();
    if traditional < MIN_TRADITIONAL || (traditional as f64) < TRADITIONAL_SHARE * chinese as f64 {
        return (
            text,
            Changes {
                glosses,
                converted: 0,
            },
        );
    }
    let changes = Changes {
        glosses,
        converted: traditional,
    };
    (converter.convert(&text), changes)
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// How many characters of the text change under character-by-character conversion.
fn traditional_characters(converter: &OpenCC, text: &str) -> usize {
    let mut distinct: Vec<char> = text.chars().filter(|&c| is_han(c)).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let changed: std::collections::HashSet<char> = distinct
        .into_iter()
        .filter(|&c| {
            let mut buffer = [0; 4];
            converter
                .convert(c.encode_utf8(&mut buffer))
                .chars()
                .ne([c])
        })
        .collect();
    text.chars().filter(|c| changed.contains(c)).count()
}

const TONE_MARKED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ";

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || c == 'ü' || TONE_MARKED.contains(c)
}

/// Removes `(diào)` and `（diào）` after a Chinese character. A gloss has a tone mark;
/// once one has been seen, toneless syllables (`(de)`) after Chinese characters go too.
fn strip_glosses(text: &str) -> (String, usize) {
    let toned = glosses(text).filter(|g| g.toned).count();
    if toned == 0 {
        return (text.to_owned(), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut count = 0;
    for gloss in glosses(text) {
        out.push_str(&text[last..gloss.start]);
        last = gloss.end;
        count += 1;
    }
    out.push_str(&text[last..]);
    (out, count)
}

struct Gloss {
    start: usize,
    end: usize,
    toned: bool,
}

/// The glosses of a text: a parenthesised syllable of pinyin letters after a Chinese
/// character, at most six letters.
fn glosses(text: &str) -> impl Iterator<Item = Gloss> + '_ {
    let mut previous = None;
    text.char_indices().filter_map(move |(at, c)| {
        let after_han = previous.is_some_and(is_han);
        previous = Some(c);
        if !after_han || !matches!(c, '(' | '（') {
            return None;
        }
        let inner_start = at + c.len_utf8();
        let rest = &text[inner_start..];
        let close = rest.find([')', '）'])?;
        let inner = &rest[..close];
        let letters = inner.chars().count();
        let pinyin = (1..=6).contains(&letters) && inner.chars().all(is_pinyin_letter);
        let closing = rest[close..].chars().next().expect("found").len_utf8();
        pinyin.then(|| Gloss {
            start: at,
            end: inner_start + close + closing,
            toned: inner.chars().any(|c| TONE_MARKED.contains(c)),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glosses_go_and_traditional_text_becomes_simplified() {
        let (text, changes) = simplify("市科技局開展調(diào)研，推動創(chuàng)新發展。");
        assert_eq!(text, "市科技局开展调研，推动创新发展。");
        assert_eq!(changes.glosses, 2);
        assert!(changes.converted >= 5, "{changes:?}");
    }

    #[test]
    fn simplified_text_and_other_parentheses_stay() {
        let source = "研究与试验发展(R&D)经费投入(a)增长，乾坤。";
        assert_eq!(simplify(source), (source.to_owned(), Changes::default()));
        // Without a toned gloss anywhere, `(de)` is not taken for pinyin.
        let (text, changes) = simplify("企业(de)数量");
        assert_eq!((text.as_str(), changes.glosses), ("企业(de)数量", 0));
        let (text, _) = simplify("我們的(de)調(diào)研報告");
        assert_eq!(text, "我们的调研报告");
    }
}
