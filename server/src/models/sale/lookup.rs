//! Finding a stored sale by the receipt number printed on it (`T3-000012`,
//! typed at a till to refund it); by its UUID is [`super::store`]'s.

use diesel::prelude::*;
use ocop_core::sale::{ReceiptNo, ReceiptRef};

use super::store::SaleRow;
use crate::db::DbConn;
use crate::db::schema::sales;

/// Longest text [`parse_receipt_ref`] looks at: `T` + 10 digits + `-` + 10
/// digits, with room for surrounding spaces.
const MAX_REF_LEN: usize = 40;

/// Reads a receipt number as printed (`T3-000012`), also in lower case
/// (`t3-000012`) and without the zero padding (`T3-12`). `None` for
/// anything else, including receipt number 0 and a till id of 0.
pub fn parse_receipt_ref(text: &str) -> Option<ReceiptRef> {
    if text.len() > MAX_REF_LEN {
        return None;
    }
    let rest = text.trim().strip_prefix(['T', 't'])?;
    let (till, number) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(till) || !digits(number) {
        return None;
    }
    let till_id: i32 = till.parse().ok().filter(|id| *id > 0)?;
    let receipt_no = ReceiptNo::new(number.parse().ok()?)?;
    Some(ReceiptRef {
        till_id,
        receipt_no,
    })
}

/// The sale stored under a receipt number, if that number is a sale's (a
/// refund's number, or one not yet received, gives `None`).
pub fn find_row_by_receipt(conn: &mut DbConn, r: ReceiptRef) -> QueryResult<Option<SaleRow>> {
    sales::table
        .filter(sales::till_id.eq(r.till_id))
        .filter(sales::receipt_no.eq(i64::from(r.receipt_no)))
        .select(SaleRow::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(till_id: i32, no: u32) -> Option<ReceiptRef> {
        Some(ReceiptRef {
            till_id,
            receipt_no: ReceiptNo::new(no)?,
        })
    }

    #[test]
    fn reads_printed_lowercase_and_unpadded_numbers() {
        assert_eq!(parse_receipt_ref("T3-000012"), r(3, 12));
        assert_eq!(parse_receipt_ref("t3-000012"), r(3, 12));
        assert_eq!(parse_receipt_ref("T3-12"), r(3, 12));
        assert_eq!(parse_receipt_ref(" T12-1234567 "), r(12, 1_234_567));
        let printed = ReceiptRef {
            till_id: 41,
            receipt_no: ReceiptNo::new(7).unwrap_or(ReceiptNo::FIRST),
        };
        assert_eq!(parse_receipt_ref(&printed.to_string()), Some(printed));
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "",
            "T",
            "T3",
            "T3-",
            "3-12",
            "X3-12",
            "T-12",
            "T3-0",
            "T0-5",
            "T3-000000",
            "T3-+12",
            "T-3-12",
            "T3 -12",
            "T3-1 2",
            "T3-12a",
            "T3_12",
            "T3-99999999999",
            "T99999999999-1",
            "T3-٣",
        ] {
            assert_eq!(parse_receipt_ref(bad), None, "{bad:?}");
        }
    }
}
