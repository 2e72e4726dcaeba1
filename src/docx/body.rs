//! Markdown events → WordprocessingML blocks (paragraphs and tables). Every piece of text
//! goes through `xml::run`, which escapes it: data never becomes markup.

use std::collections::HashMap;

use pulldown_cmark::{Alignment, Event, Tag, TagEnd};

use super::xml::{self, Props};
use super::{Geometry, styles};
use crate::markdown::{self, Share, TABLE_TITLE};
use crate::zh::is_cjk;

/// A block of the document body: a paragraph (whose properties may still gain a section
/// break) or a table.
pub enum Block {
    Paragraph { props: Props, runs: String },
    Table(String),
}

impl Block {
    pub fn paragraph(props: Props, runs: String) -> Block {
        Block::Paragraph { props, runs }
    }

    pub fn xml(&self) -> String {
        match self {
            Block::Paragraph { props, runs } => xml::paragraph(props, runs),
            Block::Table(xml) => xml.clone(),
        }
    }
}

/// Writes Markdown events as blocks, within a type area of `geometry`.
pub struct Converter<'f, 'a> {
    pub blocks: Vec<Block>,
    footnotes: &'f HashMap<String, Vec<Event<'a>>>,
    geometry: Geometry,
    /// The paragraph being written: its properties and runs.
    props: Props,
    runs: String,
    open: bool,
    /// Inline formatting in force: bold, italic, struck through.
    bold: usize,
    italic: usize,
    strike: usize,
    pending_soft_break: bool,
    last_char: Option<char>,
    list_stack: Vec<Option<u64>>,
    table: Option<Table>,
    code: Option<String>,
}

/// A table being written.
struct Table {
    aligns: Vec<Alignment>,
    widths: Vec<u32>,
    rows: Vec<String>,
    cells: Vec<String>,
    in_head: bool,
}

impl<'f, 'a> Converter<'f, 'a> {
    pub fn new(footnotes: &'f HashMap<String, Vec<Event<'a>>>, geometry: Geometry) -> Self {
        Converter {
            blocks: Vec::new(),
            footnotes,
            geometry,
            props: xml::para(),
            runs: String::new(),
            open: false,
            bold: 0,
            italic: 0,
            strike: 0,
            pending_soft_break: false,
            last_char: None,
            list_stack: Vec::new(),
            table: None,
            code: None,
        }
    }

