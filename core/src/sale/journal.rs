//! The tamper-evident journal: each till's sales and refunds form one hash
//! chain, so a missing, inserted, altered or reordered receipt is
//! detectable.
//!
//! # The hash
//!
//! ```text
//! hash = lowercase_hex( SHA-256( prev_hash_bytes || canonical(record) ) )
//! ```
//!
//! `prev_hash_bytes` are the 32 raw bytes of the previous receipt's hash on
//! the same till (all zeros, [`ChainHash::GENESIS`], for the first), not
//! its hex text. `canonical(record)` is the byte string below: every field
//! of the record except `prev_hash` (already the prefix) and `hash` itself.
//!
//! # Canonical encoding, version 1
//!
//! Built from five primitives:
//!
//! | primitive | bytes |
//! |---|---|
//! | `int(n)` | 8 bytes, big-endian two's complement (every integer, whatever its Rust type, widened to i64) |
//! | `str(s)` | `int(byte length)` then the UTF-8 bytes exactly as stored (no normalisation) |
//! | `opt(x)` | one byte `0x00` when absent; `0x01` then `x` when present |
//! | `list(xs)` | `int(count)` then each element |
//! | `uuid(u)` | the 16 bytes of the UUID in the order of its hex text |
//!
//! Derived values: money is `int(đồng)`; a quantity is `int(milli-units)`
//! (`1.5 kg` → 1500); a VAT rate is `str(code)` (`kct`, `0`, `5`, `8`,
//! `10`); a time is `str` of RFC 3339 in UTC with exactly three fractional
//! digits and a `Z`, `2026-11-28T10:47:05.120Z` (records carry whole
//! milliseconds: [`super::totals::verify`] refuses finer times, because
//! databases keep different sub-millisecond precision); an enum is
//! `str(its JSON code)`.
//!
//! A **sale**:
//!
//! ```text
//! str("ocop-pos/sale/v1") uuid(id) int(till_id) int(receipt_no) time(sold_at)
//! int(cashier_id) int(outlet_id) uuid(shift_id)
//! list(lines) list(payments) int(total) list(vat)
//!
//! line    = int(line_no) int(product_id) opt(str lot_code) str(name) str(unit)
//!           str(group) int(qty) int(unit_price) opt(int catalogue_price)
//!           int(discount) opt(str discount_reason) str(vat_rate) int(amount)
//! payment = int(amount) then one of
//!           str("cash") int(tendered) int(change)
//!           str("bank_transfer") str(status) opt(str reference)
//!           str("card") str(terminal_ref)
//! vat     = str(rate) int(gross) int(vat) int(net)
//! ```
//!
//! A **refund**:
//!
//! ```text
//! str("ocop-pos/refund/v1") uuid(id) int(till_id) int(receipt_no) time(refunded_at)
//! int(cashier_id) int(outlet_id) uuid(shift_id)
//! uuid(original_sale_id) int(original_receipt.till_id) int(original_receipt.receipt_no)
//! str(reason) list(lines) list(payments) int(total) list(vat)
//!
//! line    = int(original_line_no) int(product_id) opt(str lot_code) str(name)
//!           str(unit) str(group) str(vat_rate) int(qty) int(amount) str(restock)
//! payment = int(amount) then one of
//!           str("cash")
//!           str("bank_transfer") opt(str reference)
//!           str("card") str(terminal_ref)
//! ```
//!
//! A sale line's `serials` (the provenance labels scanned at checkout) are
//! deliberately not encoded: they are provenance, not fiscal data; leaving
//! them out keeps every hash sealed before they existed valid, and the
//! server keeps them append-only in their own table.
//!
//! The leading text names the kind of record and the encoding version, so a
//! sale and a refund can never encode to the same bytes, and a future
//! version can be told apart. Every variable-length item is length- or
//! count-prefixed, so no two different records share an encoding.
//! `golden_vector` in the tests fixes one sale and its hash: a change to the
//! encoding fails it. `journal_reference.py`, next to this file, is an
//! independent implementation of this specification (Python, standard
//! library only) that reproduces that hash.
//!
//! # What the chain proves, and what it does not
//!
//! Altering a stored receipt changes its hash ([`ChainProblem::AlteredRecord`]);
//! deleting one leaves a gap in the numbers ([`ChainProblem::Gap`]);
//! re-pointing or reordering breaks a link ([`ChainProblem::BrokenLink`]).
//! Someone able to rewrite a whole tail of the chain, recomputing every
//! hash, is caught only against a copy of the head kept elsewhere: the Z
//! report records the last hash of its shift
//! ([`super::shift::ShiftSummary::last_hash`]) for that reason.

