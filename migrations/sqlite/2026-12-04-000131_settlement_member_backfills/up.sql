-- Backfilling what statements computed before 2026-12-04-000130 hold: they
-- have no settlement_members rows, and an approved statement refuses new
-- members. A statement listed here (while the backfill's transaction runs)
-- may receive members, and only a statement holding none may be listed:
-- so members are added once, to a statement that had none, and the
-- protection stays otherwise. Keep in step with the other backend's copy.
CREATE TABLE settlement_member_backfills (
    statement_id INTEGER PRIMARY KEY NOT NULL REFERENCES settlement_statements (id)
);
CREATE TRIGGER settlement_member_backfills_empty BEFORE INSERT ON settlement_member_backfills
WHEN EXISTS (SELECT 1 FROM settlement_members WHERE statement_id = NEW.statement_id)
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
CREATE TRIGGER settlement_member_backfills_no_update BEFORE UPDATE ON settlement_member_backfills
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;

DROP TRIGGER settlement_members_fixed_insert;
CREATE TRIGGER settlement_members_fixed_insert BEFORE INSERT ON settlement_members
WHEN (SELECT status FROM settlement_statements WHERE id = NEW.statement_id) <> 'draft'
    AND NOT EXISTS (
        SELECT 1 FROM settlement_member_backfills WHERE statement_id = NEW.statement_id
    )
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
