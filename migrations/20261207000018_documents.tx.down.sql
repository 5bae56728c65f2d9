DROP TABLE document_downloads;
DROP TABLE document_order_lines;
DROP TABLE documents;
ALTER TABLE shipments DROP CONSTRAINT shipments_tenant_id_customer_id_id_key;
