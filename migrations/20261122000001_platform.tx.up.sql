-- Platform tables: the tenants and the host names that resolve to them.
-- They are not tenant-owned (no row-level security): the server reads them,
-- read-only, through the narrow path of tenant resolution; only the operator
-- command (running as the owner) writes them.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL CHECK (name <> ''),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    -- Branding (logo, colours, support contacts) and settings (mfa_required,
    -- chat_enabled, time zone, currency) as applied from tenants/*.yaml.
    branding    jsonb NOT NULL DEFAULT '{}',
    settings    jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenant_hosts (
    -- Lower-case host name without port: "<slug>.<base domain>" or a custom domain.
    host       text PRIMARY KEY CHECK (host = lower(host) AND host !~ '[:/\s]'),
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX tenant_hosts_tenant_idx ON tenant_hosts (tenant_id);

GRANT SELECT ON tenants, tenant_hosts TO portal_app;
