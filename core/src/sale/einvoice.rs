//! The data of a cash-register e-invoice (hóa đơn điện tử khởi tạo từ máy
//! tính tiền) for a sale, and a day's export. No connection to the tax
//! authority: this is the content an e-invoice provider or the authority's
//! portal would take.
//!
//! # Numbering
//!
//! An invoice carries a form number (ký hiệu mẫu số: `1` VAT invoice,
//! `2` sales invoice) and a 6-character symbol (ký hiệu hóa đơn, Circular
//! 78/2021 art. 4): `C` (invoice with the authority's code, which
//! cash-register invoices are), the 2-digit year of issue, `M` (generated
//! from a cash register), and 2 upper-case letters the seller chooses (one
//! pair per till, say). Printed together: `1C26MAB`. The number runs from
//! 1 to 99 999 999 per symbol and year; keeping that sequence is the
//! caller's job, the receipt number is a separate, per-till sequence.
//!
//! # JSON (`ocop-pos/einvoice/v1`)
//!
//! ```json
//! {
//!   "format": "ocop-pos/einvoice/v1",
//!   "form": 1, "symbol": "C26MAB", "number": 123,
//!   "issued_at": "2026-11-28T10:15:30.250+07:00", "issued_on": "2026-11-28",
//!   "sale_id": "…", "receipt": {"till_id": 3, "receipt_no": 1},
//!   "seller": {"name": "…", "tax_code": "5300123456", "address": "…", "phone": null},
//!   "buyer": null,
//!   "currency": "VND",
//!   "prices_include_vat": true,
//!   "payment_methods": ["cash"],
//!   "lines": [{"no": 1, "name": "Rượu ngô Bắc Hà", "unit": "chai", "quantity": "2",
//!              "unit_price": 175000, "discount": 10000, "amount": 340000, "vat_rate": "10"}],
//!   "vat": [{"rate": "10", "gross": 340000, "vat": 30909, "net": 309091}],
//!   "total_before_vat": 309091, "total_vat": 30909, "total": 340000,
//!   "total_in_words": "Ba trăm bốn mươi nghìn đồng"
//! }
//! ```
//!
//! Money is whole đồng; `unit_price` and `amount` include VAT (shelf prices
//! do); `vat` has one entry per rate with the receipt's own figures, so the
//! invoice and the receipt agree to the đồng. `issued_at` is the sale's
//! time in Vietnam (UTC+7); `issued_on` its Vietnamese calendar day.
//!
//! A day's export (`ocop-pos/einvoice-day/v1`, [`DayExport`]) wraps the
//! day's invoices with their count and totals.
//!
//! Refunds would need adjustment invoices pointing at the original; they
//! are not produced here.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{PaymentKind, ReceiptRef, Sale};
use super::words::dong_in_words;
use super::{TextRule, check_text};
use crate::i18n::{Lang, UserError};
use crate::money::{Dong, MoneyError, Quantity, VatBucket, VatRate};
use crate::tax_code::TaxCode;
use crate::time::{to_vn, vn_date};

pub const EINVOICE_FORMAT: &str = "ocop-pos/einvoice/v1";
pub const DAY_EXPORT_FORMAT: &str = "ocop-pos/einvoice-day/v1";
/// Largest invoice number (8 digits).
pub const MAX_INVOICE_NUMBER: u32 = 99_999_999;

const MAX_PARTY_TEXT: usize = 400;

/// Why an invoice cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EInvoiceError {
    #[error("invoice form must be 1 or 2, got {form}")]
    InvalidForm { form: u8 },
    #[error("invoice symbol must look like C26MAB: {symbol:?}")]
    InvalidSymbol { symbol: String },
    #[error("invoice symbol {symbol} is for 20{symbol_year:02}, the sale is in {year}")]
    SymbolYearMismatch {
        symbol: String,
        symbol_year: u32,
        year: i32,
    },
    #[error("invoice number must be 1 to 99 999 999, got {number}")]
    InvalidNumber { number: u32 },
    #[error("{party} {field} is empty, too long or holds control characters")]
    InvalidParty {
        party: &'static str,
        field: &'static str,
    },
    #[error("invoice of {found} in the export of {day}")]
    WrongDay { day: NaiveDate, found: NaiveDate },
    #[error(transparent)]
    Money(MoneyError),
}

