//! Chinese writing conventions shared by every stage: dates, numerals, heading numbers,
//! year-on-year changes and the classes of CJK characters.

use serde::Serialize;

/// A calendar date, written `2024-06-06` (or `2024年6月6日`) in data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let parts: Vec<&str> = if let Some(rest) = text.strip_suffix('日') {
            rest.split(['年', '月']).collect()
        } else {
            text.split('-').collect()
        };
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !(y.len() == 4 && all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        (date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= date.days_in_month())
            .then_some(date)
    }

    fn days_in_month(&self) -> u32 {
        match self.month {
            2 if self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `2024年6月6日`: Arabic numerals, no zero padding.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// Seconds since 1970 at midnight UTC of the date, for reproducible PDFs.
    pub fn unix_midnight(&self) -> i64 {
        // Days from the civil date (proleptic Gregorian), after H. Hinnant's algorithm.
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

/// Chinese numerals for heading numbers: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五.
pub fn numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let digits: Vec<usize> = n
        .to_string()
        .bytes()
        .map(|b| usize::from(b - b'0'))
        .collect();
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, &digit) in digits.iter().enumerate() {
        let unit = digits.len() - 1 - i;
        if digit == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if pending_zero {
            out.push_str(DIGITS[0]);
            pending_zero = false;
        }
        // 十一 rather than 一十一 when ten is the leading unit.
        if !(digit == 1 && unit == 1 && out.is_empty()) {
            out.push_str(DIGITS[digit]);
        }
        out.push_str(UNITS[unit]);
    }
    out
}

/// Headings go four levels deep: 一、 （一） 1. （1）.
pub const MAX_HEADING_LEVEL: usize = 4;

/// The number of a heading at `level`: 一、 （一） 1. （1）.
pub fn heading_number(n: u32, level: u32) -> Option<String> {
    match level {
        1 => Some(format!("{}、", numeral(n))),
        2 => Some(format!("（{}）", numeral(n))),
        3 => Some(format!("{n}.")),
        4 => Some(format!("（{n}）")),
        _ => None,
    }
}

/// The opening of the n-th point of an inline enumeration: 一是, 二是.
pub fn inline_number(n: u32) -> String {
    format!("{}是", numeral(n))
}

/// `同比增长44.79%`, `同比下降3.2%`, `与上年持平`: two decimals at most, trailing zeros dropped.
pub fn change_text(percent: f64) -> String {
    let rounded = format!("{:.2}", percent.abs());
    let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "0" {
        "与上年持平".to_owned()
    } else if percent > 0.0 {
        format!("同比增长{trimmed}%")
    } else {
        format!("同比下降{trimmed}%")
    }
}

/// The years a document may name: its own, a plan's period, a target's year.
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2100;

/// Characters that print as nothing: format characters such as the zero-width space and
/// the byte order mark (common in text pasted from web pages), and the bidirectional
/// controls that can make text read in another order than it is stored. Variation
/// selectors are not among them: they choose a glyph.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFEFF | 0xFFA0
        | 0xFFF0..=0xFFFB | 0xE0000..=0xE007F)
}

/// A character that must not be in a document's text nor reach a terminal as it is: a
/// control character other than a line break or tab, or an invisible one.
pub fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_invisible(c)
}

/// Han characters, kana, CJK punctuation and full-width forms: no space is set between two.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3134F)
}

/// Joins the lines of one paragraph: no space between two CJK characters, one elsewhere.
pub fn join_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let (Some(last), Some(first)) = (out.chars().last(), line.chars().next())
            && !(is_cjk(last) || is_cjk(first))
        {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Splits prose into paragraphs at blank lines, each joined into one line.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(join_lines(&current));
                current.clear();
            }
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.is_empty() {
        out.push(join_lines(&current));
    }
    out
}

