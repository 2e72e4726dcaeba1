//! The numbers of GB/T 9704-2012 (党政机关公文格式) that every page back-end reads: the
//! page, the type area and its grid, the sizes, the offsets and the red. The DOCX writer
//! takes them in twips; the Typst page style imports them from `gbt9704.typ`, which is
//! written from here (`typst_module`).

/// A4.
pub const PAGE_WIDTH_MM: f64 = 210.0;
pub const PAGE_HEIGHT_MM: f64 = 297.0;
/// 天头 (top margin) and 订口 (binding margin).
pub const TOP_MM: f64 = 37.0;
pub const BINDING_MM: f64 = 28.0;
/// 版心 (type area).
pub const TYPE_WIDTH_MM: f64 = 156.0;
pub const TYPE_HEIGHT_MM: f64 = 225.0;
/// 22 lines a page, 28 characters a line.
pub const LINES: u32 = 22;
pub const CHARS: u32 = 28;
/// 3号 body, 2号 title, 4号 page numbers and 版记.
pub const BODY_PT: f64 = 16.0;
pub const TITLE_PT: f64 = 22.0;
pub const PAGE_NUMBER_PT: f64 = 14.0;
/// 版记: 4号.
pub const COLOPHON_PT: f64 = 14.0;
/// 信函格式: the red double rules are 170 mm long.
pub const LETTER_RULE_MM: f64 = 170.0;
/// Page numbers 7 mm under the type area.
pub const PAGE_NUMBER_BELOW_MM: f64 = 7.0;
/// 发文机关标志: its top 35 mm under the type area's, at most 36 pt (小初).
pub const MARK_TOP_MM: f64 = 35.0;
pub const MARK_MAX_PT: f64 = 36.0;
/// A landscape page (a wide table): the portrait margins turned with the page, the table's
/// head toward the binding edge (the portrait page turned a quarter clockwise: its left
/// margin is the top, its foot the left), so that the page number stays where the portrait
/// pages have it.
pub const LANDSCAPE_TOP_MM: f64 = BINDING_MM;
pub const LANDSCAPE_BOTTOM_MM: f64 = PAGE_WIDTH_MM - BINDING_MM - TYPE_WIDTH_MM;
pub const LANDSCAPE_LEFT_MM: f64 = PAGE_HEIGHT_MM - TOP_MM - TYPE_HEIGHT_MM;
pub const LANDSCAPE_RIGHT_MM: f64 = TOP_MM;
/// A compact table (the landscape 任务分解表): 4号, on single spacing.
pub const COMPACT_TABLE_PT: f64 = 14.0;
/// Its row pitch: single spacing of its size.
pub const COMPACT_LINE_PT: f64 = COMPACT_TABLE_PT * 1.3;

/// The advance of one character of a compact table: its size and the tracking that makes
/// the style's punctuation cells (sized for the body) exactly one character wide.
pub fn compact_char_pt() -> f64 {
    let pitch = TYPE_WIDTH_MM * 72.0 / 25.4 / f64::from(CHARS);
    let punctuation_cell = pitch + 2.0 * (pitch - BODY_PT);
    COMPACT_TABLE_PT + (punctuation_cell - COMPACT_TABLE_PT) / 3.0
}
/// The red of the 版头 (发文机关标志, 分隔线).
pub const RED: (u8, u8, u8) = (230, 0, 18);

/// Millimetres in twips (1/20 pt), to the nearest.
pub const fn twips(mm: f64) -> u32 {
    (mm * 1440.0 / 25.4 + 0.5) as u32
}

/// The red as WordprocessingML writes a colour.
pub fn red_hex() -> String {
    format!("{:02X}{:02X}{:02X}", RED.0, RED.1, RED.2)
}

/// The file the page style imports its numbers from.
pub const TYPST_MODULE: &str = "gbt9704.typ";

/// The numbers as Typst definitions, for `gbt9704.typ`.
pub fn typst_module() -> String {
    let lengths = [
        ("page-width", PAGE_WIDTH_MM, "mm"),
        ("page-height", PAGE_HEIGHT_MM, "mm"),
        ("top-margin", TOP_MM, "mm"),
        ("binding-margin", BINDING_MM, "mm"),
        ("type-width", TYPE_WIDTH_MM, "mm"),
        ("type-height", TYPE_HEIGHT_MM, "mm"),
        ("body-size", BODY_PT, "pt"),
        ("title-size", TITLE_PT, "pt"),
        ("page-number-size", PAGE_NUMBER_PT, "pt"),
        ("colophon-size", COLOPHON_PT, "pt"),
        ("letter-rule", LETTER_RULE_MM, "mm"),
        ("page-number-below", PAGE_NUMBER_BELOW_MM, "mm"),
        ("mark-top", MARK_TOP_MM, "mm"),
        ("mark-max-size", MARK_MAX_PT, "pt"),
        ("landscape-top", LANDSCAPE_TOP_MM, "mm"),
        ("landscape-bottom", LANDSCAPE_BOTTOM_MM, "mm"),
        ("landscape-left", LANDSCAPE_LEFT_MM, "mm"),
        ("landscape-right", LANDSCAPE_RIGHT_MM, "mm"),
        ("compact-size", COMPACT_TABLE_PT, "pt"),
        ("compact-line", COMPACT_LINE_PT, "pt"),
    ];
    let mut out = String::from(
        "// Written by gongwen from its GB/T 9704-2012 numbers; gongwen.typ imports it.\n",
    );
    for (name, value, unit) in lengths {
        out.push_str(&format!("#let {name} = {value}{unit}\n"));
    }
    out.push_str(&format!("#let lines = {LINES}\n#let chars = {CHARS}\n"));
    out.push_str(&format!(
        "#let red = rgb({}, {}, {})\n",
        RED.0, RED.1, RED.2
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twips_of_the_page() {
        assert_eq!(twips(PAGE_WIDTH_MM), 11906);
        assert_eq!(twips(PAGE_HEIGHT_MM), 16838);
        assert_eq!(twips(TYPE_WIDTH_MM), 8844);
        assert_eq!(twips(TYPE_HEIGHT_MM), 12756);
        assert_eq!(twips(LANDSCAPE_BOTTOM_MM), 1474);
        assert_eq!(red_hex(), "E60012");
    }

    #[test]
    fn the_typst_module_defines_each_number() {
        let module = typst_module();
        assert!(module.contains("#let type-width = 156mm\n"));
        assert!(module.contains("#let landscape-left = 35mm\n"));
        assert!(module.contains("#let landscape-right = 37mm\n"));
        assert!(module.contains("#let red = rgb(230, 0, 18)\n"));
    }
}
