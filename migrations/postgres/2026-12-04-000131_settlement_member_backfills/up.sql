-- Backfilling what statements computed before 2026-12-04-000130 hold: they
-- have no settlement_members rows, and an approved statement refuses new
-- members. A statement listed here (while the backfill's transaction runs)
-- may receive members, and only a statement holding none may be listed:
-- so members are added once, to a statement that had none, and the
-- protection stays otherwise. Keep in step with the other backend's copy.
CREATE TABLE settlement_member_backfills (
    statement_id INTEGER PRIMARY KEY REFERENCES settlement_statements (id)
);
CREATE FUNCTION settlement_member_backfills_empty() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR EXISTS (
        SELECT 1 FROM settlement_members WHERE statement_id = NEW.statement_id
    ) THEN
        RAISE EXCEPTION 'an approved settlement statement never changes';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER settlement_member_backfills_empty BEFORE INSERT OR UPDATE
ON settlement_member_backfills
FOR EACH ROW EXECUTE FUNCTION settlement_member_backfills_empty();

CREATE FUNCTION settlement_members_fixed() RETURNS trigger AS $$
DECLARE s TEXT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT status INTO s FROM settlement_statements WHERE id = NEW.statement_id;
        IF s IS DISTINCT FROM 'draft' AND NOT EXISTS (
            SELECT 1 FROM settlement_member_backfills WHERE statement_id = NEW.statement_id
        ) THEN
            RAISE EXCEPTION 'an approved settlement statement never changes';
        END IF;
        RETURN NEW;
    END IF;
    SELECT status INTO s FROM settlement_statements WHERE id = OLD.statement_id;
    IF s IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'an approved settlement statement never changes';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER settlement_members_fixed ON settlement_members;
CREATE TRIGGER settlement_members_fixed BEFORE INSERT OR UPDATE OR DELETE ON settlement_members
FOR EACH ROW EXECUTE FUNCTION settlement_members_fixed();
