//! A printer-independent document: what a receipt, report, slip or label
//! says, in blocks, without knowing the paper width or how the printer
//! renders Vietnamese. Layout functions (`crate::layout`) build documents;
//! `crate::escpos::encode` turns them into bytes for one printer profile.

use crate::barcode::Ean13;
use crate::raster::Bitmap;

/// Horizontal alignment of a text block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// Character size. `Large` is double width and double height in the text
/// modes and a larger font in raster mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    #[default]
    Normal,
    Large,
}

/// How a piece of text looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub bold: bool,
    pub size: TextSize,
}

impl Style {
    pub const NORMAL: Style = Style {
        bold: false,
        size: TextSize::Normal,
    };
    pub const BOLD: Style = Style {
        bold: true,
        size: TextSize::Normal,
    };
    pub const LARGE_BOLD: Style = Style {
        bold: true,
        size: TextSize::Large,
    };
}

/// One block of a document, printed top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Text, wrapped at word boundaries to the paper width.
    Text {
        text: String,
        align: Align,
        style: Style,
    },
    /// `left` flush left and `right` flush right on the same line (a name and
    /// an amount). When both do not fit, `left` wraps and `right` goes on its
    /// last line.
    Row {
        left: String,
        right: String,
        style: Style,
    },
    /// A horizontal rule across the paper.
    Separator,
    /// A QR code (Model 2, error correction M), centred.
    Qr { data: String },
    /// An EAN-13 barcode with its digits printed under it, centred.
    Barcode { ean13: Ean13 },
    /// A pre-rendered 1-bit picture (labels), centred.
    Image(Bitmap),
    /// Feed this many blank lines.
    Feed(u8),
    /// Feed to the cutter and cut (partial cut).
    Cut,
    /// Pulse the cash drawer (pin 2).
    OpenDrawer,
}

/// A printable document: blocks in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// Appends every block of `other` (e.g. several labels in one job).
    pub fn append(&mut self, other: Document) -> &mut Self {
        self.blocks.extend(other.blocks);
        self
    }

    pub fn text(&mut self, text: impl Into<String>, align: Align, style: Style) -> &mut Self {
        self.push(Block::Text {
            text: text.into(),
            align,
            style,
        })
    }

    /// Plain left-aligned text.
    pub fn line(&mut self, text: impl Into<String>) -> &mut Self {
        self.text(text, Align::Left, Style::NORMAL)
    }

    /// Centred text.
    pub fn center(&mut self, text: impl Into<String>, style: Style) -> &mut Self {
        self.text(text, Align::Center, style)
    }

    pub fn row(&mut self, left: impl Into<String>, right: impl Into<String>) -> &mut Self {
        self.row_styled(left, right, Style::NORMAL)
    }

    pub fn row_styled(
        &mut self,
        left: impl Into<String>,
        right: impl Into<String>,
        style: Style,
    ) -> &mut Self {
        self.push(Block::Row {
            left: left.into(),
            right: right.into(),
            style,
        })
    }

    pub fn separator(&mut self) -> &mut Self {
        self.push(Block::Separator)
    }

    pub fn qr(&mut self, data: impl Into<String>) -> &mut Self {
        self.push(Block::Qr { data: data.into() })
    }

    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.push(Block::Feed(lines))
    }

    pub fn cut(&mut self) -> &mut Self {
        self.push(Block::Cut)
    }
}
