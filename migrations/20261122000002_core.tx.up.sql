-- Core tenant-owned schema: customers and their users, addresses, the
-- distributor's locations and sales reps, the product catalog, orders with
-- lines and status history, shipments and invoices.
--
-- Every table: tenant_id first in the primary key, in every unique constraint
-- and in every foreign key (so no row can point at another tenant's row, and
-- the schema can be distributed by tenant_id); ENABLE + FORCE row-level
-- security; the tenant_isolation policy, which raises an error when
-- app.tenant_id is unset or empty instead of quietly matching nothing.

CREATE TABLE number_counters (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    -- What is numbered ('order', 'invoice', 'quote', 'rma', 'shipment') and
    -- the period the sequence restarts in (the year), e.g. SO-2026-0019.
    kind        text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    period      integer NOT NULL,
    last_value  bigint NOT NULL DEFAULT 0 CHECK (last_value >= 0),
    PRIMARY KEY (tenant_id, kind, period)
);
ALTER TABLE number_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE number_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON number_counters
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON number_counters TO portal_app;

CREATE TABLE sales_reps (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    name        text NOT NULL CHECK (name <> ''),
    email       text NOT NULL,
    phone       text NOT NULL DEFAULT '',
    external_id text,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email),
    UNIQUE (tenant_id, external_id)
);
ALTER TABLE sales_reps ENABLE ROW LEVEL SECURITY;
ALTER TABLE sales_reps FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sales_reps
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON sales_reps TO portal_app;

CREATE TABLE locations (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    -- The distributor's own sites (warehouses, branches) that stock and ship.
    code        text NOT NULL CHECK (code <> ''),
    name        text NOT NULL CHECK (name <> ''),
    phone       text NOT NULL DEFAULT '',
    email       text NOT NULL DEFAULT '',
    line1       text NOT NULL DEFAULT '',
    city        text NOT NULL DEFAULT '',
    region      text NOT NULL DEFAULT '',
    postal_code text NOT NULL DEFAULT '',
    country     char(2) NOT NULL DEFAULT 'US',
    time_zone   text NOT NULL DEFAULT 'UTC',
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
);
ALTER TABLE locations ENABLE ROW LEVEL SECURITY;
ALTER TABLE locations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON locations
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON locations TO portal_app;

CREATE TABLE customers (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    id                uuid NOT NULL,
    account_number    text NOT NULL CHECK (account_number <> ''),
    company_name      text NOT NULL CHECK (company_name <> ''),
    type              text NOT NULL DEFAULT 'business' CHECK (type IN ('business', 'individual')),
    status            text NOT NULL DEFAULT 'active' CHECK (status IN ('pending', 'active', 'on_hold', 'closed')),
    -- Payment terms as the ERP names them: 'NET30', 'NET60', 'COD', 'PREPAID'.
    payment_terms     text NOT NULL DEFAULT 'NET30',
    currency          char(3) NOT NULL DEFAULT 'USD',
    credit_limit_minor bigint NOT NULL DEFAULT 0 CHECK (credit_limit_minor >= 0),
    po_required       boolean NOT NULL DEFAULT false,
    -- Spec 002 "Products Display": standard plus exclusive, or exclusive only.
    products_display  text NOT NULL DEFAULT 'standard_and_exclusive'
                      CHECK (products_display IN ('standard_and_exclusive', 'exclusive_only')),
    sales_rep_id      uuid,
    phone             text NOT NULL DEFAULT '',
    email             text NOT NULL DEFAULT '',
    external_id       text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, account_number),
    UNIQUE (tenant_id, external_id),
    FOREIGN KEY (tenant_id, sales_rep_id) REFERENCES sales_reps (tenant_id, id)
);
CREATE INDEX customers_idx1 ON customers (tenant_id, company_name);
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customers
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO portal_app;

