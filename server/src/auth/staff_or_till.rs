//! The `StaffOrTill` extractor: reads a till needs as well as the outlet's
//! staff — the catalogue sync, a sale and its refunds, a sale by receipt
//! number — proven either by a user's bearer token or by the till's own
//! credential (`Authorization: Till <id>:<secret>`).
//!
//! A till needs these reads long after the user token it was set up with
//! has expired (it runs for months; its credential does not expire), and
//! it needs them to refund a sale made on another till of its outlet. A
//! till reads only its own outlet; a user is checked as [`AuthUser`] is.
//! Another outlet's records answer 404, never 403, so that their existence
//! is not confirmed.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest};

use super::AuthUser;
use super::till::TillAuth;
use crate::error::ApiError;
use crate::models::sale::till::Till;

/// Who is reading: one of the staff, or a registered till.
#[derive(Debug, Clone)]
pub enum StaffOrTill {
    Staff(AuthUser),
    Till(Till),
}

impl StaffOrTill {
    /// May the caller read this outlet's records? A till only its own
    /// outlet; a user by its role ([`AuthUser::check_outlet`]). 404 otherwise.
    pub fn check_outlet(&self, outlet_id: i32) -> Result<(), ApiError> {
        match self {
            StaffOrTill::Staff(user) => user.check_outlet(outlet_id),
            StaffOrTill::Till(till) if till.outlet_id == outlet_id => Ok(()),
            StaffOrTill::Till(_) => Err(ApiError::not_found()),
        }
    }
}

/// True when the request authenticates with the `Till` scheme.
fn sends_till_scheme(req: &HttpRequest) -> bool {
    req.headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|text| text.split_once(' '))
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("till"))
}

impl FromRequest for StaffOrTill {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<StaffOrTill, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        if sends_till_scheme(req) {
            let till = TillAuth::from_request(req, payload);
            Box::pin(async move { Ok(StaffOrTill::Till(till.await?.0)) })
        } else {
            // No header, a bearer token or anything else: the user path
            // answers `missing_token` / `invalid_token` as it always has.
            let user = AuthUser::from_request(req, payload);
            Box::pin(async move { Ok(StaffOrTill::Staff(user.await?)) })
        }
    }
}
