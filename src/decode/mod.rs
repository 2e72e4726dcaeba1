//! Decoding the positioned YAML tree into typed values, reporting every problem found.
//! `record!` declares a mapping once: its struct, decoder, schema and skeleton lines.

pub mod node;
pub mod record;

use std::ops::Range;

use crate::diag::{Diagnostics, Pos};
use node::{Node, Value};
pub use record::{Decode, FieldDecl, Record};

/// The longest string a data file may hold (about 30 printed pages of Chinese text).
pub const MAX_STRING_CHARS: usize = 100_000;

/// Figures are below 10^15, where every whole number still prints exactly.
pub const MAX_NUMBER: f64 = 1e15;

/// The longest a figure prints: 15 digits, a point and 6 decimals, a sign.
const MAX_NUMBER_CHARS: usize = 23;

/// A value together with where it was written, for semantic errors found later.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T: serde::Serialize> serde::Serialize for Located<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

/// A number as written: its value for arithmetic, its text for display (`9176.10` stays so).
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub value: f64,
    pub text: String,
    pub pos: Pos,
}

/// Reads typed values out of nodes; every problem goes to `diags` and decoding goes on.
pub struct Decoder<'a> {
    pub source: &'a str,
    pub diags: &'a mut Diagnostics,
}

/// How messages name a record, in both languages: declared once, with the record.
#[derive(Clone, Copy, Debug)]
pub struct Label {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Label {
    /// The name in the language of the messages.
    pub fn text(self) -> &'static str {
        if crate::diag::scope::locale().starts_with("zh") {
            self.zh
        } else {
            self.en
        }
    }
}

/// The entries of one mapping, handed out field by field; `finish` reports what is left.
pub struct Fields<'n> {
    pos: Pos,
    what: Label,
    specs: &'static [FieldDecl],
    entries: Vec<(&'n str, Pos, &'n Node)>,
    taken: Vec<bool>,
}

impl<'a> Decoder<'a> {
    pub fn new(source: &'a str, diags: &'a mut Diagnostics) -> Self {
        Decoder { source, diags }
    }

