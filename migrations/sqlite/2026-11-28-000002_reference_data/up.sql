-- Reference data every installation needs (not demo data). Kept as rows so
-- the lists can change without a code change. Identical on both backends.

-- Lào Cai's district-level units as named in the province's OCOP plan
-- 06/KH-UBND (2019). Administrative reorganisations change this list: edit
-- rows, never codes already referenced.
INSERT INTO districts (code, name, kind, sort_order) VALUES
    ('lao-cai', 'Thành phố Lào Cai', 'city', 1),
    ('sa-pa', 'Thị xã Sa Pa', 'town', 2),
    ('bat-xat', 'Huyện Bát Xát', 'district', 3),
    ('muong-khuong', 'Huyện Mường Khương', 'district', 4),
    ('si-ma-cai', 'Huyện Si Ma Cai', 'district', 5),
    ('bac-ha', 'Huyện Bắc Hà', 'district', 6),
    ('bao-thang', 'Huyện Bảo Thắng', 'district', 7),
    ('bao-yen', 'Huyện Bảo Yên', 'district', 8),
    ('van-ban', 'Huyện Văn Bàn', 'district', 9);

-- The six national OCOP product groups (Decision 919/QĐ-TTg, 2022).
INSERT INTO product_groups (code, name_vi, name_en, food_safety_required, sort_order) VALUES
    ('food', 'Thực phẩm', 'Food', TRUE, 1),
    ('beverage', 'Đồ uống', 'Beverages', TRUE, 2),
    ('herbal', 'Thảo dược', 'Herbal products', FALSE, 3),
    ('handicraft', 'Thủ công mỹ nghệ', 'Handicrafts', FALSE, 4),
    ('ornamental', 'Hoa, cây cảnh và động vật cảnh', 'Flowers, ornamental plants and animals', FALSE, 5),
    ('tourism', 'Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch', 'Community and eco-tourism services', FALSE, 6);

-- Vietnamese banks by their NAPAS BIN (used in VietQR payloads).
INSERT INTO banks (bin, short_name, name) VALUES
    ('970405', 'Agribank', 'Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam'),
    ('970436', 'Vietcombank', 'Ngân hàng TMCP Ngoại thương Việt Nam'),
    ('970415', 'VietinBank', 'Ngân hàng TMCP Công thương Việt Nam'),
    ('970418', 'BIDV', 'Ngân hàng TMCP Đầu tư và Phát triển Việt Nam'),
    ('970407', 'Techcombank', 'Ngân hàng TMCP Kỹ thương Việt Nam'),
    ('970422', 'MB', 'Ngân hàng TMCP Quân đội'),
    ('970416', 'ACB', 'Ngân hàng TMCP Á Châu'),
    ('970432', 'VPBank', 'Ngân hàng TMCP Việt Nam Thịnh Vượng'),
    ('970403', 'Sacombank', 'Ngân hàng TMCP Sài Gòn Thương Tín'),
    ('970423', 'TPBank', 'Ngân hàng TMCP Tiên Phong'),
    ('970449', 'LPBank', 'Ngân hàng TMCP Lộc Phát Việt Nam'),
    ('970443', 'SHB', 'Ngân hàng TMCP Sài Gòn - Hà Nội'),
    ('970437', 'HDBank', 'Ngân hàng TMCP Phát triển TP. Hồ Chí Minh'),
    ('970441', 'VIB', 'Ngân hàng TMCP Quốc tế Việt Nam'),
    ('970448', 'OCB', 'Ngân hàng TMCP Phương Đông'),
    ('970440', 'SeABank', 'Ngân hàng TMCP Đông Nam Á'),
    ('970426', 'MSB', 'Ngân hàng TMCP Hàng Hải Việt Nam'),
    ('970431', 'Eximbank', 'Ngân hàng TMCP Xuất Nhập khẩu Việt Nam'),
    ('970428', 'Nam A Bank', 'Ngân hàng TMCP Nam Á'),
    ('970409', 'BAC A BANK', 'Ngân hàng TMCP Bắc Á'),
    ('970427', 'VietABank', 'Ngân hàng TMCP Việt Á'),
    ('970452', 'KienlongBank', 'Ngân hàng TMCP Kiên Long'),
    ('970412', 'PVcomBank', 'Ngân hàng TMCP Đại Chúng Việt Nam'),
    ('970419', 'NCB', 'Ngân hàng TMCP Quốc Dân'),
    ('970425', 'ABBANK', 'Ngân hàng TMCP An Bình'),
    ('970400', 'SaigonBank', 'Ngân hàng TMCP Sài Gòn Công Thương'),
    ('970438', 'BaoViet Bank', 'Ngân hàng TMCP Bảo Việt'),
    ('970433', 'VietBank', 'Ngân hàng TMCP Việt Nam Thương Tín'),
    ('970430', 'PGBank', 'Ngân hàng TMCP Thịnh vượng và Phát triển'),
    ('970446', 'Co-opBank', 'Ngân hàng Hợp tác xã Việt Nam');
