-- Issue 17: daily sales rollups for the Department's dashboard, by Vietnam
-- calendar day. Written only by the rollup pass (models/rollup), never in a
-- sale's or refund's transaction: each (outlet, day) pair is recomputed
-- from the raw rows (sales, sale_lines, refunds, refund_lines), so a rescan
-- is harmless and a late offline sale or a late refund only marks its own
-- (outlet, day) to recompute. Revenue is counted on the sale's day, refunds
-- on the refund's day (as the Z reports and the outlet overview do).

-- One outlet, one product, one day: units and revenue sold (sale lines'
-- amounts, in whole đồng), how many receipts held the product, and the
-- refunds of that day apart.
CREATE TABLE rollup_product_days (
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    day DATE NOT NULL,
    sold_milli BIGINT NOT NULL,
    revenue BIGINT NOT NULL,
    receipts INTEGER NOT NULL,
    refunded_milli BIGINT NOT NULL,
    refunded BIGINT NOT NULL,
    refunds INTEGER NOT NULL,
    PRIMARY KEY (outlet_id, product_id, day)
);
CREATE INDEX rollup_product_days_day ON rollup_product_days (day);

-- One outlet, one producer, one day: receipts that held any of the
-- producer's products (a receipt with two of them counts once).
CREATE TABLE rollup_producer_days (
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    producer_id INTEGER NOT NULL REFERENCES producers (id),
    day DATE NOT NULL,
    receipts INTEGER NOT NULL,
    PRIMARY KEY (outlet_id, producer_id, day)
);
CREATE INDEX rollup_producer_days_day ON rollup_producer_days (day);

-- One outlet, one day: receipts (each sale once, whatever it held), their
-- total, and the refunds of the day.
CREATE TABLE rollup_outlet_days (
    outlet_id INTEGER NOT NULL REFERENCES outlets (id),
    day DATE NOT NULL,
    receipts INTEGER NOT NULL,
    gross BIGINT NOT NULL,
    refunds INTEGER NOT NULL,
    refunded BIGINT NOT NULL,
    PRIMARY KEY (outlet_id, day)
);
CREATE INDEX rollup_outlet_days_day ON rollup_outlet_days (day);

-- How far each raw table ('sales', 'refunds') has been rolled up: every
-- id up to last_id is in the rollups. Ids above it may be in too (a pass
-- recomputes what it saw beyond a gap, and sees it again next time).
-- checked_at: the last pass that read this table, the rollups' freshness.
CREATE TABLE rollup_cursors (
    source TEXT PRIMARY KEY NOT NULL,
    last_id INTEGER NOT NULL,
    checked_at TIMESTAMP NOT NULL
);

CREATE INDEX refunds_outlet_day ON refunds (outlet_id, refunded_at);
