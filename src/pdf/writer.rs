//! The plan's body → Typst markup. Every piece of text is escaped, so data never becomes markup:
//! a title `#read("secret.txt")` or `$x$` prints as itself.

use crate::plan::{Align, Block, Inline, Inlines, Plan, Share, Style, Table};

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

/// How many Western characters typst may set without a break opportunity: a line holds
/// about 44 capitals, so a break every 16 characters always leaves room.
const UNBROKEN: usize = 16;

/// Text with a zero-width space after every 16 characters of a run of Western characters
/// without a space (a serial number, a URL written as text): typst never breaks inside a
/// word, so such a run would run off the page and out of sight. `run` is the length of the
/// run the text continues (text before it in a link or a code span counts) and is left at
/// the length of the run it ends with. Chinese text breaks between any two characters.
fn breakable<'t>(text: &'t str, run: &mut usize) -> std::borrow::Cow<'t, str> {
    let unbroken = |c: char| !c.is_whitespace() && !crate::zh::is_cjk(c) && c != '\u{200b}';
    let mut out: Option<String> = None;
    for (i, c) in text.char_indices() {
        if !unbroken(c) {
            *run = 0;
        } else if *run >= UNBROKEN {
            out.get_or_insert_with(|| text[..i].to_owned())
                .push('\u{200b}');
            *run = 1;
        } else {
            *run += 1;
        }
        if let Some(out) = &mut out {
            out.push(c);
        }
    }
    match out {
        Some(out) => std::borrow::Cow::Owned(out),
        None => std::borrow::Cow::Borrowed(text),
    }
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

/// A plan's body in Typst markup.
#[derive(Debug, Default)]
pub struct Converted {
    /// The body proper.
    pub markup: String,
    /// Each attachment's page(s), in order, after the signature.
    pub attachments: Vec<String>,
    /// Where each block of the body starts in `markup` (a byte offset) and the line of
    /// the Markdown it comes from: typst's errors are mapped back through it.
    pub origins: Vec<(usize, u32)>,
}

/// The body and attachments of a plan in Typst markup. Headings `#` to `####` are the
/// levels 一、 （一） 1. （1）.
pub fn convert(plan: &Plan) -> Converted {
    let mut writer = Writer::default();
    let main = &plan.body;
    let mut origins = Vec::new();
    let line = |i: usize| plan.body_lines.get(i).copied().unwrap_or(0);
    // A short last paragraph is kept with the signature (see the page style).
    let last = plan.last_paragraph();
    let plain = main.len() - usize::from(last.is_some());
    for (i, block) in main[..plain].iter().enumerate() {
        origins.push((writer.out.len(), line(i)));
        writer.block(block);
    }
    if let Some(last) = last {
        origins.push((writer.out.len(), line(main.len() - 1)));
        writer.out.push_str("#keep-with-next[");
        writer.inlines(last);
        writer.out.push_str("]\n\n");
    }
    let markup = std::mem::take(&mut writer.out);
    let mut attachments = Vec::new();
    for (k, attachment) in plan.attachments.iter().enumerate() {
        writer.inlines(&attachment.title);
        let title = std::mem::take(&mut writer.out);
        writer.blocks(&attachment.content);
        let content = std::mem::take(&mut writer.out);
        // A document that is itself an attachment is labelled 附件 alone: its number is the
        // cover document's to give.
        let number = match plan.parts.as_attachment {
            true => "\"\"".to_owned(),
            false => (k + 1).to_string(),
        };
        attachments.push(format!(
            "#attachment({number}, [{}], landscape: {})[\n{content}]\n",
            title.trim(),
            attachment.landscape
        ));
    }
    Converted {
        markup,
        attachments,
        origins,
    }
}

#[derive(Default)]
struct Writer {
    out: String,
    /// How many lists, tables or footnotes are open: inside one, blocks are not separated
    /// by paragraph breaks.
    nested: usize,
    /// The Western characters set since the last break opportunity (see `breakable`).
    run: usize,
}