use std::collections::BTreeSet;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::model::{
    ChainHash, PaymentMethod, ReceiptNo, Refund, RefundMethod, Sale, TransferStatus,
};
use crate::i18n::Lang;
use crate::money::{Dong, Quantity, VatBucket};

/// The `prev_hash` of a till's first receipt: 64 zeros.
pub const GENESIS_HASH: ChainHash = ChainHash::GENESIS;

/// The tag that starts the canonical encoding of a sale.
pub const SALE_ENCODING: &str = "ocop-pos/sale/v1";
/// The tag that starts the canonical encoding of a refund.
pub const REFUND_ENCODING: &str = "ocop-pos/refund/v1";

/// Writer of the primitives of the canonical encoding.
struct Canonical(Vec<u8>);

impl Canonical {
    fn new(kind: &str) -> Canonical {
        let mut c = Canonical(Vec::with_capacity(512));
        c.str(kind);
        c
    }

    fn int(&mut self, n: i64) {
        self.0.extend_from_slice(&n.to_be_bytes());
    }

    fn len(&mut self, n: usize) {
        // A length always fits: no record holds 2^63 bytes.
        self.int(i64::try_from(n).unwrap_or(i64::MAX));
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.0.push(0),
            Some(s) => {
                self.0.push(1);
                self.str(s);
            }
        }
    }

    fn opt_int(&mut self, n: Option<i64>) {
        match n {
            None => self.0.push(0),
            Some(n) => {
                self.0.push(1);
                self.int(n);
            }
        }
    }

    fn uuid(&mut self, u: &Uuid) {
        self.0.extend_from_slice(u.as_bytes());
    }

    fn money(&mut self, d: Dong) {
        self.int(d.amount());
    }

    fn qty(&mut self, q: Quantity) {
        self.int(q.milli());
    }

    fn time(&mut self, t: &DateTime<Utc>) {
        self.str(&canonical_time(t));
    }

    fn vat(&mut self, buckets: &[VatBucket]) {
        self.len(buckets.len());
        for b in buckets {
            self.str(b.rate.code());
            self.money(b.gross);
            self.money(b.vat);
            self.money(b.net);
        }
    }
}

/// A time as the canonical encoding writes it: `2026-11-28T10:47:05.120Z`.
pub fn canonical_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn transfer_status(status: TransferStatus) -> &'static str {
    status.code()
}

/// The canonical encoding of a sale (module documentation).
pub fn canonical_sale(sale: &Sale) -> Vec<u8> {
    let mut c = Canonical::new(SALE_ENCODING);
    c.uuid(&sale.id);
    c.int(i64::from(sale.till_id));
    c.int(i64::from(sale.receipt_no));
    c.time(&sale.sold_at);
    c.int(i64::from(sale.cashier_id));
    c.int(i64::from(sale.outlet_id));
    c.uuid(&sale.shift_id);
    c.len(sale.lines.len());
    for line in &sale.lines {
        c.int(i64::from(line.line_no));
        c.int(i64::from(line.product_id));
        c.opt_str(line.lot_code.as_deref());
        c.str(&line.name);
        c.str(&line.unit);
        c.str(&line.group);
        c.qty(line.qty);
        c.money(line.unit_price);
        c.opt_int(line.catalogue_price.map(Dong::amount));
        c.money(line.discount);
        c.opt_str(line.discount_reason.as_deref());
        c.str(line.vat_rate.code());
        c.money(line.amount);
    }
    c.len(sale.payments.len());
    for p in &sale.payments {
        c.money(p.amount);
        c.str(p.method.kind().code());
        match &p.method {
            PaymentMethod::Cash { tendered, change } => {
                c.money(*tendered);
                c.money(*change);
            }
            PaymentMethod::BankTransfer { status, reference } => {
                c.str(transfer_status(*status));
                c.opt_str(reference.as_deref());
            }
            PaymentMethod::Card { terminal_ref } => c.str(terminal_ref),
        }
    }
    c.money(sale.total);
    c.vat(&sale.vat);
    c.0
}