CREATE TABLE customer_users (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    customer_id   uuid NOT NULL,
    email         text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name          text NOT NULL CHECK (name <> ''),
    phone         text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('admin', 'buyer', 'viewer', 'finance')),
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'disabled')),
    -- PHC-encoded password hash (argon2id); empty for SSO-only users.
    password_hash text NOT NULL DEFAULT '',
    mfa_enabled   boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    -- One sign-in per e-mail address within a tenant's portal.
    UNIQUE (tenant_id, email),
    -- Lets rows that belong to a customer point only at that customer's users.
    UNIQUE (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_users_idx1 ON customer_users (tenant_id, customer_id);
ALTER TABLE customer_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_users
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_users TO portal_app;

CREATE TABLE addresses (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    customer_id uuid NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('billing', 'shipping')),
    label       text NOT NULL DEFAULT '',
    line1       text NOT NULL CHECK (line1 <> ''),
    line2       text NOT NULL DEFAULT '',
    city        text NOT NULL CHECK (city <> ''),
    region      text NOT NULL DEFAULT '',
    postal_code text NOT NULL DEFAULT '',
    country     char(2) NOT NULL,
    is_default  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX addresses_idx1 ON addresses (tenant_id, customer_id);
ALTER TABLE addresses ENABLE ROW LEVEL SECURITY;
ALTER TABLE addresses FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON addresses
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON addresses TO portal_app;

CREATE TABLE product_categories (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    slug        text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$'),
    name        text NOT NULL CHECK (name <> ''),
    parent_id   uuid,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, slug),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES product_categories (tenant_id, id)
);
ALTER TABLE product_categories ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_categories FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_categories
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON product_categories TO portal_app;

CREATE TABLE products (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    code             text NOT NULL CHECK (code <> ''),
    name             text NOT NULL CHECK (name <> ''),
    description      text NOT NULL DEFAULT '',
    -- Product form: plate, sheet, bar, round_bar, tube, pipe, angle, beam, channel...
    form             text NOT NULL CHECK (form <> ''),
    grade            text NOT NULL DEFAULT '',
    -- Dimensions as shown to customers ('1/4" x 48" x 96"') and as numbers
    -- for search and processing (inches: thickness, width, length, od, wall).
    dimensions       text NOT NULL DEFAULT '',
    dimension_values jsonb NOT NULL DEFAULT '{}',
    stock_uom        text NOT NULL CHECK (stock_uom <> ''),
    pricing_uom      text NOT NULL CHECK (pricing_uom <> ''),
    weight_per_unit  numeric(12, 4),
    currency         char(3) NOT NULL DEFAULT 'USD',
    list_price_minor bigint NOT NULL CHECK (list_price_minor >= 0),
    active           boolean NOT NULL DEFAULT true,
    external_id      text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    UNIQUE (tenant_id, external_id)
);
CREATE INDEX products_idx1 ON products (tenant_id, form, grade);
ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE products FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON products
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON products TO portal_app;

CREATE TABLE product_category_links (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    product_id  uuid NOT NULL,
    category_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, product_id, category_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, category_id) REFERENCES product_categories (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_category_links_idx1 ON product_category_links (tenant_id, category_id);
ALTER TABLE product_category_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_category_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_category_links
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON product_category_links TO portal_app;

CREATE TABLE orders (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    customer_id      uuid NOT NULL,
    order_number     text NOT NULL CHECK (order_number <> ''),
    po_number        text NOT NULL DEFAULT '',
    -- Internal status of spec 000 section 3; customers only ever see its label.
    status           text NOT NULL CHECK (status IN ('draft', 'pending_review', 'confirmed', 'released',
                         'in_progress', 'partial_complete', 'complete', 'shipped', 'partial_shipped',
                         'delivered', 'invoiced', 'cancelled', 'on_hold')),
    order_date       date NOT NULL,
    requested_date   date,
    promised_date    date,
    placed_by_id     uuid,
    ship_to_id       uuid,
    location_id      uuid,
    currency         char(3) NOT NULL DEFAULT 'USD',
    subtotal_minor   bigint NOT NULL DEFAULT 0,
    tax_minor        bigint NOT NULL DEFAULT 0,
    freight_minor    bigint NOT NULL DEFAULT 0,
    total_minor      bigint NOT NULL DEFAULT 0,
    coc_required     boolean NOT NULL DEFAULT false,
    notes            text NOT NULL DEFAULT '',
    external_id      text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, order_number),
    UNIQUE (tenant_id, external_id),
    UNIQUE (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    -- The user who placed the order and the ship-to address belong to the
    -- order's own customer: another customer's ids cannot be attached.
    FOREIGN KEY (tenant_id, customer_id, placed_by_id) REFERENCES customer_users (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, customer_id, ship_to_id) REFERENCES addresses (tenant_id, customer_id, id),
    FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id)
);
CREATE INDEX orders_idx1 ON orders (tenant_id, customer_id, order_date DESC);
CREATE INDEX orders_idx2 ON orders (tenant_id, status);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON orders
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO portal_app;

