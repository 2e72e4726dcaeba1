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