    /// Opens a mapping; reports a wrong type, non-string keys and duplicate keys.
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: Label,
        specs: &'static [FieldDecl],
    ) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            self.type_error(node, &t!("a mapping (%{what})", what = what.text()));
            return None;
        };
        let mut fields = Fields {
            pos: node::pos(node),
            what,
            specs,
            entries: Vec::with_capacity(entries.len()),
            taken: Vec::new(),
        };
        for (key, value) in entries {
            let Value::Str(name) = &key.value else {
                self.diags
                    .error(
                        node::pos(key),
                        t!("a key of %{what} must be a field name", what = what.text()),
                    )
                    .hint(known_fields_hint(specs));
                continue;
            };
            if fields.entries.iter().any(|(seen, _, _)| seen == name) {
                self.diags
                    .error(
                        node::pos(key),
                        t!(
                            "duplicate field `%{name}` in %{what}",
                            name = name,
                            what = what.text()
                        ),
                    )
                    .hint(t!(
                        "each field may appear once; remove or merge the repeated one"
                    ));
                continue;
            }
            fields.entries.push((name.as_str(), node::pos(key), value));
        }
        fields.taken = vec![false; fields.entries.len()];
        Some(fields)
    }

    /// Notes the id of a record with a field that failed to decode (the failure is
    /// reported), so that rules on references to it do not report it again.
    pub fn failed_record(&mut self, node: &Node) {
        if let Value::Map(entries) = &node.value {
            for (key, value) in entries {
                if let (Value::Str(k), Value::Str(id)) = (&key.value, &value.value)
                    && k == "id"
                {
                    self.diags.mark_failed(id);
                }
            }
        }
    }

    /// Whether the node is a mapping; if not, an error names the field.
    pub fn expect_mapping(&mut self, node: &Node, key: &str) -> bool {
        if matches!(node.value, Value::Map(_)) {
            return true;
        }
        self.type_error(node, &t!("a mapping (`%{key}`)", key = key));
        false
    }

    pub fn list<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.value {
            Value::Seq(items) => Some(items),
            // `units: 市国税局` for `units: [市国税局]`: the list shown with the text written.
            Value::Str(s) if find_placeholder(s).is_none() => {
                let found = node.value.type_name();
                self.diags
                    .error(
                        node::pos(node),
                        t!(
                            "expected %{expected}, found %{found}",
                            expected = t!("a list (`%{key}`)", key = what),
                            found = t!(found)
                        ),
                    )
                    .hint(t!(
                        "write the items as a list in brackets, e.g. `%{key}: [%{value}]`, or one a line after `- `",
                        key = what,
                        value = s.chars().take(20).collect::<String>()
                    ));
                None
            }
            _ => {
                self.type_error(node, &t!("a list (`%{key}`)", key = what));
                None
            }
        }
    }

    /// A string; a plain scalar that YAML reads as a number or yes/no is taken as written,
    /// so `number: 0520` keeps its leading zero.
    pub fn string(&mut self, node: &Node) -> Option<Located<String>> {
        let pos = node::pos(node);
        let value = match &node.value {
            Value::Str(s) => self.unfolded(node).unwrap_or_else(|| s.clone()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => match self.raw_text(node) {
                Some(raw) => raw.to_owned(),
                None => scalar_to_string(&node.value),
            },
            _ => {
                self.type_error(node, "a string");
                return None;
            }
        };
        if let Some(placeholder) = find_placeholder(&value) {
            // Point at the placeholder itself where the raw text shows it.
            let at = self
                .raw_range(node)
                .and_then(|r| {
                    self.source[r.clone()]
                        .find(placeholder)
                        .map(|i| self.pos_at(r.start + i))
                })
                .unwrap_or(pos);
            self.placeholder(at, placeholder);
            return None;
        }
        if self.forbidden_characters(node, &value, pos) {
            return None;
        }
        if value.chars().count() > MAX_STRING_CHARS {
            self.diags
                .error(
                    pos,
                    t!(
                        "a string of %{count} characters, more than the limit of %{limit}",
                        count = value.chars().count(),
                        limit = MAX_STRING_CHARS
                    ),
                )
                .hint(t!(
                    "split the text into several paragraphs, items or sections"
                ));
            return None;
        }
        Some(Located { value, pos })
    }

    /// A non-empty string after trimming.
    pub fn text(&mut self, node: &Node, what: &str) -> Option<Located<String>> {
        let text = self.string(node)?;
        if text.value.trim().is_empty() {
            self.diags
                .error(text.pos, t!("`%{what}` is empty", what = what))
                .hint(t!("write the text, or remove the field if it is optional"));
            return None;
        }
        self.punctuation(node, &text);
        Some(Located {
            value: text.value.trim().to_owned(),
            pos: text.pos,
        })
    }

    /// Non-empty text that must be one line. Lines wrapped in the file (a plain or folded
    /// scalar) are joined; a line break kept on purpose (`|`, `\n`) is an error, since a
    /// name or title that breaks would print broken (a signature twice, a title split).
    pub fn line(&mut self, node: &Node, what: &str) -> Option<Located<String>> {
        let mut text = self.text(node, what)?;
        if text.value.contains('\n') {
            if self.unfolded(node).is_some() {
                text.value = crate::zh::join_lines(&text.value);
            } else {
                let at = self
                    .raw_range(node)
                    .and_then(|r| {
                        let raw = &self.source[r.clone()];
                        let first = raw.find('\n')?;
                        let next = raw[first + 1..].find(|c: char| !c.is_whitespace())?;
                        Some(self.pos_at(r.start + first + 1 + next))
                    })
                    .unwrap_or(text.pos);
                self.diags
                    .error(at, t!("`%{what}` must be one line", what = what))
                    .hint(t!("join the lines: a name or title is printed on one line (a long title wraps by itself)"));
                return None;
            }
        }
        Some(text)
    }

    /// Reports the first character that must not be in text: a control character other
    /// than a line break or tab, or an invisible one (a zero-width space, a bidirectional
    /// override), at its place where the raw text shows it.
    fn forbidden_characters(&mut self, node: &Node, value: &str, pos: Pos) -> bool {
        let Some(c) = value.chars().find(|&c| crate::zh::is_unprintable(c)) else {
            return false;
        };
        let at = self
            .raw_range(node)
            .and_then(|r| {
                let raw = &self.source[r.clone()];
                let escaped = [
                    format!("\\u{:04x}", c as u32),
                    format!("\\u{:04X}", c as u32),
                    format!("\\x{:02x}", c as u32),
                    format!("\\x{:02X}", c as u32),
                ];
                let found = raw.find(c).or_else(|| {
                    escaped
                        .iter()
                        .find_map(|e| raw.find(e.as_str()))
                        .or_else(|| {
                            // A short escape: `\0`, `\e`, `\a`, `\b`, `\r`, `\v`, `\f`.
                            let short = match c {
                                '\0' => "\\0",
                                '\u{1b}' => "\\e",
                                '\u{7}' => "\\a",
                                '\u{8}' => "\\b",
                                '\r' => "\\r",
                                '\u{b}' => "\\v",
                                '\u{c}' => "\\f",
                                _ => return None,
                            };
                            raw.find(short)
                        })
                })?;
                Some(self.pos_at(r.start + found))
            })
            .unwrap_or(pos);
        let code = format!("U+{:04X}", c as u32);
        if crate::zh::is_invisible(c) {
            self.diags
                .error(at, t!("an invisible character (%{code}) in the text", code = code))
                .hint(t!("delete it: it prints as nothing, and is often pasted in with text from a web page or a word processor"));
        } else {
            self.diags
                .error(
                    at,
                    t!("a control character (%{code}) in the text", code = code),
                )
                .hint(t!(
                    "delete it: text holds printable characters, line breaks and tabs only"
                ));
        }
        true
    }

    /// Warns of half-width punctuation between Chinese characters and of unpaired 《》“”（）,
    /// each at its place in the file where the raw text shows it.
    fn punctuation(&mut self, node: &Node, text: &Located<String>) {
        let chars: Vec<char> = text.value.chars().collect();
        let raw = self.raw_range(node);
        let locate = |d: &Self, needle: &str, skip: usize| -> Pos {
            raw.as_ref()
                .and_then(|r| {
                    d.source[r.clone()]
                        .find(needle)
                        .map(|i| d.pos_at(r.start + i + skip))
                })
                .unwrap_or(text.pos)
        };
        for i in 1..chars.len().saturating_sub(1) {
            let (before, c, after) = (chars[i - 1], chars[i], chars[i + 1]);
            let full = match c {
                ',' => '，',
                ':' => '：',
                ';' => '；',
                '(' => '（',
                ')' => '）',
                '?' => '？',
                '!' => '！',
                _ => continue,
            };
            if crate::zh::is_cjk(before) && crate::zh::is_cjk(after) && !crate::zh::is_cjk(c) {
                let context: String = [before, c, after].iter().collect();
                let pos = locate(self, &context, before.len_utf8());
                self.diags
                    .warning(
                        pos,
                        t!("half-width `%{c}` between Chinese characters", c = c),
                    )
                    .hint(t!(
                        "Chinese text takes the full-width `%{full}`",
                        full = full
                    ));
            }
        }
        for (open, close) in [('《', '》'), ('“', '”'), ('（', '）')] {
            let opens = chars.iter().filter(|&&c| c == open).count();
            let closes = chars.iter().filter(|&&c| c == close).count();
            if opens != closes {
                let lone = if opens > closes { open } else { close };
                let pos = locate(self, lone.encode_utf8(&mut [0; 4]), 0);
                self.diags
                    .warning(pos, t!("unpaired `%{mark}`", mark = lone))
                    .hint(t!(
                        "every `%{open}` needs its `%{close}`",
                        open = open,
                        close = close
                    ));
            }
        }
    }

    pub fn number(&mut self, node: &Node) -> Option<Number> {
        let pos = node::pos(node);
        let value = match node.value {
            Value::Int(i) => i as f64,
            Value::Float(f) if f.is_finite() => f,
            Value::Float(_) => {
                let raw = self.raw_text(node).unwrap_or(".nan");
                self.diags
                    .error(
                        pos,
                        t!("`%{raw}` is not a number a document can print", raw = raw),
                    )
                    .hint(t!("write the figure in digits, e.g. 42.27"));
                return None;
            }
            _ => {
                self.type_error(node, "a number");
                return None;
            }
        };
        if value.abs() >= MAX_NUMBER {
            let raw = self
                .raw_text(node)
                .map_or_else(|| format_number(value), str::to_owned);
            let shown: String = raw.chars().take(24).collect();
            self.diags
                .error(pos, t!("the number %{number} is too large", number = shown))
                .hint(t!("a figure has at most 15 digits before the decimal point; write it in a larger unit (万元, 亿元)"));
            return None;
        }
        let text = self
            .raw_text(node)
            .filter(|raw| is_plain_decimal(raw))
            .map_or_else(|| format_number(value), str::to_owned);
        // `1e-320` is finite and small, and prints as hundreds of zeros.
        if text.len() > MAX_NUMBER_CHARS {
            let raw = self.raw_text(node).unwrap_or(&text);
            let shown: String = raw.chars().take(24).collect();
            self.diags
                .error(pos, t!("the number %{number} has more digits than a document prints", number = shown))
                .hint(t!("write at most 15 digits before and 6 after the decimal point, in a fitting unit"));
            return None;
        }
        Some(Number { value, text, pos })
    }

    pub fn integer(&mut self, node: &Node) -> Option<Located<i64>> {
        match node.value {
            Value::Int(i) => Some(Located {
                value: i,
                pos: node::pos(node),
            }),
            _ => {
                self.type_error(node, "a whole number");
                None
            }
        }
    }

    pub fn boolean(&mut self, node: &Node) -> Option<Located<bool>> {
        match node.value {
            Value::Bool(b) => Some(Located {
                value: b,
                pos: node::pos(node),
            }),
            _ => {
                self.type_error(node, "true or false");
                None
            }
        }
    }

    /// The scalar exactly as written in the file, where the parser gives its byte range.
    pub fn raw_text(&self, node: &Node) -> Option<&'a str> {
        self.source.get(node::byte_range(node)?)
    }

    /// The lines of a folded (`>`) or multi-line plain scalar as written. YAML folds line
    /// breaks into spaces, which is wrong between Chinese characters; the renderer joins
    /// the lines itself, with a space only where a Western word needs one.
    fn unfolded(&self, node: &Node) -> Option<String> {
        let range = node::byte_range(node)?;
        let raw = self.source.get(range.clone())?;
        if !raw.trim_end().contains('\n') || raw.starts_with(['"', '\'']) {
            return None;
        }
        let before = &self.source[..range.start];
        let header = before.trim_end_matches([' ', '\t']);
        let header = header.strip_suffix('\n').unwrap_or(header);
        let header_line = header.rsplit('\n').next().unwrap_or("");
        let header_line = header_line.split(" #").next().unwrap_or("").trim_end();
        let indicator = header_line.rsplit([' ', ':']).next().unwrap_or("");
        // A literal block (`|`) keeps its lines already; folded and plain ones lost them.
        if indicator.starts_with('|') {
            return None;
        }
        let lines: Vec<&str> = raw.lines().map(str::trim).collect();
        Some(lines.join("\n").trim().to_owned())
    }

    pub fn raw_range(&self, node: &Node) -> Option<Range<usize>> {
        node::byte_range(node).filter(|r| self.source.get(r.clone()).is_some())
    }

    /// The position of a byte offset of the source, for errors inside a string.
    fn placeholder(&mut self, pos: Pos, text: &str) {
        self.diags
            .error(pos, t!("placeholder %{text} is not filled in", text = text))
            .hint(t!(
                "replace it, brackets included, with the value it describes"
            ));
    }

    pub fn pos_at(&self, offset: usize) -> Pos {
        self.diags.pos_at(self.source, offset)
    }

    fn type_error(&mut self, node: &Node, expected: &str) {
        if let Value::Str(s) = &node.value
            && let Some(placeholder) = find_placeholder(s)
        {
            self.placeholder(node::pos(node), placeholder);
            return;
        }
        let found = node.value.type_name();
        let hint = match (&node.value, expected) {
            (Value::Str(s), "a number") => t!(
                "write a plain number such as 42.27, without quotes or unit (found \"%{found}\"); the unit goes in `unit`",
                found = s.chars().take(20).collect::<String>()
            ).into_owned(),
            (Value::Str(_), "a whole number") => t!("write the number in digits, e.g. 2024").into_owned(),
            (Value::Null, _) => t!("write a value after the colon, or remove the field").into_owned(),
            (Value::Map(_) | Value::Seq(_), "a string") => {
                t!("write the text on the same line after the colon, or as a block with `|`").into_owned()
            }
            _ => t!("this field takes %{expected}", expected = t!(expected)).into_owned(),
        };
        self.diags
            .error(
                node::pos(node),
                t!(
                    "expected %{expected}, found %{found}",
                    expected = t!(expected),
                    found = t!(found)
                ),
            )
            .hint(hint);
    }
}

