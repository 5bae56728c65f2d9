-- Request access (spec 000 login_and_auth step 4): a visitor asks for an
-- account; tenant staff approve (linking or creating the customer and
-- inviting the requester) or reject it. Decided once: decided_at is set
-- with the status, never cleared.
CREATE TABLE access_requests (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    company_name   text NOT NULL CHECK (company_name <> ''),
    contact_name   text NOT NULL CHECK (contact_name <> ''),
    email          text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    phone          text NOT NULL CHECK (phone <> ''),
    account_number text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    -- The customer the approval linked or created, and the invited user.
    customer_id    uuid,
    user_id        uuid,
    decided_by     uuid,
    decided_at     timestamptz,
    reason         text NOT NULL DEFAULT '',
    client_ip      inet,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, decided_by) REFERENCES users (tenant_id, id)
);
-- The staff queue: pending first, newest first.
CREATE INDEX access_requests_idx1 ON access_requests (tenant_id, status, created_at DESC);
ALTER TABLE access_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON access_requests
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON access_requests TO portal_app;

-- Self-registration (spec 002): a customer created by sign-up starts with
-- an incomplete profile (type, name, addresses) and in status pending; its
-- users can do nothing else until the profile is complete and, when the
-- tenant requires it, staff have approved the customer. Existing
-- customers (from the ERP) are complete.
ALTER TABLE customers ADD COLUMN profile_completed boolean NOT NULL DEFAULT true;
