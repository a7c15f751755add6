use super::*;

fn tea() -> TillProduct {
    TillProduct {
        id: 7,
        name: "Trà shan tuyết".into(),
        gtin: Some(Gtin::parse("8936012345674").unwrap()),
        code: None,
        price: Dong::new(120_000),
        vat: VatRate::Five,
        unit: "hộp".into(),
        fractional: false,
        producer_id: 3,
        group: "tea".into(),
        stars: 4,
        status: SellStatus::SellFromStockOnly,
        warning: None,
    }
}

/// The form the server sent before the types moved here, byte for byte.
#[test]
fn a_product_keeps_its_json() {
    let json = serde_json::to_string(&tea()).unwrap();
    assert_eq!(
        json,
        r#"{"id":7,"name":"Trà shan tuyết","gtin":"08936012345674","price":120000,"vat":"5","unit":"hộp","fractional":false,"producer_id":3,"group":"tea","stars":4,"status":"sell_from_stock_only"}"#
    );
    assert_eq!(serde_json::from_str::<TillProduct>(&json).unwrap(), tea());
}

#[test]
fn every_sell_status_reads_back_from_its_code() {
    for s in SellStatus::ALL {
        assert_eq!(SellStatus::from_code(s.code()), Some(s));
        assert_eq!(
            serde_json::to_value(s).unwrap(),
            serde_json::Value::String(s.code().into())
        );
    }
    assert_eq!(SellStatus::from_code("retired"), None);
}

/// A till keeps the outlet of its last catalogue in its store; one kept
/// before the server sent `code`, `bank_holder`, `commission_bp` and
/// `active` still reads.
#[test]
fn an_outlet_kept_by_an_older_till_still_reads() {
    let old = r#"{"id":1,"name":"Gian hàng OCOP","legal_name":"HTX","tax_code":"0101234567",
        "address":"Hà Nội","phone":"024","bank_bin":null,"bank_account":null}"#;
    let o: TillOutlet = serde_json::from_str(old).unwrap();
    assert_eq!(o.code, "");
    assert!(o.active);
    assert_eq!(o.commission_bp, 0);
}

#[test]
fn a_transfer_state_keeps_its_json() {
    let state = TransferState {
        sale_id: Uuid::nil(),
        amount: Dong::new(50_000),
        status: TransferStatus::ConfirmedByCashier,
        vietqr: None,
        memo: None,
        confirmed_by: Some(4),
        confirmed_at: None,
    };
    let json = serde_json::to_string(&state).unwrap();
    assert_eq!(
        json,
        r#"{"sale_id":"00000000-0000-0000-0000-000000000000","amount":50000,"status":"confirmed_by_cashier","vietqr":null,"memo":null,"confirmed_by":4,"confirmed_at":null}"#
    );
    assert_eq!(serde_json::from_str::<TransferState>(&json).unwrap(), state);
}

#[test]
fn ingest_and_chain_statuses_and_roles_keep_their_words() {
    let json = |v: serde_json::Value| v.as_str().unwrap().to_owned();
    let word = |s: IngestStatus| json(serde_json::to_value(s).unwrap());
    assert_eq!(word(IngestStatus::Created), "created");
    assert_eq!(word(IngestStatus::Existing), "existing");
    let word = |s: ChainStatus| json(serde_json::to_value(s).unwrap());
    assert_eq!(word(ChainStatus::Ok), "ok");
    assert_eq!(word(ChainStatus::Flagged), "flagged");
    for role in Role::ALL {
        assert_eq!(json(serde_json::to_value(role).unwrap()), role.as_str());
        assert_eq!(Role::parse(role.as_str()), Some(role));
    }
}
