//! The GB/T 9704 geometry of every sample, measured from the PDF's text positions: A4, the
//! type area, 22 rows a full page on one grid, 28 characters a full line, nothing left of
//! the left margin, page numbers, the 版记 at the foot of the last page, balanced titles.

mod common;

use std::fs;

use common::geometry::*;
use common::*;

/// Every sample of `data/`, built once to Markdown and PDF.
fn samples() -> (tempfile::TempDir, Vec<String>) {
    let dir = build_into_temp("data", "md,pdf");
    let mut stems: Vec<String> = entries(dir.path())
        .into_iter()
        .filter_map(|n| n.strip_suffix(".pdf").map(str::to_owned))
        .collect();
    stems.sort();
    assert!(stems.len() >= 7, "{stems:?}");
    (dir, stems)
}

#[test]
fn every_sample_keeps_the_standard_geometry() {
    let (dir, stems) = samples();
    for stem in &stems {
        let md = fs::read_to_string(dir.path().join(format!("{stem}.md"))).unwrap();
        check_pages(
            stem,
            &dir.path().join(format!("{stem}.pdf")),
            &md,
            TYPST_GRID,
        );
    }
}

#[test]
fn the_colophon_ends_at_the_foot_of_the_last_page_whole() {
    let (dir, stems) = samples();
    let seen = stems
        .iter()
        .filter(|stem| colophon_at_the_foot(stem, &dir.path().join(format!("{stem}.pdf"))))
        .count();
    assert!(seen >= 3, "samples with a 版记: {seen}");
}

#[test]
fn titles_break_at_words_in_a_balanced_shape() {
    let (dir, stems) = samples();
    for stem in &stems {
        let pages = pages(&dir.path().join(format!("{stem}.pdf")));
        let title: Vec<&Line> = pages[0].iter().filter(|l| is_title(l)).collect();
        assert!(!title.is_empty(), "{stem}: no title line");
        let widths: Vec<f64> = title.iter().map(|l| l.right - l.left).collect();
        let longest = widths.iter().copied().fold(0.0, f64::max);
        for (line, width) in title.iter().zip(&widths) {
            assert!(*width * 3.0 >= longest, "{stem}: {title:?}");
            assert!(
                line.text.replace(' ', "").chars().count() > 1,
                "{stem}: {title:?}"
            );
            // Centred in the type area, a landscape one on a document that is itself a
            // landscape attachment (the 办理情况汇总表).
            let middle = (line.left + line.right) / 2.0;
            let centre = match landscape(&dir.path().join(format!("{stem}.pdf")))[0] {
                true => LANDSCAPE_LEFT + HEIGHT / 2.0,
                false => LEFT + WIDTH / 2.0,
            };
            assert!((middle - centre).abs() < 1.5, "{stem}: {line:?}");
        }
        for pair in title.windows(2) {
            let (end, start) = (pair[0].text.replace(' ', ""), pair[1].text.replace(' ', ""));
            assert!(!end.ends_with('第'), "{stem}: `{end}` / `{start}`");
            let split_number = end.chars().last().is_some_and(|c| c.is_ascii_digit())
                && start.chars().next().is_some_and(|c| c.is_ascii_digit());
            assert!(!split_number, "{stem}: `{end}` / `{start}`");
        }
    }
}

#[test]
fn the_author_can_break_the_title_and_the_lines_must_read_as_it() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    let report = data.join("report.yaml");
    edit(
        &report,
        &[(
            "year: 2024\n",
            "year: 2024\ntitle_lines: [2024年科技创新工作, 总结和2025年工作计划]\n",
        )],
    );
    let out = gongwen_in(root.path(), &["build", "--format", "pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pages = pages(&root.path().join("out/report.pdf"));
    let title: Vec<String> = pages[0]
        .iter()
        .filter(|l| is_title(l))
        .map(|l| l.text.replace(' ', ""))
        .collect();
    assert_eq!(title, ["2024年科技创新工作", "总结和2025年工作计划"]);

    edit(
        &report,
        &[("总结和2025年工作计划]", "总结和2026年工作计划]")],
    );
    let out = gongwen_in(root.path(), &["validate", "data/report.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let found = diagnostics(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(":4:15: error: the title lines read `2024年科技创新工作总结和2026年工作计划`, not the title `2024年科技创新工作总结和2025年工作计划`"),
        "{found:?}"
    );
}

/// The row of the grid a line's box bottom sits on (the 0th is the type area's first).
fn grid_row(line: &Line) -> f64 {
    (line.bottom - TYPST_GRID.first_row) / PITCH
}

fn find<'l>(page: &'l [Line], text: &str) -> &'l Line {
    page.iter()
        .find(|l| l.text.replace(' ', "").contains(text))
        .unwrap_or_else(|| panic!("`{text}` not in {page:#?}"))
}

