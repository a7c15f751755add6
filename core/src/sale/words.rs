//! Amounts in Vietnamese words, as invoices print them ("Số tiền viết
//! bằng chữ"): `350.000` → "Ba trăm năm mươi nghìn đồng".
//!
//! The reading follows the usual northern convention of invoices:
//! - digits are read in groups of three: đơn vị, nghìn, triệu, tỷ; above a
//!   tỷ the groups repeat with "tỷ" appended (nghìn tỷ, triệu tỷ, tỷ tỷ);
//! - a group of three zeros is skipped ("một triệu đồng", not "một triệu
//!   không nghìn");
//! - a group after a higher one is read in full, "không trăm" included:
//!   1.005.000 → "một triệu không trăm linh năm nghìn";
//! - a zero ten before a unit is "linh": 105 → "một trăm linh năm";
//! - 10–19 are "mười …"; 20 and up "… mươi";
//! - the unit 1 after "mươi" is "mốt" (21 "hai mươi mốt"), else "một"
//!   (11 "mười một", 101 "một trăm linh một");
//! - the unit 5 after a ten is "lăm" (15 "mười lăm", 25 "hai mươi lăm"),
//!   else "năm" (105 "một trăm linh năm");
//! - the unit 4 is always "bốn" (the formal form; "tư" after "mươi" is
//!   spoken but not needed on an invoice).
//!
//! The first letter is upper case; the text ends in "đồng". A negative
//! amount is read "Âm …".

use crate::money::Dong;

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

fn digit(d: u64) -> &'static str {
    usize::try_from(d)
        .ok()
        .and_then(|i| DIGITS.get(i))
        .copied()
        .unwrap_or("")
}

/// Reads a group of three digits (0–999). `full`: a higher group precedes,
/// so hundreds and the "linh" are read even when zero.
fn read_group(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let hundreds = n / 100;
    let tens = (n / 10) % 10;
    let units = n % 10;
    if hundreds > 0 || full {
        out.push(digit(hundreds));
        out.push("trăm");
    }
    match tens {
        0 => {
            if units > 0 && (hundreds > 0 || full) {
                out.push("linh");
            }
        }
        1 => out.push("mười"),
        t => {
            out.push(digit(t));
            out.push("mươi");
        }
    }
    match units {
        0 => {}
        1 if tens >= 2 => out.push("mốt"),
        5 if tens >= 1 => out.push("lăm"),
        u => out.push(digit(u)),
    }
}

/// Reads 0 < n < 1 000 000 000. `full`: a higher group precedes.
fn read_below_billion(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let groups = [
        (n / 1_000_000, "triệu"),
        ((n / 1000) % 1000, "nghìn"),
        (n % 1000, ""),
    ];
    let mut started = full;
    for (value, name) in groups {
        if value == 0 {
            continue;
        }
        read_group(value, started, out);
        if !name.is_empty() {
            out.push(name);
        }
        started = true;
    }
}

/// Reads n > 0 of any size: the part above a tỷ is read recursively and
/// followed by "tỷ".
fn read_number(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let high = n / 1_000_000_000;
    let low = n % 1_000_000_000;
    if high > 0 {
        read_number(high, full, out);
        out.push("tỷ");
        if low > 0 {
            read_below_billion(low, true, out);
        }
    } else {
        read_below_billion(low, full, out);
    }
}

/// The words of a whole number, lower case, without the currency:
/// `1005000` → "một triệu không trăm linh năm nghìn". Zero is "không".
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return "không".to_string();
    }
    let mut words = Vec::new();
    read_number(n, false, &mut words);
    words.join(" ")
}

