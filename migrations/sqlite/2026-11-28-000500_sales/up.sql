-- Sales on the server (issue 5): tills, the per-till journal, sales,
-- refunds, payment confirmations, shifts and closings.
-- Keep column types in step with the other backend's copy of this file: the
-- diesel schema (server/src/db/schema.rs) is shared, and the foundation test
-- schema_file_matches_the_migrated_database checks both against it.
-- Everything here is append-only (triggers at the end refuse UPDATE and
-- DELETE): a correction is a new row.

-- A till registered by a manager. The secret is shown once; only its
-- SHA-256 (hex) is kept.
CREATE TABLE tills (
    id INTEGER PRIMARY KEY NOT NULL,
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    name TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);

-- One row per receipt number of a till, sale or refund: the unique key is
-- what makes a second copy of a receipt number impossible, and the rows in
-- receipt order are the chain `journal verify` walks.
CREATE TABLE journal_entries (
    id INTEGER PRIMARY KEY NOT NULL,
    till_id INTEGER NOT NULL REFERENCES tills (id),
    receipt_no BIGINT NOT NULL,
    -- 'sale' or 'refund'
    kind TEXT NOT NULL,
    record_uuid TEXT NOT NULL UNIQUE,
    -- 'ok', or 'flagged' when the chain check found a problem on arrival
    chain_status TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    UNIQUE (till_id, receipt_no)
);

-- Problems the chain check found when a record arrived (gaps, broken
-- links): stored, never hidden, never blocking the sale.
CREATE TABLE journal_problems (
    id INTEGER PRIMARY KEY NOT NULL,
    till_id INTEGER NOT NULL REFERENCES tills (id),
    receipt_no BIGINT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    found_at TIMESTAMP NOT NULL
);
CREATE INDEX journal_problems_till ON journal_problems (till_id, receipt_no);

