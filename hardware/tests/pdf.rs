//! The A4 sticker sheet parses as PDF (lopdf, not our writer), has one page
//! per sheet-full and exactly as many labels as asked, and its text is
//! real Vietnamese (extractable through the ToUnicode map).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::as_conversions,
    reason = "test code and its helpers: a panic is a failed test"
)]

mod common;

use lopdf::content::Content;
use ocop_hardware::pdf::{SheetLayout, sticker_sheet};

fn labels_per_page(doc: &lopdf::Document) -> Vec<usize> {
    doc.get_pages()
        .values()
        .map(|page_id| {
            let content = Content::decode(&doc.get_page_content(*page_id)).unwrap();
            content
                .operations
                .iter()
                .filter(|op| {
                    op.operator == "BMC"
                        && op.operands.first().and_then(|o| o.as_name().ok()) == Some(&b"Label"[..])
                })
                .count()
        })
        .collect()
}

#[test]
fn seventy_labels_on_5x13_sheets_fill_one_page_and_start_another() {
    let labels: Vec<_> = (0..70)
        .map(|i| common::label(&format!("Mật ong {i}")))
        .collect();
    let bytes = sticker_sheet(&labels, &SheetLayout::a4_5x13()).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(labels_per_page(&doc), [65, 5]);
    let text = doc.extract_text(&[1]).unwrap();
    assert!(text.contains("Mật ong 0"), "{text}");
    assert!(text.contains("Mật ong 64"), "{text}");
    assert!(text.contains("HTX Nông\nsản Bắc Hà"), "{text}");
    assert!(text.contains("HSD: 31/12/2027"), "{text}");
}

#[test]
fn a_4x10_grid_holds_40_labels_a_page() {
    let layout = SheetLayout::a4_grid(4, 10).unwrap();
    let labels: Vec<_> = (0..41)
        .map(|_| common::label("Mật ong bạc hà Đồng Văn"))
        .collect();
    let doc = lopdf::Document::load_mem(&sticker_sheet(&labels, &layout).unwrap()).unwrap();
    assert_eq!(labels_per_page(&doc), [40, 1]);
}

#[test]
fn impossible_grids_and_empty_jobs_are_refused() {
    assert!(SheetLayout::a4_grid(0, 10).is_none());
    assert!(
        SheetLayout::a4_grid(10, 30).is_none(),
        "labels too small to read"
    );
    assert!(sticker_sheet(&[], &SheetLayout::a4_5x13()).is_err());
}

/// Renders one sticker's cell of page 1 with pdftoppm (poppler-utils) and
/// returns what zbarimg reads in it.
fn scan_cell(pdf: &std::path::Path, layout: &SheetLayout, row: u32, col: u32) -> Vec<String> {
    let dpi = 300.0;
    let px = |mm: f32| ((mm / 25.4) * dpi).round() as i64;
    let x = px(layout.margin_left + col as f32 * (layout.label_width + layout.gap_x));
    let y = px(layout.margin_top + row as f32 * (layout.label_height + layout.gap_y));
    let dir = pdf.parent().unwrap();
    let prefix = dir.join(format!("cell-{row}-{col}"));
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .args(["-x", &x.to_string(), "-y", &y.to_string()])
        .args([
            "-W",
            &px(layout.label_width).to_string(),
            "-H",
            &px(layout.label_height).to_string(),
        ])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap_or_else(|e| panic!("pdftoppm could not run ({e}): apt-get install poppler-utils"));
    assert!(status.success());
    common::zbar(&std::fs::read(prefix.with_extension("png")).unwrap())
}

#[test]
fn every_sampled_sticker_scans_inside_its_own_cell() {
    let layout = SheetLayout::a4_5x13();
    let labels: Vec<_> = (0..65)
        .map(|i| common::label(&format!("Mật ong {i}")))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, sticker_sheet(&labels, &layout).unwrap()).unwrap();
    // Corners and middle: a misplaced grid puts codes across cell edges.
    for (row, col) in [(0, 0), (0, 4), (6, 2), (12, 0), (12, 4)] {
        assert_eq!(
            scan_cell(&path, &layout, row, col),
            [format!("QR-Code:{}", common::LABEL_URL)],
            "cell {row},{col}"
        );
    }
}

/// The embedded font program (FontFile2), decompressed.
fn embedded_font(doc: &lopdf::Document) -> Vec<u8> {
    let mut fonts = doc.objects.values().filter_map(|o| {
        let s = o.as_stream().ok()?;
        s.dict.get(b"Length1").ok()?;
        Some(
            s.decompressed_content()
                .unwrap_or_else(|_| s.content.clone()),
        )
    });
    let font = fonts.next().expect("one embedded font");
    assert!(fonts.next().is_none(), "exactly one embedded font");
    font
}

/// Issue 12: the sheet embeds only the glyphs it uses. The whole DejaVu
/// Sans (about 740 kB) was embedded before; a sheet of Vietnamese labels
/// needs a few dozen glyphs. Poppler still reads the font as a subset and
/// draws the text, and zbar still reads the QR code.
#[test]
fn the_sheet_embeds_a_small_subset_of_the_font_and_still_renders() {
    let layout = SheetLayout::a4_5x13();
    let labels: Vec<_> = (0..65)
        .map(|i| common::label(&format!("Mật ong bạc hà Đồng Văn {i}")))
        .collect();
    let bytes = sticker_sheet(&labels, &layout).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let font = embedded_font(&doc);
    let full = ocop_hardware::font::SANS_TTF.len();
    assert!(
        font.len() * 20 < full,
        "embedded font {} bytes, the whole font {full}",
        font.len()
    );
    // 65 vector QR codes are most of the file now; with the whole font
    // compressed (about 400 kB) it was more than three times as big.
    eprintln!(
        "sheet {} bytes, embedded font {} bytes (whole font {full})",
        bytes.len(),
        font.len()
    );
    assert!(
        bytes.len() < 200_000,
        "the whole sheet: {} bytes",
        bytes.len()
    );
    // The text is still there for search and copy (ToUnicode).
    let text = doc.extract_text(&[1]).unwrap();
    assert!(text.contains("Mật ong\nbạc hà"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new("pdffonts")
        .arg(&path)
        .output()
        .expect("pdffonts (poppler-utils)");
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    let row = listing
        .lines()
        .find(|l| l.contains("DejaVuSans"))
        .unwrap_or_else(|| panic!("{listing}"));
    // name, type (two words), encoding, emb, sub, uni.
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert!(
        cols[0].len() == 6 + 1 + "DejaVuSans".len() && cols[0].as_bytes()[6] == b'+',
        "{row}"
    );
    assert_eq!(
        &cols[cols.len() - 5..cols.len() - 2],
        ["yes", "yes", "yes"],
        "emb sub uni: {row}"
    );

    // Rendered: the text area right of the QR code has ink, and the code scans.
    assert_eq!(
        scan_cell(&path, &layout, 0, 0),
        [format!("QR-Code:{}", common::LABEL_URL)]
    );
    let png = dir.path().join("cell-0-0.png");
    let img = image_dark_fraction_right_half(&png);
    assert!(img > 0.02, "text drawn: {img} of the right half is dark");
}

/// The share of dark pixels in the right half of a PNG (the text side of a
/// sticker).
fn image_dark_fraction_right_half(png: &std::path::Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let (mut dark, mut all) = (0usize, 0usize);
    for y in 0..h {
        for x in w / 2..w {
            let i = (y * w + x) * channels;
            all += 1;
            if buf[i] < 128 {
                dark += 1;
            }
        }
    }
    dark as f64 / all as f64
}
