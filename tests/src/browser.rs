//! Pages in a real browser (headless Chromium): how wide a page lays out
//! at a phone's and a laptop's width, with a screenshot left beside it for
//! a person to look at (issue 14: every page fits a 390-px phone without
//! sideways scrolling). Fails (never skips) without Chromium: apt-get
//! install chromium.

use std::path::Path;
use std::process::Command;

/// The widths every page is checked at: a phone, a laptop.
pub const WIDTHS: [u32; 2] = [390, 1366];

pub fn chromium() -> &'static str {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok())
        .expect("headless Chromium is needed: apt-get install chromium")
}

/// The page laid out `width` px wide by Chromium: (scroll width, client
/// width) of its document; a screenshot beside it. Headless Chromium
/// will not make a window narrower than 500 px, so the page is laid out
/// in an iframe of exactly `width` px (its own document, as a phone's).
pub fn widths(html: &str, dir: &Path, name: &str, width: u32) -> (u32, u32) {
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

/// Asserts that `html` (the page at `path`, saved as `name`) lays out
/// within [`WIDTHS`] with no sideways scrolling; screenshots in `dir`.
///
/// `base` is the server's address (`TestApp::url("/")`): the page is laid
/// out with it as its base, so its stylesheet (`/static/app.css`) and
/// images load from the server as in a browser — without it the page
/// would be measured unstyled.
pub fn assert_fits(html: &str, base: &str, dir: &Path, name: &str, path: &str) {
    let html = with_base(html, base);
    let html = html.as_str();
    for width in WIDTHS {
        let (scrolled, client) = widths(html, dir, name, width);
        assert!(
            client > 0 && client <= width,
            "{path}: {client} px at {width}"
        );
        assert!(
            scrolled <= client,
            "{path} is {scrolled} px wide in {client} px at {width} px (sideways scrolling); \
             screenshot: {}",
            dir.join(format!("{name}-{width}.png")).display()
        );
    }
}

/// `html` with `<base href="{base}">` first in its head.
pub fn with_base(html: &str, base: &str) -> String {
    let tag = format!("<base href=\"{base}\">");
    match html.find("<head>") {
        Some(at) => {
            let at = at + "<head>".len();
            format!("{}{tag}{}", &html[..at], &html[at..])
        }
        None => format!("{tag}{html}"),
    }
}
