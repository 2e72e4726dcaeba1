//! Font roles of the official layout, resolved once per run through fallback chains.
//!
//! typst scans every system font on every start; handing it a folder that holds only the
//! few chosen files (with `--ignore-system-fonts`) makes each compile cheaper.

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Place, Report};
use std::path::{Path, PathBuf};

/// The typographic roles of GB/T 9704, each with its preferred and fallback families.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Title,
    Body,
    Heading1,
    Heading2,
    Heading3,
    PageNumber,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Title,
        Role::Body,
        Role::Heading1,
        Role::Heading2,
        Role::Heading3,
        Role::PageNumber,
    ];

    /// The key of the role in the generated Typst source and in `gongwen fonts`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Body => "body",
            Role::Heading1 => "heading1",
            Role::Heading2 => "heading2",
            Role::Heading3 => "heading3",
            Role::PageNumber => "page-number",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Role::Title => "标题 (2号小标宋)",
            Role::Body => "正文 (3号仿宋)",
            Role::Heading1 => "一级标题 一、 (黑体)",
            Role::Heading2 => "二级标题 （一） (楷体)",
            Role::Heading3 => "三级标题 1. (仿宋加粗)",
            Role::PageNumber => "页码 (4号宋体)",
        }
    }

    /// Families in order of preference: the standard's proprietary faces first, then open
    /// ones. The number says which weight is wanted of a family with several.
    fn chain(self) -> &'static [(&'static str, u16)] {
        const FANGSONG: &[(&str, u16)] = &[
            ("FangSong_GB2312", 400),
            ("仿宋_GB2312", 400),
            ("FangSong", 400),
            ("仿宋", 400),
            ("STFangsong", 400),
            ("华文仿宋", 400),
            ("FandolFang", 400),
            ("Noto Serif CJK SC", 400),
        ];
        match self {
            Role::Title => &[
                ("FZXiaoBiaoSong-B05S", 400),
                ("方正小标宋简体", 400),
                ("方正小标宋_GBK", 400),
                ("Noto Serif CJK SC", 700),
            ],
            Role::Body => FANGSONG,
            Role::Heading1 => &[("SimHei", 400), ("黑体", 400), ("Noto Sans CJK SC", 400)],
            Role::Heading2 => &[
                ("KaiTi_GB2312", 400),
                ("楷体_GB2312", 400),
                ("KaiTi", 400),
                ("楷体", 400),
                ("STKaiti", 400),
                ("华文楷体", 400),
                // FandolKai before UKai: its strokes are as light as FandolFang's beside it
                // and as 楷体_GB2312's; UKai's are heavier and its Latin is typewriter-like.
                ("FandolKai", 400),
                ("AR PL UKai CN", 400),
                ("LXGW WenKai", 400),
            ],
            Role::Heading3 => &[
                ("FangSong_GB2312", 700),
                ("仿宋_GB2312", 700),
                ("FangSong", 700),
                ("仿宋", 700),
                ("STFangsong", 700),
                ("FandolFang", 700),
                ("Noto Serif CJK SC", 700),
            ],
            Role::PageNumber => &[("SimSun", 400), ("宋体", 400), ("Noto Serif CJK SC", 400)],
        }
    }
}

/// One face of a font file.
#[derive(Clone, Debug)]
pub struct Face {
    pub path: PathBuf,
    pub index: u32,
    /// The family as typst will know it (the typographic family where the file has one).
    pub family: String,
    /// Every family name of the face, in every language, for matching.
    pub names: Vec<String>,
    pub weight: u16,
    pub italic: bool,
}

/// The face chosen for a role, and whether it is the standard's own; `fallbacks` are the
/// installed faces of the later families of the chain, which serve, character by character,
/// what the chosen face lacks (FandolFang has GB 2312 only; Noto Serif CJK the rest).
#[derive(Clone, Debug)]
pub struct Choice {
    pub role: Role,
    pub face: Face,
    pub preferred: bool,
    pub fallbacks: Vec<Face>,
}

impl Choice {
    /// The chosen face and then its fallbacks, in the order typst tries them.
    pub fn faces(&self) -> impl Iterator<Item = &Face> {
        std::iter::once(&self.face).chain(&self.fallbacks)
    }
}

