//! Create and edit a product (admins), through the same model functions as
//! `POST/PUT /api/v1/products`: [`product::create`] and [`product::update`]
//! (which appends a changed price to the price history).
//!
//! A refused form comes back with status 422, what was typed, and each
//! Vietnamese message next to its field; nothing is written. A forged form
//! never reaches a handler ([`CsrfForm`]: 403, nothing written).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{
    self, Errors, Input, ModelVerdict, Outcome, checkbox, csrf_field, date_value, field, opt,
    parse_date, parse_int, summary,
};
use super::layout::t;
use super::session::WebUser;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::producer::{self, ProducerSearch};
use crate::models::product::{self, Product, ProductInput, validate};
use crate::models::reference;
use crate::models::validation::Refs;
use crate::state::AppState;

/// The product form as the browser sends it: every field as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProductForm {
    producer_id: String,
    name_vi: String,
    name_en: String,
    group_code: String,
    stars: String,
    cert_number: String,
    cert_level: String,
    cert_issued_on: String,
    cert_expires_on: String,
    rating_score: String,
    rating_decision_no: String,
    rating_decision_on: String,
    rating_body: String,
    gtin: String,
    internal_code: String,
    unit: String,
    fractional: Option<String>,
    vat_rate: String,
    price: String,
    food_safety_ref: String,
    description: String,
    photo_url: String,
    key_product: Option<String>,
    active: Option<String>,
}

impl ProductForm {
    fn blank() -> ProductForm {
        ProductForm {
            stars: "3".to_owned(),
            vat_rate: "10".to_owned(),
            active: Some("on".to_owned()),
            ..ProductForm::default()
        }
    }

    fn of(p: &Product) -> ProductForm {
        ProductForm {
            producer_id: p.producer_id.to_string(),
            name_vi: p.name_vi.clone(),
            name_en: p.name_en.clone().unwrap_or_default(),
            group_code: p.group_code.clone(),
            stars: p.stars.to_string(),
            cert_number: p.cert_number.clone().unwrap_or_default(),
            cert_level: p.cert_level.clone().unwrap_or_default(),
            cert_issued_on: date_value(p.cert_issued_on),
            cert_expires_on: date_value(p.cert_expires_on),
            rating_score: p.rating_score.map(|v| v.to_string()).unwrap_or_default(),
            rating_decision_no: p.rating_decision_no.clone().unwrap_or_default(),
            rating_decision_on: date_value(p.rating_decision_on),
            rating_body: p.rating_body.clone().unwrap_or_default(),
            // The shorter GTIN-13 people see on the pack, when it is one.
            gtin: p
                .gtin
                .as_deref()
                .map(|g| g.strip_prefix('0').unwrap_or(g).to_owned())
                .unwrap_or_default(),
            internal_code: p.internal_code.clone().unwrap_or_default(),
            unit: p.unit.clone(),
            fractional: p.fractional.then(|| "on".to_owned()),
            vat_rate: p.vat_rate.clone(),
            price: p.price.to_string(),
            food_safety_ref: p.food_safety_ref.clone().unwrap_or_default(),
            description: p.description.clone(),
            photo_url: p.photo_url.clone().unwrap_or_default(),
            key_product: p.key_product.then(|| "on".to_owned()),
            active: p.active.then(|| "on".to_owned()),
        }
    }

