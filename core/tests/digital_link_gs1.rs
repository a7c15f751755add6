//! Checks the Digital Link URIs ocop-core makes with GS1's own toolkit,
//! `digital-link.js` (npm, pinned in `tests/gs1/package-lock.json`), which
//! validates against the GS1 Digital Link ABNF grammar and the GTIN check
//! digit. Needs Node.js and the toolkit, both installed by `.ci/test`;
//! without them the tests fail (see `common`), never pass unchecked.

#![expect(clippy::unwrap_used, reason = "test helpers: a panic is a failed test")]

mod common;

use chrono::NaiveDate;
use ocop_core::digital_link::{DigitalLink, Lot, Serial};
use ocop_core::gtin::Gtin;

const BASE: &str = "https://ocop.laocai.gov.vn";

/// Runs the validator over `uris`; returns (valid?, uri, reason) per URI.
fn gs1_verdicts(uris: &[String]) -> Vec<(bool, String, String)> {
    common::require_toolkit(&common::tool_dir("gs1"), "digital-link.js");
    common::run_node(&common::tool_dir("gs1"), "validate.js", uris)
        .into_iter()
        .map(|line| {
            let mut parts = line.splitn(3, '\t');
            let word = parts.next().unwrap_or_default().to_string();
            let uri = parts.next().unwrap_or_default().to_string();
            let reason = parts.next().unwrap_or_default().to_string();
            assert!(word == "valid" || word == "invalid", "{line}");
            (word == "valid", uri, reason)
        })
        .collect()
}

fn generated_links() -> Vec<DigitalLink> {
    let gtins = [
        "96385074",       // GTIN-8
        "036000291452",   // GTIN-12 (UPC-A)
        "8936012345674",  // GTIN-13 (EAN-13, Vietnam prefix 893)
        "18936012345671", // GTIN-14
    ];
    // Set 82 less the double quote, which ocop-core refuses (see the
    // digital_link module: GS1's grammar and RFC 3986 disagree on it).
    let set82: Vec<char> = (0x21u8..0x7f)
        .map(char::from)
        .filter(|c| c.is_ascii_alphanumeric() || "!%&'()*+,-./:;<=>?_".contains(*c))
        .collect();
    assert_eq!(set82.len(), 81);
    let mut values: Vec<String> = set82.chunks(20).map(|c| c.iter().collect()).collect();
    values.extend(
        [
            "L2026-11",
            "A/B",
            "LOT.1_2",
            "x",
            "12345678901234567890",
            "%%",
            "?=&",
        ]
        .map(String::from),
    );
    let expiry = NaiveDate::from_ymd_opt(2027, 5, 31).unwrap();
    let mut links = Vec::new();
    for g in gtins {
        let gtin = Gtin::parse(g).unwrap();
        links.push(DigitalLink::new(gtin.clone()));
        links.push(DigitalLink::new(gtin.clone()).with_expiry(expiry));
        for v in &values {
            links.push(DigitalLink::new(gtin.clone()).with_lot(Lot::parse(v).unwrap()));
            links.push(DigitalLink::new(gtin.clone()).with_serial(Serial::parse(v).unwrap()));
            links.push(
                DigitalLink::new(gtin.clone())
                    .with_lot(Lot::parse(v).unwrap())
                    .with_serial(Serial::parse("000123").unwrap())
                    .with_expiry(expiry),
            );
        }
    }
    links
}

#[test]
fn gs1_toolkit_accepts_every_generated_uri() {
    let links = generated_links();
    let uris: Vec<String> = links.iter().map(|l| l.to_uri(BASE)).collect();
    assert!(uris.len() > 100);
    let invalid: Vec<_> = gs1_verdicts(&uris)
        .into_iter()
        .filter(|(valid, _, _)| !valid)
        .collect();
    assert!(invalid.is_empty(), "GS1 toolkit rejects: {invalid:#?}");
    // and they read back to the same values here
    for (link, uri) in links.iter().zip(&uris) {
        assert_eq!(&DigitalLink::parse(uri).unwrap(), link, "{uri}");
    }
}

#[test]
fn gs1_toolkit_and_we_reject_broken_uris() {
    let broken: Vec<String> = [
        // bad check digit (should be 4)
        "https://ocop.laocai.gov.vn/01/08936012345670",
        // lot with a space, raw and encoded
        "https://ocop.laocai.gov.vn/01/08936012345674/10/A B",
        "https://ocop.laocai.gov.vn/01/08936012345674/10/A%20B",
        // Vietnamese letter (ô) in the lot
        "https://ocop.laocai.gov.vn/01/08936012345674/10/L%C3%B4",
        // lot longer than 20
        "https://ocop.laocai.gov.vn/01/08936012345674/10/123456789012345678901",
        // serial before lot
        "https://ocop.laocai.gov.vn/01/08936012345674/21/S/10/L",
        // ~ is not in set 82
        "https://ocop.laocai.gov.vn/01/08936012345674/10/a~b",
        // bad expiry
        "https://ocop.laocai.gov.vn/01/08936012345674?17=2712",
    ]
    .map(String::from)
    .to_vec();
    for (valid, uri, _) in gs1_verdicts(&broken) {
        assert!(!valid, "GS1 toolkit accepted {uri}");
        assert!(DigitalLink::parse(&uri).is_err(), "we accepted {uri}");
    }
    // The control: the same link, fixed, passes both.
    let fixed = vec!["https://ocop.laocai.gov.vn/01/08936012345674/10/A-B".to_string()];
    assert!(gs1_verdicts(&fixed)[0].0);
    assert!(DigitalLink::parse(&fixed[0]).is_ok());
}

#[test]
fn gs1_toolkit_accepts_provenance_label_uris() {
    use ocop_core::provenance::{label_uri, serial_from_entropy};
    // Serials across the whole 65-bit range, with and without lot/expiry.
    let gtin = Gtin::parse("8936012345674").unwrap();
    let lot = Lot::parse("L/2026.11_a").unwrap();
    let expiry = NaiveDate::from_ymd_opt(2027, 12, 31);
    let mut uris = Vec::new();
    let mut x: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835;
    for i in 0..200u32 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let serial = serial_from_entropy(x);
        let (l, e) = match i % 3 {
            0 => (Some(&lot), expiry),
            1 => (Some(&lot), None),
            _ => (None, None),
        };
        uris.push(label_uri(BASE, Some(&gtin), l, &serial, e));
    }
    let invalid: Vec<_> = gs1_verdicts(&uris)
        .into_iter()
        .filter(|(valid, _, _)| !valid)
        .collect();
    assert!(invalid.is_empty(), "GS1 toolkit rejects: {invalid:#?}");
    for uri in &uris {
        let back = DigitalLink::parse(uri).unwrap();
        assert_eq!(back.gtin, gtin);
        assert!(back.serial.is_some(), "{uri}");
    }
}
