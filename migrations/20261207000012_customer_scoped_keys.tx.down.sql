-- Restoring the old foreign key validates every tenant's payments: lift
-- FORCE for this transaction (see migrations.go).
ALTER TABLE payments NO FORCE ROW LEVEL SECURITY;
ALTER TABLE invoices NO FORCE ROW LEVEL SECURITY;
ALTER TABLE payments DROP CONSTRAINT payments_invoice_customer_fkey;
ALTER TABLE payments ADD CONSTRAINT payments_tenant_id_invoice_id_fkey
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id);
ALTER TABLE invoices DROP CONSTRAINT invoices_tenant_id_customer_id_id_key;
ALTER TABLE payments FORCE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
DROP INDEX shipments_idx2;
ALTER TABLE shipments DROP COLUMN customer_id;
