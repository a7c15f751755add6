//! Create an outlet (admins) and edit one (admins; an outlet's own manager
//! for its own outlet only — another outlet answers 404), through the same
//! model functions as `POST/PUT /api/v1/outlets`: [`outlet::create`] and
//! [`outlet::update`], which also decides which fields a manager may change.
//! A refused form comes back with status 422, what was typed and each
//! message next to its field; nothing is written. Every POST checks the
//! session's CSRF token first (403, nothing written).

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::i18n::Lang;
use ocop_core::refusal::Refusal;
use serde::Deserialize;

use super::csrf_refused;
use super::forms::{
    self, Errors, Input, Outcome, checkbox, csrf_field, field, opt, parse_int, summary,
};
use super::layout::t;
use super::session::WebUser;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::outlet::{self, KINDS, Outlet, OutletInput};
use crate::models::reference;
use crate::models::validation::{Refs, invalid};
use crate::state::AppState;

/// The outlet form as the browser sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutletForm {
    csrf: String,
    code: String,
    name: String,
    kind: String,
    district_code: String,
    address: String,
    latitude: String,
    longitude: String,
    opening_hours: String,
    operator_name: String,
    commission_bp: String,
    legal_name: String,
    tax_code: String,
    phone: String,
    bank_bin: String,
    bank_account: String,
    bank_holder: String,
    active: Option<String>,
}

fn coordinate(field: &'static str, text: &str, bad: &mut Vec<Refusal>) -> Option<f64> {
    let v = text.trim().replace(',', ".");
    if v.is_empty() {
        return None;
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            bad.push(invalid(
                field,
                "invalid_coordinates",
                format!("Tọa độ \"{text}\" không phải là số."),
                format!("The coordinate \"{text}\" is not a number."),
            ));
            None
        }
    }
}

impl OutletForm {
    fn of(o: &Outlet) -> OutletForm {
        OutletForm {
            csrf: String::new(),
            code: o.code.clone(),
            name: o.name.clone(),
            kind: o.kind.clone(),
            district_code: o.district_code.clone(),
            address: o.address.clone(),
            latitude: o.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: o.longitude.map(|v| v.to_string()).unwrap_or_default(),
            opening_hours: o.opening_hours.clone(),
            operator_name: o.operator_name.clone(),
            commission_bp: o.commission_bp.to_string(),
            legal_name: o.legal_name.clone(),
            tax_code: o.tax_code.clone(),
            phone: o.phone.clone(),
            bank_bin: o.bank_bin.clone().unwrap_or_default(),
            bank_account: o.bank_account.clone().unwrap_or_default(),
            bank_holder: o.bank_holder.clone().unwrap_or_default(),
            active: o.active.then(|| "on".to_owned()),
        }
    }

    /// The API's input, and the fields that could not be read as numbers.
    fn input(&self) -> (OutletInput, Vec<Refusal>) {
        let mut bad = Vec::new();
        let latitude = coordinate("latitude", &self.latitude, &mut bad);
        let longitude = coordinate("longitude", &self.longitude, &mut bad);
        let label = ("Hoa hồng", "The commission");
        let commission = match parse_int("commission_bp", label, &self.commission_bp) {
            Ok(v) => v.and_then(|v| i32::try_from(v).ok()).unwrap_or(-1),
            Err(e) => {
                bad.push(e);
                0
            }
        };
        let input = OutletInput {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            district_code: self.district_code.clone(),
            address: self.address.clone(),
            latitude,
            longitude,
            opening_hours: self.opening_hours.clone(),
            operator_name: self.operator_name.clone(),
            commission_bp: commission,
            legal_name: self.legal_name.clone(),
            tax_code: self.tax_code.clone(),
            phone: self.phone.clone(),
            bank_bin: opt(&self.bank_bin),
            bank_account: opt(&self.bank_account),
            bank_holder: opt(&self.bank_holder),
            active: self.active.is_some(),
        };
        (input, bad)
    }
}

struct Choices {
    districts: Vec<(String, String)>,
    banks: Vec<(String, String)>,
}

