-- Foundation: server settings, reference data, the catalogue and accounts.
-- Keep column types in step with migrations/postgres (the diesel schema is
-- shared; server/tests/schema_matches.rs checks both against schema.rs).

CREATE TABLE server_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE districts (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE product_groups (
    code TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    food_safety_required BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE banks (
    bin TEXT PRIMARY KEY NOT NULL,
    short_name TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE producers (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    tax_code TEXT UNIQUE,
    district_code TEXT NOT NULL REFERENCES districts (code),
    commune TEXT NOT NULL,
    address TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    bank_bin TEXT REFERENCES banks (bin),
    bank_account TEXT,
    bank_holder TEXT,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE outlets (
    id INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    district_code TEXT NOT NULL REFERENCES districts (code),
    address TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    opening_hours TEXT NOT NULL,
    operator_name TEXT NOT NULL,
    commission_bp INTEGER NOT NULL,
    legal_name TEXT NOT NULL,
    tax_code TEXT NOT NULL,
    phone TEXT NOT NULL,
    bank_bin TEXT REFERENCES banks (bin),
    bank_account TEXT,
    bank_holder TEXT,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY NOT NULL,
    producer_id INTEGER NOT NULL REFERENCES producers (id),
    name_vi TEXT NOT NULL,
    name_en TEXT,
    search_key TEXT NOT NULL,
    group_code TEXT NOT NULL REFERENCES product_groups (code),
    stars INTEGER NOT NULL,
    cert_number TEXT,
    cert_level TEXT,
    cert_issued_on DATE,
    cert_expires_on DATE,
    gtin TEXT UNIQUE,
    internal_code TEXT UNIQUE,
    unit TEXT NOT NULL,
    fractional BOOLEAN NOT NULL,
    vat_rate TEXT NOT NULL,
    price BIGINT NOT NULL,
    food_safety_ref TEXT,
    description TEXT NOT NULL,
    photo_url TEXT,
    key_product BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX products_producer ON products (producer_id);
CREATE INDEX products_search_key ON products (search_key);

-- Price history: appended on every price change, never updated.
CREATE TABLE product_prices (
    id INTEGER PRIMARY KEY NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    price BIGINT NOT NULL,
    changed_by INTEGER,
    valid_from TIMESTAMP NOT NULL
);
CREATE INDEX product_prices_product ON product_prices (product_id, valid_from);

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    outlet_id INTEGER REFERENCES outlets (id),
    producer_id INTEGER REFERENCES producers (id),
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
