//! The PDF stage: Markdown with gongwen front matter → Typst markup + the page style
//! (`gongwen.typ`) → `typst compile` as a child process → PDF bytes.

pub mod fonts;
pub mod typst;
pub mod writer;

use std::fmt;

use serde::Deserialize;

use crate::kinds::common::Date;
use fonts::{FontError, Fonts, Role};
use typst::{Typst, TypstError};
use writer::string_literal;

/// The file name of the page style, a template like the others.
pub const STYLE: &str = "gongwen.typ";

/// The front matter the PDF stage reads. Fields it does not know are ignored, so a
/// hand-edited file may carry notes of its own.
#[derive(Debug, Default, Deserialize)]
pub struct Meta {
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub organ: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    /// 抄送: the colophon at the foot of the last page.
    #[serde(default)]
    pub cc: Vec<String>,
}

#[derive(Debug)]
pub enum PdfError {
    /// The Markdown has no gongwen front matter, or it cannot be read.
    FrontMatter {
        line: u32,
        message: String,
    },
    /// No chosen face can draw this character.
    Uncovered {
        character: char,
    },
    Fonts(FontError),
    Typst(TypstError),
    Io(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::FrontMatter { message, .. } => write!(f, "error: {message}"),
            PdfError::Uncovered { character } => write!(
                f,
                "error: no installed font has the character `{character}` (U+{:04X})\n  hint: replace the character, or install a font that has it (see `gongwen fonts`)",
                *character as u32
            ),
            PdfError::Fonts(e) => write!(f, "{e}"),
            PdfError::Typst(e) => write!(f, "{e}"),
            PdfError::Io(message) => write!(f, "error: {message}"),
        }
    }
}

/// Splits `---\nYAML\n---\n` from the Markdown: the YAML, and the body with its byte offset.
pub fn split_front_matter(markdown: &str) -> Option<(&str, &str, usize)> {
    let rest = markdown
        .strip_prefix("---\n")
        .or_else(|| markdown.strip_prefix("---\r\n"))?;
    let mut offset = markdown.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &markdown[markdown.len() - rest.len()..offset];
            let body_start = offset + line.len();
            return Some((yaml, &markdown[body_start..], body_start));
        }
        offset += line.len();
    }
    None
}

pub fn read_meta(markdown: &str) -> Result<(Meta, &str, usize), PdfError> {
    let (yaml, body, offset) = split_front_matter(markdown).ok_or_else(|| PdfError::FrontMatter {
        line: 1,
        message: "no gongwen front matter: the file must start with a `---` block holding at least `kind` and `title`".to_owned(),
    })?;
    let meta: Meta = serde_saphyr::from_str(yaml).map_err(|e| PdfError::FrontMatter {
        line: e.location().map_or(1, |l| l.line() as u32 + 1),
        message: format!(
            "the front matter cannot be read: {}",
            e.to_string().lines().next().unwrap_or("")
        ),
    })?;
    Ok((meta, body, offset))
}

/// The generated Typst source of one document, and the text it sets.
pub struct Source {
    pub main: String,
    /// Every character typst will set, for the font check.
    text: String,
    pub timestamp: i64,
}

/// Seconds since 1970 at midnight UTC of the document's date, for reproducible PDFs.
fn timestamp(date: Option<&str>) -> i64 {
    let Some(date) = date.and_then(Date::parse) else {
        return 0;
    };
    // Days from the civil date (proleptic Gregorian), after H. Hinnant's algorithm.
    let (y, m, d) = (
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400
}

fn family_list(fonts: &Fonts, role: Role) -> String {
    let mut families = vec![fonts.face(role).family.clone()];
    let body = &fonts.face(Role::Body).family;
    if !families.contains(body) {
        families.push(body.clone());
    }
    let quoted: Vec<String> = families.iter().map(|f| string_literal(f)).collect();
    format!("({},)", quoted.join(", "))
}

fn weight(fonts: &Fonts, role: Role) -> &'static str {
    if fonts.face(role).weight >= 600 {
        "bold"
    } else {
        "regular"
    }
}

