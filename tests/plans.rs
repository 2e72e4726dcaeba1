//! Action plans (kind: action-plan), their tables, and work reports measured against them.

mod common;

use std::fs;

use common::geometry::check_turned_page_number;
use common::*;

fn build(data: &str, format: &str) -> tempfile::TempDir {
    build_into_temp(data, format)
}

/// A CSV written by gongwen (UTF-8 with BOM) as rows of cells.
fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let bytes = fs::read(path).unwrap();
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM")).unwrap();
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

const PLAN: &str = "data/zhangjiakou-plan-2018-2020.yaml";

#[test]
fn task_table_has_the_29_tasks_numbered_across_groups() {
    let dir = build(PLAN, "csv");
    let rows = read_csv(&dir.path().join("zhangjiakou-plan-2018-2020-tasks.csv"));
    assert_eq!(
        rows[0],
        ["序号", "任务", "牵头单位", "责任单位", "目标", "完成时限"]
    );
    assert_eq!(rows.len(), 30, "header and 29 tasks");
    let numbers: Vec<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    let expected: Vec<String> = (1..=29).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    assert_eq!(
        rows[1],
        [
            "1",
            "实施高新技术企业倍增计划",
            "市科技和地震局",
            "市财政局、市国税局、市地税局、各县区人民政府",
            "新增高新技术企业50家（2018年）；全市高新技术企业达到200家（2020年）；省级高新技术企业后备培育重点服务机构达到5家（2020年）",
            "2020年底",
        ]
    );
    // Task 4 has responsible units only; task 7 is led by 市工信局.
    assert_eq!(rows[4][2], "");
    assert_eq!(rows[4][3], "市国税局、市地税局");
    assert_eq!(rows[7][2], "市工信局");
}

#[test]
fn each_unit_sees_the_tasks_it_leads_and_shares() {
    let dir = build(PLAN, "csv");
    let rows = read_csv(&dir.path().join("zhangjiakou-plan-2018-2020-units.csv"));
    let unit = |name: &str| {
        rows.iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone()
    };
    let industry = unit("市工信局");
    assert_eq!(industry[1], "2");
    assert_eq!(industry[2], "7.加强企业研发机构建设；11.改造提升传统产业");
    assert_eq!(industry[3], "3");
    assert_eq!(
        industry[4],
        "10.加快发展战略性新兴产业；19.加快创新平台建设；20.发展创新创业载体"
    );
    let finance = unit("市金融办");
    assert_eq!(finance[2], "23.促进科技金融深度融合");
    // Units of the safeguards count too.
    let tax = unit("市国税局");
    assert!(tax[4].ends_with("保障措施（二）强化政策落实"), "{tax:?}");
}

#[test]
fn targets_table_lists_goals_and_task_targets() {
    let dir = build(PLAN, "csv");
    let rows = read_csv(&dir.path().join("zhangjiakou-plan-2018-2020-targets.csv"));
    assert_eq!(
        rows[0],
        [
            "分组",
            "代号",
            "指标",
            "目标值",
            "单位",
            "比较",
            "年份",
            "基数"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "主要目标：创新主体不断壮大",
            "goal_hitech_new",
            "三年内新增高新技术企业",
            "100",
            "家",
            "以上",
            "2020",
            ""
        ]
    );
    assert!(rows.iter().any(|r| r[0] == "任务7：加强企业研发机构建设"
        && r[3] == "25"
        && r[4] == "%"
        && r[5] == "力争达到"));
}

#[test]
fn plan_markdown_ends_each_task_with_its_units() {
    let dir = build(PLAN, "md");
    let md = fs::read_to_string(dir.path().join("zhangjiakou-plan-2018-2020.md")).unwrap();
    assert!(md.contains("\n## （一）创新主体不断壮大\n\n三年内新增高新技术企业100家以上，新增科技型中小企业1000家以上。\n"), "{md}");
    assert!(md.contains("\n29.营造创新创业良好氛围。"));
    assert!(md.contains("（责任单位：市国税局、市地税局）\n"));
    insta::assert_snapshot!("zhangjiakou-plan-2018-2020", md);
}

