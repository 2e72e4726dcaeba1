//! The first stage of `import`: a file's bytes as lines of text. Plain text comes in
//! whatever encoding the browser or Word saved it in; a `.docx` file is read paragraph by
//! paragraph, its automatic numbering and heading styles written out as the numbers a
//! reader sees, and a bold opening sentence marked `**…**`.

use std::collections::HashMap;
use std::io::Read;

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};

use crate::diag::{Diagnostic, Place, Report};

/// The largest part of a `.docx` file read, unpacked: a zip bomb stops here.
const MAX_PART_BYTES: u64 = 64 << 20;

/// What was read, and how: the encoding when it was not plain UTF-8.
pub struct Decoded {
    pub text: String,
    pub encoding: Option<&'static str>,
}

/// Why a file could not be read as a document.
#[derive(Debug)]
pub enum ReadError {
    /// A zip file without `word/document.xml`, or one whose XML is broken.
    NotDocx(String),
}

impl Report for ReadError {
    /// The error at the file named for import.
    fn report(&self, place: &Place) -> Diagnostic {
        let ReadError::NotDocx(reason) = self;
        place
            .file_of(Diagnostic::error(t!(
                "this zip file is not a Word document (.docx): %{reason}",
                reason = reason
            )))
            .with_hint(t!(
                "save it from Word or WPS as .docx, or copy its text into a .txt file"
            ))
    }
}

/// Whether the bytes are a zip file (a `.docx` is one).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Plain text in UTF-8 (with or without a BOM), UTF-16 (with a BOM, or told by its
/// zero bytes), or else GB18030, which covers GBK and GB2312.
pub fn decode_text(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let text = encoding.decode_without_bom_handling(&bytes[bom..]).0;
        let name = (encoding != encoding_rs::UTF_8).then(|| encoding.name());
        return Decoded {
            text: text.into_owned(),
            encoding: name.or(Some("UTF-8 (BOM)")),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_owned(),
            encoding: None,
        };
    }
    // Without a BOM, the candidates are scored by how much of the result reads as text.
    let mut candidates = vec![GB18030];
    if bytes.len().is_multiple_of(2) {
        candidates.extend([UTF_16LE, UTF_16BE]);
    }
    let (encoding, text) = candidates
        .into_iter()
        .map(|e| (e, e.decode_without_bom_handling(bytes).0.into_owned()))
        .min_by_key(|(_, text)| unreadable(text))
        .expect("GB18030 is always a candidate");
    Decoded {
        text,
        encoding: Some(encoding.name()),
    }
}

/// How many characters of a decoded text are unlikely in a Chinese document.
fn unreadable(text: &str) -> usize {
    text.chars()
        .filter(|&c| {
            !(c.is_ascii_graphic()
                || matches!(c, ' ' | '\n' | '\r' | '\t')
                || crate::zh::is_cjk(c)
                || ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff00}'..='\u{ffef}').contains(&c)
                || ('\u{2010}'..='\u{2027}').contains(&c))
        })
        .count()
}

/// The paragraphs of a `.docx` file as lines.
pub fn docx_lines(bytes: &[u8]) -> Result<String, ReadError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ReadError::NotDocx(e.to_string()))?;
    let mut part = |name: &str| -> Result<Option<String>, ReadError> {
        let Ok(file) = archive.by_name(name) else {
            return Ok(None);
        };
        let mut text = String::new();
        file.take(MAX_PART_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| ReadError::NotDocx(format!("{name}: {e}")))?;
        Ok(Some(text))
    };
    let document = part("word/document.xml")?
        .ok_or_else(|| ReadError::NotDocx("there is no word/document.xml".to_owned()))?;
    let styles = part("word/styles.xml")?.unwrap_or_default();
    let numbering = part("word/numbering.xml")?.unwrap_or_default();
    let document = parse("word/document.xml", &document)?.expect("not empty");
    let styles =
        parse("word/styles.xml", &styles)?.map_or_else(Styles::default, |d| Styles::of(&d));
    let numbering = parse("word/numbering.xml", &numbering)?
        .map_or_else(Numbering::default, |d| Numbering::of(&d));
    Ok(Paragraphs::new(styles, numbering).lines(&document))
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn w_attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.tag_name().namespace() == Some(W) && c.tag_name().name() == name)
}

