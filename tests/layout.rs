//! The GB/T 9704 geometry of every sample, measured from the PDF's text positions: A4, the
//! type area, 22 rows a full page on one grid, 28 characters a full line, nothing left of
//! the left margin, page numbers, the 版记 at the foot of the last page, balanced titles.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const MM: f64 = 72.0 / 25.4;
const LEFT: f64 = 28.0 * MM;
const TOP: f64 = 37.0 * MM;
const WIDTH: f64 = 156.0 * MM;
const HEIGHT: f64 = 225.0 * MM;
const PITCH: f64 = HEIGHT / 22.0;
/// A body row's baseline box ends 16 pt below its top (the line box is the body size).
const FIRST_ROW: f64 = TOP + 16.0;
const TOLERANCE: f64 = 0.6;
/// Punctuation that may not begin a line, and that may not end one.
const CLOSING: &str = "，。、；：！？）》”’〕】」』〗…—";
const OPENING: &str = "（《“‘〔【「『〖";

/// A line of a page as `pdftotext -bbox-layout` gives it.
#[derive(Debug, Clone)]
struct Line {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    text: String,
}

fn pages(pdf: &Path) -> Vec<Vec<Line>> {
    let html = poppler("pdftotext", &["-bbox-layout"], pdf);
    let attr = |tag: &str, key: &str| -> f64 {
        let start = tag.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        tag[start..start + tag[start..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    // Words are joined with a space: a line of Chinese text alone is one word.
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<line ")
                .skip(1)
                .map(|line| {
                    let tag = &line[..line.find('>').unwrap()];
                    let text: String = line
                        .split("<word ")
                        .skip(1)
                        .map(|w| &w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()])
                        .collect::<Vec<_>>()
                        .join(" ");
                    Line {
                        left: attr(tag, "xMin"),
                        right: attr(tag, "xMax"),
                        top: attr(tag, "yMin"),
                        bottom: attr(tag, "yMax"),
                        text: text.replace("&amp;", "&"),
                    }
                })
                .collect::<Vec<Line>>()
        })
        .map(rows_of)
        .collect()
}

/// Which pages are landscape (an attachment's wide table).
fn landscape(pdf: &Path) -> Vec<bool> {
    let html = poppler("pdftotext", &["-bbox-layout"], pdf);
    html.split("<page ")
        .skip(1)
        .map(|page| {
            let number = |key: &str| -> f64 {
                let start = page.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
                page[start..start + page[start..].find('"').unwrap()]
                    .parse()
                    .unwrap()
            };
            number("width") > number("height")
        })
        .collect()
}

/// pdftotext may cut one row into several lines: they are merged, left to right.
fn rows_of(mut lines: Vec<Line>) -> Vec<Line> {
    lines.sort_by(|a, b| {
        a.bottom
            .total_cmp(&b.bottom)
            .then(a.left.total_cmp(&b.left))
    });
    let mut rows: Vec<Line> = Vec::new();
    for line in lines {
        match rows.last_mut() {
            Some(row) if (row.bottom - line.bottom).abs() < 1.0 => {
                row.right = row.right.max(line.right);
                row.text = format!("{} {}", row.text, line.text);
            }
            _ => rows.push(line),
        }
    }
    rows
}

/// The grid row (0 to 21) of a baseline box bottom, if it is on the grid.
fn row(bottom: f64) -> Option<usize> {
    let k = (bottom - FIRST_ROW) / PITCH;
    let nearest = k.round();
    ((k - nearest).abs() * PITCH < TOLERANCE && (0.0..22.0).contains(&nearest))
        .then_some(nearest as usize)
}

/// Han characters with only `，。、；：！？` between them.
fn is_plain(text: &str) -> bool {
    text.chars()
        .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || "，。、；：！？".contains(c))
}

/// A title line: set in 2号 (22 pt), taller than the body's 3号 (16 pt) and smaller than the
/// 版头's organ mark.
fn is_title(line: &Line) -> bool {
    (19.0..26.0).contains(&(line.bottom - line.top))
}

fn is_page_number(line: &Line) -> bool {
    line.bottom > TOP + HEIGHT && line.text.starts_with('—')
}

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