/// The canonical encoding of a refund (module documentation).
pub fn canonical_refund(refund: &Refund) -> Vec<u8> {
    let mut c = Canonical::new(REFUND_ENCODING);
    c.uuid(&refund.id);
    c.int(i64::from(refund.till_id));
    c.int(i64::from(refund.receipt_no));
    c.time(&refund.refunded_at);
    c.int(i64::from(refund.cashier_id));
    c.int(i64::from(refund.outlet_id));
    c.uuid(&refund.shift_id);
    c.uuid(&refund.original_sale_id);
    c.int(i64::from(refund.original_receipt.till_id));
    c.int(i64::from(refund.original_receipt.receipt_no));
    c.str(&refund.reason);
    c.len(refund.lines.len());
    for line in &refund.lines {
        c.int(i64::from(line.original_line_no));
        c.int(i64::from(line.product_id));
        c.opt_str(line.lot_code.as_deref());
        c.str(&line.name);
        c.str(&line.unit);
        c.str(&line.group);
        c.str(line.vat_rate.code());
        c.qty(line.qty);
        c.money(line.amount);
        c.str(line.restock.code());
    }
    c.len(refund.payments.len());
    for p in &refund.payments {
        c.money(p.amount);
        c.str(p.method.kind().code());
        match &p.method {
            RefundMethod::Cash {} => {}
            RefundMethod::BankTransfer { reference } => c.opt_str(reference.as_deref()),
            RefundMethod::Card { terminal_ref } => c.str(terminal_ref),
        }
    }
    c.money(refund.total);
    c.vat(&refund.vat);
    c.0
}

/// `SHA-256(prev_hash || canonical)`.
pub fn chain_hash(prev_hash: &ChainHash, canonical: &[u8]) -> ChainHash {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(canonical);
    ChainHash::from_bytes(hasher.finalize().into())
}

/// A record of a till's journal: a sale or a refund.
pub trait Chained {
    fn till_id(&self) -> i32;
    fn receipt_no(&self) -> ReceiptNo;
    fn prev_hash(&self) -> &ChainHash;
    /// The hash the record carries.
    fn hash(&self) -> &ChainHash;
    fn canonical(&self) -> Vec<u8>;

    /// The hash the record's content and `prev_hash` call for.
    fn compute_hash(&self) -> ChainHash {
        chain_hash(self.prev_hash(), &self.canonical())
    }

    /// Whether the carried hash is the one the content calls for.
    fn hash_is_valid(&self) -> bool {
        self.compute_hash() == *self.hash()
    }
}

/// A record that can be linked into a chain ([`seal`]).
pub trait Sealable: Chained {
    fn set_link(&mut self, prev_hash: ChainHash, hash: ChainHash);
}

impl Chained for Sale {
    fn till_id(&self) -> i32 {
        self.till_id
    }
    fn receipt_no(&self) -> ReceiptNo {
        self.receipt_no
    }
    fn prev_hash(&self) -> &ChainHash {
        &self.prev_hash
    }
    fn hash(&self) -> &ChainHash {
        &self.hash
    }
    fn canonical(&self) -> Vec<u8> {
        canonical_sale(self)
    }
}

impl Sealable for Sale {
    fn set_link(&mut self, prev_hash: ChainHash, hash: ChainHash) {
        self.prev_hash = prev_hash;
        self.hash = hash;
    }
}

impl Chained for Refund {
    fn till_id(&self) -> i32 {
        self.till_id
    }
    fn receipt_no(&self) -> ReceiptNo {
        self.receipt_no
    }
    fn prev_hash(&self) -> &ChainHash {
        &self.prev_hash
    }
    fn hash(&self) -> &ChainHash {
        &self.hash
    }
    fn canonical(&self) -> Vec<u8> {
        canonical_refund(self)
    }
}

impl Sealable for Refund {
    fn set_link(&mut self, prev_hash: ChainHash, hash: ChainHash) {
        self.prev_hash = prev_hash;
        self.hash = hash;
    }
}

