-- The e-commerce API of spec 000 section 5: customer tokens that a
-- storefront holds for one customer user, the shared rate-limit counters
-- of the API keys, and quote requests (the storefront's POST /quotes; the
-- quote workflow of issue 8 extends these tables).

-- A customer token stands for one active user of one customer account,
-- issued to the storefront that presented api_key_id. Only the token's
-- SHA-256 is kept (256 random bits need no slow hash). It stops working
-- at expires_at, when revoked, when its API key is revoked, or when the
-- user or the account is no longer active.
CREATE TABLE customer_tokens (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    api_key_id   uuid NOT NULL,
    customer_id  uuid NOT NULL,
    user_id      uuid NOT NULL,
    token_hash   bytea NOT NULL CHECK (length(token_hash) = 32),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    CHECK (expires_at > created_at),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, api_key_id) REFERENCES api_keys (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id, user_id) REFERENCES users (tenant_id, customer_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_tokens_idx1 ON customer_tokens (tenant_id, user_id);
ALTER TABLE customer_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_tokens
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_tokens TO portal_app;

-- Rate-limit counters: one row per API key and endpoint, counting the
-- requests of the current fixed window (window_start). Every server
-- process increments the same row with one atomic upsert, so the limit
-- holds across processes. UNLOGGED: no WAL for a counter that lives a
-- minute; after a crash the table is empty, which only forgives the
-- current window.
CREATE UNLOGGED TABLE api_rate_counters (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    api_key_id   uuid NOT NULL,
    endpoint     text NOT NULL CHECK (endpoint <> ''),
    window_start timestamptz NOT NULL,
    count        integer NOT NULL CHECK (count > 0),
    PRIMARY KEY (tenant_id, api_key_id, endpoint),
    FOREIGN KEY (tenant_id, api_key_id) REFERENCES api_keys (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE api_rate_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_rate_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_rate_counters
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON api_rate_counters TO portal_app;

-- Quote requests (spec 000 quote flow, e-commerce POST /quotes). Status is
-- the internal quote status of spec 000 section 3.
CREATE TABLE quotes (
    tenant_id              uuid NOT NULL REFERENCES tenants (id),
    id                     uuid NOT NULL,
    customer_id            uuid NOT NULL,
    quote_number           text NOT NULL CHECK (quote_number <> ''),
    status                 text NOT NULL CHECK (status IN ('draft', 'submitted', 'under_review', 'quoted',
                               'accepted', 'expired', 'declined')),
    source                 text NOT NULL CHECK (source IN ('portal', 'ecommerce', 'internal', 'edi')),
    requested_by_id        uuid,
    needed_by_date         date,
    special_instructions   text NOT NULL DEFAULT '',
    expected_response_date date,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, quote_number),
    UNIQUE (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id, requested_by_id) REFERENCES users (tenant_id, customer_id, id)
);
CREATE INDEX quotes_idx1 ON quotes (tenant_id, customer_id, created_at DESC);
ALTER TABLE quotes ENABLE ROW LEVEL SECURITY;
ALTER TABLE quotes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON quotes
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON quotes TO portal_app;

CREATE TABLE quote_lines (
    tenant_id               uuid NOT NULL REFERENCES tenants (id),
    quote_id                uuid NOT NULL,
    line_no                 integer NOT NULL CHECK (line_no > 0),
    product_id              uuid,
    product_description     text NOT NULL CHECK (product_description <> ''),
    quantity                numeric(14, 3) NOT NULL CHECK (quantity > 0),
    uom                     text NOT NULL CHECK (uom <> ''),
    processing_requirements text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, quote_id, line_no),
    FOREIGN KEY (tenant_id, quote_id) REFERENCES quotes (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
);
ALTER TABLE quote_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE quote_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON quote_lines
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON quote_lines TO portal_app;
