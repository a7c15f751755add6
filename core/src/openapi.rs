//! OpenAPI schemas of the core's hand-serialised types (behind the
//! `openapi` feature, which only the server turns on), so the sale, refund
//! and shift bodies are described as they really are on the wire.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::money::{Dong, MAX_AMOUNT, Quantity, VatRate};
use crate::sale::model::{ChainHash, ReceiptNo};
use crate::sale::shift::CashCount;

fn described(b: ObjectBuilder, text: &str) -> RefOr<Schema> {
    b.description(Some(text)).into()
}

impl PartialSchema for Dong {
    fn schema() -> RefOr<Schema> {
        described(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
            &format!(
                "Whole đồng (no minor unit). Entrances accept amounts up to {} in size.",
                MAX_AMOUNT.amount()
            ),
        )
    }
}
impl ToSchema for Dong {}

impl PartialSchema for Quantity {
    fn schema() -> RefOr<Schema> {
        described(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^-?[0-9]+([.,][0-9]{1,3})?$"))
                .examples(["1.5"]),
            "A quantity with at most 3 decimals, as a decimal string (a JSON number of whole units is accepted too).",
        )
    }
}
impl ToSchema for Quantity {}

impl PartialSchema for VatRate {
    fn schema() -> RefOr<Schema> {
        described(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(VatRate::ALL.map(VatRate::code))),
            "VAT rate code: `kct` (not subject), `0`, `5`, `8`, `10`.",
        )
    }
}
impl ToSchema for VatRate {}

impl PartialSchema for ReceiptNo {
    fn schema() -> RefOr<Schema> {
        described(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(1))
                .maximum(Some(u32::MAX)),
            "Receipt number: per till, gapless, from 1.",
        )
    }
}
impl ToSchema for ReceiptNo {}

impl PartialSchema for ChainHash {
    fn schema() -> RefOr<Schema> {
        described(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[0-9a-fA-F]{64}$")),
            "SHA-256 chain hash, 64 hex digits.",
        )
    }
}
impl ToSchema for ChainHash {}

impl PartialSchema for CashCount {
    fn schema() -> RefOr<Schema> {
        described(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .additional_properties(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                        .minimum(Some(0)),
                )),
            "Notes counted: note value in đồng (`\"500000\"`) → how many.",
        )
    }
}
impl ToSchema for CashCount {}

impl PartialSchema for crate::digital_link::Serial {
    fn schema() -> RefOr<Schema> {
        described(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(20)),
            "A label serial (GS1 AI 21): 1–20 characters of GS1 character set 82.",
        )
    }
}
impl ToSchema for crate::digital_link::Serial {}
