-- A customer's default card is per connected account: when a tenant moves
-- to another Stripe account, the cards saved on the old one cannot pay
-- there, and must neither keep the new account's first card from being
-- the default nor become the default again when a new card is removed.
DROP INDEX payment_methods_idx1;
CREATE UNIQUE INDEX payment_methods_idx1 ON payment_methods (tenant_id, customer_id, stripe_account) WHERE is_default;
