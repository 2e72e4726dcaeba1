//! The DOCX back-end: Markdown with gongwen front matter → a WordprocessingML package that
//! Word, WPS and LibreOffice open for editing. The layout is GB/T 9704 in Word's own
//! terms: A4, the 156 × 225 mm type area, a document grid of 22 rows × 28 characters, real
//! paragraph styles, odd and even page numbers, the official parts placed from their
//! front-matter fields as the PDF places them. The XML is written here, in schema order,
//! and zipped with fixed timestamps: the same Markdown gives the same bytes.

mod body;
mod package;
mod styles;
mod xml;

use crate::plan::gbt9704::{self, twips as mm_twips};
use crate::plan::{Colophon, Head, Header, Parts, Plan, SignatureAnchor, cells, set_width};
use body::{Block, Converter};
use xml::Props;

pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Twips (1/20 pt) of the A4 page, its margins and its grid, from the standard's numbers.
const PAGE_W: u32 = mm_twips(gbt9704::PAGE_WIDTH_MM);
const PAGE_H: u32 = mm_twips(gbt9704::PAGE_HEIGHT_MM);
const TOP: u32 = mm_twips(gbt9704::TOP_MM);
const LEFT: u32 = mm_twips(gbt9704::BINDING_MM);
const TYPE_W: u32 = mm_twips(gbt9704::TYPE_WIDTH_MM);
const TYPE_H: u32 = mm_twips(gbt9704::TYPE_HEIGHT_MM);
/// One grid row: 22 in the type area's height (in whole twips, so 22 of them fit).
pub const LINE: u32 = TYPE_H / gbt9704::LINES;
/// One character cell: 28 in the type area's width.
pub const CHAR: f64 = TYPE_W as f64 / gbt9704::CHARS as f64;
/// Each character 0.25 pt narrower than its 16 pt (in twips): 28 fit a 156 mm line.
pub const CONDENSED: i32 = -5;
/// The page number: its distance under the type area and its height.
const NUMBER_BELOW: u32 = mm_twips(gbt9704::PAGE_NUMBER_BELOW_MM);
const NUMBER_HEIGHT: u32 = (gbt9704::PAGE_NUMBER_PT * 20.0) as u32;

/// The shape of a section's type area.
#[derive(Clone, Copy, Debug)]
pub struct Geometry {
    pub width: u32,
    pub landscape: bool,
}

const PORTRAIT: Geometry = Geometry {
    width: TYPE_W,
    landscape: false,
};
/// The landscape type area: the portrait one turned (225 × 156 mm).
const LANDSCAPE: Geometry = Geometry {
    width: TYPE_H,
    landscape: true,
};

fn twips(cells: f64) -> u32 {
    (cells * CHAR).round() as u32
}

