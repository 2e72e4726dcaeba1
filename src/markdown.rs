//! The Markdown body as every page back-end reads it (Typst for the PDF, WordprocessingML
//! for the DOCX): the body proper, then each attachment from its marked heading on, with
//! footnote definitions set aside for where they are referenced.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

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

/// An attachment: its title's events and its content's.
pub struct Attachment<'a> {
    pub title: Vec<Event<'a>>,
    pub content: Vec<Event<'a>>,
    pub landscape: bool,
}

/// A Markdown body split into its parts.
pub struct Body<'a> {
    /// The body proper, before the first attachment.
    pub main: Vec<Event<'a>>,
    pub attachments: Vec<Attachment<'a>>,
    /// Footnote definitions by label, their paragraphs unwrapped (set inline).
    pub footnotes: HashMap<String, Vec<Event<'a>>>,
}

fn has_class(event: &Event, class: &str) -> bool {
    matches!(event, Event::Start(Tag::Heading { classes, .. }) if classes.iter().any(|c| c.as_ref() == class))
}

/// Splits a Markdown body (without its front matter).
pub fn split(markdown: &str) -> Body<'_> {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    let mut footnotes = HashMap::new();
    let mut body = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i] {
            let end = matching_end(&events, i);
            // Set inline where referenced: without the paragraph around its text.
            let content = events[i + 1..end]
                .iter()
                .filter(|e| {
                    !matches!(
                        e,
                        Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
                    )
                })
                .cloned()
                .collect();
            footnotes.insert(label.to_string(), content);
            i = end + 1;
        } else {
            body.push(events[i].clone());
            i += 1;
        }
    }
    let starts: Vec<usize> = (0..body.len())
        .filter(|&i| has_class(&body[i], ATTACHMENT))
        .collect();
    let main_end = starts.first().copied().unwrap_or(body.len());
    let attachments = starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let end = starts.get(k + 1).copied().unwrap_or(body.len());
            let title_end = matching_end(&body, start);
            Attachment {
                title: body[start + 1..title_end].to_vec(),
                content: body[title_end + 1..end].to_vec(),
                landscape: has_class(&body[start], LANDSCAPE),
            }
        })
        .collect();
    body.truncate(main_end);
    Body {
        main: body,
        attachments,
        footnotes,
    }
}

/// Where the body's last block starts, if it is a paragraph: it is kept with the signature
/// when short, so that the 落款 does not open a page without the body's text.
pub fn last_paragraph(main: &[Event]) -> Option<usize> {
    (0..main.len())
        .rev()
        .find(|&i| matches!(main[i], Event::Start(Tag::Paragraph)))
        .filter(|&i| matching_end(main, i) + 1 == main.len())
}

/// The index of the event that closes the one opened at `start`.
pub fn matching_end(events: &[Event], start: usize) -> usize {
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

/// Each column's share of a table's width: its longest cell in characters (a Western
/// character half), at least 2 and at most 40. `events` run from the table's start.
pub fn column_widths(events: &[Event], columns: usize) -> Vec<usize> {
    let mut widths = vec![2usize; columns.max(1)];
    let (mut column, mut cell) = (0, 0.0f64);
    for event in events {
        match event {
            Event::Start(Tag::TableRow | Tag::TableHead) => column = 0,
            Event::Start(Tag::TableCell) => cell = 0.0,
            Event::Text(t) | Event::Code(t) => {
                cell += t
                    .chars()
                    .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
                    .sum::<f64>();
            }
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

/// The table's columns as shares of the type area: a short column (at most four
/// characters: 序号, 单位, 完成时限) is as wide as its text and the cell's padding, in points;
/// the others share what is left by the square root of their lengths, so that none is
/// starved.
pub enum Share {
    Points(f64),
    Fraction(f64),
}

pub fn column_shares(widths: &[usize]) -> Vec<Share> {
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
