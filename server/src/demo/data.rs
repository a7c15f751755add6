//! The Lào Cai demo catalogue. Names, places and product kinds are real OCOP
//! products of the province; every certificate number, tax code, GTIN and
//! bank account is invented and marked DEMO where it prints.

/// (key, name, kind, district, commune, address, contact, phone, bank BIN, account)
pub type ProducerRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

pub const PRODUCERS: &[ProducerRow] = &[
    ("che-y-ty", "Hợp tác xã Chè Shan Tuyết Ý Tý", "htx", "bat-xat", "Xã Ý Tý", "Thôn Choản Thền, xã Ý Tý", "Sần Văn Chư", "0912000101", "970405", "8800205000101"),
    ("ruou-ban-pho", "Hợp tác xã Rượu ngô Bản Phố", "htx", "bac-ha", "Xã Bản Phố", "Thôn Bản Phố 1, xã Bản Phố", "Vàng Seo Sử", "0912000102", "970405", "8800205000102"),
    ("tho-cam-ta-van", "Tổ hợp tác Dệt thổ cẩm Tả Van", "tht", "sa-pa", "Xã Tả Van", "Thôn Tả Van Giáy 2, xã Tả Van", "Giàng Thị Mai", "0912000103", "970418", "8800205000103"),
    ("duoc-lieu-ta-phin", "Hợp tác xã Dược liệu Dao đỏ Tả Phìn", "htx", "sa-pa", "Xã Tả Phìn", "Thôn Sả Séng, xã Tả Phìn", "Lý Láo Mẩy", "0912000104", "970415", "8800205000104"),
    ("tuong-ot-muong-khuong", "Công ty TNHH Tương ớt Mường Khương", "llc", "muong-khuong", "Thị trấn Mường Khương", "Tổ dân phố Mường Khương 2", "Nguyễn Thị Hoa", "0912000105", "970436", "8800205000105"),
    ("gao-seng-cu", "Hợp tác xã Gạo Séng Cù Mường Vi", "htx", "bat-xat", "Xã Mường Vi", "Thôn Mường Vi 1, xã Mường Vi", "Hoàng Văn Thắng", "0912000106", "970405", "8800205000106"),
    ("man-bac-ha", "Hộ kinh doanh Lù Văn Sình (mận Bắc Hà)", "household", "bac-ha", "Xã Bảo Nhai", "Thôn Nậm Kha, xã Bảo Nhai", "Lù Văn Sình", "0912000107", "970405", "8800205000107"),
    ("ca-hoi-sa-pa", "Công ty Cổ phần Cá hồi Sa Pa", "jsc", "sa-pa", "Phường Sa Pa", "Tổ 5, phường Sa Pa", "Trần Minh Đức", "0912000108", "970407", "8800205000108"),
    ("tao-meo-bat-xat", "Hợp tác xã Nông lâm sản Trịnh Tường", "htx", "bat-xat", "Xã Trịnh Tường", "Thôn Hồng Ngài, xã Trịnh Tường", "Chảo Láo Lở", "0912000109", "970422", "8800205000109"),
    ("atiso-sa-pa", "Công ty TNHH Atiso Hoàng Liên", "llc", "sa-pa", "Phường Cầu Mây", "Tổ 3, phường Cầu Mây", "Phạm Thu Hà", "0912000110", "970432", "8800205000110"),
    ("mat-ong-si-ma-cai", "Hộ sản xuất Giàng Seo Pao (mật ong bạc hà)", "household", "si-ma-cai", "Xã Sán Chải", "Thôn Sán Chải, xã Sán Chải", "Giàng Seo Pao", "0912000111", "970405", "8800205000111"),
    ("que-van-ban", "Hợp tác xã Quế hồi Văn Bàn", "htx", "van-ban", "Xã Nậm Xây", "Thôn Nậm Xây, xã Nậm Xây", "Đỗ Văn Lực", "0912000112", "970418", "8800205000112"),
    ("lan-sa-pa", "Tổ hợp tác Hoa lan Sa Pa", "tht", "sa-pa", "Xã San Sả Hồ", "Thôn Cát Cát, xã San Sả Hồ", "Tẩn Thị Chài", "0912000113", "970418", "8800205000113"),
    ("du-lich-ta-van", "Hợp tác xã Du lịch cộng đồng Tả Van", "htx", "sa-pa", "Xã Tả Van", "Thôn Tả Van Mông, xã Tả Van", "Giàng A Dình", "0912000114", "970423", "8800205000114"),
];

/// A demo product. `cert_years_ago`: issue date so many years before today
/// (more than 3 gives an expired certificate); `None`: no certificate.
#[derive(Debug, Clone, Copy)]
pub struct ProductRow {
    pub producer: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub group: &'static str,
    pub stars: i32,
    pub cert_years_ago: Option<i64>,
    pub level: &'static str,
    pub unit: &'static str,
    pub fractional: bool,
    pub vat: &'static str,
    pub price: i64,
    pub key_product: bool,
    pub description: &'static str,
}

