-- Single-use password reset tokens: only a SHA-256 of the token is stored;
-- it expires an hour after it was sent and is spent by its first use.
CREATE TABLE password_resets (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    token_hash  bytea NOT NULL CHECK (length(token_hash) = 32),
    customer_id uuid NOT NULL,
    user_id     uuid NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, customer_id, user_id) REFERENCES customer_users (tenant_id, customer_id, id) ON DELETE CASCADE
);
CREATE INDEX password_resets_idx1 ON password_resets (tenant_id, user_id, created_at);
ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON password_resets
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON password_resets TO portal_app;