impl<'n> Fields<'n> {
    pub fn pos(&self) -> Pos {
        self.pos
    }

    /// The node of an optional field; an explicit empty value (`field:`) counts as absent.
    pub fn optional(&mut self, name: &str) -> Option<&'n Node> {
        debug_assert!(
            self.specs.iter().any(|s| s.name == name),
            "undeclared field {name}"
        );
        let index = self.entries.iter().position(|(key, _, _)| *key == name)?;
        self.taken[index] = true;
        let node = self.entries[index].2;
        (!matches!(node.value, Value::Null)).then_some(node)
    }

    /// The node of a required field; reports its absence at the mapping.
    pub fn required(&mut self, d: &mut Decoder, name: &str) -> Option<&'n Node> {
        let node = self.optional(name);
        // A misspelling of this field is one error, at the misspelling (see `finish`).
        let misspelt = || {
            self.entries.iter().any(|(key, _, _)| {
                !self.specs.iter().any(|s| s.name == *key)
                    && nearest(key, self.specs.iter().map(|s| s.name)) == Some(name)
            })
        };
        if node.is_none() && !misspelt() {
            let help = self
                .specs
                .iter()
                .find(|s| s.name == name)
                .map_or("", |s| s.help);
            let present = self.entries.iter().find(|(key, _, _)| *key == name);
            let pos = present.map_or(self.pos, |(_, pos, _)| *pos);
            d.diags
                .error(
                    pos,
                    t!(
                        "missing required field `%{name}` in %{what}",
                        name = name,
                        what = self.what.text()
                    ),
                )
                .hint(t!("add `%{name}:` (%{help})", name = name, help = help));
        }
        node
    }

    /// Where each known field was written: its name as declared, and its key's position.
    pub fn positions(&self) -> Vec<(&'static str, Pos)> {
        self.entries
            .iter()
            .filter_map(|(name, pos, _)| {
                let decl = self.specs.iter().find(|s| s.name == *name)?;
                Some((decl.name, *pos))
            })
            .collect()
    }

    /// Reports every field nobody asked for, with the nearest known name; `false` if any.
    pub fn finish(self, d: &mut Decoder) -> bool {
        let mut clean = true;
        for ((name, pos, _), taken) in self.entries.iter().zip(&self.taken) {
            if *taken {
                continue;
            }
            let hint = match nearest(name, self.specs.iter().map(|s| s.name)) {
                Some(near) => t!("did you mean `%{near}`?", near = near).into_owned(),
                None => known_fields_hint(self.specs),
            };
            d.diags
                .error(
                    *pos,
                    t!(
                        "unknown field `%{name}` in %{what}",
                        name = name,
                        what = self.what.text()
                    ),
                )
                .hint(hint);
            clean = false;
        }
        clean
    }
}