/// The DOCX of a document's plan.
/// `letterhead`: 套打, the 版头's mark and red rules are left out for pre-printed paper.
pub fn docx(plan: &Plan, letterhead: bool) -> Vec<u8> {
    let parts = &plan.parts;
    let mut document = Document::default();
    let letter = parts.letter;

    match &parts.head {
        Head::Header(h) => header(&mut document.blocks, h, letter, letterhead),
        Head::Preamble { marks, doc_number } => {
            preamble(&mut document.blocks, marks, doc_number.as_deref())
        }
        Head::None => {}
    }
    if !parts.as_attachment {
        let title_runs = plain_runs(&parts.title_lines.join("\n"));
        document.push(styles::paragraph(styles::TITLE), title_runs);
    }
    if let Some(addressee) = &parts.addressee {
        document.push(
            styles::paragraph(styles::PLAIN),
            plain_runs(&format!("{addressee}：")),
        );
    }

    let mut converter = Converter::new(PORTRAIT);
    converter.blocks(&plan.body);
    let mut main = converter.blocks;
    // A short last paragraph (up to three rows) stays with the signature. Before a sealed
    // 落款, a longer one is kept with it too (its end goes over with the seal: a word
    // processor breaks it and keeps its last lines), so that the seal never stands on a page
    // without body text.
    let sealed = parts
        .signature
        .as_ref()
        .is_some_and(|s| !s.seals.is_empty());
    if let Some(last) = plan.last_paragraph()
        && let Some(Block::Paragraph { props, .. }) = main.last_mut()
    {
        if crate::plan::inline_cells(last) <= 3.0 * 28.0 - 2.0 {
            *props = std::mem::take(props)
                .set("keepNext", "<w:keepNext/>")
                .set("keepLines", "<w:keepLines/>");
        } else if sealed {
            *props = std::mem::take(props).set("keepNext", "<w:keepNext/>");
        }
    }
    document.blocks.extend(main);
    attachment_list(&mut document.blocks, &parts.attachments, sealed);
    signature(&mut document.blocks, parts);

    // Attachments on pages of their own; a landscape one in a section of its own.
    let mut geometry = PORTRAIT;
    for (k, attachment) in plan.attachments.iter().enumerate() {
        let next = if attachment.landscape {
            LANDSCAPE
        } else {
            PORTRAIT
        };
        // A document that is itself an attachment starts on its attachment's first page.
        let first_page = parts.as_attachment && document.blocks.is_empty();
        if first_page {
            geometry = next;
        }
        let section_break = !first_page && (next.landscape || geometry.landscape);
        if section_break {
            document.end_section(geometry, letter && document.sections == 0);
        }
        geometry = next;
        let mut label = styles::paragraph(styles::ATTACHMENT_LABEL);
        if !section_break && !first_page {
            label = label.set("pageBreakBefore", "<w:pageBreakBefore/>");
        }
        let number = match parts.as_attachment {
            true => String::new(),
            false => (k + 1).to_string(),
        };
        document.push(label, plain_runs(&format!("附件{number}")));
        let title_runs = Converter::new(geometry).runs(&attachment.title);
        // The title on the third row, one row after it left blank.
        document.push(
            styles::paragraph(styles::TITLE).set(
                "spacing",
                format!("<w:spacing w:before=\"{LINE}\" w:after=\"{LINE}\" w:line=\"{LINE}\" w:lineRule=\"exact\"/>"),
            ),
            title_runs,
        );
        let mut content = Converter::new(geometry);
        content.blocks(&attachment.content);
        document.blocks.extend(content.blocks);
    }
    if let Some(colophon) = &parts.colophon {
        if geometry.landscape {
            document.end_section(geometry, false);
            geometry = PORTRAIT;
        }
        self::colophon(&mut document.blocks, colophon);
    }
    let last_section = section_properties(geometry, letter && document.sections == 0);
    let body_xml: String = document.blocks.iter().map(Block::xml).collect();
    let document_xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\" xmlns:wp=\"{WP_NS}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{body_xml}{last_section}</w:body></w:document>"
    );
    package::zip(&document_xml, parts, letterhead)
}

/// The runs of a text in the paragraph's own style.
fn plain_runs(text: &str) -> String {
    xml::run(&xml::run_props(), text)
}

/// The body's blocks and how many sections have been closed.
#[derive(Default)]
struct Document {
    blocks: Vec<Block>,
    sections: usize,
}

impl Document {
    fn push(&mut self, props: Props, runs: String) {
        self.blocks.push(Block::paragraph(props, runs));
    }

    /// Ends the current section: its properties go into its last paragraph.
    fn end_section(&mut self, geometry: Geometry, first_page_apart: bool) {
        let sect = section_properties(geometry, first_page_apart);
        match self.blocks.last_mut() {
            Some(Block::Paragraph { props, .. }) => {
                *props = std::mem::take(props).set("sectPr", sect);
            }
            // After a table, a paragraph one twip high carries the break.
            _ => self.push(tiny_paragraph().set("sectPr", sect), String::new()),
        }
        self.sections += 1;
    }
}

/// An empty paragraph that takes no room: after a table that ends a section or anchors
/// the 版记.
fn tiny_paragraph() -> Props {
    styles::paragraph(styles::PLAIN)
        .set(
            "spacing",
            "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/>",
        )
        .set(
            "rPr",
            "<w:rPr><w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr>",
        )
}

