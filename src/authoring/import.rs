//! `gongwen import`: a plain-text document, as copied from a government website or a Word
//! file, turned into a data file. It recognises the numbered headings (一、 （一） 1. （1）),
//! inline enumerations (一是、二是), a plan's lead and responsible units, a reply's metadata,
//! and the signing organ and date; it drops page furniture. What it cannot find becomes a
//! `〖…〗` placeholder, which validation then points at.

use crate::kinds::{action_plan, proposal_reply, work_report};
use crate::render::filters::is_cjk;

/// A YAML value to emit: strings are always double-quoted, so any text is safe.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<Yaml>),
    Map(Vec<(&'static str, Yaml)>),
}

fn s(text: impl Into<String>) -> Yaml {
    Yaml::Str(text.into())
}

impl Yaml {
    fn emit(&self, indent: usize, out: &mut String) {
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
            Yaml::Str(text) => crate::render::yaml_quote(text),
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
        let marker = format!("{}是", crate::render::filters::chinese_numeral(n));
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
struct Section {
    title: String,
    text: Vec<String>,
    sections: Vec<Section>,
}

impl Section {
    fn to_yaml(&self) -> Yaml {
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
fn sections(lines: &[String], level: usize) -> (Vec<String>, Vec<Section>) {
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
fn date_of(line: &str) -> Option<String> {
    let line = line.trim();
    crate::kinds::common::Date::parse(line).map(|d| d.iso())
}

/// The signing organ and date: the last date line and the short line before it. Returns
/// them and the index where they start.
fn signature(lines: &[String]) -> Option<(String, String, usize)> {
    let at = lines.iter().rposition(|l| date_of(l).is_some())?;
    let date = date_of(&lines[at])?;
    let organ = at
        .checked_sub(1)
        .map(|i| lines[i].clone())
        .filter(|o| o.chars().count() <= 30 && !o.contains('。'))?;
    Some((organ, date, at - 1))
}

fn first_year(text: &str) -> Option<i64> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(5).find_map(|w| {
        (w[..4].iter().all(char::is_ascii_digit) && w[4] == '年')
            .then(|| w[..4].iter().collect::<String>().parse().ok())?
    })
}

/// Which kind a text is: a reply names its addressee, a plan has tasks with units.
pub fn guess_kind(lines: &[String]) -> &'static str {
    if lines
        .iter()
        .any(|l| (l.ends_with("委员：") || l.ends_with("代表：")) && l.chars().count() <= 12)
        || lines
            .iter()
            .any(|l| l.starts_with("对") && l.ends_with("的答复"))
    {
        proposal_reply::KIND
    } else if lines
        .iter()
        .any(|l| l.contains("牵头单位") || l.contains("责任单位"))
    {
        action_plan::KIND
    } else {
        work_report::KIND
    }
}

/// Imports a text as a data file of `kind` (or the guessed one): the YAML text.
pub fn import(text: &str, kind: Option<&str>, source_name: &str) -> Result<String, String> {
    let lines = clean_lines(text);
    let kind = match kind {
        Some(k) if crate::kinds::KINDS.contains(&k) => k,
        Some(k) => return Err(format!("unknown document kind `{k}`")),
        None => guess_kind(&lines),
    };
    let document = match kind {
        work_report::KIND => import_report(&lines),
        proposal_reply::KIND => import_reply(&lines),
        _ => import_plan(&lines),
    };
    let mut out = format!(
        "# yaml-language-server: $schema=../schema/gongwen.schema.json\n# 由 gongwen import 从 {source_name} 导入：请核对；〖…〗处为未能识别、需要填写的内容。\n"
    );
    document.emit(0, &mut out);
    Ok(out)
}

/// A part of a work report: its heading (一、…) if written, and its sections.
type Part = (Option<String>, Vec<Section>);

fn import_report(lines: &[String]) -> Yaml {
    let title_at = lines
        .iter()
        .position(|l| heading(l).is_none() && (l.contains("总结") || l.contains("计划")));
    let title = title_at.map(|i| lines[i].clone());
    let (organ, date, end) = match signature(lines) {
        Some((organ, date, at)) => (s(organ), s(date), at),
        None => (s("〖发文机关〗"), s("〖日期〗"), lines.len()),
    };
    let year = title
        .as_deref()
        .and_then(first_year)
        .or_else(|| match &date {
            Yaml::Str(d) => d.get(..4).and_then(|y| y.parse().ok()),
            _ => None,
        });
    let body = &lines[title_at.map_or(0, |i| i + 1)..end];
    let has_parts = body
        .iter()
        .any(|l| heading(l).is_some_and(|(level, _)| level == 1));
    let (lead, parts): (Vec<String>, Vec<Part>) = if has_parts {
        let (lead, top) = sections(body, 1);
        let parts = top
            .into_iter()
            .map(|part| (Some(part.title), part.sections))
            .collect();
        (lead, parts)
    } else {
        // No 一、 headings: a second run of （一） starts next year's plan.
        let (lead, top) = sections(body, 2);
        let split = top
            .iter()
            .skip(1)
            .position(|s| s.title.contains("计划"))
            .map_or(top.len() / 2, |i| i + 1);
        let mut top = top;
        let plan = top.split_off(split.max(1).min(top.len()));
        (lead, vec![(None, top), (None, plan)])
    };
    let part = |(heading, sections): &Part| {
        let mut entries = Vec::new();
        if let Some(h) = heading {
            entries.push(("heading", s(h)));
        }
        entries.push((
            "sections",
            Yaml::List(sections.iter().map(Section::to_yaml).collect()),
        ));
        Yaml::Map(entries)
    };
    let plan_index = parts
        .iter()
        .position(|(h, _)| h.as_deref().is_some_and(|h| h.contains("计划")))
        .unwrap_or(1);
    let review = parts
        .first()
        .map_or_else(|| part(&(None, Vec::new())), &part);
    let plan = parts
        .get(plan_index)
        .map_or_else(|| part(&(None, Vec::new())), &part);
    let mut entries = vec![
        ("kind", s(work_report::KIND)),
        ("organ", organ),
        ("year", year.map_or(s("〖年份〗"), Yaml::Int)),
        ("date", date),
    ];
    if let Some(title) = title {
        entries.push(("title", s(title)));
    }
    if !lead.is_empty() {
        entries.push(("lead", s(lead.join("\n\n"))));
    }
    entries.push(("review", review));
    entries.push(("plan", plan));
    Yaml::Map(entries)
}

fn after_colon(line: &str) -> &str {
    line.split_once('：').map_or("", |(_, v)| v).trim()
}

fn split_list(text: &str) -> Vec<Yaml> {
    text.trim_end_matches('。')
        .split(['，', '、', ',', ';', '；'])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(s)
        .collect()
}

fn import_reply(lines: &[String]) -> Yaml {
    let mut public = None;
    let mut result = None;
    let mut doc_number = None;
    let mut title = None;
    let mut addressee = None;
    let mut proposal_title = None;
    let mut signed_by = None;
    let mut contact = None;
    let mut cc = Vec::new();
    let mut body = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if line.contains("是否同意公开") || line.contains("办理结果") {
            if line.contains("是否同意公开") {
                public = Some(
                    !line
                        .split("是否同意公开")
                        .nth(1)
                        .unwrap_or("")
                        .trim_start_matches(['：', '（', ' '])
                        .starts_with('否'),
                );
            }
            if let Some(after) = line.split("办理结果").nth(1) {
                result = after.chars().find(|c| matches!(c, 'A' | 'B' | 'C'));
            }
        } else if line.contains('〔')
            && line.ends_with('号')
            && line.chars().count() <= 30
            && doc_number.is_none()
        {
            doc_number = Some(line.clone());
        } else if line.starts_with('对') && title.is_none() {
            // A long title may be broken over two lines.
            let joined = if line.ends_with("的答复") {
                line.clone()
            } else {
                format!("{line}{}", lines.get(i + 1).map_or("", |l| l))
            };
            if joined.ends_with("的答复") {
                if !line.ends_with("的答复") {
                    i += 1;
                }
                title = Some(joined);
            } else {
                body.push(line.clone());
            }
        } else if (line.ends_with("委员：") || line.ends_with("代表："))
            && line.chars().count() <= 12
        {
            addressee = Some(line.trim_end_matches('：').to_owned());
        } else if line.starts_with("您提出的") && line.contains("收悉") {
            proposal_title = line
                .split('“')
                .nth(1)
                .and_then(|t| t.split('”').next())
                .map(str::to_owned);
        } else if line.starts_with("领导签发") {
            signed_by = Some(after_colon(line).to_owned());
        } else if line.starts_with("联系人") {
            contact = Some(after_colon(line).to_owned());
        } else if line.starts_with("抄送") {
            cc = split_list(after_colon(line));
        } else {
            body.push(line.clone());
        }
        i += 1;
    }
    // The same title is often printed twice: once by the website, once in the document.
    if let Some(t) = &title {
        body.retain(|l| !t.starts_with(l.as_str()) || l.chars().count() < 4);
    }
    let (organ, date, end) = match signature(&body) {
        Some((organ, date, at)) => (s(organ), s(date), at),
        None => (s("〖答复单位〗"), s("〖日期〗"), body.len()),
    };
    // The bureau's name atop the web page is not part of the reply's text.
    let mut content: Vec<String> = body[..end].to_vec();
    if let Yaml::Str(name) = &organ {
        content.retain(|l| l != name);
    }
    let closing = content
        .last()
        .filter(|l| {
            heading(l).is_none()
                && (l.starts_with("感谢") || l.starts_with("谢谢") || l.starts_with("特此"))
        })
        .cloned();
    if closing.is_some() {
        content.pop();
    }
    let (lead, sections) = sections(&content, 1);
    let (meeting, number, kind) =
        title
            .as_deref()
            .and_then(parse_reply_title)
            .unwrap_or_else(|| {
                (
                    "〖会议〗".to_owned(),
                    "〖编号〗".to_owned(),
                    "〖提案或建议〗".to_owned(),
                )
            });
    let (proposer, role) = addressee
        .as_deref()
        .map(|a| {
            let role = if a.ends_with("代表") {
                "代表"
            } else {
                "委员"
            };
            (a.trim_end_matches(role).to_owned(), role.to_owned())
        })
        .unwrap_or_else(|| ("〖提出人〗".to_owned(), "委员".to_owned()));
    let (contact_name, phone) = match contact
        .as_deref()
        .and_then(|c| c.split_once(['，', ',', ' ']))
    {
        Some((name, phone)) => (name.trim().to_owned(), phone.trim().to_owned()),
        None => ("〖联系人姓名〗".to_owned(), "〖联系电话〗".to_owned()),
    };
    let mut entries = vec![
        ("kind", s(proposal_reply::KIND)),
        ("organ", organ),
        ("date", date),
        (
            "doc_number",
            s(doc_number.unwrap_or_else(|| "〖文号〗".to_owned())),
        ),
        (
            "result",
            s(result.map_or("〖A、B或C〗".to_owned(), String::from)),
        ),
    ];
    if result == Some('C') {
        entries.push(("reason", s("〖暂不能解决的原因〗")));
    }
    entries.push(("public", Yaml::Bool(public.unwrap_or(true))));
    entries.push((
        "proposal",
        Yaml::Map(vec![
            ("meeting", s(meeting)),
            ("number", s(number)),
            (
                "title",
                s(proposal_title.unwrap_or_else(|| "〖提案或建议的标题〗".to_owned())),
            ),
            ("proposer", s(proposer)),
            ("role", s(role)),
            ("type", s(kind)),
        ]),
    ));
    if !lead.is_empty() {
        entries.push(("lead", s(lead.join("\n\n"))));
    }
    entries.push((
        "sections",
        Yaml::List(sections.iter().map(Section::to_yaml).collect()),
    ));
    if let Some(closing) = closing {
        entries.push(("closing", s(closing)));
    }
    entries.push((
        "signed_by",
        s(signed_by.unwrap_or_else(|| "〖领导签发人〗".to_owned())),
    ));
    entries.push((
        "contact",
        Yaml::Map(vec![("name", s(contact_name)), ("phone", s(phone))]),
    ));
    if !cc.is_empty() {
        entries.push(("cc", Yaml::List(cc)));
    }
    Yaml::Map(entries)
}

/// `对政协…会议第0520号提案的答复` → (meeting, number, 提案/建议).
pub fn parse_reply_title(title: &str) -> Option<(String, String, String)> {
    let inner = title.strip_prefix('对')?.strip_suffix("的答复")?;
    let kind = ["提案", "建议"].into_iter().find(|k| inner.ends_with(k))?;
    let inner = inner.strip_suffix(kind)?.strip_suffix('号')?;
    let at = inner.rfind('第')?;
    let number = &inner[at + '第'.len_utf8()..];
    number
        .chars()
        .all(|c| c.is_ascii_digit())
        .then(|| (inner[..at].to_owned(), number.to_owned(), kind.to_owned()))
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

fn task_yaml(rest: &str) -> Yaml {
    let (body, lead, units) = split_units(rest);
    let (title, text) = split_run_in(&body);
    let mut entries = vec![("title", s(title))];
    if let Some(text) = text {
        entries.push(("text", s(text)));
    }
    if !lead.is_empty() {
        entries.push(("lead_units", Yaml::List(lead)));
    }
    if !units.is_empty() {
        entries.push(("units", Yaml::List(units)));
    }
    if entries.len() == 1 || (entries.len() == 2 && entries[1].0 == "text") {
        entries.push(("units", Yaml::List(vec![s("〖责任单位〗")])));
    }
    Yaml::Map(entries)
}

fn import_plan(lines: &[String]) -> Yaml {
    // `某市人民政府印发某行动计划（2018—2020年）的通知` gives the organ and the title.
    let title_at = lines
        .iter()
        .position(|l| heading(l).is_none() && (l.contains("计划") || l.contains("方案")));
    let (organ, title) = match title_at.map(|i| lines[i].as_str()) {
        Some(line) => match line.split_once("印发") {
            Some((organ, rest)) => (
                Some(organ.to_owned()),
                rest.trim_end_matches("的通知").to_owned(),
            ),
            None => (None, line.to_owned()),
        },
        None => (None, "〖标题〗".to_owned()),
    };
    let years: Vec<i64> = title
        .split(['（', '—', '-', '–', '年', '）'])
        .filter_map(|p| (p.len() == 4).then(|| p.parse().ok()).flatten())
        .collect();
    let date = lines.iter().find_map(|l| date_of(l));
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for line in &lines[title_at.map_or(0, |i| i + 1)..] {
        match heading(line) {
            Some((1, rest)) => parts.push((rest.to_owned(), Vec::new())),
            _ if date_of(line).is_some() => {}
            _ => {
                if let Some(part) = parts.last_mut() {
                    part.1.push(line.clone());
                }
            }
        }
    }
    let part = |name: &str| {
        parts
            .iter()
            .find(|(h, _)| h.contains(name))
            .map(|(_, l)| l.as_slice())
            .unwrap_or(&[])
    };
    let guiding = part("指导思想").join("\n\n");
    let (goal_lead, goal_groups) = sections(part("目标"), 2);
    let groups: Vec<Yaml> = goal_groups
        .iter()
        .map(|g| {
            let text = if g.text.is_empty() {
                "〖目标〗".to_owned()
            } else {
                g.text.join("\n\n")
            };
            Yaml::Map(vec![("title", s(&g.title)), ("text", s(text))])
        })
        .collect();
    let mut task_groups: Vec<(String, Vec<Yaml>)> = Vec::new();
    for line in part("任务") {
        match heading(line) {
            Some((2, rest)) => task_groups.push((split_run_in(rest).0, Vec::new())),
            Some((3, rest)) => {
                if task_groups.is_empty() {
                    task_groups.push(("〖任务分组〗".to_owned(), Vec::new()));
                }
                task_groups
                    .last_mut()
                    .expect("a group")
                    .1
                    .push(task_yaml(rest));
            }
            _ => {
                // A continuation line of the last task's text.
                if let Some(Yaml::Map(task)) = task_groups.last_mut().and_then(|g| g.1.last_mut())
                    && let Some((_, Yaml::Str(text))) = task.iter_mut().find(|(k, _)| *k == "text")
                {
                    text.push_str("\n\n");
                    text.push_str(line);
                }
            }
        }
    }
    let safeguards: Vec<Yaml> = part("保障")
        .iter()
        .filter_map(|l| {
            heading(l)
                .filter(|(level, _)| *level == 2)
                .map(|(_, rest)| task_yaml(rest))
        })
        .collect();
    let mut entries = vec![
        ("kind", s(action_plan::KIND)),
        ("title", s(title)),
        (
            "organ",
            s(organ.unwrap_or_else(|| "〖发文机关〗".to_owned())),
        ),
        (
            "period",
            Yaml::Map(vec![
                (
                    "first",
                    years.first().map_or(s("〖年份〗"), |y| Yaml::Int(*y)),
                ),
                (
                    "last",
                    years.last().map_or(s("〖年份〗"), |y| Yaml::Int(*y)),
                ),
            ]),
        ),
        ("date", s(date.unwrap_or_else(|| "〖日期〗".to_owned()))),
        (
            "guiding",
            s(if guiding.is_empty() {
                "〖指导思想〗".to_owned()
            } else {
                guiding
            }),
        ),
    ];
    let mut goals = Vec::new();
    if !goal_lead.is_empty() {
        goals.push(("lead", s(goal_lead.join("\n\n"))));
    }
    goals.push(("groups", Yaml::List(groups)));
    entries.push(("goals", Yaml::Map(goals)));
    entries.push((
        "tasks",
        Yaml::List(
            task_groups
                .into_iter()
                .map(|(title, tasks)| {
                    Yaml::Map(vec![("title", s(title)), ("tasks", Yaml::List(tasks))])
                })
                .collect(),
        ),
    ));
    if !safeguards.is_empty() {
        entries.push(("safeguards", Yaml::List(safeguards)));
    }
    Yaml::Map(entries)
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
    fn units_and_reply_titles() {
        let (body, lead, units) = split_units(
            "实施计划。内容。（牵头单位：市科技局；责任单位：市财政局、各县区人民政府）",
        );
        assert_eq!(body, "实施计划。内容。");
        assert_eq!(lead, vec![s("市科技局")]);
        assert_eq!(units, vec![s("市财政局"), s("各县区人民政府")]);
        assert_eq!(
            parse_reply_title("对政协某市第十四届委员会第四次会议第0520号提案的答复"),
            Some((
                "政协某市第十四届委员会第四次会议".into(),
                "0520".into(),
                "提案".into()
            ))
        );
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
