//! DOCX and XLSX checked with real office software: LibreOffice (installed by `make test`)
//! turns every sample's .docx into a PDF, whose pages must keep the same GB/T 9704
//! geometry as the typst PDF and hold the same text in the same order; every .xlsx is read
//! back and compared with the CSV, cell by cell. The packages themselves are checked for
//! well-formed parts, schema order and theme fonts.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::geometry::*;
use common::*;

/// Every sample built to Markdown, PDF, DOCX, CSV and XLSX, and each DOCX set by LibreOffice
/// into `lo/`.
fn samples() -> (tempfile::TempDir, Vec<String>) {
    let dir = build_into_temp("data", "md,pdf,docx,csv,xlsx");
    let mut stems: Vec<String> = entries(dir.path())
        .into_iter()
        .filter_map(|n| n.strip_suffix(".docx").map(str::to_owned))
        .collect();
    stems.sort();
    assert!(stems.len() >= 7, "{stems:?}");
    let docx: Vec<PathBuf> = stems
        .iter()
        .map(|s| dir.path().join(format!("{s}.docx")))
        .collect();
    let lo = dir.path().join("lo");
    fs::create_dir(&lo).unwrap();
    soffice_to_pdf(&docx, &lo);
    (dir, stems)
}

/// LibreOffice sets the rows one exact line (579 twips) apart; the text box of the first
/// ends 29.2 pt under the type area's top.
const DOCX_GRID: Grid = Grid {
    first_row: TOP + 29.2,
    pitch: 579.0 / 20.0,
};

/// The text of a PDF in the order it was written, without white space, page numbers and
/// tables' header rows (a repeated header falls wherever a page breaks).
fn body_text(pdf: &Path, headers: &[String]) -> String {
    let raw = poppler("pdftotext", &["-raw"], pdf);
    let lines: Vec<&str> = raw.lines().map(str::trim).collect();
    // A turned page number (landscape pages) reads as three lines: —, N, —.
    let turned = |i: usize| {
        lines[i].chars().all(|c| c.is_ascii_digit())
            && i > 0
            && lines[i - 1] == "—"
            && lines.get(i + 1) == Some(&"—")
    };
    let text: String = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| !(turned(*i) || l.starts_with('—') && l.ends_with('—')))
        .flat_map(|(_, l)| l.chars())
        .filter(|c| !c.is_whitespace() && *c != '\u{2060}')
        .collect();
    headers
        .iter()
        .fold(text, |text, header| text.replace(header.as_str(), ""))
}

/// The header rows of the Markdown's tables, their cells run together.
fn table_headers(markdown: &str) -> Vec<String> {
    let lines: Vec<&str> = markdown.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with('|') && (w[1].starts_with("|-") || w[1].starts_with("|:")))
        .map(|w| {
            w[0].chars()
                .filter(|c| *c != '|' && *c != '\\' && !c.is_whitespace())
                .collect()
        })
        .collect()
}

#[test]
fn libreoffice_sets_every_docx_in_the_standard_geometry_with_the_pdf_text() {
    let (dir, stems) = samples();
    for stem in &stems {
        let md = fs::read_to_string(dir.path().join(format!("{stem}.md"))).unwrap();
        let office_pdf = dir.path().join("lo").join(format!("{stem}.pdf"));
        // LibreOffice draws the turned page number of a document whose first section is
        // landscape (the 办理情况汇总表) at the page's corner, not where the DOCX places it:
        // the PDF's geometry is checked in tests/layout.rs, the DOCX's text below.
        if !md.contains("\nas_attachment: true\n") {
            check_pages(stem, &office_pdf, &md, DOCX_GRID);
        }
        let headers = table_headers(&md);
        let typst_text = body_text(&dir.path().join(format!("{stem}.pdf")), &headers);
        let office_text = body_text(&office_pdf, &headers);
        assert!(
            typst_text == office_text,
            "{stem}: the DOCX's text differs from the PDF's:\n{}",
            first_difference(&typst_text, &office_text)
        );
    }
}

/// Where two texts part, with some context.
fn first_difference(a: &str, b: &str) -> String {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let around = |t: &[char]| -> String {
        t[at.saturating_sub(20)..(at + 40).min(t.len())]
            .iter()
            .collect()
    };
    format!("pdf:  …{}\ndocx: …{}", around(&a), around(&b))
}

