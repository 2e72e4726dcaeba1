//! The chosen font faces cut down to the characters of one document before typst reads them.
//!
//! typst reads and parses every font file it sets text with, and the CJK collections are
//! about 100 MB: most of a PDF build went there. A face cut to a document's few hundred
//! characters is a few hundred KB, and typst sets it to the same pages.
//!
//! Two maintained Rust libraries do the cutting. skera (fontations' subsetter) keeps the
//! cmap, metrics, OS/2, names and the OpenType layout tables (GSUB/GPOS/GDEF, with the
//! glyphs their rules reach, such as the full-width dashes of `locl`). It does not rewrite
//! CFF outlines, so for the CFF faces (Noto CJK) allsorts cuts the CFF table to the very
//! glyphs skera kept, in skera's new glyph order, and the two are put together.
//!
//! Subsets are cached under the user's cache folder, one folder an entry, keyed by the
//! faces' content and the character set; an entry is written whole into a temporary folder
//! and renamed into place, and one that fails its checksum is dropped and made again.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use read_fonts::FontRef;
use read_fonts::collections::IntSet;
use read_fonts::types::{NameId, Tag};
use sha2::{Digest, Sha256};

use super::fonts::Fonts;
use crate::diag::{Diagnostic, Place, Report};

/// Changes whenever the way subsets are made changes, so old cache entries are not reused.
const FORMAT: &str = "gongwen-subset-1 skera-0.9 allsorts-0.17";

/// Entries kept in the cache; older ones beyond this are removed when a new one is made.
const MAX_ENTRIES: usize = 256;

/// An entry in use by another run is never removed: only those unused for this long.
const IDLE_BEFORE_REMOVAL: Duration = Duration::from_secs(600);

/// The checksum every whole font file sums to once `head.checkSumAdjustment` is set.
const FONT_CHECKSUM: u32 = 0xB1B0_AFBA;

const CFF: Tag = Tag::new(b"CFF ");
const CFF2: Tag = Tag::new(b"CFF2");
const HEAD: Tag = Tag::new(b"head");

/// Layout features left out of the subsets: typst sets horizontal text and never asks for
/// vertical forms or the "all alternates" feature, whose rules would pull in many glyphs.
const UNUSED_FEATURES: [&[u8; 4]; 8] = [
    b"aalt", b"valt", b"vert", b"vhal", b"vkna", b"vkrn", b"vpal", b"vrt2",
];

/// Characters typst or the page style may set that are not in the document's own text:
/// ASCII (page numbers, list numbers), smart quotes, dashes, list bullets, spaces.
fn always_kept() -> impl Iterator<Item = char> {
    (' '..='~').chain("\u{a0}\u{ad}‐‑–—―‘’“”…•‣·".chars())
}

/// One chosen face of an installed font file, mapped once for the run.
struct SourceFace {
    path: PathBuf,
    index: u32,
    data: memmap2::Mmap,
    /// Digest of the face's content, from its table directory's checksums and lengths.
    identity: String,
    /// The cut face's file name in a cache entry.
    file_name: String,
}

/// Why the fonts of a document could not be cut: it is then typeset with the full files.
#[derive(Clone, Debug)]
pub enum SubsetError {
    /// A face the subsetter cannot cut (an unusual font); `reason` is the library's.
    Face {
        path: PathBuf,
        index: u32,
        reason: String,
    },
    /// The cache folder cannot take the cut faces.
    Store { path: PathBuf, reason: String },
}

impl Report for SubsetError {
    /// A warning of the document's: its PDF was made, with the full font files.
    fn report(&self, place: &Place) -> Diagnostic {
        let reason = match self {
            SubsetError::Face {
                path,
                index,
                reason,
            } => format!("{} (face {index}): {reason}", path.display()),
            SubsetError::Store { path, reason } => format!("{}: {reason}", path.display()),
        };
        place
            .file_of(Diagnostic::warning(t!(
                "the fonts could not be cut to the document's characters (%{reason}); the full font files were used",
                reason = reason
            )))
            .with_hint(t!(
                "the PDF is complete but larger; `GONGWEN_FONT_SUBSET=off` turns cutting off"
            ))
    }
}

/// Makes, caches and hands out folders of subset faces.
pub struct Subsetter {
    faces: Vec<SourceFace>,
    root: Root,
    /// Entries made or checked in this run, so concurrent documents share one.
    entries: Mutex<HashMap<String, Arc<Entry>>>,
}

