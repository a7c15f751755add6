//! Shelf labels: product name, producer, price (VAT included, as the shelf
//! price always is), unit, and the EAN-13 barcode when the product has a
//! GTIN-13. One label per cut; fits 58 and 80 mm rolls.

use ocop_core::gtin::Gtin;
use ocop_core::money::Dong;

use crate::barcode::Ean13;
use crate::document::{Block, Document, Style};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShelfLabelView {
    pub product_name: String,
    pub producer: String,
    /// Price including VAT.
    pub price: Dong,
    pub unit: String,
    /// OCOP star rating (3-5 for listed products), 0 to print none.
    pub stars: u8,
    pub gtin: Option<Gtin>,
}

pub fn shelf_label(view: &ShelfLabelView) -> Document {
    let mut doc = Document::new();
    doc.center(&view.product_name, Style::BOLD);
    doc.center(&view.producer, Style::NORMAL);
    if view.stars > 0 {
        doc.center(
            format!("OCOP {}", "★".repeat(usize::from(view.stars.min(5)))),
            Style::NORMAL,
        );
    }
    doc.center(view.price.to_string(), Style::LARGE_BOLD);
    if !view.unit.is_empty() {
        doc.center(format!("/ {}", view.unit), Style::NORMAL);
    }
    if let Some(ean) = view.gtin.as_ref().and_then(Ean13::from_gtin) {
        doc.push(Block::Barcode { ean13: ean });
    }
    doc.cut();
    doc
}