/// How many cells of a 2号 title line a text takes: a Han character or full-width mark
/// one, a digit or Latin letter a little over half, and a quarter between Han and Latin
/// (the space typst sets there).
fn title_cells(text: &str) -> f64 {
    let chars: Vec<char> = text.chars().collect();
    let glyphs: f64 = chars
        .iter()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum();
    let switches = chars
        .windows(2)
        .filter(|w| w[0].is_ascii_alphanumeric() != w[1].is_ascii_alphanumeric())
        .filter(|w| is_cjk(w[0]) || is_cjk(w[1]))
        .count();
    glyphs + 0.25 * switches as f64
}

/// The cells of one title line: the type area's 156 mm at 2号 (22 pt).
pub const TITLE_LINE_CELLS: f64 = 20.0;

/// Where a title reads well broken: after these…
const BREAK_AFTER: &[&str] = &[
    "的",
    "和",
    "与",
    "及",
    "暨",
    "关于",
    "会议",
    "委员会",
    "常委会",
    "大会",
    "政府",
    "年度",
    "）",
    "》",
    "，",
    "、",
];
/// …and before these.
const BREAK_BEFORE: &[&str] = &[
    "和",
    "与",
    "及",
    "暨",
    "（",
    "《",
    "的通知",
    "的意见",
    "的报告",
    "的答复",
    "的批复",
    "的请示",
    "的函",
    "的决定",
];

/// Words of official titles that a line never splits (工作 is not broken into 工 / 作): the
/// vocabulary of the kinds' titles, longest first where one holds another.
const TITLE_WORDS: &[&str] = &[
    "科学技术局",
    "人民代表大会",
    "委员会",
    "常委会",
    "科学技术",
    "科技局",
    "人民政府",
    "工作",
    "总结",
    "计划",
    "打算",
    "要点",
    "科技",
    "科学",
    "技术",
    "创新",
    "发展",
    "建设",
    "管理",
    "服务",
    "企业",
    "行动",
    "方案",
    "实施",
    "意见",
    "通知",
    "报告",
    "答复",
    "提案",
    "建议",
    "会议",
    "委员",
    "代表",
    "人民",
    "政府",
    "政协",
    "人大",
    "常委",
    "大会",
    "评价",
    "项目",
    "推进",
    "加快",
    "促进",
    "关于",
    "做好",
    "开展",
    "印发",
    "年度",
    "中小",
    "高新",
    "产业",
    "经济",
    "社会",
    "成果",
    "转化",
    "人才",
    "平台",
    "研发",
    "投入",
    "农业",
    "工业",
    "信息",
    "数字",
    "专项",
    "资金",
    "政策",
    "落实",
    "情况",
    "问题",
    "办法",
    "规划",
    "三年",
    "五年",
    "第一",
    "第二",
    "第三",
    "第四",
    "第五",
    "届委员会",
];

/// The character positions inside a word of `TITLE_WORDS`, where no line may break.
fn inside_words(text: &str, chars: &[char]) -> Vec<bool> {
    let mut inside = vec![false; chars.len() + 1];
    for word in TITLE_WORDS {
        let length = word.chars().count();
        for (byte, _) in text.match_indices(word) {
            let start = text[..byte].chars().count();
            for flag in &mut inside[start + 1..start + length] {
                *flag = true;
            }
        }
    }
    inside
}