#[derive(Debug)]
pub struct Fonts {
    pub choices: Vec<Choice>,
    /// Roles for which no face of any family of the chain exists.
    pub unresolved: Vec<Role>,
    /// The chosen files, mapped once for the character checks of all documents.
    mapped: std::sync::OnceLock<Vec<(PathBuf, Option<memmap2::Mmap>)>>,
}

#[derive(Debug)]
pub struct FontError {
    pub unresolved: Vec<Role>,
}

impl Report for FontError {
    /// The fonts of the machine: no file of the user's is at fault.
    fn report(&self, _: &Place) -> Diagnostic {
        let roles: Vec<&str> = self.unresolved.iter().map(|r| r.key()).collect();
        Diagnostic::error(t!(
            "no installed font can serve the role(s) %{roles}",
            roles = roles.join(", ")
        ))
        .with_hint(t!("install the Debian packages fonts-noto-cjk and fonts-arphic-ukai (`make` does this), or put the official faces in ~/.local/share/fonts; `gongwen fonts` shows what was found"))
    }
}

/// Where fonts are looked for: the system's folders, the user's, and `GONGWEN_FONT_PATHS`.
pub fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("GONGWEN_FONT_PATHS")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
    }
    dirs
}

/// Every face in the font files under `dirs`.
pub fn scan(dirs: &[PathBuf]) -> Vec<Face> {
    let mut files = Vec::new();
    for dir in dirs {
        collect_font_files(dir, &mut files, 0);
    }
    files.sort();
    files.dedup();
    files.iter().flat_map(|path| faces_of(path)).collect()
}

fn collect_font_files(dir: &Path, files: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // The link's target decides: a named pipe or device called `*.ttf` is not opened.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() && depth < 8 {
            collect_font_files(&path, files, depth + 1);
        } else if meta.is_file()
            && matches!(
                path.extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
                Some("ttf" | "otf" | "ttc" | "otc")
            )
        {
            files.push(path);
        }
    }
}

fn map_file(path: &Path) -> Option<memmap2::Mmap> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Swapped for a FIFO since it was listed: the open does not wait for a writer.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    // SAFETY: font files are read-only system files; a file changed while mapped could
    // at worst give wrong names, which only affects the choice of face.
    unsafe { memmap2::Mmap::map(&file) }.ok()
}

/// The faces in a font file. A collection's header claims its count; each face needs a
/// 4-byte offset in the file, so a claim of billions in a tiny file is cut to what the file
/// can hold.
fn face_count(data: &[u8]) -> u32 {
    let room = u32::try_from(data.len().saturating_sub(12) / 4).unwrap_or(u32::MAX);
    ttf_parser::fonts_in_collection(data).map_or(1, |n| n.min(room))
}

fn faces_of(path: &Path) -> Vec<Face> {
    let Some(data) = map_file(path) else {
        return Vec::new();
    };
    let count = face_count(&data);
    (0..count)
        .filter_map(|index| {
            let face = ttf_parser::Face::parse(&data, index).ok()?;
            let mut names = Vec::new();
            let mut typographic = None;
            let mut family = None;
            for name in face.names() {
                let id = name.name_id;
                if id != ttf_parser::name_id::FAMILY
                    && id != ttf_parser::name_id::TYPOGRAPHIC_FAMILY
                {
                    continue;
                }
                let Some(text) = name_text(&name) else {
                    continue;
                };
                let english = name.language_id == 0x0409 || !name.is_unicode();
                if english && id == ttf_parser::name_id::TYPOGRAPHIC_FAMILY && typographic.is_none()
                {
                    typographic = Some(text.clone());
                }
                if english && id == ttf_parser::name_id::FAMILY && family.is_none() {
                    family = Some(text.clone());
                }
                names.push(text);
            }
            let family = typographic.or(family).or_else(|| names.first().cloned())?;
            Some(Face {
                path: path.to_path_buf(),
                index,
                family,
                names,
                weight: face.weight().to_number(),
                italic: face.is_italic(),
            })
        })
        .collect()
}

