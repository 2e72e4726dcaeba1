//! The PDF back-end: Markdown with gongwen front matter → Typst markup placed in the page
//! style (`gongwen.typ`) → `typst compile` as a child process → PDF bytes. The official
//! parts (title, addressee, signature, 抄送 …) come from the front matter by name; the
//! Markdown body is set as the body.

pub mod fonts;
pub use crate::plan::standard;
pub mod subset;
pub mod typst;
pub mod writer;

use crate::diag::{Diagnostic, Place, Pos, Report};
use crate::official::FrontMatterError;
use crate::plan::{Head, Plan, SignatureAnchor, gbt9704};
use crate::templates::STYLE;
use fonts::{FontError, Fonts, Role};
use subset::Subsetter;
use typst::{Typst, TypstError};
use writer::{escape_markup, string_literal};

/// gongwen's cache folder: `$XDG_CACHE_HOME/gongwen`, else `~/.cache/gongwen`.
pub fn cache_dir() -> Option<std::path::PathBuf> {
    crate::write::xdg_dir("XDG_CACHE_HOME", ".cache")
}

#[derive(Debug)]
pub enum PdfError {
    /// The Markdown has no gongwen front matter, or it cannot be read.
    FrontMatter(FrontMatterError),
    /// No chosen face can draw this character.
    Uncovered {
        character: char,
    },
    Fonts(FontError),
    Typst(TypstError),
    /// typst refused the source gongwen wrote for the block at this line of the Markdown:
    /// a gongwen bug, reported where the user wrote the block.
    TypstAtLine {
        line: u32,
        error: TypstError,
    },
    Io(String),
}

impl Report for PdfError {
    /// The error in the place's file, located in its text (the data or the Markdown) where
    /// it can be. A character the page style wrote itself has no place in the text.
    fn report(&self, place: &Place) -> Diagnostic {
        let text = place.text;
        match self {
            PdfError::FrontMatter(e) => e.report(place),
            PdfError::Uncovered { character } => {
                let d = place
                    .file_of(Diagnostic::error(t!(
                        "no installed font has the character `%{character}` (U+%{code})",
                        character = character,
                        code = format!("{:04X}", *character as u32)
                    )))
                    .with_hint(t!(
                        "replace the character, or install a font that has it (see `gongwen fonts`)"
                    ));
                match text.find(*character) {
                    Some(offset) => d.at(text, Pos::at(text, offset)),
                    None => d,
                }
            }
            PdfError::Fonts(e) => e.report(place),
            PdfError::Typst(e) => e.report(place),
            PdfError::TypstAtLine { line, error } => {
                let d = error.report(place);
                let markdown = place
                    .file
                    .is_some_and(|f| f.extension().is_some_and(|e| e == "md"));
                let d = d.with_hint(t!(
                    "typst cannot set what gongwen wrote for this block: that is a gongwen bug; change the block's wording to get the document now, and please report it"
                ));
                if markdown && !text.is_empty() {
                    d.at(text, Pos::new(*line, 1))
                } else {
                    d.with_note(t!(
                        "in the block at line %{line} of the document's Markdown",
                        line = line
                    ))
                }
            }
            PdfError::Io(message) => place.file_of(Diagnostic::error(message.clone())),
        }
    }
}

/// The generated Typst source of one document.
pub struct Source {
    pub main: String,
    pub timestamp: i64,
    /// Files the source reads beside it (the seal images), by name.
    pub assets: Vec<(String, std::sync::Arc<[u8]>)>,
    /// The body's blocks: the line of `main` each starts on, and its Markdown line.
    pub origins: Vec<(u32, u32)>,
}

impl Source {
    /// The Markdown line of the block that line `typ_line` of the source belongs to.
    pub fn markdown_line(&self, typ_line: u32) -> Option<u32> {
        self.origins
            .iter()
            .take_while(|(start, _)| *start <= typ_line)
            .last()
            .map(|(_, line)| *line)
            .filter(|&line| line > 0)
    }
}

fn family_list(fonts: &Fonts, role: Role) -> String {
    let quoted: Vec<String> = fonts
        .families(role)
        .iter()
        .map(|f| string_literal(f))
        .collect();
    format!("({},)", quoted.join(", "))
}

fn weight(fonts: &Fonts, role: Role) -> &'static str {
    if fonts.face(role).weight >= 600 {
        "bold"
    } else {
        "regular"
    }
}

/// `[text]` content with every character escaped, for the page style's functions.
fn content(text: &str) -> String {
    format!("[{}]", escape_markup(text, true, false))
}

