//! What every kind's importer shares: cleaning lines copied from a web page or a Word
//! file, recognising numbered headings and inline enumerations, and emitting YAML whose
//! strings are always quoted. Each kind's own importer lives in its folder.

use crate::official::yaml_quote;
use crate::zh::{Date, is_cjk};

/// A YAML value to emit: strings are always double-quoted, so any text is safe.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Yaml>),
    Map(Vec<(&'static str, Yaml)>),
}

pub fn s(text: impl Into<String>) -> Yaml {
    Yaml::Str(text.into())
}

impl Yaml {
    pub fn emit(&self, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Yaml::Map(entries) => {
                for (key, value) in entries {
                    out.push_str(&format!("{pad}{key}:"));
                    value.emit_after_key(indent, out);
                }
            }
            Yaml::List(items) => {
                for item in items {
                    out.push_str(&format!("{pad}-"));
                    match item {
                        Yaml::Map(entries) if !entries.is_empty() => {
                            // The first entry on the dash's line, the others below it.
                            let mut first = String::new();
                            Yaml::Map(entries[..1].to_vec()).emit(0, &mut first);
                            out.push(' ');
                            out.push_str(first.trim_start());
                            Yaml::Map(entries[1..].to_vec()).emit(indent + 2, out);
                        }
                        other => other.emit_after_key(indent, out),
                    }
                }
            }
            scalar => {
                out.push_str(&pad);
                out.push_str(&scalar.scalar());
                out.push('\n');
            }
        }
    }

    fn emit_after_key(&self, indent: usize, out: &mut String) {
        match self {
            Yaml::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
            Yaml::List(items) if items.is_empty() => out.push_str(" []\n"),
            Yaml::Map(_) | Yaml::List(_) => {
                out.push('\n');
                self.emit(indent + 2, out);
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar.scalar());
                out.push('\n');
            }
        }
    }

    fn scalar(&self) -> String {
        match self {
            Yaml::Str(text) => yaml_quote(text),
            Yaml::Int(n) => n.to_string(),
            Yaml::Bool(b) => b.to_string(),
            _ => unreachable!("only scalars"),
        }
    }
}

/// Lines that belong to the web page, not to the document.
const FURNITURE: &[&str] = &[
    "首页",
    "当前位置",
    "发布时间",
    "来源",
    "【字体",
    "字体",
    "打印",
    "关闭",
    "政策解读",
    "社交媒体分享",
    "分享到",
    "搜索",
    "相关",
    "在线咨询",
    "微信咨询",
    "扫一扫",
    "---此处隐藏",
    "此处隐藏",
    "下载后查看",
    "免责声明",
    "版权所有",
    "上一篇",
    "下一篇",
    "责任编辑",
    "浏览次数",
    "附件下载",
];

fn is_furniture(line: &str) -> bool {
    FURNITURE.iter().any(|f| line.starts_with(f)) || (line.contains("隐藏") && line.contains("字"))
}

/// Half-width punctuation next to Chinese text becomes full-width, as in official text;
/// `1,000`, `0311-85057592` and English stay as they are.
pub fn normalize_punctuation(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let near_cjk = prev.is_some_and(is_cjk) || next.is_some_and(is_cjk);
        let full = match c {
            ',' if near_cjk || prev.is_some_and(|p| !p.is_ascii_digit()) => '，',
            ':' if near_cjk => '：',
            ';' if near_cjk => '；',
            '!' if near_cjk => '！',
            '?' if near_cjk => '？',
            '(' => '（',
            ')' => '）',
            '[' if next.is_some_and(|n| n.is_ascii_digit()) => '〔',
            ']' if prev.is_some_and(|p| p.is_ascii_digit()) => '〕',
            '﹝' => '〔',
            '﹞' => '〕',
            '―' | '－' => '—',
            other => other,
        };
        out.push(full);
    }
    // A half-width parenthesis pair around ASCII only (`(R&D)`) stays half-width.
    restore_ascii_parentheses(&out)
}