fn name_text(name: &ttf_parser::name::Name) -> Option<String> {
    if let Some(text) = name.to_string() {
        return Some(text);
    }
    // Mac Roman names of old Chinese fonts: keep them only when they are plain ASCII.
    name.name
        .is_ascii()
        .then(|| String::from_utf8_lossy(name.name).into_owned())
}

fn same_family(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// Picks the face for each role: the first family of its chain that is installed, in the
/// weight nearest to the one wanted.
pub fn resolve(faces: &[Face]) -> Fonts {
    let mut choices = Vec::new();
    let mut unresolved = Vec::new();
    for role in Role::ALL {
        let chain = role.chain();
        let installed: Vec<(usize, &Face)> = chain
            .iter()
            .enumerate()
            .filter_map(|(rank, (family, weight))| {
                faces
                    .iter()
                    .filter(|f| !f.italic && f.names.iter().any(|n| same_family(n, family)))
                    .min_by_key(|f| (f.weight.abs_diff(*weight), f.path.clone(), f.index))
                    .map(|face| (rank, face))
            })
            .collect();
        let mut fallbacks: Vec<Face> = Vec::new();
        for (_, face) in installed.iter().skip(1) {
            let same = |f: &Face| f.path == face.path && f.index == face.index;
            if !same(installed[0].1) && !fallbacks.iter().any(same) {
                fallbacks.push((*face).clone());
            }
        }
        match installed.first().copied() {
            Some((rank, face)) => {
                // Everything before the open fallbacks is the standard's own face.
                let first_open = chain
                    .iter()
                    .position(|(f, _)| {
                        f.starts_with("Noto")
                            || f.starts_with("AR PL")
                            || f.starts_with("Fandol")
                            || f.starts_with("LXGW")
                    })
                    .unwrap_or(chain.len());
                choices.push(Choice {
                    role,
                    face: face.clone(),
                    preferred: rank < first_open,
                    fallbacks,
                });
            }
            None => unresolved.push(role),
        }
    }
    Fonts {
        choices,
        unresolved,
        mapped: std::sync::OnceLock::new(),
    }
}

impl Fonts {
    /// Scans the font folders and resolves every role: done once per run.
    pub fn discover() -> Result<Fonts, FontError> {
        let fonts = resolve(&scan(&font_dirs()));
        if fonts.unresolved.is_empty() {
            Ok(fonts)
        } else {
            Err(FontError {
                unresolved: fonts.unresolved,
            })
        }
    }

    /// Renames each face in use to the family name typst knows it by: the exact name where
    /// typst has it for that file, else the longest typst name that begins ours, else the
    /// file's only name.
    pub fn adopt_typst_names(&mut self, typst_families: &[(String, PathBuf)]) {
        let faces = self
            .choices
            .iter_mut()
            .flat_map(|c| std::iter::once(&mut c.face).chain(&mut c.fallbacks));
        for face in faces {
            let real = std::fs::canonicalize(&face.path).unwrap_or_else(|_| face.path.clone());
            let in_file: Vec<&str> = typst_families
                .iter()
                .filter(|(_, p)| *p == real || *p == face.path)
                .map(|(f, _)| f.as_str())
                .collect();
            let ours = &face.family;
            let exact = in_file.iter().find(|f| f.eq_ignore_ascii_case(ours));
            let prefix = in_file
                .iter()
                .filter(|f| {
                    let lower = ours.to_lowercase();
                    let f = f.to_lowercase();
                    lower.starts_with(&f) && lower[f.len()..].starts_with([' ', '-', '_'])
                })
                .max_by_key(|f| f.len());
            // typst may also know a face by a longer name than its typographic family
            // (FandolFang is `FandolFang R` to it): the one name of a single-face file.
            let only = (in_file.len() == 1).then(|| &in_file[0]);
            if let Some(name) = exact.or(prefix).or(only) {
                face.family = (*name).to_owned();
            }
        }
    }

    pub fn face(&self, role: Role) -> &Face {
        &self
            .choices
            .iter()
            .find(|c| c.role == role)
            .expect("every role is resolved")
            .face
    }

    /// Every face in use, chosen or fallback, once each, in the roles' order.
    pub fn all_faces(&self) -> Vec<&Face> {
        let mut all: Vec<&Face> = Vec::new();
        for face in self.choices.iter().flat_map(Choice::faces) {
            if !all
                .iter()
                .any(|f| f.path == face.path && f.index == face.index)
            {
                all.push(face);
            }
        }
        all
    }

    /// The families typst is given for a role: the chosen face, its fallbacks, then the
    /// body's faces (a page number or a heading may hold a character only they have).
    pub fn families(&self, role: Role) -> Vec<String> {
        let mut families: Vec<String> = Vec::new();
        let body = self.choices.iter().find(|c| c.role == Role::Body);
        let faces = self
            .choices
            .iter()
            .filter(|c| c.role == role)
            .flat_map(Choice::faces)
            .chain(body.into_iter().flat_map(Choice::faces));
        for face in faces {
            if !families.contains(&face.family) {
                families.push(face.family.clone());
            }
        }
        families
    }

    /// The distinct font files of the faces in use.
    pub fn files(&self) -> BTreeSet<&Path> {
        self.all_faces()
            .into_iter()
            .map(|f| f.path.as_path())
            .collect()
    }

    /// How many of the distinct characters of `text` each face of a role's chain serves:
    /// a character goes to the first face that has it, as in typst's fallback.
    pub fn served(&self, role: Role, text: &str) -> Vec<(Face, usize)> {
        let Some(choice) = self.choices.iter().find(|c| c.role == role) else {
            return Vec::new();
        };
        let mapped = self.mapped();
        let parsed: Vec<(&Face, Option<ttf_parser::Face>)> = choice
            .faces()
            .map(|face| {
                let parsed = mapped
                    .iter()
                    .find(|(path, _)| *path == face.path)
                    .and_then(|(_, data)| ttf_parser::Face::parse(data.as_ref()?, face.index).ok());
                (face, parsed)
            })
            .collect();
        let mut counts = vec![0; parsed.len()];
        let distinct: BTreeSet<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect();
        for character in distinct {
            if let Some(i) = parsed.iter().position(|(_, p)| {
                p.as_ref()
                    .is_some_and(|p| p.glyph_index(character).is_some())
            }) {
                counts[i] += 1;
            }
        }
        parsed
            .into_iter()
            .zip(counts)
            .map(|((face, _), n)| (face.clone(), n))
            .collect()
    }

    fn mapped(&self) -> &Vec<(PathBuf, Option<memmap2::Mmap>)> {
        self.mapped.get_or_init(|| {
            self.files()
                .into_iter()
                .map(|path| (path.to_path_buf(), map_file(path)))
                .collect()
        })
    }

    /// A folder of links to the chosen files only, for typst's `--font-path`.
    pub fn link_folder(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (i, file) in self.files().into_iter().enumerate() {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let link = dir.join(format!("{i}-{name}"));
            #[cfg(unix)]
            std::os::unix::fs::symlink(file, &link)?;
            #[cfg(not(unix))]
            std::fs::copy(file, &link).map(|_| ())?;
        }
        Ok(())
    }

    /// The first character of `text` that no chosen face can draw.
    pub fn first_uncovered(&self, text: &str) -> Option<char> {
        let mapped = self.mapped();
        let faces: Vec<ttf_parser::Face> = self
            .all_faces()
            .into_iter()
            .filter_map(|face| {
                let (_, data) = mapped.iter().find(|(path, _)| *path == face.path)?;
                ttf_parser::Face::parse(data.as_ref()?, face.index).ok()
            })
            .collect();
        let mut seen = BTreeSet::new();
        text.chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .filter(|c| seen.insert(*c))
            .find(|c| faces.iter().all(|f| f.glyph_index(*c).is_none()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_cannot_claim_more_faces_than_its_file_holds() {
        let mut header = b"ttcf\x00\x01\x00\x00".to_vec();
        header.extend_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(face_count(&header), 0);
        header.extend_from_slice(&[0; 8]);
        assert_eq!(face_count(&header), 2);
        assert_eq!(face_count(b"not a collection"), 1);
    }
}
