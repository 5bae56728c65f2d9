DROP TABLE stripe_events;
DROP TABLE payment_attempt_invoices;
DROP TABLE payment_attempts;
