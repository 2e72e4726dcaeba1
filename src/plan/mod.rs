//! The layout plan: what every page back-end (Typst for the PDF, WordprocessingML for the
//! DOCX) places, built once per document. The official parts are resolved to the strings
//! that are printed (dates written out, notes composed, title lines broken); the body is a
//! list of typed blocks. Back-ends read the plan and never the Markdown: the one reader of
//! Markdown is `plan::markdown`.

pub mod compact;
pub mod gbt9704;
pub mod markdown;
pub mod seal;
pub mod standard;

use crate::official::{FrontMatterError, Official, read_front_matter};
use crate::zh::Date;

/// A run of inline content.
pub type Inlines = Vec<Inline>;

#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Text as written; a line break inside a paragraph is already resolved (a space, or
    /// nothing between Chinese characters).
    Text(String),
    Code(String),
    Styled(Style, Inlines),
    Link {
        target: String,
        content: Inlines,
    },
    /// A footnote, set where it is referenced.
    Footnote(Inlines),
    /// A forced line break.
    Break,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Emphasis,
    Strong,
    Strike,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Default,
    Left,
    Center,
    Right,
}

/// A column's share of the type area: a short column (at most four characters: 序号, 单位,
/// 完成时限) is as wide as its text and the cell's padding, in points; the others share what
/// is left by the square root of their lengths, so that none is starved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Share {
    Points(f64),
    Fraction(f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub align: Align,
    pub share: Share,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub head: Vec<Inlines>,
    pub rows: Vec<Vec<Inlines>>,
    /// Rows set across the whole table (a task group's title), by index into `rows`.
    pub full_width: Vec<usize>,
    /// Set smaller and on single spacing, its columns balanced to its content (the
    /// landscape 任务分解表): see `compact`.
    pub compact: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading of level 1–4: 一、 （一） 1. （1）; its number is in its text.
    Heading {
        level: u8,
        content: Inlines,
    },
    /// The title of the table under it.
    TableTitle(Inlines),
    Paragraph(Inlines),
    /// Text of a tight list item, not a paragraph of its own.
    Plain(Inlines),
    Quote(Vec<Block>),
    Code(String),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Table(Table),
    /// A bar chart (`build --charts`): drawn in the PDF, a table of its figures in the DOCX.
    Chart(Chart),
    Rule,
}

/// A bar chart of figures: its title, then a bar a figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    pub bars: Vec<Bar>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as printed beside the bar (`25.53`).
    pub text: String,
}

/// The fenced block that holds a chart: ` ```gongwen-chart `, its title on the first line,
/// then `value<TAB>label` a line (the value first, so that no label can close the fence).
pub const CHART_FENCE: &str = "gongwen-chart";

impl Chart {
    /// The chart of a fenced block's text, or `None` when a line is not `value<TAB>label`.
    pub fn parse(code: &str) -> Option<Chart> {
        let mut lines = code.lines();
        let title = lines.next()?.trim().to_owned();
        let mut bars = Vec::new();
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let (text, label) = line.split_once('\t')?;
            let value: f64 = text.trim().parse().ok().filter(|v: &f64| v.is_finite())?;
            bars.push(Bar {
                label: label.trim().to_owned(),
                value,
                text: text.trim().to_owned(),
            });
        }
        (!bars.is_empty()).then_some(Chart { title, bars })
    }
}

/// An attachment, on pages of its own after the signature.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub title: Inlines,
    pub content: Vec<Block>,
    pub landscape: bool,
}

/// 版头 of 文件格式 or 信函格式.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    pub copy_number: Option<String>,
    pub secrecy: Option<String>,
    pub urgency: Option<String>,
    pub marks: Vec<String>,
    pub issuers: Vec<String>,
    pub doc_number: Option<String>,
    pub signers: Vec<String>,
}

/// What stands above the title.
#[derive(Clone, Debug, PartialEq)]
pub enum Head {
    /// No 版头 and no marks.
    None,
    /// The marks (是否同意公开、办理结果) left and the document number right, then a row.
    Preamble {
        marks: Vec<String>,
        doc_number: Option<String>,
    },
    Header(Header),
}

/// Which line of the 落款 stands 右空二字; the other is placed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAnchor {
    /// The organ 右空二字, the date starting two characters right of the organ.
    Organ,
    /// The date is longer: the date 右空二字, the organ moved left.
    Date,
}

/// 落款: the signing organ and the date as printed; with seals, laid out as §7.3.5.1 asks
/// (the date 右空四字, the organs centred over their seals, the seals pressing them).
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub organ: String,
    pub date: String,
    pub anchor: SignatureAnchor,
    /// One an organ, in issuing order: one for a single organ, several for a joint issuance.
    pub seals: Vec<SealMark>,
}

