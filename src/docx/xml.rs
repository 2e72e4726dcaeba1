//! WordprocessingML pieces: escaped text, runs, and paragraph and run properties whose
//! children are always written in the order the OOXML schema requires (Word refuses a
//! file whose `w:pPr` has `w:jc` before `w:spacing`; LibreOffice and WPS are lenient).

/// The children of `w:pPr`, in schema order (ECMA-376 Part 1, CT_PPrBase then CT_PPr).
const PPR_ORDER: &[&str] = &[
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
];

/// The children of `w:rPr`, in schema order (CT_RPr).
const RPR_ORDER: &[&str] = &[
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
];

/// Text with `&`, `<`, `>` and `"` escaped, and the characters XML 1.0 cannot hold (control
/// characters other than tab and line breaks) left out, so that every part parses.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Properties (`w:pPr` or `w:rPr`): children added in any order, written in schema order.
#[derive(Clone, Debug, Default)]
pub struct Props {
    children: Vec<(&'static str, String)>,
}

impl Props {
    /// Adds or replaces the child element `name` (without `w:`), given as its whole XML.
    pub fn set(mut self, name: &'static str, xml: impl Into<String>) -> Self {
        self.children.retain(|(n, _)| *n != name);
        self.children.push((name, xml.into()));
        self
    }

    fn write(&self, tag: &str, order: &[&str]) -> String {
        if self.children.is_empty() {
            return String::new();
        }
        let mut children = self.children.clone();
        children.sort_by_key(|(name, _)| {
            order
                .iter()
                .position(|o| o == name)
                .unwrap_or_else(|| panic!("{name} is not a child of {tag}"))
        });
        let inner: String = children.into_iter().map(|(_, xml)| xml).collect();
        format!("<w:{tag}>{inner}</w:{tag}>")
    }

    pub fn ppr(&self) -> String {
        self.write("pPr", PPR_ORDER)
    }

    pub fn rpr(&self) -> String {
        self.write("rPr", RPR_ORDER)
    }
}

/// Paragraph properties.
pub fn para() -> Props {
    Props::default()
}

/// Run properties.
pub fn run_props() -> Props {
    Props::default()
}

/// `w:pStyle`.
pub fn style(props: Props, id: &str) -> Props {
    props.set("pStyle", format!("<w:pStyle w:val=\"{id}\"/>"))
}

/// The four font slots named explicitly (never a theme font): Western, Chinese, complex.
pub fn fonts(family: &str) -> String {
    let f = escape(family);
    format!("<w:rFonts w:ascii=\"{f}\" w:hAnsi=\"{f}\" w:eastAsia=\"{f}\" w:cs=\"{f}\"/>")
}

/// A run of text: tabs and line breaks become their elements, spaces are kept.
pub fn run(props: &Props, text: &str) -> String {
    let mut out = String::new();
    let rpr = props.rpr();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str(&format!("<w:r>{rpr}<w:br/></w:r>"));
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str(&format!("<w:r>{rpr}<w:tab/></w:r>"));
            }
            if !piece.is_empty() {
                out.push_str(&format!(
                    "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    escape(piece)
                ));
            }
        }
    }
    out
}

/// A paragraph of properties and runs.
pub fn paragraph(props: &Props, runs: &str) -> String {
    format!("<w:p>{}{runs}</w:p>", props.ppr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_come_out_in_schema_order() {
        let p = para()
            .set("jc", "<w:jc w:val=\"center\"/>")
            .set("spacing", "<w:spacing/>")
            .set("pStyle", "<w:pStyle w:val=\"a\"/>");
        assert_eq!(
            p.ppr(),
            "<w:pPr><w:pStyle w:val=\"a\"/><w:spacing/><w:jc w:val=\"center\"/></w:pPr>"
        );
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("<a & \"b\">\u{1b}[31m"),
            "&lt;a &amp; &quot;b&quot;&gt;[31m"
        );
        assert_eq!(
            run(&run_props(), "甲\t乙\n丙"),
            "<w:r><w:t xml:space=\"preserve\">甲</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t xml:space=\"preserve\">乙</w:t></w:r><w:r><w:br/></w:r><w:r><w:t xml:space=\"preserve\">丙</w:t></w:r>"
        );
    }
}
