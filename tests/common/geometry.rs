//! The GB/T 9704 page geometry read back from a PDF's text positions (`pdftotext
//! -bbox-layout`): the same rules measure gongwen's typst PDF and LibreOffice's PDF of the DOCX.

use std::path::Path;

use super::poppler;

pub const MM: f64 = 72.0 / 25.4;
pub const LEFT: f64 = 28.0 * MM;
pub const TOP: f64 = 37.0 * MM;
pub const WIDTH: f64 = 156.0 * MM;
pub const HEIGHT: f64 = 225.0 * MM;
pub const PITCH: f64 = HEIGHT / 22.0;
pub const TOLERANCE: f64 = 0.6;
/// Punctuation that may not begin a line, and that may not end one.
pub const CLOSING: &str = "，。、；：！？）》”’〕】」』〗…—";
pub const OPENING: &str = "（《“‘〔【「『〖";

/// A line of a page as `pdftotext -bbox-layout` gives it.
#[derive(Debug, Clone)]
pub struct Line {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub text: String,
}

/// A number attribute of a `pdftotext -bbox` tag.
fn attr(tag: &str, key: &str) -> f64 {
    let start = tag.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
    tag[start..start + tag[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

/// The words of every page with their boxes, not merged into rows (`pdftotext -bbox`).
pub fn words(pdf: &Path) -> Vec<Vec<Line>> {
    let html = poppler("pdftotext", &["-bbox"], pdf);
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .map(|w| {
                    let tag = &w[..w.find('>').unwrap()];
                    Line {
                        left: attr(tag, "xMin"),
                        right: attr(tag, "xMax"),
                        top: attr(tag, "yMin"),
                        bottom: attr(tag, "yMax"),
                        text: w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()].to_owned(),
                    }
                })
                .collect()
        })
        .collect()
}

pub fn pages(pdf: &Path) -> Vec<Vec<Line>> {
    let html = poppler("pdftotext", &["-bbox-layout"], pdf);
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
pub fn landscape(pdf: &Path) -> Vec<bool> {
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
pub fn rows_of(mut lines: Vec<Line>) -> Vec<Line> {
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

/// The grid row (0 to 21) of a baseline box bottom, if it is on the grid of rows `pitch`
/// apart whose first ends at `first_row`.
pub fn row_on_grid(bottom: f64, first_row: f64, pitch: f64) -> Option<usize> {
    let k = (bottom - first_row) / pitch;
    let nearest = k.round();
    ((k - nearest).abs() * pitch < TOLERANCE && (0.0..22.0).contains(&nearest))
        .then_some(nearest as usize)
}

/// Han characters with only `，。、；：！？` between them.
pub fn is_plain(text: &str) -> bool {
    text.chars()
        .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || "，。、；：！？".contains(c))
}

/// A title line: set in 2号 (22 pt), taller than the body's 3号 (16 pt) and smaller than the
/// 版头's organ mark.
pub fn is_title(line: &Line) -> bool {
    (19.0..26.0).contains(&(line.bottom - line.top))
}

pub fn is_page_number(line: &Line) -> bool {
    line.bottom > TOP + HEIGHT && line.text.starts_with('—')
}

/// Where a producer's rows fall: the bottom of the first row's text box and the pitch.
#[derive(Clone, Copy)]
pub struct Grid {
    pub first_row: f64,
    pub pitch: f64,
}

/// typst sets the rows 225/22 mm apart; a body row's baseline box ends 16 pt below its top.
pub const TYPST_GRID: Grid = Grid {
    first_row: TOP + 16.0,
    pitch: PITCH,
};

impl Grid {
    pub fn row(&self, bottom: f64) -> Option<usize> {
        row_on_grid(bottom, self.first_row, self.pitch)
    }
}

/// The cell texts of the Markdown's tables: table rows keep their own geometry.
pub fn cells(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('|'))
        .flat_map(|l| l.split('|').map(|c| c.trim().replace('\\', "")))
        .filter(|c| !c.is_empty() && !c.starts_with("--") && !c.starts_with(":-"))
        .collect()
}

/// A row of a table: its first part begins a cell's text (a cell's text may wrap).
pub fn is_table_row(line: &Line, cells: &[String]) -> bool {
    let first = line.text.split(' ').next().unwrap_or("");
    !first.is_empty()
        && cells.iter().any(|c| {
            c.starts_with(first) || (first.starts_with(c.as_str()) && first.chars().count() < 12)
        })
}

/// The heading texts of a Markdown body (`#` to `####`).
pub fn headings(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().replace('\\', ""))
        // A heading's attributes (`{.table-title}`) are not part of its text.
        .map(|l| l.split(" {.").next().unwrap_or("").to_owned())
        .collect()
}

