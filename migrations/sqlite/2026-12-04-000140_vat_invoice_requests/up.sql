-- Issue 14: a customer asks, from the sale's online receipt, for a VAT
-- invoice (hóa đơn GTGT) in a buyer's name; the outlet issues it. One
-- request per sale, kept as asked (the invoice export carries the buyer).
CREATE TABLE vat_invoice_requests (
    id INTEGER PRIMARY KEY NOT NULL,
    sale_id INTEGER NOT NULL UNIQUE REFERENCES sales (id),
    buyer_name TEXT NOT NULL,
    -- mã số thuế: 10 digits, or 0123456789-001 for a branch
    tax_code TEXT NOT NULL,
    address TEXT NOT NULL,
    email TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL
);
