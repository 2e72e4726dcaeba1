//! Template filters for Chinese official documents, and Markdown escaping of data.

use minijinja::value::Value;
use minijinja::{Error, ErrorKind, State};

use crate::kinds::common::{Date, Piece, split_prose};

/// Chinese numerals for heading numbers: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五.
pub fn chinese_numeral(n: u32) -> String {
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

/// The number of a heading at `level`: 一、 （一） 1. （1）.
pub fn heading_number(n: u32, level: u32) -> Option<String> {
    match level {
        1 => Some(format!("{}、", chinese_numeral(n))),
        2 => Some(format!("（{}）", chinese_numeral(n))),
        3 => Some(format!("{n}.")),
        4 => Some(format!("（{n}）")),
        _ => None,
    }
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

/// Escapes data so that Markdown prints it as itself: every character with meaning
/// anywhere gets a backslash, and line-start markers (`-`, `+`, `=`, `1.`) are defused.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let line = join_lines(text);
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '$' | '^' | '{'
            | '}' | '\'' | '"' => true,
            // `-`/`+` list items, `=` setext underlines, `:` definition lists; `--` and
            // `...` are dashes and an ellipsis to readers with smart punctuation.
            '-' => i == 0 || chars.get(i + 1) == Some(&'-'),
            '+' | '=' | ':' => i == 0,
            '&' => starts_entity(&chars[i + 1..]),
            '.' if chars.get(i + 1) == Some(&'.') => true,
            '.' | ')' => {
                // `12.` or `3)` at the start followed by a space or the end: an ordered list.
                i > 0
                    && i <= 9
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && chars.get(i + 1).is_none_or(|n| n.is_whitespace())
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `&amp;`, `&#35;`: what Markdown would read as an entity.
fn starts_entity(rest: &[char]) -> bool {
    let body: Vec<&char> = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .collect();
    !body.is_empty() && rest.get(body.len()) == Some(&';')
}

fn attr_str(value: &Value, name: &str) -> Result<String, Error> {
    let attr = value.get_attr(name)?;
    if attr.is_undefined() {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("the value has no `{name}`: is it a figure?"),
        ));
    }
    Ok(if attr.is_none() {
        String::new()
    } else {
        attr.to_string()
    })
}

/// The plain text of a figure in one of its forms.
fn figure_form(figure: &Value, form: Option<&str>) -> Result<String, Error> {
    let unit = attr_str(figure, "unit")?;
    match form {
        None => Ok(format!("{}{unit}", attr_str(figure, "value_text")?)),
        Some("value") => attr_str(figure, "value_text"),
        Some("previous") => Ok(format!("{}{unit}", attr_str(figure, "previous_text")?)),
        Some("name") => attr_str(figure, "name"),
        Some("change") => {
            let change = figure.get_attr("change")?;
            let percent = f64::try_from(change).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    "the figure has no year-on-year change",
                )
            })?;
            Ok(change_text(percent))
        }
        Some(other) => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("unknown figure form `{other}`"),
        )),
    }
}

fn find_figure(state: &State, id: &str) -> Result<Value, Error> {
    let figures = state
        .lookup("figures")
        .ok_or_else(|| Error::new(ErrorKind::UndefinedError, "no `figures` in this document"))?;
    for figure in figures.try_iter()? {
        if figure.get_attr("id")?.as_str() == Some(id) {
            return Ok(figure);
        }
    }
    Err(Error::new(
        ErrorKind::UndefinedError,
        format!("unknown figure `{id}`"),
    ))
}

/// `{{ text | prose }}`: paragraphs of data with `{id}` references resolved, escaped.
pub fn prose(state: &State, text: &str) -> Result<Value, Error> {
    let mut out = Vec::new();
    for paragraph in paragraphs(text) {
        let mut plain = String::new();
        for piece in split_prose(&paragraph) {
            match piece {
                Piece::Text(t) => plain.push_str(t),
                Piece::Ref { id, form, .. } => {
                    plain.push_str(&figure_form(&find_figure(state, id)?, form)?)
                }
            }
        }
        out.push(escape_markdown(&plain));
    }
    Ok(Value::from_safe_string(out.join("\n\n")))
}

/// `{{ fig | figure }}` → `42.27亿元`; `{{ fig | figure("change") }}` → `同比增长44.79%`.
pub fn figure(figure: &Value, form: Option<&str>) -> Result<Value, Error> {
    Ok(Value::from_safe_string(escape_markdown(&figure_form(
        figure, form,
    )?)))
}

/// `{{ fig | change }}` → `同比增长44.79%`.
pub fn change(figure: &Value) -> Result<Value, Error> {
    self::figure(figure, Some("change"))
}

/// `{{ loop.index | cn_heading(2) }}` → `（一）`.
pub fn cn_heading(n: u32, level: u32) -> Result<Value, Error> {
    heading_number(n, level)
        .map(Value::from_safe_string)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("heading level {level} is not 1 to 4"),
            )
        })
}

/// `{{ loop.index | cn_inline }}` → `一是`.
pub fn cn_inline(n: u32) -> String {
    format!("{}是", chinese_numeral(n))
}

/// `{{ date | cn_date }}` → `2024年6月6日`.
pub fn cn_date(date: &str) -> Result<String, Error> {
    Date::parse(date).map(|d| d.chinese()).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`{date}` is not a date"),
        )
    })
}

/// `{{ title | sentence }}`: ends the phrase with `。` unless it ends with punctuation.
pub fn sentence(text: &str) -> Value {
    let text = text.trim();
    let ends_with_stop = text.ends_with(['。', '！', '？', '；', '：', '.', '!', '?']);
    let mut out = escape_markdown(text);
    if !ends_with_stop {
        out.push('。');
    }
    Value::from_safe_string(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        let got: Vec<String> = [1, 2, 10, 11, 20, 21, 99, 100, 101, 110, 1000, 1001]
            .into_iter()
            .map(chinese_numeral)
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
        assert_eq!(cn_inline(2), "二是");
    }

    #[test]
    fn changes_read_as_written_by_hand() {
        assert_eq!(change_text(44.7912), "同比增长44.79%");
        assert_eq!(change_text(-3.2), "同比下降3.2%");
        assert_eq!(change_text(25.0), "同比增长25%");
        assert_eq!(change_text(0.001), "与上年持平");
    }

    #[test]
    fn markdown_escaping_defuses_markup_but_keeps_numbers() {
        assert_eq!(escape_markdown("42.27亿元"), "42.27亿元");
        assert_eq!(
            escape_markdown("# *a* _b_ <c> [d]"),
            "\\# \\*a\\* \\_b\\_ \\<c\\> \\[d\\]"
        );
        assert_eq!(escape_markdown("1. 第一"), "1\\. 第一");
        assert_eq!(escape_markdown("- x"), "\\- x");
        assert_eq!(escape_markdown("R&D &amp;"), "R&D \\&amp;");
        assert_eq!(escape_markdown("第一行\n第二行"), "第一行第二行");
    }
}
