//! Cross-checks the VietQR payloads ocop-core makes with an independent
//! decoder, npm `vietnam-qr-pay` (pinned in `tests/vietqr/package-lock.json`):
//! it must find the CRC valid and read back the same BIN, account, amount and
//! memo, and its own encoder must rebuild the same bytes. Needs Node.js and
//! the package, both installed by `.ci/test`; without them the tests fail
//! (see `common`), never pass unchecked.

#![expect(clippy::unwrap_used, reason = "test helpers: a panic is a failed test")]

mod common;

use ocop_core::money::Dong;
use ocop_core::vietqr::{BankBin, VietQr};
use serde_json::Value;

fn decode(payloads: &[String]) -> Vec<Value> {
    common::require_toolkit(&common::tool_dir("vietqr"), "vietnam-qr-pay");
    common::run_node(&common::tool_dir("vietqr"), "decode.js", payloads)
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn samples() -> Vec<VietQr> {
    let bins = ["970436", "970415", "970418", "970405", "970423"];
    let cases: [(&str, Option<i64>, Option<&str>); 8] = [
        ("0123456789", None, None),
        ("0123456789", Some(125_000), Some("PAYABCDEFGH")),
        ("1", Some(1), None),
        ("1234567890123456789", Some(9_999_999_999_999), Some("x")),
        (
            "ABC123XYZ",
            Some(350_000),
            Some("Thanh toán HĐ 0012 Rượu ngô Bắc Hà"),
        ),
        ("8801234567", None, Some("Mật ong bạc hà Mèo Vạc")),
        ("000111222333", Some(4_250_000), Some("OCOP-LC/2026#17")),
        ("19036688999012", Some(99_999), Some("   ")),
    ];
    let mut out = Vec::new();
    for bin in bins {
        for (account, amount, memo) in cases {
            out.push(
                VietQr::new(
                    BankBin::parse(bin).unwrap(),
                    account,
                    amount.map(Dong::new),
                    memo,
                )
                .unwrap(),
            );
        }
    }
    out
}

#[test]
fn independent_decoder_reads_what_we_write() {
    let qrs = samples();
    let payloads: Vec<String> = qrs.iter().map(VietQr::payload).collect();
    for (qr, decoded) in qrs.iter().zip(decode(&payloads)) {
        let payload = qr.payload();
        assert_eq!(decoded["isValid"], true, "{payload}");
        assert_eq!(decoded["provider"], "VIETQR", "{payload}");
        assert_eq!(decoded["guid"], "A000000727", "{payload}");
        assert_eq!(decoded["service"], "QRIBFTTA", "{payload}");
        assert_eq!(decoded["bankBin"], qr.bank_bin().as_str(), "{payload}");
        assert_eq!(decoded["bankNumber"], qr.account(), "{payload}");
        assert_eq!(decoded["currency"], "704", "{payload}");
        assert_eq!(decoded["nation"], "VN", "{payload}");
        match qr.amount() {
            Some(a) => {
                assert_eq!(decoded["initMethod"], "12", "{payload}");
                assert_eq!(decoded["amount"], a.amount().to_string(), "{payload}");
            }
            None => {
                assert_eq!(decoded["initMethod"], "11", "{payload}");
                assert!(decoded["amount"].is_null(), "{payload}");
            }
        }
        match qr.memo() {
            Some(m) => assert_eq!(decoded["purpose"], m, "{payload}"),
            None => assert!(decoded["purpose"].is_null(), "{payload}"),
        }
        assert_eq!(decoded["rebuilt"], payload.as_str(), "rebuild differs");
    }
}

#[test]
fn independent_decoder_and_we_reject_a_bad_checksum() {
    let good = "00020101021238540010A00000072701240006970436011001234567890208QRIBFTTA530370454061250005802VN62150811PAYABCDEFGH63046729";
    let bad = [
        good.replace("63046729", "63046728"),
        good.replace("5406125000", "5406925000"),
    ];
    for (payload, decoded) in bad.iter().zip(decode(&bad)) {
        assert_eq!(decoded["isValid"], false, "{payload}");
        assert!(VietQr::parse(payload).is_err(), "{payload}");
    }
    let control = decode(&[good.to_string()]);
    assert_eq!(control[0]["isValid"], true);
    assert!(VietQr::parse(good).is_ok());
}
