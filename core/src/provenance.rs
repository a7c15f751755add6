//! Provenance labels (tem truy xuất nguồn gốc): the serial each label
//! carries, the URI its QR code holds, what the public page says about a
//! label, and the coarse, non-personal facts a scan keeps about its client.
//!
//! # Serials
//!
//! A serial is [`SERIAL_LEN`] = 13 characters of Crockford's base 32
//! (`0-9 A-Z` without `I L O U`), carrying [`SERIAL_BITS`] = 65 random bits:
//! nobody can guess a serial that was issued (one in 2^65 per try). Every
//! character is a GS1 AI 21 (set 82) character that Digital Link writes as
//! it is, so a serial never needs percent-encoding, and 13 characters keep
//! the QR code small (version 4–5 for the whole URI on a typical base).
//! The randomness comes from the caller ([`serial_from_entropy`]): the core
//! does no I/O, the server draws it from the operating system.
//!
//! # The URI a label holds
//!
//! A product with a GTIN: the GS1 Digital Link
//! `{base}/01/{GTIN-14}/10/{lot}/21/{serial}?17=YYMMDD` ([`DigitalLink`]: lot
//! and serial percent-encoded as GS1 requires, the lot left out for goods
//! without one, the expiry only when known). A product without a GTIN (many
//! OCOP handicrafts have none) cannot use GS1's `/01/`: its label holds the
//! project's own short path `{base}/l/{serial}` ([`OWN_LABEL_PATH`]), the
//! serial alone naming the label (serials are unique across all products);
//! the page shows the product, lot and expiry from the label's record.

use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};

use crate::digital_link::{DigitalLink, Lot, Serial};
use crate::gtin::Gtin;
use crate::i18n::Lang;
use crate::time::format_vn;

/// Characters in an issued serial.
pub const SERIAL_LEN: usize = 13;
/// Random bits in an issued serial (5 per character).
pub const SERIAL_BITS: u32 = 65;
/// The path prefix of a label of a product without a GTIN: `{base}/l/{serial}`.
pub const OWN_LABEL_PATH: &str = "/l/";

/// Crockford's base 32 alphabet: no `I L O U`, so a serial read aloud or
/// typed from the label is not confused.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The serial made of the low [`SERIAL_BITS`] bits of `entropy` (pass 128
/// random bits; the rest are ignored).
pub fn serial_from_entropy(entropy: u128) -> Serial {
    let mut text = String::with_capacity(SERIAL_LEN);
    let mut rest = entropy;
    for _ in 0..SERIAL_LEN {
        let digit = usize::try_from(rest & 31).unwrap_or_default();
        text.push(char::from(*ALPHABET.get(digit).unwrap_or(&b'0')));
        rest >>= 5;
    }
    // Thirteen alphabet characters are always a valid AI 21 value.
    Serial::parse(&text).unwrap_or_else(|_| unreachable!("base-32 serials are set-82 characters"))
}

/// True when `serial` has the form of one this system issues: a scanned
/// serial of another form cannot be ours ("not a registered OCOP label"
/// without a database look-up being needed to say so).
pub fn is_issued_form(serial: &str) -> bool {
    serial.len() == SERIAL_LEN && serial.bytes().all(|b| ALPHABET.contains(&b))
}

/// The URI a label's QR code holds (module documentation).
pub fn label_uri(
    base: &str,
    gtin: Option<&Gtin>,
    lot: Option<&Lot>,
    serial: &Serial,
    expiry: Option<NaiveDate>,
) -> String {
    match gtin {
        Some(gtin) => {
            let mut link = DigitalLink::new(gtin.clone()).with_serial(serial.clone());
            if let Some(lot) = lot {
                link = link.with_lot(lot.clone());
            }
            if let Some(expiry) = expiry {
                link = link.with_expiry(expiry);
            }
            link.to_uri(base)
        }
        None => format!(
            "{}{OWN_LABEL_PATH}{}",
            base.trim_end_matches('/'),
            serial.as_str()
        ),
    }
}

/// What the public page says about a scanned label, in plain words. The
/// most serious fact wins: a recall or a suspension is said before a sale,
/// a sale before the scan count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelStatus {
    /// A well-formed serial this system never issued for this product.
    NotRegistered,
    /// The label's lot has been recalled.
    RecalledLot { reason: String },
    /// The producer is suspended from the programme.
    ProducerSuspended,
    /// Bound to a sale at an outlet (the till scanned it at checkout).
    Sold {
        outlet: String,
        at: DateTime<Utc>,
        scans_before: i64,
    },
    /// Issued, never scanned by the public before this scan.
    GenuineFirstScan,
    /// Issued, scanned `count` times before this one, the first at `since`.
    GenuineScanned { count: i64, since: DateTime<Utc> },
}