    /// The API's input, and the fields that could not even be read as
    /// numbers or dates (those get a placeholder the model will not store).
    fn input(&self) -> (ProductInput, Errors) {
        let mut bad = Errors::default();
        let mut num = |f, label, text: &str| match parse_int(f, label, text) {
            Ok(v) => v,
            Err(e) => {
                bad.push(e);
                None
            }
        };
        let producer_id = num(
            "producer_id",
            ("Chủ thể", "The producer"),
            &self.producer_id,
        );
        let stars = num("stars", ("Hạng sao", "The star rating"), &self.stars);
        let price = num("price", ("Giá bán", "The price"), &self.price);
        let rating_score = num(
            "rating_score",
            ("Điểm đánh giá", "The rating score"),
            &self.rating_score,
        );
        let mut date = |f, label, text: &str| match parse_date(f, label, text) {
            Ok(v) => v,
            Err(e) => {
                bad.push(e);
                None
            }
        };
        let issued = date(
            "cert_issued_on",
            ("Ngày cấp", "The issue date"),
            &self.cert_issued_on,
        );
        let expires = date(
            "cert_expires_on",
            ("Ngày hết hạn", "The expiry date"),
            &self.cert_expires_on,
        );
        let rating_on = date(
            "rating_decision_on",
            ("Ngày quyết định", "The decision date"),
            &self.rating_decision_on,
        );
        let input = ProductInput {
            producer_id: producer_id.and_then(|v| i32::try_from(v).ok()).unwrap_or(0),
            name_vi: self.name_vi.clone(),
            name_en: opt(&self.name_en),
            group_code: self.group_code.clone(),
            stars: stars.unwrap_or(0),
            cert_number: opt(&self.cert_number),
            cert_level: opt(&self.cert_level),
            cert_issued_on: issued,
            cert_expires_on: expires,
            rating_score,
            rating_decision_no: opt(&self.rating_decision_no),
            rating_decision_on: rating_on,
            rating_body: opt(&self.rating_body),
            gtin: opt(&self.gtin),
            internal_code: opt(&self.internal_code),
            unit: self.unit.clone(),
            fractional: self.fractional.is_some(),
            vat_rate: self.vat_rate.clone(),
            price: price.unwrap_or(-1),
            food_safety_ref: opt(&self.food_safety_ref),
            description: self.description.clone(),
            photo_url: opt(&self.photo_url),
            key_product: self.key_product.is_some(),
            active: self.active.is_some(),
        };
        (input, bad)
    }
}

/// Choices for the selects, loaded once per page.
struct Choices {
    producers: Vec<(String, String)>,
    groups: Vec<(String, String)>,
}

async fn choices(state: &AppState, lang: Lang) -> Result<Choices, ApiError> {
    let (producers, groups) = state
        .read(|c| {
            let all = ProducerSearch {
                limit: Some(1000),
                ..ProducerSearch::default()
            };
            Ok((producer::search(c, &all)?.0, reference::product_groups(c)?))
        })
        .await?;
    let mut p = vec![(String::new(), t(lang, "— chọn —", "— choose —").to_owned())];
    p.extend(producers.into_iter().map(|x| (x.id.to_string(), x.name)));
    let mut g = vec![(String::new(), t(lang, "— chọn —", "— choose —").to_owned())];
    g.extend(
        groups
            .into_iter()
            .map(|x| (x.code, t(lang, &x.name_vi, &x.name_en).to_owned())),
    );
    Ok(Choices {
        producers: p,
        groups: g,
    })
}

const SHOWN: &[&str] = &[
    "producer_id",
    "name_vi",
    "name_en",
    "group_code",
    "stars",
    "cert_number",
    "cert_level",
    "cert_issued_on",
    "cert_expires_on",
    "rating_score",
    "rating_decision_no",
    "rating_decision_on",
    "rating_body",
    "gtin",
    "internal_code",
    "unit",
    "fractional",
    "vat_rate",
    "price",
    "food_safety_ref",
    "description",
    "photo_url",
    "key_product",
    "active",
];

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