/// The order ECMA-376 gives the children of the containers gongwen writes.
fn schema_order(element: &str) -> Option<&'static [&'static str]> {
    Some(match element {
        "pPr" => &[
            "pStyle",
            "keepNext",
            "keepLines",
            "pageBreakBefore",
            "framePr",
            "widowControl",
            "numPr",
            "suppressLineNumbers",
            "pBdr",
            "shd",
            "tabs",
            "suppressAutoHyphens",
            "kinsoku",
            "wordWrap",
            "overflowPunct",
            "topLinePunct",
            "autoSpaceDE",
            "autoSpaceDN",
            "bidi",
            "adjustRightInd",
            "snapToGrid",
            "spacing",
            "ind",
            "contextualSpacing",
            "mirrorIndents",
            "suppressOverlap",
            "jc",
            "textDirection",
            "textAlignment",
            "textboxTightWrap",
            "outlineLvl",
            "divId",
            "cnfStyle",
            "rPr",
            "sectPr",
            "pPrChange",
        ],
        "rPr" => &[
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
        ],
        "sectPr" => &[
            "headerReference",
            "footerReference",
            "footnotePr",
            "endnotePr",
            "type",
            "pgSz",
            "pgMar",
            "paperSrc",
            "pgBorders",
            "lnNumType",
            "pgNumType",
            "cols",
            "formProt",
            "vAlign",
            "noEndnote",
            "titlePg",
            "textDirection",
            "bidi",
            "rtlGutter",
            "docGrid",
            "printerSettings",
        ],
        "tblPr" => &[
            "tblStyle",
            "tblpPr",
            "tblOverlap",
            "bidiVisual",
            "tblStyleRowBandSize",
            "tblStyleColBandSize",
            "tblW",
            "jc",
            "tblCellSpacing",
            "tblInd",
            "tblBorders",
            "shd",
            "tblLayout",
            "tblCellMar",
            "tblLook",
        ],
        "tcPr" => &[
            "cnfStyle",
            "tcW",
            "gridSpan",
            "hMerge",
            "vMerge",
            "tcBorders",
            "shd",
            "noWrap",
            "tcMar",
            "textDirection",
            "tcFitText",
            "vAlign",
            "hideMark",
        ],
        "tbl" => &["tblPr", "tblGrid", "tr"],
        "tc" => &["tcPr", "p", "tbl"],
        "style" => &[
            "name",
            "aliases",
            "basedOn",
            "next",
            "link",
            "autoRedefine",
            "hidden",
            "uiPriority",
            "semiHidden",
            "unhideWhenUsed",
            "qFormat",
            "locked",
            "personal",
            "personalCompose",
            "personalReply",
            "rsid",
            "pPr",
            "rPr",
            "tblPr",
            "trPr",
            "tcPr",
            "tblStylePr",
        ],
        "settings" => &[
            "writeProtection",
            "view",
            "zoom",
            "removePersonalInformation",
            "defaultTabStop",
            "autoHyphenation",
            "evenAndOddHeaders",
            "characterSpacingControl",
            "compat",
            "themeFontLang",
        ],
        "pBdr" => &["top", "left", "bottom", "right", "between", "bar"],
        "tblBorders" => &[
            "top", "left", "start", "bottom", "right", "end", "insideH", "insideV",
        ],
        "tblCellMar" => &["top", "left", "start", "bottom", "right", "end"],
        _ => return None,
    })
}

/// Every element's children of a known container come in schema order.
fn check_order(node: roxmltree::Node, part: &str) {
    if let Some(order) = schema_order(node.tag_name().name()) {
        let positions: Vec<(usize, &str)> = node
            .children()
            .filter(|c| c.is_element())
            .map(|c| {
                let name = c.tag_name().name();
                let at = order.iter().position(|o| *o == name).unwrap_or_else(|| {
                    panic!(
                        "{part}: <{name}> is not a child of <{}>",
                        node.tag_name().name()
                    )
                });
                (at, name)
            })
            .collect();
        for pair in positions.windows(2) {
            assert!(
                pair[0].0 <= pair[1].0,
                "{part}: <{}> before <{}> in <{}>",
                pair[0].1,
                pair[1].1,
                node.tag_name().name()
            );
        }
    }
    for child in node.children().filter(|c| c.is_element()) {
        check_order(child, part);
    }
}

