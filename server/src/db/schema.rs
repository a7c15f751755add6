// One diesel schema for both backends. Column types are the common subset
// diesel's MultiConnection supports; tests/tests/foundation/schema_matches.rs
// checks this file against the migrated database on SQLite and on PostgreSQL
// (tables, columns, types, nullability, primary keys).

diesel::table! {
    banks (bin) {
        bin -> Text,
        short_name -> Text,
        name -> Text,
    }
}

diesel::table! {
    catalogue_counter (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    catalogue_versions (version) {
        version -> BigInt,
        changed_at -> Timestamp,
        changed_by -> Nullable<Integer>,
        what -> Text,
    }
}

diesel::table! {
    districts (code) {
        code -> Text,
        name -> Text,
        kind -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    outlets (id) {
        id -> Integer,
        code -> Text,
        name -> Text,
        kind -> Text,
        district_code -> Text,
        address -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        opening_hours -> Text,
        operator_name -> Text,
        commission_bp -> Integer,
        legal_name -> Text,
        tax_code -> Text,
        phone -> Text,
        bank_bin -> Nullable<Text>,
        bank_account -> Nullable<Text>,
        bank_holder -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    producers (id) {
        id -> Integer,
        name -> Text,
        search_key -> Text,
        kind -> Text,
        tax_code -> Nullable<Text>,
        district_code -> Text,
        commune -> Text,
        address -> Text,
        contact_name -> Text,
        phone -> Text,
        bank_bin -> Nullable<Text>,
        bank_account -> Nullable<Text>,
        bank_holder -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        programme_origin -> Text,
    }
}

diesel::table! {
    product_groups (code) {
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        food_safety_required -> Bool,
        sort_order -> Integer,
    }
}

diesel::table! {
    product_prices (id) {
        id -> Integer,
        product_id -> Integer,
        price -> BigInt,
        changed_by -> Nullable<Integer>,
        valid_from -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> Integer,
        producer_id -> Integer,
        name_vi -> Text,
        name_en -> Nullable<Text>,
        search_key -> Text,
        group_code -> Text,
        stars -> Integer,
        cert_number -> Nullable<Text>,
        cert_level -> Nullable<Text>,
        cert_issued_on -> Nullable<Date>,
        cert_expires_on -> Nullable<Date>,
        gtin -> Nullable<Text>,
        internal_code -> Nullable<Text>,
        unit -> Text,
        fractional -> Bool,
        vat_rate -> Text,
        price -> BigInt,
        food_safety_ref -> Nullable<Text>,
        description -> Text,
        photo_url -> Nullable<Text>,
        key_product -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        catalogue_version -> BigInt,
        rating_score -> Nullable<Integer>,
        rating_decision_no -> Nullable<Text>,
        rating_decision_on -> Nullable<Date>,
        rating_body -> Nullable<Text>,
    }
}

diesel::table! {
    server_settings (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        outlet_id -> Nullable<Integer>,
        producer_id -> Nullable<Integer>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

// sales (issue 5)
diesel::table! {
    tills (id) {
        id -> Integer,
        outlet_id -> Integer,
        name -> Text,
        secret_sha256 -> Text,
        created_by -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    journal_entries (id) {
        id -> Integer,
        till_id -> Integer,
        receipt_no -> BigInt,
        kind -> Text,
        record_uuid -> Text,
        chain_status -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    journal_problems (id) {
        id -> Integer,
        till_id -> Integer,
        receipt_no -> BigInt,
        kind -> Text,
        detail -> Text,
        found_at -> Timestamp,
    }
}

diesel::table! {
    sales (id) {
        id -> Integer,
        uuid -> Text,
        till_id -> Integer,
        receipt_no -> BigInt,
        sold_at -> Timestamp,
        cashier_id -> Integer,
        outlet_id -> Integer,
        shift_uuid -> Text,
        total -> BigInt,
        prev_hash -> Text,
        hash -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    sale_lines (id) {
        id -> Integer,
        sale_id -> Integer,
        line_no -> Integer,
        product_id -> Integer,
        lot_code -> Nullable<Text>,
        name -> Text,
        unit -> Text,
        group_code -> Text,
        qty_milli -> BigInt,
        unit_price -> BigInt,
        catalogue_price -> Nullable<BigInt>,
        server_price -> Nullable<BigInt>,
        discount -> BigInt,
        discount_reason -> Nullable<Text>,
        vat_rate -> Text,
        amount -> BigInt,
    }
}

diesel::table! {
    sale_payments (id) {
        id -> Integer,
        sale_id -> Integer,
        seq -> Integer,
        method -> Text,
        amount -> BigInt,
        tendered -> Nullable<BigInt>,
        change_given -> Nullable<BigInt>,
        transfer_status -> Nullable<Text>,
        reference -> Nullable<Text>,
    }
}

diesel::table! {
    sale_vat (id) {
        id -> Integer,
        sale_id -> Integer,
        vat_rate -> Text,
        gross -> BigInt,
        vat -> BigInt,
        net -> BigInt,
    }
}

diesel::table! {
    refunds (id) {
        id -> Integer,
        uuid -> Text,
        till_id -> Integer,
        receipt_no -> BigInt,
        refunded_at -> Timestamp,
        cashier_id -> Integer,
        outlet_id -> Integer,
        shift_uuid -> Text,
        sale_id -> Integer,
        reason -> Text,
        total -> BigInt,
        prev_hash -> Text,
        hash -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    refund_lines (id) {
        id -> Integer,
        refund_id -> Integer,
        seq -> Integer,
        original_line_no -> Integer,
        product_id -> Integer,
        lot_code -> Nullable<Text>,
        name -> Text,
        unit -> Text,
        group_code -> Text,
        vat_rate -> Text,
        qty_milli -> BigInt,
        amount -> BigInt,
        restock -> Text,
    }
}

diesel::table! {
    refund_payments (id) {
        id -> Integer,
        refund_id -> Integer,
        seq -> Integer,
        method -> Text,
        amount -> BigInt,
        reference -> Nullable<Text>,
    }
}

diesel::table! {
    refund_vat (id) {
        id -> Integer,
        refund_id -> Integer,
        vat_rate -> Text,
        gross -> BigInt,
        vat -> BigInt,
        net -> BigInt,
    }
}

diesel::table! {
    transfer_confirmations (id) {
        id -> Integer,
        sale_id -> Integer,
        source -> Text,
        amount -> BigInt,
        reference -> Nullable<Text>,
        confirmed_by -> Nullable<Integer>,
        confirmed_at -> Timestamp,
    }
}

diesel::table! {
    shifts (id) {
        id -> Integer,
        uuid -> Text,
        till_id -> Integer,
        outlet_id -> Integer,
        cashier_id -> Integer,
        opened_at -> Timestamp,
        opening_float -> BigInt,
    }
}

diesel::table! {
    cash_movements (id) {
        id -> Integer,
        uuid -> Text,
        shift_id -> Integer,
        at -> Timestamp,
        direction -> Text,
        amount -> BigInt,
        reason -> Text,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    shift_closings (id) {
        id -> Integer,
        shift_id -> Integer,
        closed_at -> Timestamp,
        summary -> Text,
        closing -> Text,
        net_sales -> BigInt,
        gross_sales -> BigInt,
        refunds -> BigInt,
        total_variance -> BigInt,
        last_hash -> Nullable<Text>,
        closed_by -> Nullable<Integer>,
    }
}

diesel::table! {
    shift_acknowledgements (id) {
        id -> Integer,
        shift_id -> Integer,
        acknowledged_by -> Integer,
        acknowledged_at -> Timestamp,
        note -> Text,
    }
}

diesel::table! {
    daily_closings (id) {
        id -> Integer,
        outlet_id -> Integer,
        day -> Date,
        closing_no -> Integer,
        report -> Text,
        grand_total -> BigInt,
        closed_by -> Integer,
        closed_at -> Timestamp,
    }
}

diesel::joinable!(outlets -> districts (district_code));
diesel::joinable!(producers -> districts (district_code));
diesel::joinable!(product_prices -> products (product_id));
diesel::joinable!(products -> producers (producer_id));
diesel::joinable!(products -> product_groups (group_code));
diesel::joinable!(users -> outlets (outlet_id));
diesel::joinable!(users -> producers (producer_id));

// ---- stock (issue 4): consignment agreements, lots, documents, ledger ----

diesel::table! {
    consignment_agreements (id) {
        id -> Integer,
        producer_id -> Integer,
        outlet_id -> Integer,
        terms -> Text,
        commission_bp -> Nullable<Integer>,
        settlement_period -> Text,
        loss_bearer -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        note -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        min_payout -> BigInt,
    }
}

diesel::table! {
    lots (id) {
        id -> Integer,
        product_id -> Integer,
        lot_code -> Text,
        produced_on -> Nullable<Date>,
        expires_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stock_documents (id) {
        id -> Integer,
        outlet_id -> Integer,
        kind -> Text,
        status -> Text,
        seq -> Nullable<Integer>,
        number -> Nullable<Text>,
        producer_id -> Nullable<Integer>,
        agreement_id -> Nullable<Integer>,
        dest_outlet_id -> Nullable<Integer>,
        ref_document_id -> Nullable<Integer>,
        write_off_reason -> Nullable<Text>,
        note -> Text,
        created_by -> Integer,
        created_at -> Timestamp,
        posted_by -> Nullable<Integer>,
        posted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stock_document_lines (id) {
        id -> Integer,
        document_id -> Integer,
        line_no -> Integer,
        product_id -> Integer,
        lot_code -> Nullable<Text>,
        produced_on -> Nullable<Date>,
        expires_on -> Nullable<Date>,
        qty_milli -> BigInt,
        expected_milli -> Nullable<BigInt>,
        payout_price -> Nullable<BigInt>,
        commission_bp -> Nullable<Integer>,
        scan_code -> Nullable<Text>,
        reason -> Nullable<Text>,
        ref_line_id -> Nullable<Integer>,
    }
}

diesel::table! {
    stock_ledger (id) {
        id -> Integer,
        outlet_id -> Integer,
        product_id -> Integer,
        lot_id -> Integer,
        owner_producer_id -> Integer,
        qty_milli -> BigInt,
        kind -> Text,
        document_id -> Nullable<Integer>,
        document_line_id -> Nullable<Integer>,
        document_ref -> Text,
        user_id -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stock_on_hand (outlet_id, product_id, lot_id, owner_producer_id) {
        outlet_id -> Integer,
        product_id -> Integer,
        lot_id -> Integer,
        owner_producer_id -> Integer,
        qty_milli -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stock_document_counters (outlet_id, kind) {
        outlet_id -> Integer,
        kind -> Text,
        last_seq -> Integer,
    }
}

diesel::table! {
    stock_thresholds (outlet_id, product_id) {
        outlet_id -> Integer,
        product_id -> Integer,
        min_qty_milli -> BigInt,
        updated_by -> Nullable<Integer>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(consignment_agreements -> producers (producer_id));
diesel::joinable!(lots -> products (product_id));
diesel::joinable!(stock_document_lines -> stock_documents (document_id));
diesel::joinable!(stock_document_lines -> products (product_id));
diesel::joinable!(stock_ledger -> lots (lot_id));
diesel::joinable!(stock_ledger -> products (product_id));
diesel::joinable!(stock_on_hand -> lots (lot_id));
diesel::joinable!(stock_on_hand -> products (product_id));

diesel::joinable!(sales -> tills (till_id));
diesel::joinable!(sale_lines -> sales (sale_id));
diesel::joinable!(sale_payments -> sales (sale_id));
diesel::joinable!(sale_vat -> sales (sale_id));
diesel::joinable!(refunds -> sales (sale_id));
diesel::joinable!(refund_lines -> refunds (refund_id));
diesel::joinable!(refund_payments -> refunds (refund_id));
diesel::joinable!(refund_vat -> refunds (refund_id));
diesel::joinable!(transfer_confirmations -> sales (sale_id));
diesel::joinable!(cash_movements -> shifts (shift_id));
diesel::joinable!(shift_closings -> shifts (shift_id));
diesel::joinable!(shift_acknowledgements -> shifts (shift_id));

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        user_id -> Integer,
        expires_at -> Timestamp,
        revoked_at -> Timestamp,
    }
}

diesel::joinable!(revoked_tokens -> users (user_id));

diesel::table! {
    vat_invoice_requests (id) {
        id -> Integer,
        sale_id -> Integer,
        buyer_name -> Text,
        tax_code -> Text,
        address -> Text,
        email -> Text,
        requested_at -> Timestamp,
    }
}

diesel::joinable!(vat_invoice_requests -> sales (sale_id));
// ---- settlement (issue 13): statements, lines, history, adjustments, payouts ----

diesel::table! {
    settlement_statements (id) {
        id -> Integer,
        producer_id -> Integer,
        outlet_id -> Integer,
        agreement_id -> Integer,
        period -> Text,
        period_start -> Date,
        period_end -> Date,
        prev_statement_id -> Nullable<Integer>,
        status -> Text,
        cutoff_at -> Timestamp,
        terms -> Text,
        commission_bp -> Nullable<Integer>,
        loss_bearer -> Text,
        min_payout -> BigInt,
        gross -> BigInt,
        refunds -> BigInt,
        net_sales -> BigInt,
        outlet_losses -> BigInt,
        producer_losses -> BigInt,
        commission -> BigInt,
        producer_share -> BigInt,
        adjustments -> BigInt,
        carried_in -> BigInt,
        total_due -> BigInt,
        net_payable -> BigInt,
        carried_forward -> BigInt,
        rounding_rule -> Text,
        figures -> Text,
        figures_sha256 -> Text,
        computed_by -> Nullable<Integer>,
        computed_at -> Timestamp,
    }
}

diesel::table! {
    settlement_lines (id) {
        id -> Integer,
        statement_id -> Integer,
        line_no -> Integer,
        kind -> Text,
        product_id -> Nullable<Integer>,
        lot_id -> Nullable<Integer>,
        lot_code -> Text,
        name -> Text,
        opening_milli -> BigInt,
        received_milli -> BigInt,
        transferred_in_milli -> BigInt,
        transferred_out_milli -> BigInt,
        sold_milli -> BigInt,
        refunded_milli -> BigInt,
        returned_milli -> BigInt,
        written_off_milli -> BigInt,
        closing_milli -> BigInt,
        retail_price -> BigInt,
        payout_price -> Nullable<BigInt>,
        amount -> BigInt,
        reference -> Text,
        original_at -> Nullable<Timestamp>,
        corrects_statement_id -> Nullable<Integer>,
    }
}

diesel::table! {
    settlement_events (id) {
        id -> Integer,
        statement_id -> Integer,
        step -> Text,
        comment -> Text,
        user_id -> Nullable<Integer>,
        at -> Timestamp,
    }
}

diesel::table! {
    settlement_adjustments (id) {
        id -> Integer,
        producer_id -> Integer,
        outlet_id -> Integer,
        corrects_statement_id -> Integer,
        amount -> BigInt,
        reason -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    settlement_payouts (id) {
        id -> Integer,
        statement_id -> Integer,
        amount -> BigInt,
        bank_bin -> Text,
        bank_account -> Text,
        memo -> Text,
        reference -> Text,
        paid_by -> Nullable<Integer>,
        paid_at -> Timestamp,
    }
}

diesel::joinable!(settlement_lines -> settlement_statements (statement_id));
diesel::joinable!(settlement_events -> settlement_statements (statement_id));
diesel::joinable!(settlement_payouts -> settlement_statements (statement_id));

diesel::table! {
    settlement_members (id) {
        id -> Integer,
        statement_id -> Integer,
        outlet_id -> Integer,
        producer_id -> Integer,
        kind -> Text,
        source_id -> Integer,
    }
}

diesel::table! {
    settlement_member_backfills (statement_id) {
        statement_id -> Integer,
    }
}

diesel::table! {
    portal_notices (id) {
        id -> Integer,
        producer_id -> Integer,
        kind -> Text,
        statement_id -> Nullable<Integer>,
        outlet_id -> Nullable<Integer>,
        message_vi -> Text,
        message_en -> Text,
        dedup_key -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(settlement_members -> settlement_statements (statement_id));
diesel::joinable!(portal_notices -> settlement_statements (statement_id));
diesel::joinable!(settlement_member_backfills -> settlement_statements (statement_id));

// ---- provenance (issue 12): labels, scans, recalls, reports, cases ----

diesel::table! {
    label_batches (id) {
        id -> Integer,
        request_id -> Text,
        product_id -> Integer,
        lot_id -> Integer,
        outlet_id -> Integer,
        label_count -> Integer,
        issued_by -> Integer,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    labels (id) {
        id -> Integer,
        serial -> Text,
        batch_id -> Integer,
        product_id -> Integer,
        lot_id -> Integer,
        outlet_id -> Integer,
        issued_by -> Integer,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    label_sales (id) {
        id -> Integer,
        label_id -> Integer,
        sale_id -> Integer,
        line_no -> Integer,
        outlet_id -> Integer,
        sold_at -> Timestamp,
    }
}

diesel::table! {
    sale_line_serials (id) {
        id -> Integer,
        sale_id -> Integer,
        line_no -> Integer,
        serial -> Text,
    }
}

diesel::table! {
    label_scans (id) {
        id -> Integer,
        scanned_at -> Timestamp,
        gtin -> Nullable<Text>,
        lot_code -> Nullable<Text>,
        serial -> Nullable<Text>,
        label_id -> Nullable<Integer>,
        product_id -> Nullable<Integer>,
        status -> Text,
        ip_prefix -> Text,
        ua_family -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
    }
}

diesel::table! {
    lot_recalls (id) {
        id -> Integer,
        lot_id -> Integer,
        reason -> Text,
        case_id -> Nullable<Integer>,
        recalled_by -> Integer,
        recalled_at -> Timestamp,
    }
}

diesel::table! {
    fake_reports (id) {
        id -> Integer,
        reported_at -> Timestamp,
        gtin -> Nullable<Text>,
        lot_code -> Nullable<Text>,
        serial -> Nullable<Text>,
        product_id -> Nullable<Integer>,
        label_id -> Nullable<Integer>,
        what_wrong -> Text,
        where_bought -> Text,
        contact -> Text,
        photo -> Nullable<Binary>,
        ip_prefix -> Text,
    }
}

diesel::table! {
    cases (id) {
        id -> Integer,
        status -> Text,
        title -> Text,
        assignee_id -> Nullable<Integer>,
        product_id -> Nullable<Integer>,
        producer_id -> Nullable<Integer>,
        lot_id -> Nullable<Integer>,
        outlet_id -> Nullable<Integer>,
        label_id -> Nullable<Integer>,
        report_id -> Nullable<Integer>,
        created_by -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_events (id) {
        id -> Integer,
        case_id -> Integer,
        at -> Timestamp,
        by_user -> Integer,
        kind -> Text,
        detail -> Text,
    }
}

diesel::joinable!(labels -> label_batches (batch_id));
diesel::joinable!(labels -> lots (lot_id));
diesel::joinable!(labels -> products (product_id));
diesel::joinable!(label_sales -> labels (label_id));
diesel::joinable!(lot_recalls -> lots (lot_id));
diesel::joinable!(case_events -> cases (case_id));

diesel::table! {
    rollup_product_days (outlet_id, product_id, day) {
        outlet_id -> Integer,
        product_id -> Integer,
        day -> Date,
        sold_milli -> BigInt,
        revenue -> BigInt,
        receipts -> Integer,
        refunded_milli -> BigInt,
        refunded -> BigInt,
        refunds -> Integer,
    }
}

diesel::table! {
    rollup_producer_days (outlet_id, producer_id, day) {
        outlet_id -> Integer,
        producer_id -> Integer,
        day -> Date,
        receipts -> Integer,
    }
}

diesel::table! {
    rollup_outlet_days (outlet_id, day) {
        outlet_id -> Integer,
        day -> Date,
        receipts -> Integer,
        gross -> BigInt,
        refunds -> Integer,
        refunded -> BigInt,
    }
}

diesel::table! {
    rollup_cursors (source) {
        source -> Text,
        last_id -> Integer,
        checked_at -> Timestamp,
    }
}

diesel::joinable!(rollup_product_days -> outlets (outlet_id));
diesel::joinable!(rollup_product_days -> products (product_id));
diesel::joinable!(rollup_producer_days -> outlets (outlet_id));
diesel::joinable!(rollup_producer_days -> producers (producer_id));
diesel::joinable!(rollup_outlet_days -> outlets (outlet_id));

diesel::allow_tables_to_appear_in_same_query!(
    banks,
    catalogue_counter,
    catalogue_versions,
    districts,
    outlets,
    producers,
    product_groups,
    product_prices,
    products,
    server_settings,
    users,
    consignment_agreements,
    lots,
    stock_documents,
    stock_document_lines,
    stock_ledger,
    stock_on_hand,
    stock_document_counters,
    stock_thresholds,
    tills,
    journal_entries,
    journal_problems,
    sales,
    sale_lines,
    sale_payments,
    sale_vat,
    refunds,
    refund_lines,
    refund_payments,
    refund_vat,
    transfer_confirmations,
    shifts,
    cash_movements,
    shift_closings,
    shift_acknowledgements,
    daily_closings,
    revoked_tokens,
    settlement_statements,
    settlement_lines,
    settlement_events,
    settlement_adjustments,
    settlement_payouts,
    settlement_members,
    settlement_member_backfills,
    portal_notices,
    label_batches,
    labels,
    label_sales,
    sale_line_serials,
    label_scans,
    lot_recalls,
    fake_reports,
    cases,
    case_events,
    vat_invoice_requests,
    programme_targets,
    rollup_product_days,
    rollup_producer_days,
    rollup_outlet_days,
    rollup_cursors,
);

// oversight and programme indicators (issue 17)
diesel::table! {
    programme_targets (id) {
        id -> Integer,
        year -> Integer,
        indicator -> Text,
        target -> Integer,
        note -> Text,
        entered_by -> Nullable<Integer>,
        entered_at -> Timestamp,
    }
}
