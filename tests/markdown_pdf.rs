//! Whatever Markdown does, every character of its text is in the PDF, or there is an error
//! at the Markdown's line. Generated Markdown (Latin-only and mixed paragraphs, lines that
//! start with digits and `.` or `)`, empty and odd link targets, blocks inside footnotes,
//! raw HTML, …) goes through `gongwen pdf` and the real typst; every letter, digit and
//! marked symbol CommonMark shows as text must be in `pdftotext`'s text of the PDF.
//!
//! Cases are set many to a PDF (typst costs the same for one page or fifty), and a PDF
//! that loses a character is halved until the case that loses it is found. `make test`
//! runs `PROPTEST_CASES` cases (500 by default); `make fuzz` runs 100,000.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use common::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use pulldown_cmark::{Event, Options, Parser};

/// The pieces Markdown is made of here: each construct the issue names, and text to fill.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        // Text: Latin, Chinese, digits, and the characters that mean something to a
        // Markdown or Typst reader.
        4 => "[a-zA-Z]{1,12}",
        4 => "[\\u{4e00}-\\u{4fff}]{1,6}",
        2 => "[0-9]{1,14}",
        1 => Just(" ".to_owned()),
        1 => Just("，".to_owned()),
        1 => Just("。".to_owned()),
        1 => prop::sample::select(vec!["#", "*", "$", "<", ">", "&", "_", "~", "@", "%", "=", "+", "/", "\\", "|", "[", "]", "{", "}", "(", ")", "`", "'", "\"", "-", ".", ":", ";", "!", "?"]).prop_map(str::to_owned),
        // Line starts: numbers with `.` or `)` (ten digits and more are no list), lists,
        // headings, quotes, indented code, rules, fences.
        3 => "\n(\n)?".prop_map(|s: String| s),
        2 => "\n[0-9]{1,12}[.)] ".prop_map(|s: String| s),
        1 => prop::sample::select(vec!["\n- ", "\n* ", "\n+ ", "\n# ", "\n## ", "\n### ", "\n#### ", "\n> ", "\n    ", "\n---\n", "\n***\n", "\n```\n", "\n~~~\n", "\n| a | b |\n|---|---|\n| ", " |\n"]).prop_map(str::to_owned),
        // Links: empty, odd and reference targets.
        2 => prop::sample::select(vec!["[说明]()", "[说明](<>)", "[x]: <>\n", "[x][x]", "[y]", "[链接](http://example.org)", "[a](#)", "[b](javascript:void(0))", "[c](<a b>)", "<http://example.org/x>", "<mail@example.org>", "![图](x.png)", "![]()", "[d](\"e\")"]).prop_map(str::to_owned),
        // Footnotes: references, and definitions holding blocks.
        2 => prop::sample::select(vec!["[^1]", "[^n]", "[^1]: 注释", "\n\n[^n]: | a | b |\n|---|---|\n| 1 | 2 |\n", "\n\n[^1]:\n\n        code\n", "\n\n[^n]: - a\n    - b\n", "\n\n[^u]: 无人引用"]).prop_map(str::to_owned),
        // Raw HTML, inline and as blocks.
        1 => prop::sample::select(vec!["<b>", "</b>", "<br>", "<span class=\"x\">", "<!-- 注 -->", "\n<div>\n", "\n</div>\n", "<script>alert(1)</script>", "&amp;", "&#x4e00;", "&nbsp;", "<?php ?>"]).prop_map(str::to_owned),
        // Inline marks and attributes.
        1 => prop::sample::select(vec!["**", "_", "~~", "`code`", "``a`b``", "{#id}", "{.attachment}", "{.table-title}", "\\", "  \n"]).prop_map(str::to_owned),
    ]
}

fn case() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..40).prop_map(|pieces| pieces.concat())
}