/// `w:sectPr`: the page, margins, footers and the document grid of 22 rows × 28 characters.
/// `first_page_apart`: the letter form's first page, with its own header and no number.
fn section_properties(geometry: Geometry, first_page_apart: bool) -> String {
    // A landscape section's numbers are turned with its pages (footers 4 and 5).
    let mut refs = if geometry.landscape {
        String::from(
            "<w:footerReference w:type=\"default\" r:id=\"rIdFooterTurnedOdd\"/><w:footerReference w:type=\"even\" r:id=\"rIdFooterTurnedEven\"/>",
        )
    } else {
        String::from(
            "<w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/><w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>",
        )
    };
    if first_page_apart {
        refs = format!(
            "<w:headerReference w:type=\"first\" r:id=\"rIdHeaderFirst\"/>{refs}<w:footerReference w:type=\"first\" r:id=\"rIdFooterFirst\"/>"
        );
    }
    // The page number: 7 mm under the type area, one 4号 line high.
    let (size, margins) = if geometry.landscape {
        let bottom = mm_twips(gbt9704::LANDSCAPE_BOTTOM_MM);
        (
            format!("<w:pgSz w:w=\"{PAGE_H}\" w:h=\"{PAGE_W}\" w:orient=\"landscape\"/>"),
            format!(
                "<w:pgMar w:top=\"{}\" w:right=\"{right}\" w:bottom=\"{bottom}\" w:left=\"{}\" w:header=\"851\" w:footer=\"{}\" w:gutter=\"0\"/>",
                mm_twips(gbt9704::LANDSCAPE_TOP_MM),
                mm_twips(gbt9704::LANDSCAPE_LEFT_MM),
                bottom - NUMBER_BELOW - NUMBER_HEIGHT,
                right = mm_twips(gbt9704::LANDSCAPE_RIGHT_MM),
                bottom = mm_twips(gbt9704::LANDSCAPE_BOTTOM_MM),
            ),
        )
    } else {
        let bottom = PAGE_H - TOP - TYPE_H;
        (
            format!("<w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>"),
            format!(
                "<w:pgMar w:top=\"{TOP}\" w:right=\"{}\" w:bottom=\"{bottom}\" w:left=\"{LEFT}\" w:header=\"1701\" w:footer=\"{}\" w:gutter=\"0\"/>",
                PAGE_W - LEFT - TYPE_W,
                bottom - NUMBER_BELOW - NUMBER_HEIGHT
            ),
        )
    };
    let title_page = if first_page_apart { "<w:titlePg/>" } else { "" };
    // A grid of lines, one row each; the character pitch (in 1/4096 pt beyond the 16 pt body
    // size) is recorded for Word's grid dialog. Characters are not snapped to a character
    // grid: LibreOffice gives a 16 pt character two cells of a 15.8 pt grid. The run
    // spacing of the default style (`CONDENSED`) fits 28 characters to the line instead.
    let char_space = ((geometry.width as f64 / 20.0 / f64::from(gbt9704::CHARS) - gbt9704::BODY_PT)
        * 4096.0)
        .floor() as i64;
    format!(
        "<w:sectPr>{refs}<w:type w:val=\"nextPage\"/>{size}{margins}<w:cols w:space=\"425\"/>{title_page}<w:docGrid w:type=\"lines\" w:linePitch=\"{LINE}\" w:charSpace=\"{char_space}\"/></w:sectPr>"
    )
}

