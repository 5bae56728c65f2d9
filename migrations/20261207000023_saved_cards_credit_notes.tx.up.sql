-- Saved cards (spec 002 "Saved Payment Methods") and credit notes (spec
-- 001). A card is saved through a SetupIntent on the tenant's connected
-- account, for the customer's Stripe Customer on that account; the card
-- itself stays at Stripe: only its brand, last four digits and expiry are
-- kept here, to list it.

-- The Stripe Customer of a customer account on one connected account,
-- created on demand (the first card saved).
CREATE TABLE stripe_customers (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    customer_id        uuid NOT NULL,
    stripe_account     text NOT NULL CHECK (stripe_account ~ '^acct_[A-Za-z0-9]+$'),
    stripe_customer_id text NOT NULL CHECK (stripe_customer_id ~ '^cus_[A-Za-z0-9]+$'),
    created_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, stripe_account),
    UNIQUE (tenant_id, stripe_account, stripe_customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
ALTER TABLE stripe_customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_customers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stripe_customers
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT ON stripe_customers TO portal_app;

-- A customer's saved cards. Written when Stripe's setup_intent.succeeded
-- arrives (signed webhook), removed on detach; at most one default per
-- customer, held by the partial unique index.
CREATE TABLE payment_methods (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    customer_id       uuid NOT NULL,
    stripe_account    text NOT NULL,
    payment_method_id text NOT NULL CHECK (payment_method_id ~ '^pm_[A-Za-z0-9_]+$'),
    brand             text NOT NULL CHECK (brand <> '' AND length(brand) <= 30),
    last4             text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    exp_month         smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year          smallint NOT NULL CHECK (exp_year BETWEEN 2000 AND 2200),
    is_default        boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, payment_method_id),
    UNIQUE (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id, stripe_account) REFERENCES stripe_customers (tenant_id, customer_id, stripe_account)
);
CREATE UNIQUE INDEX payment_methods_idx1 ON payment_methods (tenant_id, customer_id) WHERE is_default;
ALTER TABLE payment_methods ENABLE ROW LEVEL SECURITY;
ALTER TABLE payment_methods FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON payment_methods
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON payment_methods TO portal_app;

-- A payment with a saved card names it (Stripe's id): the same selection
-- with the same card is the same attempt.
ALTER TABLE payment_attempts ADD COLUMN payment_method_id text CHECK (payment_method_id ~ '^pm_[A-Za-z0-9_]+$');

-- The object an event is about (payment intent, setup intent, payment
-- method): a card detached before its setup event arrives stays detached.
ALTER TABLE stripe_events ADD COLUMN object_id text;
CREATE INDEX stripe_events_idx1 ON stripe_events (tenant_id, object_id) WHERE event_type = 'payment_method.detached';

-- Credit notes (credit memos) the ERP issues to a customer, optionally
-- against one of its invoices. Amounts in minor units; remaining is what
-- is still to be applied.
CREATE TABLE credit_notes (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL,
    customer_id        uuid NOT NULL,
    invoice_id         uuid,
    credit_note_number text NOT NULL CHECK (credit_note_number <> ''),
    status             text NOT NULL CHECK (status IN ('open', 'applied', 'void')),
    issue_date         date NOT NULL,
    currency           char(3) NOT NULL DEFAULT 'USD',
    amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
    remaining_minor    bigint NOT NULL DEFAULT 0 CHECK (remaining_minor >= 0 AND remaining_minor <= amount_minor),
    reason             text NOT NULL DEFAULT '',
    external_id        text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, credit_note_number),
    UNIQUE (tenant_id, external_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id, invoice_id) REFERENCES invoices (tenant_id, customer_id, id)
);
CREATE INDEX credit_notes_idx1 ON credit_notes (tenant_id, customer_id, issue_date DESC);
ALTER TABLE credit_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE credit_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON credit_notes
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON credit_notes TO portal_app;
