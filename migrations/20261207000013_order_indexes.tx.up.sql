-- Indexes for the customer's orders list, search and dashboard at scale
-- (issue 4: 2M orders, 10M lines, a customer with 200k orders). Every
-- customer read is one customer's range of an index whose leading columns
-- are (tenant_id, customer_id); the EXPLAIN findings behind each index are in
-- README.md (Benchmarks).
--
-- These are plain CREATE INDEX, which blocks writes to the table while it
-- builds (about a minute for order_lines at 10M rows on 2 cores); a live
-- database of that size would build them first with CREATE INDEX
-- CONCURRENTLY by hand, after which this migration's IF NOT EXISTS finds them.

-- The orders list, newest first, and the dashboard's order counts: the page
-- is read in index order and the counts are index-only (status is included).
-- A search walks this index too, checking the order and PO numbers from it
-- (po_number and id are included) without visiting the table. It supersedes
-- orders_idx1 (tenant_id, customer_id, order_date DESC).
CREATE INDEX IF NOT EXISTS orders_idx3 ON orders (tenant_id, customer_id, order_date DESC, order_number DESC)
    INCLUDE (status, po_number, id);
DROP INDEX orders_idx1;

-- Orders in progress (portal.OpenOrderStatuses): the dashboard's five newest
-- and their count, without reading the finished orders of a big customer.
CREATE INDEX IF NOT EXISTS orders_idx4 ON orders (tenant_id, customer_id, order_date DESC, order_number DESC)
    WHERE status IN ('pending_review', 'confirmed', 'released', 'in_progress', 'partial_complete', 'complete',
                     'shipped', 'partial_shipped', 'on_hold');

-- Recent invoices, newest first, and lifetime sales (index-only).
CREATE INDEX IF NOT EXISTS invoices_idx3 ON invoices (tenant_id, customer_id, invoice_date DESC, invoice_number DESC)
    INCLUDE (status, total_minor);

-- The open balance: only the unpaid invoices.
CREATE INDEX IF NOT EXISTS invoices_idx4 ON invoices (tenant_id, customer_id) INCLUDE (total_minor, amount_paid_minor)
    WHERE status IN ('open', 'partially_paid');

-- Search: a line description matches through an index-only probe per order.
--
-- Why not pg_trgm: a trigram index could serve ILIKE '%term%', but not under
-- row-level security. ILIKE (texticlike) is not LEAKPROOF, so PostgreSQL
-- will not evaluate it inside an index scan ahead of the tenant_isolation
-- policy's qual, and the app role's searches never use such an index (seen
-- in EXPLAIN: a parallel seq scan of order_lines instead). Marking it
-- leakproof needs a superuser and would be a security decision of its own.
CREATE INDEX IF NOT EXISTS order_lines_idx1 ON order_lines (tenant_id, order_id) INCLUDE (description);
