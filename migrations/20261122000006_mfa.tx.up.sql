-- Second factor (spec 000 login_and_auth step 5 mfa_challenge): TOTP from an
-- authenticator app with single-use recovery codes, or, when the tenant
-- requires MFA of a user who has not enrolled, a code sent by e-mail.

-- The TOTP secret lives only here, never in a response after enrolment.
-- users.mfa_enabled is true once the user has confirmed it with a code;
-- until then the secret is a pending enrolment. totp_last_step is the time
-- step (unix time / 30 s) of the last accepted code: a code is accepted
-- once, and never one of an earlier step (replay).
ALTER TABLE users ADD COLUMN totp_secret text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD CONSTRAINT users_totp_check CHECK (NOT mfa_enabled OR totp_secret <> '');

-- A session that has passed the password but not yet the second factor:
-- its cookie reaches only the MFA endpoints, and it lives minutes. The
-- challenge's state is on it: an e-mailed code (SHA-256 of it, its expiry,
-- when it was sent for the resend cooldown) and the wrong attempts so far.
ALTER TABLE sessions ADD COLUMN mfa_pending boolean NOT NULL DEFAULT false;
ALTER TABLE sessions ADD COLUMN mfa_method text NOT NULL DEFAULT '' CHECK (mfa_method IN ('', 'totp', 'email'));
ALTER TABLE sessions ADD COLUMN mfa_code_hash bytea CHECK (length(mfa_code_hash) = 32);
ALTER TABLE sessions ADD COLUMN mfa_code_expires_at timestamptz;
ALTER TABLE sessions ADD COLUMN mfa_code_sent_at timestamptz;
ALTER TABLE sessions ADD COLUMN mfa_attempts integer NOT NULL DEFAULT 0;

-- Recovery codes: ten per enrolment, shown once, stored as SHA-256 (each
-- carries 80 random bits, so a hash is as good as a slow one), spent by
-- their first use.
CREATE TABLE mfa_recovery_codes (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    user_id    uuid NOT NULL,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    created_at timestamptz NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE mfa_recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE mfa_recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mfa_recovery_codes
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_recovery_codes TO portal_app;