fn restore_ascii_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('（') {
        let after = &rest[open + '（'.len_utf8()..];
        match after.find('）') {
            Some(close) if !after[..close].is_empty() && after[..close].is_ascii() => {
                out.push_str(&rest[..open]);
                out.push('(');
                out.push_str(&after[..close]);
                out.push(')');
                rest = &after[close + '）'.len_utf8()..];
            }
            _ => {
                out.push_str(&rest[..open + '（'.len_utf8()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The clean lines of a text: trimmed, furniture dropped, punctuation normalized.
pub fn clean_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches('\u{feff}').trim())
        .filter(|l| !l.is_empty() && !is_furniture(l))
        .map(normalize_punctuation)
        .collect()
}

/// The heading level of a line and its rest: 一、 → 1, （一） → 2, 1. → 3, （1） → 4.
pub fn heading(line: &str) -> Option<(usize, &str)> {
    const NUMERALS: &str = "一二三四五六七八九十百";
    let numeral_run = |s: &str| {
        s.chars()
            .take_while(|c| NUMERALS.contains(*c))
            .map(char::len_utf8)
            .sum::<usize>()
    };
    let digit_run = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
    let n = numeral_run(line);
    if n > 0 && line[n..].starts_with('、') {
        return Some((1, &line[n + '、'.len_utf8()..]));
    }
    if let Some(inner) = line.strip_prefix('（') {
        let n = numeral_run(inner);
        if n > 0 && inner[n..].starts_with('）') {
            return Some((2, inner[n + '）'.len_utf8()..].trim_start()));
        }
        let d = digit_run(inner);
        if d > 0 && inner[d..].starts_with('）') {
            return Some((4, inner[d + '）'.len_utf8()..].trim_start()));
        }
    }
    let d = digit_run(line);
    if d > 0 && d <= 3 {
        let rest = &line[d..];
        for mark in [".", "．", "、"] {
            if let Some(after) = rest.strip_prefix(mark) {
                return Some((3, after.trim_start()));
            }
        }
    }
    None
}

/// `标题。正文` → (标题, 正文); a line with nothing after its first `。` is all title.
pub fn split_run_in(rest: &str) -> (String, Option<String>) {
    match rest.find('。') {
        Some(i) => {
            let title = rest[..i].trim().to_owned();
            let text = rest[i + '。'.len_utf8()..].trim();
            (title, (!text.is_empty()).then(|| text.to_owned()))
        }
        None => (rest.trim().trim_end_matches(['：', ':']).to_owned(), None),
    }
}

/// `前言。一是甲。内容。二是乙。` → the text before, and the items (一是/二是…), when there
/// are at least two in order.
pub fn split_items(text: &str) -> (Option<String>, Vec<Yaml>) {
    let mut cuts = Vec::new();
    let mut from = 0;
    for n in 1..=20u32 {
        let marker = format!("{}是", crate::zh::numeral(n));
        let found = text[from..].find(&marker).map(|i| from + i);
        // An item starts the text or follows an end of sentence or a colon.
        match found.filter(|&i| i == 0 || text[..i].ends_with(['。', '：', '；', '！'])) {
            Some(i) => {
                cuts.push((i, marker.len()));
                from = i + marker.len();
            }
            None => break,
        }
    }
    if cuts.len() < 2 {
        return (Some(text.to_owned()).filter(|t| !t.is_empty()), Vec::new());
    }
    let before = text[..cuts[0].0].trim();
    let mut items = Vec::new();
    for (k, (start, len)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(text.len(), |c| c.0);
        let body = text[start + len..end].trim();
        let (title, rest) = split_run_in(body);
        items.push(match rest {
            Some(rest) => Yaml::Map(vec![("title", s(title)), ("text", s(rest))]),
            None => s(body.trim_end_matches('。')),
        });
    }
    (Some(before.to_owned()).filter(|t| !t.is_empty()), items)
}

/// A numbered section being gathered from the lines.
#[derive(Debug, Default)]
pub struct Section {
    pub title: String,
    pub text: Vec<String>,
    pub sections: Vec<Section>,
}

impl Section {
    pub fn to_yaml(&self) -> Yaml {
        let mut entries = vec![("title", s(&self.title))];
        let mut items = Vec::new();
        if !self.text.is_empty() {
            let joined = self.text.join("\n\n");
            // Inline enumerations are recognised in a one-paragraph text only.
            let (before, found) = if self.text.len() == 1 {
                split_items(&joined)
            } else {
                (Some(joined), Vec::new())
            };
            if let Some(before) = before {
                entries.push(("text", s(before)));
            }
            items = found;
        }
        if !items.is_empty() {
            entries.push(("items", Yaml::List(items)));
        }
        if !self.sections.is_empty() {
            entries.push((
                "sections",
                Yaml::List(self.sections.iter().map(Section::to_yaml).collect()),
            ));
        }
        if entries.len() == 1 {
            entries.push(("text", s("〖正文〗")));
        }
        Yaml::Map(entries)
    }
}

/// Gathers lines into sections whose top level is `level`: headings of that level and
/// below nest, other lines become the text of the section they follow. Lines before the
/// first heading are returned apart.
pub fn sections(lines: &[String], level: usize) -> (Vec<String>, Vec<Section>) {
    let mut lead = Vec::new();
    let mut top: Vec<Section> = Vec::new();
    for line in lines {
        match heading(line).filter(|(l, _)| *l >= level && *l < level + 3) {
            Some((l, rest)) => {
                let (title, text) = split_run_in(rest);
                let section = Section {
                    title,
                    text: text.into_iter().collect(),
                    sections: Vec::new(),
                };
                let depth = l - level;
                match deepest(&mut top, depth) {
                    Some(parent) => parent.sections.push(section),
                    None => top.push(section),
                }
            }
            None => match last_open(&mut top) {
                Some(section) => section.text.push(line.clone()),
                None => lead.push(line.clone()),
            },
        }
    }
    (lead, top)
}

/// The section that takes a new section `depth` levels below the top, if any.
fn deepest(top: &mut [Section], depth: usize) -> Option<&mut Section> {
    let mut current = top.last_mut()?;
    if depth == 0 {
        return None;
    }
    for _ in 1..depth {
        if current.sections.is_empty() {
            break;
        }
        current = current.sections.last_mut().expect("not empty");
    }
    Some(current)
}

fn last_open(top: &mut [Section]) -> Option<&mut Section> {
    let mut current = top.last_mut()?;
    while !current.sections.is_empty() {
        current = current.sections.last_mut().expect("not empty");
    }
    Some(current)
}

/// `2024年6月6日` or `2024-06-06` as an ISO date.
pub fn date_of(line: &str) -> Option<String> {
    let line = line.trim();
    Date::parse(line).map(|d| d.iso())
}

/// The signing organ and date: the last date line and the short line before it. Returns
/// them and the index where they start.
pub fn signature(lines: &[String]) -> Option<(String, String, usize)> {
    let at = lines.iter().rposition(|l| date_of(l).is_some())?;
    let date = date_of(&lines[at])?;
    let organ = at
        .checked_sub(1)
        .map(|i| lines[i].clone())
        .filter(|o| o.chars().count() <= 30 && !o.contains('。'))?;
    Some((organ, date, at - 1))
}

pub fn first_year(text: &str) -> Option<i64> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(5).find_map(|w| {
        (w[..4].iter().all(char::is_ascii_digit) && w[4] == '年')
            .then(|| w[..4].iter().collect::<String>().parse().ok())?
    })
}

pub fn after_colon(line: &str) -> &str {
    line.split_once('：').map_or("", |(_, v)| v).trim()
}

pub fn split_list(text: &str) -> Vec<Yaml> {
    text.trim_end_matches('。')
        .split(['，', '、', ',', ';', '；'])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(s)
        .collect()
}

/// `正文（牵头单位：甲、乙；责任单位：丙）` → (正文, lead units, responsible units).
pub fn split_units(text: &str) -> (String, Vec<Yaml>, Vec<Yaml>) {
    let Some(open) = text
        .rfind("（牵头单位")
        .or_else(|| text.rfind("（责任单位"))
    else {
        return (text.to_owned(), Vec::new(), Vec::new());
    };
    let note = text[open + '（'.len_utf8()..].trim_end_matches('）');
    let (mut lead, mut units) = (Vec::new(), Vec::new());
    for part in note.split('；') {
        if let Some(list) = part.strip_prefix("牵头单位：") {
            lead = split_list(list);
        } else if let Some(list) = part.strip_prefix("责任单位：") {
            units = split_list(list);
        }
    }
    (text[..open].trim().to_owned(), lead, units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_of_every_level_and_both_widths() {
        assert_eq!(heading("一、指导思想"), Some((1, "指导思想")));
        assert_eq!(heading("（二）强化企业地位"), Some((2, "强化企业地位")));
        assert_eq!(
            heading(&normalize_punctuation("(三)布局创新平台")),
            Some((2, "布局创新平台"))
        );
        assert_eq!(heading("12.实施工程"), Some((3, "实施工程")));
        assert_eq!(heading("3．加强"), Some((3, "加强")));
        assert_eq!(heading("（1）建档"), Some((4, "建档")));
        assert_eq!(heading("2024年工作"), None);
        assert_eq!(heading("一是加快"), None);
    }

    #[test]
    fn punctuation_becomes_full_width_next_to_chinese_only() {
        assert_eq!(
            normalize_punctuation("全市,共计1,000家:(一)"),
            "全市，共计1,000家：（一）"
        );
        assert_eq!(
            normalize_punctuation("联系人:张三,0311-85057592"),
            "联系人：张三，0311-85057592"
        );
        assert_eq!(
            normalize_punctuation("研究与试验发展(R&D)经费"),
            "研究与试验发展(R&D)经费"
        );
        assert_eq!(
            normalize_punctuation("某字[2024]第3号"),
            "某字〔2024〕第3号"
        );
    }

    #[test]
    fn inline_items_are_split_in_order() {
        let (before, items) = split_items("总述。一是甲事。做甲。二是乙事。三是丙事。做丙。");
        assert_eq!(before.as_deref(), Some("总述。"));
        assert_eq!(
            items,
            vec![
                Yaml::Map(vec![("title", s("甲事")), ("text", s("做甲。"))]),
                s("乙事"),
                Yaml::Map(vec![("title", s("丙事")), ("text", s("做丙。"))]),
            ]
        );
        assert!(split_items("只有一是一个。").1.is_empty());
    }

    #[test]
    fn units_are_split_off_a_task() {
        let (body, lead, units) = split_units(
            "实施计划。内容。（牵头单位：市科技局；责任单位：市财政局、各县区人民政府）",
        );
        assert_eq!(body, "实施计划。内容。");
        assert_eq!(lead, vec![s("市科技局")]);
        assert_eq!(units, vec![s("市财政局"), s("各县区人民政府")]);
    }

    #[test]
    fn yaml_is_emitted_with_quoted_strings() {
        let doc = Yaml::Map(vec![
            ("kind", s("work-report")),
            ("n", Yaml::Int(3)),
            (
                "list",
                Yaml::List(vec![
                    Yaml::Map(vec![("title", s("甲")), ("text", s("a\"b"))]),
                    s("乙"),
                ]),
            ),
            ("empty", Yaml::List(vec![])),
        ]);
        let mut out = String::new();
        doc.emit(0, &mut out);
        assert_eq!(
            out,
            "kind: \"work-report\"\nn: 3\nlist:\n  - title: \"甲\"\n    text: \"a\\\"b\"\n  - \"乙\"\nempty: []\n"
        );
    }
}
