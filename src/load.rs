//! Stage 1, load: find the data files, read them, parse the YAML, decode each document,
//! and gather them into one `Library` in which links between files are resolved. Nothing
//! is cached beyond one library: each run (each round of `watch`) loads afresh.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::decode::node::Node;
use crate::diag::{Diagnostic, Diagnostics, Place, Pos, Report, yaml};
use crate::kinds::{self, Document};

fn is_data_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// A data file, and the data folder it was found in: linked files (a report's plan) must
/// stay inside that folder.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DataFile {
    pub path: PathBuf,
    pub root: PathBuf,
}

/// Every `*.yaml`/`*.yml` file under the given files and folders, sorted, each once. A file
/// named on its own has its parent folder as its data folder. A path that yields nothing
/// is a usage error.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<DataFile>, Diagnostic> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            Diagnostic::error(t!("cannot read: %{reason}", reason = io_reason(&e))).in_file(path)
        })?;
        if meta.is_dir() && !is_data_file(path) {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            files.extend(found.into_iter().map(|file| DataFile {
                path: file,
                root: path.clone(),
            }));
        } else {
            let root = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            files.push(DataFile {
                path: path.clone(),
                root: root.to_path_buf(),
            });
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.path == b.path);
    if files.is_empty() {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Diagnostic::error(t!(
            "no *.yaml or *.yml data files in %{paths}",
            paths = names.join(", ")
        ))
        .with_hint(t!(
            "name a folder that holds data files, or a data file itself"
        )));
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(t!("cannot list folder: %{reason}", reason = io_reason(&e))).in_file(dir)
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        // A folder named like a data file is listed, so that reading it reports it.
        if is_data_file(&path) {
            files.push(path);
        } else if kind.is_dir() {
            walk(&path, files)?;
        }
    }
    Ok(())
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => t!("no such file or folder").into_owned(),
        std::io::ErrorKind::PermissionDenied => t!("permission denied").into_owned(),
        _ => e.to_string(),
    }
}

