//! The PDF's fonts matched to the document's own font files, glyph by glyph.
//!
//! typst embeds its own cut of each face, without a `cmap`, and draws glyphs by number. The
//! OFD carries the faces gongwen cut before typst ran (they keep their `cmap`) and text as
//! characters, so that readers show, search and copy it. Each glyph typst drew is found in
//! that face by its outline: most are the face's glyph for the character (`cmap`); a few
//! are other glyphs (the full-width dashes of `locl`, ligatures), which the OFD names by
//! number in a `CGTransform`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ttf_parser::{GlyphId, OutlineBuilder};

use super::content::Widths;
use super::pdf_file::{Dict, Object, PdfFile, get};

/// A face in the font folder typst read.
#[derive(Clone, Debug)]
pub struct FolderFace {
    pub path: PathBuf,
    pub index: u32,
    pub postscript: String,
    pub family: String,
    /// The file holds more than one face (a `.ttc`): it cannot be embedded as it is.
    pub collection: bool,
}

/// The faces of the folder typst was given (`--font-path`), by PostScript name.
pub fn folder_faces(dir: &Path) -> Vec<FolderFace> {
    let mut faces = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return faces;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        // SAFETY: the font folder's files are not changed while a document is built; a
        // changed file fails to parse, it does not break memory safety.
        let Ok(data) = (unsafe { memmap2::Mmap::map(&file) }) else {
            continue;
        };
        let count = ttf_parser::fonts_in_collection(&data);
        for index in 0..count.unwrap_or(1) {
            let Ok(face) = ttf_parser::Face::parse(&data, index) else {
                continue;
            };
            let name = |id: u16| {
                face.names()
                    .into_iter()
                    .filter(|n| n.name_id == id)
                    .find_map(|n| n.to_string())
            };
            if let Some(postscript) = name(ttf_parser::name_id::POST_SCRIPT_NAME) {
                faces.push(FolderFace {
                    path: path.clone(),
                    index,
                    postscript,
                    family: name(ttf_parser::name_id::FAMILY).unwrap_or_default(),
                    collection: count.is_some(),
                });
            }
        }
    }
    faces
}

/// One glyph as the OFD writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    /// The characters it stands for (empty for a glyph that carries none).
    pub text: String,
    /// Its number in the embedded face.
    pub gid: u16,
    /// Whether the face's `cmap` gives this glyph for the (single) character, so that
    /// no `CGTransform` is needed.
    pub by_character: bool,
}

/// A PDF font matched to a face of the folder.
pub struct MatchedFont {
    pub face: FolderFace,
    pub glyphs: HashMap<u16, Glyph>,
    /// Glyphs found by neither character nor outline: drawn by character.
    pub unmatched: usize,
    /// The face's file, as it is embedded.
    pub data: Vec<u8>,
}

/// Why a PDF font cannot be carried into the OFD.
#[derive(Debug)]
pub enum FontProblem {
    /// typst used a face that is not in the folder (one of its own).
    NotInFolder(String),
    /// The face is one of a collection, which an OFD cannot embed as it is.
    Collection(FolderFace),
    /// The font is of a kind the OFD writer does not read (Type 3, simple fonts).
    Kind(String),
    Unreadable(String),
}

/// `ABCDEF+FandolFang-Regular` → `FandolFang-Regular`.
fn without_subset_tag(name: &str) -> &str {
    match name.split_once('+') {
        Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => rest,
        _ => name,
    }
}

