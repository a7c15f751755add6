//! The statuses the edge can answer on any operation, added to each
//! operation of the OpenAPI document that can meet them — so the document
//! lists what the server really returns (issue 15: schemathesis found 82
//! undocumented statuses), without repeating them on every handler:
//!
//! - 400 `invalid_parameter` / `invalid_request` / `malformed_json`: an
//!   operation with parameters or a body;
//! - 401: a secured operation (bearer or till credential), and 403 (role or
//!   scope) for those open to users;
//! - 404: an operation with a path parameter (no such item, or not yours);
//! - 413 and 415: an operation with a body.
//!
//! Every one is an `ErrorBody`. A status a handler documents itself keeps
//! the handler's description.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

fn error(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
        .into()
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| error(description));
}

fn edge(op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let in_path = params
        .iter()
        .any(|p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path)));
    let has_body = op.request_body.is_some();
    let schemes: Vec<String> = op
        .security
        .iter()
        .flatten()
        .filter_map(|s| serde_json::to_value(s).ok())
        .filter_map(|v| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
        .flatten()
        .collect();
    if !params.is_empty() || has_body {
        add(op, "400", "Malformed parameter or body");
    }
    if !schemes.is_empty() {
        add(op, "401", "Missing, expired, revoked or wrong credential");
    }
    if schemes.iter().any(|s| s == "bearer") {
        add(op, "403", "The caller's role or scope does not allow this");
    }
    if in_path {
        add(op, "404", "No such item, or not the caller's");
    }
    if has_body {
        add(op, "413", "Body too large");
        add(op, "415", "Wrong Content-Type");
    }
}

/// Adds the edge's statuses to every operation of `doc`.
pub fn document(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            edge(op);
        }
    }
}
