//! Issue 14: the till reaches a server over HTTPS. The server serves TLS
//! itself (`OCOP_TLS_CERT` / `OCOP_TLS_KEY`, actix-web's rustls listener)
//! with a certificate for `localhost` signed by a certificate authority
//! made here (rcgen), like a province's own CA. Without `--ca-file` the
//! till refuses the unknown issuer (and registers nothing); with it, the
//! real `ocop-till` binary sets up, sells and sends over TLS, and the
//! server stores the sale. curl, a TLS client we did not write, agrees.

use std::path::Path;

use crate::till_common::*;
use ocop_e2e::TestApp;
use ocop_server::config::TlsFiles;
use ocop_till::commands::{self, SetupArgs};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};

/// A CA and a server certificate for localhost signed by it, written as
/// PEM files in `dir`: (ca.pem, chain.pem, key.pem).
fn certificates(dir: &Path) -> (std::path::PathBuf, TlsFiles) {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "So Cong Thuong Lao Cai test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let mut leaf =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    leaf.distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    leaf.use_authority_key_identifier_extension = true;
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let ca_pem = dir.join("ca.pem");
    std::fs::write(&ca_pem, ca_cert.pem()).unwrap();
    let files = TlsFiles {
        cert: dir.join("chain.pem"),
        key: dir.join("key.pem"),
    };
    std::fs::write(&files.cert, leaf_cert.pem()).unwrap();
    std::fs::write(&files.key, leaf_key.serialize_pem()).unwrap();
    (ca_pem, files)
}

fn setup_args(app: &TestApp, ca_file: Option<&Path>) -> SetupArgs {
    SetupArgs {
        server: app.base.clone(),
        ca_file: ca_file.map(Path::to_path_buf),
        username: "manager1".into(),
        password: Some("demo1234".into()),
        password_stdin: false,
        outlet: None,
        name: "Quầy HTTPS".into(),
        printer: None,
        width: 80,
        mode: "raster".into(),
    }
}

async fn setup(dir: &Path, args: SetupArgs) -> anyhow::Result<()> {
    let d = dir.to_owned();
    tokio::task::spawn_blocking(move || commands::setup(&d, &args))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_till_sells_over_https_with_the_provinces_ca() {
    let tmp = tempfile::tempdir().unwrap();
    let (ca_pem, files) = certificates(tmp.path());
    let app = TestApp::spawn_with(|c| c.tls = Some(files)).await;
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || ocop_server::demo::load(&db))
        .await
        .unwrap()
        .unwrap();
    assert!(app.base.starts_with("https://localhost:"), "{}", app.base);

    // An independent TLS client: curl trusts the CA and gets the health.
    let curl = std::process::Command::new("curl")
        .args(["--silent", "--show-error", "--cacert"])
        .arg(&ca_pem)
        .arg(app.url("/healthz"))
        .output()
        .expect("curl runs (apt-get install curl)");
    let health = String::from_utf8_lossy(&curl.stdout);
    assert!(
        curl.status.success() && health.contains("\"status\":\"ok\""),
        "{health} {}",
        String::from_utf8_lossy(&curl.stderr)
    );
    // Plain HTTP to the TLS port gets no answer a client could read as one.
    let plain = reqwest::get(app.base.replace("https://", "http://")).await;
    assert!(
        plain.as_ref().map_or(true, |r| !r.status().is_success()),
        "{plain:?}"
    );

    // Without the CA the certificate is refused, and nothing is set up.
    let refused = tmp.path().join("refused");
    let err = setup(&refused, setup_args(&app, None)).await.unwrap_err();
    let text = format!("{err:#}");
    assert!(
        text.to_lowercase().contains("certificate") || text.contains("UnknownIssuer"),
        "{text}"
    );
    assert!(
        ocop_till::config::TillConfig::load(&ocop_till::store::Store::open_dir(&refused).unwrap())
            .unwrap()
            .is_none()
    );
    // A file that is not a certificate is refused before anything is sent.
    let junk = tmp.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    let err = setup(&tmp.path().join("junk"), setup_args(&app, Some(&junk)))
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("ca_file_empty"), "{err:#}");

    // With the province's CA: set up, sell and send, all over TLS.
    let dir = tmp.path().join("till");
    // The real binary, the password on standard input (never a flag).
    let ca = ca_pem.to_str().unwrap().to_owned();
    let (d, base) = (dir.clone(), app.base.clone());
    let out = tokio::task::spawn_blocking(move || {
        run_with_stdin(
            &d,
            &[
                "setup",
                "--server",
                &base,
                "--ca-file",
                &ca,
                "--username",
                "manager1",
                "--password-stdin",
            ],
            "demo1234\n",
        )
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    open_shift(&dir, 0);
    let code = scan_codes(&dir, 1).remove(0);
    let sold = sell_cash(&dir, &code);
    assert_eq!(sold["queue_waiting"], 0, "sent over HTTPS: {sold}");
    let sale_id = sold["sale"]["id"].as_str().unwrap().to_owned();
    let stored = tokio::task::spawn_blocking({
        let db = app.db.clone();
        move || {
            use diesel::prelude::*;
            use ocop_server::db::schema::sales;
            let mut c = db.conn().unwrap();
            sales::table
                .filter(sales::uuid.eq(sale_id))
                .count()
                .get_result::<i64>(&mut c)
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert_eq!(stored, 1, "the server stored the sale sent over TLS");
    let status = till(&dir, &["status", "--json"]);
    assert_eq!(status["server_reachable"], true, "{status}");
}
