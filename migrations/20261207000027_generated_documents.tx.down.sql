-- The old constraints do not hold the e-mails and statements recorded
-- since: they go, every tenant's at once, so FORCE is lifted for this
-- transaction (see migrations.go).
ALTER TABLE document_downloads NO FORCE ROW LEVEL SECURITY;
DELETE FROM document_downloads WHERE via = 'email' OR document_id IS NULL;
ALTER TABLE document_downloads FORCE ROW LEVEL SECURITY;
ALTER TABLE document_downloads DROP CONSTRAINT document_downloads_via_check;
ALTER TABLE document_downloads ADD CONSTRAINT document_downloads_via_check CHECK (via IN ('stream', 'link', 'zip'));
ALTER TABLE document_downloads ALTER COLUMN document_id SET NOT NULL;
DROP INDEX documents_generated_packing_slip_uidx;
DROP INDEX documents_generated_confirmation_uidx;
DROP INDEX documents_generated_invoice_uidx;
DROP INDEX documents_generated_credit_memo_uidx;
ALTER TABLE documents DROP COLUMN credit_note_id;
ALTER TABLE credit_notes DROP CONSTRAINT credit_notes_tenant_id_customer_id_id_key;
