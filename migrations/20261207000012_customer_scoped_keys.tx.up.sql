-- Every customer-facing read is scoped to one customer. Shipments learn
-- their order's customer so that the shipments list reads one index range
-- instead of joining every order of the tenant, and payments may only name
-- an invoice of their own customer (a payment of customer A pointing at an
-- invoice of customer B would otherwise leak B's invoice number to A).
--
-- FORCE ROW LEVEL SECURITY would hide other tenants' rows from the backfill
-- and from the new constraints' validation (see migrations.go), so it is
-- lifted on the tables involved for this one transaction.
ALTER TABLE shipments NO FORCE ROW LEVEL SECURITY;
ALTER TABLE orders NO FORCE ROW LEVEL SECURITY;
ALTER TABLE invoices NO FORCE ROW LEVEL SECURITY;
ALTER TABLE payments NO FORCE ROW LEVEL SECURITY;

ALTER TABLE shipments ADD COLUMN customer_id uuid;
UPDATE shipments s SET customer_id = o.customer_id
    FROM orders o WHERE o.tenant_id = s.tenant_id AND o.id = s.order_id;
ALTER TABLE shipments ALTER COLUMN customer_id SET NOT NULL;
-- The shipment's customer is its order's customer.
ALTER TABLE shipments ADD CONSTRAINT shipments_order_customer_fkey
    FOREIGN KEY (tenant_id, customer_id, order_id) REFERENCES orders (tenant_id, customer_id, id);
-- The shipments list: newest first, not yet shipped (no ship date) on top.
CREATE INDEX shipments_idx2 ON shipments (tenant_id, customer_id, ship_date DESC, shipment_number DESC);

ALTER TABLE invoices ADD CONSTRAINT invoices_tenant_id_customer_id_id_key UNIQUE (tenant_id, customer_id, id);
ALTER TABLE payments DROP CONSTRAINT payments_tenant_id_invoice_id_fkey;
ALTER TABLE payments ADD CONSTRAINT payments_invoice_customer_fkey
    FOREIGN KEY (tenant_id, customer_id, invoice_id) REFERENCES invoices (tenant_id, customer_id, id);

ALTER TABLE shipments FORCE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
ALTER TABLE payments FORCE ROW LEVEL SECURITY;