/// 版头 in 文件格式 or 信函格式 (the letter's mark and rules are in its first-page header).
fn header(blocks: &mut Vec<Block>, parts: &Header, letter: bool, letterhead: bool) {
    let hei = || xml::run_props().set("rFonts", xml::fonts(styles::FONT_HEI));
    let mut marks: Vec<(Props, String)> = [&parts.copy_number, &parts.secrecy, &parts.urgency]
        .into_iter()
        .flatten()
        .map(|m| (hei(), m.clone()))
        .collect();
    marks.extend(parts.marks.iter().map(|m| (xml::run_props(), m.clone())));
    let plain = || styles::paragraph(styles::PLAIN);
    if letter {
        // Under the double rule: the marks on the left, the number on the right of the first.
        let right_tab = format!("<w:tabs><w:tab w:val=\"right\" w:pos=\"{TYPE_W}\"/></w:tabs>");
        let rows = marks.len().max(usize::from(parts.doc_number.is_some()));
        for i in 0..rows {
            let mut runs = marks
                .get(i)
                .map(|(p, m)| xml::run(&p.clone(), m))
                .unwrap_or_default();
            if i == 0
                && let Some(number) = &parts.doc_number
            {
                runs.push_str(&plain_runs(&format!("\t{number}")));
            }
            blocks.push(Block::paragraph(
                plain().set("tabs", right_tab.clone()),
                runs,
            ));
        }
        // The title two rows under the last of them.
        blocks.push(Block::paragraph(plain(), String::new()));
        return;
    }
    for (props, text) in &marks {
        blocks.push(Block::paragraph(plain(), xml::run(&props.clone(), text)));
    }
    let mut used = marks.len() as u32 * LINE;
    if !parts.issuers.is_empty() {
        // 发文机关标志: its top edge 35 mm under the type area's, at most 36 pt, narrower
        // than the type area.
        let mark_top = mm_twips(gbt9704::MARK_TOP_MM);
        let before = mark_top.saturating_sub(used);
        let names = &parts.issuers;
        let widest = names.iter().map(|n| cells(n)).fold(0.0, f64::max);
        let joint = names.len() > 1;
        let mark_cells = if joint { widest + 2.2 } else { widest + 2.0 };
        let size_pt = gbt9704::MARK_MAX_PT
            .min(TYPE_W as f64 / 20.0 / mark_cells)
            .floor();
        let half_points = (size_pt * 2.0) as u32;
        let line = (size_pt * 1.3 * 20.0).round() as u32;
        let color = if letterhead {
            "FFFFFF".to_owned()
        } else {
            gbt9704::red_hex()
        };
        let mark_run = |text: &str| {
            let props = styles::run_in(styles::FONT_TITLE, half_points)
                .set("color", format!("<w:color w:val=\"{color}\"/>"));
            xml::run(&props, text)
        };
        let spacing = |before: u32| {
            format!(
                "<w:spacing w:before=\"{before}\" w:after=\"0\" w:line=\"{line}\" w:lineRule=\"exact\"/>"
            )
        };
        if joint {
            // Joint issuance: the organs stacked, 文件 beside them, centred.
            let left_w = twips(widest) * size_pt as u32 / 16 + 200;
            let right_w = (2 * size_pt as u32 * 20).max(200);
            let names_xml: String = names
                .iter()
                .map(|n| {
                    xml::paragraph(
                        &styles::paragraph(styles::MARK)
                            .set("spacing", spacing(0))
                            .set("jc", "<w:jc w:val=\"distribute\"/>"),
                        &mark_run(n),
                    )
                })
                .collect();
            let wen = xml::paragraph(
                &styles::paragraph(styles::MARK).set("spacing", spacing(0)),
                &mark_run("文件"),
            );
            blocks.push(Block::paragraph(
                plain().set(
                    "spacing",
                    format!("<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{before}\" w:lineRule=\"exact\"/>"),
                ),
                String::new(),
            ));
            blocks.push(Block::Table(format!(
                "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"0\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w=\"{left_w}\"/><w:gridCol w:w=\"{right_w}\"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w=\"{left_w}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{names_xml}</w:tc><w:tc><w:tcPr><w:tcW w:w=\"{right_w}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{wen}</w:tc></w:tr></w:tbl>",
                left_w + right_w
            )));
            used += before + line * names.len() as u32;
        } else {
            blocks.push(Block::paragraph(
                styles::paragraph(styles::MARK).set("spacing", spacing(before)),
                mark_run(&format!("{}文件", names[0])),
            ));
            used += before + line;
        }
    }
    // The number two rows under the mark, on the grid; the red rule 4 mm under it.
    let row = used.div_ceil(LINE) + 2;
    let signer_lines: Vec<String> = parts
        .signers
        .chunks(2)
        .map(|names| format!("签发人：{}", names.join("　")))
        .collect();
    let rows = signer_lines.len().max(1) as u32;
    let first_row = row;
    let rule_space_pt = 11u32;
    let rule_twips = rule_space_pt * 20 + 12 * 20 / 8;
    let has_rule = parts.doc_number.is_some() || !signer_lines.is_empty();
    for i in 0..rows {
        let last = i + 1 == rows;
        let before = if i == 0 {
            (first_row * LINE).saturating_sub(used)
        } else {
            0
        };
        let mut props = plain().set(
            "spacing",
            format!("<w:spacing w:before=\"{before}\" w:after=\"0\" w:line=\"{LINE}\" w:lineRule=\"exact\"/>"),
        );
        let mut runs = String::new();
        if signer_lines.is_empty() {
            props = props.set("jc", "<w:jc w:val=\"center\"/>");
            runs = plain_runs(parts.doc_number.as_deref().unwrap_or(""));
        } else {
            // 上行文: the number one character in from the left, the signers one in from the
            // right, on the last row together.
            let indent = twips(1.0);
            props = props
                .set(
                    "tabs",
                    format!(
                        "<w:tabs><w:tab w:val=\"right\" w:pos=\"{}\"/></w:tabs>",
                        TYPE_W - 2 * indent
                    ),
                )
                .set(
                    "ind",
                    format!("<w:ind w:left=\"{indent}\" w:right=\"{indent}\" w:firstLine=\"0\"/>"),
                );
            if last && let Some(number) = &parts.doc_number {
                runs.push_str(&plain_runs(number));
            }
            runs.push_str(&plain_runs("\t"));
            let line = &signer_lines[i as usize];
            let (label, names) = line.split_at("签发人：".len());
            runs.push_str(&plain_runs(label));
            runs.push_str(&xml::run(
                &xml::run_props().set("rFonts", xml::fonts(styles::FONT_KAI)),
                names,
            ));
        }
        if last && has_rule {
            let color = if letterhead {
                "FFFFFF".to_owned()
            } else {
                gbt9704::red_hex()
            };
            props = props.set(
                "pBdr",
                format!("<w:pBdr><w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"{rule_space_pt}\" w:color=\"{color}\"/></w:pBdr>"),
            );
        }
        blocks.push(Block::paragraph(props, runs));
    }
    // The title two rows under the rule, back on the grid.
    let gap = 2 * LINE - if has_rule { rule_twips } else { 0 };
    blocks.push(Block::paragraph(
        plain().set(
            "spacing",
            format!(
                "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{gap}\" w:lineRule=\"exact\"/>"
            ),
        ),
        String::new(),
    ));
}

