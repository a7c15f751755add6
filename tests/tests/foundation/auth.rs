//! Accounts, login, tokens, roles and scope — over real HTTP, on the
//! backend the suite runs on.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use diesel::prelude::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn secret(app: &TestApp) -> Vec<u8> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        ocop_server::models::settings::get(&mut conn, "jwt_secret")
            .unwrap()
            .unwrap()
            .into_bytes()
    })
    .await
    .unwrap()
}

fn sign(secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret).unwrap(),
    )
    .unwrap()
}

fn claims_for_admin(exp_offset: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({"sub": "1", "role": "admin", "iss": "ocop-pos", "iat": now, "exp": now + exp_offset,
           "jti": "0123456789abcdef0123456789abcdef"})
}

#[tokio::test]
async fn login_succeeds_with_the_right_password_only() {
    let app = TestApp::spawn_demo().await;
    let (status, body) = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "cashier1", "password": "demo1234"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["role"], "cashier");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_at"].as_i64().unwrap() > Utc::now().timestamp());
    // The token works.
    let token = body["token"].as_str().unwrap();
    let (status, me) = app.get("/api/v1/auth/me", Some(token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "cashier1");
    assert!(me["outlet_id"].is_number());

    // Wrong password and unknown user look the same from outside.
    for (u, p) in [
        ("cashier1", "demo12345"),
        ("nobody", "demo1234"),
        ("cashier1", ""),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"username": u, "password": p}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{u}/{p}");
        assert_eq!(body["error"], "invalid_credentials");
        assert!(
            body["message"].as_str().unwrap().contains("mật khẩu"),
            "{body}"
        );
        assert!(body.get("token").is_none());
    }
}

