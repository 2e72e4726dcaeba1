//! Template filters for Chinese official documents, and Markdown escaping of data.

use minijinja::value::Value;
use minijinja::{Error, ErrorKind, State};

use crate::kinds::common::{Piece, split_prose};
use crate::zh::{
    Date, change_text, heading_number, inline_number, join_lines, numeral, paragraphs,
};

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
    inline_number(n)
}

/// `{{ 12 | cn_number }}` → `十二`.
pub fn cn_number(n: u32) -> String {
    numeral(n)
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

/// `{{ i.text | prose | closed }}`: an item's text ending in a stop, so that the next
/// 一是/二是 does not run on from it (`……60家二是……`). A text that ends in a stop, also
/// before closing quotes or brackets (`……。”`), stays as it is; `……公司）` becomes `……公司）。`.
pub fn closed(text: Value) -> Value {
    let text = text.as_str().unwrap_or_default().to_owned();
    let body = text.trim_end();
    let before_closers = body.trim_end_matches(['”', '’', '」', '』', '）', ')', '》', '】', '〕']);
    if body.is_empty()
        || before_closers.ends_with(['。', '！', '？', '；', '…', '.', '!', '?', ';'])
    {
        return Value::from_safe_string(text);
    }
    Value::from_safe_string(format!("{body}。"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
