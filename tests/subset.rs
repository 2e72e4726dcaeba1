//! Fonts cut to each document's characters (issue 13): the same pages as with the full
//! fonts, the same bytes from run to run, and a cache that survives damage.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds `data` as PDF into `out` with the cache under `cache`; `subset` off gives typst
/// the full font files.
fn build_pdf(data: &str, out: &Path, cache: &Path, subset: bool) {
    let result = gongwen_with(
        manifest_dir(),
        &[
            "build",
            data,
            "--format",
            "pdf",
            "-o",
            path_str(out),
            "--force",
        ],
        &[
            ("XDG_CACHE_HOME", path_str(cache)),
            ("GONGWEN_FONT_SUBSET", if subset { "on" } else { "off" }),
        ],
    );
    assert!(result.status.success(), "{}", stderr(&result));
}

/// The paths in a folder, sorted; none if it does not exist.
fn sorted_paths(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    sorted_paths(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect()
}

/// The pages of a PDF as PNG files' bytes, rendered by pdftoppm.
fn page_images(pdf: &Path, dir: &Path) -> Vec<Vec<u8>> {
    let prefix = dir.join(pdf.file_stem().unwrap());
    let status = Command::new("pdftoppm")
        .args(["-r", "60", "-png"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs (poppler-utils)");
    assert!(status.success());
    let stem = pdf.file_stem().unwrap().to_string_lossy();
    sorted_paths(dir)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&*stem))
        .map(|p| fs::read(p).unwrap())
        .collect()
}

fn subset_entries(cache: &Path) -> Vec<PathBuf> {
    sorted_paths(&cache.join("gongwen/font-subsets"))
}

#[test]
fn subset_fonts_give_the_same_pages_as_the_full_fonts() {
    let work = temp_dir();
    let (subset, full, cache) = (
        work.path().join("subset"),
        work.path().join("full"),
        work.path().join("cache"),
    );
    build_pdf("data", &subset, &cache, true);
    build_pdf("data", &full, &cache, false);
    let entries = subset_entries(&cache);
    assert!(!entries.is_empty(), "no subsets were made");
    let subset_size: u64 = entries
        .iter()
        .flat_map(|e| sorted_paths(e))
        .map(|f| fs::metadata(f).unwrap().len())
        .sum();
    // Cut to a few hundred characters, the faces are a small fraction of the ~100 MB files.
    assert!(
        subset_size < 4_000_000 * entries.len() as u64,
        "subsets too large: {subset_size} bytes in {} entries",
        entries.len()
    );
    let images = work.path().join("images");
    let documents = pdfs(&subset);
    assert!(documents.len() >= 6, "{documents:?}");
    for pdf in documents {
        let name = pdf.file_name().unwrap();
        let other = full.join(name);
        let (a, b) = (images.join("subset"), images.join("full"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        let (pages_subset, pages_full) = (page_images(&pdf, &a), page_images(&other, &b));
        assert_eq!(pages_subset.len(), pages_full.len(), "{name:?}: page count");
        for (i, (x, y)) in pages_subset.iter().zip(&pages_full).enumerate() {
            assert!(
                x == y,
                "{name:?}: page {} differs from the full fonts'",
                i + 1
            );
        }
        assert_eq!(
            poppler("pdftotext", &[], &pdf),
            poppler("pdftotext", &[], &other),
            "{name:?}: text"
        );
        // The embedded fonts are the same faces, under the same names but the subset tag.
        let faces = |pdf: &Path| -> Vec<String> {
            let mut names: Vec<String> = poppler("pdffonts", &[], pdf)
                .lines()
                .skip(2)
                .filter_map(|l| l.split_whitespace().next())
                .map(|n| n.split_once('+').map_or(n, |(_, rest)| rest).to_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(faces(&pdf), faces(&other), "{name:?}: fonts");
    }
}

#[test]
fn pdfs_are_byte_identical_whether_the_subsets_are_new_or_cached() {
    let work = temp_dir();
    let cache_a = work.path().join("cache-a");
    let cache_b = work.path().join("cache-b");
    let (first, second, third) = (
        work.path().join("first"),
        work.path().join("second"),
        work.path().join("third"),
    );
    let data = "data/proposal-reply-0520.yaml";
    build_pdf(data, &first, &cache_a, true); // subsets made
    build_pdf(data, &second, &cache_a, true); // subsets from the cache
    build_pdf(data, &third, &cache_b, true); // made again in another cache
    let pdf = "proposal-reply-0520.pdf";
    let bytes = fs::read(first.join(pdf)).unwrap();
    assert_eq!(bytes, fs::read(second.join(pdf)).unwrap(), "cached subsets");
    assert_eq!(
        bytes,
        fs::read(third.join(pdf)).unwrap(),
        "subsets made anew"
    );
    // The subset files themselves are the same bytes in both caches.
    let (a, b) = (subset_entries(&cache_a), subset_entries(&cache_b));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].file_name(), b[0].file_name(), "cache key");
    for (x, y) in sorted_paths(&a[0]).iter().zip(sorted_paths(&b[0])) {
        assert_eq!(fs::read(x).unwrap(), fs::read(y).unwrap(), "{x:?}");
    }
}

#[test]
fn a_damaged_cache_entry_is_made_again() {
    let work = temp_dir();
    let cache = work.path().join("cache");
    let (good, after) = (work.path().join("good"), work.path().join("after"));
    let data = "data/suggestion-reply-b.yaml";
    build_pdf(data, &good, &cache, true);
    let entry = subset_entries(&cache).pop().expect("an entry");
    let files = sorted_paths(&entry);
    assert!(files.len() >= 2, "{files:?}");
    // One face truncated, another with a flipped byte, as a crash or a bad disk might leave.
    let first = fs::read(&files[0]).unwrap();
    fs::write(&files[0], &first[..first.len() / 2]).unwrap();
    let mut second = fs::read(&files[1]).unwrap();
    let middle = second.len() / 2;
    second[middle] ^= 0xFF;
    fs::write(&files[1], &second).unwrap();
    // A leftover of a killed run beside it.
    fs::create_dir_all(cache.join("gongwen/font-subsets/.tmp-left")).unwrap();

    build_pdf(data, &after, &cache, true);
    let pdf = "suggestion-reply-b.pdf";
    assert_eq!(
        fs::read(good.join(pdf)).unwrap(),
        fs::read(after.join(pdf)).unwrap(),
        "the PDF from a rebuilt entry"
    );
    assert_eq!(
        fs::read(&files[0]).unwrap(),
        first,
        "truncated face rebuilt"
    );
    assert_ne!(fs::read(&files[1]).unwrap(), second, "damaged face rebuilt");
    // Nothing half-written is left in the cache but the recent leftover of another run.
    let names = entries(&cache.join("gongwen/font-subsets"));
    assert_eq!(
        names.iter().filter(|n| !n.starts_with('.')).count(),
        1,
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with(".old-")),
        "a damaged entry was left aside: {names:?}"
    );
}

#[test]
fn an_unwritable_cache_still_builds_with_subsets_in_a_temporary_folder() {
    let work = temp_dir();
    // The cache "folder" is a file: nothing can be created under it.
    let cache = work.path().join("not-a-folder");
    fs::write(&cache, "x").unwrap();
    let out = work.path().join("out");
    build_pdf("data/suggestion-reply-c.yaml", &out, &cache, true);
    let text = squeezed_pdf_text(&out.join("suggestion-reply-c.pdf"));
    assert!(text.contains("答复"), "{text}");
}