/// The characters whose loss matters: letters, digits, Chinese characters, and the
/// symbols that must print as themselves. Quotes, dashes and dots are left out: typst may
/// set them as typographic forms.
fn counted(c: char) -> bool {
    c.is_alphanumeric() || "#*$<>&_~@%=+/\\|[]{}()`".contains(c)
}

fn counts(text: &str) -> HashMap<char, usize> {
    let mut counts = HashMap::new();
    for c in text.chars().filter(|&c| counted(c)) {
        *counts.entry(c).or_default() += 1;
    }
    counts
}

/// What a CommonMark reader shows as text, with the extensions gongwen reads: raw HTML
/// is text to gongwen, a document's data.
fn visible_text(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    Parser::new_ext(markdown, options)
        .filter_map(|event| match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                Some(t.into_string())
            }
            _ => None,
        })
        .collect()
}

const FRONT_MATTER: &str = "---\nkind: notice\ntitle: 测试\n---\n\n";

/// Sets `cases` as one document; the characters lost, or the error when gongwen refused
/// it (an error must name the Markdown's line, never typst's generated source).
fn lost(dir: &Path, cases: &[String]) -> Result<Vec<(char, usize, usize)>, String> {
    let body = cases.join("\n\n");
    let md = dir.join("cases.md");
    fs::write(&md, format!("{FRONT_MATTER}{body}\n")).unwrap();
    let pdf = dir.join("cases.pdf");
    let _ = fs::remove_file(&pdf);
    let out = gongwen_in(dir, &["pdf", "cases.md"]);
    if !out.status.success() {
        return Err(stderr(&out));
    }
    let printed = counts(&poppler("pdftotext", &[], &pdf));
    let wanted = counts(&visible_text(&body));
    let mut missing: Vec<(char, usize, usize)> = wanted
        .into_iter()
        .filter_map(|(c, n)| {
            let got = printed.get(&c).copied().unwrap_or(0);
            (got < n).then_some((c, n, got))
        })
        .collect();
    missing.sort();
    Ok(missing)
}

/// The smallest run of cases that still fails, by halving.
fn narrow(dir: &Path, mut cases: Vec<String>) -> (Vec<String>, String) {
    let mut why = describe(lost(dir, &cases));
    while cases.len() > 1 {
        let (a, b) = cases.split_at(cases.len() / 2);
        let (a, b) = (a.to_vec(), b.to_vec());
        let ra = describe(lost(dir, &a));
        if !ra.is_empty() {
            (cases, why) = (a, ra);
            continue;
        }
        let rb = describe(lost(dir, &b));
        if !rb.is_empty() {
            (cases, why) = (b, rb);
            continue;
        }
        break; // only together: keep the pair
    }
    (cases, why)
}

/// Empty when the cases passed; else what went wrong.
fn describe(result: Result<Vec<(char, usize, usize)>, String>) -> String {
    match result {
        Ok(missing) if missing.is_empty() => String::new(),
        Ok(missing) => format!("lost from the PDF (char, wanted, printed): {missing:?}"),
        Err(err) if refused_at_markdown_line(&err) => String::new(),
        Err(err) => format!("gongwen failed without a Markdown position:\n{err}"),
    }
}

/// A refusal that points at the Markdown's own line keeps the promise.
fn refused_at_markdown_line(err: &str) -> bool {
    err.lines()
        .next()
        .is_some_and(|l| l.starts_with("cases.md:") && l.contains(": error: "))
        && !err.contains(".typ:")
}

#[test]
fn every_visible_character_of_any_markdown_is_in_the_pdf() {
    let total: usize = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let per_pdf = 250;
    let dir = temp_dir();
    let mut runner = TestRunner::default();
    let strategy = case();
    let mut done = 0;
    while done < total {
        let batch: Vec<String> = (0..per_pdf.min(total - done))
            .map(|_| strategy.new_tree(&mut runner).unwrap().current())
            .collect();
        done += batch.len();
        if !describe(lost(dir.path(), &batch)).is_empty() {
            let (cases, why) = narrow(dir.path(), batch);
            panic!(
                "{why}\nafter {done} cases, in the Markdown:\n{}",
                cases.join("\n\n----\n\n")
            );
        }
    }
}

