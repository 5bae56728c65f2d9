-- The shop's catalog and customer pricing (issue 8, spec 001 "Customer-
-- Specific Pricing", spec 002 catalog with exclusive products, product
-- configuration with live pricing). Everything here is pushed by the
-- ERP through the back-office API, keyed by its own ids where a row is an
-- entity of its own; portal.PriceFor decides a price from these rows.

-- An exclusive product is shown only to the customers it is assigned to
-- (customer_products); a customer whose products_display is
-- exclusive_only sees nothing else. Guests never see one. search_text is
-- what the shop's search matches (code, name, grade, form, dimensions),
-- lower-cased once here instead of on every row of every search.
ALTER TABLE products ADD COLUMN exclusive boolean NOT NULL DEFAULT false;
ALTER TABLE products ADD COLUMN search_text text GENERATED ALWAYS AS
    (lower(code || ' ' || name || ' ' || grade || ' ' || form || ' ' || dimensions)) STORED;
-- The shop's list reads this index alone (an index-only scan): the page
-- in code order and the total, filtered on what it includes, never
-- visiting the rows of products that do not match.
CREATE INDEX products_idx2 ON products (tenant_id, active, code) INCLUDE (exclusive, form, grade, search_text);

-- Pictures of a product, first one first (the list's card shows it).
CREATE TABLE product_images (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    product_id uuid NOT NULL,
    position   integer NOT NULL CHECK (position >= 0),
    url        text NOT NULL CHECK (url ~ '^(https://|/)' AND length(url) <= 1000),
    alt        text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, product_id, position),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE product_images ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_images FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_images
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON product_images TO portal_app;

-- Processing a product can be ordered with (cut to length, saw cut,
-- deburr, ...): the code is what a cart line names; charge_minor is added
-- once per line that selects it (the product's currency).
CREATE TABLE product_processing_options (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    product_id   uuid NOT NULL,
    code         text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
    name         text NOT NULL CHECK (name <> ''),
    charge_minor bigint NOT NULL DEFAULT 0 CHECK (charge_minor >= 0),
    position     integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, product_id, code),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE product_processing_options ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_processing_options FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_processing_options
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON product_processing_options TO portal_app;

-- Dimensions a customer must enter to order the product (a length to cut
-- to, a width), in unit, between min and max (thousandths of the unit).
CREATE TABLE product_required_dimensions (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    product_id uuid NOT NULL,
    name       text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,29}$'),
    label      text NOT NULL CHECK (label <> ''),
    unit       text NOT NULL CHECK (unit <> ''),
    min_milli  bigint NOT NULL CHECK (min_milli > 0),
    max_milli  bigint NOT NULL,
    position   integer NOT NULL DEFAULT 0,
    CHECK (max_milli >= min_milli),
    PRIMARY KEY (tenant_id, product_id, name),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE product_required_dimensions ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_required_dimensions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_required_dimensions
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON product_required_dimensions TO portal_app;

-- Products shown beside a product ("related products"), in order; when a
-- product has none, the shop shows others of its category.
CREATE TABLE product_related (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    product_id uuid NOT NULL,
    related_id uuid NOT NULL,
    position   integer NOT NULL DEFAULT 0,
    CHECK (related_id <> product_id),
    PRIMARY KEY (tenant_id, product_id, related_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, related_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE product_related ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_related FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_related
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON product_related TO portal_app;

-- Exclusive products assigned to a customer.
CREATE TABLE customer_products (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    customer_id uuid NOT NULL,
    product_id  uuid NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, product_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_products_idx1 ON customer_products (tenant_id, product_id);
ALTER TABLE customer_products ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_products FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_products
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_products TO portal_app;

-- A customer's contract price of a product from min_quantity_milli on
-- (thousandths of the pricing unit; 0 is the contract's base price), in
-- force from valid_from to valid_to (inclusive dates; null: open).
CREATE TABLE customer_prices (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    external_id      text NOT NULL,
    customer_id      uuid NOT NULL,
    product_id       uuid NOT NULL,
    min_quantity_milli bigint NOT NULL DEFAULT 0 CHECK (min_quantity_milli >= 0),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    valid_from       date,
    valid_to         date,
    CHECK (valid_to >= valid_from),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, external_id),
    UNIQUE (tenant_id, customer_id, product_id, min_quantity_milli),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE customer_prices ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_prices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_prices
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_prices TO portal_app;

-- List-price quantity breaks: everyone's unit price from
-- min_quantity_milli on. The ERP sends a product's breaks as one set.
CREATE TABLE product_price_breaks (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    product_id         uuid NOT NULL,
    min_quantity_milli bigint NOT NULL CHECK (min_quantity_milli > 0),
    unit_price_minor   bigint NOT NULL CHECK (unit_price_minor >= 0),
    PRIMARY KEY (tenant_id, product_id, min_quantity_milli),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE product_price_breaks ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_price_breaks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON product_price_breaks
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON product_price_breaks TO portal_app;

-- A promotion of one product from starts_at (inclusive) to ends_at
-- (exclusive): a percentage off the list price (basis points) or a
-- promotional unit price, exactly one of them.
CREATE TABLE promotions (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    external_id      text NOT NULL,
    product_id       uuid NOT NULL,
    name             text NOT NULL CHECK (name <> ''),
    percent_off_bp   integer CHECK (percent_off_bp BETWEEN 1 AND 10000),
    unit_price_minor bigint CHECK (unit_price_minor >= 0),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK ((percent_off_bp IS NULL) <> (unit_price_minor IS NULL)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, external_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX promotions_idx1 ON promotions (tenant_id, product_id, ends_at);
ALTER TABLE promotions ENABLE ROW LEVEL SECURITY;
ALTER TABLE promotions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON promotions
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON promotions TO portal_app;

-- A promo code a customer enters at checkout: a percentage off the order
-- (basis points) or an amount off, from starts_at to ends_at, for orders
-- of at least min_order_minor, at most usage_limit times (null: no
-- limit). Codes are kept upper case; the customer types any case.
CREATE TABLE promo_codes (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    external_id      text NOT NULL,
    code             text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,39}$'),
    description      text NOT NULL DEFAULT '',
    percent_off_bp   integer CHECK (percent_off_bp BETWEEN 1 AND 10000),
    amount_off_minor bigint CHECK (amount_off_minor > 0),
    currency         char(3) NOT NULL DEFAULT 'USD',
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    min_order_minor  bigint NOT NULL DEFAULT 0 CHECK (min_order_minor >= 0),
    usage_limit      integer CHECK (usage_limit > 0),
    times_used       integer NOT NULL DEFAULT 0 CHECK (times_used >= 0),
    active           boolean NOT NULL DEFAULT true,
    CHECK (ends_at > starts_at),
    CHECK ((percent_off_bp IS NULL) <> (amount_off_minor IS NULL)),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, external_id),
    UNIQUE (tenant_id, code)
);
ALTER TABLE promo_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE promo_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON promo_codes
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON promo_codes TO portal_app;