/// Marks above the number (left) and the number (right, one character in), then one row.
fn preamble(blocks: &mut Vec<Block>, marks: &[String], doc_number: Option<&str>) {
    for mark in marks {
        blocks.push(Block::paragraph(
            styles::paragraph(styles::PLAIN),
            plain_runs(mark),
        ));
    }
    if let Some(number) = doc_number {
        blocks.push(Block::paragraph(
            styles::paragraph(styles::PLAIN)
                .set(
                    "ind",
                    format!("<w:ind w:right=\"{}\" w:firstLine=\"0\"/>", twips(1.0)),
                )
                .set("jc", "<w:jc w:val=\"right\"/>"),
            plain_runs(number),
        ));
    }
    blocks.push(Block::paragraph(
        styles::paragraph(styles::PLAIN),
        String::new(),
    ));
}

/// 附件说明: one row under the body, two characters in; wrapped lines align with the name.
/// 附件说明. Before a sealed 落款 it is kept with it (the seal's top is within a row of it).
fn attachment_list(blocks: &mut Vec<Block>, attachments: &[String], sealed: bool) {
    let two = twips(2.0);
    let label = twips(3.0);
    let several = attachments.len() > 1;
    for (i, item) in attachments.iter().enumerate() {
        let number = if several {
            format!("{}. ", i + 1)
        } else {
            String::new()
        };
        let hang = twips(cells(&number));
        let (left, hanging) = if i == 0 {
            (two + label + hang, label + hang)
        } else {
            (two + label + hang, hang)
        };
        let prefix = if i == 0 { "附件：" } else { "" };
        let mut props = styles::paragraph(styles::PLAIN).set(
            "ind",
            format!("<w:ind w:left=\"{left}\" w:hanging=\"{hanging}\"/>"),
        );
        if i == 0 {
            props = props.set(
                "spacing",
                format!("<w:spacing w:before=\"{LINE}\" w:after=\"0\" w:line=\"{LINE}\" w:lineRule=\"exact\"/>"),
            );
        }
        if sealed {
            props = props.set("keepNext", "<w:keepNext/>");
        }
        blocks.push(Block::paragraph(
            props.set("jc", "<w:jc w:val=\"both\"/>"),
            plain_runs(&format!("{prefix}{number}{item}")),
        ));
    }
}

