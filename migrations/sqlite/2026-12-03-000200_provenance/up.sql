-- Provenance (issue 12): serialised labels, their binding to sales, the
-- public scan log, lot recalls, fake reports and inspector cases.
-- Keep column types in step with the other backend's copy of this file: the
-- diesel schema (server/src/db/schema.rs) is shared, and the foundation test
-- schema_file_matches_the_migrated_database checks both against it.
-- Labels, their batches, sale bindings, recalls and case events are
-- append-only (triggers at the end). The scan log is not: it is pruned
-- after the configured retention (OCOP_SCAN_RETENTION_DAYS).

-- One issuing request: the request id makes a retried request return the
-- labels it issued the first time instead of issuing again.
CREATE TABLE label_batches (
    id INTEGER PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL UNIQUE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    lot_id INTEGER NOT NULL REFERENCES lots (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    label_count INTEGER NOT NULL,
    issued_by INTEGER NOT NULL REFERENCES users (id),
    issued_at TIMESTAMP NOT NULL
);

-- One printed label; the serial is unique across all products.
CREATE TABLE labels (
    id INTEGER PRIMARY KEY NOT NULL,
    serial TEXT NOT NULL UNIQUE,
    batch_id INTEGER NOT NULL REFERENCES label_batches (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    lot_id INTEGER NOT NULL REFERENCES lots (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    issued_by INTEGER NOT NULL REFERENCES users (id),
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX labels_batch ON labels (batch_id);
CREATE INDEX labels_lot ON labels (lot_id);

-- The sale a label left its outlet with (scanned at the till's checkout).
CREATE TABLE label_sales (
    id INTEGER PRIMARY KEY NOT NULL,
    label_id INTEGER NOT NULL UNIQUE REFERENCES labels (id),
    sale_id INTEGER NOT NULL REFERENCES sales (id),
    line_no INTEGER NOT NULL,
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    sold_at TIMESTAMP NOT NULL
);
CREATE INDEX label_sales_sale ON label_sales (sale_id);

-- The label serials a till scanned for each sale line, as sent (one never
-- issued is kept too: it is a signal); label_sales binds the issued ones.
CREATE TABLE sale_line_serials (
    id INTEGER PRIMARY KEY NOT NULL,
    sale_id INTEGER NOT NULL REFERENCES sales (id),
    line_no INTEGER NOT NULL,
    serial TEXT NOT NULL
);
CREATE INDEX sale_line_serials_sale ON sale_line_serials (sale_id);
CREATE INDEX sale_line_serials_serial ON sale_line_serials (serial);

-- Every resolver request: what was asked (GTIN, lot, serial as read), the
-- label when it exists, the status the page showed, and coarse client
-- facts only (IP prefix, user-agent family, a location only if shared).
CREATE TABLE label_scans (
    id INTEGER PRIMARY KEY NOT NULL,
    scanned_at TIMESTAMP NOT NULL,
    gtin TEXT,
    lot_code TEXT,
    serial TEXT,
    label_id INTEGER REFERENCES labels (id),
    product_id INTEGER REFERENCES products (id),
    status TEXT NOT NULL,
    ip_prefix TEXT NOT NULL,
    ua_family TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION
);
CREATE INDEX label_scans_label ON label_scans (label_id, scanned_at);
CREATE INDEX label_scans_serial ON label_scans (serial);
CREATE INDEX label_scans_at ON label_scans (scanned_at);

-- A recalled lot: every outlet stops selling it, the public page says so.
CREATE TABLE lot_recalls (
    id INTEGER PRIMARY KEY NOT NULL,
    lot_id INTEGER NOT NULL UNIQUE REFERENCES lots (id),
    reason TEXT NOT NULL,
    case_id INTEGER,
    recalled_by INTEGER NOT NULL REFERENCES users (id),
    recalled_at TIMESTAMP NOT NULL
);

-- "Báo hàng giả": a report from the public. Only accepted reports are
-- stored; the photo is the server's re-encoded JPEG, never the upload.
CREATE TABLE fake_reports (
    id INTEGER PRIMARY KEY NOT NULL,
    reported_at TIMESTAMP NOT NULL,
    gtin TEXT,
    lot_code TEXT,
    serial TEXT,
    product_id INTEGER REFERENCES products (id),
    label_id INTEGER REFERENCES labels (id),
    what_wrong TEXT NOT NULL,
    where_bought TEXT NOT NULL,
    contact TEXT NOT NULL,
    photo BLOB,
    ip_prefix TEXT NOT NULL
);

-- An inspector's case: its current state here, every step in case_events.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    assignee_id INTEGER REFERENCES users (id),
    product_id INTEGER REFERENCES products (id),
    producer_id INTEGER REFERENCES producers (id),
    lot_id INTEGER REFERENCES lots (id),
    outlet_id INTEGER REFERENCES outlets (id),
    label_id INTEGER REFERENCES labels (id),
    report_id INTEGER REFERENCES fake_reports (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX cases_status ON cases (status);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at TIMESTAMP NOT NULL,
    by_user INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id);

CREATE TRIGGER label_batches_no_update BEFORE UPDATE ON label_batches
BEGIN SELECT RAISE(ABORT, 'label_batches is append-only'); END;
CREATE TRIGGER label_batches_no_delete BEFORE DELETE ON label_batches
BEGIN SELECT RAISE(ABORT, 'label_batches is append-only'); END;
CREATE TRIGGER labels_no_update BEFORE UPDATE ON labels
BEGIN SELECT RAISE(ABORT, 'labels is append-only'); END;
CREATE TRIGGER labels_no_delete BEFORE DELETE ON labels
BEGIN SELECT RAISE(ABORT, 'labels is append-only'); END;
CREATE TRIGGER label_sales_no_update BEFORE UPDATE ON label_sales
BEGIN SELECT RAISE(ABORT, 'label_sales is append-only'); END;
CREATE TRIGGER label_sales_no_delete BEFORE DELETE ON label_sales
BEGIN SELECT RAISE(ABORT, 'label_sales is append-only'); END;
CREATE TRIGGER lot_recalls_no_update BEFORE UPDATE ON lot_recalls
BEGIN SELECT RAISE(ABORT, 'lot_recalls is append-only'); END;
CREATE TRIGGER lot_recalls_no_delete BEFORE DELETE ON lot_recalls
BEGIN SELECT RAISE(ABORT, 'lot_recalls is append-only'); END;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER sale_line_serials_no_update BEFORE UPDATE ON sale_line_serials
BEGIN SELECT RAISE(ABORT, 'sale_line_serials is append-only'); END;
CREATE TRIGGER sale_line_serials_no_delete BEFORE DELETE ON sale_line_serials
BEGIN SELECT RAISE(ABORT, 'sale_line_serials is append-only'); END;
