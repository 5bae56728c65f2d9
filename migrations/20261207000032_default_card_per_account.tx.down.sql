-- Back to one default per customer: keep each customer's newest default
-- (see migrations.go on FORCE and migrations).
ALTER TABLE payment_methods NO FORCE ROW LEVEL SECURITY;
UPDATE payment_methods pm SET is_default = false
WHERE is_default AND EXISTS (SELECT 1 FROM payment_methods o WHERE o.tenant_id = pm.tenant_id AND o.customer_id = pm.customer_id
    AND o.is_default AND (o.created_at, o.id) > (pm.created_at, pm.id));
ALTER TABLE payment_methods FORCE ROW LEVEL SECURITY;
DROP INDEX payment_methods_idx1;
CREATE UNIQUE INDEX payment_methods_idx1 ON payment_methods (tenant_id, customer_id) WHERE is_default;
