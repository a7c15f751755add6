//! Bank-transfer payments after the sale: the VietQR payload of a sale's
//! transfer, and confirmations appended by the cashier or by a signed bank
//! notification. A confirmation is a new `transfer_confirmations` row; the
//! sealed sale (and its hash) never changes.
//!
//! Guarantees: a sale is confirmed by a cashier at most once (a second
//! confirmation, from the till's queue resent after a crash or from the web,
//! changes nothing and is answered with the current state); a bank
//! transaction confirms once; the bank's word wins over the cashier's when
//! both exist (the state says `confirmed_by_bank`).

use chrono::Utc;
use diesel::prelude::*;
use ocop_core::i18n::UserError as _;
use ocop_core::money::Dong;
use ocop_core::refusal::Refusal;
use ocop_core::sale::qr::{parse_transfer_memo, vietqr_for_sale};
use ocop_core::sale::shift::LaterTransferState;
use ocop_core::sale::{PaymentMethod, ReceiptRef, TransferStatus};
use ocop_core::vietqr::BankBin;

use super::store::{self, SaleRow};
use crate::db::DbConn;
use crate::db::schema::{sale_payments, sales, transfer_confirmations};
use crate::models::error::{ModelError, refuse};
use crate::models::{outlet, user};

pub use ocop_core::wire::{PendingTransfer, TransferState};

/// `source` of a bank confirmation, and of a later bank transaction for a
/// sale the bank had already confirmed (kept, deciding nothing).
pub const BANK: &str = "bank";
pub const BANK_DUPLICATE: &str = "bank_duplicate";

/// A bank transaction id already confirming another sale: one transaction
/// pays one sale.
pub fn transaction_reused() -> Refusal {
    Refusal::conflict(
        "transaction_id_reused",
        "Mã giao dịch ngân hàng này đã xác nhận một phiếu bán hàng khác.",
        "This bank transaction id already confirmed another sale.",
    )
}

fn no_transfer() -> ModelError {
    ModelError::Refused(Refusal::invalid(
        "no_bank_transfer",
        "Phiếu này không có khoản thanh toán chuyển khoản.",
        "This sale has no bank-transfer payment.",
    ))
}

/// The transfer amount and the status sealed into the sale.
fn transfer_of(sale: &ocop_core::sale::Sale) -> Option<(Dong, TransferStatus)> {
    let mut amount = Dong::new(0);
    let mut status = None;
    for p in &sale.payments {
        if let PaymentMethod::BankTransfer { status: s, .. } = &p.method {
            amount = amount.checked_add(p.amount)?;
            status = Some(*s);
        }
    }
    status.map(|s| (amount, s))
}

/// The confirmation that decides the status: the first by the bank, else
/// the first by a cashier — (source, confirmed by, confirmed at).
fn deciding_confirmation(
    conn: &mut DbConn,
    sale_row: i32,
) -> QueryResult<Option<(String, Option<i32>, chrono::NaiveDateTime)>> {
    let rows: Vec<(String, Option<i32>, chrono::NaiveDateTime)> = transfer_confirmations::table
        .filter(transfer_confirmations::sale_id.eq(sale_row))
        .order(transfer_confirmations::id)
        .select((
            transfer_confirmations::source,
            transfer_confirmations::confirmed_by,
            transfer_confirmations::confirmed_at,
        ))
        .load(conn)?;
    let bank = rows.iter().position(|r| r.0 == BANK);
    Ok(bank
        .and_then(|i| rows.get(i).cloned())
        .or_else(|| rows.into_iter().next()))
}

/// The state of the sale's transfer now (sealed, or the deciding later
/// confirmation); `None` when the sale has no transfer.
pub fn status_now(
    conn: &mut DbConn,
    row: &SaleRow,
    sale: &ocop_core::sale::Sale,
) -> QueryResult<Option<TransferStatus>> {
    let Some((_, sealed)) = transfer_of(sale) else {
        return Ok(None);
    };
    let decided = deciding_confirmation(conn, row.id)?;
    Ok(Some(decided.map_or(sealed, |d| {
        sealed.strongest(status_of_source(&d.0))
    })))
}

