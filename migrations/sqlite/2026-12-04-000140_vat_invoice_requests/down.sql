DROP TABLE vat_invoice_requests;