const fn p(
    producer: &'static str,
    name: &'static str,
    name_en: &'static str,
    group: &'static str,
    stars: i32,
    cert_years_ago: Option<i64>,
    unit: &'static str,
    vat: &'static str,
    price: i64,
) -> ProductRow {
    ProductRow {
        producer,
        name,
        name_en,
        group,
        stars,
        cert_years_ago,
        level: if stars == 5 { "central" } else { "province" },
        unit,
        fractional: false,
        vat,
        price,
        key_product: false,
        description: "",
    }
}

pub fn products() -> Vec<ProductRow> {
    let kg = |mut r: ProductRow| {
        r.fractional = true;
        r
    };
    let key = |mut r: ProductRow| {
        r.key_product = true;
        r
    };
    let desc = |mut r: ProductRow, d: &'static str| {
        r.description = d;
        r
    };
    vec![
        // Beverages
        desc(p("che-y-ty", "Chè Shan Tuyết Ý Tý hộp 200g", "Y Ty Shan Tuyet tea, 200 g box", "beverage", 4, Some(1), "hộp", "8", 180_000), "Chè búp cổ thụ trên 1.000 m, sao thủ công."),
        kg(p("che-y-ty", "Chè Shan Tuyết cổ thụ (cân)", "Ancient Shan Tuyet tea, by weight", "beverage", 4, Some(1), "kg", "8", 850_000)),
        p("che-y-ty", "Hồng trà Shan Tuyết Ý Tý hộp 100g", "Y Ty Shan Tuyet black tea, 100 g", "beverage", 3, Some(2), "hộp", "8", 150_000),
        desc(key(p("ruou-ban-pho", "Rượu ngô Bản Phố chai 500ml", "Ban Pho corn wine, 500 ml", "beverage", 4, Some(1), "chai", "10", 120_000)), "Rượu ngô men lá truyền thống của người Mông Bắc Hà."),
        p("ruou-ban-pho", "Rượu ngô Bắc Hà can 2 lít", "Bac Ha corn wine, 2 l can", "beverage", 3, Some(2), "can", "10", 350_000),
        p("tao-meo-bat-xat", "Rượu táo mèo Trịnh Tường chai 500ml", "Mountain apple wine, 500 ml", "beverage", 3, Some(4), "chai", "10", 110_000),
        p("atiso-sa-pa", "Trà atiso túi lọc Sa Pa hộp 50 túi", "Sa Pa artichoke tea, 50 bags", "beverage", 4, Some(1), "hộp", "8", 95_000),
        p("man-bac-ha", "Vang mận Bắc Hà chai 750ml", "Bac Ha plum wine, 750 ml", "beverage", 3, Some(1), "chai", "10", 165_000),
        // Food
        desc(kg(p("gao-seng-cu", "Gạo Séng Cù Mường Vi túi 5kg", "Seng Cu rice, 5 kg bag", "food", 4, Some(1), "túi", "5", 140_000)), "Gạo Séng Cù ruộng bậc thang Mường Vi, hạt dài, dẻo thơm."),
        p("tuong-ot-muong-khuong", "Tương ớt Mường Khương chai 250ml", "Muong Khuong chili sauce, 250 ml", "food", 4, Some(2), "chai", "8", 35_000),
        p("tuong-ot-muong-khuong", "Tương ớt Mường Khương chai 500ml", "Muong Khuong chili sauce, 500 ml", "food", 4, Some(2), "chai", "8", 60_000),
        key(kg(p("ca-hoi-sa-pa", "Cá hồi Sa Pa phi lê (cân)", "Sa Pa salmon fillet, by weight", "food", 4, Some(1), "kg", "5", 520_000))),
        p("ca-hoi-sa-pa", "Cá hồi Sa Pa hun khói gói 200g", "Smoked Sa Pa salmon, 200 g", "food", 3, Some(1), "gói", "8", 230_000),
        kg(p("man-bac-ha", "Mận hậu Bắc Hà tươi (cân)", "Fresh Bac Ha plums, by weight", "food", 3, Some(1), "kg", "kct", 45_000)),
        p("man-bac-ha", "Ô mai mận Bắc Hà hộp 300g", "Bac Ha plum candy, 300 g", "food", 3, Some(5), "hộp", "8", 70_000),
        p("tao-meo-bat-xat", "Táo mèo sấy khô túi 500g", "Dried mountain apple, 500 g", "food", 3, Some(2), "túi", "8", 80_000),
        p("mat-ong-si-ma-cai", "Mật ong bạc hà Si Ma Cai chai 500ml", "Si Ma Cai mint honey, 500 ml", "food", 4, Some(1), "chai", "8", 320_000),
        p("mat-ong-si-ma-cai", "Mật ong bạc hà Si Ma Cai chai 250ml", "Si Ma Cai mint honey, 250 ml", "food", 4, Some(1), "chai", "8", 170_000),
        // Herbal
        desc(key(p("duoc-lieu-ta-phin", "Lá tắm người Dao đỏ gói 200g", "Red Dao herbal bath leaves, 200 g", "herbal", 5, Some(1), "gói", "8", 60_000)), "Hơn 20 loại lá thuốc theo bài thuốc gia truyền của người Dao đỏ."),
        p("duoc-lieu-ta-phin", "Cao tắm Dao đỏ chai 500ml", "Red Dao herbal bath concentrate, 500 ml", "herbal", 4, Some(2), "chai", "8", 150_000),
        p("atiso-sa-pa", "Cao atiso Sa Pa lọ 200g", "Sa Pa artichoke extract, 200 g", "herbal", 4, Some(1), "lọ", "8", 210_000),
        p("que-van-ban", "Tinh dầu quế Văn Bàn lọ 10ml", "Van Ban cinnamon oil, 10 ml", "herbal", 3, Some(2), "lọ", "8", 85_000),
        p("que-van-ban", "Quế thanh Văn Bàn gói 200g", "Van Ban cinnamon sticks, 200 g", "herbal", 3, Some(4), "gói", "8", 55_000),
        // Handicrafts
        p("tho-cam-ta-van", "Khăn thổ cẩm Tả Van", "Ta Van brocade scarf", "handicraft", 4, Some(1), "chiếc", "8", 250_000),
        p("tho-cam-ta-van", "Túi thổ cẩm Tả Van", "Ta Van brocade bag", "handicraft", 4, Some(1), "chiếc", "8", 320_000),
        p("tho-cam-ta-van", "Gối thổ cẩm thêu tay", "Hand-embroidered brocade cushion", "handicraft", 3, Some(2), "chiếc", "8", 280_000),
        p("que-van-ban", "Hộp quà gỗ quế mỹ nghệ", "Cinnamon wood gift box", "handicraft", 3, Some(1), "hộp", "8", 190_000),
        // Flowers and ornamental plants
        p("lan-sa-pa", "Lan hài Sa Pa chậu nhỏ", "Sa Pa slipper orchid, small pot", "ornamental", 3, Some(1), "chậu", "5", 450_000),
        p("lan-sa-pa", "Lan kiếm Sa Pa chậu", "Sa Pa cymbidium, pot", "ornamental", 4, Some(1), "chậu", "5", 650_000),
        // Community tourism
        p("du-lich-ta-van", "Trải nghiệm homestay Tả Van (1 đêm)", "Ta Van homestay experience (1 night)", "tourism", 4, Some(1), "suất", "8", 450_000),
        p("du-lich-ta-van", "Tour đi bộ bản Tả Van nửa ngày", "Half-day Ta Van village walk", "tourism", 3, Some(1), "suất", "8", 200_000),
        // Not yet certified: 2 stars, shows the listing rule
        p("man-bac-ha", "Mứt mận Bắc Hà hũ 250g (chưa đạt sao)", "Bac Ha plum jam, 250 g (not rated)", "food", 2, None, "hũ", "8", 50_000),
    ]
}

