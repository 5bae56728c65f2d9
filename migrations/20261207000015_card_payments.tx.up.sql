-- Card payments of invoices through Stripe Connect (the tenant's connected
-- account). A payment attempt is one PaymentIntent for one or several of a
-- customer's open invoices, for the amount due the database computed; the
-- client never names an amount.
CREATE TABLE payment_attempts (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    customer_id       uuid NOT NULL,
    -- Stripe's id; the PaymentIntent is created with the idempotency key
    -- "payment-attempt:<id>", so a retried create returns the same intent.
    payment_intent_id text NOT NULL CHECK (payment_intent_id ~ '^pi_[A-Za-z0-9_]+$'),
    stripe_account    text NOT NULL CHECK (stripe_account ~ '^acct_[A-Za-z0-9]+$'),
    currency          char(3) NOT NULL,
    amount_minor      bigint NOT NULL CHECK (amount_minor > 0),
    -- Refunded so far (Stripe's charge.amount_refunded is cumulative).
    refunded_minor    bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    -- Stripe's PaymentIntent statuses that matter here.
    status            text NOT NULL CHECK (status IN ('requires_payment_method', 'requires_confirmation', 'requires_action',
                          'processing', 'succeeded', 'canceled', 'failed')),
    created_by_id     uuid NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, customer_id, id),
    UNIQUE (tenant_id, payment_intent_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id, created_by_id) REFERENCES users (tenant_id, customer_id, id)
);
CREATE INDEX payment_attempts_idx1 ON payment_attempts (tenant_id, status, updated_at)
    WHERE status IN ('requires_confirmation', 'requires_action', 'processing');
ALTER TABLE payment_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE payment_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON payment_attempts
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON payment_attempts TO portal_app;

ALTER TABLE payments ADD CONSTRAINT payments_tenant_id_customer_id_id_key UNIQUE (tenant_id, customer_id, id);

-- The invoices an attempt pays and how much of each. An invoice is in at
-- most one open attempt (open: not yet succeeded, canceled or failed),
-- which the partial unique index holds even under concurrent requests.
CREATE TABLE payment_attempt_invoices (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    attempt_id   uuid NOT NULL,
    invoice_id   uuid NOT NULL,
    customer_id  uuid NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
    open         boolean NOT NULL DEFAULT true,
    -- The payments row (the customer's receipt) once the money arrived.
    payment_id   uuid,
    PRIMARY KEY (tenant_id, attempt_id, invoice_id),
    FOREIGN KEY (tenant_id, customer_id, attempt_id) REFERENCES payment_attempts (tenant_id, customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id, invoice_id) REFERENCES invoices (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id, payment_id) REFERENCES payments (tenant_id, customer_id, id)
);
CREATE UNIQUE INDEX payment_attempt_invoices_idx1 ON payment_attempt_invoices (tenant_id, invoice_id) WHERE open;
ALTER TABLE payment_attempt_invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE payment_attempt_invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON payment_attempt_invoices
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON payment_attempt_invoices TO portal_app;

-- Stripe events applied, by Stripe's event id: each is applied once, in
-- the transaction that applies it.
CREATE TABLE stripe_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    event_id    text NOT NULL CHECK (event_id ~ '^evt_[A-Za-z0-9_]+$'),
    event_type  text NOT NULL,
    created_at  timestamptz NOT NULL, -- Stripe's created
    applied_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);
ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stripe_events
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT ON stripe_events TO portal_app;