/// A cache entry's folder once made or checked, or why it could not be.
type Entry = OnceLock<Result<PathBuf, SubsetError>>;

enum Root {
    Cache(PathBuf),
    /// No cache folder could be made: subsets live as long as the run.
    Scratch(tempfile::TempDir),
}

impl Root {
    fn path(&self) -> &Path {
        match self {
            Root::Cache(path) => path,
            Root::Scratch(dir) => dir.path(),
        }
    }
}

/// Whether subsetting is on: `GONGWEN_FONT_SUBSET=off` hands typst the full files.
pub fn enabled() -> bool {
    !matches!(
        std::env::var("GONGWEN_FONT_SUBSET").as_deref(),
        Ok("off" | "0" | "no" | "false")
    )
}

impl Subsetter {
    /// Maps the chosen faces; `None` when one of them cannot be read as a font, in which
    /// case typst gets the full files as before.
    pub fn new(fonts: &Fonts) -> Option<Subsetter> {
        let mut faces = Vec::new();
        let mut seen = BTreeSet::new();
        for face in fonts.all_faces() {
            if !seen.insert((face.path.clone(), face.index)) {
                continue;
            }
            let file = std::fs::File::open(&face.path).ok()?;
            // SAFETY: installed font files are not changed while a build runs; if one were,
            // the subset's checksum or typst's own parsing would fail, not memory safety.
            let data = unsafe { memmap2::Mmap::map(&file) }.ok()?;
            let identity = face_identity(&data, face.index)?;
            let file_name = file_name(faces.len(), &face.path, face.index, &data);
            faces.push(SourceFace {
                path: face.path.clone(),
                index: face.index,
                data,
                identity,
                file_name,
            });
        }
        let root = super::cache_dir()
            .map(|base| base.join("font-subsets"))
            .filter(|dir| std::fs::create_dir_all(dir).is_ok())
            .map(Root::Cache)
            .or_else(|| {
                tempfile::Builder::new()
                    .prefix("gongwen-subsets-")
                    .tempdir()
                    .ok()
                    .map(Root::Scratch)
            })?;
        Some(Subsetter {
            faces,
            root,
            entries: Mutex::new(HashMap::new()),
        })
    }

    /// The characters to keep for a document whose Typst source and page style are given.
    pub fn charset(texts: &[&str]) -> BTreeSet<char> {
        texts
            .iter()
            .flat_map(|t| t.chars())
            .filter(|c| !c.is_control())
            .chain(always_kept())
            .collect()
    }

    /// A folder holding every chosen face cut to `charset`, made once and then reused.
    pub fn folder(&self, charset: &BTreeSet<char>) -> Result<PathBuf, SubsetError> {
        let key = self.key(charset);
        let entries = || self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let cell = entries().entry(key.clone()).or_default().clone();
        let result = cell.get_or_init(|| self.entry(&key, charset)).clone();
        match result {
            // Removed since by another run (a long `watch`): made again.
            Ok(dir) if !dir.is_dir() => {
                entries().remove(&key);
                self.entry(&key, charset)
            }
            result => result,
        }
    }

    fn key(&self, charset: &BTreeSet<char>) -> String {
        let mut hasher = Sha256::new();
        hasher.update(FORMAT.as_bytes());
        for face in &self.faces {
            hasher.update(face.identity.as_bytes());
            hasher.update(face.index.to_le_bytes());
        }
        hasher.update([0]);
        hasher.update(charset.iter().collect::<String>().as_bytes());
        hex(&hasher.finalize()[..16])
    }

    fn file_names(&self) -> Vec<&str> {
        self.faces.iter().map(|f| f.file_name.as_str()).collect()
    }

    /// The cached entry if it is whole, else a new one.
    fn entry(&self, key: &str, charset: &BTreeSet<char>) -> Result<PathBuf, SubsetError> {
        let root = self.root.path();
        let dir = root.join(key);
        let names = self.file_names();
        if dir.is_dir() {
            if entry_is_whole(&dir, &names) {
                touch(&dir);
                return Ok(dir);
            }
            // A damaged entry is moved aside, then removed, and made again.
            discard(root, &dir);
        }
        let fonts = self.make(charset)?;
        let temp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempdir_in(root)
            .map_err(|e| SubsetError::Store {
                path: root.to_path_buf(),
                reason: e.to_string(),
            })?;
        for (name, bytes) in names.iter().zip(&fonts) {
            std::fs::write(temp.path().join(name), bytes).map_err(|e| SubsetError::Store {
                path: temp.path().join(name),
                reason: e.to_string(),
            })?;
        }
        let made = temp.keep();
        if std::fs::rename(&made, &dir).is_err() {
            // Another run made the same entry meanwhile: use theirs if it is whole.
            let _ = std::fs::remove_dir_all(&made);
            if !entry_is_whole(&dir, &names) {
                return Err(SubsetError::Store {
                    path: dir,
                    reason: "another run left it incomplete".into(),
                });
            }
        }
        if matches!(self.root, Root::Cache(_)) {
            prune(root);
        }
        Ok(dir)
    }

