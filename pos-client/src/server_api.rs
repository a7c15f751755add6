//! Everything the till says to `ocop-server`, in one small module so the
//! paths and shapes are easy to adjust: login, till registration, the
//! outlet catalogue (snapshot / delta, ETag, gzip), posting journal
//! records (sales in batches, refunds, shift events and transfer
//! confirmations one by one), and a sale's VietQR transfer state. The
//! answers are read into `ocop_core::wire` types, the ones the server
//! writes them from.
//!
//! Guarantees: every call has a timeout; a failure is classified as
//! [`SendError::Transient`] (network down, 5xx, 401/429: try again later)
//! or [`SendError::Refused`] (the server looked at this record and will
//! never accept it), so the sync loop never drops a record on a network
//! error and never retries a refusal forever.

use std::time::Duration;

use anyhow::{Context, bail};
use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::{AUTHORIZATION, ETAG, IF_NONE_MATCH};
use serde_json::Value;

use ocop_core::wire::{
    BatchItem, Ingested, LoginResponse, RegisteredTill, TillCatalogue, TransferState,
};

/// How the till proves who it is.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A user's JWT (`Authorization: Bearer …`).
    Bearer(String),
    /// The till's own credential (`Authorization: Till <id>:<secret>`).
    Till { till_id: i32, secret: String },
}

