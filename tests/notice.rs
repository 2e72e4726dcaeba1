//! The fourth kind, `notice` (通知), added by its folder, its template and one registry
//! line: every command knows it, and no other source file names it.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const SAMPLE: &str = "data/notice-2024-sme-evaluation.yaml";

#[test]
fn validate_build_new_and_schema_know_the_notice() {
    let out = gongwen(&["validate", SAMPLE]);
    assert!(out.status.success(), "{}", stderr(&out));

    let dir = build_into_temp(SAMPLE, "md,csv,pdf");
    let md = fs::read_to_string(dir.path().join("notice-2024-sme-evaluation.md")).unwrap();
    assert!(md.starts_with(
        "---\nkind: \"notice\"\ntitle: \"关于做好2024年度科技型中小企业评价工作的通知\"\n"
    ));
    assert!(md.contains("\naddressee: \"各县（市、区）科技主管部门，"));
    assert!(md.contains("\n# 二、工作安排\n\n## （一）企业自主填报\n"));
    // A notice has no tables: no CSV is written for it.
    let written: Vec<String> = entries(dir.path())
        .into_iter()
        .filter(|name| !name.starts_with('.'))
        .collect();
    assert_eq!(
        written,
        [
            "notice-2024-sme-evaluation.md",
            "notice-2024-sme-evaluation.pdf"
        ]
    );
    let text = squeezed_pdf_text(&dir.path().join("notice-2024-sme-evaluation.pdf"));
    assert_in_order(
        &text,
        &[
            "石科字〔2024〕8号",
            "关于做好2024年度科技型中小企业评价工作的通知",
            "各县（市、区）科技主管部门，高新区、经开区科技主管部门，市直有关单位：",
            "全市科技型中小企业达到18753家",
            "一、评价对象和条件",
            "特此通知。",
            "附件：1.2024年度科技型中小企业评价工作联系人名单2.科技型中小企业评价指标及评分说明",
            "石家庄市科学技术局2024年3月15日",
            "联系人及电话：侯彦波，0311-85057592",
            "抄送：市财政局，国家税务总局石家庄市税务局。",
        ],
    );

    let out = gongwen(&["new", "notice"]);
    assert!(out.status.success());
    let skeleton = String::from_utf8(out.stdout).unwrap();
    assert!(skeleton.contains("\nkind: notice "), "{skeleton}");
    assert!(skeleton.contains("\naddressee: 〖主送机关〗"), "{skeleton}");

    let schema: serde_json::Value = serde_json::from_slice(&gongwen(&["schema"]).stdout).unwrap();
    assert_eq!(
        schema["definitions"]["Notice"]["properties"]["kind"]["const"],
        "notice"
    );
    assert!(
        schema["properties"]["kind"]["enum"]
            .as_array()
            .unwrap()
            .contains(&"notice".into())
    );
}

#[test]
fn a_notice_without_addressee_is_reported_at_its_mapping() {
    let dir = temp_dir();
    let text = fs::read_to_string(manifest_dir().join(SAMPLE)).unwrap();
    let text = text.replace(
        "addressee: 各县（市、区）科技主管部门，高新区、经开区科技主管部门，市直有关单位\n",
        "",
    );
    fs::write(dir.path().join("n.yaml"), text).unwrap();
    let out = gongwen_in(dir.path(), &["validate", "n.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        diagnostics(&out),
        ["n.yaml:4:1: error: missing required field `addressee` in the notice"]
    );
}

/// Every Rust file under `dir`, with its path.
fn rust_files(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path
                .strip_prefix(manifest_dir())
                .unwrap()
                .display()
                .to_string();
            out.push((name, fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn no_source_file_outside_its_folder_names_the_notice() {
    let mut files = Vec::new();
    rust_files(&manifest_dir().join("src"), &mut files);
    let mut named = Vec::new();
    for (name, text) in &files {
        if name.starts_with("src/kinds/notice/") {
            continue;
        }
        for line in text.lines() {
            if line.to_lowercase().contains("notice") {
                named.push(format!("{name}: {}", line.trim()));
            }
        }
    }
    // The one registry line, and nothing else.
    assert_eq!(named, ["src/kinds/mod.rs: pub mod notice;"], "{named:#?}");
}

#[test]
fn a_plain_text_notice_is_imported_and_builds() {
    let dir = temp_dir();
    fs::write(
        dir.path().join("notice.txt"),
        "关于组织申报2025年度科技计划项目的通知\n\
         各县（市、区）科技局，市直有关单位：\n\
         为做好2025年度科技计划项目申报工作，现将有关事项通知如下。\n\
         一、申报范围\n\
         在本市注册的企业、高校和科研院所。\n\
         二、申报要求\n\
         （一）材料真实。申报单位对材料的真实性负责。\n\
         （二）按时报送。逾期不予受理。\n\
         特此通知。\n\
         附件：1.项目申报书模板\n\
         某市科学技术局\n\
         2025年3月1日\n",
    )
    .unwrap();
    let out = gongwen_in(dir.path(), &["import", "notice.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = fs::read_to_string(dir.path().join("notice.yaml")).unwrap();
    assert!(yaml.contains("kind: \"notice\""), "{yaml}");
    assert!(
        yaml.contains("addressee: \"各县（市、区）科技局，市直有关单位\""),
        "{yaml}"
    );
    assert!(yaml.contains("closing: \"特此通知。\""), "{yaml}");
    assert!(yaml.contains("  - \"项目申报书模板\""), "{yaml}");
    let out = gongwen_in(dir.path(), &["build", "notice.yaml", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(dir.path().join("out/notice.md")).unwrap();
    assert!(
        md.contains("# 二、申报要求\n\n## （一）材料真实\n\n申报单位对材料的真实性负责。"),
        "{md}"
    );
    assert!(
        md.contains("\norgan: \"某市科学技术局\"\ndate: \"2025-03-01\"\n"),
        "{md}"
    );
}
