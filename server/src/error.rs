//! The one error type at the HTTP edge.
//!
//! The rule (as crates.io states it): `anyhow` outside the request lifecycle
//! (start-up, CLI); typed results in model and core code — `QueryResult`,
//! [`ModelError`], and for anything the user caused a
//! [`Refusal`] (kind, stable code, Vietnamese and English), never an HTTP
//! type; and [`ApiError`] at the edge. The status of a refusal is chosen
//! from its kind here and nowhere else: invalid 422, conflict 409, not
//! found 404, forbidden 403 (so `ApiError` has no 422 or 409 constructor:
//! those answers are refusals). The edge-only statuses (400 malformed input,
//! 401, 413, 415, 503, 500) are built here or by the extractors with the
//! [`ApiError`] constructors. Every user-caused error becomes a 4xx with a
//! stable snake_case `error` code and a `message` in Vietnamese (English
//! with `Accept-Language: en`, swapped in by [`localize_errors`]).
//! Internals never reach the body; 5xx are logged with their cause chain.
//! diesel's `NotFound` maps to 404 here and nowhere else.

use std::fmt;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use ocop_core::i18n::{Lang, UserError};
use ocop_core::refusal::{Kind, Refusal};
use serde::Serialize;

use crate::models::error::ModelError;

/// The JSON body of every error answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code for programs, e.g. `invalid_credentials`.
    #[schema(example = "invalid_credentials")]
    pub error: String,
    /// Text for people: Vietnamese by default, English with `Accept-Language: en`.
    pub message: String,
}

/// Both texts of an error, kept on the response so the language can be
/// chosen from the request after the handler ran.
#[derive(Debug, Clone)]
struct Localized {
    code: &'static str,
    en: String,
}

pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    vi: String,
    en: String,
    cause: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            vi: vi.into(),
            en: en.into(),
            cause: None,
        }
    }

    pub fn bad_request(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, vi, en)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Không tìm thấy dữ liệu yêu cầu.",
            "The requested item was not found.",
        )
    }

    pub fn unauthorized(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, vi, en)
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Tài khoản của bạn không có quyền thực hiện thao tác này.",
            "Your account is not allowed to do this.",
        )
    }

    /// An error the user did not cause. The cause is logged, never shown.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        ApiError {
            cause: Some(cause.into()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Lỗi hệ thống. Vui lòng thử lại hoặc báo cho quản trị viên.",
                "Internal error. Please retry or tell the administrator.",
            )
        }
    }

    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        ApiError {
            cause: Some(cause.into()),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau.",
                "The database is unavailable. Please retry later.",
            )
        }
    }

    /// A validation error from the core crate, as 422.
    pub fn invalid(err: &dyn UserError) -> Self {
        err.refusal().into()
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.en)?;
        if let Some(cause) = &self.cause {
            write!(f, " ({cause:#})")?;
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.en)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, cause = ?self.cause, "request failed");
        }
        let mut res = HttpResponse::build(self.status).json(ErrorBody {
            error: self.code.to_owned(),
            message: self.vi.clone(),
        });
        res.extensions_mut().insert(Localized {
            code: self.code,
            en: self.en.clone(),
        });
        res
    }
}

impl From<DieselError> for ApiError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => ApiError::not_found(),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Refusal::conflict(
                    "already_exists",
                    "Dữ liệu này đã tồn tại (trùng mã hoặc tên).",
                    format!("This already exists ({}).", info.message()),
                )
                .into()
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Refusal::invalid(
                    "unknown_reference",
                    "Dữ liệu tham chiếu tới một mục không tồn tại.",
                    "The request refers to something that does not exist.",
                )
                .into()
            }
            other => ApiError::internal(other),
        }
    }
}

/// The one place a refusal's kind becomes a status.
impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        let status = match r.kind() {
            Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::Forbidden => StatusCode::FORBIDDEN,
        };
        Self::new(status, r.code(), r.message(Lang::Vi), r.message(Lang::En))
    }
}

