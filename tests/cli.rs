//! Integration tests: the real binary on fixture folders and temporary output folders.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::*;

fn assert_diagnostics(name: &str, expected_code: i32, expected: &[&str]) {
    assert_fixture_diagnostics(&format!("invalid/{name}"), expected_code, expected);
}

// ---- validate: the sample data and one test per rule -------------------------------

#[test]
fn sample_data_validates() {
    let out = gongwen(&["validate", "data"]);
    assert_eq!(diagnostics(&out), Vec::<String>::new());
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn yaml_syntax_error_is_located() {
    assert_diagnostics(
        "syntax",
        1,
        &["4:7: error: a `: ` where YAML expects text or the next field"],
    );
}

#[test]
fn wrong_types_are_all_reported() {
    assert_diagnostics(
        "wrong-type",
        1,
        &[
            "3:3: error: expected a string, found a list",
            "4:7: error: expected a whole number, found a string",
            "9:12: error: expected a number, found a string",
        ],
    );
}

#[test]
fn missing_required_fields_are_reported_at_their_mapping() {
    assert_diagnostics(
        "missing-field",
        1,
        &[
            "1:1: error: missing required field `year` in the work report",
            "1:1: error: missing required field `plan` in the work report",
            "5:5: error: missing required field `name` in a figure",
        ],
    );
}

#[test]
fn unknown_fields_name_the_nearest_known_one() {
    assert_diagnostics(
        "unknown-field",
        1,
        &[
            "5:1: error: unknown field `titel` in the work report",
            "9:7: error: unknown field `txet` in a section",
        ],
    );
    let out = gongwen(&["validate", &fixture("invalid/unknown-field.yaml")]);
    assert!(
        stderr(&out).contains("hint: did you mean `title`?"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("hint: did you mean `text`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn duplicate_keys_are_reported_at_the_repeat() {
    assert_diagnostics(
        "duplicate-key",
        1,
        &["4:1: error: duplicate field `year` in the work report"],
    );
}

#[test]
fn unknown_kind_suggests_the_right_one() {
    assert_diagnostics(
        "unknown-kind",
        1,
        &["1:7: error: unknown document kind `work-reprot`"],
    );
    let out = gongwen(&["validate", &fixture("invalid/unknown-kind.yaml")]);
    assert!(stderr(&out).contains("did you mean `work-report`?"));
}

#[test]
fn duplicate_figure_id() {
    assert_diagnostics(
        "duplicate-figure",
        1,
        &["9:9: error: duplicate figure id `firms`"],
    );
}

#[test]
fn reference_to_unknown_figure_points_into_the_prose() {
    assert_diagnostics(
        "unknown-reference",
        1,
        &[
            "14:18: error: unknown figure `smes`",
            "18:19: error: unknown figure `frims`",
        ],
    );
    let out = gongwen(&["validate", &fixture("invalid/unknown-reference.yaml")]);
    assert!(stderr(&out).contains("did you mean `{firms}`?"));
}

#[test]
fn reference_forms_are_checked() {
    assert_diagnostics(
        "change-without-previous",
        1,
        &[
            "12:25: error: `{firms:change}` needs a previous-year value",
            "12:40: error: unknown form `total` in `{firms:total}`",
        ],
    );
}

#[test]
fn negative_count() {
    assert_diagnostics(
        "negative-count",
        1,
        &["8:12: error: negative count -12 for `firms`"],
    );
}

#[test]
fn previous_year_zero() {
    assert_diagnostics(
        "zero-previous",
        1,
        &[
            "10:15: error: previous-year value of `firms` is 0, so no year-on-year change can be computed",
        ],
    );
}

#[test]
fn date_outside_year_is_a_warning_only() {
    assert_diagnostics(
        "warn-date-outside-year",
        0,
        &["4:7: warning: the date 2023-12-30 is outside the reported year 2024"],
    );
}

#[test]
fn empty_section() {
    assert_diagnostics(
        "empty-section",
        1,
        &["9:14: error: empty section `加强平台建设`"],
    );
}

#[test]
fn file_not_utf8_is_located_at_the_first_bad_byte() {
    assert_diagnostics("not-utf8", 1, &["2:8: error: the file is not UTF-8 text"]);
}

#[test]
fn every_file_of_a_folder_is_reported_in_one_run() {
    let out = gongwen(&["validate", "tests/fixtures/invalid"]);
    assert_eq!(out.status.code(), Some(1));
    let files_with_errors: std::collections::BTreeSet<String> = diagnostics(&out)
        .iter()
        .filter(|l| l.contains(": error: "))
        .map(|l| l.split(':').next().unwrap().to_owned())
        .collect();
    // The data files, not their expected diagnostics (`.stderr`) beside them.
    let invalid_files = fs::read_dir(fixture("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") && !name.starts_with("warn-"))
        .count();
    assert_eq!(files_with_errors.len(), invalid_files, "{}", stderr(&out));
}

#[test]
fn missing_path_is_a_usage_error() {
    let out = gongwen(&["validate", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no/such/folder: error: cannot read"));
}

// ---- build --------------------------------------------------------------------------

fn build_into(out_dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "tests/fixtures/valid", "-o", path_str(out_dir)];
    args.extend_from_slice(extra);
    gongwen(&args)
}

#[test]
fn rendered_markdown_of_the_minimal_report() {
    let dir = temp_dir();
    let out = build_into(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let markdown = fs::read_to_string(dir.path().join("minimal.md")).unwrap();
    insta::assert_snapshot!("minimal", markdown);
}

#[test]
fn rendered_markdown_of_the_sample_data() {
    let dir = temp_dir();
    let out = gongwen(&["build", "data", "-o", path_str(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let markdown = fs::read_to_string(dir.path().join("work-report-2024.md")).unwrap();
    insta::assert_snapshot!("work-report-2024", markdown);
}

#[test]
fn metrics_csv_has_a_bom_and_computed_changes() {
    let dir = temp_dir();
    assert!(build_into(dir.path(), &[]).status.success());
    let bytes = fs::read(dir.path().join("minimal-metrics.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM by default"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(
        text,
        "指标,数值,单位,上年,同比增减(%)\r\n高新技术企业,12,家,10,20\r\n技术合同成交额,3.5,亿元,4,-12.5\r\n"
    );
}

#[test]
fn csv_encodings_can_be_chosen() {
    let dir = temp_dir();
    assert!(
        build_into(dir.path(), &["--csv-encoding", "utf-8"])
            .status
            .success()
    );
    let plain = fs::read(dir.path().join("minimal-metrics.csv")).unwrap();
    assert!(plain.starts_with("指标".as_bytes()));
    assert!(
        build_into(dir.path(), &["--csv-encoding", "gbk"])
            .status
            .success()
    );
    let gbk = fs::read(dir.path().join("minimal-metrics.csv")).unwrap();
    let (decoded, _, errors) = encoding_rs::GBK.decode(&gbk);
    assert!(!errors);
    assert_eq!(decoded, String::from_utf8(plain).unwrap());
}

#[test]
fn format_md_writes_no_csv() {
    let dir = temp_dir();
    assert!(build_into(dir.path(), &["--format", "md"]).status.success());
    assert!(dir.path().join("minimal.md").exists());
    assert!(!dir.path().join("minimal-metrics.csv").exists());
}

#[test]
fn invalid_documents_are_skipped_and_the_others_built() {
    let root = temp_dir();
    let data = data_folder(root.path(), "good.yaml");
    fs::copy(fixture("invalid/empty-section.yaml"), data.join("bad.yaml")).unwrap();
    let out = gongwen_in(root.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("data/bad.yaml:9:14: error: empty section"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        entries(&root.path().join("out")),
        [
            ".gongwen-manifest.json",
            "good-metrics.csv",
            "good.md",
            "good.pdf"
        ]
    );
}

#[test]
fn a_failed_build_keeps_earlier_outputs_and_leaves_no_partial_file() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    assert!(gongwen_in(root.path(), &["build"]).status.success());
    let out_dir = root.path().join("out");
    let before = fs::read(out_dir.join("report.md")).unwrap();

    // The data breaks: nothing is rebuilt, nothing is lost.
    edit(&data.join("report.yaml"), &[("year: 2024", "year: [")]);
    let out = gongwen_in(root.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read(out_dir.join("report.md")).unwrap(), before);
    assert_eq!(
        entries(&out_dir),
        [
            ".gongwen-manifest.json",
            "report-metrics.csv",
            "report.md",
            "report.pdf"
        ]
    );
}

#[test]
fn a_write_failure_is_reported_and_leaves_no_temporary_file() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    let out_dir = root.path().join("out");
    // A folder where the CSV should go: the rename fails even for root.
    fs::create_dir_all(out_dir.join("report-metrics.csv")).unwrap();
    let out = gongwen_in(root.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("report-metrics.csv: error: cannot write"),
        "{}",
        stderr(&out)
    );
    assert!(
        entries(&out_dir).iter().all(|n| !n.ends_with(".tmp")),
        "{:?}",
        entries(&out_dir)
    );
}

#[test]
fn two_files_with_one_stem_do_not_overwrite_each_other() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    fs::create_dir_all(data.join("county")).unwrap();
    fs::copy(
        fixture("valid/minimal.yaml"),
        data.join("county/report.yml"),
    )
    .unwrap();
    let out = gongwen_in(root.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("output name `report` is already taken"),
        "{}",
        stderr(&out)
    );
}

// ---- templates ------------------------------------------------------------------------

#[test]
fn reordering_sections_renumbers_the_headings() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    let text = fs::read_to_string(data.join("report.yaml")).unwrap();
    // Move 加强成果转化 before 继续培育企业.
    let (head, plan) = text.split_once("plan:\n  sections:\n").unwrap();
    let (first, second) = plan.split_once("    - title: 加强成果转化\n").unwrap();
    let swapped = format!("{head}plan:\n  sections:\n    - title: 加强成果转化\n{second}{first}");
    fs::write(data.join("report.yaml"), swapped).unwrap();
    assert!(gongwen_in(root.path(), &["build"]).status.success());
    let md = fs::read_to_string(root.path().join("out/report.md")).unwrap();
    assert!(md.contains("\n## （一）加强成果转化\n"), "{md}");
    assert!(md.contains("\n## （二）继续培育企业\n"), "{md}");
}

#[test]
fn a_template_in_the_templates_folder_replaces_the_builtin() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    fs::create_dir_all(root.path().join("templates")).unwrap();
    fs::write(
        root.path().join("templates/work-report.md"),
        "# {{ title }}\n\n{{ organ }}：{% for f in figures %}{{ f.name }}{{ f | figure }}，{{ f | change }}；{% endfor %}\n",
    )
    .unwrap();
    let out = gongwen_in(root.path(), &["build", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(root.path().join("out/report.md")).unwrap();
    assert!(
        md.ends_with("测试县科学技术局：高新技术企业12家，同比增长20%；技术合同成交额3.5亿元，同比下降12.5%；\n"),
        "{md}"
    );
}

#[test]
fn template_errors_name_the_template_and_line() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    let templates = root.path().join("mine");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("work-report.md"),
        "# {{ title }}\n\n{{ no_such_value }}\n",
    )
    .unwrap();
    let out = gongwen_in(root.path(), &["build", "--templates", "mine"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("mine/work-report.md:3:1: error: undefined value"),
        "{err}"
    );
    assert!(!root.path().join("out/report.md").exists());
}

#[test]
fn missing_templates_folder_is_a_usage_error() {
    let out = gongwen(&[
        "build",
        "tests/fixtures/valid",
        "--templates",
        "no/such/dir",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

// ---- data is text ---------------------------------------------------------------------

/// The text a CommonMark reader sees, with every extension pulldown-cmark offers.
fn markdown_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let body = markdown.splitn(3, "---\n").nth(2).expect("front matter");
    Parser::new_ext(body, Options::all())
        .filter_map(|event| match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                Some(t.into_string())
            }
            Event::Html(t) | Event::InlineHtml(t) => Some(format!("<HTML:{t}>")),
            Event::SoftBreak | Event::HardBreak => Some("\n".into()),
            _ => None,
        })
        .collect()
}

#[test]
fn markup_in_data_prints_as_itself() {
    let hostile = [
        "#标题 *强调* _下划线_",
        "<b>粗体</b> & &amp; [链接](http://x)",
        "$x$ `代码` ~删除~ | 表格 |",
        "1. 不是列表",
        "- 也不是列表",
        "{{ 模板 }} {% 语句 %}",
    ];
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    place_in_report(&data.join("report.yaml"), &hostile);
    edit(
        &data.join("report.yaml"),
        &[("lead: 全县", "lead: 全县{firms:name}，")],
    );
    let out = gongwen_in(root.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(root.path().join("out/report.md")).unwrap();
    // The organ is an official part: it is in the front matter, as YAML text.
    let (front, body) = md[4..].split_once("\n---\n").unwrap();
    let parts: serde_json::Value = serde_saphyr::from_str(front).unwrap();
    assert_eq!(parts["organ"], hostile[0]);
    let seen = markdown_text(&format!("---\n---\n{body}"));
    assert!(!seen.contains("<HTML:"), "{seen}");
    for s in &hostile[1..] {
        assert!(seen.contains(s), "`{s}` not printed as itself in:\n{seen}");
    }
    let csv = fs::read_to_string(root.path().join("out/report-metrics.csv")).unwrap();
    assert!(csv.contains(&format!("{},12,家", hostile[5])), "{csv}");
}

#[test]
fn half_width_punctuation_and_unpaired_marks_are_warnings_at_their_place() {
    assert_fixture_diagnostics(
        "invalid/warn-punctuation",
        0,
        &[
            "20:20: warning: half-width `(` between Chinese characters",
            "24:12: warning: half-width `,` between Chinese characters",
            "24:15: warning: unpaired `“`",
            "27:19: warning: unpaired `《`",
        ],
    );
}

#[test]
fn a_report_signed_in_the_first_quarter_of_the_next_year_is_not_warned() {
    for (date, warned) in [
        ("2025-01-15", false),
        ("2025-03-31", false),
        ("2025-04-01", true),
        ("2023-12-30", true),
    ] {
        let root = temp_dir();
        let data = data_folder(root.path(), "report.yaml");
        edit(
            &data.join("report.yaml"),
            &[("date: 2024-12-30", &format!("date: {date}"))],
        );
        let out = gongwen_in(root.path(), &["validate", "data"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            stderr(&out).contains("outside the reported year 2024"),
            warned,
            "{date}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_missing_typst_is_not_reported_as_an_error_of_a_template() {
    let root = temp_dir();
    data_folder(root.path(), "report.yaml");
    let out = gongwen_with(
        root.path(),
        &["build", "--format", "pdf"],
        &[
            ("GONGWEN_TYPST", "/nonexistent/typst"),
            ("PATH", "/nonexistent"),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: the typst CLI was not found"),
        "{err}"
    );
    assert!(!err.contains("gongwen.typ"), "{err}");
}
