-- What the tenant's ERP pushes through the back-office API, and what the
-- portal shows from it: ERP ids on every entity it syncs, stock per
-- location, order totals and sources, payments recorded in the ERP, the
-- tenant's API keys and the outbox of spec 000 section 5 events.

-- Every back-office entity is keyed by the ERP's own id (external_id),
-- unique per tenant, so each write is an idempotent upsert.
ALTER TABLE locations ADD COLUMN external_id text;
ALTER TABLE locations ADD CONSTRAINT locations_tenant_id_external_id_key UNIQUE (tenant_id, external_id);
ALTER TABLE product_categories ADD COLUMN external_id text;
ALTER TABLE product_categories ADD CONSTRAINT product_categories_tenant_id_external_id_key UNIQUE (tenant_id, external_id);
ALTER TABLE addresses ADD COLUMN external_id text;
ALTER TABLE addresses ADD CONSTRAINT addresses_tenant_id_external_id_key UNIQUE (tenant_id, external_id);

-- Stock levels: a product is low on stock at or below low_stock_level
-- (spec 000 inventory.availability_changed: in_stock | low_stock |
-- out_of_stock); lead_time_days is how long an out-of-stock item takes.
ALTER TABLE products ADD COLUMN low_stock_level numeric(14, 3) NOT NULL DEFAULT 0 CHECK (low_stock_level >= 0);
ALTER TABLE products ADD COLUMN lead_time_days integer NOT NULL DEFAULT 0 CHECK (lead_time_days >= 0);

-- Order totals of spec 000 order detail (processing beside freight and
-- tax), where the order came from (order.created source), and when the
-- internal team confirmed it.
ALTER TABLE orders ADD COLUMN processing_minor bigint NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN source text NOT NULL DEFAULT 'internal'
    CHECK (source IN ('portal', 'ecommerce', 'internal', 'edi'));
-- Who signed for a delivery (order.delivered signed_by).
ALTER TABLE shipments ADD COLUMN signed_by text NOT NULL DEFAULT '';

-- The orders list searches (order number, PO number, line descriptions)
-- inside one customer's orders, which orders_idx1 finds; no text index is
-- needed while every search is scoped to one customer.

CREATE TABLE inventory (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    product_id         uuid NOT NULL,
    location_id        uuid NOT NULL,
    quantity_on_hand   numeric(14, 3) NOT NULL DEFAULT 0,
    -- On hand less what is allocated to open orders; may go negative when
    -- the ERP oversells, which reads as out of stock.
    quantity_available numeric(14, 3) NOT NULL DEFAULT 0,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, product_id, location_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE inventory ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON inventory
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON inventory TO portal_app;

-- Payments recorded in the ERP (checks, ACH, wires, and later card
-- payments made in the portal). The ERP stays the system of record for an
-- invoice's balance: it pushes the invoice's amount_paid itself, so a
-- payment row is history and never changes an invoice here.
CREATE TABLE payments (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    customer_id    uuid NOT NULL,
    invoice_id     uuid,
    reference      text NOT NULL CHECK (reference <> ''),
    method         text NOT NULL CHECK (method IN ('check', 'ach', 'wire', 'card', 'cash', 'credit', 'other')),
    status         text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
    currency       char(3) NOT NULL DEFAULT 'USD',
    amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
    received_on    date NOT NULL,
    external_id    text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, external_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);
CREATE INDEX payments_idx1 ON payments (tenant_id, customer_id, received_on DESC);
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE payments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON payments
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON payments TO portal_app;

-- The tenant's API keys. The secret is shown once; only its SHA-256 is
-- kept (a 256-bit random secret needs no slow hash), beside a visible
-- prefix that names the key in lists and logs. The key is checked under
-- the tenant of the host it is presented on, so a key works only at its
-- own tenant's address.
CREATE TABLE api_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    name         text NOT NULL CHECK (name <> ''),
    prefix       text NOT NULL CHECK (prefix ~ '^[a-z]+_[a-z]+_[A-Za-z0-9]{8}$'),
    secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
    scopes       text[] NOT NULL CHECK (cardinality(scopes) > 0
                     AND scopes <@ ARRAY['ecommerce', 'backoffice', 'webhooks']::text[]),
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, prefix),
    UNIQUE (tenant_id, secret_hash)
);
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO portal_app;

-- The outbox of spec 000 section 5 events: written in the same transaction
-- as the change that causes it, so none is lost and none is published for a
-- change that rolled back. Delivery (webhooks) reads it later and marks
-- published_at.
CREATE TABLE outbox_events (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    event_type   text NOT NULL CHECK (event_type IN ('order.created', 'order.confirmed', 'order.status_changed',
                     'order.shipped', 'order.delivered', 'order.invoiced', 'quote.created', 'quote.responded',
                     'document.available', 'inventory.availability_changed', 'price.changed')),
    -- The entity the event is about (order, quote, document, product id),
    -- for debouncing and replay by entity.
    subject_id   uuid NOT NULL,
    payload      jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL,
    published_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX outbox_events_idx1 ON outbox_events (tenant_id, occurred_at);
CREATE INDEX outbox_events_idx2 ON outbox_events (tenant_id, id) WHERE published_at IS NULL;
ALTER TABLE outbox_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbox_events
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox_events TO portal_app;
