-- The tenant's webhook endpoints (spec 000 section 5 webhook_config). The
-- signing secret must be readable to sign deliveries, so it is sealed with
-- the server's encryption keys (AES-256-GCM bound to the row), like TOTP
-- seeds. On rotation the previous secret keeps signing beside the new one
-- until previous_expires_at (24 hours).
CREATE TABLE webhook_endpoints (
    tenant_id            uuid NOT NULL REFERENCES tenants (id),
    id                   uuid NOT NULL,
    url                  text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    description          text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    events               text[] NOT NULL CHECK (cardinality(events) > 0 AND events <@ ARRAY['order.created', 'order.confirmed',
                             'order.status_changed', 'order.shipped', 'order.delivered', 'order.invoiced', 'quote.created',
                             'quote.responded', 'document.available', 'inventory.availability_changed', 'price.changed']::text[]),
    enabled              boolean NOT NULL DEFAULT true,
    -- Why the portal turned it off (410 Gone, failing for days); empty
    -- when the tenant did, or when enabled.
    disabled_reason      text NOT NULL DEFAULT '',
    secret_sealed        text NOT NULL,
    previous_secret_sealed text,
    previous_expires_at  timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((previous_secret_sealed IS NULL) = (previous_expires_at IS NULL))
);
ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_endpoints
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO portal_app;
