//! The OFD back-end (GB/T 33190-2016, the national fixed-layout format): the pages of the
//! PDF that typst wrote in the same run, carried over object by object: every text run as
//! a `TextObject` in the document's own (cut) fonts, embedded, every rule and shape as a
//! `PathObject`, every image (the seals) as an `ImageObject`. The layout is typst's; no
//! second layout engine is involved.

mod content;
mod glyphs;
pub mod package;
mod pdf_file;

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Place, Report};
use content::Item;
use glyphs::{FolderFace, FontProblem, MatchedFont};
pub use package::DocInfo;
use package::{FontEntry, ImageEntry, Resolved, ResolvedPage, ResolvedText};
use pdf_file::{Object, PdfFile, get};

/// Why a document has no OFD.
#[derive(Debug)]
pub enum OfdError {
    /// The PDF typst wrote cannot be read (a gongwen bug).
    Pdf(String),
    /// typst set text with a face the OFD cannot carry.
    Font { face: String, problem: String },
}

impl Report for OfdError {
    fn report(&self, place: &Place) -> Diagnostic {
        match self {
            OfdError::Pdf(reason) => place
                .file_of(Diagnostic::error(t!(
                    "the OFD cannot be made from the PDF typst wrote: %{reason}",
                    reason = reason
                )))
                .with_hint(t!(
                    "this is a gongwen bug; the PDF is complete, please report it"
                )),
            OfdError::Font { face, problem } => place
                .file_of(Diagnostic::error(t!(
                    "the font %{face} cannot be embedded in the OFD: %{problem}",
                    face = face,
                    problem = problem
                )))
                .with_hint(t!(
                    "an OFD must carry every font it uses; install the face as a single font file (.otf/.ttf) or choose another font (see `gongwen fonts`)"
                )),
        }
    }
}

/// An OFD package, and what of the PDF it does not carry.
pub struct Made {
    pub bytes: Vec<u8>,
    pub warnings: Vec<String>,
}

/// The OFD of `pdf`, whose fonts typst read from `font_dir`.
pub fn from_pdf(pdf: &[u8], font_dir: &Path, info: &DocInfo) -> Result<Made, OfdError> {
    let file = PdfFile::parse(pdf).map_err(|e| OfdError::Pdf(e.0))?;
    let mut unsupported = content::Unsupported::new();
    let pages = content::pages(&file, &mut unsupported).map_err(|e| OfdError::Pdf(e.0))?;

    // The glyphs each font drew, fonts in the order of their objects.
    let mut cids: BTreeMap<u32, Vec<u16>> = BTreeMap::new();
    for page in &pages {
        for item in &page.items {
            if let Item::Text(run) = item {
                cids.entry(run.font)
                    .or_default()
                    .extend(run.glyphs.iter().map(|g| g.0));
            }
        }
    }
    let faces = glyphs::folder_faces(font_dir);
    let mut next_id = 2; // 1 is the colour space
    let mut fonts: Vec<FontEntry> = Vec::new();
    let mut by_face: HashMap<(PathBuf, u32), u32> = HashMap::new();
    let mut matched: HashMap<u32, (u32, MatchedFont)> = HashMap::new();
    let mut unmatched = 0;
    // Each font is matched on its own thread: reading outlines is most of the OFD's cost.
    let found: Vec<(u32, Result<MatchedFont, OfdError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            cids.into_iter()
                .map(|(object, mut list)| {
                    let (file, faces) = (&file, &faces);
                    let handle = scope.spawn(move || {
                        list.sort_unstable();
                        list.dedup();
                        let font = file.object(object).and_then(Object::dict).ok_or_else(|| {
                            OfdError::Pdf(format!("font object {object} is missing"))
                        })?;
                        glyphs::match_font(file, font, &list, faces)
                            .map_err(|p| font_error(file, font, p))
                    });
                    (object, handle)
                })
                .collect();
        handles
            .into_iter()
            .map(|(object, handle)| {
                let result = handle
                    .join()
                    .unwrap_or_else(|_| Err(OfdError::Pdf("reading a font failed".into())));
                (object, result)
            })
            .collect()
    });
    for (object, result) in found {
        let mut found = result?;
        unmatched += found.unmatched;
        let key = (found.face.path.clone(), found.face.index);
        let id = match by_face.get(&key) {
            Some(&id) => id,
            None => {
                let id = next_id;
                next_id += 1;
                fonts.push(embedded_font(
                    id,
                    &found.face,
                    std::mem::take(&mut found.data),
                ));
                by_face.insert(key, id);
                id
            }
        };
        matched.insert(object, (id, found));
    }
    let mut images: Vec<ImageEntry> = Vec::new();
    let mut image_ids: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut resolved_pages = Vec::new();
    for page in &pages {
        let mut items = Vec::new();
        for item in &page.items {
            match item {
                Item::Text(run) => {
                    let (font, found) = &matched[&run.font];
                    items.push(Resolved::Text(ResolvedText {
                        run,
                        font: *font,
                        glyphs: run
                            .glyphs
                            .iter()
                            .map(|(cid, _)| &found.glyphs[cid])
                            .collect(),
                    }));
                }
                Item::Path(path) => items.push(Resolved::Path(path)),
                Item::Image(image) => match encode_image(&file, &image.image) {
                    Some((bytes, format)) => {
                        let id = match image_ids.get(&bytes) {
                            Some(&id) => id,
                            None => {
                                let id = next_id;
                                next_id += 1;
                                image_ids.insert(bytes.clone(), id);
                                images.push(ImageEntry { id, bytes, format });
                                id
                            }
                        };
                        items.push(Resolved::Image {
                            id,
                            matrix: image.matrix,
                            alpha: image.alpha,
                        });
                    }
                    None => {
                        unsupported.insert("an image of another encoding".into());
                    }
                },
            }
        }
        resolved_pages.push(ResolvedPage { page, items });
    }
    let bytes = package::package(info, &resolved_pages, fonts, images, next_id);
    let mut warnings = Vec::new();
    if !unsupported.is_empty() {
        warnings.push(
            t!(
                "the OFD leaves out what the PDF draws with: %{what}",
                what = unsupported.into_iter().collect::<Vec<_>>().join(", ")
            )
            .into_owned(),
        );
    }
    if unmatched > 0 {
        warnings.push(
            t!(
                "%{count} glyphs of the PDF were not found in the embedded fonts and are drawn by their characters",
                count = unmatched
            )
            .into_owned(),
        );
    }
    Ok(Made { bytes, warnings })
}

