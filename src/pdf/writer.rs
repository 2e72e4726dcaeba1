//! Markdown → Typst markup. Every piece of text is escaped, so data never becomes markup:
//! a title `#read("secret.txt")` or `$x$` prints as itself.

use std::collections::HashMap;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::render::filters::is_cjk;

/// Characters with meaning in Typst markup; each is written with a backslash.
const MARKUP_CHARS: &[char] = &[
    '\\', '*', '_', '`', '<', '>', '@', '=', '-', '+', '/', '$', '#', '[', ']', '\'', '"', '~',
];

/// Escapes text for Typst markup. `line_start`: the text begins a line, where `1.` would
/// start a numbered list; `after_code`: it follows an embedded expression, where `.` or
/// `(` would continue it.
pub fn escape_markup(text: &str, line_start: bool, after_code: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let escape = MARKUP_CHARS.contains(&c)
            || (i == 0 && after_code && matches!(c, '.' | '(' | ':'))
            // `...` is a shorthand for the ellipsis.
            || (c == '.' && chars.get(i + 1) == Some(&'.'))
            || (c == '.'
                && line_start
                && i > 0
                && chars[..i].iter().all(char::is_ascii_digit)
                && chars.get(i + 1).is_none_or(|n| n.is_whitespace()));
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Typst string literal.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// A Markdown document in Typst markup, in the parts the page style places itself.
#[derive(Debug, Default)]
pub struct Converted {
    /// Lines before the title (e.g. 是否同意公开, the document number).
    pub preamble: Vec<String>,
    pub markup: String,
    /// Lines after the signing organ and date (e.g. 领导签发, 联系人及电话).
    pub notes: Vec<String>,
    /// Every character set, for the font check.
    pub text: String,
}

/// What the page style places itself, as written in the front matter.
#[derive(Clone, Copy, Debug, Default)]
pub struct Placed<'m> {
    /// The signing organ and the date in Chinese: the paragraphs holding exactly these are
    /// taken out of the body; the paragraphs after them become `notes`.
    pub signature: Option<(&'m str, &'m str)>,
    /// The colophon is set from the front matter, so a closing `抄送：` line is dropped.
    pub has_colophon: bool,
}

/// Converts Markdown (without its front matter) to Typst markup.
pub fn convert(markdown: &str, placed: Placed) -> Converted {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    // Footnote definitions are set where they are referenced.
    let mut footnotes = HashMap::new();
    let mut events_wo_notes = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i] {
            let end = matching_end(&events, i);
            footnotes.insert(label.to_string(), events[i + 1..end].to_vec());
            i = end + 1;
        } else {
            events_wo_notes.push(events[i].clone());
            i += 1;
        }
    }
    let events = events_wo_notes;
    let title = events.iter().position(|e| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    let body_start = title
        .filter(|&t| only_paragraphs(&events[..t]))
        .unwrap_or(0);
    let (body_end, tail_start) = placed
        .signature
        .and_then(|(organ, date)| find_signature(&events[body_start..], organ, date))
        .map_or((events.len(), events.len()), |(s, e)| {
            (body_start + s, body_start + e)
        });

    let mut writer = Writer::new(&footnotes);
    let preamble = paragraphs(&events[..body_start])
        .into_iter()
        .map(|p| writer.line(p))
        .collect();
    writer.events(&events[body_start..body_end]);
    let markup = std::mem::take(&mut writer.out);
    let notes = paragraphs(&events[tail_start..])
        .into_iter()
        .filter(|p| !(placed.has_colophon && plain_text(p).is_some_and(|t| t.starts_with("抄送"))))
        .map(|p| writer.line(p))
        .collect();
    Converted {
        preamble,
        markup,
        notes,
        text: writer.text,
    }
}

fn only_paragraphs(events: &[Event]) -> bool {
    paragraphs(events)
        .iter()
        .map(|p| p.len() + 2)
        .sum::<usize>()
        == events.len()
}

