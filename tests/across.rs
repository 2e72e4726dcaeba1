//! Across documents: last year's report as the source of `previous`, and the 办理情况汇总表
//! of a build's replies.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// `gongwen build DATA -o OUT --format FORMATS EXTRA…`.
fn build_in(data: &Path, out: &Path, formats: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "build",
        path_str(data),
        "-o",
        path_str(out),
        "--format",
        formats,
    ];
    args.extend(extra);
    gongwen(&args)
}

/// A sample of `data/` copied into the folder `data`.
fn copy_sample(name: &str, data: &Path) {
    fs::create_dir_all(data).unwrap();
    fs::copy(manifest_dir().join("data").join(name), data.join(name)).unwrap();
}

// ---------------------------------------------------------------------------------------
// previous_report

/// The 2024 sample as the report on `year`: its own figures scaled by `scale`; linked to
/// `previous_report` when given, and then without a `previous` of its own.
fn report_text(year: i32, scale: f64, previous_report: Option<&str>) -> String {
    let sample = fs::read_to_string(manifest_dir().join("data/work-report-2024.yaml")).unwrap();
    let mut out = String::new();
    let mut in_figures = false;
    for line in sample.lines() {
        let trimmed = line.trim_start();
        if line.starts_with("figures:") {
            in_figures = true;
        } else if !line.starts_with(' ') && !line.is_empty() && !line.starts_with('#') {
            in_figures = false;
        }
        if in_figures && previous_report.is_some() && trimmed.starts_with("previous:") {
            continue;
        }
        if in_figures && let Some(value) = trimmed.strip_prefix("value: ") {
            let value: f64 = value.trim().parse().unwrap();
            let scaled = (value * scale * 100.0).round() / 100.0;
            out.push_str(&format!("    value: {scaled}\n"));
            continue;
        }
        if line.starts_with("year: ") {
            out.push_str(&format!("year: {year}\n"));
            if let Some(path) = previous_report {
                out.push_str(&format!("previous_report: {path}\n"));
            }
            continue;
        }
        if line.starts_with("date: ") {
            out.push_str(&format!("date: {year}-12-20\n"));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The metrics CSV of a built report, by figure name: (value, previous, change).
fn metrics(out: &Path, stem: &str) -> Vec<(String, String, String, String)> {
    read_csv(&out.join(format!("{stem}-metrics.csv")))[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[3].clone(), r[4].clone()))
        .collect()
}

/// A change in percent as gongwen writes it: two decimals at most, no trailing zeros.
fn percent(value: f64, previous: f64) -> String {
    let change = ((value - previous) / previous * 100.0 * 100.0).round() / 100.0;
    let text = format!("{change:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[test]
fn a_report_takes_previous_values_from_last_years_report() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    copy_sample("work-report-2024.yaml", &data);
    fs::write(
        data.join("work-report-2025.yaml"),
        report_text(2025, 1.13, Some("work-report-2024.yaml")),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = build_in(&data, &out, "md,csv", &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(diagnostics(&run).is_empty(), "{}", stderr(&run));

    let last_year = metrics(&out, "work-report-2024");
    let this_year = metrics(&out, "work-report-2025");
    assert_eq!(last_year.len(), this_year.len());
    let mut changes = 0;
    for ((name, value, previous, change), (last_name, last_value, _, _)) in
        this_year.iter().zip(&last_year)
    {
        assert_eq!(name, last_name);
        // Every figure's previous is last year's value, and its change computed from both.
        assert_eq!(previous, last_value, "{name}");
        let (v, p): (f64, f64) = (value.parse().unwrap(), previous.parse().unwrap());
        assert_eq!(change, &percent(v, p), "{name}: {v} against {p}");
        changes += 1;
    }
    assert!(changes > 10, "{changes}");
    // The prose's 同比 figures are the same changes.
    let markdown = fs::read_to_string(out.join("work-report-2025.md")).unwrap();
    for name in ["新申报高新技术企业", "技术合同登记额"] {
        let (_, value, previous, _) = this_year.iter().find(|m| m.0 == name).unwrap();
        let (v, p): (f64, f64) = (value.parse().unwrap(), previous.parse().unwrap());
        let expected = format!("同比增长{}%", percent(v, p));
        assert!(markdown.contains(&expected), "{expected} in\n{markdown}");
    }
}

/// A data folder with the 2024 sample and a 2025 report written by `edit` from the
/// generated one; the build's output.
fn build_with_2025(
    mut edit: impl FnMut(String) -> String,
) -> (tempfile::TempDir, std::process::Output) {
    let dir = temp_dir();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    copy_sample("work-report-2024.yaml", &data);
    let text = edit(report_text(2025, 1.1, Some("work-report-2024.yaml")));
    fs::write(data.join("work-report-2025.yaml"), text).unwrap();
    let out = dir.path().join("out");
    let run = build_in(&data, &out, "md,csv", &[]);
    (dir, run)
}

/// The line (1-based) of the first line of `text` that contains `needle` after `after`.
fn line_of(text: &str, after: &str, needle: &str) -> usize {
    let start = text.find(after).unwrap();
    text[..start].matches('\n').count()
        + text[start..]
            .lines()
            .position(|l| l.contains(needle))
            .unwrap()
        + 1
}

#[test]
fn a_hand_previous_that_disagrees_with_last_year_is_a_warning_showing_both() {
    let mut written = String::new();
    let (dir, run) = build_with_2025(|text| {
        let text = text.replacen(
            "    unit: 亿元\n",
            "    unit: 亿元\n    previous: 40.5\n",
            1,
        );
        written = text.clone();
        text
    });
    assert!(run.status.success(), "{}", stderr(&run));
    let line = line_of(&written, "id: contracts", "previous: 40.5");
    assert_eq!(
        diagnostics(&run),
        [format!(
            "{}:{line}:15: warning: `previous` of `contracts` is 40.5, but last year's report `work-report-2024.yaml` gives 42.27",
            dir.path().join("data/work-report-2025.yaml").display()
        )],
        "{}",
        stderr(&run)
    );
    // The value given by hand is the one used.
    let rows = metrics(&dir.path().join("out"), "work-report-2025");
    assert_eq!(
        rows.iter().find(|r| r.0 == "技术合同登记额").unwrap().2,
        "40.5"
    );
}

#[test]
fn a_unit_that_differs_from_last_years_is_an_error_at_the_unit() {
    let mut written = String::new();
    let (dir, run) = build_with_2025(|text| {
        let text = text.replacen("    unit: 万元\n", "    unit: 亿元\n", 1);
        written = text.clone();
        text
    });
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let line = line_of(&written, "id: loan_amount", "unit: 亿元");
    assert_eq!(
        diagnostics(&run),
        [format!(
            "{}:{line}:11: error: unit `亿元` of `loan_amount` differs from last year's unit `万元` in `work-report-2024.yaml`",
            dir.path().join("data/work-report-2025.yaml").display()
        )]
    );
    assert!(!dir.path().join("out/work-report-2025.md").exists());
}

#[test]
fn the_link_names_last_years_report_or_is_an_error_at_the_link() {
    let line = |text: &str| line_of(text, "kind:", "previous_report:");
    let cases: [(&str, &str, &str); 3] = [
        (
            "work-report-2024.yaml",
            "work-report-2023.yaml",
            "error: the linked file `work-report-2023.yaml` does not exist",
        ),
        (
            "work-report-2024.yaml",
            "../outside.yaml",
            "error: the linked file `../outside.yaml` is outside the data folder",
        ),
        (
            "work-report-2024.yaml",
            "plan.yaml",
            "error: `plan.yaml` is of kind `action-plan`, not `work-report`",
        ),
    ];
    for (from, to, expected) in cases {
        let mut written = String::new();
        let (dir, run) = build_with_2025(|text| {
            let text = text.replace(from, to);
            written = text.clone();
            text
        });
        let _ = fs::copy(
            manifest_dir().join("data/work-report-2024.yaml"),
            dir.path().join("outside.yaml"),
        );
        let _ = fs::copy(
            manifest_dir().join("data/zhangjiakou-plan-2018-2020.yaml"),
            dir.path().join("data/plan.yaml"),
        );
        let run = if to == "work-report-2023.yaml" {
            run
        } else {
            let data = dir.path().join("data");
            let out = dir.path().join("out");
            build_in(&data, &out, "md", &[])
        };
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
        let at = format!(
            "{}:{}:18: {expected}",
            dir.path().join("data/work-report-2025.yaml").display(),
            line(&written)
        );
        assert!(
            diagnostics(&run).iter().any(|d| d.starts_with(&at)),
            "{at}\n{}",
            stderr(&run)
        );
    }
    // Last year's report must be on the year before.
    let mut written = String::new();
    let (dir, run) = build_with_2025(|text| {
        let text = text.replace("year: 2025", "year: 2026");
        written = text.clone();
        text
    });
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let report = dir.path().join("data/work-report-2025.yaml");
    assert!(
        diagnostics(&run).iter().any(|d| d.starts_with(&format!(
            "{}:{}:18: error: `work-report-2024.yaml` is the report on 2024, not on 2025",
            report.display(),
            line(&written)
        ))),
        "{}",
        stderr(&run)
    );
}

#[test]
fn reports_chain_across_years_and_a_circle_is_an_error() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("r2023.yaml"), report_text(2023, 0.8, None)).unwrap();
    fs::write(
        data.join("r2024.yaml"),
        report_text(2024, 0.9, Some("r2023.yaml")),
    )
    .unwrap();
    fs::write(
        data.join("r2025.yaml"),
        report_text(2025, 1.0, Some("r2024.yaml")),
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = build_in(&data, &out, "csv", &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    for (year, last) in [("r2024", "r2023"), ("r2025", "r2024")] {
        let this = metrics(&out, year);
        let before = metrics(&out, last);
        for (now, then) in this.iter().zip(&before) {
            assert_eq!(now.2, then.1, "{year}: {}", now.0);
        }
    }
    // The first year's report has the previous values it gives by hand only.
    let given: Vec<String> = metrics(&out, "r2023")
        .into_iter()
        .filter(|m| !m.2.is_empty())
        .map(|m| m.0)
        .collect();
    assert_eq!(given, ["新申报高新技术企业", "技术合同登记额"]);

    // 2023 naming 2025 closes a circle: an error at the link that closes it.
    let text = report_text(2023, 0.8, Some("r2025.yaml"));
    fs::write(data.join("r2023.yaml"), &text).unwrap();
    let run = build_in(&data, &out, "csv", &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let lines = diagnostics(&run);
    let circle: Vec<&String> = lines
        .iter()
        .filter(|d| d.contains("leads back to this file: the links form a circle"))
        .collect();
    assert_eq!(circle.len(), 1, "{}", stderr(&run));
    let at = format!(
        ":{}:18: error:",
        line_of(&text, "kind:", "previous_report:")
    );
    assert!(circle[0].contains(&at), "{at} in {}", circle[0]);
    // The others fail at their links, for the file they name is invalid; none is built
    // again, and the outputs of the earlier build are all still there.
    assert!(stderr(&run).contains("0 built"), "{}", stderr(&run));
    assert!(out.join("r2025-metrics.csv").exists());
}

// ---------------------------------------------------------------------------------------
// 办理情况汇总表

const PROPOSAL_MEETING: &str = "政协某市第十四届委员会第四次会议";
const SUGGESTION_MEETING: &str = "某市第十七届人民代表大会第三次会议";

/// One generated reply: the `n`-th of a batch.
struct Reply {
    file: String,
    kind: &'static str,
    meeting: &'static str,
    number: String,
    proposer: String,
    title: String,
    result: &'static str,
    date: String,
    contact: (String, String),
}

fn replies(count: usize) -> Vec<Reply> {
    (0..count)
        .map(|n| {
            let proposal = n % 3 != 0;
            // Numbers out of order and of different lengths: 7, 0112, 45 …
            let number = match n % 4 {
                0 => format!("{:04}", 100 + (n * 37) % 300),
                1 => format!("{}", 5 + (n * 11) % 90),
                2 => format!("{:04}", 1000 + (n * 53) % 500),
                _ => format!("{}", 300 + (n * 7) % 100),
            };
            Reply {
                file: format!("reply-{n:02}.yaml"),
                kind: if proposal { "提案" } else { "建议" },
                meeting: if proposal {
                    PROPOSAL_MEETING
                } else {
                    SUGGESTION_MEETING
                },
                number,
                proposer: format!("提出人{n}"),
                title: format!("推进第{n}项科技工作"),
                result: ["A", "B", "A", "C", "B"][n % 5],
                date: format!("2024-{:02}-{:02}", 5 + n % 3, 1 + (n * 7) % 28),
                contact: (
                    format!("联系人{}", n % 4),
                    format!("0311-8{:06}", 100_000 + n),
                ),
            }
        })
        .collect()
}

fn reply_yaml(r: &Reply) -> String {
    let role = if r.kind == "提案" {
        "委员"
    } else {
        "代表"
    };
    let reason = if r.result == "C" {
        "reason: 受用地和财政预算限制，暂不具备实施条件，待条件成熟时再研究。\n"
    } else {
        ""
    };
    format!(
        "kind: proposal-reply
organ: 某市科学技术局
date: {date}
doc_number: 某科字〔2024〕第{number}号
result: {result}
{reason}public: true
proposal:
  meeting: {meeting}
  number: \"{number}\"
  title: \"{title}\"
  proposer: \"{proposer}\"
  role: {role}
  type: {kind}
sections:
  - title: 工作进展
    text: 我局已按照{kind}的意见推进相关工作。
closing: 感谢您对科技工作的关心和支持。
signed_by: 张华
contact:
  name: \"{name}\"
  phone: \"{phone}\"
",
        date = r.date,
        number = r.number,
        result = r.result,
        meeting = r.meeting,
        title = r.title,
        proposer = r.proposer,
        kind = r.kind,
        name = r.contact.0,
        phone = r.contact.1,
    )
}

fn write_replies(data: &Path, replies: &[Reply]) {
    fs::create_dir_all(data).unwrap();
    for r in replies {
        fs::write(data.join(&r.file), reply_yaml(r)).unwrap();
    }
}

/// The summary's rows as the data says they must be: 提案 before 建议, then by session and
/// by number as a number.
fn expected_rows(replies: &[Reply]) -> Vec<Vec<String>> {
    let mut sorted: Vec<&Reply> = replies.iter().collect();
    sorted.sort_by_key(|r| {
        (
            r.kind != "提案",
            r.meeting,
            r.number.parse::<u64>().unwrap(),
        )
    });
    sorted
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.kind.to_owned(),
                r.meeting.to_owned(),
                r.number.clone(),
                r.proposer.clone(),
                r.title.clone(),
                r.result.to_owned(),
                r.date.clone(),
                format!("{}（{}）", r.contact.0, r.contact.1),
            ]
        })
        .collect()
}

fn expected_counts(replies: &[Reply]) -> Vec<Vec<String>> {
    let count = |label: &str, of: Vec<&Reply>| {
        let n = |grade: &str| of.iter().filter(|r| r.result == grade).count().to_string();
        vec![
            label.to_owned(),
            of.len().to_string(),
            n("A"),
            n("B"),
            n("C"),
        ]
    };
    vec![
        count(
            "提案",
            replies.iter().filter(|r| r.kind == "提案").collect(),
        ),
        count(
            "建议",
            replies.iter().filter(|r| r.kind == "建议").collect(),
        ),
        count("合计", replies.iter().collect()),
    ]
}

#[test]
fn thirty_replies_give_a_summary_whose_every_cell_is_the_datas() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    let batch = replies(30);
    write_replies(&data, &batch);
    let out = dir.path().join("out");
    let run = build_in(&data, &out, "md,csv,xlsx,pdf,docx", &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(diagnostics(&run).is_empty(), "{}", stderr(&run));

    let rows = read_csv(&out.join("replies-summary-replies.csv"));
    assert_eq!(
        rows[0],
        [
            "序号",
            "类别",
            "届次与会议",
            "编号",
            "提出人",
            "标题",
            "办理结果",
            "答复日期",
            "联系人"
        ]
    );
    let expected = expected_rows(&batch);
    assert_eq!(rows.len() - 1, expected.len());
    for (got, want) in rows[1..].iter().zip(&expected) {
        assert_eq!(got, want);
    }
    let counts = read_csv(&out.join("replies-summary-counts.csv"));
    assert_eq!(counts[0], ["类别", "件数", "A类", "B类", "C类"]);
    assert_eq!(counts[1..], expected_counts(&batch)[..]);

    // The workbook holds the same cells (numbers as numbers, 0112 as text).
    let book = xlsx_sheets(&out.join("replies-summary.xlsx"));
    assert_eq!(book[0].0, "办理情况汇总表");
    assert_eq!(book[1].0, "办理结果统计");
    for (got, want) in book[0].1[2..].iter().zip(&expected) {
        assert_eq!(got, want);
    }

    // The Markdown: two sessions, each a row above its replies, in the order of the CSV.
    let markdown = fs::read_to_string(out.join("replies-summary.md")).unwrap();
    assert!(markdown.contains("as_attachment: true"), "{markdown}");
    assert!(
        markdown.contains("# 某市科学技术局2024年建议提案办理情况汇总表 {.attachment .landscape}"),
        "{markdown}"
    );
    let mut order: Vec<&str> = vec![PROPOSAL_MEETING];
    order.extend(
        expected
            .iter()
            .filter(|r| r[1] == "提案")
            .map(|r| r[5].as_str()),
    );
    order.push(SUGGESTION_MEETING);
    order.extend(
        expected
            .iter()
            .filter(|r| r[1] == "建议")
            .map(|r| r[5].as_str()),
    );
    assert_in_order(&markdown, &order);
    let all = &expected_counts(&batch)[2];
    assert!(
        markdown.contains(&format!(
            "合计答复{}件，其中提案{}件、建议{}件。",
            all[1],
            expected_counts(&batch)[0][1],
            expected_counts(&batch)[1][1]
        )),
        "{markdown}"
    );

    // The PDF: landscape A4 pages that start with 附件 and the title, every row on them.
    let pdf = out.join("replies-summary.pdf");
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("841.89 x 595.276 pts (A4)"), "{info}");
    let text = squeezed_pdf_text(&pdf);
    assert!(
        text.starts_with("附件某市科学技术局2024年建议提案办理情况汇总表"),
        "{text}"
    );
    assert!(!text.contains("附件1"), "{text}");
    for row in &expected {
        assert!(text.contains(&row[4]), "{} in {text}", row[4]);
    }
    // The DOCX: one section, landscape, no title page before it.
    let docx = unzip(&out.join("replies-summary.docx"));
    let document = &docx["word/document.xml"];
    assert_eq!(document.matches("<w:sectPr").count(), 1, "{document}");
    assert!(document.contains("w:orient=\"landscape\""), "{document}");
}

/// Every sheet of a workbook: its name and its cells as text.
fn xlsx_sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook::<calamine::Xlsx<_>, _>(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|row| {
                    row.iter()
                        .map(|cell| match cell {
                            Data::Float(f) => format!("{f}"),
                            Data::Int(i) => i.to_string(),
                            Data::Empty => String::new(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

#[test]
fn two_replies_to_one_number_are_an_error_at_both_and_no_summary_is_written() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    let mut batch = replies(6);
    // The fourth answers the first's suggestion, its number written without the zero.
    assert!(batch[0].number.starts_with('0'));
    batch[3].kind = batch[0].kind;
    batch[3].meeting = batch[0].meeting;
    batch[3].number = batch[0].number.trim_start_matches('0').to_owned();
    batch[3].result = "A";
    write_replies(&data, &batch);
    let out = dir.path().join("out");
    let run = build_in(&data, &out, "md,csv", &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let lines = diagnostics(&run);
    for (this, other) in [(0, 3), (3, 0)] {
        let at = format!(
            "{}:9:11: error: {} 建议 No. {} is answered by another reply too",
            data.join(&batch[this].file).display(),
            SUGGESTION_MEETING,
            batch[this].number
        );
        assert!(lines.contains(&at), "{at}\n{}", stderr(&run));
        let note = format!(
            "also answered at {}:9:11",
            data.join(&batch[other].file).display()
        );
        assert!(stderr(&run).contains(&note), "{note}\n{}", stderr(&run));
    }
    assert!(
        stderr(&run).contains(
            "the summary `replies-summary` is not written: 2 of its 6 replies have errors"
        ),
        "{}",
        stderr(&run)
    );
    assert!(!out.join("replies-summary.md").exists());
    assert!(!out.join("replies-summary-replies.csv").exists());
}

#[test]
fn the_summary_can_be_named_and_limited_to_one_session() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    let batch = replies(9);
    write_replies(&data, &batch);
    let out = dir.path().join("out");
    let run = build_in(
        &data,
        &out,
        "md,csv",
        &["--summary", "人大建议汇总", "--session", "人民代表大会"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let rows = read_csv(&out.join("人大建议汇总-replies.csv"));
    let suggestions: Vec<Reply> = replies(9)
        .into_iter()
        .filter(|r| r.kind == "建议")
        .collect();
    assert_eq!(rows[1..], expected_rows(&suggestions)[..]);
    let markdown = fs::read_to_string(out.join("人大建议汇总.md")).unwrap();
    assert!(
        markdown.contains(&format!(
            "title: \"{SUGGESTION_MEETING}建议办理情况汇总表\""
        )),
        "{markdown}"
    );
    assert!(!out.join("replies-summary.md").exists());

    // A session no reply answers, and a part of a name that names both, are errors.
    for (session, message) in [
        (
            "第五次会议",
            "error: no reply answers a proposal of the session `第五次会议`",
        ),
        ("会议", "error: `会议` names 2 sessions"),
    ] {
        let run = gongwen(&[
            "build",
            path_str(&data),
            "-o",
            path_str(&out),
            "--format",
            "md",
            "--session",
            session,
        ]);
        assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
        assert!(
            stderr(&run).contains(message),
            "{message}\n{}",
            stderr(&run)
        );
        assert!(
            stderr(&run).contains(SUGGESTION_MEETING),
            "{}",
            stderr(&run)
        );
    }
    // A name with a folder in it is refused before anything is built.
    let run = gongwen(&[
        "build",
        path_str(&data),
        "-o",
        path_str(&out),
        "--summary",
        "../x",
    ]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("`../x` cannot name the summary's files"));
}

#[test]
fn the_summary_is_rebuilt_when_a_reply_changes_and_left_alone_otherwise() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    let batch = replies(5);
    write_replies(&data, &batch);
    let out = dir.path().join("out");
    let build = || build_in(&data, &out, "md,csv", &[]);
    let run = build();
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("6 built, 0 unchanged"),
        "{}",
        stderr(&run)
    );
    let summary = out.join("replies-summary-replies.csv");
    let modified = || fs::metadata(&summary).unwrap().modified().unwrap();
    let first = modified();

    let run = build();
    assert!(
        stderr(&run).contains("0 built, 6 unchanged"),
        "{}",
        stderr(&run)
    );
    assert_eq!(modified(), first);

    // A changed reply rebuilds itself and the summary.
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(&data.join(&batch[2].file), &[("result: A", "result: B")]);
    let run = build();
    assert!(
        stderr(&run).contains("2 built, 4 unchanged"),
        "{}",
        stderr(&run)
    );
    assert_ne!(modified(), first);
    let rows = read_csv(&summary);
    assert!(
        rows.iter()
            .any(|r| r[4] == batch[2].proposer && r[6] == "B")
    );

    // A reply added, and one removed, rebuild it too.
    let more = replies(6);
    fs::write(data.join(&more[5].file), reply_yaml(&more[5])).unwrap();
    let run = build();
    assert!(
        stderr(&run).contains("2 built, 5 unchanged"),
        "{}",
        stderr(&run)
    );
    assert_eq!(read_csv(&summary).len(), 7);
    fs::remove_file(data.join(&more[5].file)).unwrap();
    let run = build();
    assert!(
        stderr(&run).contains("1 built, 5 unchanged"),
        "{}",
        stderr(&run)
    );
    assert_eq!(read_csv(&summary).len(), 6);
}

#[test]
fn hostile_text_in_a_reply_prints_as_itself_in_the_summary() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    let mut batch = replies(2);
    batch[0].proposer = "#*$<王 | 五>".into();
    batch[0].title = "`代码`与[链接](x)及\\\\".into();
    write_replies(&data, &batch);
    let out = dir.path().join("out");
    let run = build_in(&data, &out, "md,csv,pdf", &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    let rows = read_csv(&out.join("replies-summary-replies.csv"));
    assert!(rows.iter().any(|r| r[4] == "#*$<王 | 五>"), "{rows:?}");
    let markdown = fs::read_to_string(out.join("replies-summary.md")).unwrap();
    let again = gongwen(&[
        "pdf",
        path_str(&out.join("replies-summary.md")),
        "-o",
        path_str(&dir.path().join("again.pdf")),
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    // The table's cells wrap in their columns: each piece of the text as itself.
    for pdf in [
        out.join("replies-summary.pdf"),
        dir.path().join("again.pdf"),
    ] {
        let text = squeezed_pdf_text(&pdf);
        for piece in ["#*$<", "|", "五>", "`代码`", "[链", "](x)", "及\\"] {
            assert!(text.contains(piece), "{piece} in {text}\n{markdown}");
        }
        assert!(!text.contains("\\|"), "{text}");
    }
}

#[test]
fn one_reply_gets_a_summary_only_when_asked() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    write_replies(&data, &replies(1));
    let out = dir.path().join("out");
    let run = build_in(&data, &out, "md", &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(!out.join("replies-summary.md").exists());
    let run = build_in(&data, &out, "md", &["--summary", "汇总"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(out.join("汇总.md").exists());
    // Asked for where there is no reply: said, and nothing fails.
    let run = gongwen(&[
        "build",
        "data/work-report-2024.yaml",
        "-o",
        path_str(&out),
        "--format",
        "md",
        "--summary",
        "汇总",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("warning: no replies in this build: no summary is written"),
        "{}",
        stderr(&run)
    );
}

// ---------------------------------------------------------------------------------------
// Each unit's task list, and the workbooks' charts

#[test]
fn the_plan_s_workbook_has_a_sheet_a_unit_whose_rows_are_the_units_csv() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let run = gongwen(&[
        "build",
        "data/zhangjiakou-plan-2018-2020.yaml",
        "-o",
        path_str(&out),
        "--format",
        "csv,xlsx",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let units = read_csv(&out.join("zhangjiakou-plan-2018-2020-units.csv"));
    let tasks = read_csv(&out.join("zhangjiakou-plan-2018-2020-tasks.csv"));
    // No CSV of a unit's own: the units CSV holds them all.
    let csvs: Vec<String> = entries(&out)
        .into_iter()
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert_eq!(csvs.len(), 3, "{csvs:?}");
    let book = xlsx_sheets(&out.join("zhangjiakou-plan-2018-2020.xlsx"));
    assert!(units.len() > 10, "{units:?}");
    for unit in &units[1..] {
        let (_, rows) = book
            .iter()
            .find(|(name, _)| *name == unit[0])
            .unwrap_or_else(|| panic!("no sheet for {}", unit[0]));
        assert_eq!(
            rows[1],
            ["序号", "任务", "分工", "其他单位", "目标", "完成时限"]
        );
        let label = |r: &Vec<String>| match r[0].starts_with("保障措施") {
            true => format!("{}{}", r[0], r[1]),
            false => format!("{}.{}", r[0], r[1]),
        };
        let of = |role: &str| -> Vec<String> {
            rows[2..]
                .iter()
                .filter(|r| r[2] == role)
                .map(label)
                .collect()
        };
        assert_eq!(of("牵头").len().to_string(), unit[1], "{}", unit[0]);
        assert_eq!(of("牵头").join("；"), unit[2], "{}", unit[0]);
        assert_eq!(of("参与").len().to_string(), unit[3], "{}", unit[0]);
        assert_eq!(of("参与").join("；"), unit[4], "{}", unit[0]);
        // A task's other units, targets and deadline are the 任务分解表's.
        for row in rows[2..].iter().filter(|r| !r[0].starts_with("保障措施")) {
            let task = tasks.iter().find(|t| t[0] == row[0]).unwrap();
            let all: Vec<&str> = task[2].split('、').chain(task[3].split('、')).collect();
            let mut others: Vec<&str> = Vec::new();
            for u in all {
                if !u.is_empty() && u != unit[0] && !others.contains(&u) {
                    others.push(u);
                }
            }
            assert_eq!(row[3], others.join("、"), "{} {}", unit[0], row[0]);
            assert_eq!(row[4], task[4]);
            assert_eq!(row[5], task[5]);
        }
    }
}

/// The `<c:f>` ranges of every chart in a workbook, each chart's in order.
fn chart_ranges(xlsx: &Path) -> Vec<(String, Vec<String>)> {
    let parts = unzip(xlsx);
    let mut names: Vec<&String> = parts
        .keys()
        .filter(|k| k.starts_with("xl/charts/chart"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let xml = &parts[name];
            let ranges = xml
                .split("<c:f>")
                .skip(1)
                .map(|s| s.split("</c:f>").next().unwrap().to_owned())
                .collect();
            (xml.clone(), ranges)
        })
        .collect()
}

#[test]
fn the_workbooks_chart_last_years_changes_and_the_targets_completion() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let run = gongwen(&[
        "build",
        "data/zhangjiakou-work-report-2020.yaml",
        "-o",
        path_str(&out),
        "--format",
        "csv,xlsx",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let stem = "zhangjiakou-work-report-2020";
    let metrics = read_csv(&out.join(format!("{stem}-metrics.csv")));
    let changed: Vec<&Vec<String>> = metrics[1..].iter().filter(|r| !r[4].is_empty()).collect();
    let targets = read_csv(&out.join(format!("{stem}-targets.csv")));
    assert!(changed.len() >= 2 && targets.len() >= 3);
    let xlsx = out.join(format!("{stem}.xlsx"));
    let charts = chart_ranges(&xlsx);
    assert_eq!(charts.len(), 2, "{charts:?}");
    let completion = charts
        .iter()
        .find(|(xml, _)| xml.contains("目标完成率"))
        .unwrap();
    let last = 2 + targets.len() - 1;
    assert_eq!(
        completion.1,
        [
            "目标完成情况!$F$2".to_owned(),
            format!("目标完成情况!$A$3:$A${last}"),
            format!("目标完成情况!$F$3:$F${last}"),
        ]
    );
    let change = charts
        .iter()
        .find(|(xml, _)| xml.contains("主要指标同比增减"))
        .unwrap();
    let last = 2 + changed.len();
    assert_eq!(
        change.1,
        [
            "同比增减!$E$2".to_owned(),
            format!("同比增减!$A$3:$A${last}"),
            format!("同比增减!$E$3:$E${last}"),
        ]
    );
    // The charted cells are the CSVs' figures.
    let book = xlsx_sheets(&xlsx);
    let sheet = |name: &str| &book.iter().find(|(n, _)| n == name).unwrap().1;
    for (row, want) in sheet("同比增减")[2..].iter().zip(&changed) {
        assert_eq!(row[0], want[0]);
        let stored: f64 = row[4].parse().unwrap();
        let printed: f64 = want[4].parse().unwrap();
        assert!((stored * 100.0 - printed).abs() < 1e-9, "{row:?} {want:?}");
    }
    for (row, want) in sheet("目标完成情况")[2..].iter().zip(&targets[1..]) {
        assert_eq!(row[0], want[0]);
    }
    // LibreOffice Calc opens them: the charts' titles are on its pages.
    let lo = dir.path().join("lo");
    fs::create_dir(&lo).unwrap();
    soffice_to_pdf(&[xlsx], &lo);
    let text = squeezed_pdf_text(&lo.join(format!("{stem}.pdf")));
    for title in ["主要指标同比增减(%)", "目标完成率(%)"] {
        assert!(text.contains(title), "{title} in {text}");
    }
}

#[test]
fn by_unit_writes_each_unit_its_task_list_in_the_standard_layout() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let stem = "zhangjiakou-plan-2018-2020";
    let build = |extra: &[&str]| {
        let mut args = vec![
            "build",
            "data/zhangjiakou-plan-2018-2020.yaml",
            "-o",
            path_str(&out),
            "--format",
            "md,csv,xlsx,pdf,docx",
        ];
        args.extend(extra);
        gongwen(&args)
    };
    let run = build(&["--by-unit"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let units = read_csv(&out.join(format!("{stem}-units.csv")));
    let book = xlsx_sheets(&out.join(format!("{stem}.xlsx")));
    for unit in &units[1..] {
        let name = format!("{stem}-{}", unit[0]);
        let md = fs::read_to_string(out.join(format!("{name}.md"))).unwrap();
        assert!(
            md.contains(&format!("# {}任务清单 {{.attachment .landscape}}", unit[0])),
            "{md}"
        );
        assert!(
            md.contains(&format!("牵头{}项、参与{}项", unit[1], unit[3])),
            "{md}"
        );
        // Its rows are the unit's sheet: the tasks numbered as in the plan.
        let rows: Vec<Vec<String>> = md
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| 序号"))
            .map(|l| {
                l.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().to_owned())
                    .collect()
            })
            .collect();
        let (_, sheet) = book.iter().find(|(n, _)| *n == unit[0]).unwrap();
        assert_eq!(rows.len(), sheet.len() - 2, "{name}");
        for (row, cells) in rows.iter().zip(&sheet[2..]) {
            assert_eq!(row[..4], cells[..4], "{name}");
        }
        // The layout of every sample: A4 landscape pages, page numbers, the grid.
        let pdf = out.join(format!("{name}.pdf"));
        common::geometry::check_pages(&name, &pdf, &md, common::geometry::TYPST_GRID);
        let text = squeezed_pdf_text(&pdf);
        assert!(
            text.starts_with(&format!("附件{}任务清单", unit[0])),
            "{text}"
        );
        assert!(out.join(format!("{name}.docx")).exists());
        // A unit's list has no CSV or workbook of its own.
        assert!(!out.join(format!("{name}.xlsx")).exists());
    }
    // Built again only with the plan: unchanged now; without --by-unit the plan is built
    // again (its outputs differ), and the lists stay as they were.
    let run = build(&["--by-unit"]);
    assert!(
        stderr(&run).contains("0 built, 1 unchanged"),
        "{}",
        stderr(&run)
    );
    let run = build(&[]);
    assert!(
        stderr(&run).contains("1 built, 0 unchanged"),
        "{}",
        stderr(&run)
    );
    assert!(out.join(format!("{stem}-{}.pdf", units[1][0])).exists());
}

#[test]
fn charts_are_an_attachment_of_the_pdf_only_when_asked() {
    let dir = temp_dir();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    for name in [
        "zhangjiakou-work-report-2020.yaml",
        "zhangjiakou-plan-2018-2020.yaml",
    ] {
        fs::copy(manifest_dir().join("data").join(name), data.join(name)).unwrap();
    }
    // Data is text in a chart too.
    edit(
        &data.join("zhangjiakou-work-report-2020.yaml"),
        &[(
            "name: 全市高新技术企业\n",
            "name: \"#*$<全市高新技术企业\"\n",
        )],
    );
    let stem = "zhangjiakou-work-report-2020";
    let out = dir.path().join("out");
    let build = |extra: &[&str]| {
        let mut args = vec![
            "build",
            path_str(&data),
            "-o",
            path_str(&out),
            "--format",
            "md,csv,pdf,docx",
        ];
        args.extend(extra);
        let run = gongwen(&args);
        assert!(run.status.success(), "{}", stderr(&run));
        fs::read_to_string(out.join(format!("{stem}.md"))).unwrap()
    };
    // Off by default: no chart, no attachment.
    let plain = build(&[]);
    assert!(
        !plain.contains("gongwen-chart") && !plain.contains("attachments:"),
        "{plain}"
    );

    let markdown = build(&["--charts"]);
    assert!(
        markdown.contains("attachments: [\"主要指标图表\"]"),
        "{markdown}"
    );
    let metrics = read_csv(&out.join(format!("{stem}-metrics.csv")));
    let targets = read_csv(&out.join(format!("{stem}-targets.csv")));
    let pdf = out.join(format!("{stem}.pdf"));
    let pages: usize = poppler("pdfinfo", &[], &pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let last = poppler(
        "pdftotext",
        &["-f", &pages.to_string(), "-l", &pages.to_string()],
        &pdf,
    );
    let last: String = last.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        last.starts_with("附件1主要指标图表主要指标同比增减（%）"),
        "{last}"
    );
    // Every figure with a change, and every target, with its number as the CSVs print it.
    for row in metrics[1..].iter().filter(|r| !r[4].is_empty()) {
        assert!(
            last.contains(&row[0]) && last.contains(&row[4]),
            "{row:?} in {last}"
        );
    }
    assert!(last.contains("#*$<全市高新技术企业"), "{last}");
    assert!(last.contains("目标完成率（%）"));
    for row in &targets[1..] {
        assert!(last.contains(&row[5]), "{row:?} in {last}");
    }
    // The bars stay inside the type area (156 mm from 28 mm): at 72 dpi, no dark pixel of
    // the page outside it, the page number aside.
    let ppm = dir.path().join("page");
    let status = std::process::Command::new("pdftoppm")
        .args([
            "-r",
            "72",
            "-gray",
            "-f",
            &pages.to_string(),
            "-l",
            &pages.to_string(),
        ])
        .arg(&pdf)
        .arg(&ppm)
        .status()
        .unwrap();
    assert!(status.success());
    let image = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("page") && p.extension().is_some_and(|e| e == "pgm"))
        .unwrap();
    let bytes = fs::read(&image).unwrap();
    let (w, h, pixels) = netpbm(&bytes);
    let mm: f64 = 72.0 / 25.4;
    let (left, right) = ((28.0 * mm) as usize, ((28.0 + 156.0) * mm).ceil() as usize);
    let foot = ((37.0 + 225.0) * mm) as usize;
    let mut dark_rows = 0;
    for y in 0..foot.min(h) {
        let row = &pixels[y * w..(y + 1) * w];
        for (x, &v) in row.iter().enumerate() {
            if v < 100 {
                assert!(x + 1 >= left && x <= right + 1, "a dark pixel at {x},{y}");
            }
        }
        // A bar is a run of dark pixels wider than any character.
        let run = row.windows(40).any(|win| win.iter().all(|&v| v < 100));
        dark_rows += usize::from(run);
    }
    assert!(dark_rows > 20, "{dark_rows} rows with bars");
    // The DOCX has the charts' figures as tables, under their titles.
    let docx = unzip(&out.join(format!("{stem}.docx")));
    let document = &docx["word/document.xml"];
    assert!(document.contains(">主要指标同比增减（%）<"), "{document}");
    assert!(document.contains(">#*$&lt;全市高新技术企业<"));
    // The Markdown is drawn again by `gongwen pdf` as it was.
    let again = dir.path().join("again.pdf");
    let run = gongwen(&[
        "pdf",
        path_str(&out.join(format!("{stem}.md"))),
        "-o",
        path_str(&again),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(squeezed_pdf_text(&again), squeezed_pdf_text(&pdf));
}
