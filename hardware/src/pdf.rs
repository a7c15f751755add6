//! A4 sheets of provenance stickers as PDF, for office printers: a grid of
//! `columns × rows` labels per page (e.g. 5×13 on Avery L7651-style
//! 38.1×21.2 mm sheets, or 4×10), each with the QR code drawn as vector
//! squares and the text set in DejaVu Sans (Type 0 / Identity-H with a
//! ToUnicode map, so the Vietnamese can be searched and copied out of the
//! PDF). Only the glyphs the sheet uses are embedded: the font is subset
//! with typst's `subsetter` (a few kilobytes instead of the whole 740 kB
//! DejaVu Sans), the glyphs renumbered in the order they are first set.
//!
//! Each label's drawing is wrapped in a `/Label BMC … EMC` marked-content
//! section, so a program (and our tests) can count the labels on a page.
#![expect(
    clippy::as_conversions,
    reason = "page geometry: small integer counts (rows, columns, QR modules) become f32 points; no money here"
)]

use std::collections::BTreeMap;

use ab_glyph::{Font, GlyphId};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use unicode_normalization::UnicodeNormalization;

pub mod table;

use crate::escpos::wrap::wrap;
use crate::font;
use crate::layout::label::ProvenanceLabelView;

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Where the stickers are on the sheet, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SheetLayout {
    pub columns: u32,
    pub rows: u32,
    pub page_width: f32,
    pub page_height: f32,
    pub margin_left: f32,
    pub margin_top: f32,
    pub label_width: f32,
    pub label_height: f32,
    /// Horizontal and vertical distance between neighbouring labels.
    pub gap_x: f32,
    pub gap_y: f32,
}

impl SheetLayout {
    /// A4 with 65 labels of 38.1×21.2 mm in 5 columns × 13 rows (the
    /// common "L7651" sheet).
    pub fn a4_5x13() -> Self {
        Self {
            columns: 5,
            rows: 13,
            page_width: 210.0,
            page_height: 297.0,
            margin_left: 4.75,
            margin_top: 10.7,
            label_width: 38.1,
            label_height: 21.2,
            gap_x: 2.5,
            gap_y: 0.0,
        }
    }

    /// A4 split evenly into `columns × rows` labels inside 8 mm margins with
    /// 2 mm gaps: any sheet the office has. `None` if a label would be
    /// smaller than 25×15 mm (too small for a readable QR code and text).
    pub fn a4_grid(columns: u32, rows: u32) -> Option<Self> {
        if columns == 0 || rows == 0 || columns > 50 || rows > 50 {
            return None;
        }
        let (cols_f, rows_f) = (columns as f32, rows as f32);
        let (margin, gap) = (8.0, 2.0);
        let label_width = (210.0 - 2.0 * margin - (cols_f - 1.0) * gap) / cols_f;
        let label_height = (297.0 - 2.0 * margin - (rows_f - 1.0) * gap) / rows_f;
        (label_width >= 25.0 && label_height >= 15.0).then_some(Self {
            columns,
            rows,
            page_width: 210.0,
            page_height: 297.0,
            margin_left: margin,
            margin_top: margin,
            label_width,
            label_height,
            gap_x: gap,
            gap_y: gap,
        })
    }

    pub fn per_page(&self) -> usize {
        usize::try_from(self.columns * self.rows).unwrap_or(usize::MAX)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("label URL too long for a QR code: {0}")]
    Qr(String),
    #[error("no labels to print")]
    Empty,
    #[error("the font could not be subset: {0}")]
    Font(String),
}

/// Text set in the embedded font: the glyphs used, renumbered for the
/// subset (`remapper`: DejaVu Sans glyph id → id in the subset, which is
/// also the CID the content streams show), with the width and the Unicode
/// of each subset glyph collected for the font dictionaries.
struct FontUse {
    remapper: subsetter::GlyphRemapper,
    glyphs: BTreeMap<u16, (char, f32)>,
}

impl FontUse {
    /// No glyph used yet.
    fn new() -> FontUse {
        FontUse {
            remapper: subsetter::GlyphRemapper::new(),
            glyphs: BTreeMap::new(),
        }
    }

    fn units_per_em() -> f32 {
        font::sans().units_per_em().unwrap_or(2048.0)
    }

    /// Width of `text` at `size` points.
    fn measure(text: &str, size: f32) -> f32 {
        let f = font::sans();
        text.nfc()
            .map(|c| f.h_advance_unscaled(f.glyph_id(c)))
            .sum::<f32>()
            * size
            / Self::units_per_em()
    }

