-- A credit memo document is the PDF of one credit note (migration 23).
ALTER TABLE credit_notes ADD CONSTRAINT credit_notes_tenant_id_customer_id_id_key UNIQUE (tenant_id, customer_id, id);
ALTER TABLE documents ADD COLUMN credit_note_id uuid;
-- Adding the foreign key validates every tenant's rows: lift FORCE for this
-- transaction (see migrations.go).
ALTER TABLE documents NO FORCE ROW LEVEL SECURITY;
ALTER TABLE credit_notes NO FORCE ROW LEVEL SECURITY;
ALTER TABLE documents ADD CONSTRAINT documents_credit_note_fkey
    FOREIGN KEY (tenant_id, customer_id, credit_note_id) REFERENCES credit_notes (tenant_id, customer_id, id) ON DELETE CASCADE;
ALTER TABLE credit_notes FORCE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;

-- The documents the portal generates (invoice, credit memo, order
-- confirmation, packing slip) exist once per entity: a second generator's copy fails on these
-- instead of doubling the document, and the job's NOT EXISTS checks use
-- them.
CREATE UNIQUE INDEX documents_generated_invoice_uidx ON documents (tenant_id, invoice_id) WHERE type = 'invoice';
CREATE UNIQUE INDEX documents_generated_confirmation_uidx ON documents (tenant_id, order_id) WHERE type = 'order_confirmation';
CREATE UNIQUE INDEX documents_generated_credit_memo_uidx ON documents (tenant_id, credit_note_id) WHERE type = 'credit_memo';
CREATE UNIQUE INDEX documents_generated_packing_slip_uidx ON documents (tenant_id, shipment_id) WHERE type = 'packing_slip';

-- A statement is rendered on demand and never stored: its download is
-- recorded by name, without a document id.
ALTER TABLE document_downloads ALTER COLUMN document_id DROP NOT NULL;

-- A document e-mailed from the portal is a download too.
ALTER TABLE document_downloads DROP CONSTRAINT document_downloads_via_check;
ALTER TABLE document_downloads ADD CONSTRAINT document_downloads_via_check CHECK (via IN ('stream', 'link', 'zip', 'email'));