/// The hash of a record given the previous hash, without changing it.
pub fn compute_hash<R: Chained + ?Sized>(record: &R, prev_hash: &ChainHash) -> ChainHash {
    chain_hash(prev_hash, &record.canonical())
}

/// Links a record after `prev_hash`: sets its `prev_hash` and `hash`.
/// The till calls this last, after every other field is final, and before
/// it stores and prints the record.
pub fn seal<R: Sealable + ?Sized>(record: &mut R, prev_hash: ChainHash) {
    let hash = compute_hash(record, &prev_hash);
    record.set_link(prev_hash, hash);
}

/// A sale or a refund, for walking a till's journal in one sequence.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum JournalEntry {
    Sale(Sale),
    Refund(Refund),
}

impl Chained for JournalEntry {
    fn till_id(&self) -> i32 {
        match self {
            JournalEntry::Sale(s) => s.till_id,
            JournalEntry::Refund(r) => r.till_id,
        }
    }
    fn receipt_no(&self) -> ReceiptNo {
        match self {
            JournalEntry::Sale(s) => s.receipt_no,
            JournalEntry::Refund(r) => r.receipt_no,
        }
    }
    fn prev_hash(&self) -> &ChainHash {
        match self {
            JournalEntry::Sale(s) => &s.prev_hash,
            JournalEntry::Refund(r) => &r.prev_hash,
        }
    }
    fn hash(&self) -> &ChainHash {
        match self {
            JournalEntry::Sale(s) => &s.hash,
            JournalEntry::Refund(r) => &r.hash,
        }
    }
    fn canonical(&self) -> Vec<u8> {
        match self {
            JournalEntry::Sale(s) => canonical_sale(s),
            JournalEntry::Refund(r) => canonical_refund(r),
        }
    }
}

impl Sealable for JournalEntry {
    fn set_link(&mut self, prev_hash: ChainHash, hash: ChainHash) {
        match self {
            JournalEntry::Sale(s) => s.set_link(prev_hash, hash),
            JournalEntry::Refund(r) => r.set_link(prev_hash, hash),
        }
    }
}

impl<T: Chained + ?Sized> Chained for &T {
    fn till_id(&self) -> i32 {
        (**self).till_id()
    }
    fn receipt_no(&self) -> ReceiptNo {
        (**self).receipt_no()
    }
    fn prev_hash(&self) -> &ChainHash {
        (**self).prev_hash()
    }
    fn hash(&self) -> &ChainHash {
        (**self).hash()
    }
    fn canonical(&self) -> Vec<u8> {
        (**self).canonical()
    }
}

/// Something wrong in a till's journal. Each names the receipt where it
/// shows.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ChainProblem {
    /// Receipt numbers `expected ..= found − 1` are missing (deleted, or
    /// never arrived).
    Gap {
        expected: ReceiptNo,
        found: ReceiptNo,
    },
    /// A second record with a receipt number already seen.
    Duplicate { receipt_no: ReceiptNo },
    /// A record whose number is lower than the one expected there, not
    /// seen before (the records are not in receipt order).
    OutOfOrder {
        receipt_no: ReceiptNo,
        expected: ReceiptNo,
    },
    /// The record's content does not give the hash it carries: it was
    /// changed after it was sealed.
    AlteredRecord { receipt_no: ReceiptNo },
    /// The record's `prev_hash` is not the hash of the record before it.
    BrokenLink { receipt_no: ReceiptNo },
    /// A record of another till in this till's chain.
    WrongTill { receipt_no: ReceiptNo, till_id: i32 },
    /// A number more than [`MAX_RECEIPT_JUMP`] past the one expected: no
    /// till skips that many receipts, so the record is kept aside and the
    /// chain goes on from the head before it (the till's later receipts
    /// still follow on cleanly).
    NumberJump {
        receipt_no: ReceiptNo,
        expected: ReceiptNo,
    },
    /// The record names a shift the server does not know for this till, so
    /// no X/Z report will count it.
    UnknownShift {
        receipt_no: ReceiptNo,
        shift_id: Uuid,
    },
    /// The record's time is before [`EARLIEST_PLAUSIBLE`] or more than
    /// [`CLOCK_SLACK_HOURS`] after the server received it: no day's report
    /// would find it where it belongs.
    ImplausibleTime {
        receipt_no: ReceiptNo,
        at: DateTime<Utc>,
    },
}

