-- Single sign-on with the tenant's own OpenID Connect provider.

-- The tenant's SSO settings as applied from its definition (issuer, client
-- id, the NAME of the environment variable holding the client secret,
-- button label, allowed e-mail domains, first-time users); NULL: no SSO.
-- The client secret itself is never stored.
ALTER TABLE tenants ADD COLUMN sso jsonb;

-- Sign-ins under way: created by /api/v1/sso/start, spent by the first
-- /api/v1/sso/callback that presents the state. Only SHA-256 hashes of the
-- state and of the browser-binding cookie are stored; the nonce and PKCE
-- verifier are useless without the provider's one-time code. Ten minutes.
CREATE TABLE sso_states (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    state_hash   bytea NOT NULL CHECK (length(state_hash) = 32),
    browser_hash bytea NOT NULL CHECK (length(browser_hash) = 32),
    nonce        text NOT NULL CHECK (nonce <> ''),
    verifier     text NOT NULL CHECK (verifier <> ''),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, state_hash)
);
CREATE INDEX sso_states_idx1 ON sso_states (tenant_id, expires_at);
ALTER TABLE sso_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_states
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_states TO portal_app;
