use std::collections::HashSet;
use std::net::IpAddr;

use chrono::{NaiveDate, TimeZone, Utc};

use super::*;

#[test]
fn serials_are_thirteen_crockford_characters_carrying_65_bits() {
    assert_eq!(serial_from_entropy(0).as_str(), "0000000000000");
    // all 65 bits set: every character is the last of the alphabet
    let all = (1u128 << 65) - 1;
    assert_eq!(serial_from_entropy(all).as_str(), "ZZZZZZZZZZZZZ");
    // bits above the 65th do not change the serial
    assert_eq!(
        serial_from_entropy(all | (1 << 100)).as_str(),
        serial_from_entropy(all).as_str()
    );
    // each of the 65 bits changes it: no bit is wasted
    let mut seen = HashSet::new();
    for bit in 0..SERIAL_BITS {
        assert!(seen.insert(serial_from_entropy(1u128 << bit).as_str().to_owned()));
    }
    let s = serial_from_entropy(0x1234_5678_9abc_def0_1357);
    assert!(is_issued_form(s.as_str()), "{s}");
    assert_eq!(s.as_str().len(), SERIAL_LEN);
}

#[test]
fn issued_form_rejects_other_serials() {
    assert!(!is_issued_form("ABC"));
    assert!(!is_issued_form("0000000000001X"));
    assert!(
        !is_issued_form("I000000000000"),
        "I is not in Crockford's alphabet"
    );
    assert!(!is_issued_form("a000000000000"), "lower case is not issued");
    assert!(is_issued_form("7K3M9PQRSTVWX"));
}

#[test]
fn label_uri_is_a_digital_link_with_gtin_and_the_own_path_without() {
    let gtin = Gtin::parse("8936012345674").unwrap();
    let serial = Serial::parse("7K3M9PQRSTVWX").unwrap();
    let lot = Lot::parse("L/2026-11").unwrap();
    let expiry = NaiveDate::from_ymd_opt(2027, 5, 31);
    let uri = label_uri(
        "https://ocop.example.vn/",
        Some(&gtin),
        Some(&lot),
        &serial,
        expiry,
    );
    assert_eq!(
        uri,
        "https://ocop.example.vn/01/08936012345674/10/L%2F2026-11/21/7K3M9PQRSTVWX?17=270531"
    );
    let back = DigitalLink::parse(&uri).unwrap();
    assert_eq!(back.serial.unwrap(), serial);
    assert_eq!(back.lot.unwrap(), lot);
    // no lot, no expiry
    assert_eq!(
        label_uri("https://ocop.example.vn", Some(&gtin), None, &serial, None),
        "https://ocop.example.vn/01/08936012345674/21/7K3M9PQRSTVWX"
    );
    // no GTIN: the short own path, the serial alone
    assert_eq!(
        label_uri(
            "https://ocop.example.vn/",
            None,
            Some(&lot),
            &serial,
            expiry
        ),
        "https://ocop.example.vn/l/7K3M9PQRSTVWX"
    );
}

#[test]
fn every_status_reads_in_both_languages() {
    let at = Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap();
    let all = [
        LabelStatus::NotRegistered,
        LabelStatus::RecalledLot {
            reason: "nhiễm khuẩn".into(),
        },
        LabelStatus::ProducerSuspended,
        LabelStatus::Sold {
            outlet: "Điểm bán Sa Pa".into(),
            at,
            scans_before: 0,
        },
        LabelStatus::GenuineFirstScan,
        LabelStatus::GenuineScanned {
            count: 3,
            since: at,
        },
    ];
    let mut codes = HashSet::new();
    for s in &all {
        assert!(codes.insert(s.code()));
        assert_ne!(s.describe(Lang::Vi), s.describe(Lang::En));
    }
    assert!(all[3].describe(Lang::Vi).contains("01/12/2026 10:00"));
    assert!(
        all[5]
            .describe(Lang::En)
            .contains("scanned 3 times since 01/12/2026 10:00")
    );
    assert!(all[0].is_warning() && all[1].is_warning() && all[2].is_warning());
    assert!(!all[3].is_warning() && !all[4].is_warning());
}

#[test]
fn client_facts_are_coarse() {
    let v4: IpAddr = "203.0.113.77".parse().unwrap();
    assert_eq!(ip_prefix(v4), "203.0.113.0/24");
    let v6: IpAddr = "2001:db8:1:2:3:4:5:6".parse().unwrap();
    assert_eq!(ip_prefix(v6), "2001:db8:1::/48");
    let mapped: IpAddr = "::ffff:198.51.100.9".parse().unwrap();
    assert_eq!(ip_prefix(mapped), "198.51.100.0/24");
    let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
    assert_eq!(ua_family(iphone), "safari");
    let android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36";
    assert_eq!(ua_family(android), "chrome");
    assert_eq!(ua_family(&format!("{android} Zalo iOS/1")), "zalo");
    assert_eq!(ua_family("curl/8.5.0"), "cli");
    assert_eq!(ua_family(""), "other");
}