/// Most receipt numbers a record may skip before it is a
/// [`ChainProblem::NumberJump`] rather than a gap.
pub const MAX_RECEIPT_JUMP: u32 = 10_000;
/// Hours a till's clock may run ahead of the server's.
pub const CLOCK_SLACK_HOURS: i64 = 24;
/// No record of this system is older (2020-01-01T00:00:00Z).
pub const EARLIEST_PLAUSIBLE: DateTime<Utc> =
    DateTime::from_timestamp_nanos(1_577_836_800_000_000_000);

/// Whether a number skips so far past `expected` it is a jump.
fn is_jump(receipt_no: ReceiptNo, expected: ReceiptNo) -> bool {
    u64::from(receipt_no.get()) > u64::from(expected.get()) + u64::from(MAX_RECEIPT_JUMP)
}

/// The problems of a record that would escape reconciliation though its
/// chain is sound: a time no report would look at, a shift no report
/// will count (`shift_known`: whether the shift is one of this till's).
/// Stored and flagged like the chain's, never refused.
pub fn reconciliation_problems(
    receipt_no: ReceiptNo,
    at: DateTime<Utc>,
    shift_id: Uuid,
    shift_known: bool,
    now: DateTime<Utc>,
) -> Vec<ChainProblem> {
    let mut problems = Vec::new();
    if !shift_known {
        problems.push(ChainProblem::UnknownShift {
            receipt_no,
            shift_id,
        });
    }
    let latest = now
        .checked_add_signed(chrono::TimeDelta::hours(CLOCK_SLACK_HOURS))
        .unwrap_or(now);
    if at < EARLIEST_PLAUSIBLE || at > latest {
        problems.push(ChainProblem::ImplausibleTime { receipt_no, at });
    }
    problems
}

