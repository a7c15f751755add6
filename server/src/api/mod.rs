//! The HTTP API. Handlers are thin: parse input into domain types, call one
//! model function, shape the answer. Every handler registered here is
//! collected into the OpenAPI document by utoipa-actix-web, so the document
//! cannot drift from the routes.

/// A request body that is a core type, taken as is (unknown fields refused
/// by the core type) and described in the OpenAPI document by the core
/// type's own schema, under its name.
macro_rules! core_body {
    ($name:ident, $ty:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $ty);

        // Described by the core type it wraps, under the core type's name.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <$ty as utoipa::PartialSchema>::schema()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                <$ty as utoipa::ToSchema>::name()
            }
            fn schemas(
                schemas: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                )>,
            ) {
                <$ty as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}

pub mod auth;
pub mod cases;
pub mod catalogue;
pub mod catalogue_io;
pub mod consignment;
pub mod edge_statuses;
pub mod einvoices;
pub mod health;
pub mod labels;
pub mod outlets;
pub mod payments;
pub mod producers;
pub mod products;
pub mod public_catalogue;
pub mod refunds;
pub mod sales;
pub mod scan;
pub mod settlements;
pub mod shifts;
pub mod stock;
pub mod stock_documents;
pub mod tills;
pub mod users;

use tills::TillAuthDoc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Mounts every route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz);
    cfg.service(
        scope("/api/v1")
            .service(auth::login)
            .service(auth::logout)
            .service(auth::me)
            .service(users::list)
            .service(users::create)
            .service(producers::list)
            .service(producers::get)
            .service(producers::create)
            .service(producers::update)
            .service(products::list)
            .service(products::get)
            .service(products::prices)
            .service(products::create)
            .service(products::update)
            .service(outlets::list)
            .service(outlets::get)
            .service(outlets::create)
            .service(outlets::update)
            .service(outlets::catalogue)
            .service(scan::scan)
            .service(catalogue_io::import)
            .service(catalogue_io::export)
            // stock and consignment (issue 4)
            .service(consignment::list)
            .service(consignment::create)
            .service(stock_documents::list)
            .service(stock_documents::create)
            .service(stock_documents::get_one)
            .service(stock_documents::replace)
            .service(stock_documents::post_document)
            .service(stock_documents::receive)
            // printable documents: rendered with the web pages' layout
            .service(crate::web::stock_print::print_html)
            .service(crate::web::stock_print::slip_escpos)
            .service(crate::web::stock_print::slip_png)
            .service(stock::on_hand)
            .service(stock::movements)
            .service(stock::in_transit)
            .service(stock::alerts)
            .service(stock::set_threshold)
            .service(stock::verify)
            .service(catalogue::reference_data)
            // sales (issue 5)
            .service(tills::create)
            .service(sales::batch)
            .service(sales::create)
            .service(sales::by_receipt)
            .service(sales::refunds)
            .service(sales::get_one)
            .service(refunds::create)
            .service(shifts::open)
            .service(shifts::cash_movement)
            .service(shifts::report)
            .service(shifts::close)
            .service(shifts::acknowledge)
            .service(shifts::close_day)
            .service(payments::vietqr)
            .service(payments::confirm)
            .service(payments::pending)
            .service(payments::bank_notification)
            .service(einvoices::for_sale)
            .service(einvoices::day)
            // settlement (issue 13)
            .service(settlements::run)
            .service(settlements::list)
            .service(settlements::balances)
            .service(settlements::payout_batch)
            .service(settlements::payout_batch_csv)
            .service(settlements::get_one)
            .service(settlements::verify)
            .service(settlements::approve)
            .service(settlements::confirm)
            .service(settlements::dispute)
            .service(settlements::pay)
            .service(settlements::adjust)
            .service(settlements::vietqr_png)
            // provenance (issue 12)
            .service(labels::issue)
            .service(labels::batch)
            .service(crate::web::label_print::sheet_api)
            .service(crate::web::label_print::escpos_api)
            .service(crate::web::report::api_submit)
            .service(cases::open)
            .service(cases::list)
            .service(cases::export)
            .service(cases::export_xlsx)
            .service(cases::get_one)
            .service(cases::step)
            .service(cases::confirm)
            .service(cases::signals)
            // the public catalogue (issue 17)
            .service(public_catalogue::list),
    );
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "ocop-pos API",
        description = "Point of sale, stock and consignment settlement for OCOP sales points.\n\n\
            Errors are JSON `{\"error\": \"<stable_code>\", \"message\": \"<text>\"}`; \
            the message is Vietnamese unless the request sends `Accept-Language: en`.\n\n\
            Authenticate with `POST /api/v1/auth/login`, then send `Authorization: Bearer <token>`."
    ),
    modifiers(&BearerAuth, &TillAuthDoc, &ResolverPaths),
    // Referenced only from query parameters, which do not register schemas.
    components(schemas(crate::catalogue_io::export::Format)),
    tags(
        (name = "health", description = "Liveness and database status"),
        (name = "auth", description = "Login and the current account"),
        (name = "users", description = "Accounts and roles (admin)"),
        (name = "catalogue", description = "Producers, products, outlets and reference lists"),
        (name = "sales", description = "Tills, sale ingest, the journal, refunds, shifts, payments and e-invoice data"),
        (name = "provenance", description = "Serialised provenance labels, recalls, fake reports and inspector cases"),
        (name = "stock", description = "Consignment agreements, stock documents, the stock ledger, reports and alerts"),
        (name = "settlement", description = "Consignment settlement statements, their workflow and payouts"),
        (name = "public", description = "The public OCOP catalogue: no login, public facts only, cacheable"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

/// The public resolver (`/01/…`, `/l/…`), served at the root beside the
/// pages, documented in `web::resolver_doc`.
struct ResolverPaths;

impl utoipa::Modify for ResolverPaths {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::OpenApi as _;
        openapi.merge(crate::web::resolver_doc::ResolverDoc::openapi());
    }
}

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