impl UserError for EInvoiceError {
    fn code(&self) -> &'static str {
        match self {
            EInvoiceError::InvalidForm { .. } => "invalid_invoice_form",
            EInvoiceError::InvalidSymbol { .. } => "invalid_invoice_symbol",
            EInvoiceError::SymbolYearMismatch { .. } => "invoice_symbol_year_mismatch",
            EInvoiceError::InvalidNumber { .. } => "invalid_invoice_number",
            EInvoiceError::InvalidParty { .. } => "invalid_invoice_party",
            EInvoiceError::WrongDay { .. } => "invoice_wrong_day",
            EInvoiceError::Money(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        use EInvoiceError as E;
        match (self, lang) {
            (E::InvalidForm { form }, Lang::Vi) => {
                format!("Ký hiệu mẫu số hóa đơn phải là 1 hoặc 2 (nhận được {form}).")
            }
            (E::InvalidForm { form }, Lang::En) => {
                format!("The invoice form must be 1 or 2 (got {form}).")
            }
            (E::InvalidSymbol { symbol }, Lang::Vi) => format!(
                "Ký hiệu hóa đơn \"{symbol}\" không hợp lệ: hóa đơn khởi tạo từ máy tính tiền \
                 có dạng C26MAB (C, 2 số cuối của năm, M, 2 chữ cái in hoa)."
            ),
            (E::InvalidSymbol { symbol }, Lang::En) => format!(
                "Invalid invoice symbol \"{symbol}\": a cash-register invoice symbol looks \
                 like C26MAB (C, 2-digit year, M, 2 capital letters)."
            ),
            (
                E::SymbolYearMismatch {
                    symbol,
                    symbol_year,
                    year,
                },
                Lang::Vi,
            ) => format!(
                "Ký hiệu \"{symbol}\" dùng cho năm 20{symbol_year:02}, nhưng hóa đơn lập năm {year}."
            ),
            (
                E::SymbolYearMismatch {
                    symbol,
                    symbol_year,
                    year,
                },
                Lang::En,
            ) => format!(
                "The symbol \"{symbol}\" is for 20{symbol_year:02}, but the invoice is of {year}."
            ),
            (E::InvalidNumber { number }, Lang::Vi) => {
                format!("Số hóa đơn phải từ 1 đến 99.999.999 (nhận được {number}).")
            }
            (E::InvalidNumber { number }, Lang::En) => {
                format!("The invoice number must be 1 to 99,999,999 (got {number}).")
            }
            (E::InvalidParty { party, field }, Lang::Vi) => {
                let who = if *party == "seller" {
                    "người bán"
                } else {
                    "người mua"
                };
                format!("Thông tin {who}: trường \"{field}\" trống, quá dài hoặc có ký tự lạ.")
            }
            (E::InvalidParty { party, field }, Lang::En) => {
                format!("The {party}'s \"{field}\" is empty, too long or holds control characters.")
            }
            (E::WrongDay { day, found }, Lang::Vi) => format!(
                "Hóa đơn ngày {} không thuộc bảng kê ngày {}.",
                found.format("%d/%m/%Y"),
                day.format("%d/%m/%Y")
            ),
            (E::WrongDay { day, found }, Lang::En) => format!(
                "An invoice of {} is not of the export's day {}.",
                found.format("%d/%m/%Y"),
                day.format("%d/%m/%Y")
            ),
            (E::Money(e), lang) => e.message(lang),
        }
    }
}

/// The seller: the outlet's operator, as registered with the tax office.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seller {
    pub name: String,
    pub tax_code: TaxCode,
    pub address: String,
    pub phone: Option<String>,
}

/// A buyer who asked for an invoice in their name (optional on a
/// cash-register invoice).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buyer {
    pub name: String,
    pub tax_code: Option<TaxCode>,
    pub address: Option<String>,
    pub email: Option<String>,
}

