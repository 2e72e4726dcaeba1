//! Batch builds: parallel, incremental, watched.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

/// A project folder with the four sample kinds (and the plan the 2020 report links to).
fn project() -> tempfile::TempDir {
    let root = temp_dir();
    let data = root.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for name in [
        "work-report-2024.yaml",
        "proposal-reply-0520.yaml",
        "suggestion-reply-b.yaml",
        "zhangjiakou-plan-2018-2020.yaml",
        "zhangjiakou-work-report-2020.yaml",
    ] {
        fs::copy(manifest_dir().join("data").join(name), data.join(name)).unwrap();
    }
    root
}

fn build(root: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--format", "md,csv"];
    args.extend_from_slice(extra);
    let out = gongwen_in(root, &args);
    assert!(out.status.code().is_some(), "{}", stderr(&out));
    out
}

/// `N documents built, M unchanged, K failed` of a run, as numbers.
fn summary(out: &std::process::Output) -> (usize, usize, usize) {
    let err = stderr(out);
    let line = err
        .lines()
        .find(|l| l.contains(" unchanged, "))
        .unwrap_or_else(|| panic!("no summary in:\n{err}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.parse().unwrap())
        .collect();
    (numbers[0], numbers[1], numbers[2])
}

fn built_files(out: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("built "))
        .map(|l| l.split(" → ").next().unwrap().to_owned())
        .collect()
}

#[test]
fn parallel_and_serial_builds_are_byte_identical() {
    let root = project();
    let serial = gongwen_in(root.path(), &["build", "-j", "1", "-o", "serial"]);
    assert!(serial.status.success(), "{}", stderr(&serial));
    let parallel = gongwen_in(root.path(), &["build", "-j", "2", "-o", "parallel"]);
    assert!(parallel.status.success(), "{}", stderr(&parallel));
    let names = entries(&root.path().join("serial"));
    assert_eq!(names, entries(&root.path().join("parallel")));
    assert!(
        // Five documents and the replies' summary.
        names.iter().filter(|n| n.ends_with(".pdf")).count() == 6,
        "{names:?}"
    );
    for name in names.iter().filter(|n| !n.starts_with('.')) {
        assert_eq!(
            fs::read(root.path().join("serial").join(name)).unwrap(),
            fs::read(root.path().join("parallel").join(name)).unwrap(),
            "{name} differs"
        );
    }
}

#[test]
fn a_second_run_rebuilds_nothing_and_says_so() {
    let root = project();
    // Five documents and the summary of their two replies.
    assert_eq!(summary(&build(root.path(), &[])), (6, 0, 0));
    let again = build(root.path(), &[]);
    assert_eq!(summary(&again), (0, 6, 0));
    assert!(built_files(&again).is_empty());
    assert_eq!(summary(&build(root.path(), &["--force"])), (6, 0, 0));
}

#[test]
fn changing_one_data_file_rebuilds_exactly_that_document() {
    let root = project();
    build(root.path(), &[]);
    let data = root.path().join("data/suggestion-reply-b.yaml");
    edit(
        &data,
        &[("感谢您对科技工作的关心和支持", "感谢您的关心和支持")],
    );
    let out = build(root.path(), &[]);
    // The reply, and the summary of the replies it is one of.
    assert_eq!(
        built_files(&out),
        ["data/suggestion-reply-b.yaml", "the summary of 2 replies"]
    );
    assert_eq!(summary(&out), (2, 4, 0));
    let md = fs::read_to_string(root.path().join("out/suggestion-reply-b.md")).unwrap();
    assert!(md.contains("感谢您的关心和支持"));
}

#[test]
fn changing_a_linked_plan_rebuilds_the_report_that_links_it() {
    let root = project();
    build(root.path(), &[]);
    let plan = root.path().join("data/zhangjiakou-plan-2018-2020.yaml");
    edit(&plan, &[("value: 200, unit: 家", "value: 220, unit: 家")]);
    let mut rebuilt = built_files(&build(root.path(), &[]));
    rebuilt.sort();
    assert_eq!(
        rebuilt,
        [
            "data/zhangjiakou-plan-2018-2020.yaml",
            "data/zhangjiakou-work-report-2020.yaml"
        ]
    );
}

#[test]
fn editing_a_template_rebuilds_the_documents_that_use_it() {
    let root = project();
    fs::create_dir_all(root.path().join("templates")).unwrap();
    let reply_template =
        fs::read_to_string(manifest_dir().join("templates/proposal-reply.md")).unwrap();
    fs::write(
        root.path().join("templates/proposal-reply.md"),
        &reply_template,
    )
    .unwrap();
    build(root.path(), &[]);
    fs::write(
        root.path().join("templates/proposal-reply.md"),
        reply_template.replace("现答复如下：", "现将办理情况答复如下："),
    )
    .unwrap();
    let mut rebuilt = built_files(&build(root.path(), &[]));
    rebuilt.sort();
    assert_eq!(
        rebuilt,
        [
            "data/proposal-reply-0520.yaml",
            "data/suggestion-reply-b.yaml"
        ]
    );
    // A shared partial is used by every kind.
    let macros = fs::read_to_string(manifest_dir().join("templates/_macros.md")).unwrap();
    fs::write(root.path().join("templates/_macros.md"), macros + "\n").unwrap();
    assert_eq!(summary(&build(root.path(), &[])).0, 6);
}

#[test]
fn an_output_changed_or_deleted_by_hand_is_rebuilt() {
    let root = project();
    build(root.path(), &[]);
    let md = root.path().join("out/work-report-2024.md");
    let good = fs::read(&md).unwrap();
    fs::write(&md, "edited by hand").unwrap();
    fs::remove_file(root.path().join("out/proposal-reply-0520-metrics.csv")).unwrap();
    let mut rebuilt = built_files(&build(root.path(), &[]));
    rebuilt.sort();
    assert_eq!(
        rebuilt,
        [
            "data/proposal-reply-0520.yaml",
            "data/work-report-2024.yaml"
        ]
    );
    assert_eq!(fs::read(&md).unwrap(), good);
    assert!(
        root.path()
            .join("out/proposal-reply-0520-metrics.csv")
            .exists()
    );
}

#[test]
fn a_failure_among_many_leaves_the_others_built() {
    let root = project();
    fs::copy(
        manifest_dir().join(fixture("invalid/empty-section.yaml")),
        root.path().join("data/broken.yaml"),
    )
    .unwrap();
    let out = build(root.path(), &["-j", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(summary(&out), (6, 0, 1));
    assert!(stderr(&out).contains("data/broken.yaml:9:14: error: empty section"));
    assert!(
        root.path()
            .join("out/zhangjiakou-plan-2018-2020-tasks.csv")
            .exists()
    );
    assert!(!root.path().join("out/broken.md").exists());
}

#[test]
fn the_project_typst_is_found_without_configuration() {
    // From the project folder, `tools/typst/bin/typst` is used: typst then runs in its own
    // private folder, so the relative path must have been made absolute.
    let dir = temp_dir();
    let out = command()
        .args([
            "build",
            "data/work-report-2024.yaml",
            "--format",
            "pdf",
            "-o",
            path_str(dir.path()),
        ])
        .current_dir(manifest_dir())
        .env_remove("GONGWEN_TYPST")
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("work-report-2024.pdf").exists());
}

/// Waits until `check` holds, polling; fails after a generous bound (not a speed test).
fn wait_for(what: &str, check: impl Fn() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_rebuilds_a_changed_document_and_survives_errors() {
    let root = project();
    let mut child = command()
        .args(["watch", "--format", "md", "--interval", "50", "-q"])
        .current_dir(root.path())
        .env("GONGWEN_TYPST", typst())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Collect what it prints as it goes.
    let printed = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut pipe = child.stderr.take().unwrap();
    let sink = printed.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = std::io::Read::read(&mut pipe, &mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let md = root.path().join("out/suggestion-reply-b.md");
    wait_for("the first build", || md.exists());
    let data = root.path().join("data/suggestion-reply-b.yaml");
    let original = fs::read_to_string(&data).unwrap();
    // A broken file: reported, and watching goes on.
    fs::write(&data, original.replace("result: B", "result: [")).unwrap();
    wait_for("the error", || {
        printed
            .lock()
            .unwrap()
            .contains("data/suggestion-reply-b.yaml:")
    });
    fs::write(
        &data,
        original.replace("感谢您对科技工作的关心和支持", "谢谢您的支持"),
    )
    .unwrap();
    wait_for("the rebuild", || {
        fs::read_to_string(&md)
            .unwrap_or_default()
            .contains("谢谢您的支持")
    });
    // The replies' summary is watched too: a changed result is in it at the next round.
    let summary = root.path().join("out/replies-summary.md");
    assert!(
        fs::read_to_string(&summary)
            .unwrap()
            .contains("B类（正在解决或列入计划）1件")
    );
    fs::write(&data, original.replace("result: B", "result: A")).unwrap();
    wait_for("the summary's rebuild", || {
        fs::read_to_string(&summary)
            .unwrap_or_default()
            .contains("B类（正在解决或列入计划）0件")
    });
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
    assert!(printed.lock().unwrap().contains("change seen: building"));
}