impl From<ModelError> for ApiError {
    fn from(e: ModelError) -> Self {
        match e {
            ModelError::Refused(r) => r.into(),
            // The first problem's code and kind; the message lists every
            // problem, so a form-less client still hears all of them.
            ModelError::Invalid(list) => {
                let join = |lang| {
                    list.iter()
                        .map(|r| r.message(lang))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let (vi, en) = (join(Lang::Vi), join(Lang::En));
                match list.first() {
                    Some(first) => Refusal::new(first.kind(), first.code(), vi, en).into(),
                    None => Refusal::invalid("invalid_request", vi, en).into(),
                }
            }
            ModelError::Db(e) => e.into(),
            ModelError::Unavailable(e) => e.into(),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        ApiError::unavailable(err)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::internal(anyhow::anyhow!("blocking task failed: {err}"))
    }
}

/// The language a request asks for.
pub fn request_lang(req: &HttpRequest) -> Lang {
    req.headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Middleware: when the request asked for English, replace the Vietnamese
/// message of an error answer by the English one. Applies to every error,
/// including those raised by extractors before a handler runs.
pub async fn localize_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = request_lang(req.request());
    let res = json_for_every_error(next.call(req).await?.map_into_boxed_body()).await;
    if lang != Lang::En {
        return Ok(res);
    }
    let localized = res.response().extensions().get::<Localized>().cloned();
    match localized {
        Some(loc) => {
            let status = res.status();
            Ok(
                res.into_response(HttpResponse::build(status).json(ErrorBody {
                    error: loc.code.to_owned(),
                    message: loc.en,
                })),
            )
        }
        None => Ok(res),
    }
}

/// An error answer actix or an extractor built itself (a web form that
/// does not parse, a body over a limit, a wrong content type: plain text or
/// empty) becomes the JSON of every other error, with a stable code by
/// status and the original text as detail. JSON and HTML answers are left
/// as they are.
async fn json_for_every_error(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let ours = res.response().extensions().get::<Localized>().is_some();
    let typed = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"));
    if status.as_u16() < 400 || ours || typed {
        return res;
    }
    let (req, response) = res.into_parts();
    let detail = actix_web::body::to_bytes(response.into_body())
        .await
        .map(|b| {
            String::from_utf8_lossy(&b)
                .chars()
                .take(300)
                .collect::<String>()
        })
        .unwrap_or_default();
    let (code, vi, en) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "Dữ liệu gửi lên quá lớn.",
            "The request body is too large.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "Kiểu dữ liệu gửi lên không được hỗ trợ (Content-Type).",
            "The body's Content-Type is not supported here.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Địa chỉ này không nhận phương thức này.",
            "This address does not take this method.",
        ),
        StatusCode::NOT_FOUND => ("not_found", "Không tìm thấy.", "Not found."),
        s if s.is_server_error() => (
            "internal_error",
            "Lỗi máy chủ, vui lòng thử lại.",
            "Server error, please retry.",
        ),
        _ => (
            "invalid_request",
            "Yêu cầu không hợp lệ.",
            "The request is invalid.",
        ),
    };
    let with = |m: &str| {
        if detail.trim().is_empty() {
            m.to_owned()
        } else {
            format!("{m} ({})", detail.trim())
        }
    };
    let answer = ApiError::new(status, code, with(vi), with(en)).error_response();
    ServiceResponse::new(req, answer)
}

/// Turns the JSON extractor's failures into clear 4xx answers.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::OverflowKnownLength { limit, .. } | E::Overflow { limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("Dữ liệu gửi lên quá lớn (tối đa {limit} byte)."),
            format!("The request body is too large (at most {limit} bytes)."),
        ),
        E::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Dữ liệu phải ở dạng JSON (Content-Type: application/json).",
            "The body must be JSON (Content-Type: application/json).",
        ),
        E::Deserialize(e) if e.is_syntax() || e.is_eof() => ApiError::bad_request(
            "malformed_json",
            format!("Dữ liệu JSON bị lỗi cú pháp: {e}"),
            format!("The JSON body is malformed: {e}"),
        ),
        E::Deserialize(e) => ApiError::bad_request(
            "invalid_request",
            format!("Dữ liệu gửi lên không hợp lệ: {e}"),
            format!("The request body is invalid: {e}"),
        ),
        other => ApiError::bad_request(
            "invalid_request",
            "Không đọc được dữ liệu gửi lên.",
            format!("The request body could not be read: {other}"),
        ),
    };
    api.into()
}

/// Turns path and query parsing failures into 400 answers.
pub fn param_error(detail: String) -> actix_web::Error {
    ApiError::bad_request(
        "invalid_parameter",
        format!("Tham số không hợp lệ: {detail}"),
        format!("Invalid parameter: {detail}"),
    )
    .into()
}

/// The answer for routes that do not exist.
pub async fn no_such_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        "no_such_route",
        "Không có địa chỉ này.",
        "There is no such address.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(e: impl Into<ApiError>) -> (u16, &'static str, String, String) {
        let e = e.into();
        (
            e.status.as_u16(),
            e.code,
            e.message(Lang::Vi).to_owned(),
            e.message(Lang::En).to_owned(),
        )
    }

    #[test]
    fn the_status_of_a_refusal_comes_from_its_kind() {
        let cases = [
            (Refusal::invalid("a", "vi", "en"), 422),
            (Refusal::conflict("b", "vi", "en"), 409),
            (Refusal::not_found("c", "vi", "en"), 404),
            (Refusal::forbidden("d", "vi", "en"), 403),
        ];
        for (refusal, status) in cases {
            let code = refusal.code();
            let expected = (status, code, "vi".to_owned(), "en".to_owned());
            assert_eq!(answer(ModelError::Refused(refusal.clone())), expected);
            assert_eq!(answer(refusal), expected);
        }
    }

    #[test]
    fn several_field_refusals_answer_with_the_first_code_and_every_message() {
        let list = vec![
            Refusal::invalid("invalid_gtin", "GTIN sai.", "Bad GTIN.").on_field("gtin"),
            Refusal::invalid("required_field", "Thiếu tên.", "Name required.").on_field("name"),
        ];
        assert_eq!(
            answer(ModelError::Invalid(list)),
            (
                422,
                "invalid_gtin",
                "GTIN sai. Thiếu tên.".to_owned(),
                "Bad GTIN. Name required.".to_owned()
            )
        );
    }

    #[test]
    fn a_missing_row_is_the_one_not_found() {
        let (status, code, _, _) = answer(ModelError::Db(DieselError::NotFound));
        assert_eq!((status, code), (404, "not_found"));
        let line = ModelError::Db(DieselError::NotFound).on_line(2);
        assert_eq!(answer(line).1, "not_found");
    }

    #[test]
    fn a_line_number_goes_in_front_of_both_messages() {
        let e = ModelError::from(Refusal::conflict("x", "Hết hàng.", "Out of stock.")).on_line(3);
        assert_eq!(
            answer(e),
            (
                409,
                "x",
                "Dòng 3: Hết hàng.".to_owned(),
                "Line 3: Out of stock.".to_owned()
            )
        );
    }
}