impl Buyer {
    /// A customer's request for a VAT invoice in a buyer's name (issue 14),
    /// as typed on the online receipt: the name and address (required,
    /// one line each), the tax code (mã số thuế, required: a VAT invoice is
    /// asked for by a business; its format checked by [`TaxCode::parse`]),
    /// and an e-mail address to send it to (optional; `name@domain.tld`).
    /// Every problem at once, each on its field.
    pub fn request(
        name: &str,
        tax_code: &str,
        address: &str,
        email: &str,
    ) -> Result<Buyer, Vec<crate::refusal::Refusal>> {
        use crate::refusal::Refusal;
        let mut problems = Vec::new();
        let mut text = |field: &'static str, what: (&str, &str), value: &str| {
            if !check_text(value, TextRule::required(MAX_PARTY_TEXT)) {
                problems.push(
                    Refusal::invalid(
                        "invalid_buyer",
                        format!(
                            "Cần ghi {} (một dòng, tối đa {MAX_PARTY_TEXT} ký tự).",
                            what.0
                        ),
                        format!(
                            "Give the {} (one line, at most {MAX_PARTY_TEXT} characters).",
                            what.1
                        ),
                    )
                    .on_field(field),
                );
            }
        };
        text("buyer_name", ("tên đơn vị mua hàng", "buyer's name"), name);
        text("address", ("địa chỉ", "address"), address);
        let tax_code = TaxCode::parse(tax_code).map_err(|e| e.refusal().on_field("tax_code"));
        let email = email.trim();
        let email_ok = email.is_empty() || is_email(email);
        if let Err(r) = &tax_code {
            problems.push(r.clone());
        }
        if !email_ok {
            problems.push(
                Refusal::invalid(
                    "invalid_email",
                    format!("Địa chỉ email \"{email}\" không hợp lệ."),
                    format!("The e-mail address \"{email}\" is not valid."),
                )
                .on_field("email"),
            );
        }
        match tax_code {
            Ok(tax_code) if problems.is_empty() => Ok(Buyer {
                name: name.trim().to_owned(),
                tax_code: Some(tax_code),
                address: Some(address.trim().to_owned()),
                email: Some(email.to_owned()).filter(|e| !e.is_empty()),
            }),
            _ => Err(problems),
        }
    }
}

/// `local@domain.tld`: one `@`, no spaces, a dot inside the domain, at
/// most 254 characters. Only the shape; delivery is the real check.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain
            .split_once('.')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.ends_with('.'))
}

/// Form, symbol and number of an invoice.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct InvoiceNumbering {
    /// 1: VAT invoice (hóa đơn GTGT); 2: sales invoice (hóa đơn bán hàng).
    pub form: u8,
    /// `C26MAB`.
    pub symbol: String,
    pub number: u32,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EInvoiceLine {
    pub no: u32,
    pub name: String,
    pub unit: String,
    pub quantity: Quantity,
    /// VAT included.
    pub unit_price: Dong,
    pub discount: Dong,
    /// VAT included, after the discount.
    pub amount: Dong,
    pub vat_rate: VatRate,
}

/// A cash-register e-invoice's data (module documentation).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EInvoice {
    pub format: String,
    pub form: u8,
    pub symbol: String,
    pub number: u32,
    pub issued_at: DateTime<FixedOffset>,
    pub issued_on: NaiveDate,
    pub sale_id: Uuid,
    pub receipt: ReceiptRef,
    pub seller: Seller,
    pub buyer: Option<Buyer>,
    pub currency: String,
    pub prices_include_vat: bool,
    /// Methods used, each once, in [`PaymentKind::ALL`] order.
    pub payment_methods: Vec<PaymentKind>,
    pub lines: Vec<EInvoiceLine>,
    pub vat: Vec<VatBucket>,
    pub total_before_vat: Dong,
    pub total_vat: Dong,
    pub total: Dong,
    pub total_in_words: String,
}

impl EInvoice {
    /// `1C26MAB`: form and symbol as printed.
    pub fn full_symbol(&self) -> String {
        format!("{}{}", self.form, self.symbol)
    }

    /// The number as printed: 8 digits, `00000123`.
    pub fn printed_number(&self) -> String {
        format!("{:08}", self.number)
    }
}

