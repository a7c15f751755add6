//! What the till benchmarks share: a realistic generated catalogue (the
//! names Lào Cai's OCOP showrooms sell, with their diacritics; EAN-13
//! codes under Vietnam's 893 prefix with valid check digits; internal
//! codes; prices, units and VAT rates as the server sends them), a
//! deterministic random source, nearest-rank percentiles and the
//! process's memory as the kernel reports it.

use std::time::Duration;

use ocop_core::gtin::Gtin;
use ocop_core::money::{Dong, VatRate};
use ocop_till::catalogue::{Product, SellStatus, TillOutlet};

/// What is sold: name, unit, group, VAT code, base price (đồng), whether
/// it is sold by weight.
const GOODS: [(&str, &str, &str, &str, i64, bool); 24] = [
    (
        "Chè Shan tuyết cổ thụ",
        "gói",
        "beverage",
        "10",
        180_000,
        false,
    ),
    ("Trà hoa vàng", "hộp", "beverage", "10", 450_000, false),
    ("Rượu ngô men lá", "chai", "beverage", "10", 120_000, false),
    ("Rượu táo mèo", "chai", "beverage", "10", 150_000, false),
    ("Mật ong bạc hà", "chai", "food", "5", 350_000, false),
    ("Gạo Séng Cù", "túi", "food", "5", 95_000, false),
    ("Gạo nếp Tú Lệ", "túi", "food", "5", 110_000, false),
    ("Thịt trâu gác bếp", "kg", "food", "5", 900_000, true),
    ("Lạp sườn hun khói", "kg", "food", "5", 420_000, true),
    ("Miến dong", "gói", "food", "5", 65_000, false),
    ("Nấm hương rừng", "kg", "food", "5", 480_000, true),
    ("Mận hậu sấy dẻo", "hộp", "food", "5", 85_000, false),
    ("Tương ớt Mường Khương", "chai", "food", "5", 45_000, false),
    ("Măng khô", "kg", "food", "5", 320_000, true),
    ("Hạt dổi rừng", "hộp", "food", "5", 250_000, false),
    ("Cao atiso", "hộp", "herbal", "5", 210_000, false),
    (
        "Thuốc tắm người Dao đỏ",
        "gói",
        "herbal",
        "5",
        60_000,
        false,
    ),
    ("Tinh dầu quế", "chai", "herbal", "10", 130_000, false),
    ("Cà gai leo túi lọc", "hộp", "herbal", "5", 75_000, false),
    ("Khăn thổ cẩm", "chiếc", "handicraft", "10", 280_000, false),
    (
        "Túi thêu tay Hmông",
        "chiếc",
        "handicraft",
        "10",
        190_000,
        false,
    ),
    (
        "Vòng bạc chạm khắc",
        "chiếc",
        "handicraft",
        "10",
        650_000,
        false,
    ),
    (
        "Giỏ mây tre đan",
        "chiếc",
        "handicraft",
        "10",
        140_000,
        false,
    ),
    (
        "Gối tựa vải lanh",
        "chiếc",
        "handicraft",
        "10",
        230_000,
        false,
    ),
];

const PLACES: [&str; 30] = [
    "Bắc Hà",
    "Sa Pa",
    "Mường Khương",
    "Bát Xát",
    "Văn Bàn",
    "Bảo Yên",
    "Bảo Thắng",
    "Si Ma Cai",
    "Y Tý",
    "Tả Phìn",
    "Suối Giàng",
    "Mù Cang Chải",
    "Tú Lệ",
    "Lục Yên",
    "Trấn Yên",
    "Văn Chấn",
    "Nghĩa Lộ",
    "Cốc Ly",
    "Lùng Phình",
    "Tả Van",
    "Bản Phố",
    "Nậm Lúc",
    "Phong Hải",
    "Xuân Quang",
    "Thanh Bình",
    "Cam Đường",
    "Pha Long",
    "Dìn Chin",
    "Lao Chải",
    "Hầu Thào",
];

const MAKERS: [&str; 12] = [
    "HTX Nông sản",
    "HTX Dược liệu",
    "HTX Thổ cẩm",
    "Công ty TNHH Đặc sản",
    "Công ty CP Nông nghiệp",
    "Tổ hợp tác Chè",
    "Hộ kinh doanh Nguyễn Thị Hương",
    "Hộ kinh doanh Lò Văn Sử",
    "HTX Dịch vụ Tổng hợp",
    "HTX Mật ong",
    "Công ty TNHH Thương mại",
    "Tổ hợp tác Mây tre",
];

const SIZES: [&str; 12] = [
    "100g",
    "200g",
    "250g",
    "300g",
    "500g",
    "1kg",
    "330ml",
    "500ml",
    "750ml",
    "loại 1",
    "quà tặng",
    "túi lưới",
];

