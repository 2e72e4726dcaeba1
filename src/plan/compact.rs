//! The compact table of a landscape attachment (the 任务分解表): set in 4号 on single
//! spacing, a task group's title as a row across the table, and column widths chosen from
//! the content so that the table is as short as it can be.

use super::gbt9704::{COMPACT_TABLE_PT, TYPE_HEIGHT_MM, compact_char_pt};
use super::{Inlines, Share, Table, inline_cells, inline_text, set_width};

/// Makes `table` compact: marks its group rows and balances its columns across the
/// landscape type area.
pub fn make_compact(table: &mut Table) {
    table.compact = true;
    let columns = table.columns.len();
    table.full_width = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| columns > 2 && is_group_row(row))
        .map(|(i, _)| i)
        .collect();
    let width_pt = TYPE_HEIGHT_MM * 72.0 / 25.4;
    let chars = balance(table, width_pt);
    // Each column its characters and half a character of padding on either side; the
    // widest takes what is left over, so that the table fills the type area exactly.
    let widest = (0..chars.len()).max_by_key(|&j| chars[j]).unwrap_or(0);
    for (j, column) in table.columns.iter_mut().enumerate() {
        column.share = if j == widest {
            Share::Fraction(1.0)
        } else {
            // The characters, then half a character of padding each side (of the size).
            Share::Points(
                ((f64::from(chars[j]) * compact_char_pt() + COMPACT_TABLE_PT + 0.5) * 100.0)
                    .round()
                    / 100.0,
            )
        };
    }
}

/// A row whose only text is in its first cell: a group's title (一、培育创新主体).
fn is_group_row(row: &[Inlines]) -> bool {
    let empty = |cell: &Inlines| inline_cells(cell) == 0.0;
    row.first().is_some_and(|c| !empty(c)) && row[1..].iter().all(empty)
}

/// A cell's text as set, in characters (with the space between Chinese and Western text).
fn width(cell: &Inlines) -> f64 {
    let mut text = String::new();
    inline_text(cell, &mut text);
    set_width(&text)
}

/// The width in characters of a cell's longest run of Western letters, digits and signs
/// without a space, which a line does not break inside, with the closing punctuation that
/// may not start a line after it and the opening one that may not end a line before it.
fn longest_unbreakable(cell: &Inlines) -> f64 {
    let mut text = String::new();
    inline_text(cell, &mut text);
    let mut longest: f64 = 0.0;
    let mut run = String::new();
    let mut opening = 0.0;
    let mut before = None;
    for c in text.chars() {
        if c.is_ascii_graphic() {
            if run.is_empty() {
                opening = f64::from(u8::from(
                    before.is_some_and(|b| "（「『【《〈“".contains(b)),
                ));
            }
            run.push(c);
        } else if !run.is_empty() {
            let closing = f64::from(u8::from("）」』】》〉”，。；、：！？".contains(c)));
            longest = longest.max(opening + set_width(&run) + closing);
            run.clear();
        }
        before = Some(c);
    }
    if !run.is_empty() {
        longest = longest.max(opening + set_width(&run));
    }
    longest
}

/// The rows a table takes with `chars` characters in each column's line, and then the
/// lines of all its cells (which breaks the ties: a wider column that shortens no row yet
/// brings one closer to shortening).
fn height(lengths: &[Vec<f64>], chars: &[u32]) -> (u32, u32) {
    let lines = |len: f64, c: u32| ((len / f64::from(c.max(1))).ceil() as u32).max(1);
    let rows = lengths
        .iter()
        .map(|row| {
            row.iter()
                .zip(chars)
                .map(|(&l, &c)| lines(l, c))
                .max()
                .unwrap_or(1)
        })
        .sum();
    let cells = lengths
        .iter()
        .flat_map(|row| row.iter().zip(chars).map(|(&l, &c)| lines(l, c)))
        .sum();
    (rows, cells)
}

