//! What every kind's importer shares: cleaning lines copied from a web page or a Word
//! file, recognising numbered headings and inline enumerations, and emitting YAML whose
//! strings are always quoted. Each kind's own importer lives in its folder.

use crate::official::yaml_quote;
use crate::zh::{Date, is_cjk};

/// A YAML value to emit: strings are always double-quoted, so any text is safe.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Str(String),
    /// A placeholder written unquoted, for a field that takes a number: `year: 〖年份〗`
    /// becomes `year: 2024` when filled in.
    Placeholder(&'static str),
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
            Yaml::Placeholder(text) => (*text).to_owned(),
            Yaml::Int(n) => n.to_string(),
            Yaml::Bool(b) => b.to_string(),
            _ => unreachable!("only scalars"),
        }
    }
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

/// What the web page around a document says of it: the dateline's date and source.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Page {
    pub date: Option<String>,
    pub source: Option<String>,
}

/// A document's text made ready for the kinds' importers.
#[derive(Debug, Default)]
pub struct Text {
    /// The document's lines: trimmed, furniture dropped, punctuation normalized.
    pub lines: Vec<String>,
    pub page: Page,
    /// Paragraphs taken for section headings by their bold or short opening sentence.
    pub lead_sections: usize,
}

/// The clean lines of a text, the page's dateline read before it is dropped, and
/// paragraphs that open with a bold or short sentence numbered as sections when the text
/// has no numbered headings of its own.
pub fn prepare(text: &str) -> Text {
    let mut page = Page::default();
    let mut lines: Vec<String> = Vec::new();
    let mut in_body = false;
    for line in text.lines() {
        let line = line.trim().trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        // A dateline heads the page: once a sentence of the body is read, a line such
        // as `会议时间：2024年6月6日` is the document's own.
        if !in_body && let Some((date, source)) = dateline(line) {
            page.date = page.date.or(Some(date));
            page.source = page.source.or(source);
            continue;
        }
        if !super::furniture::is_furniture(line) {
            in_body |= line.contains('。');
            lines.push(normalize_punctuation(line));
        }
    }
    // A reporter's byline closes the last paragraph of a news page.
    if let Some(last) = lines.last_mut() {
        let news_page = page.date.is_some() || page.source.is_some();
        let kept = super::furniture::without_byline(last, news_page).len();
        last.truncate(kept);
        if last.is_empty() {
            lines.pop();
        }
    }
    let lead_sections = number_lead_paragraphs(&mut lines);
    Text {
        lines,
        page,
        lead_sections,
    }
}

/// The clean lines of a text (see [`prepare`]).
pub fn clean_lines(text: &str) -> Vec<String> {
    prepare(text).lines
}