/// Builds the Typst source: the style applied with the chosen fonts, then the body.
pub fn typst_source(markdown: &str, fonts: &Fonts) -> Result<Source, PdfError> {
    let (meta, body, _) = read_meta(markdown)?;
    let date_cn = meta
        .date
        .as_deref()
        .and_then(Date::parse)
        .map(|d| d.chinese());
    let signature = meta.organ.as_deref().zip(date_cn.as_deref());
    let converted = writer::convert(
        body,
        writer::Placed {
            signature,
            has_colophon: !meta.cc.is_empty(),
        },
    );
    let font_entries: Vec<String> = Role::ALL
        .iter()
        .map(|&role| format!("{}: {}", role.key(), family_list(fonts, role)))
        .collect();
    let mut main = format!(
        "// 由 gongwen 生成：{kind}。可手工修改后用 typst compile 排版。\n#import \"{STYLE}\": *\n#show: gongwen.with(\n  fonts: ({fonts}),\n  weights: (title: \"{title_weight}\", heading3: \"{h3_weight}\"),\n  doc-title: {title},\n  organ: {organ},\n)\n\n",
        kind = meta.kind.replace('\n', " "),
        fonts = font_entries.join(", "),
        title_weight = weight(fonts, Role::Title),
        h3_weight = weight(fonts, Role::Heading3),
        title = string_literal(&meta.title),
        organ = meta
            .organ
            .as_deref()
            .map_or("none".to_owned(), string_literal),
    );
    let lines = |lines: &[String]| {
        let content: Vec<String> = lines.iter().map(|l| format!("[{l}]")).collect();
        content.join(", ")
    };
    if !converted.preamble.is_empty() {
        main.push_str(&format!("#preamble({})\n\n", lines(&converted.preamble)));
    }
    main.push_str(&converted.markup);
    let mut text = converted.text;
    if let Some((organ, date)) = signature {
        main.push_str(&format!(
            "#signature({}, {})\n",
            string_literal(organ),
            string_literal(date)
        ));
        text.push_str(organ);
        text.push_str(date);
    }
    if !converted.notes.is_empty() {
        main.push_str(&format!("#notes({})\n", lines(&converted.notes)));
    }
    if !meta.cc.is_empty() {
        let cc: Vec<String> = meta.cc.iter().map(|c| string_literal(c)).collect();
        main.push_str(&format!("#colophon(cc: ({},))\n", cc.join(", ")));
        text.push_str("抄送：，。");
        text.extend(meta.cc.iter().map(String::as_str));
    }
    Ok(Source {
        main,
        text,
        timestamp: timestamp(meta.date.as_deref()),
    })
}

/// Everything a run needs to typeset: fonts resolved and linked once, typst located once.
pub struct Engine {
    pub fonts: Fonts,
    typst: Option<Typst>,
    font_dir: tempfile::TempDir,
    style: String,
    /// How the style is named in errors: its file, or `<built-in>/gongwen.typ`.
    style_origin: String,
}

impl Engine {
    /// Resolves the fonts, and locates typst when PDFs are wanted (not for `--format typ`).
    pub fn new(style: String, style_origin: String, with_typst: bool) -> Result<Engine, PdfError> {
        // For `--format typ` alone typst is optional: it only tells the family names.
        let typst = match Typst::locate() {
            Ok(typst) => Some(typst),
            Err(e) if with_typst => return Err(PdfError::Typst(e)),
            Err(_) => None,
        };
        let mut fonts = Fonts::discover().map_err(PdfError::Fonts)?;
        let font_dir = tempfile::Builder::new()
            .prefix("gongwen-fonts-")
            .tempdir()
            .map_err(|e| PdfError::Io(format!("cannot create a font folder: {e}")))?;
        fonts
            .link_folder(font_dir.path())
            .map_err(|e| PdfError::Io(format!("cannot link the fonts: {e}")))?;
        if let Some(typst) = &typst {
            let families = typst.families(
                font_dir.path(),
                &fonts.files().into_iter().collect::<Vec<_>>(),
            );
            fonts.adopt_typst_names(&families);
        }
        Ok(Engine {
            fonts,
            typst,
            font_dir,
            style,
            style_origin,
        })
    }