fn check_symbol(symbol: &str, year: i32) -> Result<(), EInvoiceError> {
    let invalid = || EInvoiceError::InvalidSymbol {
        symbol: symbol.to_string(),
    };
    let b = symbol.as_bytes();
    let [c, y1, y2, m, s1, s2] = b else {
        return Err(invalid());
    };
    if *c != b'C'
        || !y1.is_ascii_digit()
        || !y2.is_ascii_digit()
        || *m != b'M'
        || !s1.is_ascii_uppercase()
        || !s2.is_ascii_uppercase()
    {
        return Err(invalid());
    }
    let symbol_year = u32::from(y1 - b'0') * 10 + u32::from(y2 - b'0');
    if i64::from(year).rem_euclid(100) != i64::from(symbol_year) {
        return Err(EInvoiceError::SymbolYearMismatch {
            symbol: symbol.to_string(),
            symbol_year,
            year,
        });
    }
    Ok(())
}

fn check_party_text(
    party: &'static str,
    field: &'static str,
    value: &str,
) -> Result<(), EInvoiceError> {
    if check_text(value, TextRule::required(MAX_PARTY_TEXT)) {
        Ok(())
    } else {
        Err(EInvoiceError::InvalidParty { party, field })
    }
}

fn check_parties(seller: &Seller, buyer: Option<&Buyer>) -> Result<(), EInvoiceError> {
    check_party_text("seller", "name", &seller.name)?;
    check_party_text("seller", "address", &seller.address)?;
    if let Some(phone) = &seller.phone {
        check_party_text("seller", "phone", phone)?;
    }
    if let Some(b) = buyer {
        check_party_text("buyer", "name", &b.name)?;
        if let Some(a) = &b.address {
            check_party_text("buyer", "address", a)?;
        }
        if let Some(e) = &b.email {
            check_party_text("buyer", "email", e)?;
        }
    }
    Ok(())
}

/// The e-invoice data of a sale (which the caller has verified). The
/// invoice is issued at the time of the sale, in Vietnam time.
pub fn einvoice_for_sale(
    sale: &Sale,
    seller: &Seller,
    buyer: Option<&Buyer>,
    numbering: &InvoiceNumbering,
) -> Result<EInvoice, EInvoiceError> {
    if !matches!(numbering.form, 1 | 2) {
        return Err(EInvoiceError::InvalidForm {
            form: numbering.form,
        });
    }
    let issued_at = to_vn(sale.sold_at);
    let issued_on = vn_date(sale.sold_at);
    check_symbol(&numbering.symbol, issued_on.year())?;
    if numbering.number == 0 || numbering.number > MAX_INVOICE_NUMBER {
        return Err(EInvoiceError::InvalidNumber {
            number: numbering.number,
        });
    }
    check_parties(seller, buyer)?;
    let overflow = || EInvoiceError::Money(MoneyError::Overflow);
    let total_vat = Dong::checked_sum(sale.vat.iter().map(|b| b.vat)).ok_or_else(overflow)?;
    let total_before_vat =
        Dong::checked_sum(sale.vat.iter().map(|b| b.net)).ok_or_else(overflow)?;
    let payment_methods = PaymentKind::ALL
        .into_iter()
        .filter(|k| sale.payments.iter().any(|p| p.method.kind() == *k))
        .collect();
    Ok(EInvoice {
        format: EINVOICE_FORMAT.to_string(),
        form: numbering.form,
        symbol: numbering.symbol.clone(),
        number: numbering.number,
        issued_at,
        issued_on,
        sale_id: sale.id,
        receipt: sale.receipt_ref(),
        seller: seller.clone(),
        buyer: buyer.cloned(),
        currency: "VND".to_string(),
        prices_include_vat: true,
        payment_methods,
        lines: sale
            .lines
            .iter()
            .map(|l| EInvoiceLine {
                no: l.line_no,
                name: l.name.clone(),
                unit: l.unit.clone(),
                quantity: l.qty,
                unit_price: l.unit_price,
                discount: l.discount,
                amount: l.amount,
                vat_rate: l.vat_rate,
            })
            .collect(),
        vat: sale.vat.clone(),
        total_before_vat,
        total_vat,
        total: sale.total,
        total_in_words: dong_in_words(sale.total),
    })
}