/// The top-level paragraphs of `events`, each without its start and end.
fn paragraphs<'e, 'a>(events: &'e [Event<'a>]) -> Vec<&'e [Event<'a>]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i], Event::Start(Tag::Paragraph)) {
            let end = matching_end(events, i);
            out.push(&events[i + 1..end]);
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn matching_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0;
    for (i, event) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// The plain text of a paragraph's inner events, if it is plain text only.
fn plain_text(inner: &[Event]) -> Option<String> {
    let mut text = String::new();
    for event in inner {
        match event {
            Event::Text(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => {}
            _ => return None,
        }
    }
    Some(text.trim().to_owned())
}

/// The last top-level pair of paragraphs reading exactly `organ` then `date`: the index
/// where the organ's paragraph starts and the index after the date's.
fn find_signature(events: &[Event], organ: &str, date: &str) -> Option<(usize, usize)> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let end = matching_end(events, i);
        if matches!(events[i], Event::Start(Tag::Paragraph)) {
            starts.push((i, end, plain_text(&events[i + 1..end])));
        } else {
            starts.push((i, end, None));
        }
        i = end + 1;
    }
    starts.windows(2).rev().find_map(|pair| {
        let ((organ_start, _, first), (_, date_end, second)) = (&pair[0], &pair[1]);
        (first.as_deref() == Some(organ) && second.as_deref() == Some(date))
            .then_some((*organ_start, date_end + 1))
    })
}

struct Writer<'f, 'a> {
    out: String,
    text: String,
    footnotes: &'f HashMap<String, Vec<Event<'a>>>,
    pending_soft_break: bool,
    list_stack: Vec<bool>,
    in_code_block: Option<String>,
}

impl<'f, 'a> Writer<'f, 'a> {
    fn new(footnotes: &'f HashMap<String, Vec<Event<'a>>>) -> Self {
        Writer {
            out: String::new(),
            text: String::new(),
            footnotes,
            pending_soft_break: false,
            list_stack: Vec::new(),
            in_code_block: None,
        }
    }