    /// Every face cut to `charset`, in parallel.
    fn make(&self, charset: &BTreeSet<char>) -> Result<Vec<Vec<u8>>, SubsetError> {
        std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .faces
                .iter()
                .map(|face| scope.spawn(move || subset_face(&face.data, face.index, charset)))
                .collect();
            handles
                .into_iter()
                .zip(&self.faces)
                .map(|(handle, face)| {
                    handle
                        .join()
                        .unwrap_or_else(|_| Err("the subsetter failed".into()))
                        .map_err(|reason| SubsetError::Face {
                            path: face.path.clone(),
                            index: face.index,
                            reason,
                        })
                })
                .collect()
        })
    }
}

/// `0-NotoSerifCJK-Regular-2.otf`: position, file, face, and the extension of its outlines.
fn file_name(position: usize, path: &Path, index: u32, data: &[u8]) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cff = FontRef::from_index(data, index).is_ok_and(|f| f.table_data(CFF).is_some());
    format!(
        "{position}-{stem}-{index}.{}",
        if cff { "otf" } else { "ttf" }
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest of a face's content read from its table directory: each table's tag, checksum
/// and length, which change with any change of the table. Reading 100 MB of fonts to hash
/// them would cost more than typst's whole run.
fn face_identity(data: &[u8], index: u32) -> Option<String> {
    let font = FontRef::from_index(data, index).ok()?;
    let mut hasher = Sha256::new();
    hasher.update((data.len() as u64).to_le_bytes());
    for record in font.table_directory().table_records() {
        hasher.update(record.tag().to_be_bytes());
        hasher.update(record.checksum().to_be_bytes());
        hasher.update(record.length().to_be_bytes());
    }
    Some(hex(&hasher.finalize()[..16]))
}

fn entry_is_whole(dir: &Path, names: &[&str]) -> bool {
    names.iter().all(|name| {
        std::fs::read(dir.join(name)).is_ok_and(|bytes| {
            bytes.len() >= 12
                && checksum(&bytes) == FONT_CHECKSUM
                && ttf_parser::Face::parse(&bytes, 0).is_ok()
        })
    })
}

fn touch(dir: &Path) {
    if let Ok(file) = std::fs::File::open(dir) {
        let _ = file.set_modified(SystemTime::now());
    }
}

fn discard(root: &Path, dir: &Path) {
    if let Ok(aside) = tempfile::Builder::new().prefix(".old-").tempdir_in(root) {
        let aside = aside.keep();
        let target = aside.join("entry");
        if std::fs::rename(dir, &target).is_ok() {
            let _ = std::fs::remove_dir_all(&aside);
            return;
        }
        let _ = std::fs::remove_dir_all(&aside);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Removes the oldest entries beyond `MAX_ENTRIES`, and temporary folders left by runs that
/// were killed, but nothing used in the last minutes.
fn prune(root: &Path) {
    let Ok(read) = std::fs::read_dir(root) else {
        return;
    };
    let now = SystemTime::now();
    let idle =
        |time: SystemTime| now.duration_since(time).unwrap_or_default() > IDLE_BEFORE_REMOVAL;
    let mut entries = Vec::new();
    for entry in read.flatten() {
        let Ok(time) = entry.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            if idle(time) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        } else {
            entries.push((time, entry.path()));
        }
    }
    if entries.len() <= MAX_ENTRIES {
        return;
    }
    entries.sort();
    let excess = entries.len() - MAX_ENTRIES;
    for (time, path) in entries.into_iter().take(excess) {
        if idle(time) {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

/// The font file of face `index` of `data` cut to `charset`.
pub fn subset_face(data: &[u8], index: u32, charset: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let font = FontRef::from_index(data, index).map_err(|e| e.to_string())?;
    if font.table_data(CFF2).is_some() {
        return Err("CFF2 outlines are not subset".into());
    }
    let mut unicodes = IntSet::<u32>::empty();
    unicodes.extend(charset.iter().map(|&c| c as u32));
    let mut features = IntSet::<Tag>::empty();
    features.invert();
    for tag in UNUSED_FEATURES {
        features.remove(Tag::new(tag));
    }
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    // The names typst and `gongwen fonts` know a face by, in every language.
    let mut name_ids = IntSet::<NameId>::empty();
    name_ids.insert_range(NameId::new(0)..=NameId::new(6));
    name_ids.extend([16, 17, 21, 22].map(NameId::new));
    let mut languages = IntSet::<u16>::empty();
    languages.invert();
    let plan = skera::Plan::new(
        &IntSet::empty(),
        &unicodes,
        &font,
        skera::SubsetFlags::SUBSET_FLAGS_DEFAULT,
        &IntSet::empty(),
        &scripts,
        &features,
        &name_ids,
        &languages,
    );
    let rest = skera::subset_font(&font, &plan).map_err(|e| e.to_string())?;
    let cff = match font.table_data(CFF) {
        Some(table) => Some(subset_cff(table.as_bytes(), &plan)?),
        None => None,
    };
    assemble(&rest, cff)
}

/// The CFF table cut to the glyphs of `plan`, glyph `n` of the result being the glyph skera
/// numbered `n`.
fn subset_cff(table: &[u8], plan: &skera::Plan) -> Result<Vec<u8>, String> {
    use allsorts::binary::read::ReadScope;
    use allsorts::binary::write::{WriteBinary, WriteBuffer};
    use allsorts::cff::CFF as Cff;
    let mut mapping: Vec<(u32, u32)> = plan
        .old_to_new_glyph_mapping()
        .map(|(old, new)| (new.to_u32(), old.to_u32()))
        .collect();
    mapping.sort_unstable();
    // allsorts numbers the glyphs in the order given: that order must be 0, 1, 2 … of skera's.
    if mapping
        .iter()
        .enumerate()
        .any(|(i, (new, _))| *new as usize != i)
    {
        return Err("the glyph numbering has gaps".into());
    }
    let glyphs = mapping
        .iter()
        .map(|(_, old)| u16::try_from(*old).map_err(|_| "glyph id out of range".to_owned()))
        .collect::<Result<Vec<u16>, String>>()?;
    let cff = ReadScope::new(table)
        .read::<Cff<'_>>()
        .map_err(|e| format!("CFF: {e}"))?;
    let subset = cff
        .subset(&glyphs, false)
        .map_err(|e| format!("CFF: {e}"))?;
    let mut buffer = WriteBuffer::new();
    Cff::write(&mut buffer, &Cff::from(subset)).map_err(|e| format!("CFF: {e}"))?;
    Ok(buffer.into_inner())
}

/// The sum of a font file's big-endian 32-bit words, zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// One font file of `font`'s tables and the CFF table, if any: tables sorted by tag,
/// 4-byte aligned, with their checksums and the head table's checksum adjustment.
fn assemble(font: &[u8], cff: Option<Vec<u8>>) -> Result<Vec<u8>, String> {
    let parsed = FontRef::new(font).map_err(|e| e.to_string())?;
    let mut tables: Vec<(Tag, Vec<u8>)> = parsed
        .table_directory()
        .table_records()
        .iter()
        .filter_map(|r| Some((r.tag(), parsed.table_data(r.tag())?.as_bytes().to_vec())))
        .filter(|(tag, _)| *tag != CFF)
        .collect();
    let version: u32 = if cff.is_some() {
        0x4F54_544F
    } else {
        0x0001_0000
    };
    if let Some(cff) = cff {
        tables.push((CFF, cff));
    }
    tables.sort_by_key(|(tag, _)| *tag);
    let count = u16::try_from(tables.len()).map_err(|_| "too many tables")?;
    let selector = 15 - count.leading_zeros() as u16;
    let range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    out.extend(version.to_be_bytes());
    for field in [count, range, selector, count * 16 - range] {
        out.extend(field.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &mut tables {
        if *tag == HEAD {
            if data.len() < 12 {
                return Err("head table too short".into());
            }
            data[8..12].fill(0);
            head_at = Some(offset);
        }
        out.extend(tag.to_be_bytes());
        out.extend(checksum(data).to_be_bytes());
        out.extend(
            u32::try_from(offset)
                .map_err(|_| "font too large")?
                .to_be_bytes(),
        );
        out.extend(
            u32::try_from(data.len())
                .map_err(|_| "table too large")?
                .to_be_bytes(),
        );
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend(data.iter());
        out.resize(out.len().next_multiple_of(4), 0);
    }
    let head_at = head_at.ok_or("no head table")?;
    let adjustment = FONT_CHECKSUM.wrapping_sub(checksum(&out));
    out[head_at + 8..head_at + 12].copy_from_slice(&adjustment.to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_face_that_cannot_be_cut_is_a_warning_naming_it() {
        let e = SubsetError::Face {
            path: PathBuf::from("/fonts/odd.otf"),
            index: 2,
            reason: "CFF2 outlines are not subset".into(),
        };
        let d = e.report(&Place::new(Path::new("data/x.yaml"), ""));
        assert!(!d.is_error());
        assert_eq!(d.file.as_deref(), Some(Path::new("data/x.yaml")));
        assert!(
            d.message
                .contains("/fonts/odd.otf (face 2): CFF2 outlines are not subset")
        );
    }

    /// The body face of this machine (Noto Serif CJK SC with `make`'s fonts: CFF outlines).
    fn body_face() -> (memmap2::Mmap, u32) {
        let fonts = Fonts::discover().expect("fonts are installed (`make` installs them)");
        let face = fonts.face(super::super::fonts::Role::Body);
        let file = std::fs::File::open(&face.path).unwrap();
        (unsafe { memmap2::Mmap::map(&file) }.unwrap(), face.index)
    }

    #[test]
    fn a_subset_keeps_the_characters_names_and_layout_of_its_face() {
        let (data, index) = body_face();
        let charset: BTreeSet<char> = "科技局—“”".chars().collect();
        let bytes = subset_face(&data, index, &charset).unwrap();
        assert_eq!(checksum(&bytes), FONT_CHECKSUM);
        let full = ttf_parser::Face::parse(&data, index).unwrap();
        let cut = ttf_parser::Face::parse(&bytes, 0).unwrap();
        for c in charset.iter() {
            assert!(cut.glyph_index(*c).is_some(), "{c} kept");
            assert_eq!(
                cut.glyph_hor_advance(cut.glyph_index(*c).unwrap()),
                full.glyph_hor_advance(full.glyph_index(*c).unwrap()),
                "{c} advance"
            );
        }
        assert!(cut.glyph_index('猫').is_none(), "a character not asked for");
        assert!(cut.number_of_glyphs() < 200, "{}", cut.number_of_glyphs());
        let family = |face: &ttf_parser::Face| {
            face.names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::FAMILY)
                .filter_map(|n| n.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(family(&cut), family(&full));
        for table in [b"GSUB", b"GPOS", b"OS/2", b"hhea"] {
            let tag = ttf_parser::Tag::from_bytes(table);
            assert_eq!(
                cut.raw_face().table(tag).is_some(),
                full.raw_face().table(tag).is_some(),
                "{}",
                String::from_utf8_lossy(table)
            );
        }
        assert_eq!(cut.ascender(), full.ascender());
        assert_eq!(cut.capital_height(), full.capital_height());
    }

    #[test]
    fn the_same_characters_give_the_same_bytes() {
        let (data, index) = body_face();
        let charset: BTreeSet<char> = "关于印发行动计划的通知".chars().collect();
        assert_eq!(
            subset_face(&data, index, &charset).unwrap(),
            subset_face(&data, index, &charset).unwrap()
        );
    }

    #[test]
    fn an_entry_removed_during_a_run_is_made_again() {
        let (data, index) = body_face();
        let subsetter = Subsetter {
            faces: vec![SourceFace {
                path: PathBuf::from("body.ttc"),
                index,
                identity: face_identity(&data, index).unwrap(),
                file_name: file_name(0, Path::new("body.ttc"), index, &data),
                data,
            }],
            root: Root::Scratch(tempfile::tempdir().unwrap()),
            entries: Mutex::new(HashMap::new()),
        };
        let charset = Subsetter::charset(&["通知"]);
        let dir = subsetter.folder(&charset).unwrap();
        let file = dir.join(subsetter.file_names()[0]);
        let made = std::fs::read(&file).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(subsetter.folder(&charset).unwrap(), dir);
        assert_eq!(std::fs::read(&file).unwrap(), made);
    }
}