fn form_markup(me: &WebUser, action: &str, f: &ProductForm, e: &Errors, ch: &Choices) -> Markup {
    let lang = me.lang;
    let stars = pairs(&[
        ("1", "1 ★"),
        ("2", "2 ★"),
        ("3", "3 ★"),
        ("4", "4 ★"),
        ("5", "5 ★"),
    ]);
    let levels = vec![
        (
            String::new(),
            t(lang, "— không có —", "— none —").to_owned(),
        ),
        (
            "province".to_owned(),
            t(lang, "Cấp tỉnh", "Province").to_owned(),
        ),
        (
            "central".to_owned(),
            t(lang, "Cấp trung ương", "Central").to_owned(),
        ),
    ];
    let vat = vec![
        (
            "kct".to_owned(),
            t(lang, "Không chịu thuế", "Not subject").to_owned(),
        ),
        ("0".to_owned(), "0 %".to_owned()),
        ("5".to_owned(), "5 %".to_owned()),
        ("8".to_owned(), "8 %".to_owned()),
        ("10".to_owned(), "10 %".to_owned()),
    ];
    html! {
        (summary(lang, e, SHOWN))
        form.card method="post" action=(action) {
            (csrf_field(me))
            (field(lang, "producer_id", t(lang, "Chủ thể OCOP", "OCOP producer"), &f.producer_id, Input::Select(&ch.producers), e))
            (field(lang, "name_vi", t(lang, "Tên sản phẩm (tiếng Việt)", "Name (Vietnamese)"), &f.name_vi, Input::Text, e))
            (field(lang, "name_en", t(lang, "Tên tiếng Anh", "Name (English)"), &f.name_en, Input::Text, e))
            (field(lang, "group_code", t(lang, "Nhóm sản phẩm", "Product group"), &f.group_code, Input::Select(&ch.groups), e))
            (field(lang, "stars", t(lang, "Hạng sao OCOP", "OCOP star rating"), &f.stars, Input::Select(&stars), e))
            fieldset {
                legend { (t(lang, "Giấy chứng nhận OCOP", "OCOP certificate")) }
                (field(lang, "cert_number", t(lang, "Số giấy chứng nhận", "Certificate number"), &f.cert_number, Input::Text, e))
                (field(lang, "cert_level", t(lang, "Cấp chứng nhận", "Level"), &f.cert_level, Input::Select(&levels), e))
                (field(lang, "cert_issued_on", t(lang, "Ngày cấp", "Issued on"), &f.cert_issued_on, Input::Date, e))
                (field(lang, "cert_expires_on", t(lang, "Ngày hết hạn (để trống: 36 tháng sau ngày cấp)", "Expires on (empty: 36 months after issue)"), &f.cert_expires_on, Input::Date, e))
            }
            fieldset {
                legend { (t(lang, "Kết quả đánh giá, phân hạng", "Rating record")) }
                p.muted { (t(lang, "Điểm trên thang 100: 3★ 50–69, 4★ 70–89, 5★ 90–100 (Bộ tiêu chí OCOP).", "Score out of 100: 3★ 50–69, 4★ 70–89, 5★ 90–100 (OCOP criteria).")) }
                (field(lang, "rating_score", t(lang, "Điểm đánh giá (0–100)", "Score (0–100)"), &f.rating_score, Input::Number, e))
                (field(lang, "rating_decision_no", t(lang, "Số quyết định công nhận", "Decision number"), &f.rating_decision_no, Input::Text, e))
                (field(lang, "rating_decision_on", t(lang, "Ngày quyết định", "Decision date"), &f.rating_decision_on, Input::Date, e))
                (field(lang, "rating_body", t(lang, "Cơ quan ban hành", "Issuing body"), &f.rating_body, Input::Text, e))
            }
            (field(lang, "gtin", t(lang, "Mã vạch GTIN (8/12/13/14 số)", "GTIN barcode (8/12/13/14 digits)"), &f.gtin, Input::Number, e))
            (field(lang, "internal_code", t(lang, "Mã nội bộ", "Internal code"), &f.internal_code, Input::Text, e))
            (field(lang, "unit", t(lang, "Đơn vị tính (chai, hộp, gói, kg…)", "Unit (bottle, box, pack, kg…)"), &f.unit, Input::Text, e))
            (checkbox(lang, "fractional", t(lang, "Bán theo số lẻ (ví dụ chè theo kg)", "Sold in fractions (e.g. tea by the kg)"), f.fractional.is_some(), e))
            (field(lang, "vat_rate", t(lang, "Thuế GTGT", "VAT"), &f.vat_rate, Input::Select(&vat), e))
            (field(lang, "price", t(lang, "Giá bán lẻ, đồng (gồm VAT)", "Retail price, đồng (VAT incl.)"), &f.price, Input::Number, e))
            (field(lang, "food_safety_ref", t(lang, "Số bản tự công bố ATTP", "Food-safety self-declaration ref."), &f.food_safety_ref, Input::Text, e))
            (field(lang, "description", t(lang, "Mô tả", "Description"), &f.description, Input::Area, e))
            (field(lang, "photo_url", t(lang, "Ảnh (đường dẫn)", "Photo (URL)"), &f.photo_url, Input::Text, e))
            (checkbox(lang, "key_product", t(lang, "Sản phẩm chủ lực của tỉnh", "Province key product"), f.key_product.is_some(), e))
            (checkbox(lang, "active", t(lang, "Đang kinh doanh", "Active"), f.active.is_some(), e))
            button type="submit" { (t(lang, "Lưu", "Save")) }
        }
    }
}

