//! Markdown → the plan's blocks. This is the one module that reads Markdown: the body
//! proper, then each attachment from its marked heading on, with footnote definitions set
//! where they are referenced.

use std::collections::HashMap;

use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};

use super::{Align, Attachment, Block, Column, Inline, Inlines, Share, Style, Table};
use crate::zh::is_cjk;

/// The class that marks a heading as an attachment's title: `# 标题 {.attachment}`, and
/// the one that sets it on landscape pages.
pub const ATTACHMENT: &str = "attachment";
pub const LANDSCAPE: &str = "landscape";
/// The class that marks a heading as the title of the table under it.
pub const TABLE_TITLE: &str = "table-title";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn has_class(event: &Event, class: &str) -> bool {
    matches!(event, Event::Start(Tag::Heading { classes, .. }) if classes.iter().any(|c| c.as_ref() == class))
}

/// [`read_with_offsets`] without the offsets.
pub fn read(markdown: &str) -> (Vec<Block>, Vec<Attachment>) {
    let (blocks, _, attachments) = read_with_offsets(markdown);
    (blocks, attachments)
}

/// Reads a Markdown body (without its front matter): the body proper, the byte offset in
/// `markdown` where each of its blocks starts (an unreferenced footnote's text, set at the
/// end, starts at its definition), and the attachments.
pub fn read_with_offsets(markdown: &str) -> (Vec<Block>, Vec<usize>, Vec<Attachment>) {
    let (events, offsets): (Vec<Event>, Vec<usize>) = Parser::new_ext(markdown, options())
        .into_offset_iter()
        .map(|(event, range)| (event, range.start))
        .unzip();
    let mut footnotes = HashMap::new();
    // The labels in the order they are defined, for the ones nothing refers to.
    let mut labels = Vec::new();
    let mut defined_at = HashMap::new();
    let mut repeated = Vec::new();
    let mut body = Vec::new();
    let mut body_offsets = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i] {
            let end = matching_end(&events, i);
            // Set inline where referenced: without the paragraph around its text.
            let content: Vec<Event> = events[i + 1..end]
                .iter()
                .filter(|e| {
                    !matches!(
                        e,
                        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
                    )
                })
                .cloned()
                .collect();
            // A label defined again: references get the first definition, as in
            // CommonMark; the later one's text is not lost, it ends the body.
            if footnotes.contains_key(label.as_ref()) {
                repeated.push((content, offsets[i]));
            } else {
                labels.push(label.to_string());
                defined_at.insert(label.to_string(), offsets[i]);
                footnotes.insert(label.to_string(), content);
            }
            i = end + 1;
        } else {
            body.push(events[i].clone());
            body_offsets.push(offsets[i]);
            i += 1;
        }
    }
    let mut reader = Reader {
        footnotes: &footnotes,
        referenced: Vec::new(),
        open_footnotes: Vec::new(),
        last_char: None,
        soft_break: false,
    };
    // Attachments start at headings of the body's own level: one inside a list or a
    // quote (`- > # 附件 {.attachment}`) is an ordinary heading there.
    let mut depth = 0usize;
    let mut starts: Vec<usize> = Vec::new();
    for (i, event) in body.iter().enumerate() {
        if depth == 0 && has_class(event, ATTACHMENT) {
            starts.push(i);
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let main_end = starts.first().copied().unwrap_or(body.len());
    let (mut main, mut main_offsets): (Vec<Block>, Vec<usize>) = reader
        .blocks_at(&body[..main_end])
        .into_iter()
        .map(|(at, block)| (block, body_offsets[at]))
        .unzip();
    let attachments = starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let end = starts.get(k + 1).copied().unwrap_or(body.len());
            let title_end = matching_end(&body, start);
            let landscape = has_class(&body[start], LANDSCAPE);
            let mut content = reader.blocks(&body[title_end + 1..end]);
            if landscape {
                // A landscape attachment's table is a compact one (the 任务分解表).
                for block in &mut content {
                    if let Block::Table(table) = block {
                        super::compact::make_compact(table);
                    }
                }
            }
            Attachment {
                title: reader.inlines(&body[start + 1..title_end]),
                content,
                landscape,
            }
        })
        .collect::<Vec<_>>();
    // A footnote that nothing refers to is not lost: its text ends the body.
    for label in labels {
        if !reader.referenced.contains(&label) {
            let content = reader.inlines(&footnotes[&label]);
            main.push(Block::Paragraph(content));
            main_offsets.push(defined_at[&label]);
        }
    }
    for (content, at) in repeated {
        let content = reader.inlines(&content);
        main.push(Block::Paragraph(content));
        main_offsets.push(at);
    }
    (main, main_offsets, attachments)
}