/// The invoices of one Vietnamese calendar day, for export.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayExport {
    pub format: String,
    pub day: NaiveDate,
    pub count: u32,
    pub total: Dong,
    pub total_vat: Dong,
    pub invoices: Vec<EInvoice>,
    /// Sales of the day whose amounts lie outside the domain bounds
    /// ([`Sale::in_bounds`]): not invoiced nor summed, listed for a person
    /// to look into, so the rest of the day still exports.
    #[serde(default)]
    pub out_of_bounds: Vec<ReceiptRef>,
}

/// Wraps a day's invoices, checking each is of that day, with the count and
/// totals, ordered by symbol and number; `out_of_bounds` names the day's
/// sales left out ([`DayExport::out_of_bounds`]).
pub fn day_export(
    day: NaiveDate,
    mut invoices: Vec<EInvoice>,
    out_of_bounds: Vec<ReceiptRef>,
) -> Result<DayExport, EInvoiceError> {
    if let Some(wrong) = invoices.iter().find(|i| i.issued_on != day) {
        return Err(EInvoiceError::WrongDay {
            day,
            found: wrong.issued_on,
        });
    }
    invoices.sort_by(|a, b| (&a.symbol, a.number).cmp(&(&b.symbol, b.number)));
    let overflow = || EInvoiceError::Money(MoneyError::Overflow);
    Ok(DayExport {
        format: DAY_EXPORT_FORMAT.to_string(),
        day,
        count: u32::try_from(invoices.len()).unwrap_or(u32::MAX),
        total: Dong::checked_sum(invoices.iter().map(|i| i.total)).ok_or_else(overflow)?,
        total_vat: Dong::checked_sum(invoices.iter().map(|i| i.total_vat)).ok_or_else(overflow)?,
        invoices,
        out_of_bounds,
    })
}

#[cfg(test)]
mod buyer_tests {
    use super::*;

