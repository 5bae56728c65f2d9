DELETE FROM document_downloads WHERE document_id IS NULL;
ALTER TABLE document_downloads ALTER COLUMN document_id SET NOT NULL;
DROP INDEX documents_generated_packing_slip_uidx;
DROP INDEX documents_generated_confirmation_uidx;
DROP INDEX documents_generated_invoice_uidx;
