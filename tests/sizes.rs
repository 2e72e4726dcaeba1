//! Documents past the limits of a format: a plan with 5,000 tasks builds every format, its
//! workbook keeping Excel's limits (long cells carried on in the rows below, warned of); a
//! format that fails fails alone, and the document is built again next time.

mod common;

use std::fs;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;

/// The sample plan with its tasks replaced by `groups` groups of `per_group` tasks, every
/// task led by one unit and shared by two, so that a unit's row lists every task.
fn large_plan(dir: &Path, groups: usize, per_group: usize) -> std::path::PathBuf {
    let sample =
        fs::read_to_string(manifest_dir().join("data/zhangjiakou-plan-2018-2020.yaml")).unwrap();
    let (head, _) = sample.split_once("\ntasks:\n").unwrap();
    // The goals refer to targets of the sample's tasks, which are gone.
    let head = head.replace("{hitech_zone}", "").replace("{agri_park}", "");
    let mut text = format!("{head}\ntasks:\n");
    for g in 1..=groups {
        text.push_str(&format!("  - title: 第{g}组任务\n    tasks:\n"));
        for t in 1..=per_group {
            text.push_str(&format!(
                "      - title: 推进第{g}组第{t}项创新工作\n        text: 落实政策措施，加强科技服务。\n        lead_units: [市科技局]\n        units: [市财政局, 各县区人民政府]\n"
            ));
        }
    }
    let path = dir.join("plan.yaml");
    fs::write(&path, text).unwrap();
    path
}

/// A sheet's data rows with every carried-on cell joined to the cell it continues.
fn joined_rows(rows: &[&[Data]]) -> Vec<Vec<String>> {
    const CONTINUED: &str = "（接上行）";
    const CARRIED_ON: &str = "（接下行）";
    let mut out: Vec<Vec<String>> = Vec::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|d| d.to_string()).collect();
        let continues = cells.iter().any(|c| c.starts_with(CONTINUED));
        if !continues {
            out.push(cells);
            continue;
        }
        let above = out.last_mut().expect("a continuation row under a row");
        for (c, cell) in cells.iter().enumerate() {
            if let Some(rest) = cell.strip_prefix(CONTINUED) {
                let kept = above[c]
                    .strip_suffix(CARRIED_ON)
                    .expect("the cell above is marked as carried on")
                    .to_owned();
                above[c] = kept + rest;
            } else {
                assert_eq!(cell, "", "the other cells of a continuation row are empty");
            }
        }
    }
    out
}

#[test]
fn a_plan_with_5000_tasks_builds_every_format_within_excels_limits() {
    let root = temp_dir();
    let data = large_plan(root.path(), 50, 100);
    let out_dir = root.path().join("out");
    let out = gongwen(&[
        "build",
        path_str(&data),
        "--format",
        "md,csv,xlsx",
        "-o",
        path_str(&out_dir),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: the cell `")
            && err.contains("more than a cell of Excel holds (32767)"),
        "{err}"
    );
    let units_csv = read_csv(&out_dir.join("plan-units.csv"));
    let mut book: Xlsx<_> = open_workbook(out_dir.join("plan.xlsx")).unwrap();
    let mut checked = false;
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        for row in &rows {
            for cell in *row {
                if let Data::String(s) = cell {
                    assert!(s.encode_utf16().count() <= 32_767, "{sheet}: {}", s.len());
                }
            }
        }
        let header: Vec<String> = rows[1].iter().map(|d| d.to_string()).collect();
        if header == units_csv[0] {
            let joined = joined_rows(&rows[2..]);
            assert_eq!(joined, units_csv[1..], "{sheet}");
            assert!(rows.len() - 2 > joined.len(), "nothing was carried on");
            checked = true;
        }
    }
    assert!(checked, "no sheet with the units CSV's header");
    assert!(
        fs::read_to_string(out_dir.join("plan.md"))
            .unwrap()
            .contains("推进第50组第100项创新工作")
    );
}

/// A CSV in GBK cannot hold 😀: the CSV fails with its message, the Markdown is written,
/// nothing earlier is lost, and the next build tries again instead of calling it unchanged.
#[test]
fn a_format_that_fails_fails_alone_and_is_built_again_next_time() {
    let root = temp_dir();
    let sample =
        fs::read_to_string(manifest_dir().join("data/zhangjiakou-plan-2018-2020.yaml")).unwrap();
    let data = root.path().join("plan.yaml");
    fs::write(
        &data,
        sample.replace("实施高新技术企业倍增计划", "实施高新技术企业倍增计划😀"),
    )
    .unwrap();
    let out_dir = root.path().join("out");
    let build = || {
        gongwen(&[
            "build",
            path_str(&data),
            "--format",
            "md,csv",
            "--csv-encoding",
            "gbk",
            "-o",
            path_str(&out_dir),
        ])
    };
    for _ in 0..2 {
        let out = build();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("cannot be written in GBK"), "{err}");
        assert!(
            err.contains("the CSV of") && err.contains("its other formats were"),
            "{err}"
        );
        assert!(err.contains("0 built, 0 unchanged, 1 failed"), "{err}");
        assert_eq!(entries(&out_dir), [".gongwen-manifest.json", "plan.md"]);
    }
    let md = fs::read_to_string(out_dir.join("plan.md")).unwrap();
    assert!(md.contains("实施高新技术企业倍增计划😀"));
}