/// What tells apart goods sold by weight.
const GRADES: [&str; 12] = [
    "loại 1",
    "loại 2",
    "đặc biệt",
    "thượng hạng",
    "vụ xuân",
    "vụ thu",
    "hút chân không",
    "xông khói",
    "phơi nắng",
    "sấy lạnh",
    "tự nhiên",
    "truyền thống",
];

/// 24 × 30 × 12 × 12 = 103,680 names: every product up to this count has
/// its own.
pub const DISTINCT_NAMES: usize = 24 * 30 * 12 * 12;

/// splitmix64: a small, fast, deterministic generator (the figures must
/// come from the same catalogue every run).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the bias is negligible for bench sizes).
    pub fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n.max(1)).unwrap_or(u64::MAX);
        usize::try_from(self.next_u64() % n64).unwrap_or(0)
    }
}

fn pick<T: Copy + Default>(items: &[T], i: usize) -> T {
    items
        .get(i % items.len().max(1))
        .copied()
        .unwrap_or_default()
}

/// The EAN-13 a scanner types for product `n`: 893 (Vietnam), nine
/// digits, check digit.
pub fn ean13(n: i32) -> String {
    let body = format!("893{n:09}");
    // Twelve digits always have a check digit; were it ever refused, the
    // scans of the bench would find nothing and it would stop.
    let check = ocop_core::gtin::check_digit(&body).unwrap_or_default();
    format!("{body}{check}")
}

/// Product `n` (1-based) of a generated catalogue: a distinct name for
/// every `n` up to [`DISTINCT_NAMES`], a GTIN for nine in ten (the rest
/// are sold by internal code, as weighed or home-made goods are).
pub fn product(n: i32) -> Product {
    // Mixed radix over a scrambled index so neighbours differ in every part.
    let k = usize::try_from(n).unwrap_or(0).wrapping_mul(7_919) % DISTINCT_NAMES;
    let (g, rest) = (k % GOODS.len(), k / GOODS.len());
    let (place, rest) = (rest % PLACES.len(), rest / PLACES.len());
    let (maker, size) = (rest % MAKERS.len(), rest / MAKERS.len());
    let (name, unit, group, vat, base, fractional) = pick(&GOODS, g);
    let place = pick(&PLACES, place);
    let variant = pick(if fractional { &GRADES } else { &SIZES }, size);
    let name = format!(
        "{name} {place} {variant} — {} {place}",
        pick(&MAKERS, maker)
    );
    Product {
        id: n,
        name,
        gtin: (n % 10 != 0).then(|| Gtin::parse(&ean13(n)).ok()).flatten(),
        code: Some(format!("LC-{n:06}")),
        price: Dong::new(base + i64::from(n % 20) * 5_000),
        vat: vat.parse().unwrap_or(VatRate::Ten),
        unit: unit.into(),
        fractional,
        producer_id: 1 + n % 400,
        group: group.into(),
        stars: 3 + n % 3,
        status: SellStatus::Listable,
        warning: None,
    }
}

pub fn products(count: i32) -> Vec<Product> {
    (1..=count).map(product).collect()
}

pub fn outlet() -> TillOutlet {
    TillOutlet {
        id: 1,
        name: "Trung tâm giới thiệu sản phẩm OCOP Lào Cai".into(),
        legal_name: "Trung tâm Xúc tiến Thương mại tỉnh Lào Cai".into(),
        tax_code: "5300123456".into(),
        address: "Đại lộ Trần Hưng Đạo, phường Nam Cường, Lào Cai".into(),
        phone: "0214 3840 000".into(),
        bank_bin: Some("970436".into()),
        bank_account: Some("0011001234567".into()),
        code: "LC-01".into(),
        bank_holder: None,
        commission_bp: 0,
        active: true,
    }
}

/// The nearest-rank `per_mille`‰ of sorted samples.
pub fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    let n = sorted.len();
    let rank = (n * per_mille).div_ceil(1000).clamp(1, n.max(1)) - 1;
    sorted.get(rank).copied().unwrap_or_default()
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    percentile(&v, 500)
}

/// `"p50 … / p99 …"` of unsorted samples, in microseconds.
pub fn p50_p99_us(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "{:>8.1} µs {:>8.1} µs",
        percentile(&v, 500).as_secs_f64() * 1e6,
        percentile(&v, 990).as_secs_f64() * 1e6
    )
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// A `kB` field of `/proc/self/status` (`VmHWM` peak RSS, `VmRSS`).
pub fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// Kibibytes as mebibytes, one decimal.
pub fn mib(kb: u64) -> String {
    format!("{}.{} MiB", kb / 1024, (kb % 1024) * 10 / 1024)
}
