-- Consignment settlement (issue 13): statements per producer x outlet x
-- period, their lines, the workflow history, adjustments and payouts.
-- Keep column types in step with the other backend's copy of this file.

-- Below this amount a statement's total carries to the next statement.
ALTER TABLE consignment_agreements ADD COLUMN min_payout BIGINT NOT NULL DEFAULT 0;

CREATE TABLE settlement_statements (
    id INTEGER PRIMARY KEY NOT NULL,
    producer_id INTEGER NOT NULL REFERENCES producers (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    agreement_id INTEGER NOT NULL REFERENCES consignment_agreements (id),
    -- '2026-11' or '2026-Q4'; days in Vietnam time; period_end exclusive.
    period TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    prev_statement_id INTEGER REFERENCES settlement_statements (id),
    -- draft, approved, confirmed, disputed, paid.
    status TEXT NOT NULL,
    -- Sales and refunds the server had received by this instant (and sold
    -- before the period's end) are in this statement or an earlier one.
    cutoff_at TIMESTAMP NOT NULL,
    terms TEXT NOT NULL,
    commission_bp INTEGER,
    loss_bearer TEXT NOT NULL,
    min_payout BIGINT NOT NULL,
    gross BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    net_sales BIGINT NOT NULL,
    outlet_losses BIGINT NOT NULL,
    producer_losses BIGINT NOT NULL,
    commission BIGINT NOT NULL,
    producer_share BIGINT NOT NULL,
    adjustments BIGINT NOT NULL,
    carried_in BIGINT NOT NULL,
    total_due BIGINT NOT NULL,
    net_payable BIGINT NOT NULL,
    carried_forward BIGINT NOT NULL,
    rounding_rule TEXT NOT NULL,
    -- The canonical JSON of every figure and line, and its SHA-256: a
    -- re-run with the same cutoff must give the same bytes.
    figures TEXT NOT NULL,
    figures_sha256 TEXT NOT NULL,
    computed_by INTEGER REFERENCES users (id),
    computed_at TIMESTAMP NOT NULL,
    UNIQUE (producer_id, outlet_id, period)
);
CREATE INDEX settlement_statements_status ON settlement_statements (status, outlet_id);

-- kind: 'stock' (a product x lot row), 'late_sale', 'late_refund' (arrived
-- after their period's statement), 'adjustment' (corrects an earlier one).
CREATE TABLE settlement_lines (
    id INTEGER PRIMARY KEY NOT NULL,
    statement_id INTEGER NOT NULL REFERENCES settlement_statements (id),
    line_no INTEGER NOT NULL,
    kind TEXT NOT NULL,
    product_id INTEGER REFERENCES products (id),
    lot_id INTEGER REFERENCES lots (id),
    lot_code TEXT NOT NULL,
    name TEXT NOT NULL,
    opening_milli BIGINT NOT NULL,
    received_milli BIGINT NOT NULL,
    transferred_in_milli BIGINT NOT NULL,
    transferred_out_milli BIGINT NOT NULL,
    sold_milli BIGINT NOT NULL,
    refunded_milli BIGINT NOT NULL,
    returned_milli BIGINT NOT NULL,
    written_off_milli BIGINT NOT NULL,
    closing_milli BIGINT NOT NULL,
    retail_price BIGINT NOT NULL,
    payout_price BIGINT,
    amount BIGINT NOT NULL,
    reference TEXT NOT NULL,
    original_at TIMESTAMP,
    corrects_statement_id INTEGER REFERENCES settlement_statements (id),
    UNIQUE (statement_id, line_no)
);

-- Every step: who and when (append-only).
CREATE TABLE settlement_events (
    id INTEGER PRIMARY KEY NOT NULL,
    statement_id INTEGER NOT NULL REFERENCES settlement_statements (id),
    step TEXT NOT NULL,
    comment TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX settlement_events_statement ON settlement_events (statement_id, id);

-- Corrections of approved statements, applied in the pair's next
-- statement computed after them (append-only).
CREATE TABLE settlement_adjustments (
    id INTEGER PRIMARY KEY NOT NULL,
    producer_id INTEGER NOT NULL REFERENCES producers (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    corrects_statement_id INTEGER NOT NULL REFERENCES settlement_statements (id),
    amount BIGINT NOT NULL,
    reason TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX settlement_adjustments_pair ON settlement_adjustments (producer_id, outlet_id, created_at);

-- One payout per statement, ever (append-only).
CREATE TABLE settlement_payouts (
    id INTEGER PRIMARY KEY NOT NULL,
    statement_id INTEGER NOT NULL UNIQUE REFERENCES settlement_statements (id),
    amount BIGINT NOT NULL,
    bank_bin TEXT NOT NULL,
    bank_account TEXT NOT NULL,
    memo TEXT NOT NULL,
    reference TEXT NOT NULL,
    paid_by INTEGER REFERENCES users (id),
    paid_at TIMESTAMP NOT NULL
);

CREATE INDEX stock_ledger_owner ON stock_ledger (outlet_id, owner_producer_id, created_at);

-- An approved (or later) statement never changes: only its status moves
-- forward; drafts may be recomputed or removed.
CREATE TRIGGER settlement_statements_fixed BEFORE UPDATE ON settlement_statements
WHEN OLD.status <> 'draft' AND (
    NEW.status = 'draft' OR NEW.figures IS NOT OLD.figures
    OR NEW.figures_sha256 IS NOT OLD.figures_sha256 OR NEW.cutoff_at IS NOT OLD.cutoff_at
    OR NEW.producer_id IS NOT OLD.producer_id OR NEW.outlet_id IS NOT OLD.outlet_id
    OR NEW.period IS NOT OLD.period OR NEW.gross IS NOT OLD.gross
    OR NEW.refunds IS NOT OLD.refunds OR NEW.net_sales IS NOT OLD.net_sales
    OR NEW.outlet_losses IS NOT OLD.outlet_losses OR NEW.producer_losses IS NOT OLD.producer_losses
    OR NEW.commission IS NOT OLD.commission OR NEW.producer_share IS NOT OLD.producer_share
    OR NEW.adjustments IS NOT OLD.adjustments OR NEW.carried_in IS NOT OLD.carried_in
    OR NEW.total_due IS NOT OLD.total_due OR NEW.net_payable IS NOT OLD.net_payable
    OR NEW.carried_forward IS NOT OLD.carried_forward OR NEW.computed_at IS NOT OLD.computed_at)
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
CREATE TRIGGER settlement_statements_no_delete BEFORE DELETE ON settlement_statements
WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
CREATE TRIGGER settlement_lines_fixed_insert BEFORE INSERT ON settlement_lines
WHEN (SELECT status FROM settlement_statements WHERE id = NEW.statement_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
CREATE TRIGGER settlement_lines_fixed_update BEFORE UPDATE ON settlement_lines
WHEN (SELECT status FROM settlement_statements WHERE id = OLD.statement_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
CREATE TRIGGER settlement_lines_fixed_delete BEFORE DELETE ON settlement_lines
WHEN (SELECT status FROM settlement_statements WHERE id = OLD.statement_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
CREATE TRIGGER settlement_events_no_update BEFORE UPDATE ON settlement_events
BEGIN SELECT RAISE(ABORT, 'settlement_events is append-only'); END;
CREATE TRIGGER settlement_events_no_delete BEFORE DELETE ON settlement_events
BEGIN SELECT RAISE(ABORT, 'settlement_events is append-only'); END;
CREATE TRIGGER settlement_adjustments_no_update BEFORE UPDATE ON settlement_adjustments
BEGIN SELECT RAISE(ABORT, 'settlement_adjustments is append-only'); END;
CREATE TRIGGER settlement_adjustments_no_delete BEFORE DELETE ON settlement_adjustments
BEGIN SELECT RAISE(ABORT, 'settlement_adjustments is append-only'); END;
CREATE TRIGGER settlement_payouts_no_update BEFORE UPDATE ON settlement_payouts
BEGIN SELECT RAISE(ABORT, 'settlement_payouts is append-only'); END;
CREATE TRIGGER settlement_payouts_no_delete BEFORE DELETE ON settlement_payouts
BEGIN SELECT RAISE(ABORT, 'settlement_payouts is append-only'); END;
