DROP TRIGGER settlement_members_fixed ON settlement_members;
CREATE TRIGGER settlement_members_fixed BEFORE INSERT OR UPDATE OR DELETE ON settlement_members
FOR EACH ROW EXECUTE FUNCTION settlement_lines_fixed();
DROP FUNCTION settlement_members_fixed();
DROP TABLE settlement_member_backfills;
DROP FUNCTION settlement_member_backfills_empty();
