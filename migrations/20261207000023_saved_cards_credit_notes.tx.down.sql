DROP TABLE credit_notes;
DROP INDEX stripe_events_idx1;
ALTER TABLE stripe_events DROP COLUMN object_id;
ALTER TABLE payment_attempts DROP COLUMN payment_method_id;
DROP TABLE payment_methods;
DROP TABLE stripe_customers;