/// 落款 (unsealed): the organ two characters in from the right, one row under the body; the
/// date under it, starting two characters further right. Then the notes.
fn signature(blocks: &mut Vec<Block>, parts: &Parts) {
    let layout = parts.signature.as_ref().and_then(crate::plan::seal::layout);
    if let (Some(signature), Some(layout)) = (&parts.signature, &layout) {
        sealed_signature(blocks, signature, layout, !parts.notes.is_empty());
    } else if let Some(signature) = &parts.signature {
        let (organ, date) = (&signature.organ, &signature.date);
        // Measured as the plan measured them when it chose the anchor: Western text half a
        // cell, with the space word processors set between it and Chinese.
        let (organ_w, date_w) = (set_width(organ), set_width(date));
        let (organ_right, date_right) = match signature.anchor {
            SignatureAnchor::Organ => (2.0, organ_w - date_w),
            SignatureAnchor::Date => (4.0 + date_w - organ_w, 2.0),
        };
        let line = |right: f64, before: u32| {
            styles::paragraph(styles::PLAIN)
                .set("keepNext", "<w:keepNext/>")
                .set("keepLines", "<w:keepLines/>")
                .set(
                    "spacing",
                    format!("<w:spacing w:before=\"{before}\" w:after=\"0\" w:line=\"{LINE}\" w:lineRule=\"exact\"/>"),
                )
                .set("ind", format!("<w:ind w:right=\"{}\" w:firstLine=\"0\"/>", twips(right)))
                .set("jc", "<w:jc w:val=\"right\"/>")
        };
        blocks.push(Block::paragraph(line(organ_right, LINE), plain_runs(organ)));
        // The notes may move on to the next page: the date does not pull them along.
        let date_props = line(date_right, 0).set("keepNext", "<w:keepNext w:val=\"0\"/>");
        blocks.push(Block::paragraph(date_props, plain_runs(date)));
    }
    let count = parts.notes.len();
    for (i, note) in parts.notes.iter().enumerate() {
        let mut props = styles::paragraph(styles::PLAIN).set(
            "ind",
            format!("<w:ind w:left=\"{}\" w:firstLine=\"0\"/>", twips(2.0)),
        );
        if i + 1 < count {
            props = props.set("keepNext", "<w:keepNext/>");
        }
        blocks.push(Block::paragraph(props, plain_runs(note)));
    }
}

/// EMU (1/36000 mm), the unit of drawings.
fn emu(mm: f64) -> i64 {
    (mm * 36000.0).round() as i64
}

