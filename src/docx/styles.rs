//! The paragraph styles of the DOCX (`word/styles.xml`) and the fonts they name
//! (`word/fontTable.xml`). Every style names its fonts in all four slots, East Asian
//! included; no style refers to a theme font, which makes WPS ask for missing fonts.

use super::xml::{self, Props};
use super::{CHAR, CONDENSED, LINE};

/// The standard's font names first: a bureau PC with these fonts shows them.
pub const FONT_TITLE: &str = "方正小标宋简体";
pub const FONT_BODY: &str = "仿宋_GB2312";
pub const FONT_KAI: &str = "楷体_GB2312";
pub const FONT_HEI: &str = "黑体";
pub const FONT_SONG: &str = "宋体";

/// Each font with the name Word and WPS know it by in English.
const FONT_TABLE: &[(&str, &str, &str)] = &[
    (FONT_TITLE, "FZXiaoBiaoSong-B05S", "roman"),
    (FONT_BODY, "FangSong_GB2312", "modern"),
    (FONT_KAI, "KaiTi_GB2312", "modern"),
    (FONT_HEI, "SimHei", "modern"),
    (FONT_SONG, "SimSun", "auto"),
];

/// Style ids.
pub const BODY: &str = "Normal";
pub const PLAIN: &str = "Plain";
pub const TITLE: &str = "Title";
pub const HEADINGS: [&str; 4] = ["Heading1", "Heading2", "Heading3", "Heading4"];
pub const TABLE_TITLE: &str = "TableTitle";
pub const TABLE_TEXT: &str = "TableText";
pub const TABLE_HEADER: &str = "TableHeader";
pub const COMPACT_TEXT: &str = "CompactTableText";
pub const COMPACT_HEADER: &str = "CompactTableHeader";
pub const ATTACHMENT_LABEL: &str = "AttachmentLabel";
pub const MARK: &str = "IssuerMark";
pub const COLOPHON: &str = "Colophon";
pub const FOOTER: &str = "Footer";

/// A paragraph of the style `id`.
pub fn paragraph(id: &str) -> Props {
    xml::style(xml::para(), id)
}

/// A run in a font of its own, at a size in half points.
pub fn run_in(font: &str, half_points: u32) -> Props {
    xml::run_props()
        .set("rFonts", xml::fonts(font))
        .set("sz", format!("<w:sz w:val=\"{half_points}\"/>"))
        .set("szCs", format!("<w:szCs w:val=\"{half_points}\"/>"))
}

/// The first-line indent of two characters.
fn indent_two() -> String {
    format!(
        "<w:ind w:firstLineChars=\"200\" w:firstLine=\"{}\"/>",
        (2.0 * CHAR).round()
    )
}

fn no_indent() -> String {
    "<w:ind w:firstLine=\"0\"/>".to_owned()
}

struct Style {
    id: &'static str,
    /// The name Word shows; built-in styles keep their English names so that Word treats
    /// them as its own (headings in the navigation pane and a table of contents).
    name: &'static str,
    based_on: Option<&'static str>,
    ppr: Props,
    rpr: Props,
}

fn style(
    id: &'static str,
    name: &'static str,
    based_on: Option<&'static str>,
    ppr: Props,
    rpr: Props,
) -> Style {
    Style {
        id,
        name,
        based_on,
        ppr,
        rpr,
    }
}

