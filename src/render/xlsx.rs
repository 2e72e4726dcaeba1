//! The XLSX appendix: one workbook a document, one sheet a table. Numbers are stored as
//! numbers (percentages as percentages), text as text (never run as a formula); each sheet
//! has a title row, a bold header row frozen under it, columns as wide as their Chinese
//! text, and an A4 landscape print setup that repeats the header on every page.
//!
//! Excel's limits are kept: a cell longer than 32,767 characters goes on in the rows below
//! it, marked （接上行）, and a table longer than a sheet goes on in sheets named （续1）,
//! （续2）, each with its title and header; both are warned of.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

use crate::official::Official;
use crate::table::{Table, is_percent_column, number};
use crate::zh::Date;

/// Excel's paper size code for A4.
const A4: u8 = 9;
/// The widest a column gets, in Excel's character units; longer text wraps.
const MAX_WIDTH: f64 = 40.0;
/// The height of one line of 11 pt text, in points.
const LINE_HEIGHT: f64 = 15.0;

/// Excel's limits: characters in a cell, rows in a sheet.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub cell_chars: usize,
    pub sheet_rows: usize,
}

pub const EXCEL: Limits = Limits {
    cell_chars: 32_767,
    sheet_rows: 1_048_576,
};

/// Rows above the data: the title and the header.
const HEADING_ROWS: usize = 2;

/// The marks of a cell carried on in the row below, and of its continuation.
const CARRIED_ON: &str = "（接下行）";
const CONTINUED: &str = "（接上行）";

/// A workbook and what it had to do to stay inside Excel's limits.
pub struct Made {
    pub bytes: Vec<u8>,
    pub warnings: Vec<String>,
}

/// The display width of a text in Excel's character units: a Chinese character is two.
fn width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// Text length as Excel counts it: UTF-16 code units.
fn excel_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A long cell's text in pieces that each fit in a cell with their marks, broken after a
/// separator where one is near the end of a piece.
fn pieces(text: &str, limit: usize) -> Vec<String> {
    let marks = excel_len(CARRIED_ON) + excel_len(CONTINUED);
    let room = limit.saturating_sub(marks).max(1);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        // As many characters as fit in `room` code units.
        let mut end = start;
        let mut used = 0;
        while end < chars.len() && used + chars[end].len_utf16() <= room {
            used += chars[end].len_utf16();
            end += 1;
        }
        let end = if end < chars.len() {
            let near = start + (end - start) * 9 / 10;
            (near..end)
                .rev()
                .find(|&i| "、，；。,; \n".contains(chars[i]))
                .map_or(end, |i| i + 1)
        } else {
            end
        };
        let mut piece = String::new();
        if start > 0 {
            piece.push_str(CONTINUED);
        }
        piece.extend(&chars[start..end.max(start + 1)]);
        if end < chars.len() {
            piece.push_str(CARRIED_ON);
        }
        out.push(piece);
        start = end.max(start + 1);
    }
    out
}

/// The rows a sheet shows of a table: a cell too long for Excel goes on in rows below its
/// own, the row's other cells left empty there.
fn carried_rows(table: &Table, limits: Limits, warnings: &mut Vec<String>) -> Vec<Vec<String>> {
    let mut rows = Vec::with_capacity(table.rows.len());
    for (r, row) in table.rows.iter().enumerate() {
        if row.iter().all(|cell| excel_len(cell) <= limits.cell_chars) {
            rows.push(row.clone());
            continue;
        }
        let split: Vec<Vec<String>> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if excel_len(cell) <= limits.cell_chars {
                    return vec![cell.clone()];
                }
                warnings.push(
                    t!(
                        "the cell `%{column}` of row %{row} of the sheet %{sheet} holds %{length} characters, more than a cell of Excel holds (%{limit}): it goes on in the rows below, marked %{mark}",
                        column = table.header.get(c).copied().unwrap_or(""),
                        row = r + 1,
                        sheet = table.title,
                        length = excel_len(cell),
                        limit = limits.cell_chars,
                        mark = CONTINUED
                    )
                    .into_owned(),
                );
                pieces(cell, limits.cell_chars)
            })
            .collect();
        let height = split.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            rows.push(
                split
                    .iter()
                    .map(|p| p.get(k).cloned().unwrap_or_default())
                    .collect(),
            );
        }
    }
    rows
}

/// A cell's number as stored: a percentage as a fraction rounded to the digits it is
/// printed with (21.71 → 0.2171, not 0.21710000000000002).
fn stored_number(cell: &str, n: f64, percent: bool) -> f64 {
    if !percent {
        return n;
    }
    let decimals = cell.split_once('.').map_or(0, |(_, f)| f.len()) + 2;
    format!("{:.*}", decimals, n / 100.0)
        .parse()
        .unwrap_or(n / 100.0)
}

/// The workbook of a document's tables within Excel's limits; the document's title and
/// date are its properties, so that the same data gives the same bytes.
pub fn workbook(parts: &Official, tables: &[Table]) -> Result<Made, XlsxError> {
    workbook_within(parts, tables, EXCEL)
}