    /// What identifies the fonts and typst in use, for deciding whether to rebuild:
    /// the chosen files with their sizes and times, and the typst binary likewise.
    pub fn fingerprint(&self) -> String {
        let stat = |path: &std::path::Path| {
            let meta = std::fs::metadata(path).ok();
            let size = meta.as_ref().map_or(0, |m| m.len());
            let time = meta
                .and_then(|m| m.modified().ok())
                .map(|t| format!("{t:?}"))
                .unwrap_or_default();
            format!("{}|{size}|{time}", path.display())
        };
        let mut parts: Vec<String> = self
            .fonts
            .choices
            .iter()
            .map(|c| {
                format!(
                    "{}={}#{}:{}",
                    c.role.key(),
                    stat(&c.face.path),
                    c.face.index,
                    c.face.family
                )
            })
            .collect();
        if let Some(typst) = &self.typst {
            parts.push(format!("typst={}", stat(&typst.path)));
        }
        parts.join("\n")
    }

    pub fn style(&self) -> &str {
        &self.style
    }

    /// The folder of links to the chosen font files, for a hand-run `typst compile`.
    pub fn font_dir(&self) -> &std::path::Path {
        self.font_dir.path()
    }

    /// The Typst source of a document, checked against the fonts.
    pub fn source(&self, markdown: &str) -> Result<Source, PdfError> {
        let source = typst_source(markdown, &self.fonts)?;
        if let Some(character) = self.fonts.first_uncovered(&source.text) {
            return Err(PdfError::Uncovered { character });
        }
        Ok(source)
    }

    /// The PDF of a Markdown document with gongwen front matter.
    pub fn pdf(&self, markdown: &str, origin: &str) -> Result<Vec<u8>, PdfError> {
        let typst = self
            .typst
            .as_ref()
            .ok_or(PdfError::Typst(TypstError::Missing))?;
        let source = self.source(markdown)?;
        // typst may read only this private folder: the generated source and the style.
        let root = tempfile::Builder::new()
            .prefix("gongwen-typst-")
            .tempdir()
            .map_err(|e| PdfError::Io(format!("cannot create a temporary folder: {e}")))?;
        let write = |name: &str, text: &str| {
            std::fs::write(root.path().join(name), text)
                .map_err(|e| PdfError::Io(format!("cannot write {name}: {e}")))
        };
        write("main.typ", &source.main)?;
        write(STYLE, &self.style)?;
        typst
            .compile(root.path(), self.font_dir.path(), source.timestamp)
            .map_err(|e| match e {
                // Name the files as the user knows them, not by the private folder.
                TypstError::Failed { status, stderr } => {
                    let stderr = stderr
                        .lines()
                        .map(|line| {
                            if let Some(rest) = line.strip_prefix(STYLE) {
                                format!("{}{rest}", self.style_origin)
                            } else if let Some(rest) = line.strip_prefix("main.typ") {
                                format!("<typst source of {origin}>{rest}")
                            } else {
                                line.to_owned()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    PdfError::Typst(TypstError::Failed { status, stderr })
                }
                e => PdfError::Typst(e),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_off() {
        let (yaml, body, offset) = split_front_matter("---\nkind: x\n---\n\n# T\n").unwrap();
        assert_eq!(yaml, "kind: x\n");
        assert_eq!(body, "\n# T\n");
        assert_eq!(offset, 16);
        assert!(split_front_matter("# no front matter\n").is_none());
    }

    #[test]
    fn timestamps_are_midnight_utc_of_the_date() {
        assert_eq!(timestamp(Some("1970-01-01")), 0);
        assert_eq!(timestamp(Some("2024-06-06")), 1_717_632_000);
        assert_eq!(timestamp(None), 0);
    }
}
