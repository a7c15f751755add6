DROP TRIGGER settlement_members_fixed_insert;
CREATE TRIGGER settlement_members_fixed_insert BEFORE INSERT ON settlement_members
WHEN (SELECT status FROM settlement_statements WHERE id = NEW.statement_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'an approved settlement statement never changes'); END;
DROP TABLE settlement_member_backfills;
