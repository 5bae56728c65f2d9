DROP INDEX documents_generated_quote_uidx;
ALTER TABLE documents DROP COLUMN quote_id;
ALTER TABLE quote_lines DROP CONSTRAINT quote_lines_price_check;
ALTER TABLE quote_lines DROP COLUMN line_total_minor;
ALTER TABLE quote_lines DROP COLUMN unit_price_minor;
DROP INDEX quotes_expiry_idx;
DROP INDEX quotes_status_idx;
DROP INDEX quotes_drafts_idx;
ALTER TABLE quotes DROP CONSTRAINT quotes_decided_by_fkey;
ALTER TABLE quotes DROP CONSTRAINT quotes_priced_by_fkey;
ALTER TABLE quotes DROP CONSTRAINT quotes_order_fkey;
ALTER TABLE quotes DROP CONSTRAINT quotes_tenant_id_order_id_key;
ALTER TABLE quotes DROP CONSTRAINT quotes_accepted_check;
ALTER TABLE quotes DROP CONSTRAINT quotes_priced_check;
ALTER TABLE quotes DROP COLUMN order_id, DROP COLUMN decline_reason, DROP COLUMN decided_at, DROP COLUMN decided_by_id,
    DROP COLUMN priced_at, DROP COLUMN priced_by_id, DROP COLUMN reviewed_at, DROP COLUMN response_notes,
    DROP COLUMN valid_until, DROP COLUMN total_minor, DROP COLUMN subtotal_minor, DROP COLUMN currency,
    DROP COLUMN submitted_at, DROP COLUMN quote_type;
ALTER TABLE quotes DROP CONSTRAINT quotes_number_check;
-- Drafts have no number and cannot stay: every tenant's go.
ALTER TABLE quotes NO FORCE ROW LEVEL SECURITY;
DELETE FROM quotes WHERE quote_number IS NULL;
ALTER TABLE quotes FORCE ROW LEVEL SECURITY;
ALTER TABLE quotes ALTER COLUMN quote_number SET NOT NULL;