fn styles() -> Vec<Style> {
    let font = |f: &str| xml::run_props().set("rFonts", xml::fonts(f));
    let center = || xml::para().set("jc", "<w:jc w:val=\"center\"/>");
    let mut all = vec![
        style(
            BODY,
            "Normal",
            None,
            xml::para()
                .set("ind", indent_two())
                .set("jc", "<w:jc w:val=\"both\"/>"),
            xml::run_props(),
        ),
        style(
            PLAIN,
            "无缩进正文",
            Some(BODY),
            xml::para()
                .set("ind", no_indent())
                .set("jc", "<w:jc w:val=\"left\"/>"),
            xml::run_props(),
        ),
        // 标题：2 号小标宋，居中；标题下空一行。
        style(
            TITLE,
            "Title",
            Some(BODY),
            center()
                .set("ind", no_indent())
                .set(
                    "spacing",
                    format!("<w:spacing w:before=\"0\" w:after=\"{LINE}\" w:line=\"{LINE}\" w:lineRule=\"exact\"/>"),
                ),
            font(FONT_TITLE)
                .set("sz", "<w:sz w:val=\"44\"/>")
                .set("szCs", "<w:szCs w:val=\"44\"/>"),
        ),
        style(
            TABLE_TITLE,
            "表题",
            Some(BODY),
            center().set("keepNext", "<w:keepNext/>").set("ind", no_indent()),
            font(FONT_HEI),
        ),
        style(
            TABLE_TEXT,
            "表格文字",
            Some(BODY),
            xml::para().set("ind", no_indent()).set("jc", "<w:jc w:val=\"left\"/>"),
            xml::run_props(),
        ),
        style(
            TABLE_HEADER,
            "表头",
            Some(TABLE_TEXT),
            center(),
            font(FONT_HEI),
        ),
        // 紧凑表格（任务分解表）：4 号字，单倍行距，不紧缩字距。
        style(
            COMPACT_TEXT,
            "紧凑表格文字",
            Some(TABLE_TEXT),
            xml::para().set(
                "spacing",
                "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
            ),
            xml::run_props()
                .set("spacing", "<w:spacing w:val=\"0\"/>")
                .set("sz", "<w:sz w:val=\"28\"/>")
                .set("szCs", "<w:szCs w:val=\"28\"/>"),
        ),
        style(
            COMPACT_HEADER,
            "紧凑表格表头",
            Some(COMPACT_TEXT),
            center(),
            font(FONT_HEI),
        ),
        style(
            ATTACHMENT_LABEL,
            "附件标识",
            Some(PLAIN),
            xml::para().set("keepNext", "<w:keepNext/>"),
            font(FONT_HEI),
        ),
        style(
            MARK,
            "发文机关标志",
            Some(PLAIN),
            center(),
            font(FONT_TITLE).set("color", "<w:color w:val=\"E60012\"/>"),
        ),
        // 版记：4 号字，左右各空一字。
        style(
            COLOPHON,
            "版记",
            Some(PLAIN),
            xml::para().set("ind", "<w:ind w:left=\"280\" w:right=\"280\" w:firstLine=\"0\"/>"),
            xml::run_props()
                .set("sz", "<w:sz w:val=\"28\"/>")
                .set("szCs", "<w:szCs w:val=\"28\"/>"),
        ),
        // 页码：4 号半角宋体阿拉伯数字。
        style(
            FOOTER,
            "footer",
            Some(PLAIN),
            xml::para(),
            font(FONT_SONG)
                .set("sz", "<w:sz w:val=\"28\"/>")
                .set("szCs", "<w:szCs w:val=\"28\"/>"),
        ),
    ];
    // 各级标题均为 3 号：一、黑体；（一）楷体；1. 仿宋加粗；（1）仿宋。编号已在文字中。
    let heading_fonts = [
        font(FONT_HEI),
        font(FONT_KAI),
        font(FONT_BODY).set("b", "<w:b/>").set("bCs", "<w:bCs/>"),
        font(FONT_BODY),
    ];
    let names = ["heading 1", "heading 2", "heading 3", "heading 4"];
    for (level, rpr) in heading_fonts.into_iter().enumerate() {
        all.push(style(
            HEADINGS[level],
            names[level],
            Some(BODY),
            xml::para()
                .set("keepNext", "<w:keepNext/>")
                .set("outlineLvl", format!("<w:outlineLvl w:val=\"{level}\"/>")),
            rpr,
        ));
    }
    all
}

/// `word/styles.xml`.
pub fn styles_xml() -> String {
    // Defaults: 3 号仿宋, exact line spacing of one grid row, no widow control (every full
    // page has its 22 rows), Chinese line-start rules.
    let defaults = format!(
        "<w:docDefaults><w:rPrDefault><w:rPr>{fonts}<w:spacing w:val=\"{CONDENSED}\"/><w:kern w:val=\"0\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:kinsoku/><w:overflowPunct w:val=\"0\"/><w:autoSpaceDE w:val=\"0\"/><w:autoSpaceDN w:val=\"0\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{LINE}\" w:lineRule=\"exact\"/></w:pPr></w:pPrDefault></w:docDefaults>",
        fonts = xml::fonts(FONT_BODY)
    );
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{}\">{defaults}",
        super::W_NS
    );
    for s in styles() {
        let default = if s.id == BODY { " w:default=\"1\"" } else { "" };
        let based = s
            .based_on
            .map(|b| format!("<w:basedOn w:val=\"{b}\"/>"))
            .unwrap_or_default();
        let next = if s.id.starts_with("Heading") || s.id == TITLE {
            format!("<w:next w:val=\"{BODY}\"/>")
        } else {
            String::new()
        };
        let q = if s.id.starts_with("Heading") || s.id == TITLE || s.id == BODY {
            "<w:qFormat/>"
        } else {
            ""
        };
        out.push_str(&format!(
            "<w:style w:type=\"paragraph\"{default} w:styleId=\"{}\"><w:name w:val=\"{}\"/>{based}{next}{q}{}{}</w:style>",
            s.id,
            s.name,
            s.ppr.ppr(),
            s.rpr.rpr()
        ));
    }
    out.push_str("<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/></w:style>");
    out.push_str("<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>");
    out.push_str("</w:styles>");
    out
}

/// `word/fontTable.xml`: GB2312 fonts (charset 86) by name, none embedded.
pub fn font_table_xml() -> String {
    let fonts: String = FONT_TABLE
        .iter()
        .map(|(name, alt, family)| {
            format!(
                "<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\"/><w:charset w:val=\"86\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"fixed\"/></w:font>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:fonts xmlns:w=\"{}\">{fonts}</w:fonts>",
        super::W_NS
    )
}