/// `[a], [b],`: items of escaped content, for an array or a function's arguments.
fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("{},", content(i)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn optional(text: Option<&str>) -> String {
    text.map_or("none".to_owned(), content)
}

/// Builds the Typst source: the style applied with the chosen fonts, then each official
/// part of the plan and the body in between.
/// `letterhead`: the paper has the 版头's mark and red rules printed (套打): they are left blank.
pub fn typst_source(plan: &Plan, fonts: &Fonts, letterhead: bool) -> Source {
    let parts = &plan.parts;
    let converted = writer::convert(plan);
    let font_entries: Vec<String> = Role::ALL
        .iter()
        .map(|&role| format!("{}: {}", role.key(), family_list(fonts, role)))
        .collect();
    let mut main = format!(
        "// 由 gongwen 生成：{kind}。可手工修改后用 typst compile 排版。\n#import \"{STYLE}\": *\n#show: gongwen.with(\n  fonts: ({fonts}),\n  weights: (title: \"{title_weight}\", heading3: \"{h3_weight}\"),\n  doc-title: {title},\n  organ: {organ},\n  letter: {letter},\n  blank: {letterhead},\n)\n\n",
        kind = parts.kind.replace(['\n', '\r'], " "),
        fonts = font_entries.join(", "),
        title_weight = weight(fonts, Role::Title),
        h3_weight = weight(fonts, Role::Heading3),
        title = string_literal(&parts.title),
        organ = parts
            .organ
            .as_deref()
            .map_or("none".to_owned(), string_literal),
        letter = parts.letter,
    );
    match &parts.head {
        Head::Header(h) => {
            // 版头: its elements at the standard's places.
            main.push_str(&format!(
                "#header(fonts: ({fonts}), copy: {copy}, secrecy: {secrecy}, urgency: {urgency}, marks: ({marks}), issuers: ({issuers}), number: {number}, signers: ({signers}), letter: {letter}, blank: {letterhead})\n\n",
                fonts = font_entries.join(", "),
                copy = optional(h.copy_number.as_deref()),
                secrecy = optional(h.secrecy.as_deref()),
                urgency = optional(h.urgency.as_deref()),
                marks = list(&h.marks),
                issuers = list(&h.issuers),
                number = optional(h.doc_number.as_deref()),
                signers = list(&h.signers),
                letter = parts.letter,
            ));
        }
        Head::Preamble { marks, doc_number } => {
            // The marks above the document number, then the number.
            main.push_str(&format!(
                "#preamble(marks: ({}), number: {})\n\n",
                list(marks),
                optional(doc_number.as_deref())
            ));
        }
        Head::None => {}
    }
    if !parts.as_attachment {
        main.push_str(&format!("#doc-title(({}))\n\n", list(&parts.title_lines)));
    }
    if let Some(addressee) = &parts.addressee {
        main.push_str(&format!("#addressee({})\n\n", content(addressee)));
    }
    let sealed = parts
        .signature
        .as_ref()
        .and_then(|s| crate::plan::seal::layout(s).map(|layout| (s, layout)));
    // The rows a sealed 落款 takes, for the body's last paragraph to make room for it.
    if let Some((_, layout)) = &sealed {
        main.push_str(&format!(
            "#signature-room.update({} * line-pitch)\n\n",
            layout.rows_taken + 1
        ));
    }
    let body_start = main.len();
    main.push_str(&converted.markup);
    let first_line = 1 + main[..body_start].matches('\n').count() as u32;
    let origins = converted
        .origins
        .iter()
        .map(|&(at, line)| {
            let typ_line = first_line + converted.markup[..at].matches('\n').count() as u32;
            (typ_line, line)
        })
        .collect::<Vec<_>>();
    if !parts.attachments.is_empty() {
        main.push_str(&format!("#attachments(({}))\n\n", list(&parts.attachments)));
    }
    let mut assets = Vec::new();
    if let Some((signature, layout)) = &sealed {
        let seals: Vec<String> = layout
            .rows
            .iter()
            .flat_map(|row| row.seals.iter().map(move |placed| (row.row, placed)))
            .map(|(row, placed)| {
                let seal = &signature.seals[placed.index];
                let image = match &seal.image {
                    Some(image) => {
                        let name = image.file_name();
                        if !assets.iter().any(|(n, _)| *n == name) {
                            assets.push((name.clone(), image.bytes.clone()));
                        }
                        string_literal(&name)
                    }
                    None => "none".to_owned(),
                };
                let label = placed
                    .label_right_mm
                    .map_or("none".to_owned(), |x| format!("{x:.2}mm"));
                format!(
                    "(organ: {}, label-right: {label}, row: {row}, x: {:.2}mm, y: {:.2}mm, width: {:.2}mm, height: {:.2}mm, image: {image}),",
                    content(seal.signer.as_deref().unwrap_or(&seal.organ)),
                    placed.centre_x_mm,
                    placed.centre_y_mm,
                    placed.width_mm,
                    placed.height_mm
                )
            })
            .collect();
        main.push_str(&format!(
            "#sealed-signature({}, date-row: {}, date-centre: {:.2}mm, rows-taken: {}, seals: ({}))\n",
            content(&signature.date),
            layout.date_row,
            layout.date_centre_mm,
            layout.rows_taken,
            seals.join(" ")
        ));
    } else if let Some(signature) = &parts.signature {
        let anchor = match signature.anchor {
            SignatureAnchor::Organ => "organ",
            SignatureAnchor::Date => "date",
        };
        main.push_str(&format!(
            "#signature({}, {}, anchor: \"{anchor}\")\n",
            content(&signature.organ),
            content(&signature.date)
        ));
    }
    if !parts.notes.is_empty() {
        main.push_str(&format!("#notes({})\n", list(&parts.notes)));
    }
    // Attachments on pages of their own, after the signature, before the 版记.
    for attachment in &converted.attachments {
        main.push_str(attachment);
    }
    if let Some(colophon) = &parts.colophon {
        let cc: Vec<String> = colophon.cc.iter().map(|c| string_literal(c)).collect();
        main.push_str(&format!(
            "#colophon(cc: ({}), printer: {}, printed: {})\n",
            cc.iter().map(|c| format!("{c},")).collect::<String>(),
            optional(colophon.printer.as_deref()),
            optional(colophon.printed.as_deref())
        ));
    }
    let timestamp = parts.date.map_or(0, |d| d.unix_midnight());
    Source {
        main,
        timestamp,
        assets,
        origins,
    }
}

/// The characters the page style prints by itself (附件, 抄送, 印发, 文件, the page numbers'
/// dashes …): every character of its code, comments left out. The font check takes them
/// from the style in use, so that an edited style is checked as it is.
fn style_characters(style: &str) -> String {
    let mut out: String = style
        .lines()
        .map(|line| line.find("//").map_or(line, |i| &line[..i]))
        .collect::<Vec<_>>()
        .concat();
    out.push_str("0123456789");
    out
}

/// Everything a run needs to typeset: fonts resolved and linked once, typst located once.
pub struct Engine {
    pub fonts: Fonts,
    /// 套打: leave the 版头's mark and red rules blank for pre-printed paper.
    pub letterhead: bool,
    /// The PDF standards typst enforces (`--pdf-standard`), if any.
    pub standard: Option<standard::PdfStandard>,
    /// Also typeset each page as an SVG image (`--format svg`, the pages `serve` shows).
    pub pages: bool,
    typst: Option<Typst>,
    font_dir: tempfile::TempDir,
    /// Cuts the fonts to each document's characters; `None` hands typst the full files.
    subsetter: Option<Subsetter>,
    style: String,
    /// What the style prints by itself, for the font check.
    style_characters: String,
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
            .map_err(|e| {
                PdfError::Io(t!("cannot create a font folder: %{reason}", reason = e).into_owned())
            })?;
        fonts.link_folder(font_dir.path()).map_err(|e| {
            PdfError::Io(t!("cannot link the fonts: %{reason}", reason = e).into_owned())
        })?;
        if let Some(typst) = &typst {
            let families = typst.families(
                font_dir.path(),
                &fonts.files().into_iter().collect::<Vec<_>>(),
            );
            fonts.adopt_typst_names(&families);
        }
        let subsetter = (typst.is_some() && subset::enabled())
            .then(|| Subsetter::new(&fonts))
            .flatten();
        Ok(Engine {
            subsetter,
            fonts,
            letterhead: false,
            standard: None,
            pages: false,
            typst,
            font_dir,
            style_characters: style_characters(&style),
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
            .flat_map(|c| c.faces().map(move |face| (c.role, face)))
            .map(|(role, face)| {
                format!(
                    "{}={}#{}:{}",
                    role.key(),
                    stat(&face.path),
                    face.index,
                    face.family
                )
            })
            .collect();
        if let Some(typst) = &self.typst {
            parts.push(format!("typst={}", stat(&typst.path)));
        }
        parts.push(format!("subset={}", self.subsetter.is_some()));
        if let Some(standard) = &self.standard {
            parts.push(format!("pdf-standard={}", standard.argument()));
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
    pub fn source(&self, plan: &Plan) -> Result<Source, PdfError> {
        let text = plan.text();
        let uncovered = self
            .fonts
            .first_uncovered(&text)
            .or_else(|| self.fonts.first_uncovered(&self.style_characters));
        if let Some(character) = uncovered {
            return Err(PdfError::Uncovered { character });
        }
        Ok(typst_source(plan, &self.fonts, self.letterhead))
    }

    /// The PDF of a document's plan, and why its fonts could not be cut if they could not
    /// (the PDF then has the full font files: a warning, not an error).
    pub fn pdf(&self, plan: &Plan, origin: &str) -> Result<Typeset, PdfError> {
        let typst = self
            .typst
            .as_ref()
            .ok_or(PdfError::Typst(TypstError::Missing))?;
        let source = self.source(plan)?;
        // `--pdf-standard` wins over the document's own `pdf_standard:`.
        let standard = match (&self.standard, &plan.parts.pdf_standard) {
            (Some(standard), _) => Some(standard.argument()),
            (None, Some(text)) => Some(
                standard::PdfStandard::parse(text)
                    .map_err(|d| PdfError::Io(d.message))?
                    .argument(),
            ),
            (None, None) => None,
        };
        // typst may read only this private folder: the generated source and the style.
        let root = tempfile::Builder::new()
            .prefix("gongwen-typst-")
            .tempdir()
            .map_err(|e| {
                PdfError::Io(
                    t!("cannot create a temporary folder: %{reason}", reason = e).into_owned(),
                )
            })?;
        let write = |name: &str, text: &str| {
            std::fs::write(root.path().join(name), text).map_err(|e| {
                PdfError::Io(
                    t!("cannot write %{name}: %{reason}", name = name, reason = e).into_owned(),
                )
            })
        };
        write("main.typ", &source.main)?;
        for (name, bytes) in &source.assets {
            std::fs::write(root.path().join(name), bytes).map_err(|e| {
                PdfError::Io(
                    t!("cannot write %{name}: %{reason}", name = name, reason = e).into_owned(),
                )
            })?;
        }
        write(STYLE, &self.style)?;
        write(gbt9704::TYPST_MODULE, &gbt9704::typst_module())?;
        // A subset that cannot be made (an unusual font) costs time, not the document.
        let subset = self.subsetter.as_ref().map(|subsetter| {
            // An SVG seal's own text (测试专用章) is set by typst with these fonts too.
            let svg_text: Vec<String> = source
                .assets
                .iter()
                .filter(|(name, _)| name.ends_with(".svg"))
                .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
                .collect();
            let mut texts = vec![source.main.as_str(), self.style_characters.as_str()];
            texts.extend(svg_text.iter().map(String::as_str));
            subsetter.folder(&Subsetter::charset(&texts))
        });
        let (font_dir, subset_error) = match &subset {
            Some(Ok(dir)) => (dir.as_path(), None),
            Some(Err(e)) => (self.font_dir.path(), Some(e.clone())),
            None => (self.font_dir.path(), None),
        };
        // The page images, when wanted, are typeset beside the PDF at the same time.
        let (pdf, pages) = std::thread::scope(|scope| {
            let pages = self.pages.then(|| {
                scope.spawn(|| typst.compile_pages(root.path(), font_dir, source.timestamp))
            });
            let pdf = typst.compile(root.path(), font_dir, source.timestamp, standard.as_deref());
            let pages = pages.map(|h| h.join().unwrap_or(Err(TypstError::NotPdf)));
            (pdf, pages.transpose())
        });
        let explain = |e| match e {
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
                // The first error in the generated source names the block it came from.
                let block_line = stderr
                    .lines()
                    .filter_map(|l| l.strip_prefix(&format!("<typst source of {origin}>:")))
                    .find_map(|rest| rest.split(':').next()?.parse::<u32>().ok())
                    .and_then(|typ_line| source.markdown_line(typ_line));
                let error = TypstError::Failed { status, stderr };
                match block_line {
                    Some(line) => PdfError::TypstAtLine { line, error },
                    None => PdfError::Typst(error),
                }
            }
            e => PdfError::Typst(e),
        };
        let pdf = pdf.map_err(&explain)?;
        let pages = pages.map_err(&explain)?.unwrap_or_default();
        Ok(Typeset {
            pdf,
            pages,
            subset_error,
            font_dir: font_dir.to_path_buf(),
        })
    }
}

/// A typeset document.
pub struct Typeset {
    pub pdf: Vec<u8>,
    /// Its pages as SVG images, when the engine makes them (`pages`).
    pub pages: Vec<Vec<u8>>,
    /// Why its fonts were not cut, if they were not.
    pub subset_error: Option<subset::SubsetError>,
    /// The folder of font files typst read (the cut faces, or links to the full files).
    pub font_dir: std::path::PathBuf,
}
