DROP TABLE sso_states;
ALTER TABLE tenants DROP COLUMN sso;
