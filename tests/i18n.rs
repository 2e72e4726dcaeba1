//! Messages in Chinese by default and in a Chinese locale, in English with `--lang en` or an
//! English locale; the long form shows the source line, the short one is one line each.

mod common;

use common::*;

const FILE: &str = "tests/fixtures/invalid/reply-role-mismatch.yaml";

/// Runs `validate FILE` with the given arguments and locale variables (others removed).
fn validate_with(args: &[&str], locale: &[(&str, &str)]) -> String {
    let mut command = command();
    command
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .current_dir(manifest_dir())
        .args(args)
        .args(["validate", FILE]);
    for (key, value) in locale {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    stderr(&out)
}

#[test]
fn chinese_by_default_with_the_source_line_and_a_caret() {
    let err = validate_with(&[], &[]);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0],
        format!("{FILE}:13:9: 错误：委员提出的是提案，不是建议")
    );
    assert_eq!(lines[2], "13 |   type: 建议");
    // The caret under column 9: `  type: ` is eight columns wide.
    assert_eq!(lines[3], format!("   | {}^", " ".repeat(8)));
    assert_eq!(lines[4], "  = 提示：请写 `type: 提案`，或更正 `role`");
    assert!(err.contains("共检查 1 个文件：0 个有效，1 个无效（1 个错误，0 个警告）"));
}

#[test]
fn the_locale_chooses_the_language_and_lang_overrides_it() {
    let english = format!("{FILE}:13:9: error: a 委员 submits a 提案, not a 建议");
    assert!(validate_with(&[], &[("LANG", "zh_CN.UTF-8")]).contains("错误：委员提出的是提案"));
    assert!(validate_with(&[], &[("LANG", "en_GB.UTF-8")]).contains(&english));
    // LC_ALL wins over LANG, as in every POSIX program.
    assert!(
        validate_with(&[], &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")])
            .contains(&english)
    );
    assert!(validate_with(&["--lang", "en"], &[("LANG", "zh_CN.UTF-8")]).contains(&english));
    assert!(validate_with(&["--lang", "zh"], &[("LC_ALL", "en_US.UTF-8")]).contains("错误："));
    // Field names and data stay as written in either language.
    assert!(
        validate_with(&["--lang", "en"], &[]).contains("write `type: 提案`, or correct `role`")
    );
}

#[test]
fn the_short_form_is_one_line_per_problem_for_scripts() {
    for lang in ["zh", "en"] {
        let err = validate_with(&["--message-format", "short", "--lang", lang], &[]);
        let problems: Vec<&str> = err.lines().filter(|l| l.starts_with(FILE)).collect();
        assert_eq!(problems.len(), 1, "{err}");
        assert!(
            problems[0].starts_with(&format!("{FILE}:13:9: error: ")),
            "{err}"
        );
        assert!(!err.contains(" | "), "no source excerpt: {err}");
    }
}

#[test]
fn usage_errors_go_through_the_same_printer() {
    let out = command()
        .env("LC_ALL", "zh_CN.UTF-8")
        .args(["new", "letter"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("错误：未知的文种 `letter`"), "{err}");
    assert!(
        err.contains("= 提示：可用的文种：work-report, proposal-reply, action-plan, notice"),
        "{err}"
    );
}

/// The message keys written as `t!("…")` in the sources.
fn message_keys(dir: &std::path::Path, keys: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            message_keys(&path, keys);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("t!(") {
                // `t!(`, not the end of `format!(` or `print!(`.
                let macro_start = rest[..at].chars().next_back();
                rest = rest[at + 3..].trim_start();
                if macro_start.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let Some(literal) = rest.strip_prefix('"') else {
                    continue;
                };
                let mut key = String::new();
                let mut chars = literal.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => key.push(chars.next().unwrap()),
                        '"' => break,
                        c => key.push(c),
                    }
                }
                keys.push((key, path.display().to_string()));
            }
        }
    }
}

