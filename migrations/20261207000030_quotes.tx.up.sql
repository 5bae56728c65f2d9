-- The quote workflow of issue 8 on the quote requests of migration 25:
-- drafts (auto-saved by the PWA, at most 5 per user, numbered only when
-- submitted), the request's type, the staff's prices (minor units, per line
-- and in total), validity and notes, who priced it and when, the customer's
-- acceptance (linked to the one order it made) or decline, and the quote
-- PDF as a document (spec 000 section 4, quote_document).

-- The new constraints and foreign keys check every tenant's existing rows:
-- FORCE is lifted for this transaction (see migrations.go).
ALTER TABLE quotes NO FORCE ROW LEVEL SECURITY;
ALTER TABLE quote_lines NO FORCE ROW LEVEL SECURITY;
ALTER TABLE documents NO FORCE ROW LEVEL SECURITY;
ALTER TABLE orders NO FORCE ROW LEVEL SECURITY;
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;

-- A draft has no number yet: the number is taken when it is submitted.
ALTER TABLE quotes ALTER COLUMN quote_number DROP NOT NULL;
ALTER TABLE quotes ADD CONSTRAINT quotes_number_check CHECK (status = 'draft' OR quote_number IS NOT NULL);
ALTER TABLE quotes ADD COLUMN quote_type text NOT NULL DEFAULT 'stock_items'
    CHECK (quote_type IN ('stock_items', 'custom_processing', 'bulk_order'));
ALTER TABLE quotes ADD COLUMN submitted_at timestamptz;
-- The staff's answer.
ALTER TABLE quotes ADD COLUMN currency text CHECK (currency ~ '^[A-Z]{3}$');
ALTER TABLE quotes ADD COLUMN subtotal_minor bigint CHECK (subtotal_minor >= 0);
ALTER TABLE quotes ADD COLUMN total_minor bigint CHECK (total_minor >= 0);
ALTER TABLE quotes ADD COLUMN valid_until date;
ALTER TABLE quotes ADD COLUMN response_notes text NOT NULL DEFAULT '';
ALTER TABLE quotes ADD COLUMN reviewed_at timestamptz;
ALTER TABLE quotes ADD COLUMN priced_by_id uuid;
ALTER TABLE quotes ADD COLUMN priced_at timestamptz;
-- The customer's decision.
ALTER TABLE quotes ADD COLUMN decided_by_id uuid;
ALTER TABLE quotes ADD COLUMN decided_at timestamptz;
ALTER TABLE quotes ADD COLUMN decline_reason text NOT NULL DEFAULT '';
ALTER TABLE quotes ADD COLUMN order_id uuid;
ALTER TABLE quotes ADD CONSTRAINT quotes_priced_check CHECK (status NOT IN ('quoted', 'accepted', 'expired')
    OR (currency IS NOT NULL AND subtotal_minor IS NOT NULL AND total_minor IS NOT NULL AND valid_until IS NOT NULL AND priced_at IS NOT NULL));
ALTER TABLE quotes ADD CONSTRAINT quotes_accepted_check CHECK (status <> 'accepted' OR order_id IS NOT NULL);
-- One order per quote, and only the quote's customer's.
ALTER TABLE quotes ADD CONSTRAINT quotes_tenant_id_order_id_key UNIQUE (tenant_id, order_id);
ALTER TABLE quotes ADD CONSTRAINT quotes_order_fkey
    FOREIGN KEY (tenant_id, customer_id, order_id) REFERENCES orders (tenant_id, customer_id, id);
ALTER TABLE quotes ADD CONSTRAINT quotes_priced_by_fkey FOREIGN KEY (tenant_id, priced_by_id) REFERENCES users (tenant_id, id);
ALTER TABLE quotes ADD CONSTRAINT quotes_decided_by_fkey
    FOREIGN KEY (tenant_id, customer_id, decided_by_id) REFERENCES users (tenant_id, customer_id, id);
-- A user's drafts (the 5-draft limit and the list).
CREATE INDEX quotes_drafts_idx ON quotes (tenant_id, requested_by_id) WHERE status = 'draft';
-- The staff queue, oldest first, and the expiry job.
CREATE INDEX quotes_status_idx ON quotes (tenant_id, status, submitted_at);
CREATE INDEX quotes_expiry_idx ON quotes (tenant_id, valid_until) WHERE status = 'quoted';

-- Prices of a line: both or neither, in the quote's currency.
ALTER TABLE quote_lines ADD COLUMN unit_price_minor bigint CHECK (unit_price_minor >= 0);
ALTER TABLE quote_lines ADD COLUMN line_total_minor bigint CHECK (line_total_minor >= 0);
ALTER TABLE quote_lines ADD CONSTRAINT quote_lines_price_check CHECK ((unit_price_minor IS NULL) = (line_total_minor IS NULL));

-- The quote PDF is a document of the quote's customer, generated once.
ALTER TABLE documents ADD COLUMN quote_id uuid;
ALTER TABLE documents ADD CONSTRAINT documents_quote_fkey
    FOREIGN KEY (tenant_id, customer_id, quote_id) REFERENCES quotes (tenant_id, customer_id, id) ON DELETE CASCADE;
CREATE UNIQUE INDEX documents_generated_quote_uidx ON documents (tenant_id, quote_id) WHERE type = 'quote_document';

ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
ALTER TABLE quote_lines FORCE ROW LEVEL SECURITY;
ALTER TABLE quotes FORCE ROW LEVEL SECURITY;
