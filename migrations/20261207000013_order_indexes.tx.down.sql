DROP INDEX IF EXISTS order_lines_idx1;
DROP INDEX IF EXISTS invoices_idx4;
DROP INDEX IF EXISTS invoices_idx3;
DROP INDEX IF EXISTS orders_idx4;
CREATE INDEX IF NOT EXISTS orders_idx1 ON orders (tenant_id, customer_id, order_date DESC);
DROP INDEX IF EXISTS orders_idx3;