impl Writer {
    fn push_text(&mut self, text: &str) {
        let text = breakable(text, &mut self.run);
        let text: &str = &text;
        // A content block (`#keep-with-next[`, a cell, a footnote) starts a line too: there
        // `1234567890. text` would be a numbered list item, which typst drops.
        let line_start = self.out.is_empty() || self.out.ends_with(['\n', '[']);
        let after_code = self.out.ends_with([']', ')']);
        self.out
            .push_str(&escape_markup(text, line_start, after_code));
    }

    fn block_end(&mut self) {
        if self.nested == 0 {
            self.out.push_str("\n\n");
        }
    }

    /// Ends an item or a cell: a loose item ends with a forced break, not needed at its end.
    fn item_end(&mut self) {
        if self.out.ends_with(" \\\n") {
            self.out.truncate(self.out.len() - 3);
        }
        self.out.push_str("], ");
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph(content) => {
                self.inlines(content);
                if self.nested == 0 {
                    self.block_end();
                } else {
                    self.out.push_str(" \\\n");
                }
            }
            Block::Plain(content) => self.inlines(content),
            Block::TableTitle(content) => {
                self.out.push_str("#table-title[");
                self.inlines(content);
                self.out.push(']');
                self.block_end();
            }
            Block::Heading { level, content } => {
                self.out.push_str(&format!("#heading(level: {level})["));
                self.inlines(content);
                self.out.push(']');
                self.block_end();
            }
            Block::Quote(inner) => {
                self.out.push_str("#quote(block: true)[");
                self.blocks(inner);
                self.out.push(']');
                self.block_end();
            }
            Block::Code(code) => {
                self.out.push_str(&format!(
                    "#raw(block: true, {})\n\n",
                    string_literal(&breakable(code, &mut 0))
                ));
            }
            Block::List { start, items } => {
                match start {
                    Some(n) => self.out.push_str(&format!("#enum(start: {n}, ")),
                    None => self.out.push_str("#list("),
                }
                self.nested += 1;
                for item in items {
                    self.out.push('[');
                    self.blocks(item);
                    self.item_end();
                }
                self.nested -= 1;
                self.out.push(')');
                self.block_end();
            }
            Block::Table(table) => self.table(table),
            Block::Chart(chart) => {
                let bars: Vec<String> = chart
                    .bars
                    .iter()
                    .map(|b| {
                        format!(
                            "({}, {}, {}),",
                            string_literal(&b.label),
                            b.value,
                            string_literal(&b.text)
                        )
                    })
                    .collect();
                self.out.push_str(&format!(
                    "#bar-chart({}, ({}))\n\n",
                    string_literal(&chart.title),
                    bars.join(" ")
                ));
            }
            Block::Rule => self.out.push_str("#line(length: 100%)\n\n"),
        }
    }

    /// The table spans the type area, its columns shared out by their contents.
    fn table(&mut self, table: &Table) {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| match c.share {
                Share::Points(pt) => format!("{pt}pt"),
                Share::Fraction(fr) => format!("{fr}fr"),
            })
            .collect();
        let align: Vec<&str> = table
            .columns
            .iter()
            .map(|c| match c.align {
                Align::Right => "right + horizon",
                Align::Center => "center + horizon",
                Align::Default | Align::Left => "left + horizon",
            })
            .collect();
        // A compact table (the 任务分解表) is set by the style's `compact-table`.
        let function = if table.compact {
            "compact-table"
        } else {
            "table"
        };
        self.out.push_str(&format!(
            "#{function}(columns: ({},), align: ({},), ",
            columns.join(", "),
            align.join(", ")
        ));
        self.nested += 1;
        self.out.push_str("table.header(");
        self.cells(&table.head);
        self.out.push_str("), ");
        for (i, row) in table.rows.iter().enumerate() {
            if table.full_width.contains(&i) {
                self.out
                    .push_str(&format!("group-row({}, [", table.columns.len()));
                self.inlines(&row[0]);
                self.out.push_str("]), ");
            } else {
                self.cells(row);
            }
        }
        self.nested -= 1;
        self.out.push(')');
        self.block_end();
    }

    fn cells(&mut self, cells: &[Inlines]) {
        for cell in cells {
            self.out.push('[');
            self.inlines(cell);
            self.item_end();
        }
    }

    fn inlines(&mut self, content: &[Inline]) {
        for inline in content {
            match inline {
                Inline::Text(t) => self.push_text(t),
                Inline::Code(t) => self.out.push_str(&format!(
                    "#raw({})",
                    string_literal(&breakable(t, &mut self.run))
                )),
                Inline::Styled(style, inner) => {
                    self.out.push_str(match style {
                        Style::Emphasis => "#emph[",
                        Style::Strong => "#strong[",
                        Style::Strike => "#strike[",
                    });
                    self.inlines(inner);
                    self.out.push(']');
                }
                Inline::Link { target, content } => {
                    self.out
                        .push_str(&format!("#link({})[", string_literal(target)));
                    self.inlines(content);
                    self.out.push(']');
                }
                Inline::Footnote(inner) => {
                    self.out.push_str("#footnote[");
                    self.nested += 1;
                    self.inlines(inner);
                    self.nested -= 1;
                    self.out.push(']');
                }
                Inline::Break => self.out.push_str(" \\\n"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_western_run_gets_break_opportunities_and_keeps_its_characters() {
        let run = "A".repeat(40);
        let text = format!("前{run} short words 后");
        let out = breakable(&text, &mut 0);
        assert_eq!(out.matches('\u{200b}').count(), 2, "{out}");
        assert_eq!(out.replace('\u{200b}', ""), text);
        // Runs of up to 16 characters, and Chinese text, are left as they are.
        let short = "二〇二四年 ABCDEFGHIJKLMNOP 科技";
        assert_eq!(breakable(short, &mut 0), short);
        // A run goes on across pieces (text, a link's text, text): it is counted whole.
        let mut run = 0;
        assert_eq!(breakable("abcdefghij", &mut run), "abcdefghij");
        assert_eq!(breakable("klmnopqrst", &mut run), "klmnop\u{200b}qrst");
        assert_eq!(run, 4);
    }
    use crate::official::Official;

    fn body(markdown: &str) -> Converted {
        convert(&Plan::new(
            &Official::new("work-report", "标题".into()),
            markdown,
        ))
    }

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
        let c = body("第一行\n第二行 and\nmore");
        assert_eq!(c.markup, "#keep-with-next[第一行第二行 and more]\n\n");
    }

    #[test]
    fn headings_lists_tables_footnotes() {
        let md = "# 一、部分\n\n## （一）节\n\n- 甲\n- 乙\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 说明\n";
        let c = body(md);
        assert!(c.attachments.is_empty());
        assert_eq!(
            c.markup,
            "#heading(level: 1)[一、部分]\n\n#heading(level: 2)[（一）节]\n\n#list([甲], [乙], )\n\n#table(columns: (56pt, 56pt,), align: (left + horizon, left + horizon,), table.header([a], [b], ), [1], [2], )\n\n#keep-with-next[注#footnote[说明]]\n\n"
        );
    }

    #[test]
    fn text_that_looks_like_a_signature_stays_in_the_body() {
        let c = body("正文。\n\n某局\n\n2024年1月2日\n\n抄送：乙。\n");
        assert_eq!(
            c.markup,
            "正文。\n\n某局\n\n2024年1月2日\n\n#keep-with-next[抄送：乙。]\n\n"
        );
    }

    #[test]
    fn marked_headings_start_attachments() {
        let c = body(
            "正文。\n\n# 任务分解表 {.attachment .landscape}\n\n| a |\n|---|\n| 1 |\n\n# 名单 {.attachment}\n\n甲。\n",
        );
        assert_eq!(c.markup, "#keep-with-next[正文。]\n\n");
        assert_eq!(c.attachments.len(), 2);
        assert!(
            c.attachments[0]
                .starts_with("#attachment(1, [任务分解表], landscape: true)[\n#compact-table(")
        );
        assert_eq!(
            c.attachments[1],
            "#attachment(2, [名单], landscape: false)[\n甲。\n\n]\n"
        );
        // Data cannot mark a heading: its braces are escaped, so they are text.
        let c = body("# 标题 \\{.attachment\\}\n");
        assert!(c.attachments.is_empty());
    }
}
