//! What each caller may see, decided once for the JSON API and the web
//! pages alike: the stock rows in a caller's scope, and the stock documents
//! visible to them. Managers and cashiers see their own outlet, producers
//! their own goods at every outlet, inspectors and admins everything. A
//! document the caller may not see answers 404, as one that does not exist.

use super::{AuthUser, Role};
use crate::error::ApiError;
use crate::models::stock::document::{self, Document, DocumentView};
use crate::models::stock::report::Scope;
use crate::state::AppState;

/// The stock rows a caller may see.
pub fn stock_scope(caller: &AuthUser) -> Scope {
    match caller.role {
        Role::Admin | Role::Inspector => Scope::default(),
        // -1 matches nothing should an account ever lack its scope.
        Role::Manager | Role::Cashier => Scope {
            outlet_id: Some(caller.outlet_id.unwrap_or(-1)),
            producer_id: None,
        },
        Role::Producer => Scope {
            outlet_id: None,
            producer_id: Some(caller.producer_id.unwrap_or(-1)),
        },
    }
}

/// May the caller read this document? 404 otherwise.
pub fn check_document_visible(caller: &AuthUser, doc: &Document) -> Result<(), ApiError> {
    let visible = caller.reads_everything()
        || caller
            .outlet_id
            .is_some_and(|o| o == doc.outlet_id || Some(o) == doc.dest_outlet_id)
        || (caller.role == Role::Producer
            && caller.producer_id.is_some()
            && caller.producer_id == doc.producer_id);
    if visible {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// Document `id` as the caller may see it (404 if not theirs).
pub async fn load_view(
    state: &AppState,
    caller: &AuthUser,
    id: i32,
) -> Result<DocumentView, ApiError> {
    let view = state.read(move |c| Ok(document::view(c, id)?)).await?;
    check_document_visible(caller, &view.document)?;
    Ok(view)
}
