//! The one error type of server model code: a user-caused [`Refusal`] (or
//! several at once, one per field), or the database failing.
//!
//! Models return [`ModelError`] and never an HTTP type: the edge
//! (`crate::error`) chooses the status from the refusal's kind, in one
//! place. Nothing is written when a model function returns an error inside
//! `Db::write`: the transaction rolls back.

use std::fmt;

use diesel::r2d2::PoolError;
use diesel::result::Error as DieselError;
use ocop_core::refusal::Refusal;

/// Why a model function did not do what was asked.
#[derive(Debug)]
pub enum ModelError {
    /// The request was refused for one reason.
    Refused(Refusal),
    /// Several fields of one record were refused at once, in field order
    /// (forms show each beside its field).
    Invalid(Vec<Refusal>),
    Db(DieselError),
    /// No database connection could be had.
    Unavailable(PoolError),
}

/// Shorthand for a model result.
pub type ModelResult<T> = Result<T, ModelError>;

/// Returns `r` as the error of any model result.
pub fn refuse<T>(r: Refusal) -> ModelResult<T> {
    Err(ModelError::Refused(r))
}

impl ModelError {
    /// A refusal about one line of a document, a sale or a file says which
    /// (`Dòng 2: …`); other errors are unchanged.
    #[must_use]
    pub fn on_line(self, line_no: impl fmt::Display) -> ModelError {
        match self {
            ModelError::Refused(r) => ModelError::Refused(r.on_line(line_no)),
            other => other,
        }
    }

    /// The refusals, if the user caused this error; the error itself
    /// otherwise (for forms, which show refusals and fail on the rest).
    pub fn into_refusals(self) -> Result<Vec<Refusal>, ModelError> {
        match self {
            ModelError::Refused(r) => Ok(vec![r]),
            ModelError::Invalid(list) => Ok(list),
            other => Err(other),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Refused(r) => r.fmt(f),
            ModelError::Invalid(list) => {
                let texts: Vec<String> = list.iter().map(Refusal::to_string).collect();
                f.write_str(&texts.join("; "))
            }
            ModelError::Db(e) => e.fmt(f),
            ModelError::Unavailable(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ModelError {}

impl From<Refusal> for ModelError {
    fn from(r: Refusal) -> Self {
        ModelError::Refused(r)
    }
}

impl From<Vec<Refusal>> for ModelError {
    fn from(list: Vec<Refusal>) -> Self {
        ModelError::Invalid(list)
    }
}

impl From<DieselError> for ModelError {
    fn from(e: DieselError) -> Self {
        ModelError::Db(e)
    }
}

impl From<PoolError> for ModelError {
    fn from(e: PoolError) -> Self {
        ModelError::Unavailable(e)
    }
}