    pub fn events(&mut self, events: &[Event<'a>]) {
        for (i, event) in events.iter().enumerate() {
            if let Event::Start(Tag::Table(aligns)) = event {
                let end = markdown::matching_end(events, i);
                let shares = markdown::column_widths(&events[i..=end], aligns.len());
                self.table = Some(Table {
                    aligns: aligns.clone(),
                    widths: twips(&markdown::column_shares(&shares), self.geometry.width),
                    rows: Vec::new(),
                    cells: Vec::new(),
                    in_head: false,
                });
            }
            self.event(event);
        }
        self.finish_paragraph();
    }

    /// Starts a paragraph of the given properties, ending any open one.
    fn begin(&mut self, props: Props) {
        self.finish_paragraph();
        self.props = props;
        self.open = true;
    }

    fn finish_paragraph(&mut self) {
        if !self.open {
            return;
        }
        self.open = false;
        self.pending_soft_break = false;
        let props = std::mem::replace(&mut self.props, xml::para());
        let runs = std::mem::take(&mut self.runs);
        match &mut self.table {
            // A cell holds its paragraphs; an empty cell still needs one.
            Some(table) => {
                if let Some(cell) = table.cells.last_mut() {
                    cell.push_str(&xml::paragraph(&props, &runs));
                }
            }
            None => self.blocks.push(Block::paragraph(props, runs)),
        }
    }

    fn run_props(&self) -> Props {
        let mut props = xml::run_props();
        if self.bold > 0 {
            props = props.set("b", "<w:b/>");
        }
        if self.italic > 0 {
            props = props.set("i", "<w:i/>");
        }
        if self.strike > 0 {
            props = props.set("strike", "<w:strike/>");
        }
        props
    }

    fn text(&mut self, text: &str) {
        if !self.open {
            let props = if self.table.is_some() {
                styles::paragraph(styles::TABLE_TEXT)
            } else {
                styles::paragraph(styles::BODY)
            };
            self.begin(props);
        }
        let mut text = text.to_owned();
        if std::mem::take(&mut self.pending_soft_break) {
            // A line break inside a paragraph between two Han characters is no space.
            let after = text.chars().next();
            if !matches!((self.last_char, after), (Some(b), Some(a)) if is_cjk(b) || is_cjk(a)) {
                text.insert(0, ' ');
            }
        }
        if let Some(c) = text.chars().last() {
            self.last_char = Some(c);
        }
        let props = self.run_props();
        self.runs.push_str(&xml::run(&props, &text));
    }

    fn event(&mut self, event: &Event<'a>) {
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let code = self.code.take().unwrap_or_default();
                    for line in code.trim_end_matches('\n').split('\n') {
                        self.begin(styles::paragraph(styles::PLAIN));
                        self.text(line);
                        self.finish_paragraph();
                    }
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => self.text(t),
            Event::SoftBreak => self.pending_soft_break = true,
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                let props = styles::paragraph(styles::PLAIN).set(
                    "pBdr",
                    "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>",
                );
                self.begin(props);
                self.finish_paragraph();
            }
            // A footnote's text is set in brackets where it is referenced.
            Event::FootnoteReference(label) => {
                let content = self
                    .footnotes
                    .get(label.as_ref())
                    .cloned()
                    .unwrap_or_default();
                self.text("（");
                for e in &content {
                    self.event(e);
                }
                self.text("）");
            }
            Event::TaskListMarker(done) => self.text(if *done { "☑ " } else { "☐ " }),
        }
    }

    fn start(&mut self, tag: &Tag<'a>) {
        match tag {
            Tag::Paragraph if self.table.is_none() && self.list_stack.is_empty() => {
                self.begin(styles::paragraph(styles::BODY));
            }
            Tag::Heading { classes, .. } if classes.iter().any(|c| c.as_ref() == TABLE_TITLE) => {
                self.begin(styles::paragraph(styles::TABLE_TITLE));
            }
            Tag::Heading { level, .. } => {
                let level = (*level as usize).min(4);
                self.begin(styles::paragraph(styles::HEADINGS[level - 1]));
            }
            Tag::BlockQuote(_) => {}
            Tag::CodeBlock(_) => self.code = Some(String::new()),
            Tag::List(start) => self.list_stack.push(*start),
            Tag::Item => {
                self.begin(styles::paragraph(styles::BODY));
                let marker = match self.list_stack.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "• ".to_owned(),
                };
                self.text(&marker);
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = true;
                }
            }
            Tag::TableCell => {
                if let Some(table) = &mut self.table {
                    table.cells.push(String::new());
                    let column = table.cells.len() - 1;
                    let align = match table.aligns.get(column) {
                        Some(Alignment::Right) => "right",
                        Some(Alignment::Center) => "center",
                        _ if table.in_head => "center",
                        _ => "left",
                    };
                    let style = if table.in_head {
                        styles::TABLE_HEADER
                    } else {
                        styles::TABLE_TEXT
                    };
                    let props =
                        styles::paragraph(style).set("jc", format!("<w:jc w:val=\"{align}\"/>"));
                    self.begin(props);
                }
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph if self.table.is_none() && self.list_stack.is_empty() => {
                self.finish_paragraph();
            }
            TagEnd::Heading(_) | TagEnd::Item => self.finish_paragraph(),
            TagEnd::List(_) => {
                self.list_stack.pop();
            }
            TagEnd::TableCell => {
                // Written into the cell by finish_paragraph; an empty cell gets an empty one.
                if !self.open
                    && let Some(table) = &mut self.table
                    && table.cells.last().is_some_and(String::is_empty)
                {
                    let props = styles::paragraph(styles::TABLE_TEXT);
                    self.begin(props);
                }
                self.finish_paragraph();
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.end_row(true);
                    table.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    table.end_row(false);
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.blocks
                        .push(Block::Table(table.xml(self.geometry.width)));
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            _ => {}
        }
    }
}

/// Column widths in twips from their shares of `width`.
fn twips(shares: &[Share], width: u32) -> Vec<u32> {
    let fixed: f64 = shares
        .iter()
        .map(|s| match s {
            Share::Points(pt) => pt * 20.0,
            Share::Fraction(_) => 0.0,
        })
        .sum();
    let fractions: f64 = shares
        .iter()
        .map(|s| match s {
            Share::Fraction(f) => *f,
            Share::Points(_) => 0.0,
        })
        .sum();
    let rest = (f64::from(width) - fixed).max(0.0);
    shares
        .iter()
        .map(|s| match s {
            Share::Points(pt) => (pt * 20.0).round() as u32,
            Share::Fraction(f) if fractions > 0.0 => (rest * f / fractions).floor() as u32,
            Share::Fraction(_) => 0,
        })
        .collect()
}

impl Table {
    fn end_row(&mut self, header: bool) {
        let cells: String = self
            .cells
            .drain(..)
            .enumerate()
            .map(|(i, content)| {
                let width = self.widths.get(i).copied().unwrap_or(0);
                format!(
                    "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{content}</w:tc>"
                )
            })
            .collect();
        // Rows are never split across pages; the header row repeats on every page.
        let row_props = if header {
            "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        } else {
            "<w:trPr><w:cantSplit/></w:trPr>"
        };
        self.rows.push(format!("<w:tr>{row_props}{cells}</w:tr>"));
    }

    fn xml(&self, width: u32) -> String {
        let grid: String = self
            .widths
            .iter()
            .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
            .collect();
        let border = |side: &str| {
            format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>")
        };
        let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
            .iter()
            .map(|s| border(s))
            .collect();
        // The cells' padding is left and right only: a one-line row is one grid row high.
        format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"{width}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"{pad}\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"{pad}\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>",
            pad = 158,
            rows = self.rows.concat()
        )
    }
}