/// A seal image that could not be read for the page back-ends.
#[derive(Debug)]
pub struct SealError {
    pub path: std::path::PathBuf,
    pub error: seal::SealImageError,
}

impl crate::diag::Report for SealError {
    fn report(&self, place: &crate::diag::Place) -> crate::diag::Diagnostic {
        let (message, hint) = self.error.message();
        place
            .file_of(crate::diag::Diagnostic::error(format!(
                "{}: {message}",
                crate::diag::printable(&self.path.display().to_string())
            )))
            .with_hint(hint)
    }
}

/// A seal of the 落款 and the organ it presses.
#[derive(Clone, Debug, PartialEq)]
pub struct SealMark {
    pub organ: String,
    /// 签发人职务: a signature stamp (签发人签名章), its title two characters to its left.
    pub signer: Option<String>,
    pub width_mm: f64,
    /// The image as the data names it (relative to the data file); none: stamped by hand.
    pub source: Option<String>,
    /// The image, once read by [`Plan::read_seal_images`].
    pub image: Option<seal::SealImage>,
}

impl SealMark {
    /// The seal's height in millimetres: a hand-stamped seal is round.
    pub fn height_mm(&self) -> f64 {
        self.width_mm * self.image.as_ref().map_or(1.0, |i| i.aspect)
    }
}

/// 版记.
#[derive(Clone, Debug, PartialEq)]
pub struct Colophon {
    pub cc: Vec<String>,
    pub printer: Option<String>,
    /// 印发日期 as printed.
    pub printed: Option<String>,
}

/// The official parts, as printed.
#[derive(Clone, Debug, PartialEq)]
pub struct Parts {
    pub kind: String,
    pub title: String,
    pub title_lines: Vec<String>,
    /// 发文机关 (the document's author in its properties).
    pub organ: Option<String>,
    pub letter: bool,
    pub head: Head,
    pub addressee: Option<String>,
    /// 附件说明.
    pub attachments: Vec<String>,
    pub signature: Option<Signature>,
    /// The PDF standards the document asks for (`pdf_standard:`).
    pub pdf_standard: Option<String>,
    /// Lines under the date: 领导签发, 联系人及电话.
    pub notes: Vec<String>,
    pub colophon: Option<Colophon>,
    /// 成文日期.
    pub date: Option<Date>,
    /// The document is itself an attachment: no 版头, title, 落款 or notes are printed,
    /// only its attachments, labelled 附件 without a number.
    pub as_attachment: bool,
}

/// A document laid out for the page back-ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub parts: Parts,
    /// The body proper, before the first attachment.
    pub body: Vec<Block>,
    /// The line of the Markdown file each block of `body` starts at, so that a typesetting
    /// error is reported where the user wrote the block.
    pub body_lines: Vec<u32>,
    pub attachments: Vec<Attachment>,
}

impl Plan {
    /// The plan of a document's official parts and its Markdown body (without front matter).
    pub fn new(official: &Official, body: &str) -> Plan {
        Plan::new_at(official, body, 1)
    }

    /// [`Plan::new`] for a body that starts at line `first_line` of its Markdown file.
    pub fn new_at(official: &Official, body: &str, first_line: u32) -> Plan {
        let (blocks, offsets, attachments) = markdown::read_with_offsets(body);
        let body_lines = offsets
            .iter()
            .map(|&at| first_line + body[..at.min(body.len())].matches('\n').count() as u32)
            .collect();
        Plan {
            parts: Parts::new(official),
            body: blocks,
            body_lines,
            attachments,
        }
    }

    /// The plan of a Markdown text with gongwen front matter (`gongwen pdf/docx FILE.md`).
    pub fn from_markdown(markdown: &str) -> Result<Plan, FrontMatterError> {
        let (official, body) = read_front_matter(markdown)?;
        let before = markdown.len() - body.len();
        let first_line = 1 + markdown[..before].matches('\n').count() as u32;
        Ok(Plan::new_at(&official, body, first_line))
    }

    /// Reads the seal images the plan names, each path relative to `base` (the folder of the
    /// file that names it). The data file's rules have checked them; this reads them again
    /// for the page back-ends, and fails only if one changed since.
    pub fn read_seal_images(&mut self, base: &std::path::Path) -> Result<(), SealError> {
        let Some(signature) = &mut self.parts.signature else {
            return Ok(());
        };
        for mark in &mut signature.seals {
            if let Some(source) = &mark.source {
                let path = base.join(source);
                let image = seal::SealImage::read(&path).map_err(|error| SealError {
                    path: path.clone(),
                    error,
                })?;
                mark.image = Some(image);
            }
        }
        Ok(())
    }

