DROP TABLE stripe_events;
DROP TABLE payment_attempt_invoices;
DROP TABLE payment_attempts;
ALTER TABLE payments DROP CONSTRAINT payments_tenant_id_customer_id_id_key;