#[tokio::test]
async fn errors_speak_english_when_asked() {
    let app = TestApp::spawn_demo().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .json(&json!({"username": "cashier1", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_credentials");
    assert_eq!(body["message"], "Wrong username or password.");
}

#[tokio::test]
async fn missing_expired_and_tampered_tokens_are_refused() {
    let app = TestApp::spawn_demo().await;
    let good = app.login("admin", "demo1234").await;
    let (status, _) = app.get("/api/v1/users", Some(&good)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = app.get("/api/v1/users", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "missing_token");

    let key = secret(&app).await;
    // Signed with the right key but expired an hour ago.
    let expired = sign(&key, &claims_for_admin(-3600));
    let (status, body) = app.get("/api/v1/users", Some(&expired)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "token_expired");

    // Issue 15: a token without an id could never be revoked, so it is
    // not accepted, however well signed.
    let mut unrevocable = claims_for_admin(3600);
    unrevocable.as_object_mut().unwrap().remove("jti");
    let (status, body) = app
        .get("/api/v1/users", Some(&sign(&key, &unrevocable)))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");
    let (status, _) = app
        .get("/api/v1/users", Some(&sign(&key, &claims_for_admin(3600))))
        .await;
    assert_eq!(status, StatusCode::OK);

    // Signed with another key.
    let forged = sign(
        b"not-the-server-secret-not-the-server",
        &claims_for_admin(3600),
    );
    let (status, body) = app.get("/api/v1/users", Some(&forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");

    // `alg: none`, no signature.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims_for_admin(3600).to_string());
    for none in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        let (status, body) = app.get("/api/v1/users", Some(&none)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{none}");
        assert_eq!(body["error"], "invalid_token");
    }

    // A cashier's real token with the payload edited to say admin.
    let cashier = app.login("cashier1", "demo1234").await;
    let parts: Vec<&str> = cashier.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["role"] = json!("admin");
    claims.as_object_mut().unwrap().remove("outlet");
    let edited = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let (status, body) = app.get("/api/v1/users", Some(&edited)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");

    // Garbage and the wrong scheme.
    let res = app
        .client
        .get(app.url("/api/v1/users"))
        .header("Authorization", format!("Basic {good}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app.get("/api/v1/users", Some("not.a.token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_disabled_account_loses_access_at_once() {
    let app = TestApp::spawn_demo().await;
    let token = app.login("cashier1", "demo1234").await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use ocop_server::db::schema::users;
        let mut conn = db.conn().unwrap();
        diesel::update(users::table.filter(users::username.eq("cashier1")))
            .set(users::active.eq(false))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
    let (status, body) = app.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "token_revoked");
    let (status, body) = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "cashier1", "password": "demo1234"}),
        )
        .await;
    // Issue 15: the same answer as a wrong password, so a disabled
    // account does not confirm its password.
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (wrong_status, wrong) = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "cashier1", "password": "not-the-password"}),
        )
        .await;
    assert_eq!(wrong_status, status);
    assert_eq!(body, wrong);
    assert_eq!(body["error"], "invalid_credentials");
}

#[tokio::test]
async fn roles_cannot_call_each_others_endpoints() {
    let app = TestApp::spawn_demo().await;
    for who in ["inspector", "manager1", "cashier1", "producer1"] {
        let token = app.login(who, "demo1234").await;
        let (status, body) = app.get("/api/v1/users", Some(&token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who} listed users");
        assert_eq!(body["error"], "forbidden");
        let (status, _) = app
            .post(
                "/api/v1/users",
                Some(&token),
                &json!({"username": "intruder", "display_name": "x", "password": "longenough",
                        "role": "admin"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who} created an account");
    }
    // Nothing was created.
    let admin = app.login("admin", "demo1234").await;
    let (_, users) = app.get("/api/v1/users", Some(&admin)).await;
    assert_eq!(users.as_array().unwrap().len(), 5);
    assert!(
        app.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": "intruder", "password": "longenough"})
        )
        .await
        .0 == StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_producer_sees_only_its_own_producer_and_products() {
    let app = TestApp::spawn_demo().await;
    let token = app.login("producer1", "demo1234").await;
    let (_, me) = app.get("/api/v1/auth/me", Some(&token)).await;
    let own = me["producer_id"].as_i64().unwrap();

    let (status, list) = app.get("/api/v1/producers", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"].as_i64(), Some(own));

    let other = if own == 1 { 2 } else { 1 };
    let (status, body) = app
        .get(&format!("/api/v1/producers/{other}"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body.get("bank_account").is_none());
    let (status, _) = app
        .get(&format!("/api/v1/producers/{own}"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (_, products) = app.get("/api/v1/products", Some(&token)).await;
    let products = products.as_array().unwrap();
    assert!(!products.is_empty());
    assert!(
        products
            .iter()
            .all(|p| p["producer_id"].as_i64() == Some(own))
    );
    let (_, theirs) = app
        .get(
            &format!("/api/v1/products?producer_id={other}"),
            Some(&token),
        )
        .await;
    assert_eq!(theirs.as_array().unwrap().len(), 0);

    // A product of another producer, found through an inspector's eyes.
    let inspector = app.login("inspector", "demo1234").await;
    let (_, all) = app.get("/api/v1/products", Some(&inspector)).await;
    let foreign = all
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["producer_id"].as_i64() != Some(own))
        .unwrap();
    let (status, _) = app
        .get(&format!("/api/v1/products/{}", foreign["id"]), Some(&token))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get(
            &format!("/api/v1/products/{}", foreign["id"]),
            Some(&inspector),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn admins_create_accounts_that_can_log_in() {
    let app = TestApp::spawn_demo().await;
    let admin = app.login("admin", "demo1234").await;
    let (status, body) = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "Cashier2", "display_name": "Lò Thị Mai", "password": "mật-khẩu-dài",
                    "role": "cashier", "outlet_id": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["username"], "cashier2");
    assert_eq!(body["outlet_id"], 2);
    let token = app.login("cashier2", "mật-khẩu-dài").await;
    assert!(!token.is_empty());

    // Same name again: conflict, nothing written.
    let (status, body) = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "cashier2", "display_name": "x", "password": "another-one",
                    "role": "cashier", "outlet_id": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "already_exists");

    // Rule breaches: each a clear 422 code.
    for (body, code) in [
        (
            json!({"username": "c3", "display_name": "x", "password": "longenough", "role": "cashier", "outlet_id": 1}),
            "invalid_username",
        ),
        (
            json!({"username": "cashier3", "display_name": "x", "password": "longenough", "role": "cashier"}),
            "outlet_required",
        ),
        (
            json!({"username": "producer9", "display_name": "x", "password": "longenough", "role": "producer"}),
            "producer_required",
        ),
        (
            json!({"username": "admin9", "display_name": "x", "password": "longenough", "role": "admin", "outlet_id": 1}),
            "scope_not_allowed",
        ),
        (
            json!({"username": "cashier3", "display_name": "x", "password": "short", "role": "cashier", "outlet_id": 1}),
            "password_too_short",
        ),
        (
            json!({"username": "cashier3", "display_name": "x", "password": "longenough", "role": "cashier", "outlet_id": 999}),
            "unknown_reference",
        ),
    ] {
        let (status, answer) = app.post("/api/v1/users", Some(&admin), &body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body} -> {answer}"
        );
        assert_eq!(answer["error"], code, "{answer}");
    }
    let (_, users) = app.get("/api/v1/users", Some(&admin)).await;
    assert_eq!(
        users.as_array().unwrap().len(),
        6,
        "only cashier2 was added"
    );
}
