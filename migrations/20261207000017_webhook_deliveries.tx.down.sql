ALTER TABLE webhook_endpoints DROP COLUMN failing_since;
DROP TABLE webhook_deliveries;