async fn choices(state: &AppState, lang: Lang) -> Result<Choices, ApiError> {
    let (districts, banks) = state
        .read(|c| Ok((reference::districts(c)?, reference::banks(c)?)))
        .await?;
    let mut d = vec![(String::new(), t(lang, "— chọn —", "— choose —").to_owned())];
    d.extend(districts.into_iter().map(|x| (x.code, x.name)));
    let mut b = vec![(
        String::new(),
        t(lang, "— không có —", "— none —").to_owned(),
    )];
    b.extend(
        banks
            .into_iter()
            .map(|x| (x.bin, format!("{} ({})", x.short_name, x.name))),
    );
    Ok(Choices {
        districts: d,
        banks: b,
    })
}

fn kind_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "showroom" => t(lang, "Trung tâm giới thiệu sản phẩm", "Showroom"),
        "rest_stop" => t(lang, "Trạm dừng nghỉ", "Highway rest stop"),
        "tourism" => t(lang, "Điểm du lịch", "Tourism point"),
        "trade_centre" => t(lang, "Trung tâm thương mại", "Trade centre"),
        _ => t(lang, "Bán hàng trực tuyến", "Online"),
    }
}

const SHOWN: &[&str] = &[
    "code",
    "name",
    "kind",
    "district_code",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "operator_name",
    "commission_bp",
    "legal_name",
    "tax_code",
    "phone",
    "bank_bin",
    "bank_account",
    "bank_holder",
    "active",
];

fn form_markup(me: &WebUser, action: &str, f: &OutletForm, e: &Errors, ch: &Choices) -> Markup {
    let lang = me.lang;
    let kinds: Vec<(String, String)> = KINDS
        .iter()
        .map(|k| ((*k).to_owned(), kind_label(lang, k).to_owned()))
        .collect();
    let manager = me.user.role == Role::Manager;
    html! {
        @if manager {
            p.muted { (t(lang,
                "Quản lý điểm bán chỉ sửa được địa chỉ, tọa độ, giờ mở cửa và số điện thoại.",
                "A manager may change only the address, coordinates, opening hours and phone.")) }
        }
        (summary(lang, e, SHOWN))
        form.card method="post" action=(action) {
            (csrf_field(me))
            (field(lang, "code", t(lang, "Mã điểm bán", "Outlet code"), &f.code, Input::Text, e))
            (field(lang, "name", t(lang, "Tên điểm bán", "Outlet name"), &f.name, Input::Text, e))
            (field(lang, "kind", t(lang, "Loại điểm bán", "Kind"), &f.kind, Input::Select(&kinds), e))
            (field(lang, "district_code", t(lang, "Huyện/thị xã/thành phố", "District"), &f.district_code, Input::Select(&ch.districts), e))
            (field(lang, "address", t(lang, "Địa chỉ", "Address"), &f.address, Input::Text, e))
            (field(lang, "latitude", t(lang, "Vĩ độ", "Latitude"), &f.latitude, Input::Text, e))
            (field(lang, "longitude", t(lang, "Kinh độ", "Longitude"), &f.longitude, Input::Text, e))
            (field(lang, "opening_hours", t(lang, "Giờ mở cửa", "Opening hours"), &f.opening_hours, Input::Text, e))
            (field(lang, "operator_name", t(lang, "Đơn vị vận hành", "Operator"), &f.operator_name, Input::Text, e))
            (field(lang, "commission_bp", t(lang, "Hoa hồng ký gửi mặc định (phần vạn: 1500 = 15%)", "Default commission (basis points: 1500 = 15 %)"), &f.commission_bp, Input::Number, e))
            fieldset {
                legend { (t(lang, "Tiêu đề hóa đơn", "Receipt header")) }
                (field(lang, "legal_name", t(lang, "Tên pháp nhân", "Legal name"), &f.legal_name, Input::Text, e))
                (field(lang, "tax_code", t(lang, "Mã số thuế", "Tax code"), &f.tax_code, Input::Number, e))
                (field(lang, "phone", t(lang, "Điện thoại", "Phone"), &f.phone, Input::Text, e))
            }
            fieldset {
                legend { (t(lang, "Tài khoản nhận VietQR", "VietQR bank account")) }
                (field(lang, "bank_bin", t(lang, "Ngân hàng", "Bank"), &f.bank_bin, Input::Select(&ch.banks), e))
                (field(lang, "bank_account", t(lang, "Số tài khoản", "Account number"), &f.bank_account, Input::Text, e))
                (field(lang, "bank_holder", t(lang, "Chủ tài khoản", "Account holder"), &f.bank_holder, Input::Text, e))
            }
            (checkbox(lang, "active", t(lang, "Đang hoạt động", "Active"), f.active.is_some(), e))
            button type="submit" { (t(lang, "Lưu", "Save")) }
        }
    }
}

