//! The sale screen driven by keys: scan, search, quantity, discount with a
//! manager's PIN, remove, park and resume, language.

use super::*;
use crate::approval::{self, Approver};
use ocop_core::money::Quantity;

fn qty(app: &App, line: usize) -> String {
    app.cart[line].qty.to_string()
}

#[test]
fn a_scan_adds_its_product_and_a_second_scan_counts_it_twice() {
    let (_dir, mut app) = app();
    scan(&mut app, "8936012345674");
    scan(&mut app, "8936012345674");
    assert_eq!(app.cart.len(), 1);
    assert_eq!(qty(&app, 0), "2");
    // A provenance label names its lot: a line of its own.
    scan(
        &mut app,
        "https://ocop.laocai.gov.vn/01/08936012345674/10/L2611",
    );
    assert_eq!(app.cart.len(), 2);
    assert_eq!(app.cart[1].lot.as_deref(), Some("L2611"));
    assert!(screen(&app).contains("Rượu ngô Bắc Hà [L2611]"));
    // An internal code; the catalogue's warning is shown.
    scan(&mut app, "MO-1");
    assert_eq!(app.cart[2].product_id, 2);
    assert!(
        app.message.contains("⚠ Giấy chứng nhận hết hạn"),
        "{}",
        app.message
    );
    // 2 × 150.000 + 150.000 + 250.000, as the core adds it.
    assert_eq!(app.total(), Some(Dong::new(700_000)));
    assert!(app.input.is_empty());
}

#[test]
fn an_unknown_barcode_is_said_and_adds_nothing() {
    let (_dir, mut app) = app();
    scan(&mut app, "8936012345681");
    assert!(app.cart.is_empty());
    assert!(app.message.contains("8936012345681"), "{}", app.message);
    type_text(&mut app, "khong co");
    key(&mut app, KeyCode::Enter);
    assert!(app.message.contains("Không tìm thấy"), "{}", app.message);
    key(&mut app, KeyCode::Esc);
    assert!(app.input.is_empty());
    assert!(app.cart.is_empty());
}

#[test]
fn typing_searches_without_diacritics_and_arrows_pick_the_result() {
    let (_dir, mut app) = app();
    type_text(&mut app, "mat ong");
    assert_eq!(app.results, vec![2, 3], "live, as typed");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.cart.len(), 1);
    assert_eq!(app.cart[0].product_id, 3, "the second result: Mật ong rừng");
    assert!(app.results.is_empty());
    // Upper case and a partial word.
    type_text(&mut app, "SHAN");
    assert_eq!(app.results, vec![4]);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    assert!(app.results.is_empty());
}

/// A scanner types a provenance label's URL one key at a time: no prefix
/// of it ("ht", "htt", "https:", …) may run a search and flash results,
/// even where a product's name holds those letters; a name still does.
#[test]
fn a_url_being_scanned_never_searches_while_it_is_typed() {
    let (_dir, mut app) = app();
    let mut cat = catalogue();
    cat.products
        .push(priced(product(5, "Trà HTX Tân Cương", None, None), 90_000));
    save(&mut app.store, &cat, None).unwrap();
    app.cat = Catalogue::load(&app.store).unwrap();
    type_text(&mut app, "htx");
    assert_eq!(app.results, vec![5], "a name is still searched");
    key(&mut app, KeyCode::Esc);
    for c in "https://ocop.laocai.gov.vn/01/08936012345674/10/L2611".chars() {
        key(&mut app, KeyCode::Char(c));
        assert!(app.results.is_empty(), "searched {:?}", app.input);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.cart.len(), 1);
    assert_eq!(app.cart[0].lot.as_deref(), Some("L2611"));
}

#[test]
fn quantity_by_star_or_f2_and_fractions_only_where_sold_by_weight() {
    let (_dir, mut app) = app();
    scan(&mut app, "8936012345674");
    type_text(&mut app, "3*");
    assert_eq!(qty(&app, 0), "3");
    key(&mut app, KeyCode::F(2));
    type_text(&mut app, "1.5");
    key(&mut app, KeyCode::Enter);
    assert_eq!(qty(&app, 0), "3", "a bottle is sold whole");
    assert!(app.message.contains("số nguyên"), "{}", app.message);
    scan(&mut app, "CHE-01");
    key(&mut app, KeyCode::F(2));
    type_text(&mut app, "0.25");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.cart[1].qty, Quantity::parse("0.25").unwrap());
    // 3 × 150.000 + 0,25 kg × 600.000
    assert_eq!(app.total(), Some(Dong::new(600_000)));
    // Esc leaves a prompt without changing anything.
    key(&mut app, KeyCode::F(2));
    type_text(&mut app, "9");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.cart[1].qty, Quantity::parse("0.25").unwrap());
    // Del removes the highlighted line (the last added); ↑ moves.
    key(&mut app, KeyCode::Delete);
    assert_eq!(app.cart.len(), 1);
    assert_eq!(app.cart[0].product_id, 1);
}

