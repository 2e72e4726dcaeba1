//! The plan's blocks → WordprocessingML blocks (paragraphs and tables). Every piece of text
//! goes through `xml::run`, which escapes it: data never becomes markup.

use super::xml::{self, Props};
use super::{Geometry, styles};
use crate::plan::{self, Align, Inline, Inlines, Share, Style};

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

/// Writes the plan's blocks as WordprocessingML blocks, within a type area of `geometry`.
pub struct Converter {
    pub blocks: Vec<Block>,
    geometry: Geometry,
    /// The paragraph being written: its properties and runs.
    props: Props,
    runs: String,
    open: bool,
    /// Inline formatting in force: bold, italic, struck through.
    bold: usize,
    italic: usize,
    strike: usize,
    /// The open lists: each one's next number, `None` for a bulleted list.
    list_stack: Vec<Option<u64>>,
    table: Option<TableXml>,
}

/// A table being written.
struct TableXml {
    aligns: Vec<Align>,
    widths: Vec<u32>,
    rows: Vec<String>,
    cells: Vec<String>,
    in_head: bool,
    /// Set smaller and on single spacing (the 任务分解表).
    compact: bool,
    /// The row being written spans this many columns (a task group's title).
    span: Option<usize>,
}

impl Converter {
    pub fn new(geometry: Geometry) -> Self {
        Converter {
            blocks: Vec::new(),
            geometry,
            props: xml::para(),
            runs: String::new(),
            open: false,
            bold: 0,
            italic: 0,
            strike: 0,
            list_stack: Vec::new(),
            table: None,
        }
    }

    pub fn blocks(&mut self, blocks: &[plan::Block]) {
        for block in blocks {
            self.block(block);
        }
        self.finish_paragraph();
    }

    /// The runs of inline content, in the body's style.
    pub fn runs(&mut self, content: &[Inline]) -> String {
        self.inlines(content);
        self.open = false;
        std::mem::take(&mut self.runs)
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
        let props = self.run_props();
        self.runs.push_str(&xml::run(&props, text));
    }

    fn inlines(&mut self, content: &[Inline]) {
        for inline in content {
            match inline {
                Inline::Text(t) | Inline::Code(t) => self.text(t),
                Inline::Styled(style, inner) => {
                    let counter = match style {
                        Style::Emphasis => &mut self.italic,
                        Style::Strong => &mut self.bold,
                        Style::Strike => &mut self.strike,
                    };
                    *counter += 1;
                    self.inlines(inner);
                    let counter = match style {
                        Style::Emphasis => &mut self.italic,
                        Style::Strong => &mut self.bold,
                        Style::Strike => &mut self.strike,
                    };
                    *counter -= 1;
                }
                Inline::Link { content, .. } => self.inlines(content),
                // A footnote's text is set in brackets where it is referenced.
                Inline::Footnote(inner) => {
                    self.text("（");
                    self.inlines(inner);
                    self.text("）");
                }
                Inline::Break => self.text("\n"),
            }
        }
    }

