-- The signed-in user's account: one default address per kind and customer,
-- and each user's notification preferences.

-- At most one default billing and one default shipping address per
-- customer, whatever the code does: setting a new default must clear the
-- old one in the same transaction.
CREATE UNIQUE INDEX addresses_one_default ON addresses (tenant_id, customer_id, kind) WHERE is_default;

-- A user's choice per notification kind (spec 002 "Notifications"). No row
-- means the default: e-mail on. Rows are the user's own; a customer user's
-- row carries the customer so it can point only at that customer's user.
CREATE TABLE notification_preferences (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    user_id    uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('order_confirmed', 'order_shipped', 'order_delivered',
                   'invoice_issued', 'invoice_reminder', 'payment_received', 'quote_responded', 'document_available')),
    email      boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, kind),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_preferences FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notification_preferences
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_preferences TO portal_app;