fn set_manager_pin(app: &App, limit: u32) {
    let manager = Approver {
        id: 7,
        name: "Quản lý Hoa".into(),
    };
    approval::set_pin(&app.store, &manager, "2468", limit).unwrap();
}

fn discount(app: &mut App, amount: &str) {
    key(app, KeyCode::F(3));
    type_text(app, amount);
    key(app, KeyCode::Enter);
}

#[test]
fn a_discount_above_the_limit_asks_a_pin_refuses_a_wrong_one_and_takes_the_right_one() {
    let (_dir, mut app) = app();
    set_manager_pin(&app, 10);
    scan(&mut app, "8936012345674");
    // 10.000 of 150.000 is within 10 %: no PIN.
    discount(&mut app, "10.000");
    assert!(app.prompt.is_none());
    assert_eq!(app.cart[0].discount, Dong::new(10_000));
    // 50.000 is a third: the PIN is asked, masked.
    discount(&mut app, "50000");
    assert!(matches!(app.prompt, Some((Prompt::Pin { .. }, _))));
    type_text(&mut app, "1111");
    let s = screen(&app);
    assert!(s.contains("••••") && !s.contains("1111"), "masked:\n{s}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.cart[0].discount,
        Dong::new(10_000),
        "wrong PIN: unchanged"
    );
    assert!(app.message.contains("Sai mã PIN"), "{}", app.message);
    discount(&mut app, "50000");
    type_text(&mut app, "2468");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.cart[0].discount, Dong::new(50_000));
    let reason = app.cart[0].discount_reason.clone().unwrap();
    assert!(reason.contains("Quản lý Hoa"), "{reason}");
    assert_eq!(app.total(), Some(Dong::new(100_000)));
    // The approved discount goes through the checkout's own check.
    key(&mut app, KeyCode::F(10));
    key(&mut app, KeyCode::F(1));
    assert_eq!(app.screen, Screen::Done, "{}", app.message);
    let sale = &app.last.as_ref().unwrap().sale;
    assert_eq!(sale.lines[0].discount, Dong::new(50_000));
    assert_eq!(sale.total, Dong::new(100_000));
}

#[test]
fn without_a_manager_pin_a_discount_above_the_limit_is_refused_and_one_above_the_line_too() {
    let (_dir, mut app) = app();
    scan(&mut app, "8936012345674");
    discount(&mut app, "1000");
    assert_eq!(app.cart[0].discount, Dong::ZERO);
    assert!(
        app.message.contains("cần mã PIN của quản lý") && !app.message.contains("discount_"),
        "{}",
        app.message
    );
    set_manager_pin(&app, 100);
    discount(&mut app, "150.001");
    assert_eq!(app.cart[0].discount, Dong::ZERO, "{}", app.message);
    discount(&mut app, "abc");
    assert!(app.message.contains("abc"), "{}", app.message);
    assert_eq!(app.cart[0].discount, Dong::ZERO);
}

#[test]
fn a_parked_sale_comes_back_as_it_was() {
    let (_dir, mut app) = app();
    set_manager_pin(&app, 50);
    scan(&mut app, "8936012345674");
    scan(
        &mut app,
        "https://ocop.laocai.gov.vn/01/08936012345674/10/L2611",
    );
    type_text(&mut app, "2*");
    discount(&mut app, "20.000");
    let before = app.cart.clone();
    key(&mut app, KeyCode::F(4));
    assert!(app.cart.is_empty());
    assert_eq!(app.store.parked().unwrap().len(), 1);
    // Another customer in between.
    scan(&mut app, "MO-1");
    key(&mut app, KeyCode::F(5));
    assert_eq!(app.screen, Screen::Parked);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.cart.len(), 1, "not over a cart being sold");
    assert!(app.message.contains("trước"), "{}", app.message);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Delete);
    key(&mut app, KeyCode::F(5));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Sale);
    assert_eq!(app.cart, before);
    assert!(app.store.parked().unwrap().is_empty());
    key(&mut app, KeyCode::F(5));
    assert_eq!(app.screen, Screen::Sale, "nothing parked any more");
}