impl Auth {
    fn header(&self) -> String {
        match self {
            Auth::Bearer(t) => format!("Bearer {t}"),
            Auth::Till { till_id, secret } => format!("Till {till_id}:{secret}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("server unreachable or busy: {0}")]
    Transient(String),
    #[error("refused by the server ({status}): {code}: {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
}

pub enum CatalogueAnswer {
    NotModified,
    /// The catalogue, its ETag, and the server's public address for the
    /// e-receipt QR code (`public_url`, when the server has one).
    Changed(Box<TillCatalogue>, Option<String>, Option<String>),
}

pub struct Server {
    base: String,
    client: Client,
}

/// The error code and message of a refusal body `{"error", "message"}`.
fn refusal(status: StatusCode, body: &str) -> SendError {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    SendError::Refused {
        status: status.as_u16(),
        code: v
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("refused")
            .to_owned(),
        message: v
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or(body)
            .to_owned(),
    }
}

/// Statuses worth retrying: the record was not judged.
/// The certificates of a PEM file given as a CA (`setup --ca-file`):
/// refused when it holds none.
pub fn ca_certificates(pem: &str) -> anyhow::Result<Vec<reqwest::Certificate>> {
    let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
        .context("tệp CA không đọc được / the CA file is not PEM")?;
    if certs.is_empty() {
        anyhow::bail!(
            "ca_file_empty: tệp CA không có chứng chỉ nào (BEGIN CERTIFICATE) / the CA file holds \
             no certificate"
        );
    }
    Ok(certs)
}

/// An HTTP client error with its causes ("error sending request: … invalid
/// peer certificate: UnknownIssuer"): what support needs to tell a
/// certificate problem from a network one.
fn with_causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

pub fn is_transient(status: u16) -> bool {
    status >= 500 || status == 401 || status == 408 || status == 429
}

impl Server {
    /// A client trusting Mozilla's roots only (see [`Server::connect`]).
    pub fn new(base: &str, timeout: Duration) -> anyhow::Result<Server> {
        Server::connect(base, None, timeout)
    }

    /// A client of `base` (`http://` or `https://`): TLS by rustls, trusting
    /// Mozilla's root certificates (webpki-root-certs, the same on every
    /// till whatever its system holds) and `ca_pem`, a province's own CA.
    pub fn connect(base: &str, ca_pem: Option<&str>, timeout: Duration) -> anyhow::Result<Server> {
        let mut roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| reqwest::Certificate::from_der(c.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(pem) = ca_pem {
            roots.extend(ca_certificates(pem)?);
        }
        let client = Client::builder()
            .tls_certs_only(roots)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()?;
        Ok(Server {
            base: base.trim_end_matches('/').to_owned(),
            client,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(&self, req: RequestBuilder) -> Result<(StatusCode, String), SendError> {
        self.send_judging_401(req, false)
    }

    /// [`Server::send`]; with `verdict_401` a 401 is a refusal (a login's
    /// wrong name or password, which trying again will not mend) rather
    /// than a till credential to retry later.
    fn send_judging_401(
        &self,
        req: RequestBuilder,
        verdict_401: bool,
    ) -> Result<(StatusCode, String), SendError> {
        let res = req
            .send()
            .map_err(|e| SendError::Transient(with_causes(&e)))?;
        let status = res.status();
        let body = res
            .text()
            .map_err(|e| SendError::Transient(with_causes(&e)))?;
        if status.is_success() {
            Ok((status, body))
        } else if verdict_401 && status == StatusCode::UNAUTHORIZED {
            Err(refusal(status, &body))
        } else if is_transient(status.as_u16()) {
            Err(SendError::Transient(format!("HTTP {status}: {body}")))
        } else {
            Err(refusal(status, &body))
        }
    }

    /// Whether `/healthz` answers.
    pub fn reachable(&self) -> bool {
        self.client
            .get(self.url("/healthz"))
            .send()
            .is_ok_and(|r| r.status().is_success())
    }

    pub fn login(&self, username: &str, password: &str) -> anyhow::Result<LoginResponse> {
        let req = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}));
        let (_, body) = self.send_judging_401(req, true)?;
        serde_json::from_str(&body).context("login answer")
    }

    pub fn register_till(
        &self,
        token: &str,
        outlet_id: i32,
        name: &str,
    ) -> anyhow::Result<RegisteredTill> {
        let req = self
            .client
            .post(self.url("/api/v1/tills"))
            .header(AUTHORIZATION, Auth::Bearer(token.into()).header())
            .json(&serde_json::json!({"outlet_id": outlet_id, "name": name}));
        let (_, body) = self.send(req)?;
        serde_json::from_str(&body).context("till registration answer")
    }

    pub fn catalogue(
        &self,
        auth: &Auth,
        outlet_id: i32,
        since: Option<i64>,
        etag: Option<&str>,
    ) -> Result<CatalogueAnswer, SendError> {
        let path = match since {
            Some(v) => format!("/api/v1/outlets/{outlet_id}/catalogue?since={v}"),
            None => format!("/api/v1/outlets/{outlet_id}/catalogue"),
        };
        let mut req = self
            .client
            .get(self.url(&path))
            .header(AUTHORIZATION, auth.header());
        if let Some(tag) = etag {
            req = req.header(IF_NONE_MATCH, tag);
        }
        let res = req
            .send()
            .map_err(|e| SendError::Transient(with_causes(&e)))?;
        let status = res.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(CatalogueAnswer::NotModified);
        }
        let tag = res
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = res
            .text()
            .map_err(|e| SendError::Transient(with_causes(&e)))?;
        if !status.is_success() {
            return Err(if is_transient(status.as_u16()) {
                SendError::Transient(format!("HTTP {status}: {body}"))
            } else {
                refusal(status, &body)
            });
        }
        let cat: TillCatalogue = serde_json::from_str(&body).map_err(|e| SendError::Refused {
            status: status.as_u16(),
            code: "bad_catalogue".into(),
            message: e.to_string(),
        })?;
        let public_url = cat
            .public_url
            .clone()
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        Ok(CatalogueAnswer::Changed(Box::new(cat), tag, public_url))
    }

    /// Posts sales (already-serialised JSON, in order) to the batch
    /// endpoint; one answer per item.
    pub fn post_sales(&self, auth: &Auth, sales: &[&str]) -> Result<Vec<BatchItem>, SendError> {
        let body = format!("[{}]", sales.join(","));
        let req = self
            .client
            .post(self.url("/api/v1/sales/batch"))
            .header(AUTHORIZATION, auth.header())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let (_, text) = self.send(req)?;
        serde_json::from_str(&text).map_err(|e| SendError::Transient(e.to_string()))
    }

    /// Posts one record (refund, shift event) to `path`.
    pub fn post_one(&self, auth: &Auth, path: &str, json: &str) -> Result<(), SendError> {
        let req = self
            .client
            .post(self.url(path))
            .header(AUTHORIZATION, auth.header())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json.to_owned());
        self.send(req).map(|_| ())
    }

    /// A stored sale, as the server has it (`GET /api/v1/sales/{id}`).
    pub fn get_sale(&self, auth: &Auth, id: &str) -> anyhow::Result<Value> {
        self.get_json(auth, &format!("/api/v1/sales/{id}"))
    }

    fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        auth: &Auth,
        path: &str,
    ) -> anyhow::Result<T> {
        let req = self
            .client
            .get(self.url(path))
            .header(AUTHORIZATION, auth.header());
        match self.send(req) {
            Ok((_, body)) => {
                serde_json::from_str(&body).with_context(|| format!("the answer of GET {path}"))
            }
            Err(e) => bail!("{e}"),
        }
    }

    /// A stored sale by id, or by its receipt (`T3-000012`), typed.
    pub fn find_sale(&self, auth: &Auth, by: &SaleLookup) -> anyhow::Result<Ingested> {
        let path = match by {
            SaleLookup::Id(id) => format!("/api/v1/sales/{id}"),
            SaleLookup::Receipt(r) => format!("/api/v1/sales/by-receipt/{r}"),
        };
        self.get_json(auth, &path)
    }

    /// Where a sale's bank transfer stands (`GET /api/v1/sales/{id}/vietqr`):
    /// transient when the server cannot be asked, refused (404) when it
    /// does not have the sale (not sent yet, or another outlet's).
    pub fn transfer_state(
        &self,
        auth: &Auth,
        sale_id: uuid::Uuid,
    ) -> Result<TransferState, SendError> {
        let req = self
            .client
            .get(self.url(&format!("/api/v1/sales/{sale_id}/vietqr")))
            .header(AUTHORIZATION, auth.header());
        let (status, body) = self.send(req)?;
        serde_json::from_str(&body).map_err(|e| SendError::Refused {
            status: status.as_u16(),
            code: "bad_transfer_state".into(),
            message: e.to_string(),
        })
    }

    /// The outlet's transfers nobody has confirmed yet (any till), oldest
    /// first.
    pub fn pending_transfers(
        &self,
        auth: &Auth,
        outlet_id: i32,
    ) -> anyhow::Result<Vec<ocop_core::wire::PendingTransfer>> {
        self.get_json(
            auth,
            &format!("/api/v1/outlets/{outlet_id}/pending-transfers"),
        )
    }

    /// The refunds of a sale the server holds, in receipt order.
    pub fn sale_refunds(
        &self,
        auth: &Auth,
        sale_id: uuid::Uuid,
    ) -> anyhow::Result<Vec<ocop_core::sale::Refund>> {
        self.get_json(auth, &format!("/api/v1/sales/{sale_id}/refunds"))
    }

    /// Issues provenance labels (`POST /api/v1/labels`, a manager's token);
    /// the same `request_id` sent again answers the same labels.
    pub fn issue_labels(&self, token: &str, body: &Value) -> Result<Value, SendError> {
        let req = self
            .client
            .post(self.url("/api/v1/labels"))
            .header(AUTHORIZATION, Auth::Bearer(token.into()).header())
            .json(body);
        let (_, text) = self.send(req)?;
        serde_json::from_str(&text).map_err(|e| SendError::Transient(e.to_string()))
    }

    /// A binary document (a label job, a PDF sheet), with a user's token.
    pub fn get_bytes(&self, token: &str, path: &str) -> anyhow::Result<Vec<u8>> {
        let res = self
            .client
            .get(self.url(path))
            .header(AUTHORIZATION, Auth::Bearer(token.into()).header())
            .send()?;
        let status = res.status();
        if !status.is_success() {
            let body = res.text().unwrap_or_default();
            bail!("{}", refusal(status, &body));
        }
        Ok(res.bytes()?.to_vec())
    }
}

/// How to ask the server for a sale.
#[derive(Debug, Clone, Copy)]
pub enum SaleLookup {
    Id(uuid::Uuid),
    Receipt(ocop_core::sale::ReceiptRef),
}
