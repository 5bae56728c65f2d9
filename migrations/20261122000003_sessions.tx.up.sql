-- Sign-in: server-side sessions (several server processes share them) and
-- the security audit log, which also feeds sign-in throttling: failures per
-- account and per client address are counted from it, so the limits hold
-- across processes.

CREATE TABLE sessions (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    -- SHA-256 of the cookie's secret: a database leak does not hand out
    -- live sessions, and lookups stay an index probe.
    token_hash      bytea NOT NULL CHECK (length(token_hash) = 32),
    customer_id     uuid NOT NULL,
    user_id         uuid NOT NULL,
    created_at      timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    -- Idle expiry moves forward while the user is active; expires_at is the
    -- absolute end no activity extends.
    idle_expires_at timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    remember        boolean NOT NULL DEFAULT false,
    user_agent      text NOT NULL DEFAULT '',
    client_ip       inet,
    ended_at        timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, customer_id, user_id) REFERENCES customer_users (tenant_id, customer_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_idx1 ON sessions (tenant_id, user_id);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sessions
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

CREATE TABLE audit_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    occurred_at timestamptz NOT NULL,
    -- What happened: 'signin', 'signin_failed', 'signout', 'session_ended',
    -- 'password_changed', 'mfa_changed', 'role_changed', 'user_deactivated'...
    kind        text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    -- Whose account it concerns; NULL when a failed sign-in named no known
    -- account (the e-mail tried is then in subject_email only).
    customer_id uuid,
    user_id     uuid,
    subject_email text NOT NULL DEFAULT '',
    actor_id    uuid,
    client_ip   inet,
    user_agent  text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX audit_events_idx1 ON audit_events (tenant_id, customer_id, occurred_at DESC);
CREATE INDEX audit_events_idx2 ON audit_events (tenant_id, subject_email, kind, occurred_at);
CREATE INDEX audit_events_idx3 ON audit_events (tenant_id, client_ip, kind, occurred_at);
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO portal_app;
-- The audit log is append-only for the server.
GRANT SELECT, INSERT ON audit_events TO portal_app;