    /// Subset glyph ids of `text` as 2-byte big-endian codes (Identity-H).
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let f = font::sans();
        let mut out = Vec::new();
        for c in text.nfc() {
            let GlyphId(id) = f.glyph_id(c);
            let width = f.h_advance_unscaled(GlyphId(id)) * 1000.0 / Self::units_per_em();
            let cid = self.remapper.remap(id);
            self.glyphs.entry(cid).or_insert((c, width));
            out.extend(cid.to_be_bytes());
        }
        out
    }
}

fn show(
    content: &mut Content,
    fonts: &mut FontUse,
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    text: &str,
) {
    content.begin_text();
    content.set_font(Name(b"F1"), size);
    if bold {
        // DejaVu Sans Bold would double the file size: stroke the outline
        // instead, the usual "fake bold".
        content.set_text_rendering_mode(TextRenderingMode::FillStroke);
        content.set_line_width(size * 0.04);
    } else {
        content.set_text_rendering_mode(TextRenderingMode::Fill);
    }
    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
    content.show(Str(&fonts.encode(text)));
    content.end_text();
}

/// Draws one label with its top-left corner at (x, top) in points.
fn draw_label(
    content: &mut Content,
    fonts: &mut FontUse,
    view: &ProvenanceLabelView,
    x: f32,
    top: f32,
    w: f32,
    h: f32,
) -> Result<(), PdfError> {
    content.begin_marked_content(Name(b"Label"));
    let pad = 1.5 * PT_PER_MM;
    let code =
        qrcode::QrCode::with_error_correction_level(view.url.as_bytes(), crate::raster::QR_EC)
            .map_err(|e| PdfError::Qr(e.to_string()))?;
    let n = code.width();
    let colors = code.to_colors();
    // QR code: as tall as the label less padding, with a 2-module quiet
    // zone inside the padding (the label edge is white too).
    let side = (h - 2.0 * pad).min(w * 0.5);
    let module = side / (n as f32 + 4.0);
    let qx = x + pad + 2.0 * module;
    let qy_top = top - pad - 2.0 * module - (h - 2.0 * pad - side) / 2.0;
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (row, col) = ((i / n) as f32, (i % n) as f32);
            // Squares overlap by a hair so renderers leave no seams.
            content.rect(
                qx + col * module,
                qy_top - (row + 1.0) * module,
                module + 0.01,
                module + 0.01,
            );
        }
    }
    content.fill_nonzero();
    // Text to the right.
    let tx = x + pad + side + pad * 0.5;
    let tw = (x + w - pad - tx).max(1.0);
    let name_size = (h * 0.13).clamp(5.0, 9.0);
    let small = name_size * 0.85;
    let mut y = top - pad - name_size;
    // Wrapping works in whole units: hundredths of a point.
    let hundredths = |size: f32| move |s: &str| (FontUse::measure(s, size) * 100.0).round() as u32;
    let max = (tw * 100.0) as u32;
    // A line that must show whole (stars, lot, expiry) shrinks to fit.
    let fit = |text: &str, size: f32| size.min(size * tw / FontUse::measure(text, size).max(0.01));
    let stars = view.stars_line();
    show(content, fonts, tx, y, fit(&stars, name_size), true, &stars);
    y -= name_size * 1.2;
    let bottom = top - h + pad;
    let fixed = view.lot_expiry_lines();
    let fixed_h = small * 1.15 * fixed.len() as f32;
    // Name (up to 3 lines) then producer (up to 2), as space allows; a cut
    // text ends in "…" so nobody reads a shortened name as the real one.
    for (text, size, bold, most) in [
        (&view.product_name, name_size, true, 3usize),
        (&view.producer, small, false, 2),
    ] {
        let measure = hundredths(size);
        let lines = wrap(text, max, &measure);
        // Lines whose descenders stay above the lot/expiry block.
        let free = y - 0.25 * size - (bottom + fixed_h);
        let room = if free < 0.0 {
            0
        } else {
            (free / (size * 1.15)) as usize + 1
        };
        let shown = lines.len().min(most).min(room);
        for (i, line) in lines.iter().take(shown).enumerate() {
            let mut line = line.clone();
            if i + 1 == shown && shown < lines.len() {
                while !line.is_empty() && measure(&format!("{line}…")) > max {
                    line.pop();
                }
                line.push('…');
            }
            show(content, fonts, tx, y, size, bold, &line);
            y -= size * 1.15;
        }
    }
    let mut fy = bottom + fixed_h - small;
    for line in &fixed {
        show(content, fonts, tx, fy, fit(line, small), false, line);
        fy -= small * 1.15;
    }
    content.end_marked_content();
    Ok(())
}

