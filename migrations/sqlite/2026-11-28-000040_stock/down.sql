DROP TABLE stock_thresholds;
DROP TABLE stock_document_counters;
DROP TABLE stock_on_hand;
DROP TABLE stock_ledger;
DROP TABLE stock_document_lines;
DROP TABLE stock_documents;
DROP TABLE lots;
DROP TABLE consignment_agreements;
