DROP TABLE programme_targets;
ALTER TABLE producers DROP COLUMN programme_origin;
ALTER TABLE products DROP COLUMN rating_body;
ALTER TABLE products DROP COLUMN rating_decision_on;
ALTER TABLE products DROP COLUMN rating_decision_no;
ALTER TABLE products DROP COLUMN rating_score;