/// `2019-06-14 16:33:46 来源：某市科学技术局` or `发布时间：2024-01-05`: the date and the
/// source. A line is a dateline when it carries a date and a time, a source or a
/// publishing label, and little else.
fn dateline(line: &str) -> Option<(String, Option<String>)> {
    if line.chars().count() > 120 {
        return None;
    }
    let date = find_date(line)?;
    let labelled = ["来源", "发布", "作者", "浏览", "点击", "编辑"]
        .iter()
        .any(|l| line.contains(l));
    let timed = line.chars().collect::<Vec<_>>().windows(5).any(|w| {
        w[0].is_ascii_digit() && w[1].is_ascii_digit() && w[2] == ':' && w[3].is_ascii_digit()
    });
    if !(labelled || timed) || line.contains('。') {
        return None;
    }
    let source = ["来源：", "来源:", "来源 :", "信息来源："]
        .iter()
        .find_map(|label| line.split_once(label))
        .map(|(_, after)| {
            after
                .trim()
                .split(|c: char| c.is_whitespace() || c == '【' || c == '|')
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .filter(|s| !s.is_empty());
    Some((date.iso(), source))
}

/// The first date written in a line: `2019-06-14`, `2019/6/14`, `2019年6月14日`, or
/// `二〇一九年六月十四日`.
pub fn find_date(line: &str) -> Option<Date> {
    let chars: Vec<char> = line.chars().collect();
    for start in 0..chars.len() {
        if let Some(date) = date_at(&chars[start..]) {
            return Some(date);
        }
    }
    None
}

fn date_at(chars: &[char]) -> Option<Date> {
    // Arabic digits: 4 digits, a separator, 1–2 digits, the same kind of separator, 1–2.
    let number = |from: usize, max: usize| {
        let n = chars[from.min(chars.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        (n >= 1 && n <= max).then(|| {
            let text: String = chars[from..from + n].iter().collect();
            (text.parse::<u32>().ok(), from + n)
        })
    };
    if chars.len() >= 8 && chars[..4].iter().all(char::is_ascii_digit) {
        let year: i32 = chars[..4].iter().collect::<String>().parse().ok()?;
        let separator = *chars.get(4)?;
        let (month_sep, day_end): (&[char], &[char]) = match separator {
            '-' | '/' | '.' => (&[separator], &[]),
            '年' => (&['月'], &['日']),
            _ => return None,
        };
        let (month, at) = number(5, 2)?;
        if !month_sep.contains(chars.get(at)?) {
            return None;
        }
        let (day, at) = number(at + 1, 2)?;
        if !day_end.is_empty() && chars.get(at) != Some(&'日') {
            return None;
        }
        if chars.get(at).is_some_and(char::is_ascii_digit) {
            return None;
        }
        return Date::parse(&format!("{year}-{:02}-{:02}", month?, day?));
    }
    chinese_date(chars)
}

/// `二〇二四年十二月十六日`.
fn chinese_date(chars: &[char]) -> Option<Date> {
    const DIGITS: &str = "〇零一二三四五六七八九";
    let digit = |c: &char| {
        DIGITS
            .chars()
            .position(|d| d == *c)
            .map(|p| p.saturating_sub(1) as u32)
    };
    if chars.len() < 8 || chars.get(4) != Some(&'年') {
        return None;
    }
    let mut year = 0;
    for c in &chars[..4] {
        year = year * 10 + digit(c)?;
    }
    // A month or day: 一 … 九, 十, 十一 … 十九, 二十 … 三十一.
    let small = |from: usize| -> Option<(u32, usize)> {
        let mut value = 0;
        let mut at = from;
        let mut seen = false;
        while let Some(c) = chars.get(at) {
            if *c == '十' {
                value = if seen { value * 10 } else { 10 };
            } else if let Some(d) = digit(c).filter(|_| *c != '〇' && *c != '零') {
                value = if value >= 10 && value % 10 == 0 {
                    value + d
                } else {
                    value * 10 + d
                };
            } else {
                break;
            }
            seen = true;
            at += 1;
        }
        seen.then_some((value, at))
    };
    let (month, at) = small(5)?;
    if chars.get(at) != Some(&'月') {
        return None;
    }
    let (day, at) = small(at + 1)?;
    if chars.get(at) != Some(&'日') {
        return None;
    }
    Date::parse(&format!("{year}-{month:02}-{day:02}"))
}

/// A paragraph's opening sentence marked bold (`**…**`), and the rest.
fn bold_lead(line: &str) -> Option<(&str, &str)> {
    let inner = line.strip_prefix("**")?;
    let close = inner.find("**")?;
    let lead = inner[..close].trim();
    (!lead.is_empty()).then(|| (lead, inner[close + 2..].trim_start()))
}

/// A paragraph whose opening sentence reads as a heading: short, no figures, followed by
/// more text (`健全一套机制，齐心协力抓落实。市科技局……`).
fn lead_sentence(line: &str) -> Option<(&str, &str)> {
    let end = line.find(['。', '！'])?;
    let lead = &line[..end];
    let rest = line[end + '。'.len_utf8()..].trim_start();
    let length = lead.chars().count();
    let shaped = (6..=24).contains(&length)
        && (lead.contains('，') || length <= 12)
        && !lead
            .chars()
            .any(|c| c.is_ascii_digit() || "“”《》（）".contains(c))
        && rest.chars().count() >= 10
        && !PLAN_OPENINGS.iter().any(|p| lead.starts_with(p));
    shaped.then_some((lead, rest))
}

/// How a paragraph that starts next year's work opens.
pub const PLAN_OPENINGS: &[&str] = &["下一步", "今后", "明年", "下阶段", "下一阶段"];

/// In a text without numbered headings, paragraphs that open with a bold sentence (two or
/// more), or else with a short heading-like sentence (three or more), become numbered
/// sections `一、…。…`. Bold marks left elsewhere are removed. Returns how many.
fn number_lead_paragraphs(lines: &mut [String]) -> usize {
    let numbered = lines.iter().any(|l| heading(l).is_some());
    let bold: Vec<usize> = (0..lines.len())
        .filter(|&i| bold_lead(&lines[i]).is_some())
        .collect();
    let chosen: Vec<usize> = if numbered {
        Vec::new()
    } else if bold.len() >= 2 {
        bold.clone()
    } else {
        let short: Vec<usize> = (0..lines.len())
            .filter(|&i| lead_sentence(&lines[i]).is_some())
            .collect();
        if short.len() >= 3 { short } else { Vec::new() }
    };
    for (n, &i) in chosen.iter().enumerate() {
        let (lead, rest) = bold_lead(&lines[i])
            .or_else(|| lead_sentence(&lines[i]))
            .expect("chosen for its lead");
        let lead = lead.trim_end_matches(['。', '！', '；', '：']);
        let number = crate::zh::heading_number(n as u32 + 1, 1).expect("level 1 exists");
        lines[i] = format!("{number}{lead}。{rest}");
    }
    for line in lines.iter_mut() {
        if let Some((lead, rest)) = bold_lead(line) {
            *line = format!("{lead}{rest}");
        }
    }
    chosen.len()
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

/// The markers of the `n`-th item of each kind of inline enumeration: 一是, 第一， and
/// 首先，/其次，/再次，/最后，.
fn item_markers(family: usize, n: u32) -> Vec<String> {
    match family {
        0 => vec![crate::zh::inline_number(n)],
        1 => {
            let numeral = crate::zh::numeral(n);
            vec![format!("第{numeral}，"), format!("第{numeral}、")]
        }
        _ => match n {
            1 => vec!["首先，".to_owned()],
            2 => vec!["其次，".to_owned()],
            3 => vec!["再次，".to_owned(), "最后，".to_owned()],
            4 => vec!["最后，".to_owned()],
            _ => Vec::new(),
        },
    }
}

/// `前言。一是甲。内容。二是乙。` → the text before, and each item's body (after its
/// marker), when there are at least two in order.
pub fn enumeration(text: &str) -> Option<(&str, Vec<&str>)> {
    (0..3).find_map(|family| {
        let mut cuts: Vec<(usize, usize)> = Vec::new();
        let mut from = 0;
        for n in 1..=20u32 {
            // An item starts the text or follows an end of sentence or a colon.
            let found = item_markers(family, n)
                .into_iter()
                .filter_map(|marker| {
                    let mut search = from;
                    while let Some(i) = text[search..].find(&marker).map(|i| search + i) {
                        if i == 0 || text[..i].ends_with(['。', '：', '；', '！']) {
                            return Some((i, marker.len()));
                        }
                        search = i + marker.len();
                    }
                    None
                })
                .min();
            match found {
                Some((i, len)) => {
                    cuts.push((i, len));
                    from = i + len;
                }
                None => break,
            }
        }
        (cuts.len() >= 2).then(|| {
            let bodies = cuts
                .iter()
                .enumerate()
                .map(|(k, (start, len))| {
                    let end = cuts.get(k + 1).map_or(text.len(), |c| c.0);
                    text[start + len..end].trim()
                })
                .collect();
            (text[..cuts[0].0].trim(), bodies)
        })
    })
}

/// `前言。一是甲。内容。二是乙。` → the text before, and the items (一是/二是…) as YAML.
pub fn split_items(text: &str) -> (Option<String>, Vec<Yaml>) {
    let Some((before, bodies)) = enumeration(text) else {
        return (Some(text.to_owned()).filter(|t| !t.is_empty()), Vec::new());
    };
    let items = bodies
        .into_iter()
        .map(|body| match split_run_in(body) {
            (title, Some(rest)) => Yaml::Map(vec![("title", s(title)), ("text", s(rest))]),
            // The item keeps its own stop (。 or ；): printed items must not run together.
            _ => s(body),
        })
        .collect();
    (Some(before.to_owned()).filter(|t| !t.is_empty()), items)
}

/// The items of an enumeration as sections, for a part written as one paragraph of
/// 一是…二是…: the text before, and the sections.
pub fn items_as_sections(text: &str) -> Option<(Option<String>, Vec<Section>)> {
    let (before, bodies) = enumeration(text)?;
    let sections = bodies
        .into_iter()
        .map(|body| {
            let (title, rest) = split_run_in(body);
            Section {
                title,
                text: rest.into_iter().collect(),
                sections: Vec::new(),
            }
        })
        .collect();
    Some((Some(before.to_owned()).filter(|t| !t.is_empty()), sections))
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

/// The section whose text the last lines went into: the deepest last one.
pub fn last_open(top: &mut [Section]) -> Option<&mut Section> {
    let mut current = top.last_mut()?;
    while !current.sections.is_empty() {
        current = current.sections.last_mut().expect("not empty");
    }
    Some(current)
}

/// A line that is only a date (`2024年6月6日`, `2024-06-06`, `二〇二四年六月六日`), as an
/// ISO date.
pub fn date_of(line: &str) -> Option<String> {
    let line = line.trim();
    if line.chars().count() > 12 {
        return None;
    }
    find_date(line)
        .filter(|_| {
            line.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || "〇零一二".contains(c))
        })
        .map(|d| d.iso())
}

/// The signing organ and date: a date line among the last lines and the short line
/// before it. Returns them and the index where they start.
pub fn signature(lines: &[String]) -> Option<(String, String, usize)> {
    let at = lines.iter().rposition(|l| date_of(l).is_some())?;
    if at + 4 < lines.len() {
        return None;
    }
    let date = date_of(&lines[at])?;
    let organ = at
        .checked_sub(1)
        .map(|i| lines[i].clone())
        .filter(|o| o.chars().count() <= 30 && !o.contains(['。', '，']) && heading(o).is_none())?;
    Some((organ, date, at - 1))
}

/// Whether a name reads as an organ (`某市科学技术局`), not a website (`某某科技网`).
pub fn is_organ(name: &str) -> bool {
    let length = name.chars().count();
    (4..=30).contains(&length)
        && [
            "局",
            "委",
            "厅",
            "政府",
            "办公室",
            "委员会",
            "院",
            "中心",
            "部",
            "处",
            "科",
            "办",
        ]
        .iter()
        .any(|end| name.ends_with(end))
}

/// A title's or headline's first line: short, not numbered, not a sentence, not a date.
pub fn is_headline(line: &str) -> bool {
    let length = line.chars().count();
    (4..=60).contains(&length)
        && heading(line).is_none()
        && !line.ends_with(['。', '！', '？', '；', '：', '，'])
        && find_date(line).is_none()
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

/// Adds a line that continues a gathered text: a new paragraph after the end of a
/// sentence, else the rest of a line broken in the middle.
pub fn continue_text(text: &mut String, line: &str) {
    if text.ends_with(['。', '！', '；', '）']) {
        text.push_str("\n\n");
    }
    text.push_str(line);
}

/// `正文（牵头单位：甲、乙；责任单位：丙）` → (正文, lead units, responsible units). The
/// note may also read `（甲牵头，乙、丙配合）`, `（牵头部门：甲，配合部门：乙）` or
/// `（责任单位：甲、乙）`.
pub fn split_units(text: &str) -> (String, Vec<Yaml>, Vec<Yaml>) {
    let trimmed = text.trim_end().trim_end_matches('。');
    let note = trimmed
        .strip_suffix('）')
        .and_then(|t| Some((t, t.rfind('（')?)))
        .map(|(t, open)| (open, &t[open + '（'.len_utf8()..]))
        .filter(|(_, note)| {
            ["牵头", "责任单位", "配合", "责任部门", "参与", "负责"]
                .iter()
                .any(|w| note.contains(w))
        });
    let Some((open, note)) = note else {
        return (text.to_owned(), Vec::new(), Vec::new());
    };
    let (mut lead, mut units) = (Vec::new(), Vec::new());
    let note = note
        .replace("牵头，", "牵头；")
        .replace("，配合", "；配合")
        .replace("，责任", "；责任")
        .replace("，参与", "；参与");
    for part in note.split(['；', ';']) {
        let part = part.trim();
        let labelled = |labels: &[&str]| {
            labels.iter().find_map(|l| {
                part.strip_prefix(l)
                    .map(|rest| rest.trim_start_matches(['：', ':']))
            })
        };
        if let Some(list) = labelled(&["牵头单位", "牵头部门"]) {
            lead.extend(split_list(list));
        } else if let Some(list) = labelled(&[
            "责任单位",
            "配合单位",
            "责任部门",
            "配合部门",
            "参与单位",
            "参与部门",
        ]) {
            units.extend(split_list(list));
        } else if let Some(list) = part.strip_suffix("牵头") {
            lead.extend(split_list(list));
        } else if let Some(list) = ["按职责分工负责", "配合", "参与", "负责"]
            .iter()
            .find_map(|w| part.strip_suffix(w))
        {
            units.extend(split_list(list));
        } else {
            units.extend(split_list(part));
        }
    }
    (trimmed[..open].trim().to_owned(), lead, units)
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
                // The source's stop stays: printed, 乙事 does not run into 三是.
                s("乙事。"),
                Yaml::Map(vec![("title", s("丙事")), ("text", s("做丙。"))]),
            ]
        );
        assert!(split_items("只有一是一个。").1.is_empty());
        // An item that ends in ；keeps it, and the next one its 。.
        let (_, items) = split_items("一是入库企业60家；二是强化政策支持。三是优化服务。");
        assert_eq!(items[0], s("入库企业60家；"));
    }

    #[test]
    fn units_are_split_off_a_task() {
        let (body, lead, units) = split_units(
            "实施计划。内容。（牵头单位：市科技局；责任单位：市财政局、各县区人民政府）",
        );
        assert_eq!(body, "实施计划。内容。");
        assert_eq!(lead, vec![s("市科技局")]);
        assert_eq!(units, vec![s("市财政局"), s("各县区人民政府")]);
        let (body, lead, units) =
            split_units("落实政策。（县科技局牵头，县工信局、各乡镇人民政府配合）");
        assert_eq!(body, "落实政策。");
        assert_eq!(lead, vec![s("县科技局")]);
        assert_eq!(units, vec![s("县工信局"), s("各乡镇人民政府")]);
        let (_, lead, units) =
            split_units("建设平台。（牵头部门：县工信局，配合部门：县财政局）。");
        assert_eq!((lead, units), (vec![s("县工信局")], vec![s("县财政局")]));
        // A parenthesis that names no units stays in the text.
        let (body, lead, _) = split_units("推广新技术（含农业技术）");
        assert_eq!((body.as_str(), lead.len()), ("推广新技术（含农业技术）", 0));
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

    #[test]
    fn datelines_give_the_date_and_source_and_go() {
        let text = prepare(
            "首页 > 新闻\n某市科技局召开推进会\n2019-06-14 16:33:46 来源：某市科学技术局\n会议强调，要抓好落实。\n",
        );
        assert_eq!(
            text.lines,
            vec!["某市科技局召开推进会", "会议强调，要抓好落实。"]
        );
        assert_eq!(text.page.date.as_deref(), Some("2019-06-14"));
        assert_eq!(text.page.source.as_deref(), Some("某市科学技术局"));
        // A sentence with a date is text, not a dateline, and so is a labelled date
        // after the body has begun.
        assert!(dateline("2024年6月6日，我局召开会议。").is_none());
        let text = prepare("通知如下。\n发布时间：2024-06-06 10:00\n");
        assert_eq!(text.page, Page::default());
    }

    #[test]
    fn dates_in_every_writing() {
        for (line, iso) in [
            ("2024年12月16日", "2024-12-16"),
            ("2024-1-5", "2024-01-05"),
            ("2024/01/05", "2024-01-05"),
            ("二〇二四年十二月十六日", "2024-12-16"),
            ("二〇二五年一月三十一日", "2025-01-31"),
            ("二〇二五年十月十日", "2025-10-10"),
        ] {
            assert_eq!(date_of(line).as_deref(), Some(iso), "{line}");
        }
        assert_eq!(date_of("2024年工作总结"), None);
        assert_eq!(date_of("二〇二五年二月三十日"), None);
    }

    #[test]
    fn lead_paragraphs_become_sections_only_without_numbered_headings() {
        let mut lines: Vec<String> = [
            "导语段落，介绍全年工作的总体情况和主要成效。",
            "**2024年新增企业15家。**区科技局逐家辅导企业。",
            "**研发投入强度提高到2.6%。**区财政给予后补助。",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(number_lead_paragraphs(&mut lines), 2);
        assert_eq!(lines[1], "一、2024年新增企业15家。区科技局逐家辅导企业。");
        assert_eq!(lines[2], "二、研发投入强度提高到2.6%。区财政给予后补助。");
        let mut numbered: Vec<String> = ["一、总体情况", "**一是加强领导。**成立专班。"]
            .map(String::from)
            .to_vec();
        assert_eq!(number_lead_paragraphs(&mut numbered), 0);
        assert_eq!(numbered[1], "一是加强领导。成立专班。");
    }

    #[test]
    fn enumerations_of_every_family() {
        let (before, bodies) = enumeration("总述。第一，甲事。做甲。第二，乙事。").unwrap();
        assert_eq!((before, bodies), ("总述。", vec!["甲事。做甲。", "乙事。"]));
        let (_, bodies) = enumeration("首先，统一思想。其次，压实责任。最后，强化督导。").unwrap();
        assert_eq!(bodies, vec!["统一思想。", "压实责任。", "强化督导。"]);
        // 第一 inside a sentence is not an item.
        assert!(enumeration("全省第一，全国第二。").is_none());
    }

    #[test]
    fn furniture_words_open_sentences_of_the_document_too() {
        let lines = clean_lines(
            "相关部门要按照职责分工，认真抓好各项任务的落实，确保取得实效，形成工作合力，推动高质量发展。\n相关链接\n",
        );
        assert_eq!(lines.len(), 1, "{lines:?}");
    }
}