fn parse<'x>(name: &str, xml: &'x str) -> Result<Option<roxmltree::Document<'x>>, ReadError> {
    if xml.is_empty() {
        return Ok(None);
    }
    roxmltree::Document::parse(xml)
        .map(Some)
        .map_err(|e| ReadError::NotDocx(format!("{name}: {e}")))
}

/// A toggle such as `<w:b/>` or `<w:b w:val="false"/>`.
fn toggle(node: Option<roxmltree::Node>) -> bool {
    node.is_some_and(|n| !matches!(w_attr(n, "val"), Some("0" | "false" | "off")))
}

/// What a paragraph style says about structure.
#[derive(Clone, Default)]
struct Style {
    based_on: Option<String>,
    /// The outline level, 0 for the top headings.
    outline: Option<usize>,
    title: bool,
    numbering: Option<(String, usize)>,
    bold: bool,
}

#[derive(Default)]
struct Styles(HashMap<String, Style>);

impl Styles {
    fn of(doc: &roxmltree::Document) -> Self {
        let mut styles = HashMap::new();
        for style in doc.descendants().filter(|n| n.has_tag_name((W, "style"))) {
            let Some(id) = w_attr(style, "styleId") else {
                continue;
            };
            let name = child(style, "name")
                .and_then(|n| w_attr(n, "val"))
                .unwrap_or("")
                .to_lowercase();
            let ppr = child(style, "pPr");
            // Word names its heading styles "heading 1"…, WPS and localized Word "标题 1"….
            let named_level = ["heading ", "标题 ", "标题"]
                .iter()
                .find_map(|p| name.strip_prefix(p)?.trim().parse::<usize>().ok())
                .and_then(|n| n.checked_sub(1));
            let outline = ppr
                .and_then(|p| child(p, "outlineLvl"))
                .and_then(|n| w_attr(n, "val")?.parse().ok())
                .or(named_level);
            styles.insert(
                id.to_owned(),
                Style {
                    based_on: child(style, "basedOn")
                        .and_then(|n| w_attr(n, "val"))
                        .map(str::to_owned),
                    outline,
                    title: name == "title" || name == "标题" || id == "Title",
                    numbering: ppr.and_then(|p| num_pr(p)),
                    bold: toggle(child(style, "rPr").and_then(|r| child(r, "b"))),
                },
            );
        }
        Styles(styles)
    }

    /// A style with what it inherits filled in.
    fn resolved(&self, id: &str) -> Style {
        let mut out = Style::default();
        let mut seen = 0;
        let mut next = Some(id.to_owned());
        while let Some(id) = next.take() {
            let Some(style) = self.0.get(&id) else { break };
            out.outline = out.outline.or(style.outline);
            out.title |= style.title;
            out.numbering = out.numbering.take().or_else(|| style.numbering.clone());
            out.bold |= style.bold;
            next = style.based_on.clone();
            seen += 1;
            // A style based on itself, directly or not, ends here.
            if seen > 16 {
                break;
            }
        }
        out
    }
}

/// `<w:numPr>`: the numbering instance and level.
fn num_pr(ppr: roxmltree::Node) -> Option<(String, usize)> {
    let num_pr = child(ppr, "numPr")?;
    let id = child(num_pr, "numId").and_then(|n| w_attr(n, "val"))?;
    let level = child(num_pr, "ilvl")
        .and_then(|n| w_attr(n, "val")?.parse().ok())
        .unwrap_or(0);
    (id != "0").then(|| (id.to_owned(), level))
}

/// A numbering level's format: `numFmt`, `lvlText` and `start`.
#[derive(Clone)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

#[derive(Default)]
struct Numbering {
    /// numId → abstractNumId.
    instances: HashMap<String, String>,
    /// abstractNumId → its levels.
    abstracts: HashMap<String, Vec<Level>>,
}