/// A landscape page's number stands where the portrait pages have theirs, turned with the
/// page: seen landscape, in the left margin 7 mm off the type area, an odd page's at the
/// bottom and an even page's at the top, one character in; its characters stacked top to
/// bottom.
pub fn check_turned_page_number(stem: &str, pdf: &Path, n: usize, tolerance: f64) {
    let words = &words(pdf)[n - 1];
    let number: Vec<&Line> = words
        .iter()
        .filter(|w| w.right < LANDSCAPE_LEFT && (w.text == "—" || w.text == n.to_string()))
        .collect();
    assert_eq!(number.len(), 3, "{stem} p{n}: {number:?}");
    let (top, bottom) = (
        number.iter().map(|w| w.top).fold(f64::MAX, f64::min),
        number.iter().map(|w| w.bottom).fold(0.0, f64::max),
    );
    // Stacked: one column, read top to bottom as — N —.
    assert!(
        number.windows(2).all(|p| p[0].bottom <= p[1].top + 0.5),
        "{stem} p{n}: {number:?}"
    );
    let right = number.iter().map(|w| w.right).fold(0.0, f64::max);
    assert!(
        (LANDSCAPE_LEFT - 7.0 * MM - right).abs() < tolerance,
        "{stem} p{n}: {right:.1}"
    );
    let (first, last) = (LANDSCAPE_TOP + 14.0, LANDSCAPE_TOP + WIDTH - 14.0);
    if n % 2 == 1 {
        assert!(
            (bottom - last).abs() < tolerance,
            "{stem} p{n}: odd page number ends at {bottom:.1}, not {last:.1}"
        );
    } else {
        assert!(
            (top - first).abs() < tolerance,
            "{stem} p{n}: even page number starts at {top:.1}, not {first:.1}"
        );
    }
}

/// The landscape type area's left and top edges: the portrait foot and binding margins.
pub const LANDSCAPE_LEFT: f64 = (297.0 - 37.0 - 225.0) * MM;
pub const LANDSCAPE_TOP: f64 = 28.0 * MM;

/// The GB/T 9704 geometry of one document's PDF: A4; page numbers `— N —`, odd pages right
/// and even pages left, one character in; nothing left of the type area or under it; 28
/// characters a full line of plain text; every row on the grid after the first page; every
/// page followed by another full, unless what follows must start a page.
pub fn check_pages(stem: &str, pdf: &Path, md: &str, grid: Grid) {
    let info = poppler("pdfinfo", &[], pdf);
    assert!(info.contains(" pts (A4)"), "{stem}: {info}");
    let headings = headings(md);
    let cells = cells(md);
    let pages = pages(pdf);
    let landscape = landscape(pdf);
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        // A landscape attachment page keeps the page numbering; its table has its own rows.
        if landscape[i] {
            // LibreOffice sets the line of the DOCX's turned text box 6–7 pt further out.
            let tolerance = if grid.first_row == TYPST_GRID.first_row {
                1.5
            } else {
                8.0
            };
            check_turned_page_number(stem, pdf, n, tolerance);
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
        let on_grid: Vec<usize> = body.iter().filter_map(|l| grid.row(l.bottom)).collect();
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
                    grid.row(line.bottom).is_some() || in_colophon || in_table(line),
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
            // The body's last paragraph, when short, moves with the 落款 (a sealed one is
            // several rows high): the seal never stands on a page without body text.
            let last_paragraph: String = md
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty() && !l.starts_with(['#', '|', '-', '>']))
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let with_signature = !next_first.is_empty() && last_paragraph.starts_with(&next_first);
            let full = on_grid.contains(&21) || table_next || after_signature || with_signature;
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

/// Whether a document has a 版记, checking that it is whole at the foot of the last page:
/// its rows (抄送, 印发机关 and 印发日期) all on the last page, the last of them the type area's
/// last row, and no text under it but the page number.
pub fn colophon_at_the_foot(stem: &str, pdf: &Path) -> bool {
    let pages = pages(pdf);
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
        return false;
    }
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
    true
}