CREATE TABLE sales (
    id INTEGER PRIMARY KEY NOT NULL,
    uuid TEXT NOT NULL UNIQUE,
    till_id INTEGER NOT NULL REFERENCES tills (id),
    receipt_no BIGINT NOT NULL,
    sold_at TIMESTAMP NOT NULL,
    cashier_id INTEGER NOT NULL REFERENCES users (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    shift_uuid TEXT NOT NULL,
    total BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    UNIQUE (till_id, receipt_no)
);
CREATE INDEX sales_shift ON sales (shift_uuid);
CREATE INDEX sales_outlet_day ON sales (outlet_id, sold_at);

CREATE TABLE sale_lines (
    id INTEGER PRIMARY KEY NOT NULL,
    sale_id INTEGER NOT NULL REFERENCES sales (id),
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    lot_code TEXT,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    group_code TEXT NOT NULL,
    qty_milli BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    catalogue_price BIGINT,
    -- the server's catalogue price when the sale arrived (reported when it differs)
    server_price BIGINT,
    discount BIGINT NOT NULL,
    discount_reason TEXT,
    vat_rate TEXT NOT NULL,
    amount BIGINT NOT NULL,
    UNIQUE (sale_id, line_no)
);

-- method: 'cash' (tendered, change_given), 'bank_transfer' (transfer_status,
-- reference), 'card' (reference = terminal reference).
CREATE TABLE sale_payments (
    id INTEGER PRIMARY KEY NOT NULL,
    sale_id INTEGER NOT NULL REFERENCES sales (id),
    seq INTEGER NOT NULL,
    method TEXT NOT NULL,
    amount BIGINT NOT NULL,
    tendered BIGINT,
    change_given BIGINT,
    transfer_status TEXT,
    reference TEXT,
    UNIQUE (sale_id, seq)
);

CREATE TABLE sale_vat (
    id INTEGER PRIMARY KEY NOT NULL,
    sale_id INTEGER NOT NULL REFERENCES sales (id),
    vat_rate TEXT NOT NULL,
    gross BIGINT NOT NULL,
    vat BIGINT NOT NULL,
    net BIGINT NOT NULL
);
CREATE INDEX sale_vat_sale ON sale_vat (sale_id);

CREATE TABLE refunds (
    id INTEGER PRIMARY KEY NOT NULL,
    uuid TEXT NOT NULL UNIQUE,
    till_id INTEGER NOT NULL REFERENCES tills (id),
    receipt_no BIGINT NOT NULL,
    refunded_at TIMESTAMP NOT NULL,
    cashier_id INTEGER NOT NULL REFERENCES users (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    shift_uuid TEXT NOT NULL,
    sale_id INTEGER NOT NULL REFERENCES sales (id),
    reason TEXT NOT NULL,
    total BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    UNIQUE (till_id, receipt_no)
);
CREATE INDEX refunds_sale ON refunds (sale_id);
CREATE INDEX refunds_shift ON refunds (shift_uuid);

CREATE TABLE refund_lines (
    id INTEGER PRIMARY KEY NOT NULL,
    refund_id INTEGER NOT NULL REFERENCES refunds (id),
    seq INTEGER NOT NULL,
    original_line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    lot_code TEXT,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    group_code TEXT NOT NULL,
    vat_rate TEXT NOT NULL,
    qty_milli BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    restock TEXT NOT NULL,
    UNIQUE (refund_id, seq)
);

CREATE TABLE refund_payments (
    id INTEGER PRIMARY KEY NOT NULL,
    refund_id INTEGER NOT NULL REFERENCES refunds (id),
    seq INTEGER NOT NULL,
    method TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reference TEXT,
    UNIQUE (refund_id, seq)
);

CREATE TABLE refund_vat (
    id INTEGER PRIMARY KEY NOT NULL,
    refund_id INTEGER NOT NULL REFERENCES refunds (id),
    vat_rate TEXT NOT NULL,
    gross BIGINT NOT NULL,
    vat BIGINT NOT NULL,
    net BIGINT NOT NULL
);
CREATE INDEX refund_vat_refund ON refund_vat (refund_id);

-- A bank transfer confirmed after the sale was sealed: by the cashier, or
-- by a signed bank notification. Appended, never written into the sale.
CREATE TABLE transfer_confirmations (
    id INTEGER PRIMARY KEY NOT NULL,
    sale_id INTEGER NOT NULL REFERENCES sales (id),
    -- 'cashier' or 'bank'
    source TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reference TEXT,
    confirmed_by INTEGER REFERENCES users (id),
    confirmed_at TIMESTAMP NOT NULL
);
CREATE INDEX transfer_confirmations_sale ON transfer_confirmations (sale_id);
-- A bank transaction confirms at most one sale, once (retried notifications).
CREATE UNIQUE INDEX transfer_confirmations_bank_ref ON transfer_confirmations (reference)
    WHERE source = 'bank';

-- Shifts are opened on the till (client-generated id, like sales).
CREATE TABLE shifts (
    id INTEGER PRIMARY KEY NOT NULL,
    uuid TEXT NOT NULL UNIQUE,
    till_id INTEGER NOT NULL REFERENCES tills (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    cashier_id INTEGER NOT NULL REFERENCES users (id),
    opened_at TIMESTAMP NOT NULL,
    opening_float BIGINT NOT NULL
);

-- Cash put in or taken out of the drawer during a shift.
CREATE TABLE cash_movements (
    id INTEGER PRIMARY KEY NOT NULL,
    uuid TEXT NOT NULL UNIQUE,
    shift_id INTEGER NOT NULL REFERENCES shifts (id),
    at TIMESTAMP NOT NULL,
    -- 'in' or 'out'
    direction TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users (id)
);
CREATE INDEX cash_movements_shift ON cash_movements (shift_id);

-- The Z report: a shift closes once. summary/closing are the core's JSON,
-- kept as printed so the report reads the same forever.
CREATE TABLE shift_closings (
    id INTEGER PRIMARY KEY NOT NULL,
    shift_id INTEGER NOT NULL UNIQUE REFERENCES shifts (id),
    closed_at TIMESTAMP NOT NULL,
    summary TEXT NOT NULL,
    closing TEXT NOT NULL,
    net_sales BIGINT NOT NULL,
    gross_sales BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    total_variance BIGINT NOT NULL,
    last_hash TEXT,
    closed_by INTEGER REFERENCES users (id)
);

CREATE TABLE shift_acknowledgements (
    id INTEGER PRIMARY KEY NOT NULL,
    shift_id INTEGER NOT NULL UNIQUE REFERENCES shifts (id),
    acknowledged_by INTEGER NOT NULL REFERENCES users (id),
    acknowledged_at TIMESTAMP NOT NULL,
    note TEXT NOT NULL
);

-- One per outlet and day, numbered; the grand total never resets.
CREATE TABLE daily_closings (
    id INTEGER PRIMARY KEY NOT NULL,
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    day DATE NOT NULL,
    closing_no INTEGER NOT NULL,
    report TEXT NOT NULL,
    grand_total BIGINT NOT NULL,
    closed_by INTEGER NOT NULL REFERENCES users (id),
    closed_at TIMESTAMP NOT NULL,
    UNIQUE (outlet_id, day),
    UNIQUE (outlet_id, closing_no)
);
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_problems_no_update BEFORE UPDATE ON journal_problems
BEGIN SELECT RAISE(ABORT, 'journal_problems is append-only'); END;
CREATE TRIGGER journal_problems_no_delete BEFORE DELETE ON journal_problems
BEGIN SELECT RAISE(ABORT, 'journal_problems is append-only'); END;
CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'sales is append-only'); END;
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'sales is append-only'); END;
CREATE TRIGGER sale_lines_no_update BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sale_lines is append-only'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sale_lines is append-only'); END;
CREATE TRIGGER sale_payments_no_update BEFORE UPDATE ON sale_payments
BEGIN SELECT RAISE(ABORT, 'sale_payments is append-only'); END;
CREATE TRIGGER sale_payments_no_delete BEFORE DELETE ON sale_payments
BEGIN SELECT RAISE(ABORT, 'sale_payments is append-only'); END;
CREATE TRIGGER sale_vat_no_update BEFORE UPDATE ON sale_vat
BEGIN SELECT RAISE(ABORT, 'sale_vat is append-only'); END;
CREATE TRIGGER sale_vat_no_delete BEFORE DELETE ON sale_vat
BEGIN SELECT RAISE(ABORT, 'sale_vat is append-only'); END;
CREATE TRIGGER refunds_no_update BEFORE UPDATE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds is append-only'); END;
CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds is append-only'); END;
CREATE TRIGGER refund_lines_no_update BEFORE UPDATE ON refund_lines
BEGIN SELECT RAISE(ABORT, 'refund_lines is append-only'); END;
CREATE TRIGGER refund_lines_no_delete BEFORE DELETE ON refund_lines
BEGIN SELECT RAISE(ABORT, 'refund_lines is append-only'); END;
CREATE TRIGGER refund_payments_no_update BEFORE UPDATE ON refund_payments
BEGIN SELECT RAISE(ABORT, 'refund_payments is append-only'); END;
CREATE TRIGGER refund_payments_no_delete BEFORE DELETE ON refund_payments
BEGIN SELECT RAISE(ABORT, 'refund_payments is append-only'); END;
CREATE TRIGGER refund_vat_no_update BEFORE UPDATE ON refund_vat
BEGIN SELECT RAISE(ABORT, 'refund_vat is append-only'); END;
CREATE TRIGGER refund_vat_no_delete BEFORE DELETE ON refund_vat
BEGIN SELECT RAISE(ABORT, 'refund_vat is append-only'); END;
CREATE TRIGGER transfer_confirmations_no_update BEFORE UPDATE ON transfer_confirmations
BEGIN SELECT RAISE(ABORT, 'transfer_confirmations is append-only'); END;
CREATE TRIGGER transfer_confirmations_no_delete BEFORE DELETE ON transfer_confirmations
BEGIN SELECT RAISE(ABORT, 'transfer_confirmations is append-only'); END;
CREATE TRIGGER shifts_no_update BEFORE UPDATE ON shifts
BEGIN SELECT RAISE(ABORT, 'shifts is append-only'); END;
CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
BEGIN SELECT RAISE(ABORT, 'shifts is append-only'); END;
CREATE TRIGGER cash_movements_no_update BEFORE UPDATE ON cash_movements
BEGIN SELECT RAISE(ABORT, 'cash_movements is append-only'); END;
CREATE TRIGGER cash_movements_no_delete BEFORE DELETE ON cash_movements
BEGIN SELECT RAISE(ABORT, 'cash_movements is append-only'); END;
CREATE TRIGGER shift_closings_no_update BEFORE UPDATE ON shift_closings
BEGIN SELECT RAISE(ABORT, 'shift_closings is append-only'); END;
CREATE TRIGGER shift_closings_no_delete BEFORE DELETE ON shift_closings
BEGIN SELECT RAISE(ABORT, 'shift_closings is append-only'); END;
CREATE TRIGGER shift_acknowledgements_no_update BEFORE UPDATE ON shift_acknowledgements
BEGIN SELECT RAISE(ABORT, 'shift_acknowledgements is append-only'); END;
CREATE TRIGGER shift_acknowledgements_no_delete BEFORE DELETE ON shift_acknowledgements
BEGIN SELECT RAISE(ABORT, 'shift_acknowledgements is append-only'); END;
CREATE TRIGGER daily_closings_no_update BEFORE UPDATE ON daily_closings
BEGIN SELECT RAISE(ABORT, 'daily_closings is append-only'); END;
CREATE TRIGGER daily_closings_no_delete BEFORE DELETE ON daily_closings
BEGIN SELECT RAISE(ABORT, 'daily_closings is append-only'); END;
