//! From any folder: after `make install` into a temporary HOME, a user in an empty folder
//! runs `gongwen new`, `validate` and `build --format pdf,docx` and gets their files, with
//! typst found beside the binary and the schema comment naming a schema that exists.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

/// The installed gongwen with nothing of the project around it: a PATH of the install
/// folder and the system's, no GONGWEN_TYPST, the temporary HOME.
fn installed(bin: &Path, home: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin.join("gongwen"))
        .env_clear()
        .env("HOME", home)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("LC_ALL", "en_US.UTF-8")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// The schema file a data file's first line names, resolved as the editor resolves it.
fn schema_of(data: &Path) -> PathBuf {
    let text = fs::read_to_string(data).unwrap();
    let first = text.lines().next().unwrap();
    let reference = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("no schema comment: {first}"));
    data.parent().unwrap().join(reference)
}

#[test]
fn after_make_install_a_user_in_an_empty_folder_builds_their_documents() {
    let root = temp_dir();
    let home = root.path().join("home");
    let prefix = home.join(".local");
    fs::create_dir_all(&home).unwrap();
    // The test's own binary stands for the release build `make install` would make.
    let make = Command::new("make")
        .current_dir(manifest_dir())
        .args(["-o", "build", "install"])
        .arg(format!("PREFIX={}", prefix.display()))
        .arg(format!("BIN={}", env!("CARGO_BIN_EXE_gongwen")))
        .arg(format!("TYPST={}", typst().display()))
        .env("HOME", &home)
        .output()
        .unwrap();
    assert!(make.status.success(), "{}", stderr(&make));
    let bin = prefix.join("bin");
    assert!(bin.join("gongwen").is_file() && bin.join("gongwen-typst").is_file());

    let work = root.path().join("县科技局").join("2024年度");
    fs::create_dir_all(&work).unwrap();
    let out = installed(
        &bin,
        &home,
        &work,
        &["new", "work-report", "-o", "总结.yaml"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let data = work.join("总结.yaml");
    // The schema is the user's copy, written by `new`, and it is gongwen's schema.
    let schema = schema_of(&data);
    assert!(schema.starts_with(&home), "{}", schema.display());
    let schema_text = fs::read_to_string(&schema).unwrap();
    assert!(
        schema_text.contains("\"work-report\""),
        "not gongwen's schema"
    );
    // The optional blocks are there, commented out, and the file is complete without them.
    let skeleton = fs::read_to_string(&data).unwrap();
    assert!(skeleton.contains("\n# header:") && skeleton.contains("\n# printing:"));
    assert!(!skeleton.contains("\nheader:") && !skeleton.contains("\nprinting:"));
    fs::write(&data, fill(&skeleton)).unwrap();

    let out = installed(&bin, &home, &work, &["validate", "总结.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = installed(
        &bin,
        &home,
        &work,
        &["build", "总结.yaml", "--format", "pdf,docx"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = work.join("out/总结.pdf");
    assert!(squeezed_pdf_text(&pdf).contains("示例文字"));
    assert!(work.join("out/总结.docx").is_file());

    // On request the schema goes beside the file, and the comment names it there.
    let out = installed(
        &bin,
        &home,
        &work,
        &["new", "notice", "-o", "通知/通知.yaml", "--schema-beside"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        schema_of(&work.join("通知/通知.yaml")),
        work.join("通知/gongwen.schema.json")
    );
    assert_eq!(
        fs::read_to_string(work.join("通知/gongwen.schema.json")).unwrap(),
        schema_text
    );

    // Without the installed typst, the same build says how to install it.
    fs::remove_file(bin.join("gongwen-typst")).unwrap();
    let out = installed(
        &bin,
        &home,
        &work,
        &["build", "总结.yaml", "--format", "pdf"],
    );
    // The machine's problem, not the data's: status 2.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the typst CLI was not found")
            && stderr(&out).contains("make install"),
        "{}",
        stderr(&out)
    );
}

/// Inside a folder with a schema of its own (a checkout, a shared folder), `new` points at
/// it by a relative path.
#[test]
fn new_points_at_the_nearest_schema_folder_above() {
    let root = temp_dir();
    fs::create_dir_all(root.path().join("schema")).unwrap();
    fs::write(root.path().join("schema/gongwen.schema.json"), "{}").unwrap();
    fs::create_dir_all(root.path().join("data/2024")).unwrap();
    let out = gongwen_in(
        root.path(),
        &["new", "proposal-reply", "-o", "data/2024/答复.yaml"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = fs::read_to_string(root.path().join("data/2024/答复.yaml")).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema=../../schema/gongwen.schema.json\n"),
        "{}",
        text.lines().next().unwrap()
    );
}