/// The workbook within the given limits (smaller ones let the tests reach them).
pub fn workbook_within(
    parts: &Official,
    tables: &[Table],
    limits: Limits,
) -> Result<Made, XlsxError> {
    let mut book = Workbook::new();
    let mut warnings = Vec::new();
    let date = parts.date.as_deref().and_then(Date::parse).unwrap_or(Date {
        year: 1980,
        month: 1,
        day: 1,
    });
    let created = ExcelDateTime::from_ymd(
        u16::try_from(date.year).unwrap_or(1980),
        date.month as u8,
        date.day as u8,
    )?;
    let mut properties = DocProperties::new()
        .set_title(&parts.title)
        .set_creation_datetime(&created);
    if let Some(organ) = &parts.organ {
        properties = properties.set_author(organ);
    }
    book.set_properties(&properties);

    let font = |f: Format| f.set_font_name("宋体").set_font_size(11);
    let title = font(Format::new())
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let header = font(Format::new())
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let text = font(Format::new())
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let numeric = text.clone().set_num_format("General");
    let percent = text.clone().set_num_format("0.00%");

    for table in tables {
        let rows = carried_rows(table, limits, &mut warnings);
        let per_sheet = limits.sheet_rows.saturating_sub(HEADING_ROWS).max(1);
        let sheets = rows.len().div_ceil(per_sheet).max(1);
        if sheets > 1 {
            warnings.push(
                t!(
                    "the sheet %{sheet} has %{rows} rows, more than a sheet of Excel holds (%{limit}): it goes on in %{more} more sheets named %{sheet}（续1）…",
                    sheet = table.title,
                    rows = rows.len(),
                    limit = limits.sheet_rows,
                    more = sheets - 1
                )
                .into_owned(),
            );
        }
        // Every column as wide as its widest cell, the same on each of the table's sheets.
        let mut widths: Vec<f64> = table.header.iter().map(|h| width(h) + 2.0).collect();
        for row in &rows {
            for (c, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(c) {
                    *w = w.max(width(cell) + 2.0);
                }
            }
        }
        let widths: Vec<f64> = widths.iter().map(|w| w.min(MAX_WIDTH)).collect();
        for (part, chunk) in rows.chunks(per_sheet).enumerate() {
            let sheet = book.add_worksheet();
            let name = match part {
                0 => table.title.to_owned(),
                n => format!("{}（续{n}）", table.title),
            };
            sheet.set_name(&name)?;
            let columns = table.header.len().max(1) as u16;
            // Row 0: the title across the table, wrapped inside its width so that the
            // printed page shows all of it; row 1: the header.
            let heading = format!("{}——{}", parts.title, name);
            if columns > 1 {
                sheet.merge_range(0, 0, 0, columns - 1, &heading, &title)?;
            } else {
                sheet.write_string_with_format(0, 0, &heading, &title)?;
            }
            let across: f64 = widths.iter().sum::<f64>().max(1.0);
            // 14 pt title characters are 14/11 as wide as the 11 pt the widths count.
            let title_lines = (width(&heading) * 14.0 / 11.0 / (across - 1.0).max(1.0))
                .ceil()
                .max(1.0);
            sheet.set_row_height(0, title_lines * LINE_HEIGHT * 14.0 / 11.0 + 4.0)?;
            for (c, name) in table.header.iter().enumerate() {
                sheet.write_string_with_format(1, c as u16, *name, &header)?;
            }
            for (r, row) in chunk.iter().enumerate() {
                let r = (r + HEADING_ROWS) as u32;
                for (c, cell) in row.iter().enumerate() {
                    let column = c as u16;
                    let percent_column = table.header.get(c).is_some_and(|h| is_percent_column(h));
                    match number(cell) {
                        Some(n) if percent_column => sheet.write_number_with_format(
                            r,
                            column,
                            stored_number(cell, n, true),
                            &percent,
                        )?,
                        Some(n) => sheet.write_number_with_format(r, column, n, &numeric)?,
                        None => sheet.write_string_with_format(r, column, cell, &text)?,
                    };
                }
                // Rows as tall as their longest wrapped cell: not every reader fits them
                // on opening. Excel's rows stop at 409 points.
                let lines = row
                    .iter()
                    .zip(&widths)
                    .map(|(cell, w)| (width(cell) / (w - 1.0)).ceil().max(1.0))
                    .fold(1.0, f64::max);
                sheet.set_row_height(r, (lines * LINE_HEIGHT).min(409.0))?;
            }
            for (c, w) in widths.iter().enumerate() {
                sheet.set_column_width(c as u16, *w)?;
            }
            if part == 0
                && let Some(chart) = &table.chart
                && !chunk.is_empty()
            {
                let drawn = bar_chart(&name, chart, chunk.len());
                // Beside the table, one column after its last.
                sheet.insert_chart(1, table.header.len() as u16 + 1, &drawn)?;
            }
            sheet.set_freeze_panes(HEADING_ROWS as u32, 0)?;
            sheet.set_paper_size(A4);
            sheet.set_landscape();
            sheet.set_repeat_rows(1, 1)?;
            sheet.set_print_fit_to_pages(1, 0);
        }
    }
    Ok(Made {
        bytes: book.save_to_buffer()?,
        warnings,
    })
}

