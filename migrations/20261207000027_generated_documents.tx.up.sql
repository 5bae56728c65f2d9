-- The documents the portal generates (invoice, order confirmation, packing
-- slip) exist once per entity: a second generator's copy fails on these
-- instead of doubling the document, and the job's NOT EXISTS checks use
-- them.
CREATE UNIQUE INDEX documents_generated_invoice_uidx ON documents (tenant_id, invoice_id) WHERE type = 'invoice';
CREATE UNIQUE INDEX documents_generated_confirmation_uidx ON documents (tenant_id, order_id) WHERE type = 'order_confirmation';
CREATE UNIQUE INDEX documents_generated_packing_slip_uidx ON documents (tenant_id, shipment_id) WHERE type = 'packing_slip';

-- A statement is rendered on demand and never stored: its download is
-- recorded by name, without a document id.
ALTER TABLE document_downloads ALTER COLUMN document_id DROP NOT NULL;

-- A document e-mailed from the portal is a download too.
ALTER TABLE document_downloads DROP CONSTRAINT document_downloads_via_check;
ALTER TABLE document_downloads ADD CONSTRAINT document_downloads_via_check CHECK (via IN ('stream', 'link', 'zip', 'email'));
