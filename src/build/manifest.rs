//! The build manifest: per document, the hashes of what it was built from and of what it
//! wrote, so that an unchanged document is not built again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name in the output folder.
pub const FILE: &str = ".gongwen-manifest.json";

const VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    version: u32,
    /// By data file path, as given on the command line.
    documents: BTreeMap<String, Entry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: String,
    /// The hash of everything outside the data that shaped the outputs: the templates the
    /// kind uses, the page style, the fonts, the gongwen and typst versions, the options.
    pub environment: String,
    /// Every input file (the data file and the files it links to) with its hash.
    pub inputs: BTreeMap<String, String>,
    /// Every output file name (in the output folder) with its hash.
    pub outputs: BTreeMap<String, String>,
}

pub use crate::load::hash_bytes;

/// The hash of a file's content, or `None` when it cannot be read.
pub fn hash_file(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|bytes| hash_bytes(&bytes))
}

/// A hash over several labelled parts, in order.
pub fn hash_parts<'a>(parts: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut hasher = Sha256::new();
    for (label, bytes) in parts {
        hasher.update((label.len() as u64).to_le_bytes());
        hasher.update(label.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Manifest {
    /// The manifest of an output folder; a missing or unreadable one is empty, so
    /// everything is built.
    pub fn load(out_dir: &Path) -> Manifest {
        std::fs::read(out_dir.join(FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|m| m.version == VERSION)
            .unwrap_or_default()
    }

    pub fn save(&mut self, out_dir: &Path) -> Result<(), crate::write::WriteError> {
        self.version = VERSION;
        let json = serde_json::to_vec_pretty(self).expect("the manifest serializes");
        crate::write::write_atomic(&out_dir.join(FILE), &json)
    }

    pub fn get(&self, data: &Path) -> Option<&Entry> {
        self.documents.get(&key(data))
    }

    pub fn set(&mut self, data: &Path, entry: Entry) {
        self.documents.insert(key(data), entry);
    }

    pub fn remove(&mut self, data: &Path) {
        self.documents.remove(&key(data));
    }
}

fn key(data: &Path) -> String {
    data.to_string_lossy().into_owned()
}

impl Entry {
    /// True when the document's inputs and outputs are all as recorded: nothing to build.
    pub fn is_current(&self, environment: &str, out_dir: &Path) -> bool {
        self.environment == environment
            && self
                .inputs
                .iter()
                .all(|(path, hash)| hash_file(Path::new(path)).as_deref() == Some(hash))
            && self
                .outputs
                .iter()
                .all(|(name, hash)| hash_file(&out_dir.join(name)).as_deref() == Some(hash))
    }
}

/// The input files of a built document: those `loaded` with the hash of the bytes the build
/// read (a file changed while the build ran is then built again next time), the others hashed
/// now.
pub fn hash_inputs(loaded: &[(&Path, &str)], files: &[PathBuf]) -> BTreeMap<String, String> {
    let mut inputs: BTreeMap<String, String> = files
        .iter()
        .filter_map(|f| Some((f.to_string_lossy().into_owned(), hash_file(f)?)))
        .collect();
    for (path, hash) in loaded {
        inputs.insert(path.to_string_lossy().into_owned(), (*hash).to_owned());
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_not_confused_by_their_boundaries() {
        assert_ne!(
            hash_parts([("a", b"bc".as_slice())]),
            hash_parts([("ab", b"c".as_slice())])
        );
        assert_eq!(
            hash_parts([("a", b"x".as_slice())]),
            hash_parts([("a", b"x".as_slice())])
        );
    }
}
