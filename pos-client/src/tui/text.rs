//! Every label of the interface, Vietnamese and English side by side, so a
//! screen never mixes languages and a missing translation cannot compile.
//!
//! Messages built from values (a product name, an amount) use [`pick`];
//! errors that come from the rest of the till are already bilingual
//! ("Tiếng Việt / English") and are shown as they are.

use ocop_core::i18n::Lang;

/// A label in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct T(pub &'static str, pub &'static str);

impl T {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.0,
            Lang::En => self.1,
        }
    }
}

/// How a transfer status reads.
pub fn transfer_status(status: ocop_core::sale::TransferStatus) -> T {
    use ocop_core::sale::TransferStatus;
    match status {
        TransferStatus::Pending => TRANSFER_PENDING,
        TransferStatus::ConfirmedByCashier => TRANSFER_CONFIRMED_BY_CASHIER,
        TransferStatus::ConfirmedByBank => TRANSFER_CONFIRMED_BY_BANK,
    }
}

/// The Vietnamese or the English of a formatted message.
pub fn pick(lang: Lang, vi: String, en: String) -> String {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

// ---- titles -----------------------------------------------------------
pub const SALE: T = T("Bán hàng", "Sale");
pub const PAY: T = T("Thanh toán", "Payment");
pub const DONE: T = T("Đã thanh toán", "Paid");
pub const AWAITED: T = T("Chờ chuyển khoản", "Transfer awaited");
pub const DONE_AWAITING_TRANSFER: T = T("Chờ chuyển khoản", "Awaiting transfer");
pub const QR_STAYS: T = T(
    "Chưa nhận tiền: F8 khi tiền về, F4 để chờ",
    "Not received: F8 when it arrives, F4 to leave it pending",
);
pub const QR_TITLE: T = T("Chuyển khoản VietQR", "VietQR transfer");
pub const PARKED: T = T("Đơn đang chờ", "Parked sales");
pub const CART: T = T("Giỏ hàng", "Cart");
pub const RESULTS: T = T("Kết quả tìm", "Search results");
pub const TOTAL: T = T("TỔNG CỘNG", "TOTAL");
pub const REMAINING: T = T("CÒN LẠI", "TO PAY");
pub const CHANGE: T = T("TIỀN THỪA", "CHANGE");
pub const TENDERED: T = T("khách đưa", "handed over");
pub const PAID_SO_FAR: T = T("Đã trả", "Paid so far");

// ---- table headings ---------------------------------------------------
pub const COL_NAME: T = T("Tên hàng", "Item");
pub const COL_QTY: T = T("SL", "Qty");
pub const COL_PRICE: T = T("Đơn giá", "Price");
pub const COL_DISCOUNT: T = T("Giảm", "Disc.");
pub const COL_AMOUNT: T = T("Thành tiền", "Amount");
pub const LINES: T = T("dòng", "lines");
pub const ITEMS: T = T("món", "items");

// ---- prompts ----------------------------------------------------------
pub const SCAN_OR_TYPE: T = T(
    "Quét mã hoặc gõ tên sản phẩm",
    "Scan a code or type a product name",
);
/// The reason a discount carries (printed on the receipt, in Vietnamese).
pub const DISCOUNT_REASON: T = T("Giảm giá", "Discount");
pub const ASK_QTY: T = T("Số lượng", "Quantity");
pub const ASK_DISCOUNT: T = T("Giảm giá dòng (đồng)", "Line discount (đồng)");
pub const ASK_PIN: T = T("Mã PIN quản lý", "Manager PIN");
pub const ASK_CARD_REF: T = T("Mã giao dịch thẻ", "Card transaction reference");
pub const ASK_CASH: T = T("Tiền khách đưa", "Cash handed over");
pub const EMPTY_CART: T = T("Giỏ hàng trống", "The cart is empty");
pub const NO_PARKED: T = T("Không có đơn nào đang chờ", "No parked sales");
pub const RESUME_NEEDS_EMPTY_CART: T = T(
    "Hãy thanh toán hoặc cất đơn hiện tại trước",
    "Pay or park the current sale first",
);
pub const WRONG_PIN: T = T("Sai mã PIN — không giảm giá", "Wrong PIN — no discount");
pub const NO_BANK_ACCOUNT: T = T(
    "Điểm bán chưa có tài khoản ngân hàng cho VietQR",
    "The outlet has no bank account for VietQR",
);
pub const QR_SCAN_HINT: T = T(
    "Khách quét mã bằng ứng dụng ngân hàng",
    "The customer scans with a banking app",
);
pub const QR_PENDING: T = T(
    "Đơn đã lưu; chuyển khoản chờ xác nhận",
    "Sale stored; transfer pending confirmation",
);
pub const TRANSFER_CONFIRMED_BY_BANK: T = T("Ngân hàng đã xác nhận", "Confirmed by the bank");
pub const TRANSFER_CONFIRMED_BY_CASHIER: T = T(
    "Đã nhận tiền — thu ngân xác nhận",
    "Money received — confirmed by the cashier",
);
pub const TRANSFER_PENDING: T = T("Chờ xác nhận", "Awaiting confirmation");
pub const PENDING_TRANSFERS: T = T(
    "Chuyển khoản chờ xác nhận (chưa nhận tiền)",
    "Transfers awaiting confirmation (not received)",
);
pub const NO_PENDING_TRANSFERS: T = T("Không có", "None");
pub const TRANSFER_OFFLINE: T = T(
    "Không liên lạc được máy chủ — thấy tiền về thì bấm F8",
    "Server unreachable — press F8 when the money arrives",
);
pub const TRANSFER_QUEUED: T = T("chờ gửi", "queued");
pub const TRANSFER_REFUSED: T = T(
    "Máy chủ không trả lời về phiếu này",
    "The server has no answer for this sale",
);
pub const BUSY_SENDING: T = T(
    "Đang gửi hàng đợi lên máy chủ…",
    "Sending the queue to the server…",
);
pub const BUSY_FINDING: T = T("Đang tìm phiếu…", "Looking the receipt up…");
pub const NOTHING_TO_REPRINT: T = T("Chưa có phiếu nào để in lại", "No receipt to reprint yet");
pub const ASK_LABEL_LOT: T = T("In tem: mã số lô", "Print labels: lot id");
pub const ASK_LABEL_COUNT: T = T("In tem: số tem (1–1000)", "Print labels: how many (1–1000)");
pub const ASK_LABEL_USER: T = T("In tem: tài khoản quản lý", "Print labels: manager account");
pub const ASK_LABEL_PASSWORD: T = T("In tem: mật khẩu", "Print labels: password");
pub const BAD_LABEL_LOT: T = T(
    "Mã số lô phải là số nguyên dương",
    "The lot id is a whole number above 0",
);
pub const BAD_LABEL_COUNT: T = T("Số tem từ 1 đến 1000", "Between 1 and 1000 labels");
pub const BUSY_LABELS: T = T("Đang cấp và in tem…", "Issuing and printing labels…");

// ---- status line ------------------------------------------------------
pub const ONLINE: T = T("TRỰC TUYẾN", "ONLINE");
pub const OFFLINE: T = T("NGOẠI TUYẾN", "OFFLINE");
pub const UNKNOWN_LINK: T = T("chưa rõ mạng", "network unknown");
pub const QUEUED: T = T("chờ gửi", "queued");
pub const REJECTED: T = T("bị từ chối", "rejected");
pub const PRINTER: T = T("máy in", "printer");
pub const PRINTER_NONE: T = T("chưa cấu hình", "not set up");
pub const PRINTER_READY: T = T("sẵn sàng", "ready");
pub const PRINTER_OK: T = T("in xong", "printed");
pub const PRINTER_FAILED: T = T("LỖI", "FAILED");
pub const CATALOGUE: T = T("danh mục", "catalogue");
pub const OFFLINE_SELLING: T = T(
    "ngoại tuyến: bán theo danh mục",
    "offline: selling from catalogue",
);

// ---- payment methods --------------------------------------------------
pub const CASH: T = T("Tiền mặt", "Cash");
pub const CARD: T = T("Thẻ", "Card");
pub const TRANSFER: T = T("Chuyển khoản", "Transfer");

// ---- key hints --------------------------------------------------------
pub const K_SCAN: T = T("quét/thêm", "scan/add");
pub const K_PICK: T = T("chọn", "select");
pub const K_QTY: T = T("số lượng", "quantity");
pub const K_DISCOUNT: T = T("giảm giá", "discount");
pub const K_REMOVE: T = T("xóa dòng", "remove line");
pub const K_PARK: T = T("cất đơn", "park");
pub const K_PARKED: T = T("đơn chờ", "parked");
pub const K_REFUND: T = T("trả hàng", "refund");
pub const K_SHIFT: T = T("ca", "shift");
pub const K_REPRINT: T = T("in lại", "reprint");
pub const K_LABELS: T = T("in tem", "labels");
pub const K_PAY: T = T("thanh toán", "pay");
pub const K_LANG: T = T("English", "Tiếng Việt");
pub const K_QUIT: T = T("thoát", "quit");
pub const K_CLEAR: T = T("xóa ô nhập", "clear input");
pub const K_EXACT: T = T("đủ tiền", "exact cash");
pub const K_CASH_TYPED: T = T("tiền khách đưa", "cash handed over");
pub const K_QR: T = T("VietQR", "VietQR");
pub const K_CARD: T = T("thẻ", "card");
pub const K_BACK: T = T("quay lại", "back");
pub const K_CONFIRM: T = T("xác nhận", "confirm");
pub const K_CANCEL: T = T("hủy", "cancel");
pub const K_NEXT_SALE: T = T("đơn mới", "next sale");
pub const K_MONEY_RECEIVED: T = T("Đã nhận tiền", "Money received");
pub const K_CONFIRM_CLOSE: T = T("đóng ca và in Z", "close and print the Z");
pub const K_CORRECT: T = T("sửa số đếm", "correct the count");
pub const CLOSE_CANCELLED: T = T("Chưa đóng ca: sửa số đếm", "Not closed: correct the count");
pub const Z_PREVIEW: T = T("BÁO CÁO Z (xem trước khi in)", "Z REPORT (before printing)");
pub const ASK_WEIGHT: T = T(
    "Khối lượng (ví dụ 0.25 = 250 g)",
    "Weight (e.g. 0.25 = 250 g)",
);
pub const K_CONTINUE: T = T("tiếp tục", "continue");
pub const K_LEAVE_PENDING: T = T("để chờ (chưa nhận)", "leave pending");
pub const K_RESUME: T = T("mở lại", "resume");

// ---- refunds ----------------------------------------------------------
pub const REFUND: T = T("Trả hàng", "Refund");
pub const REFUND_FIND: T = T(
    "Quét mã QR trên hóa đơn hoặc gõ số phiếu (T3-000012)",
    "Scan the receipt's QR code or type its number (T3-000012)",
);
pub const REFUND_NOTHING: T = T(
    "Chưa chọn hàng trả lại (Space: cả dòng, F2: số lượng)",
    "Nothing picked to refund (Space: whole line, F2: quantity)",
);
pub const REFUND_REASON_NEEDED: T = T("Cần ghi lý do trả hàng", "A refund needs a reason");
pub const REFUND_BACK: T = T("Hoàn lại", "Paid back");
pub const REFUND_METHOD: T = T("Hoàn bằng", "Paid back by");
pub const ASK_REASON: T = T("Lý do", "Reason");
pub const COL_REFUNDED: T = T("Đã trả", "Refunded");
pub const COL_LEFT: T = T("Còn", "Left");
pub const COL_BACK: T = T("Trả lại", "Back");
pub const K_FIND: T = T("tìm phiếu", "find receipt");
pub const K_WHOLE_LINE: T = T("cả dòng", "whole line");
pub const K_REFUND_METHOD: T = T("tiền mặt/thẻ/chuyển khoản", "cash/card/transfer");

// ---- shifts -----------------------------------------------------------
pub const SHIFT: T = T("Ca bán hàng", "Shift");
pub const OPEN_SHIFT: T = T("Mở ca", "Open shift");
pub const CLOSE_SHIFT: T = T("Đóng ca", "Close shift");
pub const ASK_FLOAT: T = T(
    "Chưa mở ca — tiền đầu ca trong két (đồng)",
    "No shift open — float in the drawer (đồng)",
);
pub const CONFIRM_FLOAT: T = T("Xác nhận tiền đầu ca", "Confirm the float");
pub const ASK_CASH_IN: T = T("Số tiền nộp vào két", "Amount put in the drawer");
pub const ASK_CASH_OUT: T = T("Số tiền rút khỏi két", "Amount taken out of the drawer");
pub const X_FIGURES: T = T("Số liệu ca (báo cáo X)", "Shift figures (X report)");
pub const SALES_COUNT: T = T("Số phiếu bán", "Sales");
pub const REFUNDS_COUNT: T = T("Số phiếu trả", "Refunds");
pub const GROSS: T = T("Doanh thu", "Gross");
pub const REFUNDS: T = T("Trả lại", "Refunds");
pub const NET: T = T("Thuần", "Net");
pub const DRAWER: T = T("Tiền trong két", "Drawer");
pub const DRAWER_LEGEND: T = T(
    "(đầu ca + bán tiền mặt − trả tiền mặt + nộp − rút = phải có)",
    "(float + cash sales − cash refunds + in − out = expected)",
);
pub const COUNT: T = T("Đếm tiền theo mệnh giá", "Count by note");
pub const EXPECTED: T = T("Phải có", "Expected");
pub const COUNTED: T = T("Đếm được", "Counted");
pub const DIFFERENCE: T = T("Chênh lệch", "Difference");
pub const K_OPEN_SHIFT: T = T("mở ca", "open shift");
pub const K_CASH_IN: T = T("nộp tiền", "cash in");
pub const K_CASH_OUT: T = T("rút tiền", "cash out");
pub const K_PRINT_X: T = T("in báo cáo X", "print X report");
pub const K_COUNT_CLOSE: T = T("đếm tiền, đóng ca", "count, close");
pub const K_COUNT: T = T("số tờ / số tiền", "notes / amount");
pub const K_CLOSE_SHIFT: T = T("gửi rồi đóng ca, in Z", "send, close, print Z");
pub const K_CLOSE_ANYWAY: T = T("đóng ca dù chưa gửi hết", "close with records unsent");