impl LabelStatus {
    /// A stable code for programs (the linkset and the scan log).
    pub fn code(&self) -> &'static str {
        match self {
            LabelStatus::NotRegistered => "not_registered",
            LabelStatus::RecalledLot { .. } => "recalled_lot",
            LabelStatus::ProducerSuspended => "producer_suspended",
            LabelStatus::Sold { .. } => "sold",
            LabelStatus::GenuineFirstScan => "genuine_first_scan",
            LabelStatus::GenuineScanned { .. } => "genuine_scanned",
        }
    }

    /// True when the page must warn the person holding the product.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            LabelStatus::NotRegistered
                | LabelStatus::RecalledLot { .. }
                | LabelStatus::ProducerSuspended
        )
    }

    /// The sentence the page shows (times in Vietnam time).
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (LabelStatus::NotRegistered, Lang::Vi) => "Đây không phải là tem OCOP đã đăng ký: \
                 số sê-ri này chưa từng được cấp. Sản phẩm có thể là hàng giả — hãy báo cho chúng tôi."
                .into(),
            (LabelStatus::NotRegistered, Lang::En) => "This is not a registered OCOP label: \
                 this serial was never issued. The product may be fake — please report it."
                .into(),
            (LabelStatus::RecalledLot { reason }, Lang::Vi) => format!(
                "Lô hàng này đã bị thu hồi. Không sử dụng sản phẩm. Lý do: {reason}"
            ),
            (LabelStatus::RecalledLot { reason }, Lang::En) => {
                format!("This lot has been recalled. Do not use the product. Reason: {reason}")
            }
            (LabelStatus::ProducerSuspended, Lang::Vi) => {
                "Chủ thể sản xuất sản phẩm này đang bị tạm đình chỉ khỏi chương trình OCOP.".into()
            }
            (LabelStatus::ProducerSuspended, Lang::En) => {
                "The producer of this product is suspended from the OCOP programme.".into()
            }
            (LabelStatus::Sold { outlet, at, .. }, Lang::Vi) => format!(
                "Tem thật. Sản phẩm đã được bán tại {outlet} lúc {} (giờ Việt Nam).",
                format_vn(*at)
            ),
            (LabelStatus::Sold { outlet, at, .. }, Lang::En) => format!(
                "Genuine label. This product was sold at {outlet} on {} (Vietnam time).",
                format_vn(*at)
            ),
            (LabelStatus::GenuineFirstScan, Lang::Vi) => {
                "Tem thật, đây là lần quét đầu tiên.".into()
            }
            (LabelStatus::GenuineFirstScan, Lang::En) => {
                "Genuine label, scanned for the first time.".into()
            }
            (LabelStatus::GenuineScanned { count, since }, Lang::Vi) => format!(
                "Tem thật, đã được quét {count} lần kể từ {} (giờ Việt Nam). \
                 Nếu bạn không quét những lần đó, hãy cẩn thận: tem có thể đã bị sao chép.",
                format_vn(*since)
            ),
            (LabelStatus::GenuineScanned { count, since }, Lang::En) => format!(
                "Genuine label, scanned {count} times since {} (Vietnam time). \
                 If those scans were not yours, take care: the label may have been copied.",
                format_vn(*since)
            ),
        }
    }
}

impl fmt::Display for LabelStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::Vi))
    }
}

/// The part of a client's address a scan keeps: the IPv4 /24 or the IPv6
/// /48 network (`203.0.113.0/24`, `2001:db8:1::/48`) — enough to tell a
/// province from another, never one household.
pub fn ip_prefix(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => ip_prefix(IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                format!(
                    "{:x}:{:x}:{:x}::/48",
                    s.first().copied().unwrap_or_default(),
                    s.get(1).copied().unwrap_or_default(),
                    s.get(2).copied().unwrap_or_default()
                )
            }
        },
    }
}

/// The family of a user agent, from a short fixed list (`zalo`, `facebook`,
/// `edge`, `samsung`, `chrome`, `firefox`, `safari`, `bot`, `cli`,
/// `other`): the scan log keeps only this, not the header.
pub fn ua_family(user_agent: &str) -> &'static str {
    let ua = user_agent.to_ascii_lowercase();
    let has = |s: &str| ua.contains(s);
    if has("zalo") {
        "zalo"
    } else if has("fban") || has("fbav") || has("facebook") {
        "facebook"
    } else if has("bot") || has("spider") || has("crawl") {
        "bot"
    } else if has("curl") || has("wget") || has("python") || has("go-http") || has("reqwest") {
        "cli"
    } else if has("edg/") {
        "edge"
    } else if has("samsungbrowser") {
        "samsung"
    } else if has("firefox") || has("fxios") {
        "firefox"
    } else if has("chrome") || has("crios") || has("chromium") {
        "chrome"
    } else if has("safari") {
        "safari"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests;
