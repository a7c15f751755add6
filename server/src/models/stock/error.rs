//! The stock refusals several stock actions share (a quantity that is not
//! positive or not whole, not enough stock, a posted document). Each is a
//! [`Refusal`]: invalid (422) or a conflict with the stored state (409),
//! chosen at the edge from its kind. Nothing is written when a stock
//! function returns one: the caller's transaction rolls back.

use ocop_core::refusal::Refusal;

pub fn non_positive_quantity() -> Refusal {
    Refusal::invalid(
        "non_positive_quantity",
        "Số lượng phải lớn hơn 0.",
        "The quantity must be greater than zero.",
    )
}

pub fn fractional_quantity(unit: &str) -> Refusal {
    Refusal::invalid(
        "fractional_quantity",
        format!("Sản phẩm bán theo {unit} nguyên: số lượng không được có phần lẻ."),
        format!("This product is counted in whole units ({unit}): no fractions."),
    )
}

pub fn insufficient_stock(product: &str, available: ocop_core::money::Quantity) -> Refusal {
    Refusal::conflict(
        "insufficient_stock",
        format!("Không đủ hàng tồn của \"{product}\" (còn {available})."),
        format!(
            "Not enough stock of \"{product}\" ({} on hand).",
            available.to_machine_string()
        ),
    )
}

pub fn document_posted(number: &str) -> Refusal {
    Refusal::conflict(
        "document_posted",
        format!(
            "Chứng từ {number} đã ghi sổ, không được sửa. Hãy lập chứng từ điều chỉnh tham chiếu tới nó."
        ),
        format!(
            "Document {number} is posted and cannot be changed. Make a correcting document that refers to it."
        ),
    )
}
