-- Which receipts, stock documents and adjustments each statement holds
-- (issue 13): recorded, so each belongs to exactly one statement of its
-- producer x outlet (the unique key), a late one lands in the next
-- statement, and a statement recomputed from its own members gives the same
-- bytes. Keep column types in step with the other backend's copy.
-- kind: 'sale', 'refund', 'document' (a posted stock document's ledger
-- entries), 'adjustment'.
CREATE TABLE settlement_members (
    id INTEGER PRIMARY KEY NOT NULL,
    statement_id INTEGER NOT NULL REFERENCES settlement_statements (id),
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    producer_id INTEGER NOT NULL REFERENCES producers (id),
    kind TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    UNIQUE (outlet_id, producer_id, kind, source_id)
);
CREATE INDEX settlement_members_statement ON settlement_members (statement_id, kind);

-- A fixed statement's members never change.
CREATE TRIGGER settlement_members_fixed_insert BEFORE INSERT ON settlement_members
WHEN (SELECT status FROM settlement_statements WHERE id = NEW.statement_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
CREATE TRIGGER settlement_members_fixed_update BEFORE UPDATE ON settlement_members
WHEN (SELECT status FROM settlement_statements WHERE id = OLD.statement_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
CREATE TRIGGER settlement_members_fixed_delete BEFORE DELETE ON settlement_members
WHEN (SELECT status FROM settlement_statements WHERE id = OLD.statement_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;

-- The producer portal's notifications: one row per event, read or unread.
-- kind: statement_ready (approved, to confirm), statement_paid, low_stock,
-- lot_expiring. dedup_key keeps a condition noticed twice one notice.
CREATE TABLE portal_notices (
    id INTEGER PRIMARY KEY NOT NULL,
    producer_id INTEGER NOT NULL REFERENCES producers (id),
    kind TEXT NOT NULL,
    statement_id INTEGER REFERENCES settlement_statements (id),
    outlet_id INTEGER REFERENCES outlets (id),
    message_vi TEXT NOT NULL,
    message_en TEXT NOT NULL,
    dedup_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (producer_id, dedup_key)
);
CREATE INDEX portal_notices_producer ON portal_notices (producer_id, id);