impl ChainProblem {
    /// A stable snake_case code, the JSON `kind`.
    pub fn code(&self) -> &'static str {
        match self {
            ChainProblem::Gap { .. } => "gap",
            ChainProblem::Duplicate { .. } => "duplicate",
            ChainProblem::OutOfOrder { .. } => "out_of_order",
            ChainProblem::AlteredRecord { .. } => "altered_record",
            ChainProblem::BrokenLink { .. } => "broken_link",
            ChainProblem::WrongTill { .. } => "wrong_till",
            ChainProblem::NumberJump { .. } => "number_jump",
            ChainProblem::UnknownShift { .. } => "unknown_shift",
            ChainProblem::ImplausibleTime { .. } => "implausible_time",
        }
    }

    /// One line for a person (`journal verify`, a dashboard).
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (ChainProblem::Gap { expected, found }, Lang::Vi) => {
                format!(
                    "Thiếu phiếu số {expected} đến {}.",
                    found.get().saturating_sub(1)
                )
            }
            (ChainProblem::Gap { expected, found }, Lang::En) => format!(
                "Receipts {expected} to {} are missing.",
                found.get().saturating_sub(1)
            ),
            (ChainProblem::Duplicate { receipt_no }, Lang::Vi) => {
                format!("Phiếu số {receipt_no} xuất hiện hơn một lần.")
            }
            (ChainProblem::Duplicate { receipt_no }, Lang::En) => {
                format!("Receipt {receipt_no} appears more than once.")
            }
            (
                ChainProblem::OutOfOrder {
                    receipt_no,
                    expected,
                },
                Lang::Vi,
            ) => {
                format!("Phiếu số {receipt_no} nằm ở vị trí của phiếu số {expected}: sai thứ tự.")
            }
            (
                ChainProblem::OutOfOrder {
                    receipt_no,
                    expected,
                },
                Lang::En,
            ) => format!(
                "Receipt {receipt_no} stands where receipt {expected} should: out of order."
            ),
            (ChainProblem::AlteredRecord { receipt_no }, Lang::Vi) => {
                format!("Phiếu số {receipt_no} đã bị sửa sau khi lập (mã băm không khớp).")
            }
            (ChainProblem::AlteredRecord { receipt_no }, Lang::En) => format!(
                "Receipt {receipt_no} was altered after it was made (its hash does not match)."
            ),
            (ChainProblem::BrokenLink { receipt_no }, Lang::Vi) => format!(
                "Phiếu số {receipt_no} không nối với phiếu liền trước (mã băm trước không khớp)."
            ),
            (ChainProblem::BrokenLink { receipt_no }, Lang::En) => format!(
                "Receipt {receipt_no} does not link to the receipt before it \
                 (previous hash does not match)."
            ),
            (
                ChainProblem::WrongTill {
                    receipt_no,
                    till_id,
                },
                Lang::Vi,
            ) => {
                format!("Phiếu số {receipt_no} thuộc máy bán hàng {till_id}, không thuộc máy này.")
            }
            (
                ChainProblem::WrongTill {
                    receipt_no,
                    till_id,
                },
                Lang::En,
            ) => {
                format!("Receipt {receipt_no} belongs to till {till_id}, not this one.")
            }
            (
                ChainProblem::NumberJump {
                    receipt_no,
                    expected,
                },
                Lang::Vi,
            ) => format!(
                "Phiếu số {receipt_no} nhảy quá xa so với số chờ ({expected}): \
                 được giữ riêng, chuỗi tiếp tục từ phiếu trước."
            ),
            (
                ChainProblem::NumberJump {
                    receipt_no,
                    expected,
                },
                Lang::En,
            ) => format!(
                "Receipt {receipt_no} jumps too far past the expected number ({expected}): \
                 kept aside, the chain goes on from the receipt before."
            ),
            (
                ChainProblem::UnknownShift {
                    receipt_no,
                    shift_id,
                },
                Lang::Vi,
            ) => format!(
                "Phiếu số {receipt_no} ghi ca {shift_id} không có trên máy này: \
                 không báo cáo ca nào tính phiếu này."
            ),
            (
                ChainProblem::UnknownShift {
                    receipt_no,
                    shift_id,
                },
                Lang::En,
            ) => format!(
                "Receipt {receipt_no} names shift {shift_id}, unknown on this till: \
                 no shift report counts it."
            ),
            (ChainProblem::ImplausibleTime { receipt_no, at }, Lang::Vi) => format!(
                "Phiếu số {receipt_no} có thời điểm không hợp lý ({}).",
                canonical_time(at)
            ),
            (ChainProblem::ImplausibleTime { receipt_no, at }, Lang::En) => format!(
                "Receipt {receipt_no} carries an implausible time ({}).",
                canonical_time(at)
            ),
        }
    }
}

/// Where a till's chain stands: the number the next receipt must carry and
/// the hash it must point at. The server keeps one per till and checks
/// each arriving record against it ([`ChainHead::check_next`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ChainHead {
    pub till_id: i32,
    pub next_receipt_no: ReceiptNo,
    pub last_hash: ChainHash,
}

impl ChainHead {
    /// An empty chain: next receipt 1, previous hash [`GENESIS_HASH`].
    pub fn genesis(till_id: i32) -> ChainHead {
        ChainHead {
            till_id,
            next_receipt_no: ReceiptNo::FIRST,
            last_hash: GENESIS_HASH,
        }
    }

    /// The problems an arriving record would show if appended here (empty
    /// when it follows on exactly). Does not move the head: see
    /// [`ChainHead::advance`].
    ///
    /// A number below the head is `OutOfOrder`: the head alone cannot tell
    /// a second record with a stored number (the store's unique key on till
    /// and receipt number catches that, and a resent sale with a stored id
    /// is answered before any chain check) from a late record filling a
    /// gap flagged earlier ([`verify_chain`] over the stored range says
    /// whether the gap is closed).
    pub fn check_next<R: Chained + ?Sized>(&self, record: &R) -> Vec<ChainProblem> {
        let mut problems = Vec::new();
        let receipt_no = record.receipt_no();
        if record.till_id() != self.till_id {
            problems.push(ChainProblem::WrongTill {
                receipt_no,
                till_id: record.till_id(),
            });
        }
        if !record.hash_is_valid() {
            problems.push(ChainProblem::AlteredRecord { receipt_no });
        }
        if is_jump(receipt_no, self.next_receipt_no) {
            problems.push(ChainProblem::NumberJump {
                receipt_no,
                expected: self.next_receipt_no,
            });
        } else if receipt_no > self.next_receipt_no {
            problems.push(ChainProblem::Gap {
                expected: self.next_receipt_no,
                found: receipt_no,
            });
        } else if receipt_no < self.next_receipt_no {
            problems.push(ChainProblem::OutOfOrder {
                receipt_no,
                expected: self.next_receipt_no,
            });
        } else if *record.prev_hash() != self.last_hash {
            problems.push(ChainProblem::BrokenLink { receipt_no });
        }
        problems
    }

