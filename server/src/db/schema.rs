// One diesel schema for both backends. Column types are the common subset
// diesel's MultiConnection supports; tests/schema_matches.rs checks this file
// against the migrated database on SQLite and on PostgreSQL.

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
);
