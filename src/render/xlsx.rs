//! The XLSX appendix: one workbook a document, one sheet a table. Numbers are stored as
//! numbers (percentages as percentages), text as text (never run as a formula); each sheet
//! has a title row, a bold header row frozen under it, columns as wide as their Chinese
//! text, and an A4 landscape print setup that repeats the header on every page.

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

/// The display width of a text in Excel's character units: a Chinese character is two.
fn width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// The workbook of a document's tables; the document's title and date are its properties,
/// so that the same data gives the same bytes.
pub fn workbook(parts: &Official, tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
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
    let title = font(Format::new()).set_bold().set_font_size(14);
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
        let sheet = book.add_worksheet();
        sheet.set_name(table.title)?;
        let columns = table.header.len().max(1) as u16;
        // Row 0: the title across the table; row 1: the header.
        let heading = format!("{}——{}", parts.title, table.title);
        if columns > 1 {
            sheet.merge_range(0, 0, 0, columns - 1, &heading, &title)?;
        } else {
            sheet.write_string_with_format(0, 0, &heading, &title)?;
        }
        let mut widths: Vec<f64> = table.header.iter().map(|h| width(h) + 2.0).collect();
        for (c, name) in table.header.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, *name, &header)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = r as u32 + 2;
            for (c, cell) in row.iter().enumerate() {
                let column = c as u16;
                let percent_column = table.header.get(c).is_some_and(|h| is_percent_column(h));
                match number(cell) {
                    Some(n) if percent_column => {
                        sheet.write_number_with_format(r, column, n / 100.0, &percent)?
                    }
                    Some(n) => sheet.write_number_with_format(r, column, n, &numeric)?,
                    None => sheet.write_string_with_format(r, column, cell, &text)?,
                };
                if let Some(w) = widths.get_mut(c) {
                    *w = w.max(width(cell) + 2.0);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, w.min(MAX_WIDTH))?;
        }
        // Rows as tall as their longest wrapped cell: not every reader fits them on opening.
        for (r, row) in table.rows.iter().enumerate() {
            let lines = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| (width(cell) / (w.min(MAX_WIDTH) - 1.0)).ceil().max(1.0))
                .fold(1.0, f64::max);
            sheet.set_row_height(r as u32 + 2, lines * LINE_HEIGHT)?;
        }
        sheet.set_freeze_panes(2, 0)?;
        sheet.set_paper_size(A4);
        sheet.set_landscape();
        sheet.set_repeat_rows(1, 1)?;
        sheet.set_print_fit_to_pages(1, 0);
    }
    book.save_to_buffer()
}
