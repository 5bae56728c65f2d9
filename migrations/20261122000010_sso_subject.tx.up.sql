-- Single sign-on identifies a user by the identity provider's issuer and
-- subject, which the provider never reassigns; an e-mail address can change
-- hands. The first SSO sign-in links the user found by e-mail; later ones
-- find the user by this, and an address now owned by another subject is
-- refused.
ALTER TABLE users ADD COLUMN sso_subject text CHECK (sso_subject <> '' AND length(sso_subject) <= 600);
ALTER TABLE users ADD CONSTRAINT users_tenant_id_sso_subject_key UNIQUE (tenant_id, sso_subject);
