//! The layout plan of every sample, as a snapshot: what both page back-ends place (the
//! official parts as printed, the body's blocks), testable without typst or LibreOffice.
//! A change to the plan shows here first; `cargo insta review` (or INSTA_UPDATE=always)
//! takes a deliberate one.

mod common;

use std::path::PathBuf;

use common::*;
use gongwen::kinds::Linked;
use gongwen::load::Library;
use gongwen::render::Renderer;
use gongwen::templates::Templates;

#[test]
fn every_sample_has_its_recorded_plan() {
    let files = gongwen::load::discover(&[manifest_dir().join("data")]).unwrap();
    let mut library = Library::load(&files, 1);
    gongwen::validate::validate(&mut library, 1);
    let renderer = Renderer::new(&Templates::new(None));
    let mut count = 0;
    for entry in library.entries.iter().filter(|e| !e.linked_only) {
        assert!(
            !entry.diagnostics.has_errors(),
            "{:?}",
            entry.diagnostics.sorted()
        );
        let document = entry.document.as_deref().expect("a valid sample");
        let rendered = renderer
            .render(document, Linked(&entry.linked))
            .expect("the sample renders");
        let name = PathBuf::from(&entry.file.path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let plan = rendered.plan();
        // The plan read from the Markdown it was written as is the same plan.
        assert_eq!(
            gongwen::plan::Plan::from_markdown(&rendered.markdown).unwrap(),
            plan,
            "{name}"
        );
        insta::assert_debug_snapshot!(name, plan);
        count += 1;
    }
    assert_eq!(count, 7, "every sample of data/");
}
