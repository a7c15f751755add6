//! Create and edit a producer (admins), through the same model functions as
//! `POST/PUT /api/v1/producers`: [`producer::create`] and
//! [`producer::update`]. A refused form comes back with status 422, what
//! was typed and each message next to its field; nothing is written. A
//! forged form never reaches a handler ([`CsrfForm`]: 403, nothing written).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use maud::{Markup, html};
use ocop_core::catalogue::ProducerKind;
use ocop_core::i18n::Lang;
use serde::Deserialize;

use super::csrf_form::CsrfForm;
use super::forms::{self, Errors, Input, Outcome, csrf_field, field, opt, summary};
use super::layout::t;
use super::session::WebUser;
use crate::auth::Role;
use crate::error::ApiError;
use crate::models::producer::{self, Producer, ProducerInput};
use crate::models::reference;
use crate::state::AppState;

/// The producer form as the browser sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProducerForm {
    name: String,
    kind: String,
    tax_code: String,
    district_code: String,
    commune: String,
    address: String,
    contact_name: String,
    phone: String,
    bank_bin: String,
    bank_account: String,
    bank_holder: String,
    status: String,
    programme_origin: String,
}

impl ProducerForm {
    fn of(p: &Producer) -> ProducerForm {
        ProducerForm {
            name: p.name.clone(),
            kind: p.kind.clone(),
            tax_code: p.tax_code.clone().unwrap_or_default(),
            district_code: p.district_code.clone(),
            commune: p.commune.clone(),
            address: p.address.clone(),
            contact_name: p.contact_name.clone(),
            phone: p.phone.clone(),
            bank_bin: p.bank_bin.clone().unwrap_or_default(),
            bank_account: p.bank_account.clone().unwrap_or_default(),
            bank_holder: p.bank_holder.clone().unwrap_or_default(),
            status: p.status.clone(),
            programme_origin: p.programme_origin.clone(),
        }
    }

    fn input(&self) -> ProducerInput {
        ProducerInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            tax_code: opt(&self.tax_code),
            district_code: self.district_code.clone(),
            commune: self.commune.clone(),
            address: self.address.clone(),
            contact_name: self.contact_name.clone(),
            phone: self.phone.clone(),
            bank_bin: opt(&self.bank_bin),
            bank_account: opt(&self.bank_account),
            bank_holder: opt(&self.bank_holder),
            status: opt(&self.status),
            programme_origin: opt(&self.programme_origin),
        }
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
    let choose = (String::new(), t(lang, "— chọn —", "— choose —").to_owned());
    let mut d = vec![choose.clone()];
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

const SHOWN: &[&str] = &[
    "name",
    "kind",
    "tax_code",
    "district_code",
    "commune",
    "address",
    "contact_name",
    "phone",
    "bank_bin",
    "bank_account",
    "bank_holder",
    "status",
    "programme_origin",
];

fn form_markup(me: &WebUser, action: &str, f: &ProducerForm, e: &Errors, ch: &Choices) -> Markup {
    let lang = me.lang;
    let mut kinds = vec![(String::new(), t(lang, "— chọn —", "— choose —").to_owned())];
    kinds.extend(
        ProducerKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), k.label(lang).to_owned())),
    );
    let statuses = vec![
        (
            "active".to_owned(),
            t(lang, "Đang hoạt động", "Active").to_owned(),
        ),
        (
            "suspended".to_owned(),
            t(lang, "Đình chỉ", "Suspended").to_owned(),
        ),
    ];
    let origins = vec![
        (
            "existing".to_owned(),
            t(
                lang,
                "Tổ chức hiện có, được củng cố",
                "Existing organisation, consolidated",
            )
            .to_owned(),
        ),
        (
            "new".to_owned(),
            t(lang, "Tổ chức mới thành lập", "New organisation").to_owned(),
        ),
    ];
    html! {
        (summary(lang, e, SHOWN))
        form.card method="post" action=(action) {
            (csrf_field(me))
            (field(lang, "name", t(lang, "Tên chủ thể", "Producer name"), &f.name, Input::Text, e))
            (field(lang, "kind", t(lang, "Loại hình", "Kind"), &f.kind, Input::Select(&kinds), e))
            (field(lang, "tax_code", t(lang, "Mã số thuế (10 hoặc 13 số)", "Tax code (10 or 13 digits)"), &f.tax_code, Input::Number, e))
            (field(lang, "district_code", t(lang, "Huyện/thị xã/thành phố", "District"), &f.district_code, Input::Select(&ch.districts), e))
            (field(lang, "commune", t(lang, "Xã/phường", "Commune"), &f.commune, Input::Text, e))
            (field(lang, "address", t(lang, "Địa chỉ", "Address"), &f.address, Input::Text, e))
            (field(lang, "contact_name", t(lang, "Người liên hệ", "Contact person"), &f.contact_name, Input::Text, e))
            (field(lang, "phone", t(lang, "Điện thoại", "Phone"), &f.phone, Input::Text, e))
            fieldset {
                legend { (t(lang, "Tài khoản nhận thanh toán", "Payout bank account")) }
                (field(lang, "bank_bin", t(lang, "Ngân hàng", "Bank"), &f.bank_bin, Input::Select(&ch.banks), e))
                (field(lang, "bank_account", t(lang, "Số tài khoản", "Account number"), &f.bank_account, Input::Text, e))
                (field(lang, "bank_holder", t(lang, "Chủ tài khoản", "Account holder"), &f.bank_holder, Input::Text, e))
            }
            (field(lang, "status", t(lang, "Trạng thái", "Status"), &f.status, Input::Select(&statuses), e))
            (field(lang, "programme_origin", t(lang, "Tham gia chương trình OCOP", "In the OCOP programme as"), &f.programme_origin, Input::Select(&origins), e))
            button type="submit" { (t(lang, "Lưu", "Save")) }
        }
    }
}