/// Characters a line for each column, within `width_pt`: every column at least as wide as
/// its heading (and two characters), then each further character given to the column
/// where it saves the most rows (where none saves a row at once, the one that saves a row
/// soonest).
pub fn balance(table: &Table, width_pt: f64) -> Vec<u32> {
    let columns = table.columns.len();
    let lengths: Vec<Vec<f64>> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !table.full_width.contains(i))
        .map(|(_, row)| {
            (0..columns)
                .map(|j| row.get(j).map_or(0.0, width))
                .collect()
        })
        .collect();
    // Every column at least as wide as its heading and as its longest run that cannot break
    // (a telephone number, a date written 2024-06-06).
    let mut chars: Vec<u32> = (0..columns)
        .map(|j| {
            let head = table.head.get(j).map_or(0.0, width);
            let unbreakable = table
                .rows
                .iter()
                .enumerate()
                .filter(|(i, _)| !table.full_width.contains(i))
                .filter_map(|(_, row)| row.get(j))
                .map(longest_unbreakable)
                .fold(0.0, f64::max);
            // Half a character to spare: a word processor sets the Western run in a face
            // of its own, whose digits may be wider than half a character.
            let unbreakable = match unbreakable > 0.0 {
                true => unbreakable + 0.5,
                false => 0.0,
            };
            (head.max(unbreakable).ceil() as u32).max(2)
        })
        .collect();
    let char_pt = compact_char_pt();
    let fits = |chars: &[u32]| {
        chars
            .iter()
            .map(|&c| f64::from(c) * char_pt + COMPACT_TABLE_PT + 0.5)
            .sum::<f64>()
            <= width_pt
    };
    let budget_left = |chars: &[u32]| {
        let used: f64 = chars
            .iter()
            .map(|&c| f64::from(c) * char_pt + COMPACT_TABLE_PT + 0.5)
            .sum();
        ((width_pt - used) / char_pt).floor().max(0.0) as u32
    };
    // Widths where the headings alone overflow are left at their minimum.
    while fits(&chars) && budget_left(&chars) > 0 {
        let now = height(&lengths, &chars);
        let room = budget_left(&chars);
        // Rows saved first, cell lines saved second, per character spent.
        let mut best: Option<(usize, u32, (f64, f64))> = None;
        for j in 0..columns {
            for step in 1..=room {
                let mut wider = chars.clone();
                wider[j] += step;
                let then = height(&lengths, &wider);
                let saved = (now.0.saturating_sub(then.0), now.1.saturating_sub(then.1));
                if saved.0 > 0 || saved.1 > 0 {
                    let per = f64::from(step);
                    let rate = (f64::from(saved.0) / per, f64::from(saved.1) / per);
                    if best.is_none_or(|(_, _, r)| rate > r) {
                        best = Some((j, step, rate));
                    }
                    break;
                }
            }
        }
        match best {
            Some((j, step, _)) => chars[j] += step,
            None => break,
        }
    }
    chars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Align, Column, Inline};

    fn cell(text: &str) -> Inlines {
        vec![Inline::Text(text.into())]
    }

    fn table(head: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            columns: head
                .iter()
                .map(|_| Column {
                    align: Align::Default,
                    share: Share::Fraction(1.0),
                })
                .collect(),
            head: head.iter().map(|h| cell(h)).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| cell(c)).collect())
                .collect(),
            full_width: Vec::new(),
            compact: false,
        }
    }

    #[test]
    fn the_long_column_gets_the_room_and_the_short_ones_their_text() {
        let long = "新增高新技术企业50家（2018年）；全市高新技术企业达到200家（2020年）";
        let t = table(
            &["序号", "任务", "牵头单位", "目标"],
            &[&["1", "实施高新技术企业倍增计划", "市科技局", long]],
        );
        let chars = balance(&t, 400.0);
        let width: f64 = chars
            .iter()
            .map(|&c| f64::from(c) * compact_char_pt() + 14.5)
            .sum();
        assert!(width <= 400.0, "{width}");
        // The target column is the widest; 牵头单位 fits its four characters on a line.
        assert_eq!(chars.iter().max(), Some(&chars[3]), "{chars:?}");
        assert!(chars[2] >= 4, "{chars:?}");
        // No column could take a character from another and make the table shorter.
        let lengths = vec![t.rows[0].iter().map(super::width).collect::<Vec<f64>>()];
        let best = height(&lengths, &chars);
        for from in 0..4 {
            for to in 0..4 {
                if from != to && chars[from] > 2 {
                    let mut other = chars.clone();
                    other[from] -= 1;
                    other[to] += 1;
                    assert!(height(&lengths, &other) >= best, "{chars:?} → {other:?}");
                }
            }
        }
    }

    #[test]
    fn a_row_with_text_in_its_first_cell_only_is_a_group_row() {
        let mut t = table(
            &["序号", "任务", "单位"],
            &[&["一、培育创新主体", "", ""], &["1", "甲", ""]],
        );
        make_compact(&mut t);
        assert_eq!(t.full_width, vec![0]);
        assert!(t.compact);
        assert!(t.columns.iter().any(|c| c.share == Share::Fraction(1.0)));
    }
}