#[test]
fn f12_switches_to_english_and_the_till_remembers() {
    let (dir, mut app) = app();
    assert!(screen(&app).contains("BÁN HÀNG"));
    key(&mut app, KeyCode::F(12));
    let s = screen(&app);
    assert!(s.contains("SALE") && s.contains("pay"), "{s}");
    drop(app);
    let store = Store::open_dir(dir.path()).unwrap();
    let again = App::new(store, config(), None).unwrap();
    assert_eq!(again.lang, Lang::En);
}

#[test]
fn the_status_line_follows_the_background_sender_and_a_newer_catalogue() {
    let (_dir, mut app) = app();
    app.store.set(crate::sync::ONLINE_KEY, &false).unwrap();
    app.refresh_status().unwrap();
    let s = screen(&app);
    assert!(
        s.contains("NGOẠI TUYẾN") && s.contains("ngoại tuyến: bán theo danh mục v4"),
        "{s}"
    );
    // The sender stored a delta with a new product: the till sells it.
    let mut delta = catalogue();
    delta.version = 5;
    delta.full = false;
    delta.products = vec![product(9, "Tương ớt Mường Khương", None, Some("TO-9"))];
    save(&mut app.store, &delta, None).unwrap();
    app.store.set(crate::sync::ONLINE_KEY, &true).unwrap();
    app.refresh_status().unwrap();
    scan(&mut app, "TO-9");
    assert_eq!(app.cart.len(), 1, "{}", app.message);
    let s = screen(&app);
    assert!(s.contains("TRỰC TUYẾN") && s.contains("danh mục v5"), "{s}");
}

/// Issue 14: at 80×24 the status line cut the clock off. The clock now
/// always ends the bottom line whole; the network state, the queue and
/// offline selling stay, and only a long printer error is shortened.
#[test]
fn the_clock_stays_whole_on_an_80_column_status_line() {
    let (_dir, mut app) = app();
    app.store.set(crate::sync::ONLINE_KEY, &false).unwrap();
    app.refresh_status().unwrap();
    app.printer_state = PrinterState::Failed(
        "không kết nối được máy in tcp:192.168.1.50:9100 (connection refused)".into(),
    );
    for lang in [Lang::Vi, Lang::En] {
        app.lang = lang;
        let s = buffer_text(&render(&app, 80, 24));
        let bottom = s.lines().last().unwrap();
        assert!(bottom.ends_with("28/11/2026 11:05"), "{bottom}");
        assert!(bottom.chars().count() <= 80, "{bottom}");
        assert!(bottom.contains('…'), "{bottom}");
        let offline = match lang {
            Lang::Vi => ["NGOẠI TUYẾN", "chờ gửi: ", "v4"],
            Lang::En => ["OFFLINE", "queued: ", "v4"],
        };
        for part in offline {
            assert!(bottom.contains(part), "{part}: {bottom}");
        }
    }
    // With room, nothing is shortened.
    app.lang = Lang::Vi;
    app.printer_state = PrinterState::Ready;
    let s = buffer_text(&render(&app, 140, 30));
    let bottom = s.lines().last().unwrap();
    assert!(!bottom.contains('…'), "{bottom}");
    assert!(
        bottom.ends_with("máy in: sẵn sàng │ 28/11/2026 11:05"),
        "{bottom}"
    );
}

/// A delta removes a product that is in the cart: the line stays for the
/// cashier to take out, and paying says which line and why, Vietnamese
/// first with a stable code; without the line the sale goes on.
#[test]
fn a_product_a_delta_removed_from_the_cart_is_named_when_paying() {
    let (_dir, mut app) = app();
    scan(&mut app, "8936012345674");
    scan(&mut app, "MO-1");
    let mut delta = catalogue();
    delta.version = 5;
    delta.full = false;
    delta.products = vec![];
    delta.removed = vec![2];
    save(&mut app.store, &delta, None).unwrap();
    app.refresh_status().unwrap();
    key(&mut app, KeyCode::F(10));
    assert_eq!(app.screen, Screen::Sale);
    assert!(
        app.message.starts_with("Dòng 2: sản phẩm #2"),
        "{}",
        app.message
    );
    // English after F12, one language at a time.
    assert!(
        !app.message.contains("line 2: product #2"),
        "{}",
        app.message
    );
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::F(10));
    assert!(
        app.message.to_lowercase().contains("line 2: product #2"),
        "{}",
        app.message
    );
    key(&mut app, KeyCode::F(12));
    key(&mut app, KeyCode::Delete);
    key(&mut app, KeyCode::F(10));
    assert_eq!(app.screen, Screen::Pay, "{}", app.message);
}

