//! Every sample's Markdown, DOCX, Typst source and CSV, byte for byte: a change to the
//! plan or a writer that moves any output byte shows here. The hashes are in
//! `tests/golden/sha256.txt`; after a deliberate change to an output, rewrite them with
//! `GONGWEN_BLESS=1 cargo test --test golden` and say in the commit what changed. (The
//! PDFs are not listed: their bytes depend on the font files a machine has.)

mod common;

use std::collections::BTreeMap;
use std::fs;

use common::*;
use sha2::{Digest, Sha256};

const HASHES: &str = "tests/golden/sha256.txt";

#[test]
fn every_sample_builds_to_the_recorded_bytes() {
    let out = temp_dir();
    let run = gongwen(&[
        "build",
        "data",
        "--format",
        "md,docx,typ,csv",
        "--force",
        "-q",
        "-o",
        out.path().to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let mut built = BTreeMap::new();
    for entry in fs::read_dir(out.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let bytes = fs::read(entry.path()).unwrap();
        let hash: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        built.insert(name, hash);
    }
    let listing: String = built
        .iter()
        .map(|(name, hash)| format!("{hash}  {name}\n"))
        .collect();
    let path = manifest_dir().join(HASHES);
    if std::env::var_os("GONGWEN_BLESS").is_some() {
        fs::write(&path, &listing).unwrap();
    }
    let recorded = fs::read_to_string(&path).unwrap();
    assert!(built.len() > 30, "every sample's outputs: {built:?}");
    assert_eq!(
        recorded, listing,
        "outputs changed; if that was meant, run GONGWEN_BLESS=1 cargo test --test golden"
    );
}