    /// The body's last paragraph, which is kept with the signature when short, so that the
    /// 落款 does not open a page without the body's text.
    pub fn last_paragraph(&self) -> Option<&Inlines> {
        match self.body.last() {
            Some(Block::Paragraph(content)) => Some(content),
            _ => None,
        }
    }

    /// Every character of the document's own text, in reading order (for the font check).
    pub fn text(&self) -> String {
        let mut out = self.body_text();
        self.parts.text(&mut out);
        out
    }

    /// The text of the body and the attachments, without the official parts.
    pub fn body_text(&self) -> String {
        let mut out = String::new();
        blocks_text(&self.body, &mut out);
        for attachment in &self.attachments {
            inline_text(&attachment.title, &mut out);
            blocks_text(&attachment.content, &mut out);
        }
        out
    }
}

/// The printed width of a text in character cells: a Western character is half a cell.
pub fn cells(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
        .sum()
}

/// The width of a text as set, in character cells: a Western letter or digit is half a
/// cell, and a quarter of a cell stands between it and a Han character beside it (the
/// space that typst and Word put between Chinese and Western text): `2024年3月15日` is
/// 7.75 cells.
pub fn set_width(text: &str) -> f64 {
    let han = |c: char| matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F);
    let mut width = 0.0;
    let mut previous: Option<char> = None;
    for c in text.chars() {
        width += if c.is_ascii() { 0.5 } else { 1.0 };
        if let Some(p) = previous
            && ((p.is_ascii_alphanumeric() && han(c)) || (han(p) && c.is_ascii_alphanumeric()))
        {
            width += 0.25;
        }
        previous = Some(c);
    }
    width
}

/// The width in cells of inline content's text (footnotes, set elsewhere, not counted).
pub fn inline_cells(content: &[Inline]) -> f64 {
    content
        .iter()
        .map(|i| match i {
            Inline::Text(t) | Inline::Code(t) => cells(t),
            Inline::Styled(_, c) | Inline::Link { content: c, .. } => inline_cells(c),
            Inline::Footnote(_) | Inline::Break => 0.0,
        })
        .sum()
}

/// Appends the text of inline content.
pub fn inline_text(content: &[Inline], out: &mut String) {
    for i in content {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Styled(_, c) | Inline::Link { content: c, .. } | Inline::Footnote(c) => {
                inline_text(c, out)
            }
            Inline::Break => {}
        }
    }
}

fn blocks_text(blocks: &[Block], out: &mut String) {
    for block in blocks {
        match block {
            Block::Heading { content, .. }
            | Block::TableTitle(content)
            | Block::Paragraph(content)
            | Block::Plain(content) => inline_text(content, out),
            Block::Quote(inner) => blocks_text(inner, out),
            Block::Code(code) => out.push_str(code),
            Block::Chart(chart) => {
                out.push_str(&chart.title);
                for bar in &chart.bars {
                    out.push_str(&bar.label);
                    out.push_str(&bar.text);
                }
            }
            Block::List { items, .. } => items.iter().for_each(|item| blocks_text(item, out)),
            Block::Table(table) => {
                for cell in table.head.iter().chain(table.rows.iter().flatten()) {
                    inline_text(cell, out);
                }
            }
            Block::Rule => {}
        }
    }
}