/// Refuses a cashier who is not a user of `outlet_id` (as sale ingest does).
pub fn check_cashier(conn: &mut DbConn, cashier_id: i32, outlet_id: i32) -> Result<(), ModelError> {
    let cashier = user::find(conn, cashier_id).optional()?;
    if cashier.is_none_or(|u| u.outlet_id != Some(outlet_id)) {
        return refuse(super::unknown_cashier());
    }
    Ok(())
}

/// The transfer's state, with the VietQR payload for the outlet's account.
pub fn state(conn: &mut DbConn, row: &SaleRow) -> Result<TransferState, ModelError> {
    let sale = store::load(conn, row)?;
    let (amount, sealed) = transfer_of(&sale).ok_or_else(no_transfer)?;
    let decided = deciding_confirmation(conn, row.id)?;
    let status = decided
        .as_ref()
        .map_or(sealed, |d| sealed.strongest(status_of_source(&d.0)));
    let confirmed_by = decided.as_ref().filter(|d| d.0 != "bank").and_then(|d| d.1);
    let confirmed_at = decided.map(|d| super::store::utc(d.2));
    let shop = outlet::find(conn, row.outlet_id)?;
    let (Some(bin), Some(account)) = (shop.bank_bin, shop.bank_account) else {
        return refuse(Refusal::invalid(
            "outlet_has_no_bank_account",
            "Cửa hàng chưa khai báo tài khoản ngân hàng.",
            "The outlet has no bank account on record.",
        ));
    };
    let bin = BankBin::parse(&bin).map_err(|e| e.refusal())?;
    let qr =
        vietqr_for_sale(&bin, &account, amount, sale.receipt_ref()).map_err(|e| e.refusal())?;
    Ok(TransferState {
        sale_id: sale.id,
        amount,
        status,
        memo: qr.memo().map(str::to_owned),
        vietqr: Some(qr.payload()),
        confirmed_by,
        confirmed_at,
    })
}

