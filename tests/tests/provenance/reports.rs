//! "Báo hàng giả": the public report — rate limit per client, honeypot,
//! clear refusals that store nothing, and the photo checked and re-encoded.

use diesel::prelude::*;
use ocop_e2e::TestApp;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use super::HTML;

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            u8::try_from(x % 256).unwrap(),
            u8::try_from(y % 256).unwrap(),
            120,
        ])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn form(what: &str, photo: Option<(Vec<u8>, &'static str)>, honeypot: &str) -> Form {
    let mut f = Form::new()
        .text("what_wrong", what.to_owned())
        .text("where_bought", "Chợ Bắc Hà, quầy số 5".to_owned())
        .text("contact", "0912 345 678".to_owned())
        .text("product", "1".to_owned())
        .text("serial", "7K3M9PQRSTVWX".to_owned())
        .text("website", honeypot.to_owned());
    if let Some((bytes, name)) = photo {
        f = f.part("photo", Part::bytes(bytes).file_name(name));
    }
    f
}

async fn send(app: &TestApp, f: Form) -> (StatusCode, Value) {
    let res = app
        .client
        .post(app.url("/api/v1/reports"))
        .multipart(f)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

async fn stored(app: &TestApp) -> Vec<(String, Option<Vec<u8>>, String)> {
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        use ocop_server::db::schema::fake_reports as r;
        let mut c = db.conn().unwrap();
        r::table
            .order(r::id)
            .select((r::what_wrong, r::photo, r::ip_prefix))
            .load(&mut c)
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_report_is_stored_with_a_reencoded_photo_and_refusals_store_nothing() {
    let app = TestApp::spawn_demo().await;
    let upload = png(2400, 1200);
    let (status, body) = send(
        &app,
        form(
            "Tem in mờ, nắp chai không có tem niêm phong",
            Some((upload.clone(), "anh.png")),
            "",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["message"].as_str().unwrap().contains("Cảm ơn bạn"));

    // Refused, each with its own code; none of them stored.
    let refusals = [
        (form("giả", None, "http://spam.example"), "honeypot_filled"),
        (form("   ", None, ""), "required"),
        (
            form("giả", Some((b"GIF89a not really".to_vec(), "anh.jpg")), ""),
            "invalid_photo",
        ),
        (
            form(
                "giả",
                Some((vec![0xFF; 5 * 1024 * 1024 + 1], "big.jpg")),
                "",
            ),
            "photo_too_large",
        ),
    ];
    for (f, code) in refusals {
        let (status, body) = send(&app, f).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {body}");
        assert_eq!(body["error"], code);
    }
    // Six from one address within the hour: the sixth is turned away.
    let (status, body) = send(&app, form("lần thứ sáu", None, "")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"], "too_many_reports");

    let rows = stored(&app).await;
    assert_eq!(rows.len(), 1, "only the accepted report is stored");
    let (what, photo, prefix) = &rows[0];
    assert_eq!(what, "Tem in mờ, nắp chai không có tem niêm phong");
    assert_eq!(prefix, "127.0.0.0/24");
    let photo = photo.as_ref().unwrap();
    assert_ne!(photo, &upload, "the upload itself is never kept");
    assert_eq!(
        image::guess_format(photo).unwrap(),
        image::ImageFormat::Jpeg
    );
    let img = image::load_from_memory(photo).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 800));
}

#[tokio::test]
async fn the_public_form_sends_a_report_and_shows_refusals() {
    let app = TestApp::spawn_demo().await;
    let res = app
        .client
        .get(app.url("/report?product=1&serial=7K3M9PQRSTVWX"))
        .header("accept", HTML)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("Báo hàng giả"));
    assert!(
        html.contains("name=\"website\""),
        "the honeypot is on the form"
    );
    assert!(html.contains("value=\"7K3M9PQRSTVWX\""));

    let post = |f: Form| {
        let req = app.client.post(app.url("/report")).multipart(f);
        async move {
            let res = req.send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = post(form("", None, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Hãy cho biết sản phẩm có gì bất thường."),
        "{html}"
    );
    let (status, html) = post(form("Vỏ hộp khác màu", Some((png(40, 30), "a.png")), "")).await;
    assert_eq!(status, StatusCode::CREATED, "{html}");
    assert!(html.contains("Cảm ơn bạn"));
    assert_eq!(stored(&app).await.len(), 1);
}