/// What a key could have changed.
fn state(app: &App) -> String {
    format!(
        "{:?} {:?} {} {} {} {:?} {}",
        app.screen,
        app.prompt,
        app.cart.len(),
        app.tenders.len(),
        app.message,
        app.lang,
        app.queued
    )
}

/// Every function key that does something on a screen is in that screen's
/// hint bar (the lines above the status line), and so are Esc and Delete.
#[test]
fn every_key_that_acts_is_hinted() {
    type Setup = fn(&mut App);
    let setups: [(&str, Setup); 6] = [
        ("sale, empty", |_| {}),
        ("sale with a cart", |a| scan(a, "8936012345674")),
        ("payment", |a| {
            scan(a, "8936012345674");
            key(a, KeyCode::F(10));
        }),
        ("paid", |a| {
            scan(a, "8936012345674");
            key(a, KeyCode::F(10));
            key(a, KeyCode::F(1));
        }),
        ("shift", |a| key(a, KeyCode::F(7))),
        ("vietqr", |a| {
            scan(a, "8936012345674");
            key(a, KeyCode::F(10));
            key(a, KeyCode::F(5));
        }),
    ];
    let mut codes: Vec<(KeyCode, String)> = (1..=12)
        .map(|n| (KeyCode::F(n), format!(" F{n}")))
        .collect();
    codes.push((KeyCode::Delete, " Del ".into()));
    codes.push((KeyCode::Esc, "Esc".into()));
    for (name, setup) in setups {
        for (code, label) in &codes {
            let (_dir, mut app) = app();
            setup(&mut app);
            let before = state(&app);
            let shown = screen(&app);
            let hints: String = shown.lines().rev().take(4).collect::<Vec<_>>().join("\n");
            key(&mut app, *code);
            if state(&app) != before {
                assert!(
                    hints.contains(label.as_str()),
                    "{name}: {code:?} acted but is not hinted:\n{hints}"
                );
            }
        }
    }
}

/// Issue 14: a product sold by weight asks for the weight when scanned
/// and shows its unit; a scale's label (2x prefix, weight in grams) adds
/// the weighed line at once; a scale label of a product not sold by the
/// kilogram is refused with a sentence, not a code.
#[test]
fn weighed_items_ask_for_the_weight_or_read_it_from_the_scale_label() {
    let (_dir, mut app) = app();
    scan(&mut app, "CHE");
    assert!(
        matches!(app.prompt, Some((Prompt::Weight { .. }, _))),
        "{:?}",
        app.prompt
    );
    assert!(
        app.message.contains("nhập khối lượng (kg)"),
        "{}",
        app.message
    );
    scan(&mut app, "0.25");
    assert!(app.prompt.is_none());
    assert_eq!(app.cart[0].qty, Quantity::parse("0.25").unwrap());
    // A scale's label: 20 | item code 00123 | 00350 g, of a product the
    // outlet weighs (a newer catalogue brings it).
    let mut cat = catalogue();
    cat.version = 5;
    let mut loose = crate::catalogue::tests::product(5, "Chè búp khô", None, Some("00123"));
    loose.fractional = true;
    loose.unit = "kg".into();
    cat.products.push(loose);
    save(&mut app.store, &cat, None).unwrap();
    app.refresh_status().unwrap();
    let body = "200012300350".to_owned();
    let label = format!("{body}{}", ocop_core::gtin::check_digit(&body).unwrap());
    scan(&mut app, &label);
    assert_eq!(app.cart.len(), 2, "{}", app.message);
    assert_eq!(app.cart[1].qty, Quantity::parse("0.35").unwrap());
    assert!(app.prompt.is_none(), "a weighed label asks nothing");
    assert!(
        app.message.contains("Chè búp khô") && app.message.ends_with(" kg"),
        "{}",
        app.message
    );
    assert!(app.input.is_empty());
    // The label of a product sold by the bottle is refused, in words.
    let body = "200000100350";
    let bottle = format!("{body}{}", ocop_core::gtin::check_digit(body).unwrap());
    scan(&mut app, &bottle);
    assert_eq!(app.cart.len(), 2);
    assert!(
        !app.message.contains("weighed_item_unknown"),
        "{}",
        app.message
    );
    assert!(app.message.contains("00001"), "{}", app.message);
}
