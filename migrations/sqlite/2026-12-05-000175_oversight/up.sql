-- Issue 17: the Department's oversight and the programme's indicators.
--
-- The rating record behind a certificate's stars: the 100-point score and
-- the rating council's decision (number, date, issuing body). Entered with
-- the certificate; all four or none (checked in models/product/validate.rs).
ALTER TABLE products ADD COLUMN rating_score INTEGER;
ALTER TABLE products ADD COLUMN rating_decision_no TEXT;
ALTER TABLE products ADD COLUMN rating_decision_on DATE;
ALTER TABLE products ADD COLUMN rating_body TEXT;

-- Whether a producer is an existing economic organisation the programme
-- consolidates ('existing') or a new one founded to join it ('new'): the
-- plan counts the two separately (06/KH-UBND 2019, goal 2).
ALTER TABLE producers ADD COLUMN programme_origin TEXT NOT NULL DEFAULT 'existing';

-- The plan's targets per year and indicator, entered by an admin. Never
-- updated: a change is a new row; the current target is the newest row of
-- its (year, indicator), and the older rows are its history.
CREATE TABLE programme_targets (
    id INTEGER PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    target INTEGER NOT NULL,
    note TEXT NOT NULL,
    entered_by INTEGER REFERENCES users (id),
    entered_at TIMESTAMP NOT NULL
);
CREATE INDEX programme_targets_year_indicator ON programme_targets (year, indicator, id);