/// 落款 with seals, from the plan's seal layout (as the PDF places it): each row of organs
/// one paragraph with a centre tab on each seal's centre, the date 右空四字 on its row, and
/// each seal a floating picture behind the text, anchored in its row's paragraph and placed
/// from the type area's left edge and the row's line.
fn sealed_signature(
    blocks: &mut Vec<Block>,
    signature: &crate::plan::Signature,
    layout: &crate::plan::seal::SealLayout,
    has_notes: bool,
) {
    let pitch_mm = gbt9704::TYPE_HEIGHT_MM / f64::from(gbt9704::LINES);
    let mut next_row = 0;
    let mut rows_xml = Vec::new();
    for row in &layout.rows {
        // Organs on centre tabs at their seals; a signature stamp's title on a right tab two
        // characters left of the stamp.
        let tabs: String = row
            .seals
            .iter()
            .map(|p| match p.label_right_mm {
                Some(right) => format!(
                    "<w:tab w:val=\"right\" w:pos=\"{}\"/>",
                    gbt9704::twips(right)
                ),
                None => format!(
                    "<w:tab w:val=\"center\" w:pos=\"{}\"/>",
                    gbt9704::twips(p.centre_x_mm)
                ),
            })
            .collect();
        let mut runs = String::new();
        for placed in &row.seals {
            let seal = &signature.seals[placed.index];
            runs.push_str("<w:r><w:tab/></w:r>");
            runs.push_str(&plain_runs(seal.signer.as_deref().unwrap_or(&seal.organ)));
        }
        rows_xml.push((row.row - next_row, tabs, runs));
        next_row = row.row + 1;
    }
    let line = |before_rows: u32| {
        styles::paragraph(styles::PLAIN)
            .set("keepNext", "<w:keepNext/>")
            .set("keepLines", "<w:keepLines/>")
            .set(
                "spacing",
                format!(
                    "<w:spacing w:before=\"{}\" w:after=\"0\" w:line=\"{LINE}\" w:lineRule=\"exact\"/>",
                    before_rows * LINE
                ),
            )
    };
    for (before, tabs, runs) in rows_xml {
        let props = line(before)
            .set("tabs", format!("<w:tabs>{tabs}</w:tabs>"))
            .set(
                "ind",
                "<w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"0\"/>",
            );
        blocks.push(Block::paragraph(props, runs));
    }
    // The date on a centre tab under the last seal: a word processor's own metrics then
    // move its ends, never its centre, so the seal stays centred over it (右空四字 as set).
    // The rows between the last organ (or stamp title) and the date are an empty paragraph
    // of their own, so that the date's paragraph, where the seals are anchored, has no space
    // before it: LibreOffice counts a paragraph's space before into its top, Word does not.
    let gap_rows = layout.date_row - next_row;
    if gap_rows > 0 {
        let spacer = styles::paragraph(styles::PLAIN)
            .set("keepNext", "<w:keepNext/>")
            .set(
                "spacing",
                format!(
                    "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/>",
                    gap_rows * LINE
                ),
            );
        blocks.push(Block::paragraph(spacer, String::new()));
    }
    // The seal reaches below the date: the rows it takes there stay on the date's page —
    // the notes' rows when there are notes (the date is kept with them), else an empty
    // paragraph as tall.
    let below = layout.rows_taken.saturating_sub(layout.date_row + 1);
    let keep_with_next = if below > 0 {
        "<w:keepNext/>"
    } else {
        "<w:keepNext w:val=\"0\"/>"
    };
    let date = line(0)
        .set("keepNext", keep_with_next)
        .set(
            "tabs",
            format!(
                "<w:tabs><w:tab w:val=\"center\" w:pos=\"{}\"/></w:tabs>",
                gbt9704::twips(layout.date_centre_mm)
            ),
        )
        .set(
            "ind",
            "<w:ind w:left=\"0\" w:right=\"0\" w:firstLine=\"0\"/>",
        );
    // The seals are anchored in the date's paragraph, which has no space before it, and
    // placed from its top: Word and LibreOffice agree on a paragraph's top, not on a line's.
    let date_top = f64::from(layout.date_row) * pitch_mm;
    let mut runs = String::new();
    for placed in layout.rows.iter().flat_map(|r| &r.seals) {
        let seal = &signature.seals[placed.index];
        if let Some(image) = &seal.image {
            runs.push_str(&seal_drawing(
                placed,
                &image.file_name(),
                placed.centre_y_mm - date_top,
                &seal.organ,
            ));
        }
    }
    runs.push_str("<w:r><w:tab/></w:r>");
    runs.push_str(&plain_runs(&signature.date));
    blocks.push(Block::paragraph(date, runs));
    if below > 0 && !has_notes {
        let room = styles::paragraph(styles::PLAIN).set(
            "spacing",
            format!(
                "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/>",
                below * LINE
            ),
        );
        blocks.push(Block::paragraph(room, String::new()));
    }
}