CREATE TABLE order_lines (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    order_id         uuid NOT NULL,
    line_no          integer NOT NULL CHECK (line_no > 0),
    product_id       uuid,
    description      text NOT NULL CHECK (description <> ''),
    grade            text NOT NULL DEFAULT '',
    dimensions       text NOT NULL DEFAULT '',
    quantity         numeric(14, 3) NOT NULL CHECK (quantity > 0),
    uom              text NOT NULL,
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    line_total_minor bigint NOT NULL,
    -- Line (job) status of spec 000 section 3.
    job_status       text NOT NULL DEFAULT 'queued' CHECK (job_status IN ('queued', 'in_progress', 'staged',
                         'completed', 'shipped', 'cancelled', 'on_hold')),
    processing_notes text NOT NULL DEFAULT '',
    heat_number      text NOT NULL DEFAULT '',
    has_mtr          boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, order_id, line_no),
    UNIQUE (tenant_id, order_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
);
ALTER TABLE order_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_lines
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON order_lines TO portal_app;

CREATE TABLE order_status_history (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    order_id    uuid NOT NULL,
    status      text NOT NULL,
    changed_at  timestamptz NOT NULL,
    note        text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX order_status_history_idx1 ON order_status_history (tenant_id, order_id, changed_at);
ALTER TABLE order_status_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_status_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_status_history
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON order_status_history TO portal_app;

CREATE TABLE shipments (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    id                 uuid NOT NULL,
    order_id           uuid NOT NULL,
    shipment_number    text NOT NULL CHECK (shipment_number <> ''),
    status             text NOT NULL CHECK (status IN ('pending', 'picked', 'packed', 'label_created', 'shipped',
                           'out_for_delivery', 'delivered', 'exception', 'returned')),
    carrier            text NOT NULL DEFAULT '',
    carrier_type       text NOT NULL DEFAULT 'parcel' CHECK (carrier_type IN ('parcel', 'freight', 'own_truck', 'pickup')),
    tracking_number    text NOT NULL DEFAULT '',
    tracking_url       text NOT NULL DEFAULT '',
    ship_date          date,
    estimated_delivery date,
    delivered_at       timestamptz,
    pod_available      boolean NOT NULL DEFAULT false,
    external_id        text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, shipment_number),
    UNIQUE (tenant_id, external_id),
    UNIQUE (tenant_id, order_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
CREATE INDEX shipments_idx1 ON shipments (tenant_id, order_id);
ALTER TABLE shipments ENABLE ROW LEVEL SECURITY;
ALTER TABLE shipments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON shipments
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON shipments TO portal_app;

CREATE TABLE shipment_lines (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    shipment_id   uuid NOT NULL,
    -- The order of both the shipment and the line: a shipment can only
    -- carry lines of its own order.
    order_id      uuid NOT NULL,
    order_line_id uuid NOT NULL,
    quantity      numeric(14, 3) NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (tenant_id, shipment_id, order_line_id),
    FOREIGN KEY (tenant_id, order_id, shipment_id) REFERENCES shipments (tenant_id, order_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, order_id, order_line_id) REFERENCES order_lines (tenant_id, order_id, id)
);
CREATE INDEX shipment_lines_idx1 ON shipment_lines (tenant_id, order_line_id);
ALTER TABLE shipment_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE shipment_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON shipment_lines
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON shipment_lines TO portal_app;

CREATE TABLE invoices (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    customer_id      uuid NOT NULL,
    order_id         uuid,
    invoice_number   text NOT NULL CHECK (invoice_number <> ''),
    -- 'overdue' is not stored: it is an open invoice past its due date.
    status           text NOT NULL CHECK (status IN ('open', 'partially_paid', 'paid', 'void')),
    invoice_date     date NOT NULL,
    due_date         date NOT NULL,
    currency         char(3) NOT NULL DEFAULT 'USD',
    subtotal_minor   bigint NOT NULL DEFAULT 0,
    tax_minor        bigint NOT NULL DEFAULT 0,
    total_minor      bigint NOT NULL,
    amount_paid_minor bigint NOT NULL DEFAULT 0 CHECK (amount_paid_minor >= 0),
    external_id      text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, invoice_number),
    UNIQUE (tenant_id, external_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    -- An invoice's order is one of the invoice's customer's orders.
    FOREIGN KEY (tenant_id, customer_id, order_id) REFERENCES orders (tenant_id, customer_id, id)
);
CREATE INDEX invoices_idx1 ON invoices (tenant_id, customer_id, due_date);
CREATE INDEX invoices_idx2 ON invoices (tenant_id, order_id);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invoices
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON invoices TO portal_app;