/// The index of the event that closes the one opened at `start`.
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

/// Whether an event belongs to inline content.
fn is_inline(event: &Event) -> bool {
    match event {
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. }
        ),
        Event::End(_) | Event::Rule => false,
        _ => true,
    }
}

struct Reader<'f, 'a> {
    footnotes: &'f HashMap<String, Vec<Event<'a>>>,
    /// The footnotes being read: one that refers to itself is not read again.
    open_footnotes: Vec<String>,
    /// The footnotes referred to so far.
    referenced: Vec<String>,
    /// The last character of text read, for the line-break rule.
    last_char: Option<char>,
    soft_break: bool,
}

impl Reader<'_, '_> {
    fn blocks(&mut self, events: &[Event]) -> Vec<Block> {
        self.blocks_at(events).into_iter().map(|(_, b)| b).collect()
    }

    /// The blocks of `events`, each with the index of the event it starts at.
    fn blocks_at(&mut self, events: &[Event]) -> Vec<(usize, Block)> {
        let mut blocks = Vec::new();
        let mut i = 0;
        while i < events.len() {
            if is_inline(&events[i]) {
                // Text outside a paragraph: a tight list item's.
                let mut end = i;
                while end < events.len() && is_inline(&events[end]) {
                    end = match &events[end] {
                        Event::Start(_) => matching_end(events, end) + 1,
                        _ => end + 1,
                    };
                }
                let content = self.inlines(&events[i..end.min(events.len())]);
                blocks.push((i, Block::Plain(content)));
                self.soft_break = false;
                i = end;
                continue;
            }
            let Event::Start(tag) = &events[i] else {
                if matches!(events[i], Event::Rule) {
                    blocks.push((i, Block::Rule));
                }
                i += 1;
                continue;
            };
            let end = matching_end(events, i);
            let inner = &events[i + 1..end.max(i + 1)];
            if let Some(block) = self.block(tag, inner, &events[i..=end]) {
                blocks.push((i, block));
            }
            self.soft_break = false;
            i = end + 1;
        }
        blocks
    }

    fn block(&mut self, tag: &Tag, inner: &[Event], whole: &[Event]) -> Option<Block> {
        Some(match tag {
            Tag::Paragraph | Tag::HtmlBlock => Block::Paragraph(self.inlines(inner)),
            Tag::Heading { classes, .. } if classes.iter().any(|c| c.as_ref() == TABLE_TITLE) => {
                Block::TableTitle(self.inlines(inner))
            }
            Tag::Heading { level, .. } => Block::Heading {
                level: (*level as u8).min(4),
                content: self.inlines(inner),
            },
            Tag::BlockQuote(_) => Block::Quote(self.blocks(inner)),
            Tag::CodeBlock(kind) => {
                let mut code = String::new();
                for event in inner {
                    if let Event::Text(t) = event {
                        code.push_str(t);
                    }
                }
                self.note(&code);
                let chart = matches!(kind, pulldown_cmark::CodeBlockKind::Fenced(info) if info.trim() == super::CHART_FENCE);
                // A chart block that does not read as one is shown as the code it is.
                match chart.then(|| super::Chart::parse(&code)).flatten() {
                    Some(chart) => Block::Chart(chart),
                    None => Block::Code(code),
                }
            }
            Tag::List(start) => {
                let mut items = Vec::new();
                let mut i = 0;
                while i < inner.len() {
                    let end = matching_end(inner, i);
                    if matches!(inner[i], Event::Start(Tag::Item)) {
                        items.push(self.blocks(&inner[i + 1..end]));
                    }
                    i = end + 1;
                }
                Block::List {
                    start: *start,
                    items,
                }
            }
            Tag::Table(aligns) => Block::Table(self.table(aligns, inner, whole)),
            // Anything else (a stray definition list, metadata): its text, as a paragraph.
            _ => Block::Paragraph(self.inlines(inner)),
        })
    }