/// `〖发文机关〗`: what `gongwen new` writes where a value is still to be filled in. These
/// lenticular brackets are not used in official documents, unlike 〈〉 inside 《》.
pub fn find_placeholder(text: &str) -> Option<&str> {
    let start = text.find('〖')?;
    let end = start + text[start..].find('〗')? + '〗'.len_utf8();
    Some(&text[start..end])
}

fn known_fields_hint(specs: &[FieldDecl]) -> String {
    let names: Vec<String> = specs.iter().map(|s| format!("`{}`", s.name)).collect();
    t!("the known fields are %{names}", names = names.join(", ")).into_owned()
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
pub fn nearest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let word = word.to_lowercase();
    candidates
        .map(|c| (edit_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1) + 1 && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diag = above;
        }
    }
    row[b.len()]
}

fn is_plain_decimal(raw: &str) -> bool {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.')
}

/// Shortest text that reads back as the same number: `42.27`, `55`.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

fn scalar_to_string(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_number(*f),
        Value::Str(s) => s.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos_only() {
        let names = ["title", "organ", "figures", "previous"];
        assert_eq!(nearest("titel", names.into_iter()), Some("title"));
        assert_eq!(nearest("figurs", names.into_iter()), Some("figures"));
        assert_eq!(nearest("prevous", names.into_iter()), Some("previous"));
        assert_eq!(nearest("zzz", names.into_iter()), None);
    }

    #[test]
    fn plain_decimals_keep_their_text() {
        assert!(is_plain_decimal("9176.10"));
        assert!(is_plain_decimal("-3"));
        assert!(!is_plain_decimal("1e3"));
        assert!(!is_plain_decimal("0x1F"));
        assert_eq!(format_number(55.0), "55");
        assert_eq!(format_number(42.27), "42.27");
    }
}
