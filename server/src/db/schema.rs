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

diesel::allow_tables_to_appear_in_same_query!(
    banks,
    districts,
    outlets,
    producers,
    product_groups,
    product_prices,
    products,
    server_settings,
    users,
);