impl Parts {
    pub fn new(parts: &Official) -> Parts {
        let head = if parts.has_header() {
            Head::Header(Header {
                copy_number: parts.copy_number.clone(),
                secrecy: parts.secrecy.clone(),
                urgency: parts.urgency.clone(),
                marks: parts.marks.clone(),
                issuers: parts.issuers.clone(),
                doc_number: parts.doc_number.clone(),
                signers: parts.signers.clone(),
            })
        } else if !parts.marks.is_empty() || parts.doc_number.is_some() {
            Head::Preamble {
                marks: parts.marks.clone(),
                doc_number: parts.doc_number.clone(),
            }
        } else {
            Head::None
        };
        // The author's lines, else balanced lines that keep words whole.
        let title_lines = if parts.title_lines.is_empty() {
            crate::zh::title_lines(&parts.title)
        } else {
            parts.title_lines.clone()
        };
        let date = parts.date.as_deref().and_then(Date::parse);
        let signature = match (parts.signing_organ(), date) {
            (Some(organ), Some(date)) => {
                let date = date.chinese();
                let anchor = if set_width(organ) >= set_width(&date) + 2.0 {
                    SignatureAnchor::Organ
                } else {
                    SignatureAnchor::Date
                };
                // A joint issuance seals with every issuer; a single organ with its own.
                let organs: Vec<String> = if parts.seals.len() > 1 {
                    parts.issuers.clone()
                } else {
                    vec![organ.to_owned()]
                };
                let seals = parts
                    .seals
                    .iter()
                    .zip(organs)
                    .map(|(seal, organ)| SealMark {
                        organ: seal.organ.clone().unwrap_or(organ),
                        signer: seal.signer.clone(),
                        // A signature stamp is smaller than an organ's seal.
                        width_mm: seal.width.unwrap_or(if seal.signer.is_some() {
                            seal::STAMP_WIDTH_MM
                        } else {
                            seal::SEAL_WIDTH_MM
                        }),
                        source: seal.image.clone(),
                        image: None,
                    })
                    .collect();
                Some(Signature {
                    organ: organ.to_owned(),
                    date,
                    anchor,
                    seals,
                })
            }
            _ => None,
        };
        let mut notes = Vec::new();
        if let Some(signer) = &parts.signer {
            notes.push(format!("领导签发：{signer}"));
        }
        if let Some(contact) = &parts.contact {
            notes.push(format!("联系人及电话：{}，{}", contact.name, contact.phone));
        }
        let colophon = (!parts.cc.is_empty() || parts.printer.is_some()).then(|| Colophon {
            cc: parts.cc.clone(),
            printer: parts.printer.clone(),
            printed: parts
                .printed
                .as_deref()
                .and_then(Date::parse)
                .map(|d| d.chinese()),
        });
        let parts = Parts {
            kind: parts.kind.clone(),
            title: parts.title.clone(),
            title_lines,
            organ: parts.organ.clone(),
            letter: parts.is_letter(),
            head,
            addressee: parts.addressee.clone(),
            attachments: parts.attachments.clone(),
            signature,
            pdf_standard: parts.pdf_standard.clone(),
            notes,
            colophon,
            date,
            as_attachment: parts.as_attachment,
        };
        if parts.as_attachment {
            // The cover document carries these; the attachment keeps its organ and date as
            // the file's properties only.
            return Parts {
                head: Head::None,
                addressee: None,
                attachments: Vec::new(),
                signature: None,
                notes: Vec::new(),
                colophon: None,
                ..parts
            };
        }
        parts
    }

    fn text(&self, out: &mut String) {
        let mut push = |s: &str| out.push_str(s);
        match &self.head {
            Head::None => {}
            Head::Preamble { marks, doc_number } => {
                marks.iter().for_each(|m| push(m));
                push(doc_number.as_deref().unwrap_or(""));
            }
            Head::Header(h) => {
                for part in [&h.copy_number, &h.secrecy, &h.urgency, &h.doc_number] {
                    push(part.as_deref().unwrap_or(""));
                }
                h.marks
                    .iter()
                    .chain(&h.issuers)
                    .chain(&h.signers)
                    .for_each(|m| push(m));
            }
        }
        push(&self.title);
        if let Some(addressee) = &self.addressee {
            push(addressee);
        }
        self.attachments.iter().for_each(|a| push(a));
        if let Some(signature) = &self.signature {
            signature
                .seals
                .iter()
                .filter_map(|s| s.signer.as_deref())
                .for_each(&mut push);
            if signature.seals.len() > 1 {
                signature.seals.iter().for_each(|s| push(&s.organ));
            } else {
                push(&signature.organ);
            }
            push(&signature.date);
        }
        self.notes.iter().for_each(|n| push(n));
        if let Some(colophon) = &self.colophon {
            colophon.cc.iter().for_each(|c| push(c));
            push(colophon.printer.as_deref().unwrap_or(""));
            push(colophon.printed.as_deref().unwrap_or(""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_the_space_between_chinese_and_western_text() {
        assert_eq!(set_width("2024年3月15日"), 7.75);
        assert_eq!(set_width("石家庄市科学技术局"), 9.0);
        assert_eq!(set_width("ab，c"), 2.5);
    }

    #[test]
    fn the_longer_line_of_the_signature_is_its_anchor() {
        let anchor = |organ: &str, date: &str| {
            let mut official = Official::new("work-report", "标题".into());
            official.organ = Some(organ.into());
            official.date = Some(date.into());
            Parts::new(&official).signature.unwrap().anchor
        };
        // 9 cells of organ against 7.75 of date: the date would reach past 右空二字.
        assert_eq!(
            anchor("石家庄市科学技术局", "2024-03-15"),
            SignatureAnchor::Date
        );
        assert_eq!(
            anchor("某市科学技术局与某市财政局联合办公室", "2024-03-15"),
            SignatureAnchor::Organ
        );
    }
}