async fn show(
    state: &AppState,
    me: &WebUser,
    status: StatusCode,
    action: &str,
    f: &OutletForm,
    e: &Errors,
) -> HttpResponse {
    let title = t(me.lang, "Điểm bán OCOP", "OCOP outlet");
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

/// Admins any outlet; a manager only its own (404 otherwise, as the API).
fn may_edit(me: &WebUser, id: i32) -> Result<bool, ApiError> {
    me.user.require(&[Role::Admin, Role::Manager])?;
    let admin = me.user.role == Role::Admin;
    if !admin {
        me.user.check_outlet(id)?;
    }
    Ok(admin)
}

#[get("/catalogue/outlets/new")]
pub async fn new_form(state: web::Data<AppState>, me: WebUser) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin]) {
        return forms::failure(&me, &e);
    }
    let blank = OutletForm {
        commission_bp: "1500".to_owned(),
        active: Some("on".to_owned()),
        ..OutletForm::default()
    };
    show(
        &state,
        &me,
        StatusCode::OK,
        "/catalogue/outlets/new",
        &blank,
        &Errors::default(),
    )
    .await
}

#[get("/catalogue/outlets/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    let id = id.into_inner();
    if let Err(e) = may_edit(&me, id) {
        return forms::failure(&me, &e);
    }
    match state.read(move |c| Ok(outlet::find(c, id)?)).await {
        Ok(o) => {
            let action = format!("/catalogue/outlets/{id}/edit");
            show(
                &state,
                &me,
                StatusCode::OK,
                &action,
                &OutletForm::of(&o),
                &Errors::default(),
            )
            .await
        }
        Err(e) => forms::failure(&me, &e),
    }
}

async fn save(state: &AppState, me: &WebUser, id: Option<i32>, form: OutletForm) -> HttpResponse {
    if !me.check_csrf(state, &form.csrf) {
        return csrf_refused(me.lang);
    }
    let admin = match id {
        None => me.user.require(&[Role::Admin]).map(|()| true),
        Some(id) => may_edit(me, id),
    };
    let admin = match admin {
        Ok(a) => a,
        Err(e) => return forms::failure(me, &e),
    };
    let action = match id {
        None => "/catalogue/outlets/new".to_owned(),
        Some(id) => format!("/catalogue/outlets/{id}/edit"),
    };
    let (input, unreadable) = form.input();
    if !unreadable.is_empty() {
        let checked = state
            .read(move |c| {
                let refs = Refs::load(c)?;
                Ok(outlet::check(&input, &refs).err().unwrap_or_default())
            })
            .await;
        let mut errors = unreadable.clone();
        if let Ok(more) = checked {
            errors.extend(
                more.into_iter()
                    .filter(|m| unreadable.iter().all(|u| u.field() != m.field())),
            );
        }
        return show(
            state,
            me,
            StatusCode::UNPROCESSABLE_ENTITY,
            &action,
            &form,
            &Errors(errors),
        )
        .await;
    }
    let by = me.user.id;
    let result = forms::write_form(state, move |c| match id {
        None => outlet::create(c, &input, Some(by)),
        Some(id) => outlet::update(c, id, &input, admin, Some(by)),
    })
    .await;
    match result {
        Ok(Outcome::Saved(_)) => HttpResponse::SeeOther()
            .insert_header((LOCATION, "/catalogue/outlets"))
            .finish(),
        Ok(Outcome::Refused(errors)) => {
            show(
                state,
                me,
                StatusCode::UNPROCESSABLE_ENTITY,
                &action,
                &form,
                &errors,
            )
            .await
        }
        Err(e) => forms::failure(me, &e),
    }
}

#[post("/catalogue/outlets/new")]
pub async fn create(
    state: web::Data<AppState>,
    me: WebUser,
    form: web::Form<OutletForm>,
) -> HttpResponse {
    save(&state, &me, None, form.into_inner()).await
}

#[post("/catalogue/outlets/{id}/edit")]
pub async fn update(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
    form: web::Form<OutletForm>,
) -> HttpResponse {
    save(&state, &me, Some(id.into_inner()), form.into_inner()).await
}