#[test]
fn every_docx_part_parses_in_schema_order_without_theme_fonts_and_reproducibly() {
    let dir = build_into_temp("data", "docx");
    let again = build_into_temp("data", "docx");
    let names: Vec<String> = entries(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".docx"))
        .collect();
    assert!(names.len() >= 7, "{names:?}");
    for name in &names {
        let path = dir.path().join(name);
        assert_eq!(
            fs::read(&path).unwrap(),
            fs::read(again.path().join(name)).unwrap(),
            "{name}: two builds differ"
        );
        let parts = unzip(&path);
        for required in [
            "[Content_Types].xml",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/fontTable.xml",
        ] {
            assert!(parts.contains_key(required), "{name}: no {required}");
        }
        assert!(
            !parts.keys().any(|p| p.contains("theme")),
            "{name}: has a theme part"
        );
        for (part, text) in &parts {
            let xml = roxmltree::Document::parse(text)
                .unwrap_or_else(|e| panic!("{name}/{part} does not parse: {e}"));
            check_order(xml.root_element(), &format!("{name}/{part}"));
            assert!(
                !text.contains("Theme=\"") && !text.contains("Theme "),
                "{name}/{part} refers to a theme font"
            );
        }
        let styles = &parts["word/styles.xml"];
        // Every style that names fonts names the East Asian one.
        for fonts in styles.split("<w:rFonts").skip(1) {
            let tag = &fonts[..fonts.find("/>").unwrap()];
            assert!(tag.contains("w:eastAsia=\""), "{name}: {tag}");
        }
        // Headings are real styles with outline levels, for the navigation pane.
        for level in 0..4 {
            assert!(
                styles.contains(&format!("<w:outlineLvl w:val=\"{level}\"/>")),
                "{name}: no heading style of level {level}"
            );
        }
        let settings = &parts["word/settings.xml"];
        assert!(settings.contains("<w:evenAndOddHeaders/>"), "{name}");
        let document = &parts["word/document.xml"];
        assert!(
            document.contains("w:type=\"lines\" w:linePitch=\"579\""),
            "{name}"
        );
        // The portrait margins; a document that is itself a landscape attachment (the
        // 办理情况汇总表) has the landscape ones only.
        let margins = match name.starts_with("replies-summary") {
            true => "<w:pgMar w:top=\"1587\"",
            false => "<w:pgMar w:top=\"2098\"",
        };
        assert!(document.contains(margins), "{name}");
    }
}

#[test]
fn the_plan_s_task_table_is_a_landscape_section_with_its_header_repeated() {
    let dir = build_into_temp("data/zhangjiakou-plan-2018-2020.yaml", "docx");
    let parts = unzip(&dir.path().join("zhangjiakou-plan-2018-2020.docx"));
    let document = &parts["word/document.xml"];
    assert!(document.contains("w:orient=\"landscape\""));
    assert!(document.contains("<w:tblHeader/>"));
    assert!(document.contains(">附件1<"));
}

#[test]
fn markup_characters_in_data_print_as_themselves_in_the_docx() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    place_in_report(&data.join("report.yaml"), &["#标题 *重点* $x$ <b>&amp;"]);
    let out = root.path().join("out");
    let run = gongwen_in(
        root.path(),
        &["build", "data", "--format", "docx", "-o", path_str(&out)],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let docx = out.join("report.docx");
    let document = &unzip(&docx)["word/document.xml"];
    assert!(document.contains("#标题 *重点* $x$ &lt;b&gt;&amp;amp;"));
    let lo = root.path().join("lo");
    soffice_to_pdf(&[docx], &lo);
    assert!(squeezed_pdf_text(&lo.join("report.pdf")).contains("#标题*重点*$x$<b>&amp;"));
}

