//! Markdown → Typst markup. Every piece of text is escaped, so data never becomes markup:
//! a title `#read("secret.txt")` or `$x$` prints as itself.

use std::collections::HashMap;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::markdown::{self, Share, TABLE_TITLE, matching_end};
use crate::zh::is_cjk;

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

/// A Markdown body in Typst markup.
#[derive(Debug, Default)]
pub struct Converted {
    /// The body proper.
    pub markup: String,
    /// Each attachment's page(s), in order, after the signature.
    pub attachments: Vec<String>,
    /// Every character set, for the font check.
    pub text: String,
}

/// Converts a Markdown body (without its front matter) to Typst markup. Headings `#` to
/// `####` are the levels 一、 （一） 1. （1）.
pub fn convert(markdown: &str) -> Converted {
    let body = markdown::split(markdown);
    let mut writer = Writer::new(&body.footnotes);
    let main = &body.main;
    // A short last paragraph is kept with the signature (see the page style).
    match markdown::last_paragraph(main) {
        Some(start) => {
            writer.events(&main[..start]);
            writer.out.push_str("#keep-with-next[");
            writer.events(&main[start + 1..main.len() - 1]);
            writer.out.push_str("]\n\n");
        }
        None => writer.events(main),
    }
    let markup = std::mem::take(&mut writer.out);
    let mut attachments = Vec::new();
    for (k, attachment) in body.attachments.iter().enumerate() {
        writer.events(&attachment.title);
        let title = std::mem::take(&mut writer.out);
        writer.events(&attachment.content);
        let content = std::mem::take(&mut writer.out);
        attachments.push(format!(
            "#attachment({}, [{}], landscape: {})[\n{content}]\n",
            k + 1,
            title.trim(),
            attachment.landscape
        ));
    }
    Converted {
        markup,
        attachments,
        text: writer.text,
    }
}

struct Writer<'f, 'a> {
    out: String,
    text: String,
    footnotes: &'f HashMap<String, Vec<Event<'a>>>,
    pending_soft_break: bool,
    list_stack: Vec<bool>,
    in_code_block: Option<String>,
    /// The shares of the next table's columns, measured before it is written.
    column_widths: Option<Vec<usize>>,
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
            column_widths: None,
        }
    }

    fn events(&mut self, events: &[Event<'a>]) {
        for (i, event) in events.iter().enumerate() {
            if let Event::Start(Tag::Table(aligns)) = event {
                let end = matching_end(events, i);
                self.column_widths = Some(markdown::column_widths(&events[i..=end], aligns.len()));
            }
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
                let inner = self
                    .footnotes
                    .get(label.as_ref())
                    .cloned()
                    .unwrap_or_default();
                self.out.push_str("#footnote[");
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
            Tag::Heading { classes, .. } if classes.iter().any(|c| c.as_ref() == TABLE_TITLE) => {
                self.out.push_str("#table-title[");
            }
            Tag::Heading { level, .. } => {
                let level = (*level as usize).min(4);
                self.out.push_str(&format!("#heading(level: {level})["));
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
                // The table spans the type area, its columns shared out by their contents.
                let widths = self
                    .column_widths
                    .take()
                    .unwrap_or_else(|| vec![16; aligns.len().max(1)]);
                let columns: Vec<String> = markdown::column_shares(&widths)
                    .iter()
                    .map(|share| match share {
                        Share::Points(pt) => format!("{pt}pt"),
                        Share::Fraction(fr) => format!("{fr}fr"),
                    })
                    .collect();
                let align: Vec<&str> = aligns
                    .iter()
                    .map(|a| match a {
                        pulldown_cmark::Alignment::Right => "right + horizon",
                        pulldown_cmark::Alignment::Center => "center + horizon",
                        _ => "left + horizon",
                    })
                    .collect();
                self.out.push_str(&format!(
                    "#table(columns: ({},), align: ({},), ",
                    columns.join(", "),
                    align.join(", ")
                ));
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
        let c = convert("第一行\n第二行 and\nmore");
        assert_eq!(c.markup, "#keep-with-next[第一行第二行 and more]\n\n");
    }

    #[test]
    fn headings_lists_tables_footnotes() {
        let md = "# 一、部分\n\n## （一）节\n\n- 甲\n- 乙\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 说明\n";
        let c = convert(md);
        assert!(c.attachments.is_empty());
        assert_eq!(
            c.markup,
            "#heading(level: 1)[一、部分]\n\n#heading(level: 2)[（一）节]\n\n#list([甲], [乙], )\n\n#table(columns: (56pt, 56pt,), align: (left + horizon, left + horizon,), table.header([a], [b], ), [1], [2], )\n\n#keep-with-next[注#footnote[说明]]\n\n"
        );
    }

    #[test]
    fn text_that_looks_like_a_signature_stays_in_the_body() {
        let c = convert("正文。\n\n某局\n\n2024年1月2日\n\n抄送：乙。\n");
        assert_eq!(
            c.markup,
            "正文。\n\n某局\n\n2024年1月2日\n\n#keep-with-next[抄送：乙。]\n\n"
        );
    }

    #[test]
    fn marked_headings_start_attachments() {
        let c = convert(
            "正文。\n\n# 任务分解表 {.attachment .landscape}\n\n| a |\n|---|\n| 1 |\n\n# 名单 {.attachment}\n\n甲。\n",
        );
        assert_eq!(c.markup, "#keep-with-next[正文。]\n\n");
        assert_eq!(c.attachments.len(), 2);
        assert!(
            c.attachments[0].starts_with("#attachment(1, [任务分解表], landscape: true)[\n#table(")
        );
        assert_eq!(
            c.attachments[1],
            "#attachment(2, [名单], landscape: false)[\n甲。\n\n]\n"
        );
        // Data cannot mark a heading: its braces are escaped, so they are text.
        let c = convert("# 标题 \\{.attachment\\}\n");
        assert!(c.attachments.is_empty());
    }
}
