//! Broken and hostile input: nothing crashes, nothing leaks, nothing is lost.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Runs gongwen, failing the test if it has not finished after a generous bound: a hang
/// check, not a speed measurement.
fn run_bounded(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = command();
    command
        .args(args)
        .current_dir(dir)
        .env("GONGWEN_TYPST", typst())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("gongwen {args:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Writes `bytes` as `name` in a fresh folder and validates it: the exit status and the
/// first line of stderr.
fn validate_bytes(name: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let dir = temp_dir();
    fs::write(dir.path().join(name), bytes).unwrap();
    validate_path(dir.path(), name)
}

fn validate_path(dir: &Path, name: &str) -> (Option<i32>, String) {
    let out = run_bounded(dir, &["validate", name], &[]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    (
        out.status.code(),
        err.lines().next().unwrap_or("").to_owned(),
    )
}

const HEAD: &str = "kind: work-report\norgan: 测试县科学技术局\nyear: 2024\ndate: 2024-12-30\n";

#[test]
fn malformed_yaml() {
    let (code, first) = validate_bytes(
        "x.yaml",
        b"kind: work-report\norgan: [unclosed\nyear: 2024\n",
    );
    assert_eq!(code, Some(1));
    assert!(first.starts_with("x.yaml:3:"), "{first}");
    assert!(first.contains(": error: invalid YAML: "), "{first}");
}

#[test]
fn tabs_for_indentation() {
    let (code, first) = validate_bytes("x.yaml", b"kind: work-report\nreview:\n\tsections: []\n");
    assert_eq!(code, Some(1));
    assert!(first.starts_with("x.yaml:3:"), "{first}");
    assert!(
        first.contains(": error: invalid YAML: ") && first.contains("tab"),
        "{first}"
    );
}

#[test]
fn a_utf8_bom_is_accepted() {
    let text = fs::read(manifest_dir().join("tests/fixtures/valid/minimal.yaml")).unwrap();
    let (code, first) = validate_bytes("x.yaml", &[b"\xEF\xBB\xBF".as_slice(), &text].concat());
    assert_eq!(code, Some(0), "{first}");
}

#[test]
fn a_gbk_file_is_refused_at_its_first_non_utf8_byte() {
    let (gbk, _, _) = encoding_rs::GBK.encode("kind: work-report\norgan: 测试县科学技术局\n");
    let (code, first) = validate_bytes("x.yaml", &gbk);
    assert_eq!(code, Some(1));
    assert_eq!(first, "x.yaml:2:8: error: the file is not UTF-8 text");
}

#[test]
fn wrong_types_and_duplicate_keys() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("x.yaml"),
        format!("{HEAD}year: 2025\nreview: 3\n"),
    )
    .unwrap();
    let out = run_bounded(dir.path(), &["validate", "x.yaml"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let found = diagnostics(&out);
    assert!(
        found.contains(&"x.yaml:5:1: error: duplicate field `year` in the work report".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(
            &"x.yaml:6:9: error: expected a mapping (`review`), found a number".to_owned()
        ),
        "{found:?}"
    );
}

#[test]
fn a_string_of_a_megabyte() {
    let text = format!("{HEAD}lead: {}\n", "长".repeat(1_000_000));
    let (code, _) = validate_bytes("x.yaml", text.as_bytes());
    assert_eq!(code, Some(1));
    let dir = temp_dir();
    fs::write(dir.path().join("x.yaml"), text).unwrap();
    let out = run_bounded(dir.path(), &["validate", "x.yaml"], &[]);
    assert!(
        stderr(&out).contains(
            "x.yaml:5:7: error: a string of 1000000 characters, more than the limit of 100000"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_hundred_thousand_sections() {
    let mut text = format!("{HEAD}review:\n  sections:\n");
    for i in 0..100_000 {
        text.push_str(&format!("    - title: 第{i}节\n      text: 文字。\n"));
    }
    let (code, first) = validate_bytes("x.yaml", text.as_bytes());
    assert_eq!(code, Some(1));
    assert!(
        first.contains(": error: the file holds more than 250000 values"),
        "{first}"
    );
}

#[test]
fn an_alias_bomb() {
    let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 0..9u8 {
        let (this, prev) = ((b'b' + i) as char, (b'a' + i) as char);
        text.push_str(&format!(
            "{this}: &{this} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    let (code, first) = validate_bytes("x.yaml", text.as_bytes());
    assert_eq!(code, Some(1));
    assert!(first.starts_with("x.yaml:"), "{first}");
    assert!(
        first.contains(": error: the file holds more than 250000 values"),
        "{first}"
    );
}

#[test]
fn nesting_ten_thousand_deep() {
    let flow = format!("{HEAD}lead: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let (code, first) = validate_bytes("x.yaml", flow.as_bytes());
    assert_eq!(code, Some(1));
    assert!(
        first.contains(": error: values nest more than 64 levels deep"),
        "{first}"
    );
    // Block sequences nested on one line: `- - - … x`.
    let block = format!("{HEAD}lead:\n  {}x\n", "- ".repeat(10_000));
    let (code, first) = validate_bytes("y.yaml", block.as_bytes());
    assert_eq!(code, Some(1));
    assert!(
        first.contains(": error: values nest more than 64 levels deep"),
        "{first}"
    );
}

#[test]
fn a_file_of_a_hundred_megabytes_is_not_read() {
    let dir = temp_dir();
    let file = fs::File::create(dir.path().join("x.yaml")).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    let (code, first) = validate_path(dir.path(), "x.yaml");
    assert_eq!(code, Some(1));
    assert_eq!(
        first,
        "x.yaml: error: the file is larger than the limit of 16 MiB (104857600 bytes or more)"
    );
}

#[test]
fn an_empty_file() {
    let (code, first) = validate_bytes("x.yaml", b"");
    assert_eq!(code, Some(1));
    assert_eq!(first, "x.yaml:1:1: error: the file is empty");
    let (code, _) = validate_bytes("x.yaml", b"# only a comment\n");
    assert_eq!(code, Some(1));
}

#[test]
fn a_folder_named_like_a_data_file() {
    let dir = temp_dir();
    fs::create_dir_all(dir.path().join("data/x.yaml")).unwrap();
    let (code, first) = validate_path(dir.path(), "data");
    assert_eq!(code, Some(1));
    assert_eq!(
        first,
        "data/x.yaml: error: this is a folder, not a data file"
    );
}

#[test]
fn an_unreadable_file() {
    // As root every permission bit is ignored: a link to nowhere cannot be read by anyone.
    let dir = temp_dir();
    fs::create_dir_all(dir.path().join("data")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/gongwen", dir.path().join("data/x.yaml")).unwrap();
    let (code, first) = validate_path(dir.path(), "data");
    assert_eq!(code, Some(1));
    assert_eq!(
        first,
        "data/x.yaml: error: cannot read file: no such file or folder"
    );
}

#[test]
fn binary_junk() {
    // A fixed pseudo-random sequence, so a failure can be reproduced.
    let mut state: u32 = 0x2024_0606;
    let junk: Vec<u8> = (0..65_536)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect();
    let (code, first) = validate_bytes("x.yaml", &junk);
    assert_eq!(code, Some(1));
    assert!(first.starts_with("x.yaml:1:"), "{first}");
}

// ---- injection ----------------------------------------------------------------------

#[test]
fn csv_cells_cannot_run_as_formulas() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    edit(
        &data.join("report.yaml"),
        &[
            (
                "name: 高新技术企业",
                "name: '=HYPERLINK(\"http://x\",\"点击\")'",
            ),
            ("name: 技术合同成交额", "name: '@SUM(A1:A9)'"),
        ],
    );
    let out = run_bounded(root.path(), &["build", "--format", "csv"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = fs::read_to_string(root.path().join("out/report-metrics.csv")).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"点击\"\")\",12,家"),
        "{csv}"
    );
    assert!(
        csv.contains("'@SUM(A1:A9),3.5,亿元,4,-12.5\r\n"),
        "a negative change stays a number: {csv}"
    );
}

#[test]
fn nothing_in_data_can_write_outside_the_output_folder() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    edit(
        &data.join("report.yaml"),
        &[
            ("organ: 测试县科学技术局", "organ: ../../escaped"),
            ("title: 培育创新主体", "title: /tmp/escaped"),
        ],
    );
    let out = run_bounded(root.path(), &["build"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(entries(root.path()), ["data", "out"]);
    assert_eq!(
        entries(&root.path().join("out")),
        [
            ".gongwen-manifest.json",
            "report-metrics.csv",
            "report.md",
            "report.pdf"
        ]
    );
}

#[test]
fn typst_cannot_read_outside_its_root() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    fs::write(root.path().join("secret.txt"), "SECRET").unwrap();
    fs::create_dir_all(root.path().join("templates")).unwrap();
    let style = fs::read_to_string(manifest_dir().join("templates/gongwen.typ")).unwrap();
    let secret = root.path().join("secret.txt");
    let nosy = style.replace(
        "  body\n}",
        &format!("  read({:?})\n  body\n}}", secret.to_str().unwrap()),
    );
    fs::write(root.path().join("templates/gongwen.typ"), nosy).unwrap();
    let out = run_bounded(root.path(), &["build"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: typst failed"), "{err}");
    assert!(!root.path().join("out/report.pdf").exists());
}

// ---- faults ---------------------------------------------------------------------------

/// A fake typst that crashes: a fault that cannot be produced with the real one.
fn crashing_typst(dir: &Path) -> PathBuf {
    let path = dir.join("typst-crash");
    fs::write(&path, "#!/bin/sh\nkill -SEGV $$\n").unwrap();
    let mut perms = fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs::set_permissions(&path, perms).unwrap();
    path
}

#[test]
fn a_crashing_typst_is_reported_and_earlier_outputs_stay() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    assert!(run_bounded(root.path(), &["build"], &[]).status.success());
    let pdf = fs::read(root.path().join("out/report.pdf")).unwrap();
    let fake = crashing_typst(root.path());
    let out = run_bounded(
        root.path(),
        &["build"],
        &[("GONGWEN_TYPST", fake.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: typst failed (killed by a signal)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(root.path().join("out/report.pdf")).unwrap(), pdf);
}

/// A tmpfs of the given size mounted on `dir` for the test's duration; `None` where the
/// machine does not allow mounting (not root).
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, options: &str) -> Option<Mount> {
        fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!(
                "note: cannot mount a tmpfs here (needs root); the real fault is not produced"
            );
        }
        ok.then(|| Mount(dir.to_path_buf()))
    }

    fn remount(&self, options: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A project whose output folder is a tmpfs mounted with `options`, already holding a
/// good Markdown and CSV build: the project, the mount and the Markdown as built.
fn project_on_tmpfs(options: &str) -> Option<(tempfile::TempDir, Mount, Vec<u8>)> {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    let mount = Mount::tmpfs(&root.path().join("out"), options)?;
    let out = run_bounded(root.path(), &["build", "--format", "md,csv"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read(root.path().join("out/report.md")).unwrap();
    Some((root, mount, md))
}

#[test]
fn a_read_only_output_folder() {
    let Some((root, mount, md)) = project_on_tmpfs("size=4m") else {
        return;
    };
    mount.remount("ro");
    edit(
        &root.path().join("data/report.yaml"),
        &[("一企一档。", "一企一档，动态管理。")],
    );
    let out = run_bounded(root.path(), &["build", "--format", "md,csv"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: cannot write: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(root.path().join("out/report.md")).unwrap(), md);
}

#[test]
fn a_full_disk() {
    // Room for the Markdown and CSV, not for a PDF of some hundred KiB.
    let Some((root, _mount, md)) = project_on_tmpfs("size=64k") else {
        return;
    };
    let out_dir = root.path().join("out");
    let out = run_bounded(root.path(), &["build"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("report.pdf: error: cannot write: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(out_dir.join("report.md")).unwrap(), md);
    let names = entries(&out_dir);
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with(".tmp") && n != "report.pdf"),
        "{names:?}"
    );
}
