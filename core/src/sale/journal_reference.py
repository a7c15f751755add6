#!/usr/bin/env python3
"""Reference implementation of the journal's canonical encoding (version 1),
written from the documentation of `journal.rs` alone, with nothing but the
standard library. It prints the hash of the golden sale of `journal.rs`'s
tests; `golden_vector_matches_the_python_reference` runs it and compares.

Another system reproducing the chain can start from here.
"""
import hashlib
import struct
import uuid


def int_(n):
    return struct.pack(">q", n)


def str_(t):
    b = t.encode("utf-8")
    return int_(len(b)) + b


def opt(x, f):
    return b"\x00" if x is None else b"\x01" + f(x)


def lst(xs, f):
    return int_(len(xs)) + b"".join(f(x) for x in xs)


def uuid_(t):
    return uuid.UUID(t).bytes


def sale_line(l):
    return (
        int_(l["line_no"]) + int_(l["product_id"]) + opt(l["lot_code"], str_)
        + str_(l["name"]) + str_(l["unit"]) + str_(l["group"]) + int_(l["qty_milli"])
        + int_(l["unit_price"]) + opt(l["catalogue_price"], int_) + int_(l["discount"])
        + opt(l["discount_reason"], str_) + str_(l["vat_rate"]) + int_(l["amount"])
    )


def payment(p):
    out = int_(p["amount"]) + str_(p["type"])
    if p["type"] == "cash":
        return out + int_(p["tendered"]) + int_(p["change"])
    if p["type"] == "bank_transfer":
        return out + str_(p["status"]) + opt(p["reference"], str_)
    return out + str_(p["terminal_ref"])


def vat(b):
    return str_(b["rate"]) + int_(b["gross"]) + int_(b["vat"]) + int_(b["net"])


def canonical_sale(s):
    return (
        str_("ocop-pos/sale/v1") + uuid_(s["id"]) + int_(s["till_id"]) + int_(s["receipt_no"])
        + str_(s["sold_at"]) + int_(s["cashier_id"]) + int_(s["outlet_id"]) + uuid_(s["shift_id"])
        + lst(s["lines"], sale_line) + lst(s["payments"], payment) + int_(s["total"])
        + lst(s["vat"], vat)
    )


def chain_hash(prev_hex, canonical):
    return hashlib.sha256(bytes.fromhex(prev_hex) + canonical).hexdigest()


GOLDEN_SALE = {
    "id": "0190f5a2-7c4e-7a10-8b6d-3f2a1c0e9d01",
    "till_id": 3,
    "receipt_no": 1,
    "sold_at": "2026-11-28T03:15:30.250Z",
    "cashier_id": 7,
    "outlet_id": 2,
    "shift_id": "0190f5a2-0000-7000-8000-000000000001",
    "lines": [
        {"line_no": 1, "product_id": 11, "lot_code": None, "name": "Rượu ngô Bắc Hà",
         "unit": "chai", "group": "do_uong", "qty_milli": 2000, "unit_price": 175000,
         "catalogue_price": 175000, "discount": 10000, "discount_reason": "Khách quen",
         "vat_rate": "10", "amount": 340000},
        {"line_no": 2, "product_id": 12, "lot_code": "L2026-11", "name": "Chè Shan tuyết",
         "unit": "kg", "group": "thuc_pham", "qty_milli": 1500, "unit_price": 400000,
         "catalogue_price": None, "discount": 0, "discount_reason": None,
         "vat_rate": "kct", "amount": 600000},
    ],
    "payments": [{"amount": 940000, "type": "cash", "tendered": 1000000, "change": 60000}],
    "total": 940000,
    "vat": [
        {"rate": "kct", "gross": 600000, "vat": 0, "net": 600000},
        {"rate": "10", "gross": 340000, "vat": 30909, "net": 309091},
    ],
}

if __name__ == "__main__":
    print(chain_hash("00" * 32, canonical_sale(GOLDEN_SALE)))