/// A native bar chart of `rows` data rows of the sheet `sheet`: a bar a row, named by the
/// chart's category column, a series a value column (a percentage column) named by its
/// header cell. Bars, not columns:
/// the names are Chinese and long.
fn bar_chart(sheet: &str, chart: &crate::table::Chart, rows: usize) -> rust_xlsxwriter::Chart {
    use rust_xlsxwriter::{Chart, ChartFont, ChartType};
    let first = HEADING_ROWS as u32;
    let last = first + rows as u32 - 1;
    let mut font = ChartFont::new();
    font.set_name("宋体");
    let mut drawn = Chart::new(ChartType::Bar);
    drawn.title().set_name(&chart.title).set_font(&font);
    for &column in &chart.values {
        let series = drawn.add_series();
        series
            .set_categories((
                sheet,
                first,
                chart.categories as u16,
                last,
                chart.categories as u16,
            ))
            .set_values((sheet, first, column as u16, last, column as u16))
            .set_name((sheet, 1, column as u16));
    }
    if chart.values.len() < 2 {
        drawn.legend().set_hidden();
    }
    // The values are per cent, stored as fractions (see `stored_number`).
    drawn.x_axis().set_font(&font).set_num_format("0%");
    drawn.y_axis().set_font(&font).set_reverse();
    // A bar's room grows with the rows, within what a screen shows.
    drawn
        .set_width(560)
        .set_height((120 + 24 * rows as u32).min(900));
    drawn
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn sheets(made: &Made) -> Vec<(String, Vec<Vec<Data>>)> {
        let mut book = Xlsx::new(std::io::Cursor::new(made.bytes.clone())).unwrap();
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let rows = range.rows().map(<[Data]>::to_vec).collect();
                (name, rows)
            })
            .collect()
    }

    fn table(rows: Vec<Vec<String>>) -> Table {
        Table {
            name: "tasks",
            title: "任务分解表".into(),
            sheet_only: false,
            chart: None,
            header: vec!["序号", "任务", "比重(%)"],
            rows,
        }
    }

    #[test]
    fn a_long_sheet_goes_on_in_numbered_sheets_with_its_title_and_header() {
        let rows: Vec<Vec<String>> = (1..=11)
            .map(|i| vec![i.to_string(), format!("任务{i}"), "21.71".into()])
            .collect();
        let limits = Limits {
            cell_chars: 1000,
            sheet_rows: 6,
        };
        let parts = Official {
            title: "计划".into(),
            ..Official::default()
        };
        let made = workbook_within(&parts, &[table(rows)], limits).unwrap();
        let sheets = sheets(&made);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["任务分解表", "任务分解表（续1）", "任务分解表（续2）"]
        );
        assert_eq!(made.warnings.len(), 1, "{:?}", made.warnings);
        let mut numbers = Vec::new();
        for (name, rows) in &sheets {
            assert_eq!(rows[0][0], Data::String(format!("计划——{name}")));
            assert_eq!(rows[1][1], Data::String("任务".into()));
            assert!(rows.len() <= limits.sheet_rows);
            for row in &rows[2..] {
                numbers.push(row[0].clone());
                // Stored as printed: 21.71 % is 0.2171, not 0.21710000000000002.
                assert_eq!(row[2], Data::Float(0.2171));
            }
        }
        let expected: Vec<Data> = (1..=11).map(|i| Data::Float(f64::from(i))).collect();
        assert_eq!(numbers, expected);
    }

    #[test]
    fn a_long_cell_goes_on_in_the_rows_below_and_reads_back_whole() {
        let long: String = (0..300).map(|i| format!("第{i}项、")).collect();
        let rows = vec![
            vec!["1".into(), long.clone(), "5".into()],
            vec!["2".into(), "短".into(), "6".into()],
        ];
        let limits = Limits {
            cell_chars: 200,
            sheet_rows: 1000,
        };
        let made = workbook_within(&Official::default(), &[table(rows)], limits).unwrap();
        assert_eq!(made.warnings.len(), 1, "{:?}", made.warnings);
        let (_, rows) = &sheets(&made)[0];
        let mut whole = String::new();
        let mut carried = 0;
        for row in &rows[2..rows.len() - 1] {
            let Data::String(cell) = &row[1] else {
                panic!("{row:?}")
            };
            assert!(excel_len(cell) <= limits.cell_chars, "{cell}");
            if carried > 0 {
                assert!(cell.starts_with(CONTINUED), "{cell}");
                assert_eq!(row[0], Data::Empty);
            }
            let piece = cell.strip_prefix(CONTINUED).unwrap_or(cell);
            let piece = piece.strip_suffix(CARRIED_ON).unwrap_or(piece);
            // Broken after a separator, not inside an item.
            if cell.ends_with(CARRIED_ON) {
                assert!(piece.ends_with('、'), "{piece}");
            }
            whole.push_str(piece);
            carried += 1;
        }
        assert_eq!(whole, long);
        assert!(carried > 5, "{carried}");
        assert_eq!(rows.last().unwrap()[1], Data::String("短".into()));
    }
}