    fn block(&mut self, block: &plan::Block) {
        let in_flow = self.table.is_none() && self.list_stack.is_empty();
        match block {
            plan::Block::Paragraph(content) if in_flow => {
                self.begin(styles::paragraph(styles::BODY));
                self.inlines(content);
                self.finish_paragraph();
            }
            // Inside a list item: the item's paragraph goes on.
            plan::Block::Paragraph(content) | plan::Block::Plain(content) => self.inlines(content),
            plan::Block::TableTitle(content) => {
                self.begin(styles::paragraph(styles::TABLE_TITLE));
                self.inlines(content);
                self.finish_paragraph();
            }
            plan::Block::Heading { level, content } => {
                let level = usize::from(*level).clamp(1, 4);
                self.begin(styles::paragraph(styles::HEADINGS[level - 1]));
                self.inlines(content);
                self.finish_paragraph();
            }
            plan::Block::Quote(inner) => {
                for block in inner {
                    self.block(block);
                }
            }
            plan::Block::Code(code) => {
                for line in code.trim_end_matches('\n').split('\n') {
                    self.begin(styles::paragraph(styles::PLAIN));
                    self.text(line);
                    self.finish_paragraph();
                }
            }
            plan::Block::List { start, items } => {
                self.list_stack.push(*start);
                for item in items {
                    self.begin(styles::paragraph(styles::BODY));
                    let marker = match self.list_stack.last_mut() {
                        Some(Some(n)) => {
                            *n += 1;
                            format!("{}. ", *n - 1)
                        }
                        _ => "• ".to_owned(),
                    };
                    self.text(&marker);
                    for block in item {
                        self.block(block);
                    }
                    self.finish_paragraph();
                }
                self.list_stack.pop();
            }
            plan::Block::Table(table) => self.table(table),
            // A word processor gets the chart's figures as a table under its title.
            plan::Block::Chart(chart) => {
                let text = |t: &str| vec![plan::Inline::Text(t.to_owned())];
                self.block(&plan::Block::TableTitle(text(&chart.title)));
                let column = |align| plan::Column {
                    align,
                    share: plan::Share::Fraction(1.0),
                };
                self.table(&plan::Table {
                    columns: vec![column(plan::Align::Left), column(plan::Align::Right)],
                    head: vec![text("指标"), text("数值")],
                    rows: chart
                        .bars
                        .iter()
                        .map(|b| vec![text(&b.label), text(&b.text)])
                        .collect(),
                    full_width: Vec::new(),
                    compact: false,
                });
            }
            plan::Block::Rule => {
                let props = styles::paragraph(styles::PLAIN).set(
                    "pBdr",
                    "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>",
                );
                self.begin(props);
                self.finish_paragraph();
            }
        }
    }

    fn table(&mut self, table: &plan::Table) {
        let shares: Vec<Share> = table.columns.iter().map(|c| c.share).collect();
        self.finish_paragraph();
        self.table = Some(TableXml {
            aligns: table.columns.iter().map(|c| c.align).collect(),
            widths: twips(&shares, self.geometry.width),
            rows: Vec::new(),
            cells: Vec::new(),
            in_head: true,
            compact: table.compact,
            span: None,
        });
        self.cells(&table.head);
        if let Some(t) = &mut self.table {
            t.end_row(true);
            t.in_head = false;
        }
        for (i, row) in table.rows.iter().enumerate() {
            if table.full_width.contains(&i) {
                // A task group's title across the table, in 黑体.
                if let Some(t) = &mut self.table {
                    t.span = Some(t.widths.len());
                }
                self.cells(&row[..1]);
            } else {
                self.cells(row);
            }
            if let Some(t) = &mut self.table {
                t.end_row(false);
            }
        }
        if let Some(t) = self.table.take() {
            self.blocks.push(Block::Table(t.xml(self.geometry.width)));
        }
    }

    fn cells(&mut self, cells: &[Inlines]) {
        for cell in cells {
            let Some(table) = &mut self.table else {
                return;
            };
            table.cells.push(String::new());
            let column = table.cells.len() - 1;
            let align = match table.aligns.get(column) {
                Some(Align::Right) => "right",
                Some(Align::Center) => "center",
                _ if table.in_head => "center",
                _ => "left",
            };
            let spanning = table.span.is_some();
            let align = if spanning { "left" } else { align };
            let style = match (table.compact, table.in_head || spanning) {
                (false, true) => styles::TABLE_HEADER,
                (false, false) => styles::TABLE_TEXT,
                (true, true) => styles::COMPACT_HEADER,
                (true, false) => styles::COMPACT_TEXT,
            };
            let props = styles::paragraph(style).set("jc", format!("<w:jc w:val=\"{align}\"/>"));
            self.begin(props);
            self.inlines(cell);
            self.finish_paragraph();
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

impl TableXml {
    fn end_row(&mut self, header: bool) {
        let cells: String = self
            .cells
            .drain(..)
            .enumerate()
            .map(|(i, content)| {
                let width = self.widths.get(i).copied().unwrap_or(0);
                match self.span {
                    Some(columns) => format!(
                        "<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/><w:gridSpan w:val=\"{columns}\"/><w:vAlign w:val=\"center\"/></w:tcPr>{content}</w:tc>",
                        self.widths.iter().sum::<u32>()
                    ),
                    None => format!(
                        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{content}</w:tc>"
                    ),
                }
            })
            .collect();
        self.span = None;
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
            // A compact table's padding is half a character of its 14 pt, as in the PDF.
            pad = if self.compact { 140 } else { 158 },
            rows = self.rows.concat()
        )
    }
}
