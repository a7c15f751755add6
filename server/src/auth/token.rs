//! Login tokens: HS256 JWTs that expire. Only HS256 is accepted, so a token
//! with `alg: none` or another algorithm is refused before its claims are read.
//!
//! The signing secret comes from `OCOP_JWT_SECRET`, or is generated once and
//! kept in the database (`server_settings`), so every server on one
//! PostgreSQL signs with the same key and a restart does not log anyone out.

use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::Role;
use crate::config::Secret;
use crate::db::DbConn;
use crate::models::settings;

const ISSUER: &str = "ocop-pos";
const SECRET_SETTING: &str = "jwt_secret";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id, as a string as RFC 7519 wants.
    pub sub: String,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub producer: Option<i32>,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// The token's id: signing out lists it as revoked (issue 15).
    pub jti: String,
}

pub struct TokenKeys {
    /// Keys the CSRF tokens of web forms (HMAC of the session token).
    csrf_key: Vec<u8>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys").field("ttl", &self.ttl).finish()
    }
}

pub enum TokenError {
    Expired,
    Invalid,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> anyhow::Result<TokenKeys> {
        Ok(TokenKeys {
            csrf_key: [b"csrf:".as_slice(), secret].concat(),
            encoding: EncodingKey::from_secret(secret).context("bad signing secret")?,
            decoding: DecodingKey::from_secret(secret).context("bad signing secret")?,
            ttl,
        })
    }

    /// The CSRF token for forms of the session holding `session_token`:
    /// HMAC-SHA-256, so it cannot be derived without the server's secret and
    /// is useless with any other session.
    pub fn csrf_token(&self, session_token: &str) -> String {
        hex::encode(self.csrf_mac(session_token).finalize().into_bytes())
    }

    /// Constant-time check of a submitted CSRF token.
    pub fn csrf_valid(&self, session_token: &str, submitted: &str) -> bool {
        match hex::decode(submitted) {
            Ok(bytes) => self.csrf_mac(session_token).verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }

    fn csrf_mac(&self, session_token: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.csrf_key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(session_token.as_bytes());
        mac
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs a token for the user; returns it with its expiry (Unix seconds).
    pub fn issue(
        &self,
        user_id: i32,
        role: Role,
        outlet: Option<i32>,
        producer: Option<i32>,
    ) -> anyhow::Result<(String, i64)> {
        let now = Utc::now().timestamp();
        let mut id = [0u8; 16];
        rand::rng().fill_bytes(&mut id);
        let ttl = i64::try_from(self.ttl.as_secs()).context("token lifetime too long")?;
        let claims = Claims {
            sub: user_id.to_string(),
            role,
            outlet,
            producer,
            iss: ISSUER.to_owned(),
            iat: now,
            exp: now.saturating_add(ttl),
            jti: hex::encode(id),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .context("cannot sign token")?;
        Ok((token, claims.exp))
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

/// The signing secret: the configured one, or the one kept in the database
/// (created on first start; if two servers race, both read the winner's).
pub fn signing_secret(conn: &mut DbConn, configured: Option<&Secret>) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured {
        return Ok(secret.expose().as_bytes().to_vec());
    }
    if let Some(stored) = settings::get(conn, SECRET_SETTING)? {
        return Ok(stored.into_bytes());
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    settings::insert_if_absent(conn, SECRET_SETTING, &hex::encode(bytes))?;
    settings::get(conn, SECRET_SETTING)?
        .map(String::into_bytes)
        .context("the signing secret vanished right after it was stored")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &[u8], ttl_secs: u64) -> TokenKeys {
        TokenKeys::new(secret, Duration::from_secs(ttl_secs)).unwrap()
    }

    #[test]
    fn issued_tokens_verify_with_the_same_key_only() {
        let k = keys(b"0123456789abcdef0123456789abcdef", 600);
        let (token, _) = k.issue(7, Role::Producer, None, Some(3)).unwrap();
        let claims = k.verify(&token).ok().unwrap();
        assert_eq!(claims.sub, "7");
        assert_eq!(claims.role, Role::Producer);
        assert_eq!(claims.producer, Some(3));
        let other = keys(b"another-secret-another-secret-xx", 600);
        assert!(matches!(other.verify(&token), Err(TokenError::Invalid)));
    }

    #[test]
    fn csrf_tokens_are_bound_to_the_session_and_the_secret() {
        let k = keys(b"0123456789abcdef0123456789abcdef", 600);
        let t = k.csrf_token("session-a");
        assert!(k.csrf_valid("session-a", &t));
        assert!(!k.csrf_valid("session-b", &t));
        assert!(!k.csrf_valid("session-a", "00"));
        assert!(!k.csrf_valid("session-a", "not hex"));
        let other = keys(b"another-secret-another-secret-xx", 600);
        assert!(!other.csrf_valid("session-a", &t));
    }
}
