//! Printing a committed sale: the core `Sale` turned into the hardware
//! crate's `ReceiptView` and sent to the configured printer.
//!
//! Guarantees: only a sale already committed to the local store is printed
//! (callers pass what [`crate::checkout::commit_sale`] returned or what the
//! store holds, for a reprint); amounts are copied from the sale, never
//! recomputed; a printer failure never undoes or repeats a sale.

use anyhow::Context;
use ocop_core::money::Dong;
use ocop_core::sale::qr::vietqr_for_sale;
use ocop_core::sale::{PaymentMethod, Sale, TransferStatus};
use ocop_core::vietqr::BankBin;
use ocop_hardware::layout::receipt::{ReceiptLine, ReceiptView, receipt};
use ocop_hardware::layout::{OutletHeader, PaymentLine, PaymentMethod as PrintedMethod};
use ocop_hardware::printer;

use crate::catalogue::TillOutlet;
use crate::printing::PrinterArgs;

/// What the receipt of `sale` shows.
pub fn view(sale: &Sale, outlet: Option<&TillOutlet>, cashier: &str, reprint: bool) -> ReceiptView {
    let header = match outlet {
        Some(o) => OutletHeader {
            legal_name: o.legal_name.clone(),
            tax_code: o.tax_code.clone(),
            address: o.address.clone(),
            phone: o.phone.clone(),
        },
        None => OutletHeader {
            legal_name: "OCOP".into(),
            tax_code: String::new(),
            address: String::new(),
            phone: String::new(),
        },
    };
    let mut change = Dong::ZERO;
    let mut pending_vietqr = None;
    let payments = sale
        .payments
        .iter()
        .map(|p| {
            let method = match &p.method {
                PaymentMethod::Cash { change: c, .. } => {
                    change = *c;
                    PrintedMethod::Cash
                }
                PaymentMethod::BankTransfer { status, .. } => {
                    if *status == TransferStatus::Pending {
                        pending_vietqr = outlet.and_then(|o| qr_payload(o, sale, p.amount));
                    }
                    PrintedMethod::BankTransfer
                }
                PaymentMethod::Card { .. } => PrintedMethod::Card,
            };
            PaymentLine {
                method,
                amount: p.amount,
            }
        })
        .collect();
    let mut footer = vec!["Cảm ơn quý khách!".to_owned()];
    if reprint {
        footer.insert(0, "BẢN IN LẠI (REPRINT)".to_owned());
    }
    ReceiptView {
        header,
        refund_of: None,
        receipt_no: sale.receipt_ref().to_string(),
        sold_at: sale.sold_at,
        cashier: cashier.to_owned(),
        lines: sale
            .lines
            .iter()
            .map(|l| ReceiptLine {
                name: l.name.clone(),
                qty: l.qty,
                unit: l.unit.clone(),
                unit_price: l.unit_price,
                discount: l.discount,
                amount: l.amount,
            })
            .collect(),
        vat: sale.vat.clone(),
        total: sale.total,
        payments,
        change,
        pending_vietqr,
        e_receipt_url: None,
        journal_hash_short: sale.hash.short(),
        footer,
    }
}

fn qr_payload(outlet: &TillOutlet, sale: &Sale, amount: Dong) -> Option<String> {
    let bin = BankBin::parse(outlet.bank_bin.as_deref()?).ok()?;
    let qr = vietqr_for_sale(
        &bin,
        outlet.bank_account.as_deref()?,
        amount,
        sale.receipt_ref(),
    );
    qr.ok().map(|q| q.payload())
}

/// Prints the receipt of a committed sale.
pub fn print(
    printer_args: &PrinterArgs,
    sale: &Sale,
    outlet: Option<&TillOutlet>,
    cashier: &str,
    reprint: bool,
) -> anyhow::Result<()> {
    let config = printer_args.config()?;
    let doc = receipt(&view(sale, outlet, cashier, reprint));
    printer::print(&config, &doc)
        .with_context(|| format!("in hóa đơn / printing to {}", config.uri))
}
