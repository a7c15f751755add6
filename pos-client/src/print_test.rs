//! `ocop-till print-test`: prints the hardware crate's test page with a real
//! VietQR payload and a real GS1 Digital Link, both built by ocop-core, so
//! a scan with a banking app and a phone camera checks the whole chain.

use anyhow::Context;
use ocop_core::digital_link::{DigitalLink, Lot};
use ocop_core::gtin::Gtin;
use ocop_core::money::Dong;
use ocop_core::vietqr::{BankBin, VietQr};
use ocop_hardware::layout::OutletHeader;
use ocop_hardware::layout::test_page::{TestPageView, test_page};
use ocop_hardware::printer;

use crate::printing::PrinterArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub printer: PrinterArgs,
    /// Base URL of the public provenance pages.
    #[arg(
        long,
        env = "OCOP_PUBLIC_URL",
        default_value = "https://ocop.example.vn"
    )]
    pub public_url: String,
}

/// A sample product: GTIN-13 8936012345674 (valid check digit), lot L2611.
const SAMPLE_GTIN: &str = "8936012345674";

pub fn view(args: &Args) -> anyhow::Result<TestPageView> {
    let config = args.printer.config()?;
    let gtin = Gtin::parse(SAMPLE_GTIN).context("sample GTIN")?;
    let link = DigitalLink::new(gtin.clone())
        .with_lot(Lot::parse("L2611").context("sample lot")?)
        .to_uri(&args.public_url);
    let vietqr = VietQr::new(
        BankBin::parse("970436").context("sample bank BIN")?,
        "0011001234567",
        Some(Dong::new(350_000)),
        Some("OCOP in thu"),
    )
    .context("sample VietQR")?
    .payload();
    Ok(TestPageView {
        header: OutletHeader {
            legal_name: "Trung tâm giới thiệu sản phẩm OCOP Lào Cai".into(),
            tax_code: "5300123456".into(),
            address: "Đại lộ Trần Hưng Đạo, P. Nam Cường, TP. Lào Cai".into(),
            phone: "0214 3840 000".into(),
        },
        printer: format!(
            "{} · {} · {}",
            config.uri, config.profile.paper, config.profile.mode
        ),
        vietqr_payload: vietqr,
        provenance_url: link,
        gtin,
    })
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = args.printer.config()?;
    let doc = test_page(&view(args)?);
    printer::print(&config, &doc)?;
    println!("Đã in trang thử tới {} (test page sent)", config.uri);
    Ok(())
}