fn font_error(file: &PdfFile, font: &pdf_file::Dict, problem: FontProblem) -> OfdError {
    let name = file
        .get(font, "BaseFont")
        .and_then(Object::name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let (face, problem) = match problem {
        FontProblem::NotInFolder(postscript) => (
            postscript,
            t!("typst used a face that is not among the document's fonts").into_owned(),
        ),
        FontProblem::Collection(face) => (
            format!("{} ({}, face {})", face.postscript, face.path.display(), face.index),
            t!("it is one face of a font collection that could not be cut to the document's characters").into_owned(),
        ),
        FontProblem::Kind(kind) => (name, t!("fonts of type %{kind} are not carried", kind = kind).into_owned()),
        FontProblem::Unreadable(reason) => (name, reason),
    };
    OfdError::Font { face, problem }
}

fn embedded_font(id: u32, face: &FolderFace, bytes: Vec<u8>) -> FontEntry {
    let cff = bytes.get(..4) == Some(b"OTTO");
    FontEntry {
        id,
        postscript: face.postscript.clone(),
        family: face.family.clone(),
        bytes,
        extension: if cff { "otf" } else { "ttf" },
    }
}

/// An image XObject as a PNG (or its JPEG as it is), with its soft mask as alpha.
fn encode_image(file: &PdfFile, image: &Object) -> Option<(Vec<u8>, &'static str)> {
    let dict = image.dict()?;
    let filters = match file.get(dict, "Filter") {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| o.name().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    };
    let data = file.decoded(image).ok()?;
    let has_mask = get(dict, "SMask").is_some();
    if filters.iter().any(|f| f == b"DCTDecode") {
        // A JPEG is carried as it is; its mask (rare for a seal) would need decoding.
        return (!has_mask).then_some((data, "JPEG"));
    }
    if file.get(dict, "DecodeParms").is_some() {
        return None;
    }
    let width = file.get(dict, "Width")?.number()? as usize;
    let height = file.get(dict, "Height")?.number()? as usize;
    if file.get(dict, "BitsPerComponent")?.number()? != 8.0 || width == 0 || height == 0 {
        return None;
    }
    let components = match file.get(dict, "ColorSpace") {
        Some(Object::Name(n)) if n == b"DeviceGray" => 1,
        Some(Object::Name(n)) if n == b"DeviceCMYK" => 4,
        Some(Object::Array(a)) => match a.as_slice() {
            [Object::Name(kind), stream, ..] if kind == b"ICCBased" => file
                .resolve(stream)
                .dict()
                .and_then(|d| get(d, "N"))
                .and_then(Object::number)
                .map_or(3, |n| n as usize),
            _ => return None,
        },
        _ => 3,
    };
    if data.len() < width * height * components {
        return None;
    }
    let mask = match get(dict, "SMask") {
        Some(m) => {
            let mask_dict = file.resolve(m).dict()?;
            let mw = file.get(mask_dict, "Width")?.number()? as usize;
            let mh = file.get(mask_dict, "Height")?.number()? as usize;
            let bytes = file.decoded(m).ok()?;
            if mw != width || mh != height || bytes.len() < width * height {
                return None;
            }
            Some(bytes)
        }
        None => None,
    };
    let channels = if components == 1 { 1 } else { 3 } + usize::from(mask.is_some());
    let mut raw = Vec::with_capacity(height * (width * channels + 1));
    for y in 0..height {
        raw.push(0); // no row filter
        for x in 0..width {
            let at = (y * width + x) * components;
            let pixel = &data[at..at + components];
            match pixel {
                [g] => raw.push(*g),
                [r, g, b] => raw.extend_from_slice(&[*r, *g, *b]),
                [c, m, ye, k] => {
                    let ink = |v: u8| ((255 - u16::from(v)) * (255 - u16::from(*k)) / 255) as u8;
                    raw.extend_from_slice(&[ink(*c), ink(*m), ink(*ye)]);
                }
                _ => return None,
            }
            if let Some(mask) = &mask {
                raw.push(mask[y * width + x]);
            }
        }
    }
    let color_type = match (components == 1, mask.is_some()) {
        (true, false) => 0,
        (true, true) => 4,
        (false, false) => 2,
        (false, true) => 6,
    };
    Some((png(width as u32, height as u32, color_type, &raw), "PNG"))
}

/// A PNG file of 8-bit samples already laid out in rows with their filter byte.
fn png(width: u32, height: u32, color_type: u8, raw: &[u8]) -> Vec<u8> {
    let chunk = |out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, color_type, 0, 0, 0]);
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder
        .write_all(raw)
        .expect("compressing into memory cannot fail");
    let compressed = encoder
        .finish()
        .expect("compressing into memory cannot fail");
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &compressed);
    chunk(&mut out, b"IEND", &[]);
    out
}
