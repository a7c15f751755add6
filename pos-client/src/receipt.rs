//! Printing a committed sale or refund: the core `Sale` / `Refund` turned
//! into the hardware crate's `ReceiptView` and sent to the configured
//! printer.
//!
//! Guarantees: only a receipt already committed to the local store is
//! printed (callers pass what [`crate::checkout::commit_sale`] or
//! [`crate::refund::commit_refund`] returned, or what the store holds, for a
//! reprint); amounts are copied, never recomputed; a printer failure never
//! undoes or repeats a sale. The cash handed over and the change are the
//! core's one computation over all the sale's cash ([`Sale::cash_tender`]),
//! the same figures the payment screen shows; a sale whose change cannot be
//! computed is not printed rather than printed with a wrong figure. A
//! sale's receipt carries a QR code of its
//! e-receipt page (`{server}/r/{sale id}`), which the refund screen reads
//! back ([`crate::refund::parse_sale_ref`]).

use anyhow::Context;
use ocop_core::i18n::UserError as _;
use ocop_core::money::Dong;
use ocop_core::sale::qr::vietqr_for_sale;
use ocop_core::sale::{CashTender, PaymentMethod, Refund, RefundMethod, Sale, TransferStatus};
use ocop_core::vietqr::BankBin;
use ocop_hardware::layout::receipt::{ReceiptLine, ReceiptView, receipt};
use ocop_hardware::layout::{OutletHeader, PaymentLine, PaymentMethod as PrintedMethod};
use ocop_hardware::printer;

use crate::catalogue::TillOutlet;
use crate::config::TillConfig;
use crate::printing::PrinterArgs;

/// The outlet's header as receipts and reports print it.
pub fn header(outlet: Option<&TillOutlet>) -> OutletHeader {
    match outlet {
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
    }
}

/// The public e-receipt page of a sale, as its QR code carries it.
pub fn e_receipt_url(server_url: &str, sale_id: uuid::Uuid) -> String {
    format!("{}/r/{sale_id}", server_url.trim_end_matches('/'))
}

fn printed_method(kind: ocop_core::sale::PaymentKind) -> PrintedMethod {
    match kind {
        ocop_core::sale::PaymentKind::Cash => PrintedMethod::Cash,
        ocop_core::sale::PaymentKind::BankTransfer => PrintedMethod::BankTransfer,
        ocop_core::sale::PaymentKind::Card => PrintedMethod::Card,
    }
}

fn footer(reprint: bool) -> Vec<String> {
    let mut footer = vec!["Cảm ơn quý khách!".to_owned()];
    if reprint {
        footer.insert(0, "BẢN IN LẠI (REPRINT)".to_owned());
    }
    footer
}

/// What the customer of `sale` handed over in cash, what cash settled and
/// the change due: the core's one computation ([`Sale::cash_tender`]),
/// which the receipt, the payment screen and `ocop-till sell` all show.
pub fn cash_of(sale: &Sale) -> anyhow::Result<CashTender> {
    sale.cash_tender()
        .map_err(|e| anyhow::Error::from(e.refusal()))
}

/// What the receipt of `sale` shows (without the e-receipt QR code: see
/// [`sale_view`]). A bank transfer prints its state: the sealed one, or
/// `known` (a later confirmation the caller knows of, for a reprint); while
/// pending, the receipt prints the code to pay and what is still unpaid.
pub fn view(
    sale: &Sale,
    outlet: Option<&TillOutlet>,
    cashier: &str,
    reprint: bool,
    known: Option<TransferStatus>,
) -> anyhow::Result<ReceiptView> {
    let header = header(outlet);
    let cash = cash_of(sale)?;
    let mut pending_vietqr = None;
    let payments = sale
        .payments
        .iter()
        .map(|p| match &p.method {
            PaymentMethod::BankTransfer { status, .. } => {
                let now = known.map_or(*status, |k| status.strongest(k));
                if now == TransferStatus::Pending {
                    pending_vietqr = outlet.and_then(|o| qr_payload(o, sale, p.amount));
                }
                PaymentLine {
                    method: PrintedMethod::BankTransfer,
                    amount: p.amount,
                    transfer: Some(now),
                }
            }
            other => PaymentLine::new(printed_method(other.kind()), p.amount),
        })
        .collect();
    Ok(ReceiptView {
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
        tendered: cash.paid_in_cash().then_some(cash.handed_over),
        change: cash.change,
        pending_vietqr,
        e_receipt_url: None,
        journal_hash_short: sale.hash.short(),
        footer: footer(reprint),
    })
}