#[test]
fn a_hand_edited_markdown_file_becomes_a_docx_and_bad_front_matter_is_located() {
    let dir = temp_dir();
    let md = dir.path().join("回复.md");
    fs::write(
        &md,
        "---\nkind: \"proposal-reply\"\ntitle: \"关于某事的答复\"\norgan: \"某局\"\ndate: \"2024-05-20\"\n---\n\n正文第一段。\n\n# 一、部分\n\n| 指标 | 数值 |\n|---|---:|\n| 甲 | 1 |\n",
    )
    .unwrap();
    let out = gongwen(&["docx", path_str(&md)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let parts = unzip(&dir.path().join("回复.docx"));
    let document = &parts["word/document.xml"];
    assert_in_order(
        document,
        &[
            "关于某事的答复",
            "正文第一段。",
            "一、部分",
            "甲",
            "某局",
            "2024年5月20日",
        ],
    );

    let bad = dir.path().join("bad.md");
    fs::write(&bad, "---\nkind: \"x\"\ntitle: [\n---\n正文\n").unwrap();
    let target = dir.path().join("bad.docx");
    let out = gongwen(&["docx", path_str(&bad), "-o", path_str(&target)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let first = diagnostics(&out);
    assert!(
        first
            .iter()
            .any(|d| d.starts_with(&format!("{}:", bad.display()))
                && d.split(':')
                    .nth(1)
                    .is_some_and(|l| l.parse::<u32>().is_ok())),
        "{first:?}"
    );
    assert!(!target.exists());
}

#[test]
fn a_document_with_errors_writes_no_docx_or_xlsx() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    data_folder(root.path(), "other.yaml");
    edit(
        &data.join("report.yaml"),
        &[("year: 2024", "year: 二〇二四")],
    );
    let out = root.path().join("out");
    let run = gongwen_in(
        root.path(),
        &[
            "build",
            "data",
            "--format",
            "docx,xlsx",
            "-o",
            path_str(&out),
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        diagnostics(&run)
            .iter()
            .any(|d| d.contains("report.yaml:3:")),
        "{}",
        stderr(&run)
    );
    let written = entries(&out);
    assert!(
        !written.iter().any(|n| n.starts_with("report.")),
        "{written:?}"
    );
    assert!(written.contains(&"other.docx".to_owned()), "{written:?}");
    assert!(written.contains(&"other.xlsx".to_owned()), "{written:?}");
}

#[test]
fn every_xlsx_sheet_holds_its_csv_with_numbers_as_numbers() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = build_into_temp("data", "csv,xlsx");
    let again = build_into_temp("data", "xlsx");
    let books: Vec<String> = entries(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".xlsx"))
        .collect();
    assert!(books.len() >= 5, "{books:?}");
    let mut numbers = 0;
    let mut percents = 0;
    for name in &books {
        assert_eq!(
            fs::read(dir.path().join(name)).unwrap(),
            fs::read(again.path().join(name)).unwrap(),
            "{name}: two builds differ"
        );
        let stem = name.trim_end_matches(".xlsx");
        let csvs: Vec<String> = entries(dir.path())
            .into_iter()
            .filter(|n| n.starts_with(&format!("{stem}-")) && n.ends_with(".csv"))
            .collect();
        let mut book: Xlsx<_> = open_workbook(dir.path().join(name)).unwrap();
        let sheets = book.sheet_names();
        let mut with_csv = 0;
        for sheet in &sheets {
            assert!(
                sheet
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name}: sheet {sheet}"
            );
            let range = book.worksheet_range(sheet).unwrap();
            let rows: Vec<&[Data]> = range.rows().collect();
            // The CSV of the same table: the one with the same header.
            let header: Vec<String> = rows[1].iter().map(|d| d.to_string()).collect();
            let Some(csv) = csvs
                .iter()
                .map(|c| read_csv(&dir.path().join(c)))
                .find(|c| c[0] == header)
            else {
                // The sheets of the workbook only (each unit's tasks, the changes charted),
                // checked in tests/across.rs.
                assert!(
                    header[..3] == ["序号", "任务", "分工"]
                        || header == ["指标", "单位", "上年", "本年", "同比增减(%)"],
                    "{name}/{sheet}: no CSV with the header {header:?}"
                );
                continue;
            };
            with_csv += 1;
            // Row 0 is the title; the header and the rows follow.
            assert!(
                matches!(&rows[0][0], Data::String(t) if t.contains("——")),
                "{name}"
            );
            assert_eq!(rows.len() - 1, csv.len(), "{name}/{sheet}");
            for (r, (row, expected)) in rows[1..].iter().zip(&csv).enumerate() {
                for (c, want) in expected.iter().enumerate() {
                    let got = row.get(c).cloned().unwrap_or(Data::Empty);
                    let percent = csv[0][c].ends_with("(%)");
                    match (&got, want.parse::<f64>()) {
                        (Data::Float(f), Ok(w)) if r > 0 => {
                            // Stored as printed: a percentage's fraction has two digits
                            // more than its text, not a binary tail (0.21710000000000002).
                            let decimals = want.split_once('.').map_or(0, |(_, d)| d.len());
                            let stored = f.to_string();
                            let stored_decimals =
                                stored.split_once('.').map_or(0, |(_, d)| d.len());
                            assert!(
                                stored_decimals <= decimals + usize::from(percent) * 2,
                                "{name}/{sheet} {r},{c}: {stored} for {want}"
                            );
                            let f = if percent { f * 100.0 } else { *f };
                            assert!(
                                (f - w).abs() < 1e-9,
                                "{name}/{sheet} {r},{c}: {got:?} {want}"
                            );
                            numbers += 1;
                            percents += usize::from(percent);
                        }
                        (Data::String(s), _) => {
                            assert_eq!(s, want, "{name}/{sheet} {r},{c}");
                        }
                        (Data::Empty, _) => assert_eq!(want, "", "{name}/{sheet} {r},{c}"),
                        _ => panic!("{name}/{sheet} {r},{c}: {got:?} for {want}"),
                    }
                }
            }
        }
        assert_eq!(with_csv, csvs.len(), "{name}: {sheets:?} {csvs:?}");
    }
    assert!(
        numbers > 50 && percents > 3,
        "{numbers} numbers, {percents} percentages"
    );
}

/// The 落款 of a set page: the organ's line and the date's under it.
fn signature_lines(pdf: &Path, organ: &str) -> (Line, Line) {
    let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    // The last such line: the organ may also stand in the 版头's mark on the first page.
    for page in pages(pdf).into_iter().rev() {
        if let Some(i) = page.iter().rposition(|l| squeeze(&l.text) == organ) {
            let date = page.get(i + 1).expect("a date under the organ").clone();
            return (page[i].clone(), date);
        }
    }
    panic!("no line `{organ}` in {}", pdf.display())
}

/// GB/T 9704 §7.3.5.2 in the PDF and in LibreOffice's setting of the DOCX: the longer of the
/// organ and the date stands two characters in from the right, and the date starts two
/// characters right of the organ. LibreOffice sets Western digits wider than gongwen's
/// measure of a word processor's (its fallback face's digits are 0.63 of a character, the
/// standard faces' are half), so its tolerance is half a character; typst's is a fifth.
#[test]
fn the_signature_follows_the_same_rule_in_the_pdf_and_in_libreoffice() {
    let (dir, stems) = samples();
    let char = WIDTH / 28.0;
    let right = LEFT + WIDTH;
    let mut checked = 0;
    for stem in &stems {
        let md = fs::read_to_string(dir.path().join(format!("{stem}.md"))).unwrap();
        let field = |key: &str| {
            md.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}: \"")))
                .map(|v| v.trim_end_matches('"').to_owned())
        };
        // A document that is itself an attachment has no 落款.
        if md.contains("\nas_attachment: true\n") {
            checked += 1;
            continue;
        }
        let Some(organ) = field("signature").or_else(|| field("organ")) else {
            continue;
        };
        for (pdf, tolerance) in [
            (dir.path().join(format!("{stem}.pdf")), 0.2 * char),
            (
                dir.path().join("lo").join(format!("{stem}.pdf")),
                0.5 * char,
            ),
        ] {
            let (organ_line, date_line) = signature_lines(&pdf, &organ);
            let shift = date_line.left - organ_line.left;
            assert!(
                (shift - 2.0 * char).abs() <= tolerance,
                "{}: the date starts {:.1} pt right of the organ, not two characters",
                pdf.display(),
                shift
            );
            let gap = right - organ_line.right.max(date_line.right);
            assert!(
                (gap - 2.0 * char).abs() <= tolerance,
                "{}: the longer line ends {:.1} pt from the right edge, not two characters",
                pdf.display(),
                gap
            );
        }
        checked += 1;
    }
    assert_eq!(checked, stems.len(), "every sample is signed");
}

#[test]
fn libreoffice_sets_the_colophon_at_the_foot_of_the_last_page() {
    let (dir, stems) = samples();
    let seen = stems
        .iter()
        .filter(|stem| {
            colophon_at_the_foot(stem, &dir.path().join("lo").join(format!("{stem}.pdf")))
        })
        .count();
    assert!(seen >= 3, "samples with a 版记: {seen}");
}
