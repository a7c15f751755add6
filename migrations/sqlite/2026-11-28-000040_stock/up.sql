-- Consignment intake and the stock ledger (issue 4).
-- Keep column types in step with the other backend's copy of this file: the
-- diesel schema (server/src/db/schema.rs) is shared, and the foundation test
-- schema_file_matches_the_migrated_database checks both against it.

-- Producer x outlet consignment terms. Goods cannot be received without an
-- agreement active on the day of receipt.
CREATE TABLE consignment_agreements (
    id INTEGER PRIMARY KEY NOT NULL,
    producer_id INTEGER NOT NULL REFERENCES producers (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    -- 'commission' (commission_bp of VAT-inclusive sales) or 'payout_price'
    -- (a fixed payout per unit, agreed on each goods-received line).
    terms TEXT NOT NULL,
    commission_bp INTEGER,
    -- 'monthly' (default) or 'quarterly'.
    settlement_period TEXT NOT NULL,
    -- Who bears expiry and damage losses: 'producer' or 'outlet'.
    loss_bearer TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    note TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consignment_agreements_pair ON consignment_agreements (producer_id, outlet_id);

-- Lots of a product. lot_code '' is the product's "no lot" lot (handicrafts),
-- so every stock row has a lot and the keys below never hold NULL.
CREATE TABLE lots (
    id INTEGER PRIMARY KEY NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    lot_code TEXT NOT NULL,
    produced_on DATE,
    expires_on DATE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (product_id, lot_code)
);

-- Stock documents: goods received, transfer (sent), transfer receipt,
-- count, write-off, return to producer. A draft is numbered only when it is
-- posted, so numbers per outlet and kind have no gaps; a posted document is
-- never changed again.
CREATE TABLE stock_documents (
    id INTEGER PRIMARY KEY NOT NULL,
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    seq INTEGER,
    number TEXT UNIQUE,
    producer_id INTEGER REFERENCES producers (id),
    agreement_id INTEGER REFERENCES consignment_agreements (id),
    dest_outlet_id INTEGER REFERENCES outlets (id),
    ref_document_id INTEGER REFERENCES stock_documents (id),
    write_off_reason TEXT,
    note TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    posted_by INTEGER REFERENCES users (id),
    posted_at TIMESTAMP,
    UNIQUE (outlet_id, kind, seq)
);
CREATE INDEX stock_documents_outlet ON stock_documents (outlet_id, kind, status);
CREATE INDEX stock_documents_ref ON stock_documents (ref_document_id);
-- A transfer is received once: a second receipt of it cannot be stored.
CREATE UNIQUE INDEX stock_documents_one_receipt ON stock_documents (ref_document_id)
    WHERE kind = 'transfer_receipt';

CREATE TABLE stock_document_lines (
    id INTEGER PRIMARY KEY NOT NULL,
    document_id INTEGER NOT NULL REFERENCES stock_documents (id),
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    lot_code TEXT,
    produced_on DATE,
    expires_on DATE,
    -- received / sent / counted / written off / returned, in milli-units.
    qty_milli BIGINT NOT NULL,
    -- count: on hand when posted; transfer receipt: quantity sent.
    expected_milli BIGINT,
    payout_price BIGINT,
    commission_bp INTEGER,
    scan_code TEXT,
    reason TEXT,
    ref_line_id INTEGER REFERENCES stock_document_lines (id),
    UNIQUE (document_id, line_no)
);

-- Append-only: stock changes only by new rows here (see the triggers).
CREATE TABLE stock_ledger (
    id INTEGER PRIMARY KEY NOT NULL,
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    lot_id INTEGER NOT NULL REFERENCES lots (id),
    owner_producer_id INTEGER NOT NULL REFERENCES producers (id),
    qty_milli BIGINT NOT NULL,
    kind TEXT NOT NULL,
    document_id INTEGER REFERENCES stock_documents (id),
    document_line_id INTEGER REFERENCES stock_document_lines (id),
    document_ref TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX stock_ledger_outlet_product ON stock_ledger (outlet_id, product_id, id);
CREATE INDEX stock_ledger_document ON stock_ledger (document_id);
CREATE INDEX stock_ledger_ref ON stock_ledger (document_ref);

-- Σ stock_ledger per key, kept in step in the same transaction as each
-- append; `ocop-server stock verify` checks it.
CREATE TABLE stock_on_hand (
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    lot_id INTEGER NOT NULL REFERENCES lots (id),
    owner_producer_id INTEGER NOT NULL REFERENCES producers (id),
    qty_milli BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (outlet_id, product_id, lot_id, owner_producer_id)
);

-- Gapless document numbers: one counter row per outlet and kind, bumped
-- by an upsert in the posting transaction.
CREATE TABLE stock_document_counters (
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    kind TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (outlet_id, kind)
);

-- Low-stock thresholds per outlet x product (configuration, not fiscal).
CREATE TABLE stock_thresholds (
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    min_qty_milli BIGINT NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (outlet_id, product_id)
);

CREATE TRIGGER stock_ledger_no_update BEFORE UPDATE ON stock_ledger
BEGIN SELECT RAISE(ABORT, 'stock_ledger is append-only'); END;
CREATE TRIGGER stock_ledger_no_delete BEFORE DELETE ON stock_ledger
BEGIN SELECT RAISE(ABORT, 'stock_ledger is append-only'); END;
