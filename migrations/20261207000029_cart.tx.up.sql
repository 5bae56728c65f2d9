-- The portal's cart, checkout and purchase lists (issue 8). Every table
-- is tenant-owned: tenant_id first in every key, FORCE row-level security.

-- cart_lines is the server-side cart of a signed-in customer user: one row
-- per product and configuration (unit, required dimensions, processing
-- options), whose key config_key is; adding the same again adds to the
-- quantity. Prices are not kept: the cart is priced on every read.
CREATE TABLE cart_lines (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    customer_id    uuid NOT NULL,
    user_id        uuid NOT NULL,
    product_id     uuid NOT NULL,
    quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
    uom            text NOT NULL DEFAULT '',
    dimensions     jsonb NOT NULL DEFAULT '{}',
    processing     text[] NOT NULL DEFAULT '{}',
    notes          text NOT NULL DEFAULT '',
    config_key     text NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, user_id, product_id, config_key),
    FOREIGN KEY (tenant_id, customer_id, user_id) REFERENCES users (tenant_id, customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE cart_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE cart_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cart_lines
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON cart_lines TO portal_app;

-- checkout_orders is what a checkout added to the order it placed: the
-- client's idempotency key (a second submit finds the first order), the
-- billing and shipping addresses as entered or chosen, the shipping
-- method, the promo code, how it is paid, and for a guest the contact.
-- A guest's order belongs to the tenant's guest customer (account number
-- GUEST); its buyer is only here.
CREATE TABLE checkout_orders (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    order_id          uuid NOT NULL,
    customer_id       uuid NOT NULL,
    placed_by_id      uuid,
    idempotency_key   text NOT NULL CHECK (length(idempotency_key) BETWEEN 16 AND 100),
    guest             boolean NOT NULL DEFAULT false,
    contact_name      text NOT NULL DEFAULT '',
    contact_email     text NOT NULL DEFAULT '',
    contact_phone     text NOT NULL DEFAULT '',
    company_name      text NOT NULL DEFAULT '',
    billing_address   jsonb NOT NULL,
    shipping_address  jsonb NOT NULL,
    shipping_method   text NOT NULL CHECK (shipping_method <> ''),
    promo_code        text NOT NULL DEFAULT '',
    payment           text NOT NULL CHECK (payment IN ('account', 'card')),
    payment_intent_id text,
    stripe_account    text,
    -- The PaymentIntent's status as Stripe last reported it (webhooks move
    -- it forward; succeeded stays).
    payment_status    text,
    over_credit       boolean NOT NULL DEFAULT false,
    estimated_ship_on date NOT NULL,
    client_ip         inet,
    created_at        timestamptz NOT NULL,
    CHECK ((payment = 'card') = (payment_intent_id IS NOT NULL)),
    CHECK ((payment = 'card') = (payment_status IS NOT NULL)),
    CHECK (guest = (placed_by_id IS NULL)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, customer_id, idempotency_key),
    UNIQUE (tenant_id, payment_intent_id),
    FOREIGN KEY (tenant_id, customer_id, order_id) REFERENCES orders (tenant_id, customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id, placed_by_id) REFERENCES users (tenant_id, customer_id, id)
);
CREATE INDEX checkout_orders_idx1 ON checkout_orders (tenant_id, client_ip, created_at) WHERE guest;
CREATE INDEX checkout_orders_idx2 ON checkout_orders (tenant_id, order_id);
ALTER TABLE checkout_orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE checkout_orders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON checkout_orders
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON checkout_orders TO portal_app;

-- purchase_lists are a customer user's saved lists (spec 001 "Saved
-- Lists"). The owner edits; sharing opens a list to the account's other
-- users, to read (team_read) or to edit too (team_edit).
CREATE TABLE purchase_lists (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    customer_id uuid NOT NULL,
    owner_id    uuid NOT NULL,
    name        text NOT NULL CHECK (name <> '' AND length(name) <= 100),
    sharing     text NOT NULL DEFAULT 'private' CHECK (sharing IN ('private', 'team_read', 'team_edit')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id, owner_id) REFERENCES users (tenant_id, customer_id, id) ON DELETE CASCADE
);
CREATE INDEX purchase_lists_idx1 ON purchase_lists (tenant_id, customer_id, updated_at DESC);
ALTER TABLE purchase_lists ENABLE ROW LEVEL SECURITY;
ALTER TABLE purchase_lists FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON purchase_lists
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON purchase_lists TO portal_app;

-- purchase_list_items are a list's lines, configured as cart lines are.
CREATE TABLE purchase_list_items (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    list_id        uuid NOT NULL,
    customer_id    uuid NOT NULL,
    product_id     uuid NOT NULL,
    quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
    uom            text NOT NULL DEFAULT '',
    dimensions     jsonb NOT NULL DEFAULT '{}',
    processing     text[] NOT NULL DEFAULT '{}',
    notes          text NOT NULL DEFAULT '',
    config_key     text NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, list_id, product_id, config_key),
    FOREIGN KEY (tenant_id, customer_id, list_id) REFERENCES purchase_lists (tenant_id, customer_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE purchase_list_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE purchase_list_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON purchase_list_items
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON purchase_list_items TO portal_app;
