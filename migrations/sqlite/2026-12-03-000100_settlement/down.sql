DROP INDEX stock_ledger_owner;
DROP TABLE settlement_payouts;
DROP TABLE settlement_adjustments;
DROP TABLE settlement_events;
DROP TABLE settlement_lines;
DROP TABLE settlement_statements;
ALTER TABLE consignment_agreements DROP COLUMN min_payout;