#[test]
fn plan_pdf_reads_in_order() {
    let dir = build(PLAN, "pdf");
    let text = squeezed_pdf_text(&dir.path().join("zhangjiakou-plan-2018-2020.pdf"));
    assert_in_order(
        &text,
        &[
            "张家口市科技创新三年行动计划（2018—2020年）",
            "一、指导思想",
            "二、主要目标",
            "三、主要任务",
            "1.实施高新技术企业倍增计划。",
            "（牵头单位：市科技和地震局；责任单位：市财政局、市国税局、市地税局、各县区人民政府）",
            "29.营造创新创业良好氛围。",
            "四、保障措施",
            "张家口市人民政府",
            "2018年7月2日",
        ],
    );
}

#[test]
fn completion_is_computed_from_linked_figures() {
    let dir = build("tests/fixtures/linked/report.yaml", "md,csv");
    let rows = read_csv(&dir.path().join("report-targets.csv"));
    assert_eq!(
        rows,
        [
            vec![
                "指标",
                "目标代号",
                "目标值",
                "实际值",
                "单位",
                "完成率(%)",
                "是否达标"
            ],
            vec![
                "高新技术企业",
                "firms_2020",
                "20",
                "24",
                "家",
                "120",
                "达标"
            ],
            vec![
                "技术合同成交额",
                "trade_2020",
                "2",
                "1.5",
                "亿元",
                "75",
                "未达标"
            ],
        ]
    );
    let md = fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        md.contains("\n## （二）对照《测试县科技创新三年行动计划（2018—2020年）》目标完成情况"),
        "{md}"
    );
    assert!(
        md.contains("| 高新技术企业 | 20家 | 24家 | 120% | 达标 |"),
        "{md}"
    );
    assert!(
        md.contains("| 技术合同成交额 | 2亿元 | 1.5亿元 | 75% | 未达标 |"),
        "{md}"
    );
}

#[test]
fn sample_report_is_measured_against_the_sample_plan() {
    let dir = build("data", "csv");
    let rows = read_csv(&dir.path().join("zhangjiakou-work-report-2020-targets.csv"));
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(
        rows.contains(
            &[
                "全市高新技术企业",
                "hitech_2020",
                "200",
                "236",
                "家",
                "118",
                "达标"
            ]
            .map(String::from)
            .to_vec()
        )
    );
}

fn assert_diagnostics(name: &str, expected: &[&str]) {
    assert_fixture_diagnostics(&format!("linked/{name}"), 1, expected);
}

#[test]
fn a_plan_that_does_not_exist() {
    assert_diagnostics(
        "bad-missing-plan",
        &["5:14: error: the linked file `plans/missing.yaml` does not exist"],
    );
}

#[test]
fn a_plan_outside_the_data_folder() {
    assert_diagnostics(
        "bad-escaping-plan",
        &[
            "5:14: error: the linked file `../valid/minimal.yaml` is outside the data folder tests/fixtures/linked",
        ],
    );
}

#[test]
fn a_linked_file_that_is_not_a_plan() {
    assert_diagnostics(
        "bad-not-a-plan",
        &["5:14: error: `report.yaml` is of kind `work-report`, not `action-plan`"],
    );
}

#[test]
fn an_unknown_target_id() {
    assert_diagnostics(
        "bad-unknown-target",
        &["11:13: error: unknown target `firm_2020` in the plan `plan.yaml`"],
    );
    let out = gongwen(&["validate", &fixture("linked/bad-unknown-target.yaml")]);
    assert!(stderr(&out).contains("did you mean `firms_2020`?"));
}

#[test]
fn a_unit_that_differs_from_the_target() {
    assert_diagnostics(
        "bad-unit",
        &["15:11: error: unit `万元` differs from the unit `亿元` of target `trade_2020`"],
    );
}