/// The message catalogue: each English key with its translations.
fn catalogue() -> std::collections::BTreeMap<String, serde_json::Value> {
    let text = std::fs::read_to_string(manifest_dir().join("locales/messages.yml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

#[test]
fn every_message_has_both_languages() {
    let root = manifest_dir();
    let catalogue = catalogue();
    let mut keys = Vec::new();
    message_keys(&root.join("src"), &mut keys);
    assert!(
        keys.len() > 200,
        "the sources' messages were found: {}",
        keys.len()
    );
    let missing: Vec<String> = keys
        .iter()
        .filter(|(key, _)| {
            catalogue
                .get(key)
                .and_then(|v| v.get("zh-CN"))
                .and_then(|v| v.as_str())
                .is_none_or(str::is_empty)
        })
        .map(|(key, file)| format!("{file}: {key:?}"))
        .collect();
    assert!(
        missing.is_empty(),
        "messages without Chinese:\n{}",
        missing.join("\n")
    );
}

/// Every `about` and argument help of the command line, as written in English.
fn help_texts(command: &clap::Command, out: &mut Vec<String>) {
    if let Some(about) = command.get_about() {
        out.push(about.to_string());
    }
    for arg in command.get_arguments() {
        if let Some(help) = arg.get_help() {
            out.push(help.to_string());
        }
    }
    for sub in command.get_subcommands() {
        help_texts(sub, out);
    }
}

#[test]
fn the_command_line_help_has_both_languages() {
    let catalogue = catalogue();
    rust_i18n::set_locale("en");
    let mut texts = Vec::new();
    help_texts(&gongwen::cli::command(), &mut texts);
    assert!(texts.len() > 30, "{texts:?}");
    texts.sort();
    texts.dedup();
    let missing: Vec<&String> = texts
        .iter()
        .filter(|t| catalogue.get(*t).and_then(|v| v.get("zh-CN")).is_none())
        .collect();
    assert!(missing.is_empty(), "help without Chinese:\n{missing:#?}");
    // And the help is printed in Chinese by default.
    let out = command()
        .arg("--help")
        .env_remove("LC_ALL")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("检查数据文件"), "{help}");
    let out = command().args(["--lang", "en", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Check data files"));
}

/// Every class of YAML syntax error the parser can name, written as a user would: each
/// gets a message and a hint of its own in Chinese, with no parser English in either, at
/// the place to look.
#[test]
fn yaml_syntax_errors_are_chinese_and_name_the_mistake() {
    let cases: &[(&str, &str, &str)] = &[
        // (what the user wrote, the expected start of the line:column, a word of the message)
        (
            "title: 标题\nsections:\n  - heading: 一\n  body: 二\n",
            ":4:3:",
            "列表项",
        ),
        ("title: [标题, 二\n", ":1:8:", "没有闭合"),
        ("title: {a: 1\n", ":1:8:", "没有闭合"),
        ("x: [a}\n", ":1:4:", "却用"),
        ("title: \"标题\n", ":1:8:", "结束引号"),
        ("title: '标题\nyear: 1\n", ":1:8:", "结束引号"),
        ("title: 标题: 副\n", ":1:10:", "`: `"),
        ("kind: a\n  title: 标题\n", ":2:8:", "`: `"),
        ("title: *a\n", ":1:8:", "别名"),
        ("title: &\n", ":1:8:", "锚点"),
        ("title: \"\\q\"\n", ":1:8:", "转义"),
        ("title: \"\\xZZ\"\n", ":1:8:", "转义"),
        ("title: \"a\"#c\n", ":1:11:", "注释"),
        ("title: \"a\" b\n", ":1:12:", "引号之后"),
        ("title: |0\n  a\n", ":1:8:", "文字块"),
        ("title: |\n    a\n  b\nyear: 1\n", ":3:3:", "对齐"),
        ("%YAML 2.0\n---\nkind: x\n", ":1:1:", "指令"),
        ("kind: a\n- b\n", ":2:", "对齐"),
        ("title:\n\t- a\n", ":2:1:", "制表符"),
        ("kind: a\n\u{feff}title: b\n", ":2:1:", "U+FEFF"),
        ("kind: @a\n", ":1:7:", "“@”"),
        ("kind: `a\n", ":1:7:", "“`”"),
        ("kind: [a: b: c]\n", ":1:", "方括号"),
        ("kind: a\n---\nkind: b\n", ":2:1:", "不止一个"),
    ];
    let dir = temp_dir();
    let mut failures = Vec::new();
    let mut messages = std::collections::BTreeSet::new();
    for (i, (yaml, at, word)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("case{i}.yaml"));
        std::fs::write(&path, yaml).unwrap();
        let out = gongwen(&["--lang", "zh", "validate", path_str(&path)]);
        let err = stderr(&out);
        let first = err.lines().next().unwrap_or("");
        let hint = err
            .lines()
            .find(|l| l.trim_start().starts_with("= 提示"))
            .unwrap_or("");
        // Latin words outside the code in backticks: the parser's English would show here.
        let english = |line: &str| {
            let prose: String = line
                .split('`')
                .step_by(2)
                .collect::<Vec<_>>()
                .join(" ")
                .replace("YAML", "")
                .replace("U+FEFF", "")
                .replace("title: ", "");
            prose
                .split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| w.len() >= 4)
        };
        let message = first.split_once("错误：").map_or("", |(_, m)| m);
        if out.status.code() != Some(1)
            || !first.contains(at)
            || !message.contains(word)
            || english(message)
            || hint.is_empty()
            || english(hint)
        {
            failures.push(format!("{yaml:?}:\n{err}"));
        }
        messages.insert(message.to_owned());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(messages.len() >= 18, "{messages:#?}");
}
