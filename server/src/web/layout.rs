//! The one page layout every server-rendered page shares (catalogue, stock,
//! producer portal, department dashboard): Vietnamese first, English on
//! request, usable on a phone, no JavaScript needed.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderName, REFERRER_POLICY};
use maud::{DOCTYPE, Markup, html};
use ocop_core::i18n::Lang;

use super::session::WebUser;
use crate::auth::Role;

/// Picks the Vietnamese or the English text.
pub fn t<'a>(lang: Lang, vi: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// The pages' stylesheet, served at [`super::headers::STYLESHEET_PATH`].
pub const CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1d2a1d;background:#f6f8f4}
header{background:#1f6b3a;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff;text-decoration:none}
header .brand{font-weight:700;margin-right:auto}
nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:.45rem .5rem;border-bottom:1px solid #dfe6dc;text-align:left;vertical-align:top}
th{background:#eef3eb;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
form.inline{display:inline}
input,select,button{font:inherit;padding:.45rem .55rem;border:1px solid #b9c5b4;border-radius:.3rem}
button,.button{background:#1f6b3a;color:#fff;border:0;cursor:pointer;text-decoration:none;display:inline-block;padding:.45rem .9rem;border-radius:.3rem}
.muted{color:#5d6b5a}
.error{background:#fde8e6;border:1px solid #e3a69e;padding:.6rem .8rem;border-radius:.3rem}
.warn{background:#fff6dc;border:1px solid #e6cf82;padding:.2rem .4rem;border-radius:.3rem}
.who{color:#d8ead9}
button.logout{background:#174f2b}
.card.narrow{max-width:26rem}
.card.spaced{margin-top:1rem}
.status.good{background:#eaf6ec;border-color:#7cb38b}
.status.bad{background:#fde8e6;border-color:#e3a69e}
.card{background:#fff;border:1px solid #dfe6dc;border-radius:.4rem;padding:1rem;margin-bottom:1rem}
.card h2{margin:0 0 .5rem;font-size:1.15rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}
.field{margin-bottom:.8rem}
.field label{display:block;font-weight:600;margin-bottom:.2rem}
.field input:not([type=checkbox]),.field select,.field textarea{width:100%;font:inherit;padding:.45rem .55rem;border:1px solid #b9c5b4;border-radius:.3rem}
.field.invalid input,.field.invalid select{border-color:#c0392b;background:#fff8f7}
.field-error{display:block;color:#a3261b;margin-top:.2rem}
fieldset{border:1px solid #dfe6dc;border-radius:.4rem;margin:0 0 .8rem;padding:.6rem .8rem}
.doc .center{text-align:center}
.doc table.lines{margin-top:.6rem}
.doc table.lines th,.doc table.lines td{border:1px solid #6b7a67}
.doc .sign{display:flex;justify-content:space-between;gap:1rem;margin-top:1.8rem;text-align:center}
.doc .sign div{width:45%}
.doc .sign i{display:block;margin-bottom:4.5rem}
@media print{@page{size:A4;margin:15mm}header,.no-print{display:none}body{background:#fff;color:#000}main{max-width:none;padding:0}h1{text-align:center}.doc table.lines th,.doc table.lines td{border-color:#000}}
@media (max-width:40rem){table.responsive thead{display:none}table.responsive td{display:block;border:0}table.responsive tr{display:block;border-bottom:1px solid #dfe6dc;padding:.3rem 0}table.responsive td[data-label]::before{content:attr(data-label) ": ";color:#5d6b5a}.doc table.lines td{border:0;text-align:left}.doc table.lines tr{border:1px solid #6b7a67;margin-bottom:.5rem}}
.button.second{margin-left:.5rem;background:#174f2b}
button.danger{background:#a3261b}
.break-all{word-break:break-all}
img.qr{max-width:100%;height:auto}
.nowrap{white-space:nowrap}
.trap{position:absolute;left:-10000px}
img.photo{max-width:100%;max-height:16rem;display:block;margin-bottom:.6rem}
h2.product-name{margin:0 0 .3rem}
p.stars{font-size:1.3rem;color:#c98a00;margin:0}
p.stars .muted{font-size:1rem}
select,input,textarea{max-width:100%}
.form-actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.4rem 0 .8rem}
.form-actions .button.second,.form-actions button.second,p.actions .button.second{margin-left:0}
button.second{background:#174f2b}
p.actions{display:flex;flex-wrap:wrap;gap:.5rem}
.badge{display:inline-block;padding:.1rem .4rem;border:1px solid;border-radius:.3rem;white-space:nowrap}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:1rem}
.grid .card{margin:0}
.price{font-size:1.15rem}
label.check{display:flex;align-items:center;gap:.2rem}
details.stock summary{cursor:pointer;color:#1f6b3a}
.pager{display:flex;gap:.5rem;flex-wrap:wrap}
ul.notices{list-style:none;padding:0;margin:0 0 1rem;background:#fff;border:1px solid #dfe6dc;border-radius:.4rem}
ul.notices li{display:flex;flex-wrap:wrap;gap:.3rem .6rem;justify-content:space-between;align-items:center;padding:.5rem .6rem;border-bottom:1px solid #dfe6dc}
ul.notices li:last-child{border-bottom:0}
ul.notices li.unread{background:#fff6dc}
ul.notices li.unread .what{font-weight:600}
ul.notices .what{flex:1 1 14rem}
button.small{padding:.2rem .55rem;font-size:.85rem}
/* oversight and indicators (issue 17) */
td.met{background:#eaf6ec}
td.unmet{background:#fff6dc}
table.oversight td{overflow-wrap:break-word}
@media (max-width:40rem){table.responsive td.num{text-align:left}}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(9.5rem,1fr));gap:.6rem;margin-bottom:1rem}
.kpi{background:#fff;border:1px solid #dfe6dc;border-radius:.4rem;padding:.6rem .7rem;display:flex;flex-direction:column;gap:.1rem}
.kpi strong{font-size:1.25rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
@media (max-width:480px){.kpi strong{font-size:1.05rem}}
.kpi .label,.kpi .cmp{font-size:.85rem;color:#5d6b5a}
.up{color:#1f6b3a}.down{color:#a3261b}
nav.crumbs{margin:.2rem 0 .6rem;display:block}
nav.crumbs .sep{color:#5d6b5a}
svg.chart{width:100%;height:auto;max-width:34rem;display:block;margin:.3rem 0 .6rem}
div.scroll{overflow-x:auto;max-width:100%}
table.figures{font-size:.9rem}
table.figures th,table.figures td{padding:.3rem .4rem}
p.exports{margin:.5rem 0 0;font-size:.9rem}
p.freshness{font-size:.85rem}
table.figures td:first-child{min-width:8rem}
@media (max-width:40rem){table.figures .wide-only{display:none}}
"#;

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · OCOP Lào Cai" }
            link rel="stylesheet" href=(super::headers::STYLESHEET_PATH);
        }
    }
}

/// A page for the public (a customer's phone): no sign-in, no navigation,
/// Vietnamese with the English beside it in the text itself.
pub fn public_page(title: &str, body: Markup) -> Markup {
    public_page_in(Lang::Vi, title, None, body)
}

/// A public page in one language, with a link to the other (`switch`: the
/// same page's address in the other language).
pub fn public_page_in(lang: Lang, title: &str, switch: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(match lang { Lang::Vi => "vi", Lang::En => "en" }) {
            (head(title))
            body {
                header {
                    span.brand { "OCOP Lào Cai" }
                    @if let Some(href) = switch {
                        a href=(href) { (t(lang, "English", "Tiếng Việt")) }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The answer of every public page (e-receipt, product page, fake report):
/// the page must not be framed, sniffed, cached as final, indexed, or leak
/// its address (it may hold a receipt id or a label serial) through
/// `Referer`; no script may run, since no public page needs one.
pub fn public_response(status: StatusCode, markup: Markup) -> HttpResponse {
    // The policy, nosniff and frame options come from the one middleware
    // (`web/headers.rs`) like every page's; a public page adds its own
    // referrer policy, cache rule and noindex.
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((CACHE_CONTROL, "no-cache"))
        .insert_header((REFERRER_POLICY, "no-referrer"))
        .insert_header((HeaderName::from_static("x-robots-tag"), "noindex"))
        .body(markup.into_string())
}

/// The navigation links only some roles may follow: each points at pages
/// the role is let into (the handlers decide; this only saves a dead link).
fn role_links(lang: Lang, role: Role) -> Markup {
    html! {
        @if role != Role::Producer {
            a href="/sales" { (t(lang, "Bán hàng", "Sales")) }
        }
        @if role == Role::Producer {
            a href="/portal" { (t(lang, "Cổng chủ thể", "Producer portal")) }
        }
        @if role != Role::Cashier {
            a href="/settlements" { (t(lang, "Quyết toán", "Settlements")) }
        }
        @if matches!(role, Role::Admin | Role::Inspector) {
            a href="/cases" { (t(lang, "Vụ việc", "Cases")) }
            a href="/oversight" { (t(lang, "Giám sát", "Oversight")) }
            a href="/dashboard" { (t(lang, "Doanh số", "Dashboard")) }
        }
    }
}

/// A whole page. `user` is `None` on the login page.
pub fn page(lang: Lang, title: &str, user: Option<&WebUser>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(match lang { Lang::Vi => "vi", Lang::En => "en" }) {
            (head(title))
            body {
                header {
                    a.brand href="/" { "OCOP Lào Cai" }
                    @if let Some(u) = user {
                        nav {
                            a href="/catalogue/products" { (t(lang, "Sản phẩm", "Products")) }
                            a href="/catalogue/producers" { (t(lang, "Chủ thể", "Producers")) }
                            a href="/catalogue/outlets" { (t(lang, "Điểm bán", "Outlets")) }
                            a href="/stock" { (t(lang, "Tồn kho", "Stock")) }
                            (role_links(lang, u.user.role))
                        }
                        span.who { (u.user.username) " (" (u.user.role) ")" }
                        form.inline method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(u.csrf);
                            button.logout type="submit" { (t(lang, "Đăng xuất", "Log out")) }
                        }
                    }
                    a href=(match lang { Lang::Vi => "?lang=en", Lang::En => "?lang=vi" }) {
                        (t(lang, "English", "Tiếng Việt"))
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}
