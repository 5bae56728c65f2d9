-- Stored documents (spec 000 section 4, documents_exposed): one row per
-- object in the object store. The object key is chosen by the server
-- (<tenant_id>/<document_id>), never taken from a client's file name. Every
-- link to an order, invoice or shipment is scoped to the document's own
-- customer, like migration 12 does for payments.
ALTER TABLE shipments ADD CONSTRAINT shipments_tenant_id_customer_id_id_key UNIQUE (tenant_id, customer_id, id);

CREATE TABLE documents (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    customer_id  uuid NOT NULL,
    type         text NOT NULL CHECK (type IN ('invoice', 'credit_memo', 'packing_slip', 'bill_of_lading', 'mtr',
                     'coc', 'quote_document', 'order_confirmation', 'statement', 'pod')),
    name         text NOT NULL CHECK (name <> ''),
    order_id     uuid,
    invoice_id   uuid,
    shipment_id  uuid,
    heat_number  text NOT NULL DEFAULT '',
    object_key   text NOT NULL CHECK (object_key <> ''),
    content_type text NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    sha256       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, customer_id, id),
    UNIQUE (tenant_id, object_key),
    CHECK (type <> 'mtr' OR heat_number <> ''),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id, order_id) REFERENCES orders (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id, invoice_id) REFERENCES invoices (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id, shipment_id) REFERENCES shipments (tenant_id, customer_id, id)
);
-- The documents list: one customer's, newest first.
CREATE INDEX documents_idx1 ON documents (tenant_id, customer_id, created_at DESC);
CREATE INDEX documents_idx2 ON documents (tenant_id, order_id) WHERE order_id IS NOT NULL;
-- The retention job.
CREATE INDEX documents_idx3 ON documents (tenant_id, expires_at);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON documents
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON documents TO portal_app;

-- A mill test report covers the order lines that carry its heat.
CREATE TABLE document_order_lines (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    document_id   uuid NOT NULL,
    order_id      uuid NOT NULL,
    order_line_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, document_id, order_line_id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES documents (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, order_id, order_line_id) REFERENCES order_lines (tenant_id, order_id, id) ON DELETE CASCADE
);
CREATE INDEX document_order_lines_idx1 ON document_order_lines (tenant_id, order_line_id);
ALTER TABLE document_order_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE document_order_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON document_order_lines
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON document_order_lines TO portal_app;

-- Every download, for the customer's activity log. The row survives the
-- document (retention deletes documents, not the history of who read them).
CREATE TABLE document_downloads (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    customer_id   uuid NOT NULL,
    user_id       uuid NOT NULL,
    document_id   uuid NOT NULL,
    document_name text NOT NULL,
    via           text NOT NULL CHECK (via IN ('stream', 'link', 'zip')),
    at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id, user_id) REFERENCES users (tenant_id, customer_id, id)
);
CREATE INDEX document_downloads_idx1 ON document_downloads (tenant_id, customer_id, at DESC);
ALTER TABLE document_downloads ENABLE ROW LEVEL SECURITY;
ALTER TABLE document_downloads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON document_downloads
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
-- The activity log is append-only for the app role.
GRANT SELECT, INSERT ON document_downloads TO portal_app;
