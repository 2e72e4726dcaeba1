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
}