    /// The head after `record`, whether or not it followed on cleanly (a
    /// gap is flagged, not hidden, and the chain goes on from the record
    /// that arrived).
    pub fn advance<R: Chained + ?Sized>(&self, record: &R) -> ChainHead {
        let receipt_no = record.receipt_no();
        if receipt_no < self.next_receipt_no || is_jump(receipt_no, self.next_receipt_no) {
            return *self;
        }
        ChainHead {
            till_id: self.till_id,
            next_receipt_no: receipt_no.next().unwrap_or(receipt_no),
            last_hash: *record.hash(),
        }
    }
}

/// Walks one till's whole chain from its first receipt, in the order given
/// (receipt order, as stored), and reports every problem rather than
/// stopping at the first. The till is the one of the first record.
pub fn verify_chain<R: Chained>(records: &[R]) -> Vec<ChainProblem> {
    match records.first() {
        None => Vec::new(),
        Some(first) => verify_chain_from(ChainHead::genesis(first.till_id()), records),
    }
}

/// Like [`verify_chain`], from a known head (a checkpoint, or the head the
/// last Z report recorded) instead of the genesis.
///
/// Rules, per record in the order given:
/// - its hash must be the one its content calls for, else `AlteredRecord`;
/// - its number must be the next one, else `Gap` (numbers skipped),
///   `Duplicate` (a number already seen) or `OutOfOrder` (lower than the
///   highest seen, not seen before);
/// - its `prev_hash` must be the hash of the record before it, else
///   `BrokenLink`. After a duplicate either copy may be the one the next
///   record links to. Across a gap the link cannot be checked (the record
///   it points at is missing), and a duplicate or out-of-order record is
///   not link-checked (the number problem already names it).
pub fn verify_chain_from<R: Chained>(head: ChainHead, records: &[R]) -> Vec<ChainProblem> {
    let mut problems = Vec::new();
    let mut expected = head.next_receipt_no;
    // Hashes the next record in sequence may point at.
    let mut link_to: BTreeSet<ChainHash> = BTreeSet::from([head.last_hash]);
    // Hash of the record holding the highest number seen so far.
    let mut last_number: Option<ReceiptNo> = None;
    let mut seen: BTreeSet<ReceiptNo> = BTreeSet::new();
    let mut exhausted = false;

    for record in records {
        let receipt_no = record.receipt_no();
        if record.till_id() != head.till_id {
            problems.push(ChainProblem::WrongTill {
                receipt_no,
                till_id: record.till_id(),
            });
        }
        if !record.hash_is_valid() {
            problems.push(ChainProblem::AlteredRecord { receipt_no });
        }
        let is_new = seen.insert(receipt_no);
        if !is_new {
            problems.push(ChainProblem::Duplicate { receipt_no });
            if last_number == Some(receipt_no) {
                link_to.insert(*record.hash());
            }
            continue;
        }
        if receipt_no < expected || exhausted {
            problems.push(ChainProblem::OutOfOrder {
                receipt_no,
                expected,
            });
            continue;
        }
        if is_jump(receipt_no, expected) {
            problems.push(ChainProblem::NumberJump {
                receipt_no,
                expected,
            });
            continue;
        }
        if receipt_no > expected {
            problems.push(ChainProblem::Gap {
                expected,
                found: receipt_no,
            });
        } else if !link_to.contains(record.prev_hash()) {
            problems.push(ChainProblem::BrokenLink { receipt_no });
        }
        match receipt_no.next() {
            Some(next) => expected = next,
            None => exhausted = true,
        }
        last_number = Some(receipt_no);
        link_to = BTreeSet::from([*record.hash()]);
    }
    problems
}

#[cfg(test)]
mod tests;