impl Numbering {
    fn of(doc: &roxmltree::Document) -> Self {
        let mut numbering = Numbering::default();
        for node in doc.root_element().children() {
            if node.has_tag_name((W, "abstractNum")) {
                let Some(id) = w_attr(node, "abstractNumId") else {
                    continue;
                };
                let levels = node
                    .children()
                    .filter(|n| n.has_tag_name((W, "lvl")))
                    .map(|lvl| Level {
                        format: child(lvl, "numFmt")
                            .and_then(|n| w_attr(n, "val"))
                            .unwrap_or("decimal")
                            .to_owned(),
                        text: child(lvl, "lvlText")
                            .and_then(|n| w_attr(n, "val"))
                            .unwrap_or("")
                            .to_owned(),
                        start: child(lvl, "start")
                            .and_then(|n| w_attr(n, "val")?.parse().ok())
                            .unwrap_or(1),
                    })
                    .collect();
                numbering.abstracts.insert(id.to_owned(), levels);
            } else if node.has_tag_name((W, "num"))
                && let (Some(id), Some(abstract_id)) = (
                    w_attr(node, "numId"),
                    child(node, "abstractNumId").and_then(|n| w_attr(n, "val")),
                )
            {
                numbering
                    .instances
                    .insert(id.to_owned(), abstract_id.to_owned());
            }
        }
        numbering
    }
}

/// A counter in a numbering format: `chineseCounting` 一, `decimal` 1, and the rest.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "chineseLegalSimplified" => crate::zh::numeral(n),
        "decimalEnclosedParen" => format!("（{n}）"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => char::from_u32(0x245F + n)
            .filter(|_| (1..=20).contains(&n))
            .map_or_else(|| n.to_string(), String::from),
        "lowerLetter" => {
            char::from_u32(u32::from(b'a') + (n - 1) % 26).map_or_else(String::new, String::from)
        }
        "upperLetter" => {
            char::from_u32(u32::from(b'A') + (n - 1) % 26).map_or_else(String::new, String::from)
        }
        "bullet" | "none" => String::new(),
        _ => n.to_string(),
    }
}

/// Walks the paragraphs, keeping the numbering counters.
struct Paragraphs {
    styles: Styles,
    numbering: Numbering,
    /// abstractNumId → the counter of each level.
    counters: HashMap<String, Vec<u32>>,
    /// Counters for headings that are styled but not numbered.
    heading_counters: [u32; crate::zh::MAX_HEADING_LEVEL],
}

impl Paragraphs {
    fn new(styles: Styles, numbering: Numbering) -> Self {
        Paragraphs {
            styles,
            numbering,
            counters: HashMap::new(),
            heading_counters: [0; crate::zh::MAX_HEADING_LEVEL],
        }
    }

