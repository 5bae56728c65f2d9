-- Everyone who signs in to a tenant's portal is a row of users: a customer's
-- users (customer_id set, a customer role) and the tenant's own staff
-- (customer_id NULL, a staff role). One table keeps one sign-in, one session
-- store, one MFA and one throttle for both; customer-scoped queries filter on
-- customer_id, which a staff user's NULL never matches.
-- Checking the new foreign keys reads the tables as their owner, which
-- FORCE would subject to the tenant policy; lifted for this transaction only.
ALTER TABLE customer_users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE password_resets NO FORCE ROW LEVEL SECURITY;

ALTER TABLE customer_users RENAME TO users;
ALTER INDEX customer_users_pkey RENAME TO users_pkey;
ALTER INDEX customer_users_tenant_id_email_key RENAME TO users_tenant_id_email_key;
ALTER INDEX customer_users_tenant_id_customer_id_id_key RENAME TO users_tenant_id_customer_id_id_key;
ALTER INDEX customer_users_idx1 RENAME TO users_idx1;
ALTER TABLE users RENAME CONSTRAINT customer_users_tenant_id_customer_id_fkey TO users_tenant_id_customer_id_fkey;
ALTER TABLE users RENAME CONSTRAINT customer_users_tenant_id_fkey TO users_tenant_id_fkey;
ALTER TABLE users RENAME CONSTRAINT customer_users_email_check TO users_email_check;
ALTER TABLE users RENAME CONSTRAINT customer_users_name_check TO users_name_check;
ALTER TABLE users RENAME CONSTRAINT customer_users_status_check TO users_status_check;

ALTER TABLE users ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE users DROP CONSTRAINT customer_users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (
    (customer_id IS NOT NULL AND role IN ('admin', 'buyer', 'viewer', 'finance'))
    OR (customer_id IS NULL AND role IN ('tenant_admin', 'sales_rep')));
-- A sales_rep user is the sales rep (sales_reps, pushed by the ERP) with the
-- same e-mail address: the customers that rep is assigned are theirs.

-- Sessions and reset links belong to any user. The composite key with
-- customer_id still ties a customer user's rows to their own customer; the
-- key on (tenant_id, user_id) covers staff, whose customer_id is NULL (a
-- composite key with a NULL column is not checked).
ALTER TABLE sessions ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE sessions ADD CONSTRAINT sessions_user_fkey
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE password_resets ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE password_resets ADD CONSTRAINT password_resets_user_fkey
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE;

ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
