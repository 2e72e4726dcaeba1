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
    assert!(
        first.contains(": error: a list in `[ ]` or a map in `{ }` is not written as YAML expects"),
        "{first}"
    );
}

#[test]
fn tabs_for_indentation() {
    let (code, first) = validate_bytes("x.yaml", b"kind: work-report\nreview:\n\tsections: []\n");
    assert_eq!(code, Some(1));
    assert!(first.starts_with("x.yaml:3:"), "{first}");
    assert!(
        first.contains(": error: a tab where YAML allows only spaces"),
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

/// A tmpfs of the given size mounted on `dir` for the test's duration. The tests that
/// use one are ignored by default (mounting needs root); `make test` runs them as root.
struct Mount(PathBuf);

/// Why the tests that mount a tmpfs are ignored unless asked for.
const NEEDS_ROOT: &str = "needs root to mount a tmpfs (make test runs it as root)";

impl Mount {
    fn tmpfs(dir: &Path, options: &str) -> Mount {
        fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .output()
            .expect("mount runs");
        assert!(
            out.status.success(),
            "cannot mount a tmpfs ({NEEDS_ROOT}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Mount(dir.to_path_buf())
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
fn project_on_tmpfs(options: &str) -> (tempfile::TempDir, Mount, Vec<u8>) {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    let mount = Mount::tmpfs(&root.path().join("out"), options);
    let out = run_bounded(root.path(), &["build", "--format", "md,csv"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read(root.path().join("out/report.md")).unwrap();
    (root, mount, md)
}

#[test]
#[ignore = "needs root to mount a tmpfs (make test runs it as root)"]
fn a_read_only_output_folder() {
    let (root, mount, md) = project_on_tmpfs("size=4m");
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
#[ignore = "needs root to mount a tmpfs (make test runs it as root)"]
fn a_full_disk() {
    // Room for the Markdown and CSV, not for a PDF of some hundred KiB.
    let (root, _mount, md) = project_on_tmpfs("size=64k");
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

// ---- round two: special files, unbounded cost, wrong official text ------------------

/// A named pipe at `path` (a writer never comes: opening it for reading would block).
fn fifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success());
}

/// The minimal report with `replacements` applied, as `x.yaml` in a fresh folder.
fn report_with(replacements: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = temp_dir();
    let path = dir.path().join("x.yaml");
    fs::copy(manifest_dir().join(fixture("valid/minimal.yaml")), &path).unwrap();
    edit(&path, replacements);
    dir
}

/// `validate x.yaml` in `dir`, in the short form: the status and the diagnostic lines.
fn short_diagnostics(dir: &Path) -> (Option<i32>, Vec<String>, String) {
    let out = run_bounded(
        dir,
        &["--message-format", "short", "validate", "x.yaml"],
        &[],
    );
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    let lines = err
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .map(str::to_owned)
        .collect();
    (out.status.code(), lines, err)
}

#[test]
fn a_named_pipe_is_refused_by_its_type_as_data_file_and_as_linked_file() {
    let dir = temp_dir();
    fifo(&dir.path().join("pipe.yaml"));
    let (code, first) = validate_path(dir.path(), ".");
    assert_eq!(code, Some(1));
    assert_eq!(
        first,
        "./pipe.yaml: error: this is a named pipe (FIFO), not a regular file"
    );
    // Linked as a report's plan: the link is followed, the pipe refused, nothing waits.
    fs::copy(
        manifest_dir().join(fixture("valid/minimal.yaml")),
        dir.path().join("x.yaml"),
    )
    .unwrap();
    edit(
        &dir.path().join("x.yaml"),
        &[(
            "date: 2024-12-30\n",
            "date: 2024-12-30\naction_plan: pipe.yaml\n",
        )],
    );
    let out = run_bounded(dir.path(), &["validate", "x.yaml"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("note: first: this is a named pipe (FIFO), not a regular file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_device_is_refused_before_reading() {
    let dir = temp_dir();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
    let (code, first) = validate_path(dir.path(), "zero.yaml");
    assert_eq!(code, Some(1));
    assert_eq!(
        first,
        "zero.yaml: error: this is a device, not a regular file"
    );
}

#[test]
fn the_size_limit_is_stated_in_bytes() {
    let dir = temp_dir();
    let file = fs::File::create(dir.path().join("x.yaml")).unwrap();
    file.set_len(16 * 1024 * 1024 + 30 * 1024).unwrap();
    let (_, first) = validate_path(dir.path(), "x.yaml");
    assert_eq!(
        first,
        "x.yaml: error: the file is larger than the limit of 16 MiB (16807936 bytes or more)"
    );
}

#[test]
fn a_named_pipe_and_a_lying_collection_in_a_font_folder_are_skipped() {
    let fonts = temp_dir();
    fifo(&fonts.path().join("pipe.ttf"));
    // A collection header that claims 4 billion faces in 12 bytes.
    let mut liar = b"ttcf\x00\x01\x00\x00".to_vec();
    liar.extend_from_slice(&u32::MAX.to_be_bytes());
    fs::write(fonts.path().join("liar.ttc"), liar).unwrap();
    let root = temp_dir();
    let out = run_bounded(
        root.path(),
        &["fonts"],
        &[("GONGWEN_FONT_PATHS", path_str(fonts.path()))],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("liar"));
}

#[test]
fn figures_years_and_changes_that_cannot_print_are_errors() {
    let dir = report_with(&[
        ("value: 12\n", "value: 1e308\n"),
        ("year: 2024", "year: 9223372036854775807"),
        ("value: 3.5\n", "value: .nan\n"),
    ]);
    let (code, found, _) = short_diagnostics(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [
            "x.yaml:3:7: error: `year` is 9223372036854775807, not a year a document can name",
            "x.yaml:8:12: error: the number 1e308 is too large",
            "x.yaml:13:12: error: `.nan` is not a number a document can print",
        ]
    );
    let dir = report_with(&[
        ("value: 3.5\n", "value: 100000000000000\n"),
        ("previous: 4\n", "previous: 0.000001\n"),
    ]);
    let (code, found, _) = short_diagnostics(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        ["x.yaml:15:15: error: the year-on-year change of `output` is too large to print"]
    );
    let dir = report_with(&[("previous: 4\n", "previous: 1e-320\n")]);
    let (_, found, _) = short_diagnostics(dir.path());
    assert_eq!(
        found,
        ["x.yaml:15:15: error: the number 1e-320 has more digits than a document prints"]
    );
}

#[test]
fn control_and_invisible_characters_in_text_are_errors_at_their_place() {
    let dir = report_with(&[
        ("organ: 测试县科学技术局", "organ: 测试县\u{200b}科学技术局"),
        ("text: 一企一档。", "text: \"一企\\e[31m一档\""),
        ("text: 一企一策。", "text: \"一企\\0一策\""),
    ]);
    let (code, found, err) = short_diagnostics(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [
            "x.yaml:2:11: error: an invisible character (U+200B) in the text",
            "x.yaml:30:24: error: a control character (U+001B) in the text",
            "x.yaml:32:24: error: a control character (U+0000) in the text",
        ]
    );
    assert!(
        !err.contains('\u{200b}') && !err.contains('\u{1b}'),
        "{err}"
    );
}

#[test]
fn echoed_keys_show_escapes_and_invisible_characters_as_codes() {
    let dir = report_with(&[("lead:", "\"\\e]0;pwned\\a\\e[2J\u{200b}\": 1\nlead:")]);
    let (code, found, err) = short_diagnostics(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [
            "x.yaml:16:1: error: unknown field `\\u{1B}]0;pwned\\u{7}\\u{1B}[2J\\u{200B}` in the work report"
        ]
    );
    assert!(!err.contains('\u{1b}') && !err.contains('\u{200b}'));
}

#[test]
fn one_line_fields_refuse_kept_line_breaks_and_join_wrapped_ones() {
    let dir = report_with(&[("organ: 测试县科学技术局", "organ: \"测试县\\n科学技术局\"")]);
    let (code, found, _) = short_diagnostics(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(found, ["x.yaml:2:8: error: `organ` must be one line"]);
    // A long title wrapped in the file is one line, joined without a space.
    let dir = report_with(&[("title: 培育创新主体", "title: 培育创新\n        主体")]);
    let out = run_bounded(dir.path(), &["build", "x.yaml", "--format", "md"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(dir.path().join("out/x.md")).unwrap();
    assert!(md.contains("## （一）培育创新主体\n"), "{md}");
}

#[test]
fn cr_only_line_ends_read_like_lf() {
    let text = fs::read_to_string(manifest_dir().join(fixture("valid/minimal.yaml")))
        .unwrap()
        .replace('\n', "\r");
    let dir = temp_dir();
    fs::write(dir.path().join("x.yaml"), text).unwrap();
    let out = run_bounded(dir.path(), &["build", "x.yaml", "--format", "md"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(dir.path().join("out/x.md")).unwrap();
    // The folded block's two lines are joined with no space between Chinese characters.
    assert!(md.contains("组织技术对接活动，促进成果落地。"), "{md}");
    assert!(!md.contains('\r'));
}

#[test]
fn a_tab_is_reported_on_its_own_line() {
    let (code, first) = validate_bytes(
        "x.yaml",
        format!("{HEAD}review:\n  heading: 工作\n\n\tsections: []\n").as_bytes(),
    );
    assert_eq!(code, Some(1));
    assert!(first.starts_with("x.yaml:8:1: error: "), "{first}");
}

#[test]
fn parser_messages_are_in_plain_words() {
    for (text, expected) in [
        (
            format!("{HEAD}---\nkind: work-report\n"),
            "x.yaml:5:1: error: the file holds more than one YAML document",
        ),
        (
            format!("{HEAD}organ: !!binary /w==\n"),
            "x.yaml:5:8: error: YAML tags (`!!binary`, `!!str`, `!name`) are not used in data files",
        ),
    ] {
        let dir = temp_dir();
        fs::write(dir.path().join("x.yaml"), text).unwrap();
        let (code, found, err) = short_diagnostics(dir.path());
        assert_eq!(code, Some(1));
        assert_eq!(found, [expected]);
        for api in ["from_str", "Options", "policy", "deserialize"] {
            assert!(!err.contains(api), "{err}");
        }
    }
}

#[test]
fn a_failed_figure_or_period_does_not_cascade() {
    // A value that is not a number: one error, not also "unknown figure" at each reference.
    let dir = report_with(&[("value: 12\n", "value: 十二\n")]);
    let (code, found, _) = short_diagnostics(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        ["x.yaml:8:12: error: expected a number, found a string"]
    );
    // A reversed period: one error, not a warning for every target outside it.
    let dir = temp_dir();
    let plan = fs::read_to_string(manifest_dir().join("data/zhangjiakou-plan-2018-2020.yaml"))
        .unwrap()
        .replacen("first: 2018", "first: 2030", 1);
    assert!(plan.contains("first: 2030"));
    fs::write(dir.path().join("x.yaml"), plan).unwrap();
    let (code, found, _) = short_diagnostics(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("the period ends (2020) before it begins (2030)"));
}

#[test]
fn thousands_of_errors_are_capped_with_a_count() {
    // 300,000 references to figures nobody declared, 100 to a line.
    let mut text = format!("{HEAD}review:\n  sections:\n    - title: 甲\n      items:\n");
    let line = "{x}".repeat(100);
    for _ in 0..3000 {
        text.push_str(&format!("        - \"{line}\"\n"));
    }
    text.push_str("plan:\n  sections:\n    - title: 乙\n      text: 丙。\n");
    let dir = temp_dir();
    fs::write(dir.path().join("x.yaml"), text).unwrap();
    let (code, found, err) = short_diagnostics(dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 201, "{}", &err[..err.len().min(2000)]);
    assert_eq!(found[0], "x.yaml:9:12: error: unknown figure `x`");
    assert_eq!(
        found[200],
        "x.yaml: error: 299800 more errors and 0 more warnings in this file are not shown"
    );
    assert!(err.contains("(300000 errors, 0 warnings)"), "{err}");
    assert!(err.len() < 64 * 1024, "{} bytes of messages", err.len());
}

#[test]
fn a_front_matter_error_in_pdf_has_one_label_and_one_position() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("x.md"),
        "---\nkind: work-report\ntitle: [1, 2\n---\n\n正文。\n",
    )
    .unwrap();
    let out = run_bounded(
        dir.path(),
        &["--message-format", "short", "pdf", "x.md"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let first = err.lines().next().unwrap();
    assert!(first.starts_with("x.md:"), "{err}");
    assert_eq!(first.matches("error").count(), 1, "{err}");
    assert!(!first.contains("line "), "{err}");
}

// ---- round two: children, half-written documents, Ctrl-C ---------------------------

/// An executable shell script at `dir/name`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    let mut perms = fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs::set_permissions(&path, perms).unwrap();
    path
}

/// A fake typst that answers `typst fonts` with the real one and handles `compile` with
/// `compile` (shell code; `$PIDS` is a file to record process ids in).
fn fake_typst(dir: &Path, compile: &str) -> PathBuf {
    script(
        dir,
        "typst-fake",
        &format!(
            "PIDS={pids}\nif [ \"$1\" = fonts ]; then exec {real} \"$@\"; fi\n{compile}\n",
            pids = dir.join("pids").display(),
            real = typst().display()
        ),
    )
}

/// Whether a process is gone (reaped or a zombie), waiting up to a few seconds for it.
fn gone(pid: &str) -> bool {
    for _ in 0..200 {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if status.is_empty() || status.contains("State:\tZ") {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_typst_that_hangs_is_stopped_with_its_children_even_in_the_fonts_query() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    // Hangs in `compile` through a child of its own.
    let fake = fake_typst(root.path(), "sleep 300 &\necho $! >> $PIDS\nwait");
    let out = run_bounded(
        root.path(),
        &["build", "--format", "pdf"],
        &[
            ("GONGWEN_TYPST", path_str(&fake)),
            ("GONGWEN_TYPST_TIMEOUT", "1"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("typst did not finish within 1 s"),
        "{}",
        stderr(&out)
    );
    let pids = fs::read_to_string(root.path().join("pids")).unwrap();
    for pid in pids.lines() {
        assert!(gone(pid), "the wrapper's child {pid} still runs");
    }
    // A typst whose fonts query hangs too: the query has the same limit.
    let cache = temp_dir();
    let hang_all = script(root.path(), "typst-hang", "exec sleep 300\n");
    let out = run_bounded(
        root.path(),
        &["build", "--format", "pdf"],
        &[
            ("GONGWEN_TYPST", path_str(&hang_all)),
            ("GONGWEN_TYPST_TIMEOUT", "1"),
            ("XDG_CACHE_HOME", path_str(cache.path())),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("typst did not finish within 1 s"));
}

#[test]
fn a_typst_that_floods_or_writes_no_pdf_is_reported_briefly() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    // One line of 20 MB, then failure.
    let flood = fake_typst(
        root.path(),
        "head -c 20000000 /dev/zero | tr '\\0' x >&2\nexit 1",
    );
    let out = run_bounded(
        root.path(),
        &["build", "--format", "pdf"],
        &[("GONGWEN_TYPST", path_str(&flood))],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error: typst failed (exit status 1)"),
        "{}",
        &err[..200]
    );
    assert!(err.len() < 8 * 1024, "{} bytes relayed", err.len());
    // Exit status 0 with garbage for a PDF: not a built document.
    let liar = fake_typst(root.path(), "echo garbage > out.pdf\nexit 0");
    let out = run_bounded(
        root.path(),
        &["build", "--format", "pdf"],
        &[("GONGWEN_TYPST", path_str(&liar))],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: typst reported success but did not write a PDF"),
        "{}",
        stderr(&out)
    );
    assert!(!root.path().join("out/report.pdf").exists());
}

#[test]
fn a_document_whose_last_file_fails_keeps_none_of_its_new_files() {
    // The Markdown's name fits, the CSV's (`<stem>-metrics.csv`) is too long.
    let stem = "长".repeat(82);
    let root = temp_dir();
    data_folder(root.path(), &format!("{stem}.yaml"));
    let out_dir = root.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();
    let md = out_dir.join(format!("{stem}.md"));
    fs::write(&md, "earlier").unwrap();
    let out = run_bounded(root.path(), &["build", "--format", "md,csv"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: cannot write: "),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&md).unwrap(), "earlier");
    assert_eq!(entries(&out_dir), [format!("{stem}.md")]);
    // A new document fails the same way: nothing of it remains.
    fs::remove_file(&md).unwrap();
    let out = run_bounded(root.path(), &["build", "--format", "md,csv"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(entries(&out_dir).is_empty(), "{:?}", entries(&out_dir));
}

#[test]
fn ctrl_c_stops_the_batch_kills_typst_and_leaves_no_temporary_files() {
    let root = temp_dir();
    let data = data_folder(root.path(), "a.yaml");
    for name in ["b.yaml", "c.yaml", "d.yaml"] {
        fs::copy(data.join("a.yaml"), data.join(name)).unwrap();
    }
    let tmp = temp_dir();
    let fake = fake_typst(root.path(), "sleep 300 &\necho $! >> $PIDS\nwait");
    let mut child = command()
        .args(["build", "--format", "md,pdf", "--jobs", "2"])
        .current_dir(root.path())
        .env("GONGWEN_TYPST", &fake)
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pids = root.path().join("pids");
    let start = Instant::now();
    while fs::read_to_string(&pids).map_or(0, |p| p.lines().count()) < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "typst never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !entries(tmp.path()).is_empty(),
        "the run's temporary folders"
    );
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "gongwen did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stopped: 0 built"),
        "{}",
        stderr(&out)
    );
    for pid in fs::read_to_string(&pids).unwrap().lines() {
        assert!(gone(pid), "typst's child {pid} still runs");
    }
    assert_eq!(entries(tmp.path()), Vec::<String>::new());
    let out_dir = root.path().join("out");
    let left: Vec<String> = entries(&out_dir)
        .into_iter()
        .filter(|n| n.starts_with('.') && n != ".gongwen-manifest.json")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    if let Ok(manifest) = fs::read_to_string(out_dir.join(".gongwen-manifest.json")) {
        serde_json::from_str::<serde_json::Value>(&manifest).unwrap();
    }
}

#[test]
fn ctrl_c_stops_a_watch_with_status_130() {
    let root = temp_dir();
    data_folder(root.path(), "a.yaml");
    let mut child = command()
        .args(["watch", "--format", "md", "--interval", "100"])
        .current_dir(root.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !root.path().join("out/a.md").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the watch never built"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the watch did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(child.wait().unwrap().code(), Some(130));
}

/// A typst error in the source gongwen wrote is a gongwen bug, but it is reported at the
/// line of the Markdown whose block it came from, not at the generated source. No real
/// Markdown makes typst fail any more (tests/markdown_pdf.rs), so a typst stands in that
/// refuses the line holding the block's text.
#[test]
fn a_typst_error_in_the_generated_source_points_at_the_markdown_line() {
    let root = temp_dir();
    let md = root.path().join("通知.md");
    fs::write(
        &md,
        "---\nkind: notice\ntitle: 测试通知\n---\n\n第一段。\n\n第二段，\n跨两行。\n\n第三段 BLOCKMARK 在此。\n\n第四段。\n",
    )
    .unwrap();
    let refusing = fake_typst(
        root.path(),
        "n=$(grep -n BLOCKMARK main.typ | cut -d: -f1)\necho \"main.typ:$n:7: error: unexpected argument\" >&2\nexit 1",
    );
    let out = run_bounded(
        root.path(),
        &["pdf", "通知.md"],
        &[("GONGWEN_TYPST", path_str(&refusing))],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let first = err.lines().next().unwrap_or("");
    assert!(
        first.starts_with("通知.md:11:1: error: typst failed"),
        "{err}"
    );
    assert!(err.contains("11 | 第三段 BLOCKMARK 在此。"), "{err}");
    assert!(err.contains("that is a gongwen bug"), "{err}");
    assert!(!root.path().join("通知.pdf").exists());
}