    #[test]
    fn a_vat_invoice_request_checks_the_tax_code_and_says_every_problem() {
        let b = Buyer::request(
            "Công ty TNHH Du lịch Sa Pa",
            "5300123456-001",
            "Số 1 Cầu Mây, Sa Pa, Lào Cai",
            "ketoan@sapa.vn",
        )
        .unwrap();
        assert_eq!(b.tax_code.unwrap().as_str(), "5300123456-001");
        assert_eq!(b.email.as_deref(), Some("ketoan@sapa.vn"));
        let no_email = Buyer::request("A", "5300123456", "B", " ").unwrap();
        assert_eq!(no_email.email, None);
        let all = Buyer::request(" ", "53001234", "", "ketoan@sapa").unwrap_err();
        let fields: Vec<_> = all.iter().map(|r| r.field().unwrap()).collect();
        assert_eq!(fields, ["buyer_name", "address", "tax_code", "email"]);
        assert_eq!(all[2].code(), "invalid_tax_code");
        for bad in ["a b@x.vn", "@x.vn", "a@", "a@x", "a@.vn", "a@x.", "a@@x.vn"] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sale::model::Payment;
    use crate::sale::totals::tests::{d, discounted, item, sale_of};

    fn seller() -> Seller {
        Seller {
            name: "Trung tâm giới thiệu sản phẩm OCOP Lào Cai".into(),
            tax_code: TaxCode::parse("5300123456").unwrap(),
            address: "Đường Hoàng Liên, phường Cốc Lếu, Lào Cai".into(),
            phone: None,
        }
    }

    fn numbering(number: u32) -> InvoiceNumbering {
        InvoiceNumbering {
            form: 1,
            symbol: "C26MAB".into(),
            number,
        }
    }

    fn the_sale() -> Sale {
        sale_of(
            1,
            vec![
                discounted(item(175_000, "2", VatRate::Ten), 10_000),
                item(333_333, "1,5", VatRate::Eight),
                item(20_000, "1", VatRate::NotSubject),
            ],
            |t| {
                vec![
                    Payment::card(d(500_000), "APPR 9"),
                    Payment::cash(t.checked_sub(d(500_000)).unwrap(), d(400_000)).unwrap(),
                ]
            },
        )
    }

    #[test]
    fn an_invoice_from_a_sale() {
        let sale = the_sale();
        let inv = einvoice_for_sale(&sale, &seller(), None, &numbering(123)).unwrap();
        assert_eq!(inv.full_symbol(), "1C26MAB");
        assert_eq!(inv.printed_number(), "00000123");
        // 03:00 UTC + 1 minute is 10:01 in Vietnam, the same day
        assert_eq!(inv.issued_at.to_rfc3339(), "2026-11-28T10:01:00+07:00");
        assert_eq!(
            inv.issued_on,
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
        );
        assert_eq!(inv.lines.len(), 3);
        assert_eq!(inv.lines[0].amount, d(340_000));
        assert_eq!(inv.lines[0].discount, d(10_000));
        assert_eq!(inv.total, d(860_000));
        assert_eq!(inv.vat, sale.vat);
        assert_eq!(
            inv.total_vat.checked_add(inv.total_before_vat),
            Some(inv.total)
        );
        // 340 000 at 10 % → 30 909; 500 000 at 8 % → 37 037
        assert_eq!(inv.total_vat, d(30_909 + 37_037));
        assert_eq!(inv.total_in_words, "Tám trăm sáu mươi nghìn đồng");
        assert_eq!(
            inv.payment_methods,
            vec![PaymentKind::Cash, PaymentKind::Card]
        );
        assert_eq!(inv.receipt, sale.receipt_ref());
    }

    #[test]
    fn the_json_is_as_documented() {
        let sale = the_sale();
        let buyer = Buyer {
            name: "Công ty TNHH Du lịch Sa Pa".into(),
            tax_code: Some(TaxCode::parse("5300765432").unwrap()),
            address: None,
            email: Some("ketoan@example.vn".into()),
        };
        let inv = einvoice_for_sale(&sale, &seller(), Some(&buyer), &numbering(1)).unwrap();
        let v = serde_json::to_value(&inv).unwrap();
        assert_eq!(v["format"], "ocop-pos/einvoice/v1");
        assert_eq!(v["form"], 1);
        assert_eq!(v["symbol"], "C26MAB");
        assert_eq!(v["issued_at"], "2026-11-28T10:01:00+07:00");
        assert_eq!(v["issued_on"], "2026-11-28");
        assert_eq!(
            v["receipt"],
            serde_json::json!({"till_id": 3, "receipt_no": 1})
        );
        assert_eq!(v["seller"]["tax_code"], "5300123456");
        assert_eq!(v["seller"]["phone"], serde_json::Value::Null);
        assert_eq!(v["buyer"]["tax_code"], "5300765432");
        assert_eq!(v["currency"], "VND");
        assert_eq!(v["prices_include_vat"], true);
        assert_eq!(v["payment_methods"], serde_json::json!(["cash", "card"]));
        assert_eq!(
            v["lines"][1],
            serde_json::json!({
                "no": 2, "name": "Mật ong bạc hà", "unit": "chai", "quantity": "1.5",
                "unit_price": 333333, "discount": 0, "amount": 500000, "vat_rate": "8"
            })
        );
        assert_eq!(
            v["vat"][0],
            serde_json::json!({"rate": "kct", "gross": 20000, "vat": 0, "net": 20000})
        );
        assert_eq!(v["total"], 860_000);
        assert_eq!(v["total_in_words"], "Tám trăm sáu mươi nghìn đồng");
        let back: EInvoice = serde_json::from_value(v).unwrap();
        assert_eq!(back, inv);
    }

    #[test]
    fn numbering_rules() {
        let sale = the_sale();
        let s = seller();
        let try_with = |form: u8, symbol: &str, number: u32| {
            einvoice_for_sale(
                &sale,
                &s,
                None,
                &InvoiceNumbering {
                    form,
                    symbol: symbol.into(),
                    number,
                },
            )
            .map(|_| ())
            .map_err(|e| e.code())
        };
        assert_eq!(try_with(1, "C26MAB", 1), Ok(()));
        assert_eq!(try_with(2, "C26MZZ", MAX_INVOICE_NUMBER), Ok(()));
        assert_eq!(try_with(3, "C26MAB", 1), Err("invalid_invoice_form"));
        assert_eq!(try_with(0, "C26MAB", 1), Err("invalid_invoice_form"));
        assert_eq!(try_with(1, "C26MAB", 0), Err("invalid_invoice_number"));
        assert_eq!(
            try_with(1, "C26MAB", MAX_INVOICE_NUMBER + 1),
            Err("invalid_invoice_number")
        );
        for bad in [
            "K26MAB", "C26TAB", "C26Mab", "C2XMAB", "C26MA", "C26MABC", "", "Ç26MAB",
        ] {
            assert_eq!(try_with(1, bad, 1), Err("invalid_invoice_symbol"), "{bad}");
        }
        assert_eq!(
            try_with(1, "C25MAB", 1),
            Err("invoice_symbol_year_mismatch")
        );
    }

    #[test]
    fn the_vietnamese_day_decides_the_year() {
        // 31/12/2026 17:30 UTC is 1/1/2027 00:30 in Vietnam: symbol C27…
        let mut sale = the_sale();
        sale.sold_at =
            chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 31, 17, 30, 0).unwrap();
        let mut n = numbering(1);
        assert_eq!(
            einvoice_for_sale(&sale, &seller(), None, &n)
                .unwrap_err()
                .code(),
            "invoice_symbol_year_mismatch"
        );
        n.symbol = "C27MAB".into();
        let inv = einvoice_for_sale(&sale, &seller(), None, &n).unwrap();
        assert_eq!(inv.issued_on, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }

    #[test]
    fn parties_are_checked() {
        let sale = the_sale();
        let mut s = seller();
        s.name = " ".into();
        assert_eq!(
            einvoice_for_sale(&sale, &s, None, &numbering(1))
                .unwrap_err()
                .code(),
            "invalid_invoice_party"
        );
        let buyer = Buyer {
            name: "A\nB".into(),
            tax_code: None,
            address: None,
            email: None,
        };
        let err = einvoice_for_sale(&sale, &seller(), Some(&buyer), &numbering(1)).unwrap_err();
        assert_eq!(
            err,
            EInvoiceError::InvalidParty {
                party: "buyer",
                field: "name"
            }
        );
        assert!(err.message(Lang::Vi).contains("người mua"));
    }

    #[test]
    fn a_day_export() {
        let a = einvoice_for_sale(&the_sale(), &seller(), None, &numbering(2)).unwrap();
        let other = sale_of(2, vec![item(21_000, "1", VatRate::Ten)], |t| {
            vec![Payment::cash(t, t).unwrap()]
        });
        let b = einvoice_for_sale(&other, &seller(), None, &numbering(1)).unwrap();
        assert_eq!(b.total_in_words, "Hai mươi mốt nghìn đồng");
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let export = day_export(day, vec![a.clone(), b.clone()], vec![]).unwrap();
        assert_eq!(export.count, 2);
        assert_eq!(export.total, d(881_000));
        assert_eq!(
            export.total_vat,
            a.total_vat.checked_add(b.total_vat).unwrap()
        );
        assert_eq!(export.invoices[0].number, 1);
        let v = serde_json::to_value(&export).unwrap();
        assert_eq!(v["format"], "ocop-pos/einvoice-day/v1");
        assert_eq!(v["day"], "2026-11-28");
        let err = day_export(day.succ_opt().unwrap(), vec![a], vec![]).unwrap_err();
        assert_eq!(err.code(), "invoice_wrong_day");
        assert!(!err.message(Lang::Vi).is_empty());
    }

    #[test]
    fn errors_have_codes_and_both_languages() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let errors = [
            EInvoiceError::InvalidForm { form: 3 },
            EInvoiceError::InvalidSymbol { symbol: "X".into() },
            EInvoiceError::SymbolYearMismatch {
                symbol: "C25MAB".into(),
                symbol_year: 25,
                year: 2026,
            },
            EInvoiceError::InvalidNumber { number: 0 },
            EInvoiceError::InvalidParty {
                party: "seller",
                field: "name",
            },
            EInvoiceError::WrongDay { day, found: day },
        ];
        let mut codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
        for e in &errors {
            assert!(e.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert_ne!(e.message(Lang::Vi), e.message(Lang::En), "{e:?}");
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), errors.len());
    }
}
