-- Catalogue versions for till sync (issue 3).
--
-- Every change a till must learn about (a product, its price, its producer,
-- an outlet) takes the next number from the single row of
-- catalogue_counter, inside the same write transaction, and stamps it on the
-- changed products. The UPDATE locks that row until commit, so on
-- PostgreSQL concurrent catalogue writers are serialised and versions become
-- visible in order: a reader that sees version v has seen every change <= v.
-- catalogue_versions logs when each version was made, so a delta can also
-- name the products whose certificate started or expired since then.

CREATE TABLE catalogue_counter (
    id INTEGER PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO catalogue_counter (id, version) VALUES (1, 0);

CREATE TABLE catalogue_versions (
    version BIGINT PRIMARY KEY NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER,
    what TEXT NOT NULL
);

ALTER TABLE products ADD COLUMN catalogue_version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX products_catalogue_version ON products (catalogue_version);
CREATE INDEX products_group ON products (group_code);