async fn show(
    state: &AppState,
    me: &WebUser,
    status: StatusCode,
    title: &str,
    action: &str,
    f: &ProductForm,
    e: &Errors,
) -> HttpResponse {
    match choices(state, me.lang).await {
        Ok(ch) => forms::respond(
            status,
            me.lang,
            title,
            me,
            form_markup(me, action, f, e, &ch),
        ),
        Err(err) => forms::failure(me, &err),
    }
}

fn new_title(lang: Lang) -> &'static str {
    t(lang, "Thêm sản phẩm OCOP", "New OCOP product")
}

fn edit_title(lang: Lang) -> &'static str {
    t(lang, "Sửa sản phẩm", "Edit product")
}

#[get("/catalogue/products/new")]
pub async fn new_form(state: web::Data<AppState>, me: WebUser) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin]) {
        return forms::failure(&me, &e);
    }
    let title = new_title(me.lang);
    show(
        &state,
        &me,
        StatusCode::OK,
        title,
        "/catalogue/products/new",
        &ProductForm::blank(),
        &Errors::default(),
    )
    .await
}

#[get("/catalogue/products/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin]) {
        return forms::failure(&me, &e);
    }
    let id = id.into_inner();
    match state.read(move |c| Ok(product::find(c, id)?)).await {
        Ok(p) => {
            let action = format!("/catalogue/products/{id}/edit");
            show(
                &state,
                &me,
                StatusCode::OK,
                edit_title(me.lang),
                &action,
                &ProductForm::of(&p),
                &Errors::default(),
            )
            .await
        }
        Err(e) => forms::failure(&me, &e),
    }
}

/// Saves a submitted form: `id` `None` creates.
async fn save(state: &AppState, me: &WebUser, id: Option<i32>, form: ProductForm) -> HttpResponse {
    let lang = me.lang;
    if let Err(e) = me.user.require(&[Role::Admin]) {
        return forms::failure(me, &e);
    }
    let (title, action) = match id {
        None => (new_title(lang), "/catalogue/products/new".to_owned()),
        Some(id) => (edit_title(lang), format!("/catalogue/products/{id}/edit")),
    };
    let (input, unreadable) = form.input();
    if !unreadable.is_empty() {
        // Show the model's verdict on the other fields too, in one round.
        let checked = state
            .read(move |c| {
                let refs = Refs::load(c)?;
                Ok(validate::check(&input, &refs).err().unwrap_or_default())
            })
            .await;
        let mut errors = unreadable;
        if let Ok(Ok(more)) = checked.map(ModelVerdict::form_errors) {
            errors.add_unless_known(more);
        }
        return show(
            state,
            me,
            StatusCode::UNPROCESSABLE_ENTITY,
            title,
            &action,
            &form,
            &errors,
        )
        .await;
    }
    let by = me.user.id;
    let result = forms::write_form(state, move |c| match id {
        None => product::create(c, &input, Some(by)),
        Some(id) => product::update(c, id, &input, Some(by)),
    })
    .await;
    match result {
        Ok(Outcome::Saved(p)) => forms::see_other(&format!("/catalogue/products/{}", p.id)),
        Ok(Outcome::Refused(errors)) => {
            show(
                state,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                title,
                &action,
                &form,
                &errors,
            )
            .await
        }
        Err(e) => forms::failure(me, &e),
    }
}

#[post("/catalogue/products/new")]
pub async fn create(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<ProductForm>,
) -> HttpResponse {
    save(&state, &me, None, form).await
}

#[post("/catalogue/products/{id}/edit")]
pub async fn update(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    CsrfForm { me, form }: CsrfForm<ProductForm>,
) -> HttpResponse {
    save(&state, &me, Some(id.into_inner()), form).await
}
