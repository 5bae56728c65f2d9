-- Order approvals and product reviews (issue 8).

-- An approval rule of a customer account, set by its Admin: an order
-- placed by a user of role applies_to_role whose total is above
-- threshold_minor (in currency) waits for an Admin's approval before it
-- reaches the distributor. One rule per role and account. The portal sets
-- rules for Buyers; 'admin' (a second Admin's approval) is reserved.
CREATE TABLE approval_rules (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    customer_id     uuid NOT NULL,
    applies_to_role text NOT NULL CHECK (applies_to_role IN ('buyer', 'admin')),
    threshold_minor bigint NOT NULL CHECK (threshold_minor >= 0),
    currency        char(3) NOT NULL,
    created_by_id   uuid,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, customer_id, applies_to_role),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id, created_by_id) REFERENCES users (tenant_id, customer_id, id)
);
ALTER TABLE approval_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE approval_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON approval_rules
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON approval_rules TO portal_app;

-- The approval of one order that matched a rule. While it is pending the
-- order is a draft: customers see it as "Awaiting Approval", the ERP never
-- hears of it (order.created is written when it is approved). Approved:
-- the order goes to pending_review with its order.created; rejected: it is
-- cancelled, and the ERP still never hears of it. The rule's threshold is
-- kept as it was when it matched.
CREATE TABLE order_approvals (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    order_id        uuid NOT NULL,
    customer_id     uuid NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by_id uuid NOT NULL,
    threshold_minor bigint NOT NULL,
    decided_by_id   uuid,
    decided_at      timestamptz,
    comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
    -- When the Admins were e-mailed; NULL until the mail has gone.
    notified_at     timestamptz,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, order_id),
    FOREIGN KEY (tenant_id, customer_id, order_id) REFERENCES orders (tenant_id, customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id, requested_by_id) REFERENCES users (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id, decided_by_id) REFERENCES users (tenant_id, customer_id, id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX order_approvals_idx1 ON order_approvals (tenant_id, customer_id, status, created_at DESC);
ALTER TABLE order_approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_approvals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_approvals
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON order_approvals TO portal_app;

-- A customer user's review of a product their account received (an order
-- of it delivered or invoiced): 1 to 5 stars and a text, one per user and
-- product, editable. Staff may hide one: it then shows to nobody but its
-- author and counts in no average.
CREATE TABLE product_reviews (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    product_id   uuid NOT NULL,
    customer_id  uuid NOT NULL,
    user_id      uuid NOT NULL,
    rating       smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body         text NOT NULL DEFAULT '' CHECK (length(body) <= 2000),
    hidden_at    timestamptz,
    hidden_by_id uuid,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, product_id, user_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id, user_id) REFERENCES users (tenant_id, customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, hidden_by_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX product_reviews_idx1 ON product_reviews (tenant_id, product_id, created_at DESC);
CREATE INDEX product_reviews_idx2 ON product_reviews (tenant_id, created_at DESC);
ALTER TABLE product_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_reviews
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON product_reviews TO portal_app;