/// The whole PDF: `labels` laid out `layout.per_page()` to a page.
pub fn sticker_sheet(
    labels: &[ProvenanceLabelView],
    layout: &SheetLayout,
) -> Result<Vec<u8>, PdfError> {
    if labels.is_empty() {
        return Err(PdfError::Empty);
    }
    let mut alloc = Ref::new(1);
    let catalog_id = alloc.bump();
    let tree_id = alloc.bump();
    let type0_id = alloc.bump();
    let cid_id = alloc.bump();
    let descriptor_id = alloc.bump();
    let file_id = alloc.bump();
    let cmap_id = alloc.bump();
    let mut pdf = Pdf::new();
    let mut fonts = FontUse::new();
    let page_w = layout.page_width * PT_PER_MM;
    let page_h = layout.page_height * PT_PER_MM;
    let mut page_ids = Vec::new();
    for chunk in labels.chunks(layout.per_page().max(1)) {
        let page_id = alloc.bump();
        let content_id = alloc.bump();
        let mut content = Content::new();
        for (i, view) in chunk.iter().enumerate() {
            let columns = layout.columns as usize;
            let (col, row) = ((i % columns) as f32, (i / columns) as f32);
            let x = (layout.margin_left + col * (layout.label_width + layout.gap_x)) * PT_PER_MM;
            let top = page_h
                - (layout.margin_top + row * (layout.label_height + layout.gap_y)) * PT_PER_MM;
            draw_label(
                &mut content,
                &mut fonts,
                view,
                x,
                top,
                layout.label_width * PT_PER_MM,
                layout.label_height * PT_PER_MM,
            )?;
        }
        let data = miniz_oxide::deflate::compress_to_vec_zlib(&content.finish(), 6);
        pdf.stream(content_id, &data).filter(Filter::FlateDecode);
        let mut page = pdf.page(page_id);
        page.parent(tree_id)
            .media_box(Rect::new(0.0, 0.0, page_w, page_h))
            .contents(content_id);
        page.resources().fonts().pair(Name(b"F1"), type0_id);
        page.finish();
        page_ids.push(page_id);
    }
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX))
        .kids(page_ids);
    write_font(
        &mut pdf,
        &fonts,
        [type0_id, cid_id, descriptor_id, file_id, cmap_id],
    )?;
    Ok(pdf.finish())
}

fn write_font(
    pdf: &mut Pdf,
    fonts: &FontUse,
    [type0_id, cid_id, descriptor_id, file_id, cmap_id]: [Ref; 5],
) -> Result<(), PdfError> {
    // A subset font is named with a six-letter tag (PDF 32000 9.6.4); the
    // tag is derived from the glyphs so the same sheet gives the same file.
    let tag: String = {
        let mut h: u32 = 2166136261;
        for id in fonts.remapper.remapped_gids() {
            for b in id.to_be_bytes() {
                h = (h ^ u32::from(b)).wrapping_mul(16777619);
            }
        }
        (0..6)
            .map(|i| char::from(b'A' + u8::try_from((h >> (i * 5)) % 26).unwrap_or(0)))
            .collect()
    };
    let base = format!("{tag}+DejaVuSans");
    let name = Name(base.as_bytes());
    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0_id)
        .base_font(name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(name)
        .system_info(info)
        .font_descriptor(descriptor_id)
        .default_width(600.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut widths = cid.widths();
        for (id, (_, w)) in &fonts.glyphs {
            widths.consecutive(*id, [*w]);
        }
    }
    cid.finish();
    // DejaVu Sans metrics in 1/1000 em (from its hhea/OS2 tables).
    pdf.font_descriptor(descriptor_id)
        .name(name)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(-1021.0, -463.0, 1793.0, 1232.0))
        .italic_angle(0.0)
        .ascent(928.0)
        .descent(-236.0)
        .cap_height(729.0)
        .stem_v(80.0)
        .font_file2(file_id);
    let subset = subsetter::subset(font::SANS_TTF, 0, &fonts.remapper)
        .map_err(|e| PdfError::Font(e.to_string()))?;
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
    pdf.stream(file_id, &compressed)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), info);
    for (id, (c, _)) in &fonts.glyphs {
        cmap.pair(*id, *c);
    }
    let cmap_data = cmap.finish();
    pdf.cmap(cmap_id, &cmap_data);
    Ok(())
}