async fn show(
    state: &AppState,
    me: &WebUser,
    status: StatusCode,
    action: &str,
    f: &ProducerForm,
    e: &Errors,
) -> HttpResponse {
    let title = t(me.lang, "Chủ thể OCOP", "OCOP producer");
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

#[get("/catalogue/producers/new")]
pub async fn new_form(state: web::Data<AppState>, me: WebUser) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin]) {
        return forms::failure(&me, &e);
    }
    let blank = ProducerForm {
        status: "active".to_owned(),
        ..ProducerForm::default()
    };
    show(
        &state,
        &me,
        StatusCode::OK,
        "/catalogue/producers/new",
        &blank,
        &Errors::default(),
    )
    .await
}

#[get("/catalogue/producers/{id}/edit")]
pub async fn edit_form(
    state: web::Data<AppState>,
    me: WebUser,
    id: web::Path<i32>,
) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin]) {
        return forms::failure(&me, &e);
    }
    let id = id.into_inner();
    match state.read(move |c| Ok(producer::find(c, id)?)).await {
        Ok(p) => {
            let action = format!("/catalogue/producers/{id}/edit");
            show(
                &state,
                &me,
                StatusCode::OK,
                &action,
                &ProducerForm::of(&p),
                &Errors::default(),
            )
            .await
        }
        Err(e) => forms::failure(&me, &e),
    }
}

async fn save(state: &AppState, me: &WebUser, id: Option<i32>, form: ProducerForm) -> HttpResponse {
    if let Err(e) = me.user.require(&[Role::Admin]) {
        return forms::failure(me, &e);
    }
    let action = match id {
        None => "/catalogue/producers/new".to_owned(),
        Some(id) => format!("/catalogue/producers/{id}/edit"),
    };
    let (input, by) = (form.input(), me.user.id);
    let result = forms::write_form(state, move |c| match id {
        None => producer::create(c, &input),
        Some(id) => producer::update(c, id, &input, Some(by)),
    })
    .await;
    match result {
        Ok(Outcome::Saved(_)) => forms::see_other("/catalogue/producers"),
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

#[post("/catalogue/producers/new")]
pub async fn create(
    state: web::Data<AppState>,
    CsrfForm { me, form }: CsrfForm<ProducerForm>,
) -> HttpResponse {
    save(&state, &me, None, form).await
}

#[post("/catalogue/producers/{id}/edit")]
pub async fn update(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    CsrfForm { me, form }: CsrfForm<ProducerForm>,
) -> HttpResponse {
    save(&state, &me, Some(id.into_inner()), form).await
}