    /// One paragraph's inner events as a line of markup, apart from the body.
    fn line(&mut self, inner: &[Event<'a>]) -> String {
        let body = std::mem::take(&mut self.out);
        self.events(inner);
        self.pending_soft_break = false;
        std::mem::replace(&mut self.out, body)
    }

    fn events(&mut self, events: &[Event<'a>]) {
        for event in events {
            self.event(event);
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.pending_soft_break {
            self.pending_soft_break = false;
            let before = self.text.chars().last();
            let after = text.chars().next();
            // A line break inside a paragraph between two Han characters is no space.
            if !matches!((before, after), (Some(b), Some(a)) if is_cjk(b) || is_cjk(a)) {
                self.out.push(' ');
                self.text.push(' ');
            }
        }
        let line_start = self.out.is_empty() || self.out.ends_with('\n');
        let after_code = self.out.ends_with([']', ')']);
        self.out
            .push_str(&escape_markup(text, line_start, after_code));
        self.text.push_str(text);
    }

    fn block_end(&mut self) {
        self.pending_soft_break = false;
        if self.list_stack.is_empty() {
            self.out.push_str("\n\n");
        }
    }

    fn event(&mut self, event: &Event<'a>) {
        if let Some(code) = &mut self.in_code_block {
            match event {
                Event::Text(t) => code.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let code = self.in_code_block.take().unwrap_or_default();
                    self.text.push_str(&code);
                    self.out
                        .push_str(&format!("#raw(block: true, {})\n\n", string_literal(&code)));
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => self.push_text(t),
            Event::Code(t) => {
                self.text.push_str(t);
                self.out.push_str(&format!("#raw({})", string_literal(t)));
            }
            Event::SoftBreak => self.pending_soft_break = true,
            Event::HardBreak => self.out.push_str(" \\\n"),
            Event::Rule => self.out.push_str("#line(length: 100%)\n\n"),
            Event::FootnoteReference(label) => {
                let content = self
                    .footnotes
                    .get(label.as_ref())
                    .cloned()
                    .unwrap_or_default();
                self.out.push_str("#footnote[");
                let inner: Vec<Event> = content
                    .into_iter()
                    .filter(|e| {
                        !matches!(
                            e,
                            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
                        )
                    })
                    .collect();
                self.list_stack.push(false); // no paragraph breaks inside the footnote
                self.events(&inner);
                self.list_stack.pop();
                self.out.push(']');
            }
            Event::TaskListMarker(done) => self.push_text(if *done { "☑ " } else { "☐ " }),
        }
    }

    fn start(&mut self, tag: &Tag<'a>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                if *level == HeadingLevel::H1 {
                    self.out.push_str("#title[");
                } else {
                    let typst_level = (*level as usize).saturating_sub(1).max(1);
                    self.out
                        .push_str(&format!("#heading(level: {typst_level})["));
                }
            }
            Tag::BlockQuote(_) => self.out.push_str("#quote(block: true)["),
            Tag::CodeBlock(_) => self.in_code_block = Some(String::new()),
            Tag::List(start) => {
                match start {
                    Some(n) => self.out.push_str(&format!("#enum(start: {n}, ")),
                    None => self.out.push_str("#list("),
                }
                self.list_stack.push(true);
            }
            Tag::Item => self.out.push('['),
            Tag::Table(aligns) => {
                self.out
                    .push_str(&format!("#table(columns: {}, ", aligns.len().max(1)));
                self.list_stack.push(true);
            }
            Tag::TableHead => self.out.push_str("table.header("),
            Tag::TableRow => {}
            Tag::TableCell => self.out.push('['),
            Tag::Emphasis => self.out.push_str("#emph["),
            Tag::Strong => self.out.push_str("#strong["),
            Tag::Strikethrough => self.out.push_str("#strike["),
            Tag::Link { dest_url, .. } => {
                self.out
                    .push_str(&format!("#link({})[", string_literal(dest_url)));
            }
            // Images are not fetched: their description is set as text.
            Tag::Image { .. } => {}
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if self.list_stack.is_empty() {
                    self.block_end();
                } else {
                    self.out.push_str(" \\\n");
                }
            }
            TagEnd::Heading(_) => {
                self.out.push(']');
                self.block_end();
            }
            TagEnd::BlockQuote(_) => {
                self.out.push(']');
                self.block_end();
            }
            TagEnd::List(_) => {
                self.list_stack.pop();
                self.out.push(')');
                self.block_end();
            }
            TagEnd::Item | TagEnd::TableCell => {
                // A loose item ends with a forced break; it is not needed at the very end.
                if self.out.ends_with(" \\\n") {
                    self.out.truncate(self.out.len() - 3);
                }
                self.out.push_str("], ");
            }
            TagEnd::TableHead => self.out.push_str("), "),
            TagEnd::Table => {
                self.list_stack.pop();
                self.out.push(')');
                self.block_end();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                self.out.push(']')
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape_markup("#read(\"x\")", false, false),
            "\\#read(\\\"x\\\")"
        );
        assert_eq!(escape_markup("$x$ // y", false, false), "\\$x\\$ \\/\\/ y");
        assert_eq!(escape_markup("1. 项", true, false), "1\\. 项");
        assert_eq!(escape_markup("42.27亿元", true, false), "42.27亿元");
        assert_eq!(escape_markup("等等...", false, false), "等等\\.\\..");
        assert_eq!(escape_markup(".x", false, true), "\\.x");
    }

    #[test]
    fn soft_breaks_between_han_characters_vanish() {
        let c = convert("第一行\n第二行 and\nmore", Placed::default());
        assert_eq!(c.markup, "第一行第二行 and more\n\n");
    }

    #[test]
    fn headings_lists_tables_footnotes() {
        let md = "# 标题\n\n## 一、部分\n\n- 甲\n- 乙\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 说明\n";
        let c = convert(md, Placed::default());
        assert_eq!(
            c.markup,
            "#title[标题]\n\n#heading(level: 1)[一、部分]\n\n#list([甲], [乙], )\n\n#table(columns: 2, table.header([a], [b], ), [1], [2], )\n\n注#footnote[说明]\n\n"
        );
    }

    #[test]
    fn signature_paragraphs_are_left_to_the_style() {
        let placed = Placed {
            signature: Some(("某局", "2024年1月2日")),
            has_colophon: true,
        };
        let c = convert(
            "是否同意公开：是\n\n某字〔2024〕1号\n\n# 题\n\n正文。\n\n某局\n\n2024年1月2日\n\n领导签发：甲\n\n抄送：乙。\n",
            placed,
        );
        assert_eq!(c.preamble, ["是否同意公开：是", "某字〔2024〕1号"]);
        assert_eq!(c.markup, "#title[题]\n\n正文。\n\n");
        assert_eq!(c.notes, ["领导签发：甲"]);
        let kept = convert("正文。\n\n别的局\n\n2024年1月2日\n", placed);
        assert!(kept.markup.contains("别的局"));
        assert!(kept.notes.is_empty());
    }
}