    fn table(&mut self, aligns: &[Alignment], inner: &[Event], whole: &[Event]) -> Table {
        let widths = column_widths(whole, aligns.len());
        let columns = aligns
            .iter()
            .zip(column_shares(&widths))
            .map(|(a, share)| Column {
                align: match a {
                    Alignment::None => Align::Default,
                    Alignment::Left => Align::Left,
                    Alignment::Center => Align::Center,
                    Alignment::Right => Align::Right,
                },
                share,
            })
            .collect();
        let mut table = Table {
            columns,
            head: Vec::new(),
            rows: Vec::new(),
            full_width: Vec::new(),
            compact: false,
        };
        let mut i = 0;
        while i < inner.len() {
            let end = matching_end(inner, i);
            let cells = self.cells(&inner[i + 1..end]);
            match inner[i] {
                Event::Start(Tag::TableHead) => table.head = cells,
                Event::Start(Tag::TableRow) => table.rows.push(cells),
                _ => {}
            }
            i = end + 1;
        }
        table
    }

    fn cells(&mut self, events: &[Event]) -> Vec<Inlines> {
        let mut cells = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let end = matching_end(events, i);
            if matches!(events[i], Event::Start(Tag::TableCell)) {
                cells.push(self.inlines(&events[i + 1..end]));
                self.soft_break = false;
            }
            i = end + 1;
        }
        cells
    }

    fn note(&mut self, text: &str) {
        if let Some(c) = text.chars().last() {
            self.last_char = Some(c);
        }
    }

    /// Text, with a pending line break resolved: a space, except next to a Chinese character.
    fn text(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 1);
        if std::mem::take(&mut self.soft_break) {
            let after = text.chars().next();
            if !matches!((self.last_char, after), (Some(b), Some(a)) if is_cjk(b) || is_cjk(a)) {
                out.push(' ');
            }
        }
        out.push_str(text);
        self.note(text);
        out
    }

    /// Inline content; the text of any block inside (a footnote's list or table) is kept.
    fn inlines(&mut self, events: &[Event]) -> Inlines {
        let mut out = Vec::new();
        let mut i = 0;
        while i < events.len() {
            match &events[i] {
                Event::Start(tag) => {
                    let end = matching_end(events, i);
                    let inner = self.inlines(&events[i + 1..end.max(i + 1)]);
                    match tag {
                        Tag::Emphasis => out.push(Inline::Styled(Style::Emphasis, inner)),
                        Tag::Strong => out.push(Inline::Styled(Style::Strong, inner)),
                        Tag::Strikethrough => out.push(Inline::Styled(Style::Strike, inner)),
                        // A link to nowhere (`[说明]()`, `[x]: <>`) is its text.
                        Tag::Link { dest_url, .. } if dest_url.trim().is_empty() => {
                            out.extend(inner)
                        }
                        Tag::Link { dest_url, .. } => out.push(Inline::Link {
                            target: dest_url.to_string(),
                            content: inner,
                        }),
                        // Images are not fetched: their description is set as text.
                        _ => out.extend(inner),
                    }
                    i = end + 1;
                    continue;
                }
                Event::End(_) => {}
                Event::Text(t)
                | Event::Html(t)
                | Event::InlineHtml(t)
                | Event::InlineMath(t)
                | Event::DisplayMath(t) => {
                    let text = self.text(t);
                    out.push(Inline::Text(text));
                }
                Event::Code(t) => {
                    if self.soft_break {
                        let space = self.text("");
                        if !space.is_empty() {
                            out.push(Inline::Text(space));
                        }
                    }
                    self.note(t);
                    out.push(Inline::Code(t.to_string()));
                }
                Event::SoftBreak => self.soft_break = true,
                Event::HardBreak => out.push(Inline::Break),
                Event::Rule => {}
                Event::FootnoteReference(label) => {
                    let label = label.to_string();
                    if self.open_footnotes.contains(&label) {
                        // A footnote that refers to itself: the reference as written.
                        let text = self.text(&format!("[^{label}]"));
                        out.push(Inline::Text(text));
                    } else {
                        let content = self.footnotes.get(&label).cloned();
                        self.referenced.push(label.clone());
                        self.open_footnotes.push(label);
                        let inner = content.map(|c| self.inlines(&c)).unwrap_or_default();
                        self.open_footnotes.pop();
                        out.push(Inline::Footnote(inner));
                    }
                }
                Event::TaskListMarker(done) => {
                    let text = self.text(if *done { "☑ " } else { "☐ " });
                    out.push(Inline::Text(text));
                }
            }
            i += 1;
        }
        out
    }
}