/// The OFD drawn from generated Markdown carries the very characters of its PDF: the
/// counted ones, each as often (500 cases in two documents, whatever `PROPTEST_CASES` says:
/// the OFD costs a second typst run).
#[test]
fn the_ofd_of_any_markdown_carries_the_text_of_its_pdf() {
    let dir = temp_dir();
    let mut runner = TestRunner::default();
    let strategy = case();
    for _ in 0..2 {
        let batch: Vec<String> = (0..250)
            .map(|_| strategy.new_tree(&mut runner).unwrap().current())
            .collect();
        let md = dir.path().join("cases.md");
        fs::write(&md, format!("{FRONT_MATTER}{}\n", batch.join("\n\n"))).unwrap();
        let pdf = gongwen_in(dir.path(), &["pdf", "cases.md"]);
        let ofd = gongwen_in(dir.path(), &["ofd", "cases.md"]);
        if !pdf.status.success() {
            // A refusal is the PDF test's to judge; the OFD is refused alike.
            assert!(!ofd.status.success(), "{}", stderr(&ofd));
            continue;
        }
        assert!(ofd.status.success(), "{}", stderr(&ofd));
        let printed = counts(&poppler("pdftotext", &[], &dir.path().join("cases.pdf")));
        let carried = counts(&ofd_text(&dir.path().join("cases.ofd")));
        let mut differ: Vec<(char, usize, usize)> = printed
            .keys()
            .chain(carried.keys())
            .map(|c| {
                let (p, o) = (
                    printed.get(c).copied().unwrap_or(0),
                    carried.get(c).copied().unwrap_or(0),
                );
                (*c, p, o)
            })
            .filter(|(_, p, o)| p != o)
            .collect();
        differ.sort();
        differ.dedup();
        assert!(
            differ.is_empty(),
            "(char, in the PDF, in the OFD): {differ:?}\nin the Markdown:\n{}",
            batch.join("\n\n----\n\n")
        );
    }
}

/// The cases the issue names, each on its own.
#[test]
fn the_reported_markdown_keeps_its_text() {
    let dir = temp_dir();
    for case in [
        "1234567890. The quick brown fox jumps over the lazy dog.",
        "12345678901) Latin words only after a long number.",
        "[说明]() [说明](<>)\n\n[x]: <>\n\n[x]",
        "正文[^t]\n\n[^t]: | 甲 | 乙 |\n|---|---|\n| 1 | 2 |",
        "正文[^c]\n\n[^c]:\n\n        indented code in a footnote",
        "[^u]: a footnote nothing refers to",
        "<div>\nraw <b>HTML</b> block\n</div>\n\ninline <span>html</span> &amp; <!-- comment -->",
        // A label defined twice: the second definition's text is not dropped.
        "[^d]: first definition\n\n[^d]: second definition",
        // A run of Latin letters longer than a line does not run off the page.
        "onKhKxyoWANj62735352046753QizXvgTlruyCKynBMyCqeEZCtej<mail@example.org>XWfTRend",
        // The same in a code block and a code span (found by make fuzz).
        "```\n#### 31298150127JCNZjUV078617332875wEaMRldwjgcgODFuUkWuyZtiGsHAfUrLsb82762[链接](http://example.org)\n```",
        "`31298150127JCNZjUV078617332875wEaMRldwjgcgODFuUkWuyZtiGsHAfUrLsb82762[链接]`",
        // A run made of text, an autolink and text, each short alone (found by make fuzz).
        "070. 一UYXjzZo`code`<mail@example.org>。\"qKVOvEXEJSs<mail@example.org>gJQp603703WmMbyjVm JKPAjzncemQ",
    ] {
        let result = describe(lost(dir.path(), &[case.to_owned()]));
        assert!(result.is_empty(), "{case:?}: {result}");
    }
}
