//! Why a stock action was refused: a stable code, Vietnamese and English
//! text, and whether it is a conflict with the stored state (409, e.g. a
//! document already posted) or an invalid request (422). Nothing is written
//! when one of these is returned: the caller's transaction rolls back.

use actix_web::http::StatusCode;

use crate::error::ApiError;
use crate::models::product::ReceiveError;

/// A refused stock action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockError {
    pub code: &'static str,
    pub conflict: bool,
    pub vi: String,
    pub en: String,
}

impl StockError {
    pub fn invalid(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        StockError {
            code,
            conflict: false,
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn conflict(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        StockError {
            conflict: true,
            ..Self::invalid(code, vi, en)
        }
    }

    /// `Dòng 2: …` / `Line 2: …`: errors about one line say which.
    pub fn on_line(mut self, line_no: usize) -> Self {
        self.vi = format!("Dòng {line_no}: {}", self.vi);
        self.en = format!("Line {line_no}: {}", self.en);
        self
    }
}

impl std::fmt::Display for StockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.en)
    }
}

impl std::error::Error for StockError {}

/// The error of every stock model function: a refused action, or the
/// database failing.
#[derive(Debug)]
pub enum StockFailure {
    Rule(StockError),
    Api(ApiError),
    Db(diesel::result::Error),
}

impl std::fmt::Display for StockFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StockFailure::Rule(e) => e.fmt(f),
            StockFailure::Api(e) => e.fmt(f),
            StockFailure::Db(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StockFailure {}

impl From<diesel::result::Error> for StockFailure {
    fn from(e: diesel::result::Error) -> Self {
        StockFailure::Db(e)
    }
}

impl From<StockError> for StockFailure {
    fn from(e: StockError) -> Self {
        StockFailure::Rule(e)
    }
}

impl From<ReceiveError> for StockFailure {
    fn from(e: ReceiveError) -> Self {
        match e {
            ReceiveError::Db(e) => StockFailure::Db(e),
            other => StockFailure::Api(other.into()),
        }
    }
}

impl From<StockFailure> for ApiError {
    fn from(e: StockFailure) -> Self {
        match e {
            StockFailure::Rule(r) => ApiError::new(
                if r.conflict {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                },
                r.code,
                r.vi,
                r.en,
            ),
            StockFailure::Api(e) => e,
            StockFailure::Db(e) => e.into(),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StockFailure {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StockFailure::Api(e.into())
    }
}

/// Shorthand for a rule failure.
pub fn refuse<T>(e: StockError) -> Result<T, StockFailure> {
    Err(StockFailure::Rule(e))
}

pub fn non_positive_quantity() -> StockError {
    StockError::invalid(
        "non_positive_quantity",
        "Số lượng phải lớn hơn 0.",
        "The quantity must be greater than zero.",
    )
}

pub fn fractional_quantity(unit: &str) -> StockError {
    StockError::invalid(
        "fractional_quantity",
        format!("Sản phẩm bán theo {unit} nguyên: số lượng không được có phần lẻ."),
        format!("This product is counted in whole units ({unit}): no fractions."),
    )
}

pub fn insufficient_stock(product: &str, available: ocop_core::money::Quantity) -> StockError {
    StockError::conflict(
        "insufficient_stock",
        format!("Không đủ hàng tồn của \"{product}\" (còn {available})."),
        format!(
            "Not enough stock of \"{product}\" ({} on hand).",
            available.to_machine_string()
        ),
    )
}

pub fn document_posted(number: &str) -> StockError {
    StockError::conflict(
        "document_posted",
        format!(
            "Chứng từ {number} đã ghi sổ, không được sửa. Hãy lập chứng từ điều chỉnh tham chiếu tới nó."
        ),
        format!(
            "Document {number} is posted and cannot be changed. Make a correcting document that refers to it."
        ),
    )
}