/// The receipt of `sale` as this till prints it: with the QR code of its
/// e-receipt page on the server's public address ([`TillConfig::e_receipt_base`]).
pub fn sale_view(
    sale: &Sale,
    outlet: Option<&TillOutlet>,
    cfg: &TillConfig,
    reprint: bool,
    known: Option<TransferStatus>,
) -> anyhow::Result<ReceiptView> {
    Ok(ReceiptView {
        e_receipt_url: Some(e_receipt_url(cfg.e_receipt_base(), sale.id)),
        ..view(sale, outlet, &cfg.cashier_name, reprint, known)?
    })
}

/// What the receipt of a refund (phiếu trả hàng) shows. `sale` is the sale
/// refunded, for the unit prices it charged (the refund line carries the
/// money paid back, not the price); without it a line prints its refunded
/// amount as its price for the quantity returned.
pub fn refund_view(
    refund: &Refund,
    sale: Option<&Sale>,
    outlet: Option<&TillOutlet>,
    cashier: &str,
    reprint: bool,
) -> ReceiptView {
    ReceiptView {
        header: header(outlet),
        refund_of: Some(refund.original_receipt.to_string()),
        receipt_no: refund.receipt_ref().to_string(),
        sold_at: refund.refunded_at,
        cashier: cashier.to_owned(),
        lines: refund
            .lines
            .iter()
            .map(|l| {
                let sold = sale.and_then(|s| s.line(l.original_line_no));
                ReceiptLine {
                    name: l.name.clone(),
                    qty: l.qty,
                    unit: l.unit.clone(),
                    unit_price: sold.map_or(l.amount, |s| s.unit_price),
                    discount: Dong::ZERO,
                    amount: l.amount,
                }
            })
            .collect(),
        vat: refund.vat.clone(),
        total: refund.total,
        payments: refund
            .payments
            .iter()
            .map(|p| PaymentLine::new(printed_method(p.method.kind()), p.amount))
            .collect(),
        tendered: None,
        change: Dong::ZERO,
        pending_vietqr: None,
        e_receipt_url: None,
        journal_hash_short: refund.hash.short(),
        footer: {
            let mut f = footer(reprint);
            f.insert(0, format!("Lý do: {}", refund.reason));
            if refund
                .payments
                .iter()
                .any(|p| matches!(p.method, RefundMethod::Cash {}))
            {
                f.insert(1, "Khách ký nhận tiền: ..........".to_owned());
            }
            f
        },
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

fn send(printer_args: &PrinterArgs, view: &ReceiptView) -> anyhow::Result<()> {
    let config = printer_args.config()?;
    let printed = printer::print(&config, &receipt(view))
        .with_context(|| format!("in hóa đơn / printing to {}", config.uri));
    match &printed {
        Ok(()) => tracing::info!(receipt = %view.receipt_no, printer = %config.uri, "printed"),
        Err(e) => tracing::error!(
            receipt = %view.receipt_no,
            printer = %config.uri,
            error = %format!("{e:#}"),
            "printer error"
        ),
    }
    printed
}

/// Prints the receipt of a committed sale with its e-receipt QR code
/// (`known`: a later transfer state, see [`view`]).
pub fn print_sale(
    printer_args: &PrinterArgs,
    cfg: &TillConfig,
    sale: &Sale,
    outlet: Option<&TillOutlet>,
    reprint: bool,
    known: Option<TransferStatus>,
) -> anyhow::Result<()> {
    send(printer_args, &sale_view(sale, outlet, cfg, reprint, known)?)
}

/// Prints the receipt of a committed refund.
pub fn print_refund(
    printer_args: &PrinterArgs,
    refund: &Refund,
    sale: Option<&Sale>,
    outlet: Option<&TillOutlet>,
    cashier: &str,
    reprint: bool,
) -> anyhow::Result<()> {
    send(
        printer_args,
        &refund_view(refund, sale, outlet, cashier, reprint),
    )
}

/// Prints the receipt of a committed sale, without the e-receipt QR code
/// (prefer [`print_sale`]).
pub fn print(
    printer_args: &PrinterArgs,
    sale: &Sale,
    outlet: Option<&TillOutlet>,
    cashier: &str,
    reprint: bool,
) -> anyhow::Result<()> {
    send(printer_args, &view(sale, outlet, cashier, reprint, None)?)
}