    fn lines(&mut self, doc: &roxmltree::Document) -> String {
        let mut out = String::new();
        for p in doc.descendants().filter(|n| n.has_tag_name((W, "p"))) {
            // A paragraph inside a text box is read where the box's own copy is.
            if p.ancestors().skip(1).any(|a| a.has_tag_name((W, "p"))) {
                continue;
            }
            if let Some(line) = self.paragraph(p) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    fn paragraph(&mut self, p: roxmltree::Node) -> Option<String> {
        let ppr = child(p, "pPr");
        let style = ppr
            .and_then(|n| child(n, "pStyle"))
            .and_then(|n| w_attr(n, "val"))
            .map(|id| self.styles.resolved(id))
            .unwrap_or_default();
        let outline = ppr
            .and_then(|n| child(n, "outlineLvl"))
            .and_then(|n| w_attr(n, "val")?.parse::<usize>().ok())
            .or(style.outline)
            .filter(|&l| l < crate::zh::MAX_HEADING_LEVEL);
        let numbering = ppr.and_then(num_pr).or(style.numbering.clone());
        // The runs: text, and whether the opening is bold.
        let mut text = String::new();
        let mut bold_prefix = String::new();
        let mut bold_open = true;
        for run in p.descendants().filter(|n| n.has_tag_name((W, "r"))) {
            let mut run_text = String::new();
            for piece in run.children() {
                match piece.tag_name().name() {
                    "t" if piece.tag_name().namespace() == Some(W) => {
                        run_text.push_str(piece.text().unwrap_or(""));
                    }
                    "tab" => run_text.push(' '),
                    _ => {}
                }
            }
            let bold = style.bold || toggle(child(run, "rPr").and_then(|r| child(r, "b")));
            // Spaces between bold runs belong to the bold opening.
            if bold_open && (bold || run_text.trim().is_empty()) {
                bold_prefix.push_str(&run_text);
            } else {
                bold_open = false;
            }
            text.push_str(&run_text);
        }
        let text = text.trim().to_owned();
        if text.is_empty() {
            return None;
        }
        let number = match numbering {
            Some((id, level)) => self.number(&id, level),
            None => None,
        };
        let number = number.or_else(|| {
            let level = outline?;
            // A heading whose text already starts with its number keeps it.
            if crate::kinds::common::import::heading(&text).is_some() || style.title {
                return None;
            }
            self.heading_counters[level] += 1;
            self.heading_counters[level + 1..].fill(0);
            crate::zh::heading_number(self.heading_counters[level], level as u32 + 1)
        });
        let bold_prefix = bold_prefix.trim();
        // A bold opening sentence (not the whole paragraph) is a run-in heading.
        let rest = text.strip_prefix(bold_prefix).map(str::trim_start);
        let line = match rest {
            Some(rest)
                if outline.is_none()
                    && !bold_prefix.is_empty()
                    && !rest.is_empty()
                    && bold_prefix.ends_with(['。', '！', '；', '：']) =>
            {
                format!("**{bold_prefix}**{rest}")
            }
            _ => text,
        };
        Some(format!("{}{line}", number.unwrap_or_default()))
    }

    /// The number Word shows for the next paragraph of numbering `id` at `level`.
    fn number(&mut self, id: &str, level: usize) -> Option<String> {
        let abstract_id = self.numbering.instances.get(id)?.clone();
        let levels = self.numbering.abstracts.get(&abstract_id)?.clone();
        let format = levels.get(level)?;
        let counters = self
            .counters
            .entry(abstract_id)
            .or_insert_with(|| vec![0; levels.len()]);
        counters[level] = if counters[level] == 0 {
            format.start
        } else {
            counters[level] + 1
        };
        counters[level + 1..].fill(0);
        let mut text = format.text.clone();
        for (k, l) in levels.iter().enumerate().take(level + 1) {
            let value = if counters[k] == 0 {
                l.start
            } else {
                counters[k]
            };
            text = text.replace(&format!("%{}", k + 1), &format_number(value, &l.format));
        }
        (!text.is_empty()).then_some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_told_apart() {
        let text = "一、加强组织领导\n全年新增高新技术企业55家。\n";
        let gbk = GB18030.encode(text).0.into_owned();
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        for (bytes, name) in [
            (text.as_bytes().to_vec(), None),
            (bom, Some("UTF-8 (BOM)")),
            (gbk, Some("gb18030")),
            (le.clone(), Some("UTF-16LE")),
            (be, Some("UTF-16BE")),
            (le_bom, Some("UTF-16LE")),
        ] {
            let read = decode_text(&bytes);
            assert_eq!(read.text, text, "{name:?}");
            assert_eq!(read.encoding, name);
        }
    }

    #[test]
    fn numbers_in_word_formats() {
        assert_eq!(format_number(3, "chineseCounting"), "三");
        assert_eq!(format_number(12, "decimal"), "12");
        assert_eq!(format_number(2, "decimalEnclosedCircle"), "②");
    }

    fn docx_of(body: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        write!(
            zip,
            "<w:document xmlns:w=\"{W}\"><w:body>{body}</w:body></w:document>"
        )
        .unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn bold_openings_split_by_plain_spaces_are_one_lead() {
        let bold = |t: &str| format!("<w:r><w:rPr><w:b/></w:rPr><w:t>{t}</w:t></w:r>");
        let plain = |t: &str| format!("<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>");
        let body = format!(
            "<w:p>{}{}{}{}</w:p><w:p>{}</w:p><w:p>{}{}</w:p>",
            bold("加强"),
            plain(" "),
            bold("领导。"),
            plain("成立专班。"),
            bold("全段加粗。"),
            bold("加粗"),
            plain("未到句末。")
        );
        let lines = docx_lines(&docx_of(&body)).unwrap();
        assert_eq!(
            lines,
            "**加强 领导。**成立专班。\n全段加粗。\n加粗未到句末。\n"
        );
        assert!(matches!(
            docx_lines(b"PK\x03\x04"),
            Err(ReadError::NotDocx(_))
        ));
    }
}