#[test]
fn the_header_elements_sit_where_the_standard_puts_them() {
    let (dir, _) = samples();
    // 文件格式, a joint issuance: 份号 and 紧急程度 in the first rows at the left edge; the
    // mark 35 mm under the type area's top, centred; the number two rows under the mark,
    // centred, on the grid; the title two rows under the number.
    let page = &pages(&dir.path().join("notice-2024-sme-evaluation.pdf"))[0];
    let copy = find(page, "000128");
    assert!(
        (copy.left - LEFT).abs() < 0.5 && grid_row(copy).abs() < 0.05,
        "{copy:?}"
    );
    let urgency = find(page, "加急");
    assert!(
        (urgency.left - LEFT).abs() < 0.5 && (grid_row(urgency) - 1.0).abs() < 0.05,
        "{urgency:?}"
    );
    let mark = find(page, "石家庄市科学技术局");
    assert!((mark.top - (TOP + 35.0 * MM)).abs() < 3.0, "{mark:?}");
    let second = find(page, "石家庄市财政局");
    assert!(
        second.top > mark.bottom,
        "joint organs one under the other: {second:?}"
    );
    let number = find(page, "石科字〔2024〕8号");
    let middle = (number.left + number.right) / 2.0;
    assert!((middle - (LEFT + WIDTH / 2.0)).abs() < 1.0, "{number:?}");
    let number_row = grid_row(number);
    assert!((number_row - number_row.round()).abs() < 0.05, "{number:?}");
    assert!(
        number.top - second.bottom > 2.0 * PITCH - 16.0,
        "two rows under the mark: {number:?}"
    );
    let title = page
        .iter()
        .filter(|l| is_title(l))
        .min_by(|a, b| a.top.total_cmp(&b.top))
        .unwrap();
    // Rows n+1 and n+2 stay empty: the title's first row is n+3.
    assert!(
        (title.top - (number.bottom - 16.0 + 3.0 * PITCH)).abs() < 1.0,
        "{title:?}"
    );

    // An upward document: the number one cell in from the left, 签发人 one cell in from the
    // right, on the same row.
    let page = &pages(&dir.path().join("zhangjiakou-work-report-2020.pdf"))[0];
    let cell = WIDTH / 28.0;
    let number = find(page, "张科报〔2020〕36号");
    let signer = find(page, "签发人：王建国");
    assert!((number.left - (LEFT + cell)).abs() < 1.0, "{number:?}");
    assert!(
        (signer.right - (LEFT + WIDTH - cell)).abs() < 1.0,
        "{signer:?}"
    );
    assert!(
        (number.bottom - signer.bottom).abs() < 0.5,
        "{number:?} {signer:?}"
    );

    // 信函格式: the organ's full name 30 mm from the page's top edge; the number at the
    // right edge under the double rule, level with the first mark at the left.
    let page = &pages(&dir.path().join("suggestion-reply-b.pdf"))[0];
    let mark = find(page, "某市科学技术局");
    assert!((mark.top - 30.0 * MM).abs() < 3.0, "{mark:?}");
    let number = find(page, "某科建字〔2024〕第7号");
    assert!((number.right - (LEFT + WIDTH)).abs() < 1.0, "{number:?}");
    let marks = find(page, "是否同意公开");
    assert!((marks.left - LEFT).abs() < 0.5 && (marks.bottom - number.bottom).abs() < 0.5);
    assert!(marks.top > mark.bottom + 4.0 * MM, "{marks:?}");
}

