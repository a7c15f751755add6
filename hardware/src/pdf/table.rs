//! A4 documents of text rows as PDF (settlement statements and other
//! printable reports): each row is cells at fixed positions, left- or
//! right-aligned, set in the same embedded DejaVu Sans as the sticker
//! sheets (so Vietnamese renders, and can be searched and copied out),
//! paginated top to bottom.
#![expect(
    clippy::as_conversions,
    reason = "page geometry: a row count becomes f32 points; no money here"
)]

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};

use super::{FontUse, PT_PER_MM, PdfError, show, write_font};
use crate::escpos::wrap::wrap;

/// A piece of text on a row: `x_mm` from the left margin is where it
/// starts, or where it ends when `right` (numbers).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub x_mm: f32,
    pub text: String,
    pub right: bool,
}

/// One row of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Font size in points.
    pub size: f32,
    pub bold: bool,
    pub cells: Vec<Cell>,
    /// A thin line under the row (a table's header).
    pub rule_below: bool,
}

impl Row {
    /// A row of one left-aligned text.
    pub fn text(size: f32, bold: bool, text: impl Into<String>) -> Row {
        Row {
            size,
            bold,
            cells: vec![Cell {
                x_mm: 0.0,
                text: text.into(),
                right: false,
            }],
            rule_below: false,
        }
    }

    /// An empty row of `size` points (vertical space).
    pub fn space(size: f32) -> Row {
        Row {
            size,
            bold: false,
            cells: Vec::new(),
            rule_below: false,
        }
    }
}

const MARGIN_MM: f32 = 12.0;

/// The whole PDF: `rows` from the top of an A4 page (landscape if asked),
/// a new page whenever the next row would pass the bottom margin, each page
/// numbered "n/total" at its foot.
pub fn a4_document(rows: &[Row], landscape: bool) -> Result<Vec<u8>, PdfError> {
    if rows.is_empty() {
        return Err(PdfError::Empty);
    }
    let (w_mm, h_mm) = if landscape {
        (297.0, 210.0)
    } else {
        (210.0, 297.0)
    };
    let (page_w, page_h) = (w_mm * PT_PER_MM, h_mm * PT_PER_MM);
    let left = MARGIN_MM * PT_PER_MM;
    let right_edge = page_w - left;
    let bottom = MARGIN_MM * PT_PER_MM + 12.0;
    // A row of one left-aligned text wider than the page wraps at spaces.
    let width = right_edge - left;
    let mut wrapped: Vec<Row> = Vec::with_capacity(rows.len());
    for row in rows {
        match row.cells.as_slice() {
            [cell] if !cell.right => {
                let room = width - cell.x_mm * PT_PER_MM;
                let size = row.size;
                let measure = |s: &str| (FontUse::measure(s, size) * 100.0).round() as u32;
                for line in wrap(&cell.text, (room * 100.0) as u32, &measure) {
                    wrapped.push(Row {
                        cells: vec![Cell {
                            text: line,
                            ..cell.clone()
                        }],
                        ..row.clone()
                    });
                }
            }
            _ => wrapped.push(row.clone()),
        }
    }
    // Lay the rows out first: which page each starts on.
    let mut pages: Vec<Vec<(f32, &Row)>> = vec![Vec::new()];
    let mut y = page_h - MARGIN_MM * PT_PER_MM;
    for row in &wrapped {
        let step = row.size * 1.35;
        if y - step < bottom && pages.last().is_some_and(|p| !p.is_empty()) {
            pages.push(Vec::new());
            y = page_h - MARGIN_MM * PT_PER_MM;
        }
        y -= step;
        if let Some(p) = pages.last_mut() {
            p.push((y, row));
        }
    }
    let mut alloc = Ref::new(1);
    let catalog_id = alloc.bump();
    let tree_id = alloc.bump();
    let type0_id = alloc.bump();
    let font_ids = [
        type0_id,
        alloc.bump(),
        alloc.bump(),
        alloc.bump(),
        alloc.bump(),
    ];
    let mut pdf = Pdf::new();
    let mut fonts = FontUse::new();
    let total = pages.len();
    let mut page_ids = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let page_id = alloc.bump();
        let content_id = alloc.bump();
        let mut content = Content::new();
        for (y, row) in page {
            for cell in &row.cells {
                let x = left + cell.x_mm * PT_PER_MM;
                let x = if cell.right {
                    x - FontUse::measure(&cell.text, row.size)
                } else {
                    x
                };
                show(
                    &mut content,
                    &mut fonts,
                    x,
                    *y,
                    row.size,
                    row.bold,
                    &cell.text,
                );
            }
            if row.rule_below {
                content.set_line_width(0.5);
                content.move_to(left, y - row.size * 0.3);
                content.line_to(right_edge, y - row.size * 0.3);
                content.stroke();
            }
        }
        let foot = format!("{}/{total}", n + 1);
        let fx = right_edge - FontUse::measure(&foot, 8.0);
        show(
            &mut content,
            &mut fonts,
            fx,
            MARGIN_MM * PT_PER_MM,
            8.0,
            false,
            &foot,
        );
        let data = miniz_oxide::deflate::compress_to_vec_zlib(&content.finish(), 6);
        pdf.stream(content_id, &data).filter(Filter::FlateDecode);
        let mut p = pdf.page(page_id);
        p.parent(tree_id)
            .media_box(Rect::new(0.0, 0.0, page_w, page_h))
            .contents(content_id);
        p.resources().fonts().pair(Name(b"F1"), type0_id);
        p.finish();
        page_ids.push(page_id);
    }
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX))
        .kids(page_ids);
    write_font(&mut pdf, &fonts, font_ids)?;
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_rows_make_numbered_pages_and_keep_the_vietnamese() {
        let mut rows = vec![Row::text(14.0, true, "Bảng quyết toán ký gửi")];
        for i in 0..120 {
            rows.push(Row {
                size: 9.0,
                bold: false,
                cells: vec![
                    Cell {
                        x_mm: 0.0,
                        text: format!("Chè Shan tuyết cổ thụ {i}"),
                        right: false,
                    },
                    Cell {
                        x_mm: 180.0,
                        text: "350.000 ₫".into(),
                        right: true,
                    },
                ],
                rule_below: i == 0,
            });
        }
        rows.push(Row::text(9.0, false, "Làm tròn một lần: ".repeat(40)));
        let bytes = a4_document(&rows, false).expect("pdf");
        let doc = lopdf::Document::load_mem(&bytes).expect("parse");
        assert!(doc.get_pages().len() >= 2, "120 rows take more than a page");
        assert!(a4_document(&[], false).is_err());
    }
}