/// The places a title may break: between two characters, never inside a number or Latin
/// word, never inside a short bracketed group, never before closing punctuation or after
/// opening punctuation. Each with whether it is a good place.
fn title_breaks(chars: &[char]) -> Vec<(usize, bool)> {
    let text: String = chars.iter().collect();
    let inside = inside_words(&text, chars);
    let byte = |i: usize| chars[..i].iter().map(|c| c.len_utf8()).sum::<usize>();
    let mut depth = 0usize;
    let mut breaks = Vec::new();
    for i in 1..chars.len() {
        let (before, after) = (chars[i - 1], chars[i]);
        match before {
            '（' | '《' | '“' | '〔' => depth += 1,
            '）' | '》' | '”' | '〕' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let in_word =
            (before.is_ascii_alphanumeric() && after.is_ascii_alphanumeric()) || inside[i];
        let bad_start = "，。、；：！？）》”’〕".contains(after);
        // 第 begins an ordinal (第三次, 第0520号): it stays with its number.
        let bad_end = "（《“‘〔第".contains(before);
        if in_word || bad_start || bad_end || depth > 0 {
            continue;
        }
        let (head, tail) = text.split_at(byte(i));
        let good = BREAK_AFTER.iter().any(|w| head.ends_with(w))
            || BREAK_BEFORE.iter().any(|w| tail.starts_with(w));
        breaks.push((i, good));
    }
    breaks
}

/// A title broken into lines for the 2号 title: as few lines as fit, balanced (no line
/// shorter than a third of the longest, never one character alone), broken where the
/// words allow and preferably at a good place.
pub fn title_lines(title: &str) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    let total = title_cells(title);
    if total <= TITLE_LINE_CELLS {
        return vec![title.to_owned()];
    }
    let breaks = title_breaks(&chars);
    let line = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    // Tries 2, then 3, … lines; each split scored by its imbalance, worse where it is not
    // a good place.
    for count in 2..=6usize {
        let mut best: Option<(f64, Vec<usize>)> = None;
        let mut choose = |cuts: &[usize]| {
            let mut bounds = vec![0];
            bounds.extend_from_slice(cuts);
            bounds.push(chars.len());
            let widths: Vec<f64> = bounds
                .windows(2)
                .map(|w| title_cells(&line(w[0], w[1])))
                .collect();
            let longest = widths.iter().copied().fold(0.0, f64::max);
            let shortest = widths.iter().copied().fold(f64::MAX, f64::min);
            if longest > TITLE_LINE_CELLS || shortest * 3.0 < longest || shortest < 2.0 {
                return;
            }
            let penalty: f64 = cuts
                .iter()
                .map(|c| {
                    if breaks.contains(&(*c, true)) {
                        0.0
                    } else {
                        6.0
                    }
                })
                .sum();
            let score = (longest - shortest) + penalty;
            if best.as_ref().is_none_or(|(b, _)| score < *b) {
                best = Some((score, cuts.to_vec()));
            }
        };
        let positions: Vec<usize> = breaks.iter().map(|(i, _)| *i).collect();
        match count {
            2 => positions.iter().for_each(|&a| choose(&[a])),
            3 => {
                for (k, &a) in positions.iter().enumerate() {
                    for &b in &positions[k + 1..] {
                        choose(&[a, b]);
                    }
                }
            }
            // Longer titles than three lines hold: equal parts at the nearest breaks.
            _ => {
                let cuts: Vec<usize> = (1..count)
                    .filter_map(|k| {
                        let ideal = chars.len() * k / count;
                        positions.iter().copied().min_by_key(|p| p.abs_diff(ideal))
                    })
                    .collect();
                choose(&cuts);
            }
        }
        if let Some((_, cuts)) = best {
            let mut bounds = vec![0];
            bounds.extend(cuts);
            bounds.push(chars.len());
            return bounds.windows(2).map(|w| line(w[0], w[1])).collect();
        }
    }
    vec![title.to_owned()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_both_ways_and_reject_nonsense() {
        let d = Date::parse("2024-06-06").unwrap();
        assert_eq!(d.chinese(), "2024年6月6日");
        assert_eq!(Date::parse("2024年6月6日"), Some(d));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.iso()),
            Some("2024-02-29".into())
        );
        assert_eq!(Date::parse("2024-13-01"), None);
        assert_eq!(Date::parse("June 6"), None);
    }

    #[test]
    fn timestamps_are_midnight_utc_of_the_date() {
        assert_eq!(Date::parse("1970-01-01").unwrap().unix_midnight(), 0);
        assert_eq!(
            Date::parse("2024-06-06").unwrap().unix_midnight(),
            1_717_632_000
        );
    }

    #[test]
    fn numerals() {
        let got: Vec<String> = [1, 2, 10, 11, 20, 21, 99, 100, 101, 110, 1000, 1001]
            .into_iter()
            .map(numeral)
            .collect();
        assert_eq!(
            got,
            [
                "一",
                "二",
                "十",
                "十一",
                "二十",
                "二十一",
                "九十九",
                "一百",
                "一百零一",
                "一百一十",
                "一千",
                "一千零一"
            ]
        );
    }

    #[test]
    fn heading_numbers_per_level() {
        assert_eq!(heading_number(3, 1).unwrap(), "三、");
        assert_eq!(heading_number(12, 2).unwrap(), "（十二）");
        assert_eq!(heading_number(3, 3).unwrap(), "3.");
        assert_eq!(heading_number(3, 4).unwrap(), "（3）");
        assert_eq!(heading_number(1, 5), None);
        assert_eq!(inline_number(2), "二是");
    }

    #[test]
    fn changes_read_as_written_by_hand() {
        assert_eq!(change_text(44.7912), "同比增长44.79%");
        assert_eq!(change_text(-3.2), "同比下降3.2%");
        assert_eq!(change_text(25.0), "同比增长25%");
        assert_eq!(change_text(0.001), "与上年持平");
    }

    #[test]
    fn titles_break_at_words_in_a_balanced_shape() {
        assert_eq!(
            title_lines("2024年科技创新工作总结和2025年工作计划"),
            ["2024年科技创新工作总结", "和2025年工作计划"]
        );
        assert_eq!(
            title_lines("张家口市科技创新三年行动计划（2018—2020年）"),
            ["张家口市科技创新三年行动计划", "（2018—2020年）"]
        );
        assert_eq!(
            title_lines("对政协石家庄市第十四届委员会第四次会议第0520号提案的答复"),
            [
                "对政协石家庄市第十四届委员会",
                "第四次会议第0520号提案的答复"
            ]
        );
        assert_eq!(
            title_lines("关于做好2024年度科技型中小企业评价工作的通知"),
            ["关于做好2024年度", "科技型中小企业评价工作的通知"]
        );
        assert_eq!(
            title_lines("对某市第十七届人民代表大会第三次会议第0112号建议的答复"),
            ["对某市第十七届人民代表大会", "第三次会议第0112号建议的答复"]
        );
        assert_eq!(title_lines("短标题"), ["短标题"]);
        // Digits do not make a line break inside a word (工 / 作).
        assert_eq!(
            title_lines("某县科学技术局2025年工作总结和2026年工作计划"),
            ["某县科学技术局2025年工作总结", "和2026年工作计划"]
        );
        for title in [
            "某市科学技术局关于2024年度科技型中小企业评价工作的通知",
            "石家庄市科学技术局2024年科技创新工作总结和2025年工作计划",
            "关于印发张家口市科技创新三年行动计划（2018—2020年）的通知",
        ] {
            let lines = title_lines(title);
            assert_eq!(lines.concat(), title);
            for pair in lines.windows(2) {
                let joint: String = [
                    pair[0].chars().last().unwrap(),
                    pair[1].chars().next().unwrap(),
                ]
                .iter()
                .collect();
                assert!(
                    !TITLE_WORDS
                        .iter()
                        .any(|w| w.chars().count() == 2 && *w == joint),
                    "{title}: {lines:?} splits {joint}"
                );
            }
        }
        // A long title without good places still breaks evenly, never inside a number.
        let lines = title_lines("甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛2024壬癸");
        assert_eq!(
            lines.concat(),
            "甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛2024壬癸"
        );
        assert!(
            lines
                .iter()
                .all(|l| !l.ends_with('2') && !l.starts_with('0'))
        );
    }
}
