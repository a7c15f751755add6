DROP INDEX refunds_outlet_day;
DROP TABLE rollup_cursors;
DROP TABLE rollup_outlet_days;
DROP TABLE rollup_producer_days;
DROP TABLE rollup_product_days;
