-- Per-customer rollups for the dashboard's account summary (issue 4).
--
-- The dashboard showed a customer's total orders, orders in progress, open
-- balance and lifetime sales by aggregating every order and invoice of the
-- customer on each visit: index-only, but about 130 ms for a customer with
-- 200,000 orders, and the dashboard is the first screen of every visit. The
-- counts and sums are now kept per customer and status by statement-level
-- triggers (one upsert per customer and status a statement touches, so a
-- bulk sync of 1,000 orders costs one small aggregate, not 1,000 row
-- triggers), and the dashboard reads a handful of rows.
--
-- Rows are keyed by status, not by what the dashboard shows, so that which
-- statuses count as "in progress" stays a decision of the Go code
-- (portal.OpenOrderStatuses) and no backfill is needed when it changes.
-- A count never goes below zero: the triggers move exactly what the
-- statement moved, inside the statement's own transaction.

CREATE TABLE customer_order_counts (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    customer_id uuid NOT NULL,
    status      text NOT NULL,
    orders      bigint NOT NULL CHECK (orders >= 0),
    PRIMARY KEY (tenant_id, customer_id, status),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE customer_order_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_order_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_order_counts
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_order_counts TO portal_app;

CREATE TABLE customer_invoice_sums (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    customer_id  uuid NOT NULL,
    status       text NOT NULL,
    invoices     bigint NOT NULL CHECK (invoices >= 0),
    total_minor  bigint NOT NULL,
    paid_minor   bigint NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, status),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE customer_invoice_sums ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_invoice_sums FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_invoice_sums
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_invoice_sums TO portal_app;

-- The deltas of one statement: +1 per new row, -1 per old row, grouped. An
-- UPDATE that changes neither customer nor status nets to zero and writes
-- nothing. Rows are upserted in key order, so two statements touching the
-- same customers lock their rollup rows in the same order (no deadlock).
-- The functions run as the caller: row-level security applies to the
-- rollups exactly as to the orders that moved them.
CREATE FUNCTION customer_order_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO customer_order_counts AS c (tenant_id, customer_id, status, orders)
        SELECT tenant_id, customer_id, status, count(*) FROM new_rows
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, customer_id, status) DO UPDATE SET orders = c.orders + EXCLUDED.orders;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Decrements go through UPDATE (their rows exist: the old rows
        -- counted there), increments through the upsert; a negative count
        -- proposed to an INSERT would fail the CHECK before its conflict.
        WITH d AS (
            SELECT tenant_id, customer_id, status, sum(d) AS n FROM (
                SELECT tenant_id, customer_id, status, 1 AS d FROM new_rows
                UNION ALL SELECT tenant_id, customer_id, status, -1 FROM old_rows) m
            GROUP BY 1, 2, 3 HAVING sum(d) <> 0),
        dec AS (
            UPDATE customer_order_counts c SET orders = c.orders + d.n FROM d
            WHERE d.n < 0 AND c.tenant_id = d.tenant_id AND c.customer_id = d.customer_id AND c.status = d.status)
        INSERT INTO customer_order_counts AS c (tenant_id, customer_id, status, orders)
        SELECT tenant_id, customer_id, status, n FROM d WHERE n > 0 ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, customer_id, status) DO UPDATE SET orders = c.orders + EXCLUDED.orders;
    ELSE
        UPDATE customer_order_counts c SET orders = c.orders - m.n
        FROM (SELECT tenant_id, customer_id, status, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) m
        WHERE c.tenant_id = m.tenant_id AND c.customer_id = m.customer_id AND c.status = m.status;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER orders_rollup_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customer_order_counts_apply();
CREATE TRIGGER orders_rollup_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customer_order_counts_apply();
CREATE TRIGGER orders_rollup_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customer_order_counts_apply();

CREATE FUNCTION customer_invoice_sums_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO customer_invoice_sums AS c (tenant_id, customer_id, status, invoices, total_minor, paid_minor)
        SELECT tenant_id, customer_id, status, count(*), sum(total_minor), sum(amount_paid_minor) FROM new_rows
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, customer_id, status) DO UPDATE SET invoices = c.invoices + EXCLUDED.invoices,
            total_minor = c.total_minor + EXCLUDED.total_minor, paid_minor = c.paid_minor + EXCLUDED.paid_minor;
    ELSIF TG_OP = 'UPDATE' THEN
        WITH d AS (
            SELECT tenant_id, customer_id, status, sum(n) AS n, sum(t) AS t, sum(p) AS p FROM (
                SELECT tenant_id, customer_id, status, 1 AS n, total_minor AS t, amount_paid_minor AS p FROM new_rows
                UNION ALL SELECT tenant_id, customer_id, status, -1, -total_minor, -amount_paid_minor FROM old_rows) m
            GROUP BY 1, 2, 3 HAVING sum(n) <> 0 OR sum(t) <> 0 OR sum(p) <> 0),
        dec AS (
            UPDATE customer_invoice_sums c SET invoices = c.invoices + d.n, total_minor = c.total_minor + d.t,
                paid_minor = c.paid_minor + d.p FROM d
            WHERE d.n < 0 AND c.tenant_id = d.tenant_id AND c.customer_id = d.customer_id AND c.status = d.status)
        INSERT INTO customer_invoice_sums AS c (tenant_id, customer_id, status, invoices, total_minor, paid_minor)
        SELECT tenant_id, customer_id, status, n, t, p FROM d WHERE n >= 0 ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, customer_id, status) DO UPDATE SET invoices = c.invoices + EXCLUDED.invoices,
            total_minor = c.total_minor + EXCLUDED.total_minor, paid_minor = c.paid_minor + EXCLUDED.paid_minor;
    ELSE
        UPDATE customer_invoice_sums c SET invoices = c.invoices - m.n, total_minor = c.total_minor - m.t,
            paid_minor = c.paid_minor - m.p
        FROM (SELECT tenant_id, customer_id, status, count(*) AS n, sum(total_minor) AS t, sum(amount_paid_minor) AS p
              FROM old_rows GROUP BY 1, 2, 3) m
        WHERE c.tenant_id = m.tenant_id AND c.customer_id = m.customer_id AND c.status = m.status;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER invoices_rollup_insert AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customer_invoice_sums_apply();
CREATE TRIGGER invoices_rollup_update AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customer_invoice_sums_apply();
CREATE TRIGGER invoices_rollup_delete AFTER DELETE ON invoices REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION customer_invoice_sums_apply();

-- Backfill what exists (see migrations.go on FORCE and migrations).
ALTER TABLE orders NO FORCE ROW LEVEL SECURITY;
ALTER TABLE invoices NO FORCE ROW LEVEL SECURITY;
ALTER TABLE customer_order_counts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE customer_invoice_sums NO FORCE ROW LEVEL SECURITY;
INSERT INTO customer_order_counts (tenant_id, customer_id, status, orders)
SELECT tenant_id, customer_id, status, count(*) FROM orders GROUP BY 1, 2, 3;
INSERT INTO customer_invoice_sums (tenant_id, customer_id, status, invoices, total_minor, paid_minor)
SELECT tenant_id, customer_id, status, count(*), sum(total_minor), sum(amount_paid_minor) FROM invoices GROUP BY 1, 2, 3;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
ALTER TABLE customer_order_counts FORCE ROW LEVEL SECURITY;
ALTER TABLE customer_invoice_sums FORCE ROW LEVEL SECURITY;