/// The largest data file read; larger ones are refused before reading.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file named as input could not be read.
#[derive(Debug)]
pub enum ReadError {
    Folder,
    /// A named pipe, device or socket: reading it could wait forever or never end.
    Special(&'static str),
    /// More bytes than `limit`: at least `size`.
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(std::io::Error),
}

impl Report for ReadError {
    /// The error at the file that could not be read.
    fn report(&self, place: &Place) -> Diagnostic {
        let (message, hint) = self.message();
        place.file_of(Diagnostic::error(message)).with_hint(hint)
    }
}

impl ReadError {
    /// The message and hint for a file that could not be read.
    pub fn message(&self) -> (String, String) {
        match self {
            ReadError::Folder => (
                t!("this is a folder, not a data file").into_owned(),
                t!("rename the folder: names ending in .yaml or .yml are for data files")
                    .into_owned(),
            ),
            ReadError::Special(kind) => (
                t!("this is %{kind}, not a regular file", kind = t!(*kind)).into_owned(),
                t!("gongwen reads regular files only; save the data into a file").into_owned(),
            ),
            ReadError::TooLarge { size, limit } => (
                t!(
                    "the file is larger than the limit of %{limit} MiB (%{size} bytes or more)",
                    limit = limit / (1024 * 1024),
                    size = size
                )
                .into_owned(),
                t!("a document's data is a few hundred KiB at most; is this the right file?")
                    .into_owned(),
            ),
            ReadError::Io(e) => (
                t!("cannot read file: %{reason}", reason = io_reason(e)).into_owned(),
                t!("check that the file exists and is readable").into_owned(),
            ),
        }
    }
}

/// The bytes of a regular file, at most `limit` of them. The type is checked before the
/// file is opened (a FIFO would block the open) and again on the open file; the size the
/// file claims is not trusted (`/proc` files claim 0), the reading itself stops at the cap.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let check = |meta: &std::fs::Metadata| -> Result<(), ReadError> {
        if meta.is_dir() {
            return Err(ReadError::Folder);
        }
        if !meta.is_file() {
            return Err(ReadError::Special(special_kind(meta)));
        }
        if meta.len() > limit {
            return Err(ReadError::TooLarge {
                size: meta.len(),
                limit,
            });
        }
        Ok(())
    };
    check(&std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should the file be swapped for a FIFO after the check, the open does not wait.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    check(&meta)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// What a file that is neither a folder nor a regular file is, for messages.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

/// Line ends as LF: CRLF (Windows) loses its CR, a lone CR (old Mac editors) becomes LF,
/// so that such a file's lines are lines and not one line folded with spaces. Line numbers
/// stay those an editor shows.
pub fn normalize_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The SHA-256 of some bytes in hex: how the build manifest knows a file, read or written.
pub fn hash_bytes(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a data file; problems with the file as a whole go to `diags`.
pub fn read(path: &Path, diags: &mut Diagnostics) -> Option<Arc<str>> {
    read_hashed(path, diags).map(|(text, _)| text)
}

/// [`read`], with the hash of the bytes read: what a build records as the file it was made
/// from, even should the file change while the build runs.
fn read_hashed(path: &Path, diags: &mut Diagnostics) -> Option<(Arc<str>, String)> {
    let bytes = match read_regular(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) => {
            let (message, hint) = e.message();
            diags.file_error(message).hint(hint);
            return None;
        }
    };
    let hash = hash_bytes(&bytes);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match String::from_utf8(bytes.to_vec()) {
        Ok(text) => {
            let text: Arc<str> = Arc::from(normalize_line_ends(text));
            diags.set_source(text.clone());
            Some((text, hash))
        }
        Err(e) => {
            let valid = &bytes[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let line = text.matches('\n').count() + 1;
            let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            diags
                .error(Pos::new(line as u32, col as u32), t!("the file is not UTF-8 text"))
                .hint(t!("save the file as UTF-8 (a GBK file from an old editor must be converted, e.g. `iconv -f GBK -t UTF-8`)"));
            None
        }
    }
}

/// Parses YAML into the positioned tree; a syntax error goes to `diags`.
pub fn parse(text: &str, diags: &mut Diagnostics) -> Option<Node> {
    let mut options = serde_saphyr::Options::default();
    // Duplicates reach the decoder, which reports each one at its own position.
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = yaml::MAX_NODES;
    budget.max_depth = yaml::MAX_DEPTH;
    options.budget = Some(budget);
    // `.nan` and `.inf` are YAML numbers; the decoder refuses them as figures, with a position.
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    match serde_saphyr::from_str_with_options::<Node>(text, options) {
        Ok(node) => Some(node),
        Err(e) => {
            let (message, hint) = yaml::wording(&e);
            diags.error(yaml::position(text, &e), message).hint(hint);
            None
        }
    }
}

/// Reads, parses and decodes one data file; the hash of the bytes read.
fn load_file(path: &Path) -> Loaded {
    let mut diags = Diagnostics::new(path);
    let mut hash = None;
    let document = read_hashed(path, &mut diags).and_then(|(text, read)| {
        hash = Some(read);
        let root = parse(&text, &mut diags)?;
        kinds::decode(&text, &root, &mut diags)
    });
    (document, diags, hash)
}

type Loaded = (Option<Box<dyn Document>>, Diagnostics, Option<String>);

/// Parses and decodes a data file's text, without reading anything else (for tests).
pub fn load_text(path: &Path, text: &str) -> (Option<Box<dyn Document>>, Diagnostics) {
    let mut diags = Diagnostics::new(path);
    let text = normalize_line_ends(text.to_owned());
    diags.set_source(Arc::from(text.as_str()));
    let document =
        parse(&text, &mut diags).and_then(|root| kinds::decode(&text, &root, &mut diags));
    (document, diags)
}

/// One data file in the library.
pub struct Entry {
    pub file: DataFile,
    /// Loaded only because another document links to it: checked, never built.
    pub linked_only: bool,
    pub document: Option<Arc<dyn Document>>,
    /// For each of the document's links, the entry it names, where it could be followed.
    pub links: Vec<Option<usize>>,
    /// The files its links name, for deciding whether to rebuild it.
    pub linked_files: Vec<PathBuf>,
    /// The linked documents that passed their own checks, in link order (set by validate).
    pub linked: Vec<Option<Arc<dyn Document>>>,
    pub diagnostics: Diagnostics,
    /// The hash of the bytes it was loaded from.
    pub hash: Option<String>,
}

/// Every data file of a run, each loaded once, with the links between them resolved.
pub struct Library {
    pub entries: Vec<Entry>,
}

impl Library {
    /// Loads the files on up to `jobs` threads, then the files they link to.
    pub fn load(files: &[DataFile], jobs: usize) -> Library {
        // Each file's real path is found on the worker that loads it: links name files by it.
        let loaded = crate::parallel::map(files, jobs, |file| {
            (
                load_file(&file.path),
                std::fs::canonicalize(&file.path).ok(),
            )
        });
        let mut linker = Linker::default();
        let mut entries = Vec::with_capacity(files.len());
        for (i, (file, (loaded, real))) in files.iter().zip(loaded).enumerate() {
            if let Some(real) = real {
                linker.by_path.insert(real, i);
            }
            entries.push(Entry::new(file.clone(), false, loaded));
        }
        // Entries added for linked files are followed in turn, so links of links work.
        let mut i = 0;
        while i < entries.len() {
            if let Some(document) = entries[i].document.clone() {
                for link in document.links() {
                    let target = linker.follow(&mut entries, i, &link);
                    entries[i].links.push(target);
                }
                check_seal_images(&mut entries[i], document.as_ref());
            }
            i += 1;
        }
        Library { entries }
    }
}

impl Entry {
    fn new(file: DataFile, linked_only: bool, (document, diagnostics, hash): Loaded) -> Entry {
        Entry {
            file,
            linked_only,
            document: document.map(Arc::from),
            links: Vec::new(),
            linked_files: Vec::new(),
            linked: Vec::new(),
            diagnostics,
            hash,
        }
    }
}

/// Follows links: each data folder's and each linked file's real path is found once,
/// however many links lie in it or name it.
#[derive(Default)]
struct Linker {
    by_path: HashMap<PathBuf, usize>,
    roots: HashMap<PathBuf, PathBuf>,
    targets: HashMap<PathBuf, Option<PathBuf>>,
}

impl Linker {
    /// The entry that entry `i`'s link names, loaded now if the run has not loaded it yet.
    /// The file must exist, lie in the data folder and be of the kind the link asks for;
    /// each failure is an error at the link.
    fn follow(&mut self, entries: &mut Vec<Entry>, i: usize, link: &kinds::Link) -> Option<usize> {
        let file = entries[i].file.clone();
        let target = file
            .path
            .parent()
            .unwrap_or(Path::new("."))
            .join(&link.path.value);
        entries[i].linked_files.push(target.clone());
        let root = self
            .roots
            .entry(file.root.clone())
            .or_insert_with(|| {
                std::fs::canonicalize(&file.root).unwrap_or_else(|_| file.root.clone())
            })
            .clone();
        let real = self
            .targets
            .entry(target.clone())
            .or_insert_with(|| std::fs::canonicalize(&target).ok())
            .clone();
        let real = resolve(
            &file,
            &root,
            &target,
            real,
            link,
            &mut entries[i].diagnostics,
        )?;
        let j = match self.by_path.get(&real) {
            Some(&j) => j,
            None => {
                let linked = DataFile {
                    path: target.clone(),
                    root: file.root.clone(),
                };
                entries.push(Entry::new(linked, true, load_file(&target)));
                self.by_path.insert(real, entries.len() - 1);
                entries.len() - 1
            }
        };
        let found = entries[j].document.as_ref().map(|d| d.kind().name());
        if let Some(kind) = found
            && kind != link.kind
        {
            entries[i]
                .diagnostics
                .error(
                    link.path.pos,
                    t!(
                        "`%{path}` is of kind `%{found}`, not `%{expected}`",
                        path = link.path.value,
                        found = kind,
                        expected = link.kind
                    ),
                )
                .hint(t!(
                    "this field names a data file with `kind: %{expected}`",
                    expected = link.kind
                ));
            return None;
        }
        Some(j)
    }
}

/// Each seal image the document names must be a PNG with transparency or an SVG inside the
/// data folder; each failure is an error at the image's path. The images count among the
/// files the document is built from, so a changed seal rebuilds it.
fn check_seal_images(entry: &mut Entry, document: &dyn Document) {
    let Some(seals) = document.seals() else {
        return;
    };
    let folder = entry
        .file
        .path
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let root = std::fs::canonicalize(&entry.file.root).unwrap_or_else(|_| entry.file.root.clone());
    for image in seals.0.iter().filter_map(|s| s.image.as_ref()) {
        let target = folder.join(&image.value);
        entry.linked_files.push(target.clone());
        let diags = &mut entry.diagnostics;
        let Ok(real) = std::fs::canonicalize(&target) else {
            diags
                .error(
                    image.pos,
                    t!(
                        "the seal image `%{path}` does not exist",
                        path = image.value
                    ),
                )
                .hint(t!(
                    "the path is relative to this file's folder; it resolves to %{target}",
                    target = target.display()
                ));
            continue;
        };
        if !real.starts_with(&root) {
            diags
                .error(
                    image.pos,
                    t!(
                        "the seal image `%{path}` is outside the data folder %{root}",
                        path = image.value,
                        root = entry.file.root.display()
                    ),
                )
                .hint(t!("copy the seal image into the folder being built"));
            continue;
        }
        if let Err(e) = crate::plan::seal::SealImage::read(&real) {
            let (message, hint) = e.message();
            diags.error(image.pos, message).hint(hint);
        }
    }
}

/// The real path of a linked file, which must exist and stay inside the data folder;
/// each failure is an error at the link.
fn resolve(
    file: &DataFile,
    root: &Path,
    target: &Path,
    real: Option<PathBuf>,
    link: &kinds::Link,
    diags: &mut Diagnostics,
) -> Option<PathBuf> {
    let Some(real) = real else {
        diags
            .error(
                link.path.pos,
                t!(
                    "the linked file `%{path}` does not exist",
                    path = link.path.value
                ),
            )
            .hint(t!(
                "the path is relative to this file's folder; it resolves to %{target}",
                target = target.display()
            ));
        return None;
    };
    if !real.starts_with(root) {
        diags
            .error(
                link.path.pos,
                t!(
                    "the linked file `%{path}` is outside the data folder %{root}",
                    path = link.path.value,
                    root = file.root.display()
                ),
            )
            .hint(t!(
                "a linked file must be inside the folder being built; copy it into it"
            ));
        return None;
    }
    Some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_cap_holds_when_a_file_claims_no_size() {
        // `/proc` files claim a size of 0 and have content.
        let path = Path::new("/proc/self/status");
        assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
        assert!(matches!(
            read_regular(path, 16),
            Err(ReadError::TooLarge {
                size: 17,
                limit: 16
            })
        ));
        assert!(read_regular(path, MAX_FILE_BYTES).unwrap().len() > 16);
    }

    #[test]
    fn line_ends_become_lf_and_lines_keep_their_numbers() {
        assert_eq!(normalize_line_ends("a\r\nb\rc\n".into()), "a\nb\nc\n");
        assert_eq!(normalize_line_ends("a\r\r\nb".into()), "a\n\nb");
    }
}