#[test]
fn a_report_year_outside_the_plan_period() {
    assert_diagnostics(
        "bad-year",
        &["3:7: error: the report's year 2021 is outside the plan's period 2018–2020"],
    );
}

#[test]
fn a_target_without_a_plan() {
    assert_diagnostics(
        "bad-no-plan",
        &[
            "10:13: error: figure `firms` names a target, but the report names no plan",
            "15:13: error: figure `trade` names a target, but the report names no plan",
        ],
    );
}

#[test]
fn the_task_table_is_a_landscape_attachment_after_the_signature() {
    let dir = build(PLAN, "pdf");
    let pdf = dir.path().join("zhangjiakou-plan-2018-2020.pdf");
    let text = squeezed_pdf_text(&pdf);
    assert_in_order(
        &text,
        &[
            "附件：张家口市科技创新三年行动计划（2018—2020年）任务分解表",
            "张家口市人民政府2018年7月2日",
            "附件1",
            "张家口市科技创新三年行动计划（2018—2020年）任务分解表",
            "序号任务牵头单位责任单位",
        ],
    );
    // pdftotext reads a table's wrapped cells column by column: the rows are checked by
    // what each holds, not in reading order.
    let table = &text[text.find("序号任务牵头单位").unwrap()..];
    for cell in ["实施高新技术", "市科技和", "营造创新创", "2020年底"] {
        assert!(table.contains(cell), "`{cell}` not in the table");
    }
    // The attachment's pages are landscape; the body's are portrait; the numbering goes on.
    let info = poppler("pdfinfo", &["-f", "1", "-l", "40"], &pdf);
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains(" size:"))
        .collect();
    assert!(
        sizes.first().unwrap().contains("595.276 x 841.89"),
        "{sizes:?}"
    );
    assert!(
        sizes.last().unwrap().contains("841.89 x 595.276"),
        "{sizes:?}"
    );
    let pages = sizes.len();
    // The last page is landscape: its number is turned, in the left margin.
    check_turned_page_number("plan", &pdf, pages, 1.5);
    // Compact: 4号 on single spacing, balanced columns: at most six landscape pages for
    // the sample's 29 tasks, each task group a row of its own.
    let landscape = sizes
        .iter()
        .filter(|s| s.contains("841.89 x 595.276"))
        .count();
    assert!(landscape <= 6, "{landscape} landscape pages");
    for group in [
        "一、培育创新主体，不断增强创新动力",
        "七、优化创新环境，构建创新创业良好生态",
    ] {
        assert!(
            table.contains(group),
            "group row `{group}` not in the table"
        );
    }
    // The header row repeats on every page of the table.
    for (i, size) in sizes.iter().enumerate() {
        if size.contains("841.89 x 595.276") {
            let n = (i + 1).to_string();
            let page = poppler("pdftotext", &["-f", &n, "-l", &n], &pdf);
            assert!(
                page.contains("序号") && page.contains("完成时限"),
                "page {n}: {page}"
            );
        }
    }
}

/// `units: 市国税局` (text where a list belongs) is one error at the text, whose hint shows
/// the list with the text written, not a complaint that the task has no units.
#[test]
fn units_written_as_text_are_told_to_be_a_list() {
    let root = temp_dir();
    let plan = root.path().join("plan.yaml");
    let text = fs::read_to_string(manifest_dir().join(PLAN)).unwrap();
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("units: ["))
        .unwrap();
    let edited: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                "        units: 市国税局".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect();
    fs::write(&plan, edited.join("\n") + "\n").unwrap();
    let out = gongwen(&["validate", path_str(&plan)]);
    assert_eq!(out.status.code(), Some(1));
    let all = stderr(&out);
    let errors: Vec<&str> = all.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 1, "{all}");
    assert!(
        errors[0].contains(&format!(
            "plan.yaml:{}:16: error: expected a list (`units`), found a string",
            line + 1
        )),
        "{all}"
    );
    assert!(all.contains("e.g. `units: [市国税局]`"), "{all}");
}