/// The cell texts of the Markdown's tables: table rows keep their own geometry.
fn cells(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('|'))
        .flat_map(|l| l.split('|').map(|c| c.trim().replace('\\', "")))
        .filter(|c| !c.is_empty() && !c.starts_with("--") && !c.starts_with(":-"))
        .collect()
}

/// A row of a table: its first part begins a cell's text (a cell's text may wrap).
fn is_table_row(line: &Line, cells: &[String]) -> bool {
    let first = line.text.split(' ').next().unwrap_or("");
    !first.is_empty()
        && cells.iter().any(|c| {
            c.starts_with(first) || (first.starts_with(c.as_str()) && first.chars().count() < 12)
        })
}

/// The heading texts of a Markdown body (`#` to `####`).
fn headings(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().replace('\\', ""))
        // A heading's attributes (`{.table-title}`) are not part of its text.
        .map(|l| l.split(" {.").next().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn every_sample_keeps_the_standard_geometry() {
    let (dir, stems) = samples();
    for stem in &stems {
        let pdf = dir.path().join(format!("{stem}.pdf"));
        let info = poppler("pdfinfo", &[], &pdf);
        assert!(info.contains("595.276 x 841.89 pts (A4)"), "{stem}: {info}");
        let md = fs::read_to_string(dir.path().join(format!("{stem}.md"))).unwrap();
        let headings = headings(&md);
        let cells = cells(&md);
        let pages = pages(&pdf);
        let landscape = landscape(&pdf);
        for (i, page) in pages.iter().enumerate() {
            let n = i + 1;
            // A landscape attachment page keeps the page numbering; its table has its own rows.
            if landscape[i] {
                let lowest = page
                    .iter()
                    .max_by(|a, b| a.bottom.total_cmp(&b.bottom))
                    .unwrap();
                assert_eq!(
                    lowest.text.replace(' ', ""),
                    format!("—{n}—"),
                    "{stem} p{n}"
                );
                continue;
            }
            let (numbers, body): (Vec<&Line>, Vec<&Line>) =
                page.iter().partition(|l| is_page_number(l));
            // The page number: `— N —`, odd pages right and even pages left, one character in;
            // none on the first page of a letter (信函格式).
            if n == 1 && md.contains("\nform: \"letter\"\n") {
                assert!(numbers.is_empty(), "{stem} p{n}: {numbers:?}");
                continue;
            }
            assert_eq!(numbers.len(), 1, "{stem} p{n}: {numbers:?}");
            let number = numbers[0];
            assert_eq!(
                number.text.replace(' ', ""),
                format!("—{n}—"),
                "{stem} p{n}"
            );
            if n % 2 == 1 {
                assert!(
                    (LEFT + WIDTH - 14.0 - number.right).abs() < 1.5,
                    "{stem} p{n}: {number:?}"
                );
            } else {
                assert!(
                    (number.left - LEFT - 14.0).abs() < 1.5,
                    "{stem} p{n}: {number:?}"
                );
            }
            for (k, line) in body.iter().enumerate() {
                // Nothing left of the left margin (a bracket's glyph box may reach 0.7 pt
                // past its cell; typst's own line-start trimming hung it 8 pt); nothing under
                // the type area.
                assert!(line.left > LEFT - 1.0, "{stem} p{n}: {line:?}");
                assert!(
                    line.bottom < TOP + HEIGHT + TOLERANCE,
                    "{stem} p{n}: {line:?}"
                );
                // A full line of Chinese text holds 28 characters (26 after the indent). Counted
                // on lines of Han characters and plain punctuation only: quotes, brackets,
                // dashes and Western text have widths of their own.
                let chars = line.text.chars().count();
                if line.right > LEFT + WIDTH - 2.0 && is_plain(&line.text) && !is_title(line) {
                    let expected = if line.left > LEFT + 20.0 { 26 } else { 28 };
                    // One character fewer where the line-start rule moved the last one down
                    // (the next row would otherwise begin with closing punctuation, or this one
                    // end with opening punctuation).
                    let next: Vec<char> = body
                        .get(k + 1)
                        .map_or(Vec::new(), |l| l.text.chars().collect());
                    let moved_down = next.get(1).is_some_and(|c| CLOSING.contains(*c))
                        || next.first().is_some_and(|c| OPENING.contains(*c));
                    // A number or Western word that did not fit is never split: the line
                    // stops short of it.
                    let word_next = next.first().is_some_and(char::is_ascii_alphanumeric);
                    assert!(
                        chars == expected
                            || (chars + 1 == expected && moved_down)
                            || (chars < expected && word_next),
                        "{stem} p{n}: {chars} characters in {line:?}"
                    );
                }
            }
            // Below the first page's title, every row sits on the grid of 22.
            let on_grid: Vec<usize> = body.iter().filter_map(|l| row(l.bottom)).collect();
            let last = body.iter().map(|l| l.bottom).fold(0.0, f64::max);
            // The rows of a table, from its first to its last (a cell's text may wrap).
            let table_rows: Vec<f64> = body
                .iter()
                .filter(|l| is_table_row(l, &cells))
                .map(|l| l.bottom)
                .collect();
            let in_table = |line: &Line| {
                table_rows.len() > 1
                    && line.bottom >= table_rows.iter().copied().fold(f64::MAX, f64::min)
                    && line.bottom <= table_rows.iter().copied().fold(0.0, f64::max)
            };
            if n > 1 {
                for line in &body {
                    let in_colophon = line.text.starts_with("抄送") || line.text.ends_with("印发");
                    assert!(
                        row(line.bottom).is_some() || in_colophon || in_table(line),
                        "{stem} p{n}: off the grid: {line:?}"
                    );
                }
            }
            // A page followed by another is full (22 rows), unless the next starts with a
            // heading, which is kept with its first line.
            if let Some(next) = pages.get(i + 1) {
                let next_first = next
                    .iter()
                    .filter(|l| !is_page_number(l))
                    .min_by(|a, b| a.bottom.total_cmp(&b.bottom))
                    .map_or("", |l| l.text.as_str());
                let next_first = next_first.replace(' ', "");
                let heading_next = headings.iter().any(|h| next_first.starts_with(h.as_str()));
                // A table's rows are kept whole: the page may end early before one.
                // An attachment starts on a page of its own.
                let attachment_next = landscape[i + 1] || next_first.starts_with("附件");
                let table_next = next.iter().any(|l| is_table_row(l, &cells)) || attachment_next;
                // After the signature, the notes and the 版记 are kept whole.
                let after_signature = ["领导签发", "联系人及电话"]
                    .iter()
                    .any(|note| next_first.starts_with(note));
                let full = on_grid.contains(&21) || table_next || after_signature;
                assert!(
                    full || heading_next
                        || next
                            .iter()
                            .all(|l| is_page_number(l) || l.text.starts_with("抄送")),
                    "{stem} p{n}: ends at {last:.1} with the next page starting `{next_first}`"
                );
            }
        }
    }
}

#[test]
fn the_colophon_ends_at_the_foot_of_the_last_page_whole() {
    let (dir, stems) = samples();
    let mut seen = 0;
    for stem in &stems {
        let pages = pages(&dir.path().join(format!("{stem}.pdf")));
        // The 版记's rows: 抄送 and 印发机关/印发日期.
        let rows: Vec<(usize, &Line)> = pages
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.iter().map(move |l| (i, l)))
            .filter(|(_, l)| {
                let text = l.text.replace(' ', "");
                text.starts_with("抄送：") || text.ends_with("印发")
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        seen += 1;
        let last_page = pages.len() - 1;
        assert!(
            rows.iter().all(|(p, _)| *p == last_page),
            "{stem}: 版记 split: {rows:?}"
        );
        let last = rows.iter().map(|(_, l)| l.bottom).fold(0.0, f64::max);
        // Its last row is the type area's last: the rule under it is the area's bottom edge.
        assert!(
            TOP + HEIGHT - last < PITCH,
            "{stem}: the 版记 ends at {last:.1}, the type area at {:.1}",
            TOP + HEIGHT
        );
        let lowest = pages[last_page]
            .iter()
            .filter(|l| !is_page_number(l))
            .map(|l| l.bottom)
            .fold(0.0, f64::max);
        assert_eq!(lowest, last, "{stem}: text under the 版记");
    }
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
            // Centred.
            let middle = (line.left + line.right) / 2.0;
            assert!(
                (middle - (LEFT + WIDTH / 2.0)).abs() < 1.5,
                "{stem}: {line:?}"
            );
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
    (line.bottom - FIRST_ROW) / PITCH
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
