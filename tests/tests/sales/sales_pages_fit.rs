//! Issue 14: the outlet's money pages and the e-receipt fit a 390-px phone
//! without sideways scrolling, and a 1366-px laptop, in a real browser
//! (headless Chromium): each page, as the signed-in manager gets it, is
//! laid out at both widths and the document's scroll width is read back;
//! a screenshot of each is left in the test's folder for a person to look
//! at. Fails (never skips) without Chromium: apt-get install chromium.

use std::path::Path;
use std::process::Command;

use crate::sales_common::*;
use reqwest::StatusCode;

fn chromium() -> &'static str {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok())
        .expect("headless Chromium is needed: apt-get install chromium")
}

/// The page laid out `width` px wide by Chromium: (scroll width, client
/// width) of its document; a screenshot beside it. Headless Chromium
/// will not make a window narrower than 500 px, so the page is laid out
/// in an iframe of exactly `width` px (its own document, as a phone's).
fn widths(html: &str, dir: &Path, name: &str, width: u32) -> (u32, u32) {
    let escaped = html
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let wrapper = format!(
        "<html><body style=\"margin:0\"><iframe id=\"f\" style=\"width:{width}px;\
         height:900px;border:0\" srcdoc=\"{escaped}\"></iframe><script>\
         window.onload=function(){{var d=document.getElementById('f').contentDocument\
         .documentElement;document.body.setAttribute('data-widths',\
         d.scrollWidth+'/'+d.clientWidth);}}</script></body></html>"
    );
    let page = dir.join(format!("{name}-{width}-probe.html"));
    std::fs::write(&page, wrapper).unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1400,1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let plain = dir.join(format!("{name}.html"));
    std::fs::write(&plain, html).unwrap();
    let _ = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .arg(format!("--window-size={width},900"))
        .arg(format!(
            "--screenshot={}",
            dir.join(format!("{name}-{width}.png")).display()
        ))
        .arg(format!("file://{}", plain.display()))
        .output();
    let marker = "data-widths=\"";
    let at = dom
        .find(marker)
        .unwrap_or_else(|| panic!("no widths for {name}: {dom}"))
        + marker.len();
    let (scroll, client) = dom[at..]
        .split('"')
        .next()
        .unwrap()
        .split_once('/')
        .unwrap();
    (scroll.parse().unwrap(), client.parse().unwrap())
}

#[tokio::test]
async fn money_pages_and_the_e_receipt_fit_a_phone_and_a_laptop() {
    let (app, mut till) = setup().await;
    let items = stocked_items(&app, till.outlet_id).await;
    let pending = till.sale_by_transfer(vec![cart(&items[0], 2), cart(&items[1], 1)]);
    let cash = till.sale(vec![cart(&items[2], 3)]);
    for s in [&pending, &cash] {
        assert_eq!(
            post_sale(&app, &till, &to_json(s)).await.0,
            StatusCode::CREATED
        );
    }
    let cookie = crate::web_common::web_login(&app, "manager1").await;
    let tmp = tempfile::tempdir().unwrap();
    let receipt = format!("/r/{}", pending.id);
    for (name, path) in [
        ("sales", "/sales"),
        ("transfers", "/sales/transfers"),
        ("e-receipt", receipt.as_str()),
    ] {
        let (status, html) = crate::web_common::page(&app, path, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        for width in [390, 1366] {
            let (scrolled, client) = widths(&html, tmp.path(), name, width);
            assert!(
                client > 0 && client <= width,
                "{path}: {client} px at {width}"
            );
            assert!(
                scrolled <= client,
                "{path} is {scrolled} px wide in {client} px at {width} px (sideways scrolling)"
            );
        }
    }
}