/// Each column's share of a table's width: its longest cell in characters (a Western
/// character half), at least 2 and at most 40. `events` run from the table's start.
fn column_widths(events: &[Event], columns: usize) -> Vec<usize> {
    let mut widths = vec![2usize; columns.max(1)];
    let (mut column, mut cell) = (0, 0.0f64);
    for event in events {
        match event {
            Event::Start(Tag::TableRow | Tag::TableHead) => column = 0,
            Event::Start(Tag::TableCell) => cell = 0.0,
            Event::Text(t) | Event::Code(t) => cell += super::cells(t),
            Event::End(TagEnd::TableCell) => {
                if let Some(width) = widths.get_mut(column) {
                    *width = (*width).max((cell.ceil() as usize).min(40));
                }
                column += 1;
            }
            Event::End(TagEnd::Table) => break,
            _ => {}
        }
    }
    widths
}

fn column_shares(widths: &[usize]) -> Vec<Share> {
    widths
        .iter()
        .map(|&w| {
            if w <= 4 {
                Share::Points((w * 16 + 24) as f64)
            } else {
                Share::Fraction(((w as f64).sqrt() * 10.0).round())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn soft_breaks_between_han_characters_vanish() {
        let (blocks, _) = read("第一行\n第二行 and\nmore");
        assert_eq!(
            blocks,
            [Block::Paragraph(vec![
                text("第一行"),
                text("第二行 and"),
                text(" more")
            ])]
        );
    }

    #[test]
    fn tight_and_loose_lists() {
        let (blocks, _) = read("- 甲\n- 乙\n");
        assert_eq!(
            blocks,
            [Block::List {
                start: None,
                items: vec![
                    vec![Block::Plain(vec![text("甲")])],
                    vec![Block::Plain(vec![text("乙")])]
                ]
            }]
        );
        let (blocks, _) = read("1. 甲\n\n2. 乙\n");
        assert!(
            matches!(&blocks[0], Block::List { start: Some(1), items } if items[0] == [Block::Paragraph(vec![text("甲")])])
        );
    }

    #[test]
    fn footnotes_are_set_where_referenced() {
        let (blocks, _) = read("注[^1]\n\n[^1]: 说明\n");
        assert_eq!(
            blocks,
            [Block::Paragraph(vec![
                text("注"),
                Inline::Footnote(vec![text("说明")])
            ])]
        );
    }

    #[test]
    fn a_footnote_that_refers_to_itself_is_read_once() {
        let (blocks, _) = read("注[^1]\n\n[^1]: 见[^1]\n");
        assert_eq!(
            blocks,
            [Block::Paragraph(vec![
                text("注"),
                Inline::Footnote(vec![text("见"), text("[^1]")])
            ])]
        );
    }

    #[test]
    fn links_to_nowhere_are_their_text_and_unreferenced_footnotes_stay() {
        let (blocks, _) = read("见[说明]()和[附表](<>)。\n\n[^n]: 未引用的注。\n");
        assert_eq!(
            blocks,
            [
                Block::Paragraph(vec![
                    text("见"),
                    text("说明"),
                    text("和"),
                    text("附表"),
                    text("。")
                ]),
                Block::Paragraph(vec![text("未引用的注。")]),
            ]
        );
    }

    #[test]
    fn marked_headings_start_attachments() {
        let (main, attachments) = read(
            "正文。\n\n# 任务分解表 {.attachment .landscape}\n\n| a | 长一些的列 |\n|---|--:|\n| 1 | 2 |\n\n# 名单 {.attachment}\n\n甲。\n",
        );
        assert_eq!(main, [Block::Paragraph(vec![text("正文。")])]);
        assert_eq!(attachments.len(), 2);
        assert!(attachments[0].landscape && !attachments[1].landscape);
        assert_eq!(attachments[0].title, [text("任务分解表")]);
        let Block::Table(table) = &attachments[0].content[0] else {
            panic!("a table")
        };
        assert_eq!(
            table.columns,
            [
                Column {
                    align: Align::Default,
                    share: Share::Points(43.42)
                },
                Column {
                    align: Align::Right,
                    share: Share::Fraction(1.0)
                }
            ]
        );
        // A landscape attachment's table is compact, its columns balanced (the widest
        // takes the rest of the type area).
        assert!(table.compact);
        assert_eq!(table.rows, [vec![vec![text("1")], vec![text("2")]]]);
        // Data cannot mark a heading: its braces are escaped, so they are text.
        let (_, attachments) = read("# 标题 \\{.attachment\\}\n");
        assert!(attachments.is_empty());
    }
}