/// A seal as a floating picture behind the text, placed from the type area's left edge and
/// from the top of the paragraph it is anchored in.
fn seal_drawing(
    placed: &crate::plan::seal::PlacedSeal,
    name: &str,
    centre_below_mm: f64,
    organ: &str,
) -> String {
    let (cx, cy) = (emu(placed.width_mm), emu(placed.height_mm));
    let x = emu(placed.centre_x_mm - placed.width_mm / 2.0);
    let y = emu(centre_below_mm - placed.height_mm / 2.0);
    let id = placed.index + 1;
    let rel = seal_relationship(name);
    let title = xml::escape(&format!("{organ}印章"));
    format!(
        "<w:r><w:drawing><wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" relativeHeight=\"{id}\" behindDoc=\"1\" locked=\"1\" layoutInCell=\"1\" allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"margin\"><wp:posOffset>{x}</wp:posOffset></wp:positionH><wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>{y}</wp:posOffset></wp:positionV><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapNone/><wp:docPr id=\"{id}\" name=\"{title}\" descr=\"{title}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a=\"{A_NS}\" noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic xmlns:a=\"{A_NS}\"><a:graphicData uri=\"{PIC_NS}\"><pic:pic xmlns:pic=\"{PIC_NS}\"><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"{name}\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"{rel}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
    )
}

const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const PIC_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";
const WP_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";

/// The relationship id of a seal image part, from its file name.
pub fn seal_relationship(name: &str) -> String {
    format!(
        "rIdSeal{}",
        name.trim_start_matches("seal-")
            .split('.')
            .next()
            .unwrap_or("")
    )
}

/// 版记 at the foot of the last page: paragraphs in a frame set at the bottom of the type
/// area (Word and LibreOffice both place a frame by its anchor; LibreOffice keeps a floating
/// table in the text flow), thick first and last rules, thin rules between; 4 号字, one
/// character in on both sides, each row one grid row high.
fn colophon(blocks: &mut Vec<Block>, parts: &Colophon) {
    let rule = |side: &str, size: u32| {
        format!("<w:{side} w:val=\"single\" w:sz=\"{size}\" w:space=\"0\" w:color=\"000000\"/>")
    };
    let mut rows: Vec<String> = Vec::new();
    if !parts.cc.is_empty() {
        rows.push(plain_runs(&format!("抄送：{}。", parts.cc.join("，"))));
    }
    if let Some(printer) = &parts.printer {
        let date = parts
            .printed
            .as_ref()
            .map(|d| format!("{d} 印发"))
            .unwrap_or_else(|| "印发".into());
        rows.push(plain_runs(&format!("{printer}\t{date}")));
    }
    let count = rows.len();
    // The right tab stop, one character in from the right (tab stops count from the margin).
    let tab = TYPE_W - 280;
    for (i, runs) in rows.into_iter().enumerate() {
        let mut borders = String::new();
        if i == 0 {
            borders.push_str(&rule("top", 8));
        }
        borders.push_str(&rule("bottom", if i + 1 == count { 8 } else { 6 }));
        let props = styles::paragraph(styles::COLOPHON)
            .set("keepLines", "<w:keepLines/>")
            .set(
                "framePr",
                format!(
                    "<w:framePr w:w=\"{TYPE_W}\" w:h=\"{LINE}\" w:hRule=\"exact\" w:wrap=\"notBeside\" w:vAnchor=\"margin\" w:hAnchor=\"margin\" w:xAlign=\"center\" w:y=\"{}\"/>",
                    TYPE_H - (count - i) as u32 * LINE
                ),
            )
            .set("pBdr", format!("<w:pBdr>{borders}</w:pBdr>"))
            .set("tabs", format!("<w:tabs><w:tab w:val=\"right\" w:pos=\"{tab}\"/></w:tabs>"))
            .set(
                "spacing",
                format!("<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{LINE}\" w:lineRule=\"exact\"/>"),
            );
        blocks.push(Block::paragraph(props, runs));
        // Each row a frame of its own: LibreOffice places only one of adjacent framed
        // paragraphs, so a paragraph that takes no room stands between them.
        blocks.push(Block::paragraph(tiny_paragraph(), String::new()));
    }
}
