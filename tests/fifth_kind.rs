//! A kind is one folder, one template and one registry line. This test adds a fifth kind,
//! `memo` (函), to a copy of the project in exactly those three places — its folder made
//! from the notice's with the names changed — builds the copy, and checks that `new`,
//! `validate`, `build`, `schema` and `import` know it, and that the copy's own unit tests
//! (which iterate over the registered kinds) pass with it.
//!
//! The copy is built in a target folder of its own under the user's cache, so that a second
//! run reuses its dependencies.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The notice's folder as the memo's: every name of the kind changed, nothing else.
fn memo_folder(notice: &Path, memo: &Path) {
    fs::create_dir_all(memo).unwrap();
    for entry in fs::read_dir(notice).unwrap().flatten() {
        let text = fs::read_to_string(entry.path()).unwrap();
        let text = text
            .replace("\"notice\"", "\"memo\"")
            .replace("此处为 notice", "此处为 memo")
            .replace("Notice", "Memo")
            .replace("notice", "memo")
            .replace("label: \"通知\"", "label: \"函\"")
            .replace("\"的通知\"", "\"的函\"");
        fs::write(memo.join(entry.file_name()), text).unwrap();
    }
}

/// Beside gongwen's own caches (font subsets), so that CI's next run finds it.
fn target_dir() -> PathBuf {
    gongwen::pdf::cache_dir()
        .expect("a cache folder (HOME or XDG_CACHE_HOME)")
        .join("fifth-kind-target")
}

fn cargo(project: &Path, args: &[&str]) {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .args(["--locked", "--offline", "-j", "2"])
        .current_dir(project)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {args:?} in the copy:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_fifth_kind_is_one_folder_one_template_and_one_registry_line() {
    let copy = temp_dir();
    let project = copy.path();
    for name in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        fs::copy(manifest_dir().join(name), project.join(name)).unwrap();
    }
    for folder in ["src", "templates", "locales"] {
        copy_tree(&manifest_dir().join(folder), &project.join(folder));
    }
    // 1. The folder.
    memo_folder(
        &manifest_dir().join("src/kinds/notice"),
        &project.join("src/kinds/memo"),
    );
    // 2. The template.
    fs::copy(
        manifest_dir().join("templates/notice.md"),
        project.join("templates/memo.md"),
    )
    .unwrap();
    // 3. The registry line.
    let registry = project.join("src/kinds/mod.rs");
    let text = fs::read_to_string(&registry).unwrap();
    assert!(text.contains("// end of registry"));
    fs::write(
        &registry,
        text.replacen("// end of registry", "pub mod memo;\n// end of registry", 1),
    )
    .unwrap();

    cargo(project, &["build", "--bin", "gongwen"]);
    let binary = target_dir().join("debug/gongwen");
    let run = |dir: &Path, args: &[&str]| {
        Command::new(&binary)
            .args(args)
            .current_dir(dir)
            .env("GONGWEN_TYPST", typst())
            .env("LC_ALL", "en_US.UTF-8")
            .output()
            .unwrap()
    };
    let work = temp_dir();
    let dir = work.path();

    // new: the skeleton of the new kind, which fails until filled, then passes.
    let out = run(dir, &["new", "memo", "-o", "m.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let skeleton = fs::read_to_string(dir.join("m.yaml")).unwrap();
    assert!(
        skeleton.contains("kind: memo") && skeleton.contains("函（memo）"),
        "{skeleton}"
    );
    let out = run(dir, &["validate", "m.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("placeholder 〖"), "{}", stderr(&out));
    fs::write(dir.join("m.yaml"), fill(&skeleton)).unwrap();
    let out = run(dir, &["validate", "m.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // build: every format, through the new kind's template.
    let out = run(
        dir,
        &["build", "m.yaml", "--format", "md,pdf,docx", "-o", "out"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let markdown = fs::read_to_string(dir.join("out/m.md")).unwrap();
    assert!(markdown.starts_with("---\nkind: \"memo\"\n"), "{markdown}");
    for name in ["m.pdf", "m.docx"] {
        assert!(fs::metadata(dir.join("out").join(name)).unwrap().len() > 1000);
    }

    // schema: the kind and its root record.
    let out = run(dir, &["schema"]);
    let schema = String::from_utf8_lossy(&out.stdout);
    assert!(schema.contains("\"const\": \"memo\""), "{schema}");

    // import: a text titled …的函 is taken for the new kind by its score.
    fs::write(
        dir.join("letter.txt"),
        "关于商请支持科技项目的函\n\n某县科学技术局：\n\n一、项目情况\n\n我局拟开展试点。\n\n某市科学技术局\n2024年6月6日\n",
    )
    .unwrap();
    let out = run(dir, &["import", "letter.txt", "-o", "letter.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let imported = fs::read_to_string(dir.join("letter.yaml")).unwrap();
    assert!(imported.contains("kind: \"memo\""), "{imported}");

    // The copy's unit tests iterate over the kinds, the new one among them.
    cargo(project, &["test", "--lib", "templates"]);
}