/// Appends a confirmation; a bank transaction confirms once (its reference
/// is unique), so a retried notification is answered, not stored again,
/// and the same transaction id for another sale is refused
/// (`transaction_id_reused`); a later transaction for a sale the bank
/// already confirmed is stored as a duplicate ([`BANK_DUPLICATE`]); a
/// cashier's confirmation of a sale already confirmed (by anyone) is not
/// stored. `Ok(false)` when nothing was written.
pub fn confirm(
    conn: &mut DbConn,
    row: &SaleRow,
    source: &'static str,
    reference: Option<&str>,
    by: Option<i32>,
) -> Result<bool, ModelError> {
    let sale = store::load(conn, row)?;
    let (amount, _) = transfer_of(&sale).ok_or_else(no_transfer)?;
    // One till's confirmations one at a time on PostgreSQL (SQLite writes
    // are serialised already), so two resends cannot both insert.
    super::till::lock(conn, row.till_id)?;
    if source != "bank" {
        let any: Option<i32> = transfer_confirmations::table
            .filter(transfer_confirmations::sale_id.eq(row.id))
            .select(transfer_confirmations::id)
            .first(conn)
            .optional()?;
        if any.is_some() {
            return Ok(false);
        }
    }
    let mut source = source;
    if let Some(r) = reference.filter(|_| source == BANK) {
        let seen: Option<i32> = transfer_confirmations::table
            .filter(transfer_confirmations::source.eq_any([BANK, BANK_DUPLICATE]))
            .filter(transfer_confirmations::reference.eq(r))
            .select(transfer_confirmations::sale_id)
            .first(conn)
            .optional()?;
        match seen {
            // the same notification again: answered, not stored
            Some(sale) if sale == row.id => return Ok(false),
            Some(_) => return refuse(transaction_reused()),
            None => {}
        }
        // One confirmation per sale: a second transaction for a sale the
        // bank already confirmed is kept, as a duplicate, for the
        // reconciliation of the outlet's account — it decides nothing.
        let confirmed: Option<i32> = transfer_confirmations::table
            .filter(transfer_confirmations::sale_id.eq(row.id))
            .filter(transfer_confirmations::source.eq(BANK))
            .select(transfer_confirmations::id)
            .first(conn)
            .optional()?;
        if confirmed.is_some() {
            source = BANK_DUPLICATE;
        }
    }
    diesel::insert_into(transfer_confirmations::table)
        .values((
            transfer_confirmations::sale_id.eq(row.id),
            transfer_confirmations::source.eq(source),
            transfer_confirmations::amount.eq(amount.amount()),
            transfer_confirmations::reference.eq(reference),
            transfer_confirmations::confirmed_by.eq(by),
            transfer_confirmations::confirmed_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The sale a bank notification's memo names, if its amount matches.
pub fn match_notification(
    conn: &mut DbConn,
    memo: &str,
    amount: i64,
) -> Result<SaleRow, ModelError> {
    let unmatched = || {
        ModelError::Refused(Refusal::invalid(
            "transfer_not_matched",
            "Không tìm thấy phiếu bán hàng khớp với nội dung và số tiền chuyển khoản.",
            "No sale matches the transfer's memo and amount.",
        ))
    };
    let receipt = parse_transfer_memo(memo).ok_or_else(unmatched)?;
    let row: SaleRow = sales::table
        .filter(sales::till_id.eq(receipt.till_id))
        .filter(sales::receipt_no.eq(i64::from(receipt.receipt_no)))
        .select(SaleRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(unmatched)?;
    let sale = store::load(conn, &row)?;
    match transfer_of(&sale) {
        Some((due, _)) if due.amount() == amount => Ok(row),
        _ => Err(unmatched()),
    }
}

fn status_of_source(source: &str) -> TransferStatus {
    if source == "bank" {
        TransferStatus::ConfirmedByBank
    } else {
        TransferStatus::ConfirmedByCashier
    }
}

/// The confirmations recorded so far of the transfers of a shift's sales,
/// for its X/Z figures (the core keeps the bank's word over the cashier's).
pub fn later_states(
    conn: &mut DbConn,
    shift_id: uuid::Uuid,
) -> QueryResult<Vec<LaterTransferState>> {
    let rows: Vec<(String, String)> = transfer_confirmations::table
        .inner_join(sales::table)
        .filter(sales::shift_uuid.eq(shift_id.to_string()))
        .order(transfer_confirmations::id)
        .select((sales::uuid, transfer_confirmations::source))
        .load(conn)?;
    rows.into_iter()
        .map(|(sale, source)| {
            Ok(LaterTransferState {
                sale_id: store::uuid(&sale)?,
                status: status_of_source(&source),
            })
        })
        .collect()
}

/// The outlet's transfers still pending (sealed pending, no confirmation by
/// the cashier or the bank since), oldest first; at most `limit`.
pub fn pending(
    conn: &mut DbConn,
    outlet_id: i32,
    limit: i64,
) -> Result<Vec<PendingTransfer>, ModelError> {
    let confirmed = transfer_confirmations::table
        .filter(transfer_confirmations::sale_id.eq(sales::id))
        .select(transfer_confirmations::id);
    let rows: Vec<(String, i32, i64, chrono::NaiveDateTime, i64, i64)> = sale_payments::table
        .inner_join(sales::table)
        .filter(sales::outlet_id.eq(outlet_id))
        .filter(sale_payments::method.eq("bank_transfer"))
        .filter(sale_payments::transfer_status.eq(TransferStatus::Pending.code()))
        .filter(diesel::dsl::not(diesel::dsl::exists(confirmed)))
        .order((sales::sold_at, sales::id, sale_payments::seq))
        .limit(limit)
        .select((
            sales::uuid,
            sales::till_id,
            sales::receipt_no,
            sales::sold_at,
            sale_payments::amount,
            sales::total,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(uuid, till_id, receipt_no, sold_at, amount, total)| {
            let receipt_no = u32::try_from(receipt_no)
                .ok()
                .and_then(ocop_core::sale::ReceiptNo::new)
                .ok_or_else(|| ModelError::Db(store::corrupt("receipt number")))?;
            Ok(PendingTransfer {
                sale_id: store::uuid(&uuid)?,
                receipt: ReceiptRef {
                    till_id,
                    receipt_no,
                }
                .to_string(),
                till_id,
                sold_at: store::utc(sold_at),
                amount: Dong::new(amount),
                total: Dong::new(total),
            })
        })
        .collect()
}
