//! Printing an issued batch: the ESC/POS label job (one label per cut) and
//! the A4 PDF sheet; zbar, an independent decoder, reads back the exact
//! label URIs from the printed bytes and from the PDF rendered by
//! Ghostscript.

use std::process::Command;

use ocop_e2e::TestApp;
use ocop_hardware::preview;
use ocop_hardware::{Mode, Paper, PrinterProfile};
use reqwest::StatusCode;

use super::issue;

fn zbar(png_path: &std::path::Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(png_path)
        .output()
        .expect("zbarimg is installed (.ci/test)");
    let mut found: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    found.sort();
    found
}

async fn bytes(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ctype, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn printed_labels_and_sheets_scan_back_to_the_exact_uris() {
    let app = TestApp::spawn_demo().await;
    let manager = app.login("manager1", "demo1234").await;
    let batch = issue(&app, &manager, 3).await;
    let id = batch["id"].as_i64().unwrap();
    let mut uris: Vec<String> = batch["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap().to_owned())
        .collect();
    uris.sort();
    let tmp = tempfile::tempdir().unwrap();

    let (status, ctype, job) = bytes(
        &app,
        &manager,
        &format!("/api/v1/labels/batches/{id}/labels.escpos"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/octet-stream");
    let shown = preview::render(&job, &PrinterProfile::new(Paper::Mm80, Mode::Raster)).unwrap();
    assert_eq!(shown.cuts.len(), 3, "one label per cut");
    let png = tmp.path().join("job.png");
    std::fs::write(&png, shown.to_png().unwrap()).unwrap();
    assert_eq!(zbar(&png), uris);

    let (status, ctype, pdf) = bytes(
        &app,
        &manager,
        &format!("/api/v1/labels/batches/{id}/sheet.pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/pdf");
    let pdf_path = tmp.path().join("sheet.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let page = tmp.path().join("page.png");
    let gs = Command::new("gs")
        .args(["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", "-r300"])
        .arg(format!("-sOutputFile={}", page.display()))
        .arg(&pdf_path)
        .output()
        .expect("ghostscript is installed");
    assert!(gs.status.success(), "{gs:?}");
    assert_eq!(zbar(&page), uris);

    // Someone else's batch is not printed for them.
    let other = app.login("cashier1", "demo1234").await;
    let (status, _, _) = bytes(
        &app,
        &other,
        &format!("/api/v1/labels/batches/{id}/sheet.pdf"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the outlet's cashier may print its labels"
    );
    let producer = app.login("producer1", "demo1234").await;
    let (status, _, _) = bytes(
        &app,
        &producer,
        &format!("/api/v1/labels/batches/{id}/sheet.pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// `ocop-till labels print`: the real till process issues labels for its
/// outlet with a manager's account and prints them (a preview printer
/// here) or writes the A4 sheet; zbar reads back URIs of issued labels.
#[tokio::test]
async fn the_till_prints_labels_for_a_lot() {
    use std::io::Write as _;
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    crate::till_common::setup_till(&app, &dir).await;
    let run = move |extra: Vec<String>| {
        let mut child = Command::new(crate::till_common::till_binary())
            .arg("--data-dir")
            .arg(&dir)
            .args([
                "labels",
                "print",
                "--lot",
                "1",
                "--count",
                "2",
                "--username",
                "manager1",
                "--password-stdin",
            ])
            .args(extra)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"demo1234\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let png = tmp.path().join("labels.png");
    let pdf = tmp.path().join("sheet.pdf");
    let (p1, p2) = (png.clone(), pdf.clone());
    tokio::task::spawn_blocking(move || {
        run(vec![
            "--printer".into(),
            format!("preview:{}", p1.display()),
        ]);
        run(vec!["--pdf".into(), p2.display().to_string()]);
    })
    .await
    .unwrap();
    let printed = zbar(&png);
    assert_eq!(printed.len(), 2, "{printed:?}");
    let page = tmp.path().join("page.png");
    let gs = Command::new("gs")
        .args(["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", "-r300"])
        .arg(format!("-sOutputFile={}", page.display()))
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(gs.status.success());
    let sheet = zbar(&page);
    assert_eq!(sheet.len(), 2);
    // Four labels issued in two batches, and each URI scanned is one of them.
    let db = app.db.clone();
    let serials: Vec<String> = tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        let mut c = db.conn().unwrap();
        ocop_server::db::schema::labels::table
            .select(ocop_server::db::schema::labels::serial)
            .load(&mut c)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(serials.len(), 4);
    for uri in printed.iter().chain(&sheet) {
        let link = ocop_core::digital_link::DigitalLink::parse(uri).unwrap();
        assert!(
            serials.contains(&link.serial.unwrap().as_str().to_owned()),
            "{uri}"
        );
    }
}

/// Issue 12: the till's interface prints labels too: F8 on the sale
/// screen asks for the lot, the count and a manager's account (the
/// password shown as dots), and prints through the `labels print` code on
/// the interface's printer (a preview here, read back by zbar). A wrong
/// password says the server's sentence and issues nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interface_prints_labels_on_f8() {
    use ocop_till::config::TillConfig;
    use ocop_till::printing::{PrinterArgs, TextMode};
    use ocop_till::store::Store;
    use ocop_till::tui::{App, KeyCode, KeyEvent, KeyModifiers, Screen};
    let app = TestApp::spawn_demo().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("till");
    crate::till_common::setup_till(&app, &dir).await;
    let png = tmp.path().join("labels.png");
    let p = png.clone();
    let (message, screen, refused) = tokio::task::spawn_blocking(move || {
        let key = |a: &mut App, code: KeyCode| {
            a.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        };
        let enter = |a: &mut App, s: &str| {
            for c in s.chars() {
                a.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            }
            a.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        };
        let store = Store::open_dir(&dir).unwrap();
        let cfg = TillConfig::require(&store).unwrap();
        let printer = PrinterArgs {
            printer: format!("preview:{}", p.display()),
            width: 80,
            mode: TextMode::Raster,
            esc_t: 52,
            check_paper: false,
        };
        let mut a = App::new(store, cfg, Some(printer)).unwrap();
        enter(&mut a, "500000");
        key(&mut a, KeyCode::Enter);
        assert_eq!(a.screen, Screen::Sale, "{}", a.message);
        assert!(
            a.screen_text(80, 24).unwrap().contains("F8"),
            "the key is shown"
        );
        // A wrong password: refused with a sentence, nothing issued.
        key(&mut a, KeyCode::F(8));
        enter(&mut a, "1");
        enter(&mut a, "2");
        enter(&mut a, "manager1");
        enter(&mut a, "sai-mat-khau");
        let refused = a.message.clone();
        // Then the right one.
        key(&mut a, KeyCode::F(8));
        enter(&mut a, "1");
        enter(&mut a, "2");
        enter(&mut a, "manager1");
        for c in "demo1234".chars() {
            key(&mut a, KeyCode::Char(c));
        }
        let screen = a.screen_text(80, 24).unwrap();
        key(&mut a, KeyCode::Enter);
        (a.message.clone(), screen, refused)
    })
    .await
    .unwrap();
    assert!(!refused.contains("invalid_credentials"), "{refused}");
    assert!(
        !refused.is_empty() && !refused.contains("Đã in"),
        "{refused}"
    );
    assert!(
        screen.contains("••••••••"),
        "the password as dots:\n{screen}"
    );
    assert!(!screen.contains("demo1234"), "{screen}");
    assert!(message.starts_with("Đã in 2 tem"), "{message}");
    let printed = zbar(&png);
    assert_eq!(printed.len(), 2, "{printed:?}");
    let db = app.db.clone();
    let serials: Vec<String> = tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        let mut c = db.conn().unwrap();
        ocop_server::db::schema::labels::table
            .select(ocop_server::db::schema::labels::serial)
            .load(&mut c)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        serials.len(),
        2,
        "one batch: the refused try issued nothing"
    );
    for uri in &printed {
        let link = ocop_core::digital_link::DigitalLink::parse(uri).unwrap();
        assert!(serials.contains(&link.serial.unwrap().as_str().to_owned()));
    }
}
