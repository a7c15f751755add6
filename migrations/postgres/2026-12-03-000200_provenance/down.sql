DROP FUNCTION IF EXISTS provenance_append_only() CASCADE;
DROP TABLE case_events;
DROP TABLE cases;
DROP TABLE fake_reports;
DROP TABLE lot_recalls;
DROP TABLE label_scans;
DROP TABLE label_sales;
DROP TABLE labels;
DROP TABLE label_batches;
