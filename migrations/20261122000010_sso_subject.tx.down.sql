ALTER TABLE users DROP CONSTRAINT users_tenant_id_sso_subject_key;
ALTER TABLE users DROP COLUMN sso_subject;
