//! Every command example in the docs book runs as written. In each page, the lines of a
//! ```console block that start with `$ ` are commands, run in order in one fresh project
//! holding a copy of `data/`; the lines under a command are its expected output, each found
//! in what the command printed (`…` stands for any text). A command is expected to succeed;
//! `$ gongwen validate … # status 1` (a trailing `# status N`) expects that status.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

struct Example {
    page: PathBuf,
    line: usize,
    command: String,
    status: i32,
    expected: Vec<String>,
}

fn pages(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            pages(&path, found);
        } else if path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
}

fn examples(page: &Path) -> Vec<Example> {
    let text = std::fs::read_to_string(page).unwrap();
    let mut examples: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (i, line) in text.lines().enumerate() {
        if let Some(info) = line.strip_prefix("```") {
            in_console = !in_console && info.trim() == "console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            let (command, status) = match command.split_once("# status ") {
                Some((c, s)) => (c.trim(), s.trim().parse().expect("a status number")),
                None => (command.trim(), 0),
            };
            examples.push(Example {
                page: page.to_path_buf(),
                line: i + 1,
                command: command.to_owned(),
                status,
                expected: Vec::new(),
            });
        } else if let Some(example) = examples.last_mut()
            && !line.trim().is_empty()
            && line.trim() != "…"
        {
            example.expected.push(line.to_owned());
        }
    }
    examples
}

/// Whether `line` is in `output`: its parts between `…` found in order on one line.
fn shows(output: &str, line: &str) -> bool {
    output.lines().any(|out| {
        let mut rest = out;
        line.split('…')
            .all(|part| match rest.find(part.trim_end()) {
                Some(at) => {
                    rest = &rest[at + part.trim_end().len()..];
                    true
                }
                None => false,
            })
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn run(project: &Path, example: &Example) -> (Option<i32>, String) {
    let words: Vec<&str> = example.command.split_whitespace().collect();
    let mut command = match words[0] {
        "gongwen" => Command::new(env!("CARGO_BIN_EXE_gongwen")),
        "typst" => Command::new(typst()),
        other => panic!(
            "{}:{}: `{other}` is not a command the docs may show",
            example.page.display(),
            example.line
        ),
    };
    let out = command
        .args(&words[1..])
        .current_dir(project)
        .env("GONGWEN_TYPST", typst())
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn every_command_example_in_the_docs_runs_as_shown() {
    let mut found = Vec::new();
    pages(&manifest_dir().join("docs/src"), &mut found);
    found.sort();
    let mut count = 0;
    let mut failures = Vec::new();
    for page in &found {
        let examples = examples(page);
        if examples.is_empty() {
            continue;
        }
        let project = temp_dir();
        copy_dir(&manifest_dir().join("data"), &project.path().join("data"));
        for example in &examples {
            count += 1;
            let (status, output) = run(project.path(), example);
            let place = format!(
                "{}:{}: `{}`",
                example.page.display(),
                example.line,
                example.command
            );
            if status != Some(example.status) {
                failures.push(format!(
                    "{place}: status {status:?}, not {}\n{output}",
                    example.status
                ));
                continue;
            }
            for line in &example.expected {
                if !shows(&output, line) {
                    failures.push(format!("{place}: does not show {line:?}\n{output}"));
                }
            }
        }
    }
    assert!(count >= 20, "only {count} examples found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_matcher_takes_ellipses_as_any_text() {
    assert!(shows(
        "7 built, 0 unchanged in 1.02 s\n",
        "7 built, … in … s"
    ));
    assert!(!shows("7 built\n", "8 built"));
}