#[test]
fn printing_on_letterhead_leaves_the_mark_blank_and_the_rest_in_place() {
    let (dir, _) = samples();
    let plain = &pages(&dir.path().join("notice-2024-sme-evaluation.pdf"))[0];
    let out_dir = temp_dir();
    let out = gongwen(&[
        "build",
        "data/notice-2024-sme-evaluation.yaml",
        "--format",
        "pdf",
        "--print-on-letterhead",
        "-o",
        path_str(out_dir.path()),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let blank = &pages(&out_dir.path().join("notice-2024-sme-evaluation.pdf"))[0];
    assert!(!blank.iter().any(|l| l.text.contains("文件")), "{blank:#?}");
    for text in ["000128", "石科字〔2024〕8号", "关于做好2024年度"] {
        let (a, b) = (find(plain, text), find(blank, text));
        assert_eq!((a.left, a.bottom), (b.left, b.bottom), "{text}");
    }
}

#[test]
fn copy_number_secrecy_and_urgency_stand_in_that_order_at_the_top_left() {
    let root = temp_dir();
    let data = data_folder(root.path(), "report.yaml");
    edit(
        &data.join("report.yaml"),
        &[(
            "year: 2024\n",
            "year: 2024\ndoc_number: 测科〔2024〕5号\nheader:\n  issuers: [测试县科学技术局]\n  copy_number: \"000007\"\n  secrecy: 秘密★1年\n  urgency: 特急\n",
        )],
    );
    let out = gongwen_in(root.path(), &["build", "--format", "pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = &pages(&root.path().join("out/report.pdf"))[0];
    for (row, text) in ["000007", "秘密★1年", "特急"].iter().enumerate() {
        let line = find(page, text);
        assert!((line.left - LEFT).abs() < 0.5, "{line:?}");
        assert!(
            (grid_row(line) - row as f64).abs() < 0.05,
            "{text} on row {row}: {line:?}"
        );
    }
    let mark = find(page, "测试县科学技术局文件");
    assert!((mark.top - (TOP + 35.0 * MM)).abs() < 3.0, "{mark:?}");
    // A wrong 份号 and 紧急程度 are reported at their places.
    edit(
        &data.join("report.yaml"),
        &[("\"000007\"", "\"7\""), ("urgency: 特急", "urgency: 很急")],
    );
    let out = gongwen_in(root.path(), &["validate", "data"]);
    assert_eq!(out.status.code(), Some(1));
    let found = diagnostics(&out);
    assert!(
        found[0].contains(":7:16: error: copy number `7` is not six digits"),
        "{found:?}"
    );
    assert!(
        found[1].contains(":9:12: error: urgency `很急` is not 特急 or 加急"),
        "{found:?}"
    );
}

#[test]
fn the_signature_never_opens_a_page_without_body_text() {
    let (dir, stems) = samples();
    for stem in &stems {
        let md = fs::read_to_string(dir.path().join(format!("{stem}.md"))).unwrap();
        // A document that is itself an attachment has no 落款.
        if md.contains("\nas_attachment: true\n") {
            continue;
        }
        let organ = md
            .lines()
            .find_map(|l| {
                l.strip_prefix("signature: ")
                    .or_else(|| l.strip_prefix("organ: "))
            })
            .unwrap()
            .trim_matches('"')
            .to_owned();
        let pages = pages(&dir.path().join(format!("{stem}.pdf")));
        // The signing organ: the last line reading it, set towards the right edge.
        let (page, line) = pages
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.iter().map(move |l| (i, l)))
            .rfind(|(_, l)| l.text.replace(' ', "") == organ && l.left > LEFT + WIDTH / 3.0)
            .unwrap_or_else(|| panic!("{stem}: no signature `{organ}`"));
        let body_above = pages[page]
            .iter()
            .any(|l| l.bottom < line.top && !is_title(l) && l.left < LEFT + WIDTH / 3.0);
        assert!(body_above, "{stem}: the signature opens page {}", page + 1);
    }
}