/// An amount in words, as an invoice prints it:
/// `Dong::new(350_000)` → "Ba trăm năm mươi nghìn đồng".
pub fn dong_in_words(amount: Dong) -> String {
    let value = amount.amount();
    let mut text = number_in_words(value.unsigned_abs());
    if value < 0 {
        text = format!("âm {text}");
    }
    text.push_str(" đồng");
    capitalise(&text)
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(n: i64) -> String {
        dong_in_words(Dong::new(n))
    }

    #[test]
    fn the_example() {
        assert_eq!(w(350_000), "Ba trăm năm mươi nghìn đồng");
    }

    #[test]
    fn small_numbers() {
        let cases = [
            (0, "Không đồng"),
            (1, "Một đồng"),
            (4, "Bốn đồng"),
            (5, "Năm đồng"),
            (10, "Mười đồng"),
            (11, "Mười một đồng"),
            (14, "Mười bốn đồng"),
            (15, "Mười lăm đồng"),
            (20, "Hai mươi đồng"),
            (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi bốn đồng"),
            (25, "Hai mươi lăm đồng"),
            (55, "Năm mươi lăm đồng"),
            (99, "Chín mươi chín đồng"),
            (100, "Một trăm đồng"),
            (101, "Một trăm linh một đồng"),
            (105, "Một trăm linh năm đồng"),
            (110, "Một trăm mười đồng"),
            (111, "Một trăm mười một đồng"),
            (115, "Một trăm mười lăm đồng"),
            (121, "Một trăm hai mươi mốt đồng"),
            (500, "Năm trăm đồng"),
            (999, "Chín trăm chín mươi chín đồng"),
        ];
        for (n, text) in cases {
            assert_eq!(w(n), text, "{n}");
        }
    }

    #[test]
    fn thousands_and_millions() {
        let cases = [
            (1_000, "Một nghìn đồng"),
            (1_001, "Một nghìn không trăm linh một đồng"),
            (1_010, "Một nghìn không trăm mười đồng"),
            (1_021, "Một nghìn không trăm hai mươi mốt đồng"),
            (1_100, "Một nghìn một trăm đồng"),
            (2_500, "Hai nghìn năm trăm đồng"),
            (15_000, "Mười lăm nghìn đồng"),
            (21_000, "Hai mươi mốt nghìn đồng"),
            (105_000, "Một trăm linh năm nghìn đồng"),
            (
                125_125,
                "Một trăm hai mươi lăm nghìn một trăm hai mươi lăm đồng",
            ),
            (1_000_000, "Một triệu đồng"),
            (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
            (1_000_005, "Một triệu không trăm linh năm đồng"),
            (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
            (10_000_000, "Mười triệu đồng"),
            (10_000_001, "Mười triệu không trăm linh một đồng"),
            (
                920_125,
                "Chín trăm hai mươi nghìn một trăm hai mươi lăm đồng",
            ),
            (
                999_999_999,
                "Chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn \
                 chín trăm chín mươi chín đồng",
            ),
        ];
        for (n, text) in cases {
            assert_eq!(w(n), text, "{n}");
        }
    }

    #[test]
    fn billions_and_beyond() {
        let cases = [
            (1_000_000_000, "Một tỷ đồng"),
            (1_000_000_001, "Một tỷ không trăm linh một đồng"),
            (1_001_000_000, "Một tỷ không trăm linh một triệu đồng"),
            (2_350_000_000, "Hai tỷ ba trăm năm mươi triệu đồng"),
            (15_000_000_000, "Mười lăm tỷ đồng"),
            (1_000_000_000_000, "Một nghìn tỷ đồng"),
            (
                1_000_000_001_000,
                "Một nghìn tỷ không trăm linh một nghìn đồng",
            ),
            (1_000_000_000_000_000, "Một triệu tỷ đồng"),
            (2_000_000_000_000_000_000, "Hai tỷ tỷ đồng"),
        ];
        for (n, text) in cases {
            assert_eq!(w(n), text, "{n}");
        }
        // the largest amount reads without panicking, ending in đồng
        // 9.223.372.036.854.775.807: the groups above a tỷ are read as one
        // number, then "tỷ"
        let max = w(i64::MAX);
        assert_eq!(
            max,
            "Chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn \
             không trăm ba mươi sáu tỷ tám trăm năm mươi bốn triệu \
             bảy trăm bảy mươi lăm nghìn tám trăm linh bảy đồng"
        );
        assert!(max.ends_with(" đồng"));
    }

    #[test]
    fn negative_amounts() {
        assert_eq!(w(-21), "Âm hai mươi mốt đồng");
        assert!(w(i64::MIN).starts_with("Âm chín tỷ hai trăm"));
        assert!(w(i64::MIN).ends_with("tám trăm linh tám đồng"));
    }

    #[test]
    fn number_words_without_currency() {
        assert_eq!(number_in_words(0), "không");
        assert_eq!(
            number_in_words(1_005_000),
            "một triệu không trăm linh năm nghìn"
        );
    }
}