/// (code, name, kind, district, address, lat, lon, hours, operator, commission bp, legal name, tax code, phone, bank BIN, account)
pub type OutletRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    f64,
    &'static str,
    &'static str,
    i32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

pub const OUTLETS: &[OutletRow] = &[
    (
        "LC-SR01",
        "Trung tâm giới thiệu và bán sản phẩm OCOP tỉnh Lào Cai",
        "showroom",
        "lao-cai",
        "Đại lộ Trần Hưng Đạo, phường Nam Cường, TP Lào Cai",
        22.4194,
        103.9968,
        "07:30–21:00 hằng ngày",
        "Trung tâm Xúc tiến Thương mại Lào Cai (DEMO)",
        1500,
        "TRUNG TÂM XÚC TIẾN THƯƠNG MẠI LÀO CAI (DEMO)",
        "5300000001",
        "0214 3800 001",
        "970418",
        "8800209900001",
    ),
    (
        "LC-RS01",
        "Ki-ốt OCOP Trạm dừng nghỉ cao tốc Nội Bài – Lào Cai (Km 237)",
        "rest_stop",
        "bao-thang",
        "Trạm dừng nghỉ Km 237, cao tốc Nội Bài – Lào Cai, huyện Bảo Thắng",
        22.3358,
        104.1062,
        "06:00–22:00 hằng ngày",
        "Công ty CP Dịch vụ Trạm dừng nghỉ (DEMO)",
        2000,
        "CÔNG TY CP DỊCH VỤ TRẠM DỪNG NGHỈ (DEMO)",
        "5300000002",
        "0214 3800 002",
        "970436",
        "8800209900002",
    ),
    (
        "LC-SP01",
        "Điểm giới thiệu sản phẩm OCOP du lịch Sa Pa",
        "tourism",
        "sa-pa",
        "Quảng trường trung tâm, phường Sa Pa, thị xã Sa Pa",
        22.3364,
        103.8438,
        "08:00–22:00 hằng ngày",
        "Ban Quản lý Khu du lịch Sa Pa (DEMO)",
        1800,
        "BAN QUẢN LÝ KHU DU LỊCH SA PA (DEMO)",
        "5300000003",
        "0214 3800 003",
        "970415",
        "8800209900003",
    ),
];
