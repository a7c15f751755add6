use super::*;

const BASE: &str = "https://ocop.laocai.gov.vn";

fn gtin() -> Gtin {
    Gtin::parse("8936012345674").unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn gtin_only() {
    let dl = DigitalLink::new(gtin());
    let uri = dl.to_uri(BASE);
    assert_eq!(uri, "https://ocop.laocai.gov.vn/01/08936012345674");
    assert_eq!(DigitalLink::parse(&uri).unwrap(), dl);
    assert_eq!(dl.to_uri("https://ocop.laocai.gov.vn/"), uri);
}

#[test]
fn full_link_round_trips() {
    let dl = DigitalLink::new(gtin())
        .with_lot(Lot::parse("L2026-11").unwrap())
        .with_serial(Serial::parse("000123").unwrap())
        .with_expiry(date(2027, 5, 31));
    let uri = dl.to_uri(BASE);
    assert_eq!(
        uri,
        "https://ocop.laocai.gov.vn/01/08936012345674/10/L2026-11/21/000123?17=270531"
    );
    assert_eq!(DigitalLink::parse(&uri).unwrap(), dl);
}

#[test]
fn set82_characters_are_percent_encoded() {
    let dl = DigitalLink::new(gtin())
        .with_lot(Lot::parse("A/B(1)").unwrap())
        .with_serial(Serial::parse("x%y&z=1?'!*+,:;<>").unwrap());
    let uri = dl.to_uri(BASE);
    assert_eq!(
        uri,
        "https://ocop.laocai.gov.vn/01/08936012345674/10/A%2FB%281%29\
             /21/x%25y%26z%3D1%3F%27%21%2A%2B%2C%3A%3B%3C%3E"
    );
    assert_eq!(DigitalLink::parse(&uri).unwrap(), dl);
    // unreserved characters stay as they are
    let dl = DigitalLink::new(gtin()).with_lot(Lot::parse("Ab-1.2_3").unwrap());
    assert!(dl.to_uri(BASE).ends_with("/10/Ab-1.2_3"));
}

#[test]
fn every_usable_set82_character_round_trips() {
    let set82: String = (0x20u8..0x7f)
        .map(char::from)
        .filter(|c| is_cset82(*c))
        .collect();
    assert_eq!(set82.chars().count(), 82);
    let chars: Vec<char> = set82.chars().filter(|c| *c != '"').collect();
    assert_eq!(chars.len(), 81);
    for chunk in chars.chunks(20) {
        let value: String = chunk.iter().collect();
        let dl = DigitalLink::new(gtin()).with_serial(Serial::parse(&value).unwrap());
        let uri = dl.to_uri(BASE);
        assert_eq!(DigitalLink::parse(&uri).unwrap(), dl, "{uri}");
        let path = uri.strip_prefix(BASE).unwrap();
        assert!(
            path.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._/%".contains(&b)),
            "{path}"
        );
    }
}

#[test]
fn lot_and_serial_reject_what_gs1_cannot_carry() {
    let err = Lot::parse("Lô 5").unwrap_err();
    assert_eq!(
        err,
        AiValueError::InvalidChar {
            field: AiField::Lot,
            found: 'ô',
            position: 2
        }
    );
    assert_eq!(err.code(), "invalid_lot");
    assert!(err.message(Lang::Vi).contains("viết không dấu"));
    assert!(err.message(Lang::En).contains("without accents"));
    let err = Serial::parse("AB 12").unwrap_err();
    assert_eq!(err.code(), "invalid_serial");
    assert!(err.message(Lang::Vi).contains("dấu cách"));
    assert!(matches!(
        Lot::parse("a~b"),
        Err(AiValueError::InvalidChar { found: '~', .. })
    ));
    assert!(matches!(
        Lot::parse("a\"b"),
        Err(AiValueError::InvalidChar { found: '"', .. })
    ));
    assert!(matches!(
        Lot::parse("a#b"),
        Err(AiValueError::InvalidChar { found: '#', .. })
    ));
    assert_eq!(
        Lot::parse(""),
        Err(AiValueError::Empty {
            field: AiField::Lot
        })
    );
    assert!(Lot::parse(&"9".repeat(20)).is_ok());
    assert_eq!(
        Serial::parse(&"9".repeat(21)),
        Err(AiValueError::TooLong {
            field: AiField::Serial,
            len: 21
        })
    );
    assert!(serde_json::from_str::<Lot>("\"Lô\"").is_err());
    assert_eq!(
        serde_json::to_string(&Lot::parse("L1").unwrap()).unwrap(),
        "\"L1\""
    );
}

#[test]
fn parse_is_lenient_about_base_and_gtin_length() {
    let expected = DigitalLink::new(gtin()).with_lot(Lot::parse("L1").unwrap());
    for uri in [
        "https://example.com/01/8936012345674/10/L1",
        "http://id.gs1.org/01/08936012345674/10/L1",
        "HTTPS://EXAMPLE.COM/01/08936012345674/10/L1",
        "https://example.com/some/prefix/01/08936012345674/10/L1",
        "https://example.com/01/x/01/08936012345674/10/L1",
        "https://example.com:8443/01/08936012345674/10/L1/",
        "  https://example.com/01/08936012345674/10/L1?linkType=gs1:pip&foo=bar#frag\n",
        "https://example.com/01/08936012345674/22/V2/10/L1",
        "https://example.com/01/%30%38936012345674/10/%4C1",
    ] {
        assert_eq!(DigitalLink::parse(uri).unwrap(), expected, "{uri}");
    }
    let upc = DigitalLink::parse("https://x.vn/01/036000291452").unwrap();
    assert_eq!(upc.gtin.as_str14(), "00036000291452");
}

#[test]
fn parse_lowercase_escapes() {
    let dl = DigitalLink::parse("https://x.vn/01/08936012345674/10/A%2fB").unwrap();
    assert_eq!(dl.lot.unwrap().as_str(), "A/B");
}

#[test]
fn parse_expiry() {
    let dl = DigitalLink::parse("https://x.vn/01/08936012345674?17=271231").unwrap();
    assert_eq!(dl.expiry, Some(date(2027, 12, 31)));
    // day 00 = last day of the month
    let dl = DigitalLink::parse("https://x.vn/01/08936012345674?x=1&17=280200").unwrap();
    assert_eq!(dl.expiry, Some(date(2028, 2, 29)));
    let dl = DigitalLink::parse("https://x.vn/01/08936012345674?17=261200").unwrap();
    assert_eq!(dl.expiry, Some(date(2026, 12, 31)));
    for bad in ["271331", "270230", "2712", "27123a", "2712311", ""] {
        let uri = format!("https://x.vn/01/08936012345674?17={bad}");
        assert!(
            matches!(
                DigitalLink::parse(&uri),
                Err(DigitalLinkError::BadExpiry { .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        DigitalLink::parse("https://x.vn/01/08936012345674?17=271231&17=271231"),
        Err(DigitalLinkError::DuplicateParameter { .. })
    ));
}

#[test]
fn parse_rejects() {
    let cases: [(&str, &str); 13] = [
        ("https://x.vn/01/08936012345670", "invalid_gtin"),
        ("https://x.vn/01/089360123456742", "invalid_gtin"),
        ("https://x.vn/01/08936012345674/10/L%C3%B4", "invalid_lot"),
        ("https://x.vn/01/08936012345674/10/A%20B", "invalid_lot"),
        ("https://x.vn/01/08936012345674/21/", "invalid_digital_link"),
        (
            "https://x.vn/01/08936012345674/21/%E1%BB%B1",
            "invalid_serial",
        ),
        (
            "https://x.vn/01/08936012345674/21/S/10/L",
            "invalid_digital_link",
        ),
        (
            "https://x.vn/01/08936012345674/10/L/10/M",
            "invalid_digital_link",
        ),
        (
            "https://x.vn/01/08936012345674/99/L",
            "invalid_digital_link",
        ),
        (
            "https://x.vn/01/08936012345674/10/%zz",
            "invalid_digital_link",
        ),
        (
            "https://x.vn/01/08936012345674/10/%C3",
            "invalid_digital_link",
        ),
        ("https://x.vn/gtin/08936012345674", "invalid_digital_link"),
        ("ftp://x.vn/01/08936012345674", "invalid_digital_link"),
    ];
    for (uri, code) in cases {
        let err = DigitalLink::parse(uri).unwrap_err();
        assert_eq!(err.code(), code, "{uri}: {err:?}");
        assert!(!err.message(Lang::Vi).is_empty());
    }
    let err = DigitalLink::parse("https://x.vn/01/08936012345670").unwrap_err();
    assert!(err.message(Lang::En).contains("should be 4"), "{err}");
    assert_eq!(
        DigitalLink::parse("https://x.vn"),
        Err(DigitalLinkError::NotADigitalLink)
    );
    assert_eq!(
        DigitalLink::parse("https://x.vn/01"),
        Err(DigitalLinkError::NotADigitalLink)
    );
}

#[test]
fn expiry_outside_the_century_is_written_modulo_100() {
    let dl = DigitalLink::new(gtin()).with_expiry(date(2100, 1, 2));
    assert!(dl.to_uri(BASE).ends_with("?17=000102"));
}

#[test]
fn classify_scans() {
    assert_eq!(
        ScanInput::classify("8936012345674\r\n").unwrap(),
        ScanInput::Gtin(gtin())
    );
    assert_eq!(
        ScanInput::classify("96385074").unwrap(),
        ScanInput::Gtin(Gtin::parse("96385074").unwrap())
    );
    assert_eq!(
        ScanInput::classify("036000291452").unwrap(),
        ScanInput::Gtin(Gtin::parse("036000291452").unwrap())
    );
    assert_eq!(
        ScanInput::classify("08936012345674").unwrap(),
        ScanInput::Gtin(gtin())
    );
    let uri = "https://ocop.laocai.gov.vn/01/08936012345674/10/L1/21/7";
    match ScanInput::classify(uri).unwrap() {
        ScanInput::DigitalLink(dl) => {
            assert_eq!(dl.gtin, gtin());
            assert_eq!(dl.serial.unwrap().as_str(), "7");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ScanInput::classify(" TRA-SHAN-500G ").unwrap(),
        ScanInput::Internal("TRA-SHAN-500G".into())
    );
    assert_eq!(
        ScanInput::classify("1001").unwrap(),
        ScanInput::Internal("1001".into())
    );
    assert_eq!(
        ScanInput::classify("893601234567412").unwrap(),
        ScanInput::Internal("893601234567412".into())
    );
    let max = "A".repeat(MAX_INTERNAL_CODE_LEN);
    assert_eq!(
        ScanInput::classify(&max).unwrap(),
        ScanInput::Internal(max.clone())
    );
}

#[test]
fn classify_rejects() {
    assert_eq!(ScanInput::classify("   "), Err(ScanError::Empty));
    assert_eq!(ScanInput::classify(""), Err(ScanError::Empty));
    assert_eq!(
        ScanInput::classify(&"A".repeat(MAX_INTERNAL_CODE_LEN + 1)),
        Err(ScanError::Unrecognised)
    );
    assert_eq!(ScanInput::classify("Rượu"), Err(ScanError::Unrecognised));
    assert_eq!(
        ScanInput::classify("AB\x1dCD"),
        Err(ScanError::Unrecognised)
    );
    let err = ScanInput::classify("8936012345670").unwrap_err();
    assert_eq!(err.code(), "invalid_gtin");
    let err = ScanInput::classify("https://example.com/products/42").unwrap_err();
    assert_eq!(err.code(), "invalid_digital_link");
    assert_eq!(ScanError::Empty.code(), "empty_scan");
    assert_ne!(
        ScanError::Unrecognised.message(Lang::Vi),
        ScanError::Unrecognised.message(Lang::En)
    );
}
