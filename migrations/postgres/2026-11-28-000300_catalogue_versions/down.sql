DROP INDEX products_group;
DROP INDEX products_catalogue_version;
ALTER TABLE products DROP COLUMN catalogue_version;
DROP TABLE catalogue_versions;
DROP TABLE catalogue_counter;