/// Matches the Type 0 font `font` of the PDF to a face of `faces`.
pub fn match_font(
    file: &PdfFile,
    font: &Dict,
    cids: &[u16],
    faces: &[FolderFace],
) -> Result<MatchedFont, FontProblem> {
    let subtype = file.get(font, "Subtype").and_then(Object::name);
    if subtype != Some(b"Type0") {
        return Err(FontProblem::Kind(
            String::from_utf8_lossy(subtype.unwrap_or(b"?")).into_owned(),
        ));
    }
    let descendant = file
        .get(font, "DescendantFonts")
        .and_then(Object::array)
        .and_then(|a| a.first())
        .map(|o| file.resolve(o))
        .and_then(Object::dict)
        .ok_or_else(|| FontProblem::Unreadable("no descendant font".into()))?;
    let base = file
        .get(descendant, "BaseFont")
        .and_then(Object::name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let postscript = without_subset_tag(&base);
    let to_unicode = match file.get(font, "ToUnicode") {
        Some(stream @ Object::Stream(..)) => parse_to_unicode(
            &file
                .decoded(stream)
                .map_err(|e| FontProblem::Unreadable(e.0))?,
        ),
        _ => HashMap::new(),
    };
    let Some(face) = faces.iter().find(|f| f.postscript == postscript) else {
        return own_program(file, descendant, postscript, cids, &to_unicode);
    };
    if face.collection {
        return Err(FontProblem::Collection(face.clone()));
    }
    let data = std::fs::read(&face.path).map_err(|e| FontProblem::Unreadable(e.to_string()))?;
    let ours = ttf_parser::Face::parse(&data, face.index)
        .map_err(|e| FontProblem::Unreadable(e.to_string()))?;
    let widths = Widths::of(file, Some(descendant));
    let units = f64::from(ours.units_per_em().max(1));
    let substitutions = substituted_glyphs(&ours);
    // A glyph the face's substitutions never take, with the advance the PDF gives the
    // glyph typst drew, is the character's own glyph: only the others (about one in a
    // hundred) are compared by outline, which costs the most.
    let plainly_own = |cid: u16, gid: u16| {
        let advance = f64::from(ours.glyph_hor_advance(GlyphId(gid)).unwrap_or(0)) * 1000.0 / units;
        (advance - widths.get(cid)).abs() < 0.5
            && !substitutions.iter().any(|c| c.contains(GlyphId(gid)))
    };
    let mut by_outline: Option<OutlineIndex> = None;
    let mut glyphs = HashMap::new();
    let mut unmatched = 0;
    let mut doubtful = Vec::new();
    for &cid in cids {
        let text = to_unicode.get(&cid).cloned().unwrap_or_default();
        let mut chars = text.chars();
        let by_cmap = match (chars.next(), chars.next()) {
            (Some(c), None) => ours.glyph_index(c).map(|g| g.0),
            _ => None,
        };
        match by_cmap.filter(|&gid| plainly_own(cid, gid)) {
            Some(gid) => {
                glyphs.insert(
                    cid,
                    Glyph {
                        text,
                        gid,
                        by_character: true,
                    },
                );
            }
            None => doubtful.push((cid, text, by_cmap)),
        }
    }
    let drawn_outlines = match doubtful.is_empty() {
        true => HashMap::new(),
        false => Program::of(file, descendant)?
            .outlines(&doubtful.iter().map(|d| d.0).collect::<Vec<_>>()),
    };
    for (cid, text, by_cmap) in doubtful {
        let drawn = drawn_outlines.get(&cid);
        let glyph = match by_cmap {
            Some(gid) if drawn.is_none_or(|d| *d == outline(&ours, gid)) => Glyph {
                text,
                gid,
                by_character: true,
            },
            _ => {
                let index = by_outline.get_or_insert_with(|| OutlineIndex::new(&ours));
                match drawn.and_then(|d| index.find(&ours, d, widths.get(cid))) {
                    Some(gid) => Glyph {
                        text,
                        gid,
                        by_character: false,
                    },
                    None => {
                        unmatched += 1;
                        Glyph {
                            gid: by_cmap.unwrap_or(0),
                            by_character: by_cmap.is_some(),
                            text,
                        }
                    }
                }
            }
        };
        glyphs.insert(cid, glyph);
    }
    Ok(MatchedFont {
        face: face.clone(),
        glyphs,
        unmatched,
        data,
    })
}

/// A face typst brought itself (its built-in DejaVu Sans Mono for code): the PDF's own cut
/// of it is embedded, when it is a TrueType or OpenType file, and every glyph is named by
/// number, since that cut has no `cmap`.
fn own_program(
    file: &PdfFile,
    descendant: &Dict,
    postscript: &str,
    cids: &[u16],
    to_unicode: &HashMap<u16, String>,
) -> Result<MatchedFont, FontProblem> {
    let not_in_folder = || FontProblem::NotInFolder(postscript.to_owned());
    // A bare CFF program (typst's own Libertinus, say) is wrapped as an OpenType file.
    let (data, gid_of): (Vec<u8>, Box<dyn Fn(u16) -> u16>) = match Program::of(file, descendant)? {
        Program::Sfnt(data, map) => (
            data,
            Box::new(move |cid| match &map {
                Some(map) => map.get(usize::from(cid)).copied().unwrap_or(0),
                None => cid,
            }),
        ),
        Program::Cff(cff, map) => {
            let widths = Widths::of(file, Some(descendant));
            let data = opentype_of_cff(&cff, &map, &widths).ok_or_else(not_in_folder)?;
            (
                data,
                Box::new(move |cid| map.get(&cid).copied().unwrap_or(0)),
            )
        }
        Program::None => return Err(not_in_folder()),
    };
    if ttf_parser::Face::parse(&data, 0).is_err() {
        return Err(not_in_folder());
    }
    let glyphs = cids
        .iter()
        .map(|&cid| {
            let gid = gid_of(cid);
            let glyph = Glyph {
                text: to_unicode.get(&cid).cloned().unwrap_or_default(),
                gid,
                by_character: false,
            };
            (cid, glyph)
        })
        .collect();
    Ok(MatchedFont {
        face: FolderFace {
            path: PathBuf::from(format!("<pdf>/{postscript}")),
            index: 0,
            postscript: postscript.to_owned(),
            family: postscript.to_owned(),
            collection: false,
        },
        glyphs,
        unmatched: 0,
        data,
    })
}

/// A minimal OpenType file around a bare CFF font program: `head`, `hhea`, `maxp`, `hmtx`
/// (the PDF's widths) and the `CFF ` table. It has no `cmap`: the OFD names its glyphs.
fn opentype_of_cff(cff: &[u8], cid_to_gid: &HashMap<u16, u16>, widths: &Widths) -> Option<Vec<u8>> {
    let table = ttf_parser::cff::Table::parse(cff)?;
    let glyphs = table.number_of_glyphs();
    let mut advances = vec![0u16; usize::from(glyphs)];
    for (&cid, &gid) in cid_to_gid {
        if let Some(a) = advances.get_mut(usize::from(gid)) {
            *a = widths.get(cid).round().clamp(0.0, 65535.0) as u16;
        }
    }
    let be16 = |v: u16| v.to_be_bytes();
    let mut head = Vec::new();
    head.extend_from_slice(&0x0001_0000u32.to_be_bytes()); // version
    head.extend_from_slice(&0x0001_0000u32.to_be_bytes()); // fontRevision
    head.extend_from_slice(&0u32.to_be_bytes()); // checkSumAdjustment
    head.extend_from_slice(&0x5F0F_3CF5u32.to_be_bytes()); // magicNumber
    head.extend_from_slice(&be16(0)); // flags
    head.extend_from_slice(&be16(1000)); // unitsPerEm: CFF's 1/1000 em
    head.extend_from_slice(&[0; 16]); // created, modified
    for v in [-1000i16, -1000, 2000, 2000] {
        head.extend_from_slice(&v.to_be_bytes()); // the box
    }
    head.extend_from_slice(&be16(0)); // macStyle
    head.extend_from_slice(&be16(8)); // lowestRecPPEM
    head.extend_from_slice(&2i16.to_be_bytes()); // fontDirectionHint
    head.extend_from_slice(&be16(0)); // indexToLocFormat
    head.extend_from_slice(&be16(0)); // glyphDataFormat
    let mut hhea = Vec::new();
    hhea.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [880i16, -120, 0] {
        hhea.extend_from_slice(&v.to_be_bytes()); // ascender, descender, lineGap
    }
    hhea.extend_from_slice(&be16(advances.iter().copied().max().unwrap_or(0)));
    hhea.extend_from_slice(&[0; 22]); // the minima, caret, reserved, metricDataFormat
    hhea.extend_from_slice(&be16(glyphs)); // numberOfHMetrics
    let mut maxp = 0x0000_5000u32.to_be_bytes().to_vec();
    maxp.extend_from_slice(&be16(glyphs));
    let mut hmtx = Vec::new();
    for advance in advances {
        hmtx.extend_from_slice(&be16(advance));
        hmtx.extend_from_slice(&be16(0));
    }
    let tables: [(&[u8; 4], &[u8]); 5] = [
        (b"CFF ", cff),
        (b"head", &head),
        (b"hhea", &hhea),
        (b"hmtx", &hmtx),
        (b"maxp", &maxp),
    ];
    let mut out = Vec::new();
    out.extend_from_slice(b"OTTO");
    out.extend_from_slice(&be16(tables.len() as u16));
    out.extend_from_slice(&[0, 64, 0, 2, 0, 16]); // searchRange, entrySelector, rangeShift
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    for (tag, data) in tables {
        let sum = data
            .chunks(4)
            .map(|c| {
                let mut word = [0u8; 4];
                word[..c.len()].copy_from_slice(c);
                u32::from_be_bytes(word)
            })
            .fold(0u32, u32::wrapping_add);
        out.extend_from_slice(tag);
        out.extend_from_slice(&sum.to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    Some(out)
}

/// A glyph outline as numbers: each command's tag and its points in font units.
#[derive(Default)]
struct Recorder(Vec<i32>);

impl Recorder {
    fn point(&mut self, x: f32, y: f32) {
        self.0.push((x * 4.0).round() as i32);
        self.0.push((y * 4.0).round() as i32);
    }
}

impl OutlineBuilder for Recorder {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.push(-1);
        self.point(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.push(-2);
        self.point(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.push(-3);
        self.point(x1, y1);
        self.point(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.push(-4);
        self.point(x1, y1);
        self.point(x2, y2);
        self.point(x, y);
    }
    fn close(&mut self) {
        self.0.push(-5);
    }
}

fn outline(face: &ttf_parser::Face, gid: u16) -> Vec<i32> {
    let mut recorder = Recorder::default();
    face.outline_glyph(GlyphId(gid), &mut recorder);
    recorder.0
}

/// The glyphs of a face found by outline: only glyphs of the advance the PDF gives the
/// drawn glyph are outlined, first those no character maps to (the alternates that
/// substitutions reach), then the others.
struct OutlineIndex {
    /// Glyph IDs, those no character maps to first.
    order: Vec<u16>,
}

impl OutlineIndex {
    fn new(face: &ttf_parser::Face) -> OutlineIndex {
        let mut mapped = vec![false; usize::from(face.number_of_glyphs())];
        if let Some(cmap) = face.tables().cmap {
            for subtable in cmap.subtables {
                subtable.codepoints(|c| {
                    if let Some(m) = subtable
                        .glyph_index(c)
                        .and_then(|g| mapped.get_mut(usize::from(g.0)))
                    {
                        *m = true;
                    }
                });
            }
        }
        let all = 0..face.number_of_glyphs();
        let order = all
            .clone()
            .filter(|&g| !mapped[usize::from(g)])
            .chain(all.filter(|&g| mapped[usize::from(g)]))
            .collect();
        OutlineIndex { order }
    }

    /// The glyph whose outline is `drawn` and whose advance is `width` thousandths of an em.
    fn find(&self, face: &ttf_parser::Face, drawn: &[i32], width: f64) -> Option<u16> {
        let units = f64::from(face.units_per_em().max(1));
        self.order.iter().copied().find(|&gid| {
            let advance =
                f64::from(face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0)) * 1000.0 / units;
            (advance - width).abs() < 0.5 && outline(face, gid) == drawn
        })
    }
}

/// The font program the PDF embeds, to read the outlines typst drew.
enum Program {
    /// Bare CFF (`FontFile3` of subtype `CIDFontType0C`/`Type1C`), with CID → glyph.
    Cff(Vec<u8>, HashMap<u16, u16>),
    /// An sfnt (TrueType or OpenType), with CID → glyph (`CIDToGIDMap`), none for identity.
    Sfnt(Vec<u8>, Option<Vec<u16>>),
    /// Not embedded: glyphs are taken by character.
    None,
}

impl Program {
    fn of(file: &PdfFile, descendant: &Dict) -> Result<Program, FontProblem> {
        let Some(descriptor) = file
            .get(descendant, "FontDescriptor")
            .and_then(Object::dict)
        else {
            return Ok(Program::None);
        };
        let decode = |o: &Object| file.decoded(o).map_err(|e| FontProblem::Unreadable(e.0));
        if let Some(stream) = get(descriptor, "FontFile3") {
            let subtype = file
                .resolve(stream)
                .dict()
                .and_then(|d| get(d, "Subtype"))
                .and_then(Object::name)
                .map(<[u8]>::to_vec);
            let data = decode(stream)?;
            if subtype.as_deref() == Some(b"OpenType") {
                return Ok(Program::Sfnt(data, cid_to_gid(file, descendant)?));
            }
            let table = ttf_parser::cff::Table::parse(&data)
                .ok_or_else(|| FontProblem::Unreadable("the embedded CFF".into()))?;
            let mut map = HashMap::new();
            for gid in 0..table.number_of_glyphs() {
                let cid = table.glyph_cid(GlyphId(gid)).unwrap_or(gid);
                map.insert(cid, gid);
            }
            return Ok(Program::Cff(data, map));
        }
        if let Some(stream) = get(descriptor, "FontFile2") {
            return Ok(Program::Sfnt(
                decode(stream)?,
                cid_to_gid(file, descendant)?,
            ));
        }
        Ok(Program::None)
    }

    /// The outline of the glyph drawn for each CID, where the program has it.
    fn outlines(&self, cids: &[u16]) -> HashMap<u16, Vec<i32>> {
        let mut out = HashMap::new();
        match self {
            Program::Cff(data, map) => {
                let Some(table) = ttf_parser::cff::Table::parse(data) else {
                    return out;
                };
                for &cid in cids {
                    if let Some(&gid) = map.get(&cid) {
                        let mut recorder = Recorder::default();
                        let _ = table.outline(GlyphId(gid), &mut recorder);
                        out.insert(cid, recorder.0);
                    }
                }
            }
            Program::Sfnt(data, map) => {
                let Ok(face) = ttf_parser::Face::parse(data, 0) else {
                    return out;
                };
                for &cid in cids {
                    let gid = match map {
                        Some(map) => map.get(cid as usize).copied(),
                        None => Some(cid),
                    };
                    if let Some(gid) = gid {
                        out.insert(cid, outline(&face, gid));
                    }
                }
            }
            Program::None => {}
        }
        out
    }
}

/// The coverage of the substitutions typst's shaping of Chinese text can apply: the
/// lookups of the features of each script's default language and of `ZHS` (the other
/// languages' forms, Japanese or Korean, are never asked for), and the lookups no feature
/// names (those contextual rules call).
fn substituted_glyphs<'a>(
    face: &ttf_parser::Face<'a>,
) -> Vec<ttf_parser::opentype_layout::Coverage<'a>> {
    use ttf_parser::Tag;
    let mut out = Vec::new();
    let Some(gsub) = face.tables().gsub else {
        return out;
    };
    let count = usize::from(gsub.lookups.len());
    let mut used = vec![false; count];
    let mut named = vec![false; count];
    for feature in gsub.features {
        for index in feature.lookup_indices {
            if let Some(n) = named.get_mut(usize::from(index)) {
                *n = true;
            }
        }
    }
    let chinese = Tag::from_bytes(b"ZHS ");
    for script in gsub.scripts {
        let systems = script
            .default_language
            .into_iter()
            .chain(script.languages.into_iter().filter(|l| l.tag == chinese));
        for system in systems {
            let features = system
                .feature_indices
                .into_iter()
                .chain(system.required_feature);
            for feature in features.filter_map(|i| gsub.features.get(i)) {
                for index in feature.lookup_indices {
                    if let Some(u) = used.get_mut(usize::from(index)) {
                        *u = true;
                    }
                }
            }
        }
    }
    for (index, lookup) in gsub.lookups.into_iter().enumerate() {
        if !used[index] && named[index] {
            continue;
        }
        for i in 0..lookup.subtables.len() {
            if let Some(subtable) = lookup
                .subtables
                .get::<ttf_parser::gsub::SubstitutionSubtable>(i)
            {
                out.push(subtable.coverage());
            }
        }
    }
    out
}

fn cid_to_gid(file: &PdfFile, descendant: &Dict) -> Result<Option<Vec<u16>>, FontProblem> {
    match file.get(descendant, "CIDToGIDMap") {
        Some(stream @ Object::Stream(..)) => {
            let bytes = file
                .decoded(stream)
                .map_err(|e| FontProblem::Unreadable(e.0))?;
            Ok(Some(
                bytes
                    .chunks(2)
                    .map(|p| u16::from(p[0]) << 8 | u16::from(*p.get(1).unwrap_or(&0)))
                    .collect(),
            ))
        }
        _ => Ok(None),
    }
}

/// A `ToUnicode` CMap: code → text.
pub fn parse_to_unicode(data: &[u8]) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    let Ok(tokens) = super::pdf_file::content_tokens(data) else {
        return map;
    };
    let code = |o: &Object| match o {
        Object::String(b) if !b.is_empty() => Some(
            b.iter()
                .fold(0u32, |acc, &byte| acc << 8 | u32::from(byte))
                .min(u32::from(u16::MAX)) as u16,
        ),
        _ => None,
    };
    let text = |o: &Object| match o {
        Object::String(b) => Some(
            char::decode_utf16(
                b.chunks(2)
                    .map(|p| u16::from(p[0]) << 8 | u16::from(*p.get(1).unwrap_or(&0))),
            )
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>(),
        ),
        _ => None,
    };
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Object::Operator(op) if op == b"beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && !matches!(&tokens[i], Object::Operator(_)) {
                    if let (Some(c), Some(t)) = (code(&tokens[i]), text(&tokens[i + 1])) {
                        map.insert(c, t);
                    }
                    i += 2;
                }
            }
            Object::Operator(op) if op == b"beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && !matches!(&tokens[i], Object::Operator(_)) {
                    if let (Some(lo), Some(hi)) = (code(&tokens[i]), code(&tokens[i + 1])) {
                        match &tokens[i + 2] {
                            Object::Array(items) => {
                                for (k, item) in items.iter().enumerate() {
                                    if let Some(t) = text(item) {
                                        map.insert(lo.saturating_add(k as u16), t);
                                    }
                                }
                            }
                            other => {
                                if let Some(t) = text(other) {
                                    let mut units: Vec<u16> = t.encode_utf16().collect();
                                    for c in lo..=hi {
                                        map.insert(c, String::from_utf16_lossy(&units));
                                        if let Some(last) = units.last_mut() {
                                            *last = last.wrapping_add(1);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    i += 3;
                }
            }
            _ => i += 1,
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_reads_chars_and_ranges() {
        let cmap = b"/CIDInit /ProcSet findresource begin 2 beginbfchar <0001> <0032> <0002> <D83DDE00> endbfchar 1 beginbfrange <0010> <0012> <4E00> endbfrange 1 beginbfrange <0020> <0021> [<0041> <00660069>] endbfrange end";
        let map = parse_to_unicode(cmap);
        assert_eq!(map[&1], "2");
        assert_eq!(map[&2], "😀");
        assert_eq!(map[&0x12], "丂");
        assert_eq!(map[&0x21], "fi");
    }

    #[test]
    fn a_bare_cff_program_is_wrapped_as_a_font_readers_draw() {
        // The CFF table of an installed OpenType face stands in for the PDF's bare program.
        let home = std::env::var("HOME").unwrap_or_default();
        let Some(path) = [
            "/usr/local/share/fonts/fandol/FandolFang-Regular.otf".to_owned(),
            format!("{home}/.local/share/fonts/fandol/FandolFang-Regular.otf"),
        ]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file()) else {
            panic!("FandolFang is installed by `make test`");
        };
        let data = std::fs::read(path).unwrap();
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        let cff = face
            .raw_face()
            .table(ttf_parser::Tag::from_bytes(b"CFF "))
            .unwrap();
        let gid = face.glyph_index('中').unwrap().0;
        let map = HashMap::from([(7u16, gid)]);
        let widths = Widths::of(&PdfFile::parse(b"%PDF-1.7\n").unwrap(), None);
        let wrapped = opentype_of_cff(cff, &map, &widths).unwrap();
        let ours = ttf_parser::Face::parse(&wrapped, 0).unwrap();
        assert_eq!(ours.units_per_em(), 1000);
        assert_eq!(ours.glyph_hor_advance(GlyphId(gid)), Some(1000));
        assert!(!outline(&ours, gid).is_empty());
        assert_eq!(outline(&ours, gid), outline(&face, gid));
    }

    #[test]
    fn the_subset_tag_is_taken_off() {
        assert_eq!(
            without_subset_tag("WHNIGQ+FandolFang-Regular"),
            "FandolFang-Regular"
        );
        assert_eq!(without_subset_tag("Plain+Name"), "Plain+Name");
    }
}
