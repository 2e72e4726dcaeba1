//! The OPC package around the document: content types, relationships, settings, footers
//! (odd and even page numbers), the letter form's first-page header, document properties,
//! all zipped with fixed timestamps so that the same input gives the same bytes.

use crate::write::{Packing, zip_package};

use super::{TYPE_W, W_NS, styles, xml};
use crate::plan::gbt9704;
use crate::plan::{Head, Parts, cells};

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The seal images of the 落款, each once: (file name, bytes).
fn seal_media(parts: &Parts) -> Vec<(String, std::sync::Arc<[u8]>)> {
    let mut media: Vec<(String, std::sync::Arc<[u8]>)> = Vec::new();
    let images = parts
        .signature
        .iter()
        .flat_map(|s| &s.seals)
        .filter_map(|s| s.image.as_ref());
    for image in images {
        let name = image.file_name();
        if !media.iter().any(|(n, _)| *n == name) {
            media.push((name, image.bytes.clone()));
        }
    }
    media
}

fn content_types(letter: bool) -> String {
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    let mut overrides = vec![
        ("/word/document.xml", format!("{wml}.document.main+xml")),
        ("/word/styles.xml", format!("{wml}.styles+xml")),
        ("/word/settings.xml", format!("{wml}.settings+xml")),
        ("/word/fontTable.xml", format!("{wml}.fontTable+xml")),
        ("/word/footer1.xml", format!("{wml}.footer+xml")),
        ("/word/footer2.xml", format!("{wml}.footer+xml")),
        ("/word/footer4.xml", format!("{wml}.footer+xml")),
        ("/word/footer5.xml", format!("{wml}.footer+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".to_owned(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_owned(),
        ),
    ];
    if letter {
        overrides.push(("/word/footer3.xml", format!("{wml}.footer+xml")));
        overrides.push(("/word/header1.xml", format!("{wml}.header+xml")));
    }
    let overrides: String = overrides
        .iter()
        .map(|(part, kind)| format!("<Override PartName=\"{part}\" ContentType=\"{kind}\"/>"))
        .collect();
    format!(
        "{DECLARATION}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/><Default Extension=\"svg\" ContentType=\"image/svg+xml\"/>{overrides}</Types>"
    )
}

fn package_rels() -> String {
    format!(
        "{DECLARATION}<Relationships xmlns=\"{REL_NS}\"><Relationship Id=\"rId1\" Type=\"{OFFICE_REL}/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"{OFFICE_REL}/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>"
    )
}

fn document_rels(letter: bool, media: &[(String, std::sync::Arc<[u8]>)]) -> String {
    let seal_rels: Vec<(String, String)> = media
        .iter()
        .map(|(name, _)| (super::seal_relationship(name), format!("media/{name}")))
        .collect();
    let mut rels = vec![
        ("rIdStyles", "styles", "styles.xml"),
        ("rIdSettings", "settings", "settings.xml"),
        ("rIdFonts", "fontTable", "fontTable.xml"),
        ("rIdFooterOdd", "footer", "footer1.xml"),
        ("rIdFooterEven", "footer", "footer2.xml"),
        ("rIdFooterTurnedOdd", "footer", "footer4.xml"),
        ("rIdFooterTurnedEven", "footer", "footer5.xml"),
    ];
    if letter {
        rels.push(("rIdFooterFirst", "footer", "footer3.xml"));
        rels.push(("rIdHeaderFirst", "header", "header1.xml"));
    }
    let rels: String = rels
        .iter()
        .map(|(id, kind, target)| (*id, *kind, *target))
        .chain(
            seal_rels
                .iter()
                .map(|(id, target)| (id.as_str(), "image", target.as_str())),
        )
        .map(|(id, kind, target)| {
            format!("<Relationship Id=\"{id}\" Type=\"{OFFICE_REL}/{kind}\" Target=\"{target}\"/>")
        })
        .collect();
    format!("{DECLARATION}<Relationships xmlns=\"{REL_NS}\">{rels}</Relationships>")
}

/// Odd and even pages have their own footers; CJK punctuation is not compressed, so that
/// every character keeps its cell.
fn settings() -> String {
    format!(
        "{DECLARATION}<w:settings xmlns:w=\"{W_NS}\"><w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>"
    )
}

/// A footer with the page number `— N —`, one character in from the right (odd pages) or
/// the left (even pages).
fn page_number_footer(odd: bool) -> String {
    let (jc, ind) = if odd {
        ("right", "<w:ind w:right=\"280\" w:firstLine=\"0\"/>")
    } else {
        ("left", "<w:ind w:left=\"280\" w:firstLine=\"0\"/>")
    };
    let props = styles::paragraph(styles::FOOTER)
        .set("ind", ind)
        .set("jc", format!("<w:jc w:val=\"{jc}\"/>"));
    let run = |inner: &str| format!("<w:r>{inner}</w:r>");
    let field = format!(
        "{}{}{}{}{}",
        run("<w:fldChar w:fldCharType=\"begin\"/>"),
        run("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"),
        run("<w:fldChar w:fldCharType=\"separate\"/>"),
        run("<w:t>1</w:t>"),
        run("<w:fldChar w:fldCharType=\"end\"/>")
    );
    let runs = format!(
        "{}{field}{}",
        xml::run(&xml::run_props(), "— "),
        xml::run(&xml::run_props(), " —")
    );
    format!(
        "{DECLARATION}<w:ftr xmlns:w=\"{W_NS}\">{}</w:ftr>",
        xml::paragraph(&props, &runs)
    )
}

/// The PAGE field between dashes: `— N —`.
fn page_number_runs() -> String {
    let run = |inner: &str| format!("<w:r>{inner}</w:r>");
    format!(
        "{}{}{}{}{}{}{}",
        xml::run(&xml::run_props(), "— "),
        run("<w:fldChar w:fldCharType=\"begin\"/>"),
        run("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"),
        run("<w:fldChar w:fldCharType=\"separate\"/>"),
        run("<w:t>1</w:t>"),
        run("<w:fldChar w:fldCharType=\"end\"/>"),
        xml::run(&xml::run_props(), " —")
    )
}

/// A landscape page's footer: the page number where the portrait pages have it, turned
/// with the page (GB/T 9704 on tables): a text box in the left margin, 7 mm off the type
/// area, its text running top to bottom, at the bottom on odd pages and at the top on even
/// ones, one character in.
fn turned_page_number_footer(odd: bool) -> String {
    let emu = |mm: f64| (mm * 36000.0).round() as i64;
    let pt = 25.4 / 72.0;
    let number_mm = gbt9704::PAGE_NUMBER_PT * pt;
    let long_mm = 30.0;
    let x = gbt9704::LANDSCAPE_LEFT_MM - gbt9704::PAGE_NUMBER_BELOW_MM - number_mm * 1.3;
    let y = if odd {
        gbt9704::LANDSCAPE_TOP_MM + gbt9704::TYPE_WIDTH_MM - number_mm - long_mm
    } else {
        gbt9704::LANDSCAPE_TOP_MM + number_mm
    };
    let (cx, cy) = (emu(number_mm * 1.3), emu(long_mm));
    let jc = if odd { "right" } else { "left" };
    let props = styles::paragraph(styles::FOOTER).set("jc", format!("<w:jc w:val=\"{jc}\"/>"));
    let inner = xml::paragraph(&props, &page_number_runs());
    let wps = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape";
    let a = "http://schemas.openxmlformats.org/drawingml/2006/main";
    let wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
    let anchor = format!(
        "<w:r><w:drawing><wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" relativeHeight=\"1\" behindDoc=\"0\" locked=\"1\" layoutInCell=\"1\" allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"page\"><wp:posOffset>{}</wp:posOffset></wp:positionH><wp:positionV relativeFrom=\"page\"><wp:posOffset>{}</wp:posOffset></wp:positionV><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapNone/><wp:docPr id=\"900\" name=\"页码\"/><wp:cNvGraphicFramePr/><a:graphic xmlns:a=\"{a}\"><a:graphicData uri=\"{wps}\"><wps:wsp xmlns:wps=\"{wps}\"><wps:cNvSpPr txBox=\"1\"/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx><wps:bodyPr vert=\"vert\" wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"t\"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>",
        emu(x),
        emu(y)
    );
    format!(
        "{DECLARATION}<w:ftr xmlns:w=\"{W_NS}\" xmlns:wp=\"{wp}\">{}</w:ftr>",
        xml::paragraph(&styles::paragraph(styles::FOOTER), &anchor)
    )
}

/// The letter form's first page: no page number; the red double rule (thin over thick)
/// 20 mm above the page's foot, unless printed on letterhead paper.
fn letter_first_footer(letterhead: bool) -> String {
    let props = styles::paragraph(styles::FOOTER);
    let red = gbt9704::red_hex();
    let props = if letterhead {
        props
    } else {
        props.set(
            "pBdr",
            format!("<w:pBdr><w:bottom w:val=\"thinThickSmallGap\" w:sz=\"24\" w:space=\"1\" w:color=\"{red}\"/></w:pBdr>"),
        )
    };
    format!(
        "{DECLARATION}<w:ftr xmlns:w=\"{W_NS}\">{}</w:ftr>",
        xml::paragraph(&props, "")
    )
}

/// The letter form's first-page header: the organ's full name in red 小标宋 30 mm from the
/// page's top edge, the red double rule (thick over thin) 4 mm under it.
fn letter_header(parts: &Parts, letterhead: bool) -> String {
    let name = match &parts.head {
        Head::Header(h) => h.issuers.first().cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let width = gbt9704::LETTER_RULE_MM / 25.4 * 1440.0;
    let size_pt = gbt9704::MARK_MAX_PT
        .min(TYPE_W as f64 / 20.0 / cells(&name).max(1.0))
        .floor();
    let red = gbt9704::red_hex();
    let color = if letterhead { "FFFFFF" } else { &red };
    // The rule is 170 mm long, wider than the type area: the paragraph reaches out on both
    // sides.
    let out = ((width - TYPE_W as f64) / 2.0).round() as i64;
    let mut props = styles::paragraph(styles::MARK)
        .set(
            "spacing",
            format!(
                "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/>",
                (size_pt * 1.3 * 20.0).round()
            ),
        )
        .set(
            "ind",
            format!("<w:ind w:left=\"-{out}\" w:right=\"-{out}\" w:firstLine=\"0\"/>"),
        );
    if !letterhead {
        props = props.set(
            "pBdr",
            format!("<w:pBdr><w:bottom w:val=\"thickThinSmallGap\" w:sz=\"24\" w:space=\"11\" w:color=\"{red}\"/></w:pBdr>"),
        );
    }
    let run = styles::run_in(styles::FONT_TITLE, (size_pt * 2.0) as u32)
        .set("color", format!("<w:color w:val=\"{color}\"/>"));
    format!(
        "{DECLARATION}<w:hdr xmlns:w=\"{W_NS}\">{}</w:hdr>",
        xml::paragraph(&props, &xml::run(&run, &name))
    )
}

/// Document properties: the title and organ; the dates are the document's date, so that
/// the file does not change from run to run.
fn core(parts: &Parts) -> String {
    let date = parts.date.map_or("1980-01-01".to_owned(), |d| d.iso());
    let creator = parts.organ.as_deref().unwrap_or("");
    format!(
        "{DECLARATION}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}T00:00:00Z</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}T00:00:00Z</dcterms:modified></cp:coreProperties>",
        xml::escape(&parts.title),
        xml::escape(creator)
    )
}

fn app() -> String {
    format!(
        "{DECLARATION}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>gongwen</Application><AppVersion>{}</AppVersion></Properties>",
        app_version()
    )
}

/// `AppVersion` must be `XX.YYYY`.
fn app_version() -> String {
    let mut numbers = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let major = numbers.next().unwrap_or(0);
    let minor = numbers.next().unwrap_or(0);
    format!("{major:02}.{minor:04}")
}

/// Every part zipped, in a fixed order with fixed timestamps.
pub fn zip(document: &str, parts: &Parts, letterhead: bool) -> Vec<u8> {
    let letter = parts.letter;
    let media = seal_media(parts);
    let mut files: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", content_types(letter)),
        ("_rels/.rels", package_rels()),
        ("docProps/core.xml", core(parts)),
        ("docProps/app.xml", app()),
        ("word/document.xml", document.to_owned()),
        (
            "word/_rels/document.xml.rels",
            document_rels(letter, &media),
        ),
        ("word/styles.xml", styles::styles_xml()),
        ("word/settings.xml", settings()),
        ("word/fontTable.xml", styles::font_table_xml()),
        ("word/footer1.xml", page_number_footer(true)),
        ("word/footer2.xml", page_number_footer(false)),
        ("word/footer4.xml", turned_page_number_footer(true)),
        ("word/footer5.xml", turned_page_number_footer(false)),
    ];
    if letter {
        files.push(("word/footer3.xml", letter_first_footer(letterhead)));
        files.push(("word/header1.xml", letter_header(parts, letterhead)));
    }
    let media_files = media
        .iter()
        .map(|(name, bytes)| (format!("word/media/{name}"), bytes.to_vec()));
    let files = files
        .into_iter()
        .map(|(name, text)| (name.to_owned(), text.into_bytes()))
        .chain(media_files)
        .map(|(name, bytes)| (name, bytes, Packing::Deflated));
    zip_package(files)
}
